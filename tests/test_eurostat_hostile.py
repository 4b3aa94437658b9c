"""Eurostat importers under hostile input and under the fuzz harness: the spreadsheet reader
gives the same rows as before it was made faster (a fixture with every kind of cell, and the
748k-row file when ../shared is here), a reused staging connection imports as a new one
does, the fuzz harness's memoised normalising replays outcomes exactly, and a case is a
hang by processor time, not by how busy the machine is."""

from __future__ import annotations

import hashlib
import sys
import time
from pathlib import Path

import pytest
from conftest import need_shared

from chipwatch.errors import ChipwatchError
from chipwatch.trade.importers import csvfiles, eurostat_xlsx
from chipwatch.trade.importers.staging import reset
from chipwatch.trade.model import connect

sys.path.insert(0, str(Path(__file__).parent / "fuzz"))

import fuzzlib  # noqa: E402
import trade_staging  # noqa: E402

HEAD = [["Data extracted on 21/01/2023 17:37:40 from [ESTAT]"],
        ["Dataset: ", "EU trade since 1988 by HS2-4-6 and CN8 [DS-045409__custom_4623968]"], [""]]


def _sheet(code: str, periods: list, data: list[list]) -> list[list]:
    return HEAD + [["PRODUCT [PRODUCT]", "", f"Some integrated circuits [{code}]"], ["FLOW", "", "EXPORT"],
                   ["INDICATORS", "", "VALUE_IN_EUROS"], [""], ["TIME", "TIME", *periods],
                   ["FREQ (Labels)", "FREQ (Labels)", *["Monthly"] * len(periods)],
                   ["REPORTER (Labels)", "PARTNER (Labels)"], *data, [""], ["Special value"], [":", "not available"]]


# Every kind of cell the reader meets: floats, integers, ':' and ': c', text numbers in
# both conventions, text, a boolean, an empty cell, a short row, trailing empty periods,
# an aggregate partner, an unknown country, a repeated row, reporter equal to partner.
SHEETS = {
    "Sheet 1": _sheet("85423190", ["2022-01", "2022-02", "2022-03", ""], [
        ["Austria", "Armenia", ":", 1234, 56.5],
        ["Germany", "Kazakhstan (Kazakstan)", "100", ": c", "1 234,5"],
        ["France", "Georgia", "1,234.5", "n/a", True],
        ["Italy", "Extra-EU", 1, 2, 3],
        ["Atlantis", "Armenia", 4, 5, 6],
        ["Austria", "Armenia", ":", 1234, 56.5],
        ["Spain", "Kyrgyzstan"],
        ["Poland", "Poland", 7, 8, 9],
        ["Czechia", "Uzbekistan", "", 0.1, 1e15],
    ]),
    "Sheet 2": _sheet("854231", ["2021-12"], [["Netherlands", "Russian Federation (Russia)", 2.5e-3]]),
}


def write_workbook(path: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "Summary"
    wb.active.append(["Data extracted from [ESTAT]"])
    for name, rows in SHEETS.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


# The rows the reader gave on this fixture before it was rewritten for speed (commit 7fa35cb).
EXPECTED = [
    ('Sheet 1', 'AT', 'AM', 'C11', 2022, 1, None, True),
    ('Sheet 1', 'AT', 'AM', 'D11', 2022, 2, 1234.0, False),
    ('Sheet 1', 'AT', 'AM', 'E11', 2022, 3, 56.5, False),
    ('Sheet 1', 'DE', 'KZ', 'C12', 2022, 1, 100.0, False),
    ('Sheet 1', 'DE', 'KZ', 'D12', 2022, 2, None, True),
    ('Sheet 1', 'DE', 'KZ', 'E12', 2022, 3, 1234.5, False),
    ('Sheet 1', 'FR', 'GE', 'C13', 2022, 1, 1234.5, False),
    ('Sheet 1', 'CZ', 'UZ', 'D19', 2022, 2, 0.1, False),
    ('Sheet 1', 'CZ', 'UZ', 'E19', 2022, 3, 1000000000000000.0, False),
    ('Sheet 2', 'NL', 'RU', 'C11', 2021, 12, 0.0025, False),
]
EXPECTED_SKIPPED = {'unknown country': 3, 'aggregate area, not a country': 3, 'no value': 4, 'text in a value cell': 2, 'reporter and partner are the same': 3, 'duplicate row': 3}
EXPECTED_EXAMPLES = [
    "fixture.xlsx 'Sheet 1'!C15: unknown country 'Atlantis' (reporter)",
    "fixture.xlsx 'Sheet 1'!D15: unknown country 'Atlantis' (reporter)",
    "fixture.xlsx 'Sheet 1'!E15: unknown country 'Atlantis' (reporter)",
    "fixture.xlsx 'Sheet 1'!C14: partner Extra-EU is an aggregate, not a country",
    "fixture.xlsx 'Sheet 1'!D14: partner Extra-EU is an aggregate, not a country",
    "fixture.xlsx 'Sheet 1'!E14: partner Extra-EU is an aggregate, not a country",
    "fixture.xlsx 'Sheet 1'!C17: empty value cell",
    "fixture.xlsx 'Sheet 1'!D17: empty value cell",
    "fixture.xlsx 'Sheet 1'!E17: empty value cell",
    "fixture.xlsx 'Sheet 1'!D13: 'n/a' is not a number",
    "fixture.xlsx 'Sheet 1'!E13: 'True' is not a number",
    "fixture.xlsx 'Sheet 1'!C18: reporter and partner are both PL",
    "fixture.xlsx 'Sheet 1'!D18: reporter and partner are both PL",
    "fixture.xlsx 'Sheet 1'!E18: reporter and partner are both PL",
    "fixture.xlsx 'Sheet 1'!C16: duplicate of fixture.xlsx 'Sheet 1'!C11",
    "fixture.xlsx 'Sheet 1'!D16: duplicate of fixture.xlsx 'Sheet 1'!D11",
    "fixture.xlsx 'Sheet 1'!E16: duplicate of fixture.xlsx 'Sheet 1'!E11",
]


def _rows(parsed) -> list[tuple]:
    return [(r["locator"].split("'")[1], r["reporter"], r["partner"], r["locator"].split("!")[1], r["year"], r["month"],
             r["value"], r["confidential"]) for r in parsed.flows.to_pylist()]


def test_fixture_reads_as_before_the_rewrite(tmp_path):
    parsed = eurostat_xlsx.parse(write_workbook(tmp_path / "fixture.xlsx"), "eurostat-xlsx:fixture.xlsx")
    assert _rows(parsed) == EXPECTED
    assert dict(parsed.skipped) == EXPECTED_SKIPPED
    assert parsed.examples == EXPECTED_EXAMPLES
    assert parsed.flows.column_names == ["source", "reporter", "partner", "flow", "product", "level", "freq", "year",
                                         "month", "value", "currency", "quantity", "unit", "confidential", "locator"]


def _digest(table) -> str:
    h = hashlib.sha256(str(table.schema).encode())
    for name in table.column_names:
        h.update(repr(table.column(name).to_pylist()).encode())
    return h.hexdigest()


def test_real_file_reads_as_before_the_rewrite():
    """All 748,440 rows of the 8542/8541 workbook, column by column, as the old reader gave them."""
    path = need_shared("data", "eurostat", "19_4623968_spreadsheet.xlsx")
    parsed = eurostat_xlsx.parse(path, "eurostat-xlsx:19_4623968_spreadsheet.xlsx")
    assert parsed.rows == 748_440 and not parsed.skipped
    assert _digest(parsed.flows) == "8ece62f2a214d1b8d0a0d1d6a060a83c738754fd62da9f4ab68eab6df2e439b1"


def _csv(tmp_path: Path) -> Path:
    path = tmp_path / "trade.csv"
    path.write_bytes((Path(__file__).parent / "fuzz" / "seeds" / "eurostat-csv" / "trade.csv").read_bytes())
    return path


def test_a_reused_staging_connection_imports_as_a_new_one(tmp_path):
    book, table = write_workbook(tmp_path / "fixture.xlsx"), _csv(tmp_path)
    fresh_book, fresh_csv = eurostat_xlsx.parse(book, "b"), csvfiles.eurostat_csv(table, "c")
    con = connect()
    try:
        for _ in range(2):  # each import replaces what the one before left on the connection
            assert _digest(eurostat_xlsx.parse(book, "b", con=con).flows) == _digest(fresh_book.flows)
            assert _digest(csvfiles.eurostat_csv(table, "c", con=con).flows) == _digest(fresh_csv.flows)
        assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE NOT internal").fetchall()[0][0] > 0
        con.register("left_over", fresh_csv.flows)
        reset(con)
        assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE NOT internal").fetchall() == [(0,)]
        assert con.execute("SELECT count(*) FROM duckdb_views() WHERE NOT internal").fetchall() == [(0,)]
    finally:
        con.close()


def test_memoised_normalising_runs_once_per_distinct_input_and_replays_it(tmp_path, monkeypatch):
    from chipwatch.trade import model

    calls = []
    real = model.normalise_raw
    monkeypatch.setattr(model, "normalise_raw", lambda con, meta, scale=1.0: calls.append(meta.path) or real(con, meta, scale))
    monkeypatch.setattr(trade_staging, "_memo", type(trade_staging._memo)())
    book = write_workbook(tmp_path / "fixture.xlsx")
    nothing = tmp_path / "nothing.xlsx"
    SHEETS["Sheet 9"] = _sheet("85423190", ["2022-01"], [["Atlantis", "Armenia", 1]])
    try:
        import openpyxl

        wb = openpyxl.Workbook()
        for row in SHEETS.pop("Sheet 9"):
            wb.active.append(row)
        wb.active.title = "Sheet 1"
        wb.save(nothing)
    finally:
        SHEETS.pop("Sheet 9", None)
    with trade_staging.memoised(eurostat_xlsx):
        first = eurostat_xlsx.parse(book, "b", con=trade_staging.connection())
        again = eurostat_xlsx.parse(book, "b", con=trade_staging.connection())
        errors = []
        for _ in range(2):
            with pytest.raises(ChipwatchError) as caught:
                eurostat_xlsx.parse(nothing, "n", con=trade_staging.connection())
            errors.append(str(caught.value))
        other = eurostat_xlsx.parse(book, "other id", con=trade_staging.connection())  # another import id: run again
    assert eurostat_xlsx.normalise_raw is real  # restored on the way out
    assert calls == [str(book), str(nothing), str(book)]
    assert _rows(first) == _rows(again) == EXPECTED and first.skipped == again.skipped
    assert errors[0] == errors[1] and "no trade flows could be read (1 unknown country)" in errors[0]
    assert other.flows.column("source")[0].as_py() == "other id"


def test_a_traceback_is_replayed_with_its_signature(tmp_path, monkeypatch):
    from chipwatch.trade import model

    calls = []

    def broken(con, meta, scale=1.0):
        calls.append(1)
        return {}["missing"]

    monkeypatch.setattr(model, "normalise_raw", broken)
    monkeypatch.setattr(trade_staging, "_memo", type(trade_staging._memo)())
    book = write_workbook(tmp_path / "fixture.xlsx")
    signatures = []
    with trade_staging.memoised(eurostat_xlsx):
        for _ in range(3):
            with pytest.raises(KeyError) as caught:
                eurostat_xlsx.parse(book, "b", con=trade_staging.connection())
            signatures.append(fuzzlib._signature(caught.value))
    assert len(calls) == 1
    assert signatures == [signatures[0]] * 3 and signatures[0].startswith("KeyError at eurostat_xlsx.py:")


def _target(call) -> fuzzlib.Target:
    return fuzzlib.Target("probe", lambda: [{"x.txt": b"x"}], call)


def test_a_case_is_a_hang_by_processor_time_not_by_a_busy_machine(tmp_path):
    def busy(_):
        while True:
            pass

    found = fuzzlib.check(_target(busy), tmp_path / "a", {"x.txt": b"x"}, timeout=0.3)
    assert found is not None and found.kind == "hang"
    # waiting (for a processor, a disk, here a sleep) is not using one: not a hang ...
    assert fuzzlib.check(_target(lambda _: time.sleep(0.6)), tmp_path / "b", {"x.txt": b"x"}, timeout=0.3) is None
    # ... until it lasts WALL_FACTOR times the timeout on the clock
    start = time.monotonic()
    found = fuzzlib.check(_target(lambda _: time.sleep(60)), tmp_path / "c", {"x.txt": b"x"}, timeout=0.05)
    assert found is not None and found.kind == "hang" and time.monotonic() - start < 30


def test_workers_share_the_cases_and_add_up_their_counts():
    stats = fuzzlib.run_parallel(fuzzlib.TARGETS["chpl"], 41, seed=3, workers=2)
    assert (stats.cases, stats.tracebacks, stats.hangs) == (41, 0, 0)


def test_a_data_line_of_140000_fields_is_read_in_a_moment(tmp_path):
    """Found by the fuzzer: DuckDB laid such a line out as 140,001 columns (about a minute)."""
    path = _csv(tmp_path)
    path.write_bytes(path.read_bytes() + b"x," * 140_000)
    start = time.process_time()
    parsed = csvfiles.eurostat_csv(path, "c")
    assert time.process_time() - start < 5
    assert parsed.rows == 4  # as without the line's extra fields
    assert "STAT_PROCEDURE" not in parsed.flows.column_names


def test_a_header_of_thousands_of_columns_is_one_line(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_bytes(b"REPORTER,PARTNER," + b"x," * 5_000 + b"\nAustria,Armenia\n")
    with pytest.raises(ChipwatchError) as caught:
        csvfiles.eurostat_csv(path, "c")
    message = str(caught.value)
    assert "\n" not in message and len(message) <= 300 and f"{path}:1: the header has 5,003 columns" in message


def test_empty_and_repeated_header_names_read_as_before(tmp_path):
    """Named by the header now (not by DuckDB's detection): an empty name and a name repeated
    in another case still read, the first REPORTER column being the reporter."""
    expected = csvfiles.eurostat_csv(_csv(tmp_path), "c").flows.column("reporter").to_pylist()
    for name in (b"", b"Reporter"):
        path = _csv(tmp_path)
        path.write_bytes(path.read_bytes().replace(b"STAT_PROCEDURE", name, 1))
        assert csvfiles.eurostat_csv(path, "c").flows.column("reporter").to_pylist() == expected


def test_a_reporter_cell_of_160000_characters_is_no_country_and_short_in_the_summary(monkeypatch):
    """Found by the fuzzer: a reporter cell of 80,000 lines with brackets in it took the bracket
    pattern of place() seconds of backtracking, and its skip example printed all of it. Now a
    cell longer than any country name is no country, the pattern is not run on it, and each
    example is one line of at most 200 characters."""
    from chipwatch.trade import model, normalise

    seen = []
    real = normalise._PAREN
    monkeypatch.setattr(normalise, "_PAREN", type("P", (), {"sub": lambda self, r, t: seen.append(t) or real.sub(r, t)})())
    long_name = "France (incl. " + "(\n" * 80_000 + "x"
    assert normalise.place(long_name) == normalise.Place(None, "unknown") and not seen
    assert normalise.place("France (incl. Saint Barthélemy 'BL' -> 2012)").code == "FR" and seen
    con = connect()
    try:
        con.execute("CREATE TABLE raw AS SELECT 1 AS seq, ? AS name", [long_name])
        (example,) = model._examples(con, "SELECT 'trade.csv:3: unknown country ' || name FROM raw")
    finally:
        con.close()
    assert "\n" not in example and len(example) <= 200 and example.startswith("trade.csv:3: unknown country France")
