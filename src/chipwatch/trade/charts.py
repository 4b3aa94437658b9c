"""Charts of trade findings as Vega-Lite specifications (dicts, built with Altair), for the
explorer, reports and `--chart FILE`: monthly flows per destination with the break month
marked, growth per destination, and a mirror comparison with its CIF/FOB band; every title,
axis, legend and country name in the reader's language (`lang`: en or zh-TW)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from chipwatch.i18n import norm_lang
from chipwatch.i18n.message import LOCALES, Msg, say
from chipwatch.trade import normalise
from chipwatch.trade.mirror import Mirror, flag_word
from chipwatch.trade.spikes import Spikes, trend_word


def confidential_share(result: Spikes) -> tuple[int, int]:
    """(confidential cells, all cells) behind the chart's series."""
    return (sum(int(r.get("confidential") or 0) for r in result.series),
            sum(int(r.get("cells") or 0) for r in result.series))


def _t(code: str, lang: str, **values) -> str:
    return Msg(code, **values).text(lang)


def _currency(code: str, lang: str) -> str:
    """A currency as the axis says it: its code in English (EUR), its name in Chinese (歐元)."""
    if norm_lang(lang) == "en":
        return code
    from babel.numbers import get_currency_name

    try:
        return get_currency_name(code, locale=LOCALES["zh-TW"])
    except Exception:  # noqa: BLE001 - an unknown code is said as written
        return code


def _role(g, lang: str) -> str:
    return _t("trade.role." + ("target" if g.is_target else "roundabout" if g.roundabout else "other"), lang)


def spikes_chart(result: Spikes, break_month: str = "2022-02", lang: str = "en") -> dict:
    """Monthly (or yearly) flows to each destination, log scale, roundabout ones dashed. A
    month with no value published (confidential, or not yet out) is a gap in the line, not a
    floor value; so is a 0, which a log scale cannot draw. The subtitle gives the share of
    confidential cells. Titles, axes, legends and country names in `lang`."""
    roles = {g.dest: _role(g, lang) for g in result.growth}
    names = {g.dest: say(g.label, lang) for g in result.growth}
    df = pd.DataFrame(result.series)
    df["role"] = df["dest"].map(roles)
    df["name"] = df["dest"].map(names)
    values = df["value"].astype("float64")
    df["value"] = values.where(values > 0)  # None (unpublished) and 0 -> NaN -> null in the spec: a gap
    x = alt.X("period:T" if result.freq == "M" else "period:O", title=None)
    lines = alt.Chart(df).mark_line(point=result.freq == "A", invalid="break-paths-filter-domains").encode(
        x=x, y=alt.Y("value:Q", scale=alt.Scale(type="log"),
                     title=_t("trade.chart.value_log", lang, currency=_currency(result.currency, lang))),
        color=alt.Color("name:N", title=_t("trade.chart.destination", lang)),
        strokeDash=alt.StrokeDash("role:N", title=_t("trade.chart.role", lang)),
        tooltip=[alt.Tooltip("name:N", title=_t("trade.chart.destination", lang)),
                 alt.Tooltip("period:N", title=_t("trade.chart.period", lang)),
                 alt.Tooltip("value:Q", format=",.0f", title=_t("trade.chart.value", lang, currency=result.currency)),
                 alt.Tooltip("role:N", title=_t("trade.chart.role", lang))])
    layers = [lines]
    if result.freq == "M":
        rule = alt.Chart(pd.DataFrame({"period": [break_month + "-24"]})).mark_rule(strokeDash=[4, 4]).encode(x="period:T")
        layers.append(rule)
    hidden, cells = confidential_share(result)
    subtitle = _t("trade.chart.spikes.subtitle", lang, hidden=hidden, cells=cells, share=hidden / cells if cells else 0.0)
    title = alt.Title(_t("trade.chart.spikes.title", lang, product=result.product, start=str(result.baseline[0]),
                         end=str(result.baseline[1])), subtitle=subtitle)
    return alt.layer(*layers).properties(title=title, width=640, height=320).to_dict()


def growth_chart(result: Spikes, lang: str = "en") -> dict:
    """Log growth against the baseline per destination; the roundabout ones in their own colour."""
    df = pd.DataFrame([{"name": say(g.label, lang), "log_growth": g.log_growth if g.log_growth is not None else 0.0,
                        "trend": say(trend_word(g.trend), lang), "role": _role(g, lang)}
                       for g in result.growth])
    domain = [_t(f"trade.role.{r}", lang) for r in ("target", "roundabout", "other")]
    return alt.Chart(df).mark_bar().encode(
        x=alt.X("log_growth:Q", title=_t("trade.chart.log_growth", lang)), y=alt.Y("name:N", sort="-x", title=None),
        color=alt.Color("role:N", title=_t("trade.chart.role", lang),
                        scale=alt.Scale(domain=domain, range=["#b2182b", "#2166ac", "#999999"])),
        tooltip=[alt.Tooltip("name:N", title=_t("trade.chart.destination", lang)),
                 alt.Tooltip("log_growth:Q", format="+.2f", title=_t("trade.col.log_growth", lang)),
                 alt.Tooltip("trend:N", title=_t("trade.chart.trend", lang))],
    ).properties(title=_t("trade.chart.growth.title", lang, product=result.product,
                          target=normalise.country_label(result.target)), width=480).to_dict()


def mirror_chart(result: Mirror, lang: str = "en") -> dict:
    """Partner-reported exports (FOB) and reporter-reported imports (CIF) per year, with the ratio."""
    exports, imports = _t("trade.chart.exports_fob", lang), _t("trade.chart.imports_cif", lang)
    rows = []
    for y in result.years:
        flag = say(flag_word(y.flag), lang)
        if y.exports_fob is not None:
            rows.append({"year": str(y.year), "side": exports, "value": y.exports_fob, "flag": flag})
        if y.imports_cif is not None:
            rows.append({"year": str(y.year), "side": imports, "value": y.imports_cif, "flag": flag})
    tips = {"year": _t("trade.chart.year", lang), "side": _t("trade.chart.side", lang), "flag": _t("trade.chart.flag", lang)}
    bars = alt.Chart(pd.DataFrame(rows)).mark_bar().encode(
        x=alt.X("year:O", title=None), xOffset="side:N",
        y=alt.Y("value:Q", title=_t("trade.chart.value", lang, currency=_currency(result.currency, lang))),
        color=alt.Color("side:N", title=None),
        tooltip=[alt.Tooltip("year:N", title=tips["year"]), alt.Tooltip("side:N", title=tips["side"]),
                 alt.Tooltip("value:Q", format=",.0f", title=_t("trade.chart.value", lang, currency=result.currency)),
                 alt.Tooltip("flag:N", title=tips["flag"])])
    ratios = pd.DataFrame([{"year": str(y.year), "ratio": y.ratio, "flag": say(flag_word(y.flag), lang)}
                           for y in result.years if y.ratio is not None])
    band = pd.DataFrame([{"low": result.band[0], "high": result.band[1]}])
    ratio_title = _t("trade.chart.ratio", lang)
    ratio = alt.layer(
        alt.Chart(band).mark_rect(opacity=0.15).encode(y="low:Q", y2="high:Q"),
        alt.Chart(ratios).mark_line(point=True).encode(x=alt.X("year:O", title=None),
                                                       y=alt.Y("ratio:Q", title=ratio_title),
                                                       tooltip=[alt.Tooltip("year:N", title=tips["year"]),
                                                                alt.Tooltip("ratio:Q", format=".3f", title=ratio_title),
                                                                alt.Tooltip("flag:N", title=tips["flag"])]),
    ).properties(height=120, width=480)
    title = _t("trade.chart.mirror.title", lang, reporter=normalise.country_label(result.reporter),
               partner=result.partner_label, product=result.product)
    return alt.vconcat(bars.properties(width=480, height=240), ratio).properties(title=title).to_dict()
