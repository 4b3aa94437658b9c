"""Charts: Altair specs rendered offline to SVG by vl-convert (no network: external data
requests are refused). Text uses Noto Sans CJK TC so Chinese labels render, in the SVG
and in the PDF made from it."""

from __future__ import annotations

import re

import altair as alt
import pandas as pd
import vl_convert as vlc

UNSAFE = re.compile(r"<script|<foreignObject|\son[a-z]+\s*=|javascript:", re.IGNORECASE)
FONT = "Noto Sans CJK TC"
WIDTH = 520
KIND_COLOURS = ["#4c78a8", "#f58518", "#54a24b", "#b279a2", "#e45756", "#72b7b2", "#9d755d"]
CONFIG = {
    "font": FONT,
    "title": {"font": FONT, "fontSize": 13, "anchor": "start", "limit": 0},
    "axis": {"labelFont": FONT, "titleFont": FONT, "labelFontSize": 10, "titleFontSize": 11},
    "legend": {"labelFont": FONT, "titleFont": FONT, "labelFontSize": 10, "titleFontSize": 11, "labelLimit": 0},
    "view": {"stroke": None},
}


def to_svg(chart: alt.TopLevelMixin, prefix: str) -> str:
    """The chart as an SVG string, with its element ids prefixed so several SVGs can sit
    inline in one HTML page without their clip paths colliding."""
    svg = vlc.vegalite_to_svg(chart.to_dict(), config=CONFIG, allowed_base_urls=[])
    if UNSAFE.search(svg):  # vl-convert escapes text; this guards the HTML that embeds the SVG as is
        raise ValueError("chart SVG holds script or event-handler markup")
    ids = set(re.findall(r'\bid="([^"]+)"', svg))
    for old in sorted(ids, key=len, reverse=True):
        new = f"{prefix}-{old}"
        svg = svg.replace(f'id="{old}"', f'id="{new}"').replace(f"url(#{old})", f"url(#{new})")
        svg = svg.replace(f'href="#{old}"', f'href="#{new}"')
    return svg


def gap_chart(reference: list[dict], fabs: list[dict], title: str, x_title: str, y_title: str,
              line_label: str) -> alt.LayerChart:
    """Process node (log scale) against the year it first reached volume production: the
    reference table as a line, each fab's best node as a labelled dot.
    reference: [{year, node}]; fabs: [{year, node, label}]."""
    ref = pd.DataFrame(reference).assign(series=line_label)
    x = alt.X("year:Q", title=x_title, scale=alt.Scale(zero=False, nice=False), axis=alt.Axis(format="d", tickMinStep=1))
    nodes = sorted({r["node"] for r in reference} | {f["node"] for f in fabs})
    y = alt.Y("node:Q", title=y_title, scale=alt.Scale(type="log", domain=[nodes[0] / 1.15, nodes[-1] * 1.15], nice=False),
              axis=alt.Axis(values=nodes))
    line = alt.Chart(ref).mark_line(color="#9aa5b1", point=alt.OverlayMarkDef(color="#9aa5b1", size=25)).encode(
        x=x, y=y, tooltip=["year:Q", "node:Q"])
    dots = pd.DataFrame(fabs)
    points = alt.Chart(dots).mark_point(filled=True, size=90, color="#c0392b").encode(x=x, y=y)
    labels = alt.Chart(dots).mark_text(align="left", dx=8, dy=-6, fontSize=10, color="#7b241c").encode(
        x=x, y=y, text="label:N")
    return (line + points + labels).properties(width=WIDTH, height=300, title=title)


def chokepoint_chart(rows: list[dict], title: str, x_title: str, kind_title: str) -> alt.Chart:
    """Findings as horizontal bars of their score, coloured by kind. rows: [{label, score, kind}]."""
    df = pd.DataFrame(rows)
    order = list(df["label"])
    return alt.Chart(df).mark_bar().encode(
        x=alt.X("score:Q", title=x_title, scale=alt.Scale(domain=[0, 1])),
        y=alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=0)),  # labels in full
        color=alt.Color("kind:N", title=kind_title, scale=alt.Scale(range=KIND_COLOURS),
                        legend=alt.Legend(orient="bottom", direction="horizontal")),
    ).properties(width=WIDTH - 200, height=alt.Step(18), title=title)


def scenario_chart(rows: list[dict], title: str, x_title: str, scenario_title: str) -> alt.LayerChart:
    """P5–P95 of the share of demand met per product, one bar per scenario, a dot at P50.
    rows: [{product, scenario, p5, p50, p95}] with shares in 0..1."""
    df = pd.DataFrame(rows)
    products = list(dict.fromkeys(df["product"]))
    scenarios = list(dict.fromkeys(df["scenario"]))
    y = alt.Y("product:N", title=None, sort=products, axis=alt.Axis(labelLimit=0))  # labels in full
    colour = alt.Color("scenario:N", title=scenario_title, sort=scenarios, scale=alt.Scale(range=KIND_COLOURS),
                       legend=alt.Legend(orient="bottom", direction="vertical"))
    offset = alt.YOffset("scenario:N", sort=scenarios)
    x = alt.X("p5:Q", title=x_title, scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%"))
    bars = alt.Chart(df).mark_bar(height=4, opacity=0.8).encode(x=x, x2="p95:Q", y=y, yOffset=offset, color=colour)
    dots = alt.Chart(df).mark_point(filled=True, size=28, opacity=1).encode(
        x=alt.X("p50:Q"), y=y, yOffset=offset, color=colour)
    return (bars + dots).properties(width=WIDTH - 200, height=len(products) * (7 * len(scenarios) + 8), title=title)
