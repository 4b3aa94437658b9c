"""The scenarios section: the bundled what-if scenarios run with the report's draws and seed
(chipwatch.scenarios), P5/P50/P95 of demand met per product in a chart and tables, what
limits supply, and the labelled assumptions. Each product's figures carry the notes of the
claims its supply network rests on (fab arcs, capacities, end-use shares)."""

from __future__ import annotations

import re

from chipwatch.errors import ChipwatchError
from chipwatch.i18n.message import say
from chipwatch.report.charts import scenario_chart
from chipwatch.report.context import Context
from chipwatch.report.document import Items, Paragraph, Section, Table, Text
from chipwatch.report.phrasing import Phrasing, number
from chipwatch.scenarios import Scenario, load_scenario, run_scenario

SCENARIOS = ("baseline", "tsmc-exit-2022", "smic-stops", "gray-channel-closed")
LIMITS_SHOWN = 5


def run_all(ctx: Context, draws: int, seed: int) -> list[tuple[str, Scenario | None, dict | None, str | None]]:
    """(name, scenario, result, error) for each scenario; one the store cannot support gives its error.
    A reference LP two scenarios share (the baseline's draws, for those that extend it at its
    date) is solved once."""
    out = []
    reuse: dict = {}
    for name in SCENARIOS:
        try:
            sc = load_scenario(name)
            out.append((name, sc, run_scenario(ctx.cw, sc, draws=draws, seed=seed, reuse=reuse), None))
        except ChipwatchError as exc:
            out.append((name, None, None, str(exc)))
    return out


def _ranged(r) -> str:
    return number(r.value) if r.value is not None else f"{number(r.min)}–{number(r.max)}"


def why(ctx: Context, part) -> Text:
    """The scenario file's reason for a part (an object or a dict with `why`, and `why_zh`
    where the file gives one): in Chinese in the zh-TW report when there is a Chinese one,
    else in English, marked as English."""
    get = part.get if isinstance(part, dict) else (lambda k: getattr(part, k, None))
    zh = _unfold(get("why_zh") or "") if ctx.zh else ""
    return Text(zh) if zh else Text(" ".join(str(get("why") or "").split()), lang="en")


def interventions(ctx: Context, sc: Scenario) -> list[Text]:
    """What the scenario changes, in the report language, each with the file's reason."""
    out = []

    def add(text: str, part, notes: list[int] | None = None) -> None:
        out.append(Text(text, notes or [], sub=[why(ctx, part)]))

    for r in sc.remove:
        if r.entity:
            add(ctx.t("report.iv.remove_entity", who=ctx.name(r.entity)), r)
        elif r.claim:
            add(ctx.t("report.iv.remove_claim", claim=r.claim), r, ctx.notes([r.claim]))
        else:
            add(ctx.t("report.iv.remove_arc", a=ctx.name(r.arc["from"]), b=ctx.name(r.arc["to"])), r)
    for c in sc.close_channels:
        add(ctx.t("report.iv.close", who=ctx.name(c.country)), c)
    for m in sc.capacity_multipliers:
        add(ctx.t("report.iv.multiplier", who=ctx.name(m.entity), v=_ranged(m)), m)
    for k in sc.cost_shocks:
        add(ctx.t("report.iv.shock", name=k.name, cur=k.currency, v=_ranged(k)), k)
    for f in sc.floors:
        target = ctx.name(f.product) if f.product else ctx.t(f"report.sector.{f.end_use}")
        add(ctx.t("report.iv.floor", who=target, v=number(100 * f.min_share)), f)
    return out


def unit(ctx: Context, name: str | None) -> str:
    """A unit in words in the report language ('wafer_200mm/month' -> 片／月（8 吋晶圓）); one
    the scenario wording does not know, as written."""
    if not name:
        return ""
    try:
        from chipwatch.scenarios.words import unit_name
    except ImportError:  # an older scenarios package without the wording
        return name
    return say(unit_name(name), ctx.lang)


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.0f}%"


def _unfold(text: str) -> str:
    """Text folded over YAML lines: one space between words, none between Chinese characters."""
    text = " ".join(text.split())
    return re.sub(r"(?<=[\u3400-\u9fff，。、；：）」])\s+(?=[\u3400-\u9fff（「，。、；：])", "", text)


def _title(ctx: Context, sc: dict) -> str:
    return (sc.get("title_zh-Hant") if ctx.zh else None) or sc["title"]


def short_title(ctx: Context, sc: dict) -> str:
    """`SMIC stops (FDPR pressure …)` -> `SMIC stops`; `Baseline: …` -> `Baseline`."""
    title = re.sub(r"\s*[（(].*?[)）]\s*", "", _title(ctx, sc)).strip()
    return re.split(r"[:：]", title)[0].strip() or sc["name"]


def _product_label(ctx: Context, pid: str, fallback: str) -> str:
    return ctx.name(pid) if pid in ctx.entities else fallback


def _product_claims(res: dict, pid: str) -> list[str]:
    """The claims a product's supply rests on: its reference fab, the arcs to it, those fabs'
    capacity (or bankruptcy) and its end-use shares."""
    net = res["network"]
    product = next((p for p in net["products"] if p["id"] == pid), {})
    arcs = [a for a in net["arcs"] if a["product"] == pid]
    fabs = {a["fab"] for a in arcs}
    out = [product.get("reference_claim")] + [c for a in arcs for c in a["claims"]]
    out += [f.get(k) for f in net["fabs"] if f["id"] in fabs for k in ("capacity_claim", "bankrupt_claim")]
    out += list(product.get("end_use_basis") or [])
    return [c for c in out if c]


def _limit_text(ctx: Context, d: dict) -> str:
    """A constraint in words from its kind and entities (the scenario's own text is English)."""
    kind = d.get("kind", "other")
    ents = [e for e in dict.fromkeys(d.get("entities") or []) if e]
    who = ctx.name(ents[0]) if ents else d.get("id", "")
    others = ctx.join([ctx.name(e) for e in ents[1:]]) or ctx.t("report.limit.assumed")
    try:
        text = ctx.t(f"report.limit.{kind}", who=who, others=others)
    except KeyError:
        return ctx.t("report.limit.other", who=say(d.get("msg") or d.get("text") or d.get("id", ""), ctx.lang))
    if kind in ("tool supply", "source") and ents:
        # a source id reads <resource>/<target>/<supplier>/<item>[/<channel>]: say which item and channel
        parts = d.get("id", "").split(":")[-1].split("/")
        after = parts[parts.index(ents[0]) + 1:] if ents[0] in parts else []
        what = [ctx.name(p) for p in after if p in ctx.entities]
        if what:
            text = ctx.t("report.sentence.object", text=text, o=ctx.join(what))
    return text


def _sector(ctx: Context, key: str) -> str:
    try:
        return ctx.t(f"report.sector.{key}")
    except KeyError:
        return key


def _assumption_value(ctx: Context, a: dict) -> str:
    if "shares" in a:
        return ctx.join([f"{_sector(ctx, k)} {number(v)}" for k, v in a["shares"].items()])
    if "value" in a:
        return number(a["value"])
    dist = a.get("dist", "")
    try:
        dist = ctx.t(f"report.dist.{dist}")
    except KeyError:
        pass
    if "mode" in a:
        return ctx.t("report.scenarios.mode", a=number(a["min"]), b=number(a["max"]), m=number(a["mode"]), dist=dist)
    return ctx.t("report.scenarios.range", a=number(a["min"]), b=number(a["max"]), dist=dist)


def _assumption_table(ctx: Context, items: list[dict]) -> Table:
    cols = [ctx.t(f"report.scenarios.col.{k}") for k in ("name", "value", "unit", "why")]
    rows = [[Text(a["name"], badge="assumed", badge_label=ctx.t("report.badge.assumed")), Text(_assumption_value(ctx, a)),
             Text(unit(ctx, a.get("unit"))), why(ctx, a)] for a in items]
    return Table(cols, rows)


def _key(a: dict) -> dict:
    return {k: v for k, v in a.items() if k != "used"}


def _products_table(ctx: Context, res: dict) -> Table:
    """Demand met per product: P5/P50/P95 and mean of the draws, the point solution, and —
    for a scenario that changes something — the mean without the changes (same draws)."""
    mc, point = res.get("montecarlo"), res["point"]
    ref = res.get("reference_montecarlo") if mc else res.get("reference_point")
    compare = bool(res.get("interventions")) and ref is not None
    names = ["product"] + (["p5", "p50", "p95", "mean"] if mc else []) + ["point"] + (["reference"] if compare else []) + ["notes"]
    rows = []
    for pid, p in point["products"].items():
        row = [Text(_product_label(ctx, pid, p["label"]))]
        if mc:
            s = mc["products"][pid]
            row += [Text(_pct(s["p5"])), Text(_pct(s["p50"])), Text(_pct(s["p95"])), Text(_pct(s["mean"]))]
        row.append(Text(_pct(p["share_met"])))
        if compare:
            r = ref["products"].get(pid, {})
            row.append(Text(_pct(r.get("mean", r.get("share_met")))))
        row.append(Text("", ctx.notes(_product_claims(res, pid))))
        rows.append(row)
    cols = [ctx.t(f"report.scenarios.col.{k}") for k in names]
    return Table(cols, rows, numeric=list(range(1, len(cols) - 1)))


def _scenario(ctx: Context, ph: Phrasing, name: str, scenario: Scenario, res: dict, baseline: dict | None) -> Section:
    sc = res["scenario"]
    sub = Section(f"scenario-{name}", _title(ctx, sc))
    desc = (sc.get("description_zh-Hant") if ctx.zh else None) or sc["description"]
    sub.blocks.append(Paragraph([Text(_unfold(desc)),
                                 Text(ctx.t("report.scenarios.as_of", date=sc["as_of"]))]))
    motivated = [m["claim"] for m in res.get("motivated_by", []) if m["claim"] in ctx.claims]
    if motivated:
        sub.blocks.append(Items([ph.claim(c) for c in motivated]))
    changes = interventions(ctx, scenario)
    if changes:
        sub.blocks.append(Items(changes, heading=ctx.t("report.scenarios.interventions")))
    if not res.get("montecarlo"):
        sub.blocks.append(Paragraph([Text(ctx.t("report.scenarios.point_only"))]))
    sub.blocks.append(_products_table(ctx, res))

    limits = [Text(_limit_text(ctx, d), ctx.notes(d.get("claims") or [])) for d in res["point"]["limits"][:LIMITS_SHOWN]]
    sub.blocks.append(Items(limits or [Text(ctx.t("report.scenarios.nothing_binds"))], heading=ctx.t("report.scenarios.limits")))
    mc = res.get("montecarlo")
    if mc and mc.get("binding"):
        binding = [Text(ctx.t("report.scenarios.binding_share", share=f"{100 * d['share_of_draws']:.0f}", text=_limit_text(ctx, d)),
                        ctx.notes(d.get("claims") or [])) for d in mc["binding"][:LIMITS_SHOWN]]
        sub.blocks.append(Items(binding, heading=ctx.t("report.scenarios.binding")))

    if res.get("figures"):
        seen: list[str] = []
        figures = []
        for f in res["figures"]:
            if f["claim"] in seen or f["claim"] not in ctx.claims:
                continue
            seen.append(f["claim"])
            used_as = say(f.get("msg") or f["used_as"], ctx.lang)
            figures.append(Text(used_as, ctx.notes([f["claim"]])) if not ctx.zh or f.get("msg") else ph.claim(f["claim"]))
        sub.blocks.append(Items(figures, heading=ctx.t("report.scenarios.figures")))

    if baseline is None:
        sub.blocks.append(_assumption_table(ctx, res["assumptions"]))
        sub.blocks[-1].caption = ctx.t("report.scenarios.assumptions")
        links = [Text(ctx.t("report.scenarios.assumed_arc", fab=ctx.name(a["fab"]), product=ctx.name(a["product"]),
                            p=number(a["probability"])), badge="assumed", badge_label=ctx.t("report.badge.assumed"),
                      sub=[why(ctx, a)]) for a in res.get("assumed_arcs", [])]
        links += [Text(ctx.t("report.scenarios.assumed_source", id=a["id"], p=number(a.get("probability", 1))),
                       badge="assumed", badge_label=ctx.t("report.badge.assumed"), sub=[why(ctx, a)])
                  for a in res.get("assumed_sources", [])]
        if links:
            sub.blocks.append(Items(links, heading=ctx.t("report.scenarios.assumed_links")))
        p = res["probabilities"]
        probs = ctx.join([f"{ph.badge(s)} {number(p[s])}" for s in ("fact", "reported", "speculated", "planned", "disputed")
                          if p.get(s) is not None])
        sub.blocks.append(Paragraph([Text(ctx.t("report.scenarios.probabilities", text=probs), badge="assumed",
                                          badge_label=ctx.t("report.badge.assumed"))]))
    else:
        base = {a["name"]: _key(a) for a in baseline["assumptions"]}
        changed = [a for a in res["assumptions"] if base.get(a["name"]) != _key(a)]
        if changed:
            table = _assumption_table(ctx, changed)
            table.caption = ctx.t("report.scenarios.assumptions_changed")
            sub.blocks.append(table)
        sub.blocks.append(Paragraph([Text(ctx.t("report.scenarios.assumptions_same"))]))
    return sub


def scenarios_section(ctx: Context, ph: Phrasing, draws: int, seed: int) -> Section:
    section = Section("scenarios", ctx.t("report.section.scenarios"))
    section.blocks.append(Paragraph([Text(ctx.t("report.scenarios.intro", draws=f"{draws:,}", seed=seed))]))
    results = run_all(ctx, draws, seed)
    chart_rows, notes = [], []
    for _, _, res, _ in results:
        if res is None or not res.get("montecarlo"):
            continue
        for pid, s in res["montecarlo"]["products"].items():
            chart_rows.append({"scenario": short_title(ctx, res["scenario"]), "product": _product_label(ctx, pid, s["label"]),
                               "p5": s["p5"], "p50": s["p50"], "p95": s["p95"]})
            notes += _product_claims(res, pid)
    if chart_rows:
        chart = scenario_chart(chart_rows, ctx.t("report.chart.scenarios.title"), ctx.t("report.chart.scenarios.x"),
                               ctx.t("report.chart.scenarios.scenario"))
        section.blocks.append(ctx.figure(ctx.t("report.chart.scenarios.title"), ctx.t("report.chart.scenarios.caption"),
                                         chart, ctx.notes(notes)))
    baseline = None
    for name, scenario, res, error in results:
        if res is None:
            section.subsections.append(Section(f"scenario-{name}", name, [Paragraph([Text(
                ctx.t("report.scenarios.failed", name=name, reason=error))])]))
            continue
        section.subsections.append(_scenario(ctx, ph, name, scenario, res, baseline))
        if name == "baseline":
            baseline = res
    return section
