"""The technology-gap section: each fab's best node against the reference years of
volume production, and purity against the leading grade (chipwatch.analysis.gap), with a
chart; every figure carries the notes of the claims it is computed from."""

from __future__ import annotations

from chipwatch.analysis.gap import Gap, gap, node_years
from chipwatch.errors import ChipwatchError
from chipwatch.report.charts import gap_chart
from chipwatch.report.context import Context
from chipwatch.report.document import Paragraph, Section, Table, Text
from chipwatch.report.phrasing import Phrasing, number


def _node_rows(ctx: Context, ph: Phrasing, gaps: list[Gap], table: dict) -> list[list[Text]]:
    out = []
    for g in gaps:
        d = g.details
        node, year = d["node_nm"], d["node_year"]
        ref_node = min((n for n in table if n >= node), default=node)  # as analysis.gap reads the table
        year_text = str(year) if ref_node == node else ctx.t("report.gap.as_node", year=year, ref=number(ref_node))
        targets = ctx.join([ctx.t("report.gap.target", node=number(t["node_nm"]), status=ph.badge(t["status"]))
                            for t in g.targets])
        notes = ctx.notes(g.claims + g.reference_claims + [t["claim"] for t in g.targets])
        out.append([Text(ctx.name(g.subject)), Text(ctx.t("report.unit.nm", v=number(node))), Text(year_text),
                    Text(number(g.years_behind)), Text(targets), Text("", notes)])
    return out


def _purity_rows(ctx: Context, gaps: list[Gap]) -> list[list[Text]]:
    out = []
    for g in gaps:
        d = g.details
        lag = ctx.t("report.value.over", v=ctx.t("report.unit.year", v=number(g.years_behind))) if g.years_behind else "—"
        out.append([Text(ctx.name(g.subject)), Text(g.best), Text(g.leading), Text(number(d["nines_short"])),
                    Text(lag), Text("", ctx.notes(g.claims + g.reference_claims))])
    return out


def _chart(ctx: Context, nodes: list[Gap], table: dict, horizon: int):
    reference = [{"year": y, "node": n} for n, (y, _) in sorted(table.items()) if y <= horizon]
    points: dict[tuple, list[str]] = {}
    for g in nodes:
        points.setdefault((g.details["node_year"], g.details["node_nm"], g.years_behind), []).append(ctx.name(g.subject))
    fabs = [{"year": y, "node": n, "label": ctx.t("report.chart.gap.label", who=ctx.join(names), node=number(n), behind=number(b))}
            for (y, n, b), names in points.items()]
    chart = gap_chart(reference, fabs, ctx.t("report.chart.gap.title"), ctx.t("report.chart.gap.x"),
                      ctx.t("report.chart.gap.y"), ctx.t("report.chart.gap.reference"))
    notes = ctx.notes([c for _, c in table.values()] + [c for g in nodes for c in g.claims])
    return ctx.figure(ctx.t("report.chart.gap.title"), ctx.t("report.chart.gap.caption"), chart, notes)


def gap_section(ctx: Context, ph: Phrasing, as_of: str) -> Section:
    section = Section("gap", ctx.t("report.section.gap"), part=ctx.t("report.part.computed"))
    try:
        gaps = gap(ctx.cw.store, as_of)
    except ChipwatchError as exc:
        section.blocks.append(Paragraph([Text(ctx.t("report.unavailable", reason=str(exc)))]))
        return section
    nodes = [g for g in gaps if g.kind == "node"]
    purity = [g for g in gaps if g.kind == "purity"]
    lead_year = nodes[0].details["leading_year"] if nodes else ""
    lead_claims = nodes[0].reference_claims[-1:] if nodes else []  # the leading node's year
    section.blocks.append(Paragraph([Text(ctx.t("report.gap.intro", year=lead_year), ctx.notes(lead_claims))]))
    section.blocks.append(Paragraph([Text(ctx.t("report.gap.period", date=as_of))]))
    if nodes:
        table = node_years(ctx.cw.store)
        section.blocks.append(_chart(ctx, nodes, table, int(lead_year)))
        cols = [ctx.t(f"report.gap.col.{k}") for k in ("who", "node", "year", "behind", "targets", "notes")]
        section.blocks.append(Table(cols, _node_rows(ctx, ph, nodes, table), numeric=[1, 3]))
    if purity:
        cols = [ctx.t(f"report.gap.col.{k}") for k in ("who", "grade", "leading", "short", "lag", "notes")]
        section.blocks.append(Table(cols, _purity_rows(ctx, purity), caption=ctx.t("report.gap.purity_title"), numeric=[3]))
    suppliers = [g for g in gaps if g.kind == "supplier"]
    if suppliers:
        cols = [ctx.t(f"report.gap.col.{k}") for k in ("supplier", "products", "nodes_run", "notes")]
        rows = [[Text(ctx.name(g.subject)), Text(ctx.join([ctx.name(p) for p in g.details["products"]])),
                 Text(ctx.join([ctx.t("report.unit.nm", v=number(n)) for n in g.details["nodes_nm"]])),
                 Text("", ctx.notes(g.claims))] for g in suppliers]
        section.blocks.append(Table(cols, rows, caption=ctx.t("report.gap.suppliers_title")))
    return section
