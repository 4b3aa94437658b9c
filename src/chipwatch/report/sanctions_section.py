"""The sanctions timeline: every `sanctioned_by` claim in date order (undated last), and the
sanctions-list versions imported into the store, if any."""

from __future__ import annotations

from chipwatch.frames import rows
from chipwatch.model.dates import PartialDate
from chipwatch.report.context import Context
from chipwatch.report.document import Paragraph, Section, Table, Text
from chipwatch.report.phrasing import Phrasing, number
from chipwatch.screening.links import list_links


def _when(claim: dict) -> tuple:
    start = claim.get("valid_from")
    if not start:
        return (1, "", claim["id"])
    try:
        return (0, PartialDate.parse(start).start.isoformat(), claim["id"])
    except ValueError:
        return (0, str(start), claim["id"])


def sanctions_section(ctx: Context, ph: Phrasing) -> Section:
    section = Section("sanctions", ctx.t("report.section.sanctions"))
    section.blocks.append(Paragraph([Text(ctx.t("report.sanctions.intro"))]))
    claims = sorted((c for c in ctx.claims.values() if c["predicate"] == "sanctioned_by"), key=_when)
    table_rows = []
    for c in claims:
        q = c.get("qualifiers") or {}
        program = ctx.join([str(q[k]) for k in ("program", "list") if q.get(k)])
        since = c.get("valid_from") or ctx.t("report.sanctions.undated")
        if c.get("valid_to"):
            since = ctx.t("report.period.both", a=since, b=c["valid_to"])
        table_rows.append([Text(since), Text(ctx.name(c["subject"])), Text(ctx.name(c.get("object"))), Text(program),
                           Text("", badge=c["status"], badge_label=ph.badge(c["status"])), Text("", ctx.notes([c["id"]]))])
    if table_rows:
        cols = [ctx.t(f"report.sanctions.col.{k}") for k in ("date", "who", "by", "program", "status", "notes")]
        section.blocks.append(Table(cols, table_rows, nowrap=[0, 4]))
    else:
        section.blocks.append(Paragraph([Text(ctx.t("report.none"))]))

    versions = rows(ctx.cw.store.sql("SELECT id, kind, date, entries, path FROM list_versions ORDER BY kind, date, id"))
    if versions:
        cols = [ctx.t(f"report.sanctions.col.{k}") for k in ("version", "kind", "list_date", "entries", "file")]
        section.blocks.append(Table(cols, [[Text(v["id"]), Text(str(v["kind"]).upper()), Text(v["date"] or ""),
                                            Text(number(v["entries"] or 0)), Text(v["path"] or "")] for v in versions],
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
