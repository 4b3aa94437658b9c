"""`chipwatch trade …`: import trade statistics, look for re-export routes, write findings.

Mounted by chipwatch.cli (`app.add_typer(trade_app, name="trade")`). Thin: every command
calls chipwatch.trade; mistakes raise ChipwatchError, which the main entry point prints as
one line on stderr (exit 1).
"""


import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from chipwatch.console import err, out, table
from chipwatch.errors import ChipwatchError
from chipwatch.frames import jsonable
from chipwatch.i18n import norm_lang
from chipwatch.i18n.message import Msg, say
from chipwatch.i18n.message import jsonable as said

trade_app = typer.Typer(help="Trade statistics: import flows (Eurostat, Comtrade, BACI); find re-export (gray channel) "
                             "routes — spikes, mirror gaps, structural breaks; write findings as claims.",
                        invoke_without_command=True)

AsJson = Annotated[bool, typer.Option("--json", help="print JSON instead of tables")]
Engine = Annotated[str, typer.Option("--engine", help="where the aggregation runs: duckdb or spark (local mode)")]
Product = Annotated[str, typer.Option("--product", help="HS/CN code (8542, 854231), TOTAL, all, or a group (chpl:1, chpl)")]
Source = Annotated[list[str] | None, typer.Option("--source", help="only these imports (an id or a kind; repeatable)")]
Currency = Annotated[str | None, typer.Option("--currency", help="only flows in this currency (when imports differ)")]
Chart = Annotated[Path | None, typer.Option("--chart", help="also write the chart as a Vega-Lite JSON file")]
Origin = Annotated[str | None, typer.Option("--from", help="the reporting side: a country or EU (default: every country)")]
Flow = Annotated[str, typer.Option("--flow", help="export: flows the origin reports by destination; "
                                                  "import: flows destinations report from the origin")]
Lang = Annotated[str, typer.Option("--lang", help="language of tables, findings and charts: en or zh-TW")]


def _db() -> Path:
    from chipwatch import cli as root
    from chipwatch.store.path import default_db_path

    return default_db_path(root.State.db)


def _json(data, lang: str = "en") -> None:
    """Data as JSON, every sentence and name in it said in `lang`."""
    sys.stdout.write(json.dumps(jsonable(said(data, lang)), ensure_ascii=False, indent=2, default=str) + "\n")


def _t(code: str, lang: str, **values) -> str:
    return Msg(code, **values).text(lang)


FREQ = {"M": "trade.freq.monthly", "A": "trade.freq.yearly", "A,M": "trade.freq.both", "M,A": "trade.freq.both"}


@dataclass(frozen=True)
class Listed:
    """Items said one after another with the locale's comma (', ' / '、'), not with 'and'."""

    items: tuple

    def text(self, lang: str) -> str:
        return ("、" if norm_lang(lang) == "zh-TW" else ", ").join(say(x, lang) for x in self.items)


def _chart(path: Path | None, spec: dict) -> None:
    if path:
        path.write_text(json.dumps(jsonable(spec), ensure_ascii=False, indent=1), encoding="utf-8")
        err.line(f"chart: {path} (Vega-Lite)")


def _money(v: float | None) -> str:
    return "—" if v is None else f"{v:,.0f}"


def _num(v: float | None, fmt: str = "+.2f") -> str:
    return "—" if v is None or (isinstance(v, float) and not math.isfinite(v)) else format(v, fmt)


@trade_app.callback()
def trade_main(ctx: typer.Context, json_: AsJson = False, lang: Lang = "en") -> None:
    """Without a subcommand: the trade imports in the store."""
    if ctx.invoked_subcommand:
        return
    lang = norm_lang(lang)
    from chipwatch.store import Store
    from chipwatch.trade.store import imports

    with Store(_db()) as store:
        found = imports(store)
    if json_:
        _json(found)
        return
    if not found:
        out.print(_t("trade.import.none", lang, cmd="chipwatch trade import eurostat-xlsx "
                     "../shared/data/eurostat/19_4623968_spreadsheet.xlsx"), markup=False)
        return
    t = table()
    for col in ("import", "kind", "rows", "skipped", "currency", "title"):
        t.add_column(_t(f"trade.col.{col}", lang), overflow="fold")
    for r in found:
        t.add_row(r["id"], r["kind"], f"{r['rows']:,}", f"{r['skipped']:,}", r["currency"] or "", r["title"] or "")
    out.print(t)


@trade_app.command("import")
def trade_import(kind: Annotated[str, typer.Argument(help="eurostat-xlsx, eurostat-csv, comtrade, baci or chpl")],
                 path: Annotated[Path, typer.Argument(help="a file, or a folder: every file of that kind in it")],
                 json_: AsJson = False, lang: Lang = "en") -> None:
    """Import trade statistics into the store (atomically; importing a file again replaces it)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from chipwatch.trade.store import import_trade

    lang = norm_lang(lang)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=err.rich,
                  transient=True) as progress:
        task = progress.add_task(_t("trade.import.reading", lang, name=path.name), total=None)

        def step(name: str, done: int, total: int) -> None:
            progress.update(task, description=_t("trade.import.reading", lang, name=name), completed=done, total=total)

        result = import_trade(_db(), kind, path, step)
    if json_:
        _json(result)
        return
    if kind == "chpl":
        groups = [Msg("trade.import.group", group=g, n=n) for g, n in result["groups"].items()]
        out.print(_t("trade.import.chpl", lang, imports=", ".join(result["imports"]), groups=Listed(tuple(groups))), markup=False)
        return
    out.print(_t("trade.import.into", lang, db=str(_db())), markup=False)
    for s in result["summary"]:
        freq = FREQ.get(s["freq"])
        out.print("  " + _t("trade.import.summary", lang, id=s["id"], rows=s["rows"], confidential=s["confidential"],
                            years=s["years"], freq=Msg(freq) if freq else s["freq"], reporters=s["reporters"],
                            partners=s["partners"], products=s["products"], currency=s["currency"] or "",
                            skipped=s["skipped"]), markup=False, highlight=False)
    if result["skipped"]:
        items = [Msg("trade.import.skip", n=n, why=why) for why, n in result["skipped"].items()]
        out.print(_t("trade.import.skipped", lang, items=Listed(tuple(items))), markup=False)
        for e in result["skipped_examples"][:5]:
            out.line(f"  {e}")


def _engine(name: str):
    from chipwatch.trade.engine import FlowEngine

    return FlowEngine.for_store(_db(), name)


def _spikes(engine_name, product, target, baseline, period, origin, flow, threshold, currency, source):
    from chipwatch.trade import normalise
    from chipwatch.trade.spikes import spikes

    base = normalise.years(baseline, "--baseline")
    per = normalise.years(period, "--period") if period else None
    args = (normalise.product_option(product), normalise.side(target, "--target"), normalise.side(origin, "--from"))
    eng = _engine(engine_name)
    try:
        return eng, spikes(eng, *args, flow, base, per, threshold, currency, source)
    except BaseException:
        eng.close()
        raise


@trade_app.command("spikes")
def trade_spikes(product: Product, target: Annotated[str, typer.Option("--target", help="the country goods are meant for (RU)")],
                 baseline: Annotated[str, typer.Option(help="baseline years, e.g. 2020-2021")] = "2020-2021",
                 period: Annotated[str | None, typer.Option(help="years compared (default: the year after the baseline)")] = None,
                 origin: Origin = None, flow: Flow = "export",
                 threshold: Annotated[float, typer.Option(help="log growth that counts as rising (ln 1.5 = +50 %)")] = math.log(1.5),
                 currency: Currency = None, source: Source = None, engine: Engine = "duckdb", chart: Chart = None,
                 json_: AsJson = False, lang: Lang = "en") -> None:
    """Growth per destination against a baseline (log growth, seasonal z-score) and the roundabout pattern."""

    from chipwatch.trade.charts import spikes_chart

    lang = norm_lang(lang)
    eng, result = _spikes(engine, product, target, baseline, period, origin, flow, threshold, currency, source)
    eng.close()
    _chart(chart, spikes_chart(result, lang=lang))
    d = result.to_dict()
    if json_:
        _json(d, lang)
        return
    cols = ["destination", "base_year", "current_year", "log_growth", "change", "trend", "z_mean", "z_max", "z_months",
            "confidential", "roundabout"]
    t = table(*[_t(f"trade.col.{c}", lang, currency=result.currency) for c in cols],
              title=_t("trade.table.spikes", lang, product=result.product, flow=Msg(f"trade.flow.{result.flow}"),
                       origin=d["origin_label"], baseline=d["baseline"], period=d["period"], engine=result.engine),
              title_justify="left")
    for g in result.growth:
        who = f"{say(g.label, lang)} ({g.dest})"
        t.add_row(_t("trade.target_mark", lang, who=who) if g.is_target else who, _money(g.base_year), _money(g.current_year),
                  _num(g.log_growth), _num(g.change_pct, "+.0f") + ("%" if g.change_pct is not None else ""),
                  say(Msg(f"trade.trend.{g.trend}"), lang), _num(g.z_mean), _num(g.z_max),
                  str(g.z_months) if g.z_mean is not None else "—", f"{g.hidden:,}",
                  _t("trade.yes", lang) if g.roundabout else "")
    out.print(t)
    out.print(say(result.finding(), lang), markup=False)


def _band(text: str) -> tuple[float, float]:
    try:
        low, high = (float(x) for x in text.split(","))
    except ValueError:
        raise ChipwatchError(f"--band {text}: give two ratios, low,high, e.g. 0.95,1.15") from None
    return low, high


@trade_app.command("mirror")
def trade_mirror(reporter: Annotated[str, typer.Option("--reporter", help="the importing country (KZ)")],
                 partner: Annotated[str, typer.Option("--partner", help="the exporting country or group (EU)")] = "EU",
                 product: Product = "TOTAL",
                 years: Annotated[str | None, typer.Option(help="years to compare, e.g. 2019-2023 (default: all)")] = None,
                 band: Annotated[str, typer.Option(help="accepted imports/exports ratio (CIF/FOB): low,high")] = "0.95,1.15",
                 currency: Currency = None, source: Source = None, engine: Engine = "duckdb", chart: Chart = None,
                 json_: AsJson = False, lang: Lang = "en") -> None:
    """Mirror gaps: the partner's reported exports (FOB) against the reporter's imports (CIF), by year."""
    from chipwatch.trade import normalise
    from chipwatch.trade.charts import mirror_chart
    from chipwatch.trade.mirror import mirror

    span = normalise.years(years, "--years") if years else (1900, 2100)
    with _engine(engine) as eng:
        result = mirror(eng, normalise.side(reporter, "--reporter"), normalise.side(partner, "--partner"),
                        normalise.product_option(product), span, _band(band), currency, source)
    lang = norm_lang(lang)
    _chart(chart, mirror_chart(result, lang=lang))
    d = result.to_dict()
    if json_:
        _json(d, lang)
        return
    t = table(_t("trade.col.year", lang), _t("trade.col.exports_by", lang, who=d["partner_label"]),
              _t("trade.col.imports_by", lang, who=d["reporter_label"]),
              *[_t(f"trade.col.{c}", lang) for c in ("ratio", "gap", "months", "flag")],
              title=_t("trade.table.mirror", lang, product=result.product, currency=result.currency, low=result.band[0],
                       high=result.band[1], engine=result.engine), title_justify="left")
    yearly = _t("trade.yearly", lang)  # a yearly figure, not months
    for y, row in zip(result.years, d["years"], strict=True):
        t.add_row(str(y.year), _money(y.exports_fob), _money(y.imports_cif), _num(y.ratio, ".3f"), _money(y.gap),
                  f"{y.export_months or yearly}/{y.import_months or yearly}", say(row["flag_msg"], lang))
    out.print(t)
    for m in d["msgs"]:
        out.print(say(m, lang), markup=False)


@trade_app.command("breaks")
def trade_breaks(product: Product, by: Annotated[str, typer.Option(help="group by: product, hs4, hs6 or chpl")] = "product",
                 at: Annotated[str, typer.Option("--at", help="the break month: months up to it are 'before'")] = "2022-02",
                 years: Annotated[str | None, typer.Option(help="years of monthly data to test (default: 3 either side)")] = None,
                 alpha: Annotated[float, typer.Option(help="significance level")] = 0.01,
                 origin: Origin = None, flow: Flow = "export", currency: Currency = None, source: Source = None,
                 engine: Engine = "duckdb", json_: AsJson = False, lang: Lang = "en") -> None:
    """A Chow test for a structural break at a month (default 2022-02), per destination and product group."""
    from chipwatch.trade import normalise
    from chipwatch.trade.breaks import breaks, to_dicts

    month = normalise.month_option(at, "--at")
    span = normalise.years(years, "--years") if years else None
    with _engine(engine) as eng:
        found = breaks(eng, normalise.product_option(product), by, normalise.side(origin, "--from"), flow, month, span,
                       alpha, currency, source)
    lang = norm_lang(lang)
    if json_:
        _json(to_dicts(found), lang)
        return
    col = {c: _t(f"trade.col.{c}", lang) for c in ("group", "destination", "months_split", "mean_before", "mean_after",
                                                    "shift", "break")}
    t = table(col["group"], col["destination"], col["months_split"], "F", "p", col["mean_before"], col["mean_after"],
              col["shift"], col["break"], title_justify="left",
              title=_t("trade.table.breaks", lang, month=f"{month[0]}-{month[1]:02d}", product=product, engine=engine,
                       alpha=alpha))
    for b in found:
        t.add_row(b.group, f"{say(normalise.country_label(b.dest), lang)} ({b.dest})", f"{b.months_before}/{b.months_after}",
                  _num(b.f, ".2f"), _num(b.p, ".3g"), _money(b.mean_before), _money(b.mean_after), _num(b.shift),
                  say(Msg(f"trade.direction.{b.direction}"), lang) if b.significant else "")
    out.print(t)


@trade_app.command("derive")
def trade_derive(product: Product, target: Annotated[str, typer.Option("--target", help="the country goods are meant for (RU)")],
                 baseline: Annotated[str, typer.Option(help="baseline years, e.g. 2020-2021")] = "2020-2021",
                 period: Annotated[str | None, typer.Option(help="years compared (default: the year after the baseline)")] = None,
                 origin: Origin = None, flow: Flow = "export",
                 threshold: Annotated[float, typer.Option(help="log growth that counts as rising")] = math.log(1.5),
                 at: Annotated[str, typer.Option("--at", help="break month for the Chow test quoted in each claim")] = "2022-02",
                 currency: Currency = None, source: Source = None, engine: Engine = "duckdb", json_: AsJson = False,
                 lang: Lang = "en") -> None:
    """Write each roundabout destination as a derived `transits_via` claim (dataset 'trade'), with its figures."""
    from chipwatch.trade import normalise
    from chipwatch.trade.breaks import breaks
    from chipwatch.trade.claims import data_sources, derive

    eng, result = _spikes(engine, product, target, baseline, period, origin, flow, threshold, currency, source)
    try:
        used = data_sources(eng, result, source)
        found = []
        if result.freq == "M":
            try:
                found = breaks(eng, result.product, "product", result.origin, result.flow,
                               normalise.month_option(at, "--at"), (result.baseline[0], result.period[1]),
                               currency=currency, sources=source, dests=[g.dest for g in result.roundabout])
            except ChipwatchError:
                found = []  # the break month lies outside the data: claims go without a Chow test
    finally:
        eng.close()
    lang = norm_lang(lang)
    written = derive(_db(), result, used, found)
    if json_:
        _json(written, lang)
        return
    out.print(_t("trade.derived.wrote", lang, n=len(written["claims"]), dataset=written["dataset"], db=str(_db()))
              + (_t("trade.derived.new_entities", lang, ids=", ".join(written["entities_created"]))
                 if written["entities_created"] else ""), markup=False)
    for c, msg in zip(written["claims"], written["msgs"], strict=True):
        out.print(f"  {c['id']}: {say(msg, lang)}", markup=False, highlight=False)
