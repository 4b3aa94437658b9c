"""Trade-flow analytics: importers (Eurostat xlsx and CSV, Comtrade, BACI, CHPL), spikes,
mirror gaps, breaks, derived claims, charts, the Spark path, and bad input of every kind."""

from __future__ import annotations

import csv
import hashlib
import json
import math
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest
from conftest import REPO, SHARED, Result, assert_user_error, need_shared, run_cli

from chipwatch.errors import ChipwatchError
from chipwatch.trade import normalise
from chipwatch.trade.breaks import chow
from chipwatch.trade.engine import FlowEngine
from chipwatch.trade.mirror import mirror
from chipwatch.trade.spikes import spikes
from chipwatch.trade.store import import_trade

XLSX_8542 = ("data", "eurostat", "19_4623968_spreadsheet.xlsx")
# `chipwatch trade …` as a user runs it: the sub-app mounted on the main app (as cli.py mounts it).
MOUNT = ("import sys; from chipwatch.cli import app, main; from chipwatch.trade.cli import trade_app\n"
         "if not any(g.name == 'trade' for g in app.registered_groups): app.add_typer(trade_app, name='trade')\n"
         "main()")


def run_trade(*args: str, db: Path) -> Result:
    import os

    cmd = [sys.executable, "-c", MOUNT, "--db", str(db), "trade", *args]
    return Result(subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, timeout=600,
                                 env={**os.environ, "COLUMNS": "200"}))


@pytest.fixture()
def trade(capsys, monkeypatch):
    """`chipwatch trade …` in this process (quick): exit code, stdout and stderr as a Result."""
    from chipwatch.cli import app, main
    from chipwatch.trade.cli import trade_app

    if not any(g.name == "trade" for g in app.registered_groups):
        app.add_typer(trade_app, name="trade")

    def call(*args: str, db: Path) -> Result:
        monkeypatch.setattr(sys, "argv", ["chipwatch", "--db", str(db), "trade", *args])
        capsys.readouterr()
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code or 0
        got = capsys.readouterr()
        return Result(subprocess.CompletedProcess(args, code, got.out, got.err))

    return call


def flows_state(db: Path) -> tuple:
    """What a failed import must not change: the trade rows (count and checksum) and the file bytes."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        have = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'trade_flows'").fetchone()[0]
        rows = con.execute("SELECT count(*), sum(hash(source, reporter, partner, product, year, month, value)) "
                           "FROM trade_flows").fetchone() if have else None
    finally:
        con.close()
    return rows, hashlib.sha256(db.read_bytes()).hexdigest()


@pytest.fixture()
def store(russia_db, tmp_path) -> Path:
    path = tmp_path / "store.duckdb"
    shutil.copyfile(russia_db, path)
    return path


@pytest.fixture(scope="session")
def real_db(russia_db, tmp_path_factory) -> Path:
    """The bundled store with the HS 8542 spreadsheet, the mirror-totals CSVs and the CHPL imported."""
    db = tmp_path_factory.mktemp("trade") / "store.duckdb"
    shutil.copyfile(russia_db, db)
    import_trade(db, "eurostat-xlsx", need_shared(*XLSX_8542))
    import_trade(db, "eurostat-csv", need_shared("data", "eurostat", "mirror-totals"))
    import_trade(db, "chpl", need_shared("data", "chpl", "chpl-2024-02-23.csv"))
    return db


# -- synthetic data (no ../shared needed) --------------------------------------------------

def synthetic_csvs(folder: Path) -> tuple[Path, Path]:
    """EU member exports (monthly, Eurostat CSV layout) to Russia, Kazakhstan, Armenia and
    Georgia 2020-2022: Russia collapses after 2022-02, Kazakhstan and Armenia rise from
    2022-03, Georgia stays flat. Kazakhstan's own yearly imports from DE and FR: exports x
    1.05 (CIF/FOB) in 2020-2021, x 0.6 in 2022 (goods that did not stay)."""
    folder.mkdir(parents=True, exist_ok=True)
    months = ["Jan.", "Feb.", "Mar.", "Apr.", "May.", "Jun.", "Jul.", "Aug.", "Sep.", "Oct.", "Nov.", "Dec."]
    exports = folder / "eu_exports.csv"
    yearly: dict[tuple[int, str], float] = defaultdict(float)
    with exports.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["REPORTER", "PARTNER", "PRODUCT", "FLOW", "STAT_PROCEDURE", "PERIOD", "VALUE_IN_EUR"])
        for year in (2020, 2021, 2022):
            for m in range(1, 13):
                after = (year, m) > (2022, 2)
                season = 1 + 0.2 * math.sin(m)
                for reporter, share in (("Germany (incl. German Democratic Republic 'DD' from 1991)", 0.7), ("France", 0.3)):
                    for partner, base, post in (("Russian Federation (Russia)", 1_000_000, 0.1),
                                                ("Kazakhstan", 50_000, 4.0), ("Armenia", 10_000, 8.0), ("Georgia", 20_000, 1.0)):
                        value = round(base * share * season * (post if after else 1) * (1 + 0.01 * ((year * 13 + m) % 5)))
                        w.writerow([reporter, partner, "TOTAL-Total", "2-EXPORT", "T-Total", f"{months[m - 1]} {year}", value])
                        if partner == "Kazakhstan":
                            yearly[(year, reporter)] += value
    imports = folder / "kazakhstan_import_yearly.csv"
    with imports.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["REPORTER", "PARTNER", "PRODUCT", "FLOW", "STAT_PROCEDURE", "PERIOD", "VALUE_IN_EUR"])
        for (year, reporter), value in sorted(yearly.items()):
            name = "Germany" if reporter.startswith("Germany") else reporter
            w.writerow(["Kazakhstan", name, "TOTAL", "IMPORT", "NORMAL", f"Y{year}", round(value * (0.6 if year == 2022 else 1.05), 2)])
        w.writerow(["Kazakhstan", "Commonwealth of Independent States", "TOTAL", "IMPORT", "NORMAL", "Y2022", "5"])
    return exports, imports


def eurostat_sheet(ws, code: str, rows: list[tuple], periods=("2021-12", "2022-01"), layout_ok: bool = True) -> None:
    """A sheet laid out as Eurostat's data browser writes it."""
    ws.append(["Data extracted on 21/01/2023 17:37:40 from [ESTAT]"])
    ws.append(["Dataset: ", "EU trade since 1988 by HS2-4-6 and CN8 [DS-045409__custom_4623968]"])
    ws.append(["Last updated: ", "13/01/2023 11:00"])
    ws.append([])
    ws.append(["PRODUCT [PRODUCT]", None, f"Some integrated circuits [{code}]"])
    ws.append(["FLOW", None, "EXPORT"])
    ws.append(["INDICATORS", None, "VALUE_IN_EUROS"])
    ws.append([])
    if layout_ok:
        ws.append(["TIME", "TIME", *periods])
    ws.append(["FREQ (Labels)", "FREQ (Labels)", *["Monthly"] * len(periods)])
    ws.append(["REPORTER (Labels)", "PARTNER (Labels)", *[""] * len(periods)])
    for r in rows:
        ws.append(list(r))
    ws.append([])
    ws.append(["Special value"])
    ws.append([":", "not available"])


def workbook(path: Path, sheets: list[tuple[str, list[tuple]]], layout_ok: bool = True) -> Path:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    wb.active.title = "Summary"
    for i, (code, rows) in enumerate(sheets, 1):
        eurostat_sheet(wb.create_sheet(f"Sheet {i}"), code, rows, layout_ok=layout_ok or i == 1)
    wb.save(path)
    return path


# -- normalisation ---------------------------------------------------------------------------

def test_countries_products_periods_normalise():
    place = normalise.place
    assert place("Russian Federation (Russia)").code == "RU"
    assert place("Belarus (Belorussia)").code == "BY"
    assert place("Germany (incl. German Democratic Republic 'DD' from 1991)").code == "DE"
    assert place("Ireland (Eire)").code == "IE" and place("Czechia").code == "CZ" and place("Turkey").code == "TR"
    assert place("KAZ").code == "KZ" and place("kz").code == "KZ"
    assert place("European Union - 27 countries (AT, BE, BG, CY)") == normalise.Place("EU27", "group")
    assert place("World").kind == "aggregate" and place("Commonwealth of Independent States").kind == "aggregate"
    assert place("Narnia").kind == "unknown"
    assert place("842").code == "US" and place("398").code == "KZ" and place("490").code == "TW"
    assert place("251").code == "FR" and place("0").kind == "aggregate"
    assert normalise.side("EU", "--partner") == "EU27" and normalise.side("Kazakhstan", "--reporter") == "KZ"
    with pytest.raises(ChipwatchError, match="--reporter Narnia"):
        normalise.side("Narnia", "--reporter")
    assert len(normalise.members("EU27")) == 27
    assert normalise.product_code("10121") == "010121" and normalise.product_code(85423190) == "85423190"
    assert normalise.product_code("TOTAL-Total") == "TOTAL" and normalise.product_code("abc") is None
    assert [normalise.parent(c) for c in ("85423190", "854231", "8542", "85")] == ["854231", "8542", "85", "TOTAL"]
    assert normalise.product_option("chpl:3.a") == "chpl:3.A"
    assert normalise.period("Aug. 2024") == (2024, 8) and normalise.period("Y2019") == (2019, None)
    assert normalise.period("2022M03") == (2022, 3) == normalise.period("202203") == normalise.period("2022-03")
    assert normalise.period("2022-13") is None
    assert normalise.number("1 234,5") == 1234.5 and normalise.number("1,234,567") == 1234567
    for bad in ("n/a", "nan", "12abc"):
        with pytest.raises(ValueError):
            normalise.number(bad)
    assert normalise.years("2020-2021", "--baseline") == (2020, 2021)
    with pytest.raises(ChipwatchError, match="--baseline"):
        normalise.years("2021-2020", "--baseline")


def test_chow_finds_a_break_and_not_noise():
    import numpy as np

    rng = np.random.default_rng(1)
    flat = 10 + rng.normal(0, 0.3, 36)
    stepped = flat.copy()
    stepped[26:] -= 3
    f, p = chow(stepped, 26)
    assert p < 1e-6 and f > 20
    assert chow(flat, 26)[1] > 0.01
    assert chow(flat[:5], 2) is None  # too short either side


# -- synthetic end to end ------------------------------------------------------------------

def test_synthetic_spikes_mirror_breaks(store, tmp_path):
    exports, imports = synthetic_csvs(tmp_path / "csv")
    summary = import_trade(store, "eurostat-csv", tmp_path / "csv")
    assert summary["skipped"] == {"aggregate area, not a country": 1}
    with FlowEngine.for_store(store) as eng:
        s = spikes(eng, "TOTAL", "RU", origin="EU27")
        by = {g.dest: g for g in s.growth}
        with exports.open(encoding="utf-8") as fh:
            ru = defaultdict(float)
            for r in csv.DictReader(fh):
                if r["PARTNER"].startswith("Russian"):
                    ru[r["PERIOD"][-4:]] += float(r["VALUE_IN_EUR"])
        expected = math.log(ru["2022"] / ((ru["2020"] + ru["2021"]) / 2))
        assert by["RU"].trend == "falling" and by["RU"].log_growth == pytest.approx(expected, rel=1e-9)
        assert {g.dest for g in s.roundabout} == {"KZ", "AM"} and by["GE"].trend == "stable"
        assert by["KZ"].z_mean > 2 and by["GE"].z_mean == pytest.approx(0, abs=1.5)
        m = mirror(eng, "KZ", "EU27")
        flags = {y.year: y.flag for y in m.years}
        assert flags == {2020: "in band", 2021: "in band", 2022: "below band"}
        assert m.years[0].ratio == pytest.approx(1.05, rel=1e-6)
        from chipwatch.trade.breaks import breaks

        found = {b.dest: b for b in breaks(eng, "TOTAL")}
        assert found["RU"].significant and found["RU"].direction == "down"
        assert found["KZ"].significant and found["KZ"].direction == "up"
        assert not found["GE"].significant


def test_synthetic_cli_json_and_charts(trade, store, tmp_path):
    synthetic_csvs(tmp_path / "csv")
    r = run_trade("import", "eurostat-csv", str(tmp_path / "csv"), db=store)
    assert r.code == 0, r
    assert "1 aggregate area, not a country" in r.out and "Commonwealth of Independent States" in r.out
    r = trade("spikes", "--product", "TOTAL", "--target", "RU", "--from", "EU", "--json", "--chart",
                  str(tmp_path / "spikes.vl.json"), db=store)
    assert r.code == 0, r
    data = json.loads(r.out)
    assert sorted(data["roundabout"]) == ["AM", "KZ"] and data["currency"] == "EUR" and data["engine"] == "duckdb"
    spec = json.loads((tmp_path / "spikes.vl.json").read_text())
    assert "vega-lite" in spec["$schema"] and spec["layer"]
    r = trade("mirror", "--reporter", "KZ", "--partner", "EU", "--json", db=store)
    assert r.code == 0, r
    assert json.loads(r.out)["flagged"] == [2022]
    r = trade("breaks", "--product", "TOTAL", db=store)
    assert r.code == 0 and "Chow test at 2022-02" in r.out, r
    r = trade("--json", db=store)
    assert r.code == 0, r
    assert {i["id"]: i["rows"] for i in json.loads(r.out)} == {"eurostat-csv:eu_exports.csv": 36 * 2 * 4,
                                                               "eurostat-csv:kazakhstan_import_yearly.csv": 6}
    assert trade(db=store).code == 0


def test_chart_specs_are_vega_lite(store, tmp_path):
    from chipwatch.trade.charts import growth_chart, mirror_chart, spikes_chart

    synthetic_csvs(tmp_path / "csv")
    import_trade(store, "eurostat-csv", tmp_path / "csv")
    with FlowEngine.for_store(store) as eng:
        s = spikes(eng, "TOTAL", "RU")
        m = mirror(eng, "KZ", "EU27")
    for spec in (spikes_chart(s), growth_chart(s), mirror_chart(m)):
        assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
        json.dumps(spec)  # plain JSON
    values = [v for d in spikes_chart(s)["datasets"].values() for v in d]
    assert {v.get("dest") for v in values} >= {"RU", "KZ", "AM", "GE"}


# -- real data: the HS 8542 spreadsheet --------------------------------------------------

def _independent_8542_sums(path: Path) -> tuple[dict, int]:
    """Per (partner label, year) sums of every 8542 sheet, read with openpyxl, not chipwatch."""
    openpyxl = pytest.importorskip("openpyxl")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    summary = wb["Summary"]
    summary.reset_dimensions()
    sheets = [row[1] for row in summary.iter_rows(values_only=True)
              if len(row) > 2 and row[1] and str(row[1]).startswith("Sheet") and re.search(r"\[8542\d*\]\s*$", str(row[2] or ""))]
    assert len(sheets) == 19
    sums: dict = defaultdict(float)
    hidden = 0
    for name in sheets:
        ws = wb[name]
        ws.reset_dimensions()
        rows = list(ws.iter_rows(values_only=True))
        header = next(r for r in rows if r and r[0] == "TIME")
        start = next(i for i, r in enumerate(rows) if r and r[0] == "REPORTER (Labels)") + 1
        for r in rows[start:]:
            if not r or not r[0]:
                break
            for period, v in zip(header[2:], r[2:], strict=False):
                if isinstance(v, int | float):
                    sums[(r[1], int(period[:4]))] += v
                elif v == ":":
                    hidden += 1
    wb.close()
    return sums, hidden


def test_real_8542_yearly_sums_equal_the_sheets_and_roundabout(real_db):
    sums, hidden = _independent_8542_sums(need_shared(*XLSX_8542))
    labels = {"RU": "Russian Federation (Russia)", "KZ": "Kazakhstan", "AM": "Armenia", "KG": "Kyrgyzstan"}
    con = duckdb.connect(str(real_db), read_only=True)
    try:
        stored = dict(((p, y), v) for p, y, v in con.execute(
            "SELECT partner, year, sum(value) FROM trade_flows WHERE product LIKE '8542%' GROUP BY ALL").fetchall())
        n_hidden = con.execute("SELECT count(*) FROM trade_flows WHERE product LIKE '8542%' AND confidential "
                               "AND value IS NULL").fetchone()[0]
    finally:
        con.close()
    with FlowEngine.for_store(real_db) as eng:
        s = spikes(eng, "8542", "RU", baseline=(2020, 2021))
    growth = {g.dest: g for g in s.growth}
    for code, label in labels.items():
        for year in (2020, 2021, 2022):
            assert stored[(code, year)] == pytest.approx(sums[(label, year)], rel=1e-9), (code, year)
            assert growth[code].yearly[year] == pytest.approx(sums[(label, year)], rel=1e-9), (code, year)
    assert n_hidden == hidden > 100_000  # ':' cells: kept as NULL with the flag
    assert growth["RU"].trend == "falling" and growth["RU"].log_growth < -1
    for code in ("KZ", "AM", "KG"):
        assert growth[code].trend == "rising" and growth[code].roundabout, code
    assert not growth["RU"].roundabout and not growth["BY"].roundabout  # Belarus falls too
    assert 0 < s.offset_pct < 10  # the neighbours make up a few per cent of Russia's fall
    # December 2022 is ':' in every cell (not yet published when extracted): missing, not zero
    assert growth["RU"].current == pytest.approx(sums[(labels["RU"], 2022)] / 11, rel=1e-9)
    from chipwatch.trade.breaks import breaks

    with FlowEngine.for_store(real_db) as eng:
        ru = next(b for b in breaks(eng, "8542", dests=["RU"]))
    assert (ru.months_before, ru.months_after) == (26, 9) and ru.significant and ru.direction == "down"


def test_real_chpl_tier1_is_the_8542_subheadings(real_db):
    with FlowEngine.for_store(real_db) as eng:
        tier1 = {g.dest: g.yearly for g in spikes(eng, "chpl:1", "RU").growth}
        four = {g.dest: g.yearly for g in spikes(eng, "854231", "RU").growth}
        whole = {g.dest: g.yearly for g in spikes(eng, "8542", "RU").growth}
    assert 0 < four["RU"][2021] < tier1["RU"][2021] <= whole["RU"][2021]


def test_real_mirror_kazakhstan_eu(real_db):
    folder = need_shared("data", "eurostat", "mirror-totals")
    with (folder / "eu_exports_to_kazakhstan_monthly.csv").open(encoding="utf-8") as fh:
        eu27 = sum(float(r["VALUE_IN_EUR"]) for r in csv.DictReader(fh)
                   if r["REPORTER"].startswith("European Union - 27") and r["PERIOD"].endswith("2022"))
    with (folder / "kazakhstan_import_yearly.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["PERIOD"] == "Y2022"]
    # Kazakhstan reports the EU-27 as a partner of its own: that figure is used, not the sum of
    # the member states it lists (which is smaller: not every member is listed)
    kz = sum(float(r["VALUE_IN_EUR"]) for r in rows if r["PARTNER"].startswith("European Union - 27"))
    listed = sum(float(r["VALUE_IN_EUR"]) for r in rows if normalise.place(r["PARTNER"]).code in normalise.members("EU27"))
    assert 0 < listed < kz
    with FlowEngine.for_store(real_db) as eng:
        m = mirror(eng, "KZ", "EU27")
    y = {x.year: x for x in m.years}
    assert y[2022].exports_fob == pytest.approx(eu27) and y[2022].imports_cif == pytest.approx(kz)
    assert y[2019].flag == "in band" and y[2022].flag == "below band" and y[2022].ratio < 0.8
    assert y[2024].flag in ("one side missing", "incomplete")


def test_real_derive_claims_reach_the_graph(trade, real_db, tmp_path):
    db = tmp_path / "store.duckdb"
    shutil.copyfile(real_db, db)
    r = trade("derive", "--product", "8542", "--target", "RU", "--json", db=db)
    assert r.code == 0, r
    written = json.loads(r.out)
    via = {c["object"] for c in written["claims"]}
    assert {"kazakhstan", "country-am", "country-kg"} <= via
    kz = next(c for c in written["claims"] if c["object"] == "kazakhstan")
    assert kz["predicate"] == "transits_via" and kz["subject"] == "integrated-circuits"
    assert kz["qualifiers"]["to"] == "russia" and kz["status"] == "speculated" and kz["unit"] == "EUR"
    assert {e["source"] for e in kz["evidence"]} == {"trade-eurostat-xlsx-19-4623968-spreadsheet-xlsx", "chipwatch-trade-method"}
    assert "log growth" in kz["note"] and "Chow test" in kz["note"]
    shown = run_cli("show", "kazakhstan", "--json", db=db)
    assert shown.code == 0, shown
    assert kz["id"] in shown.out
    # deriving again replaces, not duplicates; a rebuild keeps the derived claims (an import)
    assert trade("derive", "--product", "8542", "--target", "RU", db=db).code == 0
    import chipwatch

    with chipwatch.open(db) as cw:
        assert len(cw.claims(predicate="transits_via", object="kazakhstan")) == 2  # the article's and ours
    from conftest import RUSSIA

    from chipwatch.store import build_store

    build_store([RUSSIA], db, shared=SHARED)
    with chipwatch.open(db) as cw:
        assert kz["id"] in set(cw.claims(predicate="transits_via").id)


def test_trade_tables_carry_over_into_a_new_store(real_db, tmp_path):
    from chipwatch.trade.store import carry_over

    new = tmp_path / "new.duckdb"
    con = duckdb.connect(str(new))
    try:
        con.execute(f"ATTACH '{real_db}' AS old (READ_ONLY)")
        carried = carry_over(con)
        n = con.execute("SELECT count(*) FROM trade_flows").fetchone()[0]
        groups = con.execute("SELECT count(*) FROM trade_groups").fetchone()[0]
    finally:
        con.close()
    assert "trade eurostat-xlsx:19_4623968_spreadsheet.xlsx" in carried and n > 700_000 and groups == 50


def test_rebuild_keeps_trade_flows(real_db, tmp_path):
    import inspect

    from chipwatch.store import imports as store_imports

    if "trade" not in inspect.getsource(store_imports.carry_over) + inspect.getsource(store_imports):
        pytest.skip("store/imports.py does not call chipwatch.trade.store.carry_over yet (the build hook)")
    from conftest import RUSSIA

    from chipwatch.store import build_store

    db = tmp_path / "store.duckdb"
    shutil.copyfile(real_db, db)
    before = flows_state(db)[0]
    build_store([RUSSIA], db, shared=SHARED)
    assert flows_state(db)[0] == before


# -- other formats ------------------------------------------------------------------------

def test_comtrade_v1_and_baci(store, tmp_path):
    ct = tmp_path / "comtrade.csv"
    ct.write_text(
        "Classification,Year,Period,Period Desc.,Aggregate Level,Is Leaf Code,Trade Flow Code,Trade Flow,Reporter Code,"
        "Reporter,Reporter ISO,Partner Code,Partner,Partner ISO,Commodity Code,Commodity,Qty Unit Code,Qty Unit,Qty,"
        "Netweight (kg),Trade Value (US$),Flag\n"
        "H5,2022,202203,March 2022,6,1,1,Import,398,Kazakhstan,KAZ,156,China,CHN,854231,Processors,5,Number of items,1200,10,"
        "2500000,0\n"
        "H5,2022,202203,March 2022,6,1,2,Export,156,China,CHN,398,Kazakhstan,KAZ,854231,Processors,5,Number of items,1300,11,"
        "2400000,0\n"
        "H5,2022,202203,March 2022,4,0,1,Import,398,Kazakhstan,KAZ,0,World,WLD,8542,Integrated circuits,1,,,,9000000,0\n",
        encoding="utf-8")
    r = import_trade(store, "comtrade", ct)
    assert r["rows"] == 2 and r["skipped"] == {"aggregate area, not a country": 1}
    baci = tmp_path / "BACI_HS17_Y2022_V202401.csv"
    baci.write_text("t,i,j,k,v,q\n2022,842,398,854231,120.5,0.3\n2022,251,643,10121,7.25,NA\n2022,156,398,854239,1000,2\n",
                    encoding="utf-8")
    r = import_trade(store, "baci", baci)
    assert r["rows"] == 3
    con = duckdb.connect(str(store), read_only=True)
    try:
        rows = con.execute("SELECT source, reporter, partner, flow, product, level, year, month, value, currency, quantity "
                           "FROM trade_flows ORDER BY source, reporter").fetchall()
    finally:
        con.close()
    assert ("baci:BACI_HS17_Y2022_V202401.csv", "FR", "RU", "export", "010121", 6, 2022, None, 7250.0, "USD", None) in rows
    assert ("baci:BACI_HS17_Y2022_V202401.csv", "US", "KZ", "export", "854231", 6, 2022, None, 120500.0, "USD", 0.3) in rows
    assert ("comtrade:comtrade.csv", "KZ", "CN", "import", "854231", 6, 2022, 3, 2500000.0, "USD", 1200.0) in rows


# -- bad input ---------------------------------------------------------------------------

def test_wrong_sheet_layout_is_one_line_and_changes_nothing(store, tmp_path):
    good = workbook(tmp_path / "good.xlsx", [("85423190", [("Austria", "Kazakhstan", 10, ":")])])
    assert run_trade("import", "eurostat-xlsx", str(good), db=store).code == 0
    before = flows_state(store)
    bad = workbook(tmp_path / "bad.xlsx", [("85423190", [("Austria", "Kazakhstan", 1, 2)]),
                                           ("85423110", [("Austria", "Kazakhstan", 1, 2)])], layout_ok=False)
    r = run_trade("import", "eurostat-xlsx", str(bad), db=store)
    assert_user_error(r, "bad.xlsx: sheet 'Sheet 2': no TIME row")
    assert len(r.err.strip().splitlines()) == 1
    assert flows_state(store) == before
    notxlsx = tmp_path / "fake.xlsx"
    notxlsx.write_text("REPORTER,PARTNER\n", encoding="utf-8")
    assert_user_error(run_trade("import", "eurostat-xlsx", str(notxlsx), db=store), "fake.xlsx: not a readable .xlsx")
    assert flows_state(store) == before


def test_unknown_country_and_text_in_a_value_cell_are_counted_skips(trade, store, tmp_path):
    path = workbook(tmp_path / "odd.xlsx", [("85423190", [("Austria", "Kazakhstan", 100, "12 500"),
                                                          ("Narnia", "Kazakhstan", 5, 6),
                                                          ("Austria", "Russian Federation (Russia)", "about 7", ":")])])
    r = trade("import", "eurostat-xlsx", str(path), "--json", db=store)
    assert r.code == 0, r
    result = json.loads(r.out)
    assert result["rows"] == 3  # 100, 12,500 (text with a digit group) and ':' (confidential)
    assert result["skipped"] == {"unknown country": 2, "text in a value cell": 1}
    examples = "\n".join(result["skipped_examples"])
    assert "odd.xlsx 'Sheet 1'!C13: unknown country 'Narnia' (reporter)" in examples
    assert "odd.xlsx 'Sheet 1'!C14: 'about 7' is not a number" in examples
    r = trade("import", "eurostat-xlsx", str(path), db=store)
    assert "2 unknown country, 1 text in a value cell" in r.out and "Narnia" in r.out


def test_duplicated_rows_skip_or_stop(trade, store, tmp_path):
    head = "REPORTER,PARTNER,PRODUCT,FLOW,STAT_PROCEDURE,PERIOD,VALUE_IN_EUR\n"
    same = tmp_path / "same.csv"
    same.write_text(head + "Germany,Kazakhstan,TOTAL,EXPORT,Total,Jan. 2022,100\n" * 2
                    + "Germany,Kazakhstan,TOTAL,EXPORT,Total,Feb. 2022,50\n", encoding="utf-8")
    r = import_trade(store, "eurostat-csv", same)
    assert r["rows"] == 2 and r["skipped"] == {"duplicate row": 1}
    assert r["skipped_examples"] == ["same.csv:3: duplicate of same.csv:2"]
    before = flows_state(store)
    clash = tmp_path / "clash.csv"
    clash.write_text(head + "Germany,Kazakhstan,TOTAL,EXPORT,Total,Jan. 2022,100\n"
                     "Germany,Kazakhstan,TOTAL,EXPORT,Total,Jan. 2022,120\n", encoding="utf-8")
    r = trade("import", "eurostat-csv", str(clash), db=store)
    assert_user_error(r, "clash.csv:3: the same flow as clash.csv:2 with another value (120 vs 100)")
    assert flows_state(store) == before


def test_mixed_currencies_stop_the_import_and_the_analysis(trade, store, tmp_path):
    mixed = tmp_path / "mixed.csv"
    mixed.write_text("REPORTER,PARTNER,PRODUCT,FLOW,PERIOD,VALUE,CURRENCY\n"
                     "Germany,Kazakhstan,8542,EXPORT,2022-01,100,EUR\nFrance,Kazakhstan,8542,EXPORT,2022-01,90,USD\n",
                     encoding="utf-8")
    r = trade("import", "eurostat-csv", str(mixed), db=store)
    assert_user_error(r, "mixed.csv: values in EUR (mixed.csv:2) and USD (mixed.csv:3)")
    eur = tmp_path / "eur.csv"
    eur.write_text("REPORTER,PARTNER,PRODUCT,FLOW,PERIOD,VALUE_IN_EUR\n" + "".join(
        f"Germany,{p},854231,EXPORT,{y}-{m:02d},{v}\n" for y in (2020, 2021, 2022) for m in range(1, 13)
        for p, v in (("Russian Federation", 1000 if y < 2022 else 10), ("Kazakhstan", 10 if y < 2022 else 100))),
        encoding="utf-8")
    usd = tmp_path / "usd.csv"
    usd.write_text("t,i,j,k,v,q\n2021,156,643,854231,5,1\n2022,156,643,854231,6,1\n", encoding="utf-8")
    import_trade(store, "eurostat-csv", eur)
    import_trade(store, "baci", usd)
    r = trade("spikes", "--product", "8542", "--target", "RU", db=store)
    assert_user_error(r, "in EUR and USD, which cannot be summed; choose one with --currency EUR")
    r = trade("spikes", "--product", "8542", "--target", "RU", "--currency", "EUR", "--json", db=store)
    assert r.code == 0, r
    assert json.loads(r.out)["roundabout"] == ["KZ"]


def test_a_failure_while_writing_leaves_the_store_as_it_was(store, tmp_path, monkeypatch):
    import pyarrow as pa

    from chipwatch.trade import store as trade_store

    exports, _ = synthetic_csvs(tmp_path / "csv")
    import_trade(store, "eurostat-csv", exports)
    before = flows_state(store)
    real = trade_store.parse_file

    def second_breaks(kind, path, progress=None):
        parsed = real(kind, path, progress)
        if path.name.startswith("kazakhstan"):
            parsed.flows = pa.table({"source": ["x"]})  # a batch the INSERT cannot take
        return parsed

    monkeypatch.setattr(trade_store, "parse_file", second_breaks)
    with pytest.raises(duckdb.Error):
        import_trade(store, "eurostat-csv", tmp_path / "csv")  # eu_exports.csv is written first, then this fails
    assert flows_state(store) == before
    assert not list(store.parent.glob(".store.duckdb.building-*"))


def test_user_mistakes_are_one_line(trade, store, tmp_path):
    assert_user_error(trade("import", "comtrade-xml", str(tmp_path), db=store), "trade import kind 'comtrade-xml': unknown")
    assert_user_error(trade("import", "baci", str(tmp_path / "none.csv"), db=store), "none.csv: no such file or folder")
    assert_user_error(trade("spikes", "--product", "8542", "--target", "RU", db=store), "no trade data in the store")
    assert_user_error(trade("import", "baci", str(tmp_path), db=tmp_path / "absent.duckdb"), "no .csv files")
    empty = tmp_path / "empty.csv"
    empty.write_text("t,i,j,k,v\n", encoding="utf-8")
    assert_user_error(trade("import", "baci", str(empty), db=tmp_path / "absent.duckdb"), "no store here")
    header = tmp_path / "header.csv"
    header.write_text("REPORTER,PARTNER,PERIOD\nGermany,Kazakhstan,2022-01\n", encoding="utf-8")
    assert_user_error(trade("import", "eurostat-csv", str(header), db=store), "header.csv:1: missing column 'FLOW'")
    synthetic_csvs(tmp_path / "csv")
    import_trade(store, "eurostat-csv", tmp_path / "csv")
    assert_user_error(trade("spikes", "--product", "TOTAL", "--target", "CN", db=store), "--target CN: no export flows")
    assert_user_error(trade("spikes", "--product", "84x", "--target", "RU", db=store), "--product 84x")
    assert_user_error(trade("spikes", "--product", "TOTAL", "--target", "RU", "--engine", "flink", db=store),
                      "--engine flink: unknown")
    assert_user_error(trade("mirror", "--reporter", "AM", db=store), "no imports reported by Armenia")
    assert_user_error(trade("mirror", "--reporter", "KZ", "--band", "1.2", db=store), "--band 1.2")
    assert_user_error(trade("breaks", "--product", "TOTAL", "--at", "2030-01", db=store), "--at 2030-01: no monthly export flows")
    assert_user_error(trade("derive", "--product", "TOTAL", "--target", "GE", db=store), "no roundabout pattern")


# -- the same SQL on Spark ---------------------------------------------------------------

@pytest.mark.slow
def test_spark_and_duckdb_agree(store, tmp_path):
    pytest.importorskip("pyspark")
    from chipwatch.trade.breaks import breaks

    synthetic_csvs(tmp_path / "csv")
    import_trade(store, "eurostat-csv", tmp_path / "csv")
    results = {}
    for name in ("duckdb", "spark"):
        with FlowEngine.for_store(store, name) as eng:
            s = spikes(eng, "TOTAL", "RU", origin="EU27")
            m = mirror(eng, "KZ", "EU27")
            b = breaks(eng, "TOTAL")
        results[name] = (
            sorted((g.dest, round(g.base, 3), round(g.current, 3), g.trend, g.roundabout, g.z_months) for g in s.growth),
            [(y.year, y.exports_fob, y.imports_cif, y.flag) for y in m.years],
            sorted((x.dest, round(x.f, 6), x.significant) for x in b),
        )
    assert results["duckdb"] == results["spark"]
    assert results["duckdb"][0]  # not vacuously equal


def test_explorer_trade_page(store, tmp_path):
    """The explorer shows the roundabout finding with its chart (SVG), the mirror gap, and the
    derived claims; the JSON twin carries the Vega-Lite specs."""
    from fastapi.testclient import TestClient

    from chipwatch.server import create_app
    from chipwatch.trade.claims import data_sources, derive
    from chipwatch.trade.spikes import spikes

    synthetic_csvs(tmp_path / "csv")
    import_trade(store, "eurostat-csv", tmp_path / "csv")
    with FlowEngine.for_store(store) as eng:
        found = spikes(eng, "TOTAL", "RU", origin="EU27")
        derive(store, found, data_sources(eng, found))
    with TestClient(create_app(store)) as c:
        data = c.get("/trade.json", params={"product": "TOTAL", "reporter": "KZ", "partner": "EU27"}).json()
        assert "KZ" in data["spikes"]["roundabout"] and data["spikes_chart"]["$schema"].startswith("https://vega.github.io")
        assert data["claims"] and all(cl["predicate"] == "transits_via" for cl in data["claims"])
        html = c.get("/trade", params={"product": "TOTAL", "reporter": "KZ", "partner": "EU27", "lang": "zh-TW"}).text
        assert "<svg" in html and "迂迴轉口" in html and 'id="mirror"' in html
        assert c.get("/trade", params={"product": "nope"}).status_code == 400
