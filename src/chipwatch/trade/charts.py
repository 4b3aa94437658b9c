"""Charts of trade findings as Vega-Lite specifications (dicts, built with Altair), for the
explorer, reports and `--chart FILE`: monthly flows per destination with the break month
marked, growth per destination, and a mirror comparison with its CIF/FOB band."""

from __future__ import annotations

import altair as alt
import pandas as pd

from chipwatch.trade.mirror import Mirror
from chipwatch.trade.spikes import Spikes


def confidential_share(result: Spikes) -> tuple[int, int]:
    """(confidential cells, all cells) behind the chart's series."""
    return (sum(int(r.get("confidential") or 0) for r in result.series),
            sum(int(r.get("cells") or 0) for r in result.series))


def spikes_chart(result: Spikes, break_month: str = "2022-02") -> dict:
    """Monthly (or yearly) flows to each destination, log scale, roundabout ones dashed. A
    month with no value published (confidential, or not yet out) is a gap in the line, not a
    floor value; so is a 0, which a log scale cannot draw. The subtitle gives the share of
    confidential cells."""
    roles = {g.dest: "target" if g.is_target else "roundabout" if g.roundabout else "other" for g in result.growth}
    df = pd.DataFrame(result.series)
    df["role"] = df["dest"].map(roles)
    values = df["value"].astype("float64")
    df["value"] = values.where(values > 0)  # None (unpublished) and 0 -> NaN -> null in the spec: a gap
    x = alt.X("period:T" if result.freq == "M" else "period:O", title=None)
    lines = alt.Chart(df).mark_line(point=result.freq == "A", invalid="break-paths-filter-domains").encode(
        x=x, y=alt.Y("value:Q", scale=alt.Scale(type="log"), title=f"value ({result.currency}, log scale)"),
        color=alt.Color("name:N", title="destination"),
        strokeDash=alt.StrokeDash("role:N", title="role"),
        tooltip=["name:N", "period:N", alt.Tooltip("value:Q", format=",.0f"), "role:N"])
    layers = [lines]
    if result.freq == "M":
        rule = alt.Chart(pd.DataFrame({"period": [break_month + "-24"]})).mark_rule(strokeDash=[4, 4]).encode(x="period:T")
        layers.append(rule)
    hidden, cells = confidential_share(result)
    share = f"{100 * hidden / cells:.1f}%" if cells else "0%"
    subtitle = (f"{hidden:,} of {cells:,} cells ({share}) confidential or not published (':'); "
                "a period with no value published (or 0, on this log scale) is a gap")
    title = alt.Title(f"{result.product}: flows to each destination, baseline {result.baseline[0]}-{result.baseline[1]}",
                      subtitle=subtitle)
    return alt.layer(*layers).properties(title=title, width=640, height=320).to_dict()


def growth_chart(result: Spikes) -> dict:
    """Log growth against the baseline per destination; the roundabout ones in their own colour."""
    df = pd.DataFrame([{"name": g.name, "log_growth": g.log_growth if g.log_growth is not None else 0.0,
                        "trend": g.trend, "role": "target" if g.is_target else "roundabout" if g.roundabout else "other"}
                       for g in result.growth])
    return alt.Chart(df).mark_bar().encode(
        x=alt.X("log_growth:Q", title="log growth against the baseline"), y=alt.Y("name:N", sort="-x", title=None),
        color=alt.Color("role:N", scale=alt.Scale(domain=["target", "roundabout", "other"],
                                                  range=["#b2182b", "#2166ac", "#999999"])),
        tooltip=["name:N", alt.Tooltip("log_growth:Q", format="+.2f"), "trend:N"],
    ).properties(title=f"{result.product} to {result.target}: growth by destination", width=480).to_dict()


def mirror_chart(result: Mirror) -> dict:
    """Partner-reported exports (FOB) and reporter-reported imports (CIF) per year, with the ratio."""
    rows = []
    for y in result.years:
        if y.exports_fob is not None:
            rows.append({"year": str(y.year), "side": "exports reported by partner (FOB)", "value": y.exports_fob, "flag": y.flag})
        if y.imports_cif is not None:
            rows.append({"year": str(y.year), "side": "imports reported by reporter (CIF)", "value": y.imports_cif, "flag": y.flag})
    bars = alt.Chart(pd.DataFrame(rows)).mark_bar().encode(
        x=alt.X("year:O", title=None), xOffset="side:N", y=alt.Y("value:Q", title=f"value ({result.currency})"),
        color=alt.Color("side:N", title=None), tooltip=["year:N", "side:N", alt.Tooltip("value:Q", format=",.0f"), "flag:N"])
    ratios = pd.DataFrame([{"year": str(y.year), "ratio": y.ratio, "flag": y.flag} for y in result.years if y.ratio is not None])
    band = pd.DataFrame([{"low": result.band[0], "high": result.band[1]}])
    ratio = alt.layer(
        alt.Chart(band).mark_rect(opacity=0.15).encode(y="low:Q", y2="high:Q"),
        alt.Chart(ratios).mark_line(point=True).encode(x=alt.X("year:O", title=None),
                                                       y=alt.Y("ratio:Q", title="imports / exports"),
                                                       tooltip=["year:N", alt.Tooltip("ratio:Q", format=".3f"), "flag:N"]),
    ).properties(height=120, width=480)
    title = f"Mirror: {result.reporter} imports from {result.partner or 'all'} vs their exports ({result.product})"
    return alt.vconcat(bars.properties(width=480, height=240), ratio).properties(title=title).to_dict()
