"""The sanctions timeline: one row per designation (entity, authority) in date order
(undated last), its dates from the claims and the bounds the imported OFAC snapshots put on
them, and the sanctions-list versions imported into the store, if any."""

from __future__ import annotations

from pathlib import PurePath

from chipwatch.analysis.sanctions import Designation, designations
from chipwatch.frames import rows
from chipwatch.report.context import Context
from chipwatch.report.document import Paragraph, Section, Table, Text
from chipwatch.report.phrasing import Phrasing, number
from chipwatch.screening.links import list_links


def _snapshots(ctx: Context, d: Designation) -> str:
    """What the list snapshots say of the designation's date, in words."""
    if not d.listed_on:
        return "—"
    text = (ctx.t("report.sanctions.added_between", a=d.not_listed_on, b=d.listed_on) if d.not_listed_on
            else ctx.t("report.sanctions.listed_by", b=d.listed_on))
    return text + (ctx.t("report.sentence.sep") + ctx.t("report.sanctions.conflict", a=d.not_listed_on) if d.conflict else "")


def sanctions_section(ctx: Context, ph: Phrasing) -> Section:
    section = Section("sanctions", ctx.t("report.section.sanctions"))
    section.blocks.append(Paragraph([Text(ctx.t("report.sanctions.intro"))]))
    found = designations(ctx.cw.store)  # one row per designation, dated by claims and bounded by snapshots
    claims = [ctx.claims[c] for d in found for c in d.claims if c in ctx.claims]
    table_rows = []
    for d in found:
        program = ctx.join(d.programs)
        since = ctx.join(d.claimed) if d.claimed else ctx.t("report.sanctions.undated")
        status = d.statuses[0] if len(d.statuses) == 1 else "disputed" if "disputed" in d.statuses else d.statuses[0]
        table_rows.append([Text(since), Text(ctx.name(d.subject)), Text(ctx.name(d.authority) if d.authority else ""),
                           Text(program), Text(_snapshots(ctx, d)),
                           Text("", badge=status, badge_label=ph.badge(status)), Text("", ctx.notes(d.claims))])
    if table_rows:
        cols = [ctx.t(f"report.sanctions.col.{k}") for k in ("date", "who", "by", "program", "snapshots", "status", "notes")]
        section.blocks.append(Table(cols, table_rows, nowrap=[0, 5]))
    else:
        section.blocks.append(Paragraph([Text(ctx.t("report.none"))]))

    versions = rows(ctx.cw.store.sql("SELECT id, kind, date, entries, path FROM list_versions ORDER BY kind, date, id"))
    if versions:
        cols = [ctx.t(f"report.sanctions.col.{k}") for k in ("version", "kind", "list_date", "entries", "file")]
        section.blocks.append(Table(cols, [[Text(v["id"]), Text(str(v["kind"]).upper()), Text(v["date"] or ""),
                                            Text(number(v["entries"] or 0)), Text(PurePath(v["path"] or "").name)] for v in versions],
                                    caption=ctx.t("report.sanctions.lists"), numeric=[3]))
        section.blocks.append(_links(ctx, claims))
    else:
        section.blocks.append(Paragraph([Text(ctx.t("report.sanctions.no_lists"))]))
    return section


def _links(ctx: Context, claims: list[dict]) -> Table:
    """For each sanctioned entity, the entries of the latest lists its identifiers point to."""
    rows_out = []
    for eid in dict.fromkeys(c["subject"] for c in claims):
        links = list_links(ctx.cw.store, eid)
        entries = ctx.join([f"{link['version']} #{link['list_id']} {link['caption']}" for link in links])
        programs = ctx.join(sorted({p for link in links for p in (link["programs"] or [])}))
        status = ctx.t(f"report.sanctions.{'listed' if programs else 'not_listed'}")
        rows_out.append([Text(ctx.name(eid)), Text(status), Text(entries or "—"), Text(programs)])
    cols = [ctx.t(f"report.sanctions.col.{k}") for k in ("who", "listed", "entries_linked", "program")]
    return Table(cols, rows_out, caption=ctx.t("report.sanctions.links"))
