"""The chokepoints section: the top findings of chipwatch.analysis.chokepoints as a chart and
a table, each finding in a sentence of the report language with the notes of its claims."""

from __future__ import annotations

from chipwatch.analysis.chokepoints import Finding, chokepoints
from chipwatch.report.charts import chokepoint_chart
from chipwatch.report.context import Context
from chipwatch.report.document import Paragraph, Section, Table, Text
from chipwatch.report.phrasing import number

TOP = 12


def _by_label(ctx: Context, label: str) -> str:
    """An entity's name in the report language from its English label (the analysis gives labels)."""
    for eid, e in ctx.entities.items():
        if e["label_en"] == label:
            return ctx.name(eid)
    return label


def sentence(ctx: Context, f: Finding, abroad_total: int) -> Text:
    """The finding in words. English uses the analysis' own sentence; Chinese is built from
    its details, falling back to the English sentence if the details have another shape."""
    if ctx.lang == "en":
        return Text(f.sentence, ctx.notes(f.claims))
    d, name = f.details, ctx.name
    try:
        if f.kind == "single_source" and "share" in d:
            text = ctx.t("report.chokepoints.share", item=name(d["item"]), share=number(d["share"]), by=name(d["provider"]))
        elif f.kind == "single_source":
            key = "fab" if d["item"] == d["consumer"] else "provider" if d["item"] == d["provider"] else "item"
            text = ctx.t(f"report.chokepoints.{key}", who=name(d["consumer"]), by=name(d["provider"]), item=name(d["item"]))
        elif f.kind == "concentration":
            leaders = sorted(d["shares"].items(), key=lambda kv: -kv[1])[:3]
            text = ctx.t("report.chokepoints.hhi", item=name(d["item"]), hhi=number(d["hhi"]),
                         leaders=ctx.join([f"{name(k)} {number(v)}%" for k, v in leaders]))
        elif f.kind == "foreign_dependency":
            share = round(100 * d["relations"] / abroad_total) if abroad_total else 0
            text = ctx.t("report.chokepoints.foreign", home=ctx.country("RU"), country=ctx.country(d["country"]),
                         n=d["relations"], share=share, providers=ctx.join([_by_label(ctx, p) for p in d["providers"]]))
        elif f.kind == "centrality":
            text = ctx.t("report.chokepoints.central", who=name(f.subject), share=f"{100 * d['betweenness']:.1f}",
                         degree=d["degree"])
        else:
            return Text(f.sentence, ctx.notes(f.claims), lang="en")
    except KeyError:
        return Text(f.sentence, ctx.notes(f.claims), lang="en")
    return Text(text, ctx.notes(f.claims))


def _short(ctx: Context, f: Finding) -> str:
    """A bar label: what is at risk, and for whom (`MCST／Government of Russia`)."""
    if f.kind == "foreign_dependency":
        return ctx.country(f.subject)
    consumer = f.details.get("consumer")
    if consumer and consumer != f.subject:
        return f"{ctx.name(consumer)}／{ctx.name(f.subject)}"
    return ctx.name(f.subject)


def _kind(ctx: Context, kind: str) -> str:
    key = f"report.chokepoints.kind.{kind}"
    try:
        return ctx.t(key)
    except KeyError:
        return kind


def chokepoints_section(ctx: Context, as_of: str) -> Section:
    section = Section("chokepoints", ctx.t("report.section.chokepoints"))
    findings = chokepoints(ctx.cw.store, as_of)
    top = findings[:TOP]
    section.blocks.append(Paragraph([Text(ctx.t("report.chokepoints.intro", date=as_of, n=len(top), total=len(findings)))]))
    if not top:
        return section
    abroad = sum(f.details.get("relations", 0) for f in findings if f.kind == "foreign_dependency")
    rows = [[Text(str(f.rank)), Text(_kind(ctx, f.kind)), sentence(ctx, f, abroad), Text(f"{f.score:.2f}")] for f in top]
    chart_rows = [{"label": f"{f.rank}. {_short(ctx, f)}", "score": round(f.score, 3), "kind": _kind(ctx, f.kind)} for f in top]
    chart = chokepoint_chart(chart_rows, ctx.t("report.chart.chokepoints.title"), ctx.t("report.chart.chokepoints.x"),
                             ctx.t("report.chart.chokepoints.kind"))
    notes = ctx.notes([c for f in top for c in f.claims])
    section.blocks.append(ctx.figure(ctx.t("report.chart.chokepoints.title"), ctx.t("report.chart.chokepoints.caption"),
                                     chart, notes))
    cols = [ctx.t(f"report.chokepoints.col.{k}") for k in ("rank", "kind", "finding", "score")]
    section.blocks.append(Table(cols, rows, numeric=[0, 3], nowrap=[1]))
    return section
