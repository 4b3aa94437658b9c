"""The executive summary: the key findings, computed from the store when the report is
built (what the claims cover, the technology gap, the top chokepoints, sanctions, the
consistency checks), each with the notes of the claims it rests on."""

from __future__ import annotations

from chipwatch.analysis.chokepoints import chokepoints
from chipwatch.analysis.gap import gap
from chipwatch.analysis.sanctions import designations
from chipwatch.errors import ChipwatchError
from chipwatch.report.chokepoints_section import sentence
from chipwatch.report.context import Context
from chipwatch.report.document import Items, Paragraph, Section, Text
from chipwatch.report.phrasing import Phrasing, number

STATUSES = ("fact", "reported", "speculated", "planned", "disputed")
CHAPTERS = ("materials", "design", "fabrication", "cooperation", "conclusion")
TOP_CHOKEPOINTS = 3


def _scope(ctx: Context, ph: Phrasing) -> Text:
    claims = list(ctx.claims.values())
    sources = {e["source"] for c in claims for e in c["evidence"]}
    counts = {s: sum(c["status"] == s for c in claims) for s in STATUSES}
    statuses = ctx.join([ctx.t("report.summary.status", n=n, label=ph.badge(s)) for s, n in counts.items() if n])
    text = Text(ctx.t("report.summary.scope", claims=number(len(claims)), sources=number(len(sources)), statuses=statuses))
    chapters = []
    for ch in CHAPTERS:
        n = sum(f"chapter:{ch}" in (c["tags"] or []) for c in claims)
        if n:
            chapters.append(ctx.t("report.summary.chapter", title=ctx.t(f"report.section.{ch}"), n=n))
    if chapters:
        text.sub.append(Text(ctx.t("report.summary.chapters", chapters=ctx.join(chapters))))
    return text


def _gap(ctx: Context, as_of: str) -> list[Text]:
    try:
        gaps = gap(ctx.cw.store, as_of)
    except ChipwatchError:
        return []
    out = []
    nodes = [g for g in gaps if g.kind == "node"]
    if nodes:
        best = min(g.details["node_nm"] for g in nodes)
        at = [g for g in nodes if g.details["node_nm"] == best]
        g = at[0]
        fabs = [x.subject for x in at if ctx.entities.get(x.subject, {}).get("type") != "country"] or [g.subject]
        d = g.details
        out.append(Text(ctx.t("report.summary.gap", home=ctx.country("RU"), node=number(best),
                              who=ctx.join([ctx.name(f) for f in fabs]), year=d["node_year"],
                              behind=number(g.years_behind), leading=number(d["leading_node_nm"]),
                              leadyear=d["leading_year"]),
                        ctx.notes([c for x in at for c in x.claims] + g.reference_claims)))
    for g in (g for g in gaps if g.kind == "purity"):
        out.append(Text(ctx.t("report.summary.purity", who=ctx.name(g.subject), best=g.best, leading=g.leading,
                              behind=number(g.years_behind)), ctx.notes(g.claims + g.reference_claims)))
    suppliers = [g for g in gaps if g.kind == "supplier"]
    if suppliers:
        who = ctx.join([f"{ctx.name(g.subject)} ({g.best})" for g in suppliers])
        out.append(Text(ctx.t("report.summary.suppliers", who=who), ctx.notes([c for g in suppliers for c in g.claims])))
    return out


def _chokepoints(ctx: Context, as_of: str) -> list[Text]:
    findings = chokepoints(ctx.cw.store, as_of)
    abroad = sum(f.details.get("relations", 0) for f in findings if f.kind == "foreign_dependency")
    out = []
    for f in findings[:TOP_CHOKEPOINTS]:
        said = sentence(ctx, f, abroad)
        out.append(Text(ctx.t("report.summary.chokepoint", rank=f.rank, text=said.text), said.notes, lang=said.lang))
    return out


def _sanctions(ctx: Context) -> list[Text]:
    found = designations(ctx.cw.store)
    if not found:
        return []
    authorities = ctx.join([ctx.name(a) for a in dict.fromkeys(d.authority for d in found if d.authority)])
    return [Text(ctx.t("report.summary.sanctions", n=len(found), entities=len({d.subject for d in found}),
                       authorities=authorities), ctx.notes([c for d in found for c in d.claims]))]


def _consistency(ctx: Context) -> list[Text]:
    from chipwatch.analysis.check import check

    findings = check(ctx.cw.store)
    counts = {s: sum(f.severity == s for f in findings) for s in ("error", "warning", "info")}
    return [Text(ctx.t("report.summary.consistency", errors=counts["error"], warnings=counts["warning"],
                       infos=counts["info"]))]


def summary_section(ctx: Context, ph: Phrasing, as_of: str) -> Section:
    """The executive summary as the report's first section."""
    items = [_scope(ctx, ph)] + _gap(ctx, as_of) + _chokepoints(ctx, as_of) + _sanctions(ctx) + _consistency(ctx)
    return Section("summary", ctx.t("report.section.summary"),
                   [Paragraph([Text(ctx.t("report.summary.intro"))]), Items(items)])
