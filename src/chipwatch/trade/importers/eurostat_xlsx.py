"""Eurostat data-browser spreadsheets (DS-045409 "EU trade since 1988 by HS2-4-6 and CN8"):
one sheet per product code. Each data sheet reads

    Data extracted on … from [ESTAT]
    Dataset:        EU trade since 1988 by HS2-4-6 and CN8 [DS-045409…]
    PRODUCT [PRODUCT]   <label> [85423190]
    FLOW                EXPORT
    INDICATORS          VALUE_IN_EUROS   (values only; quantities are not read)
    TIME      TIME      2020-01  2020-02 …
    FREQ (Labels) …
    REPORTER (Labels)  PARTNER (Labels)
    Austria   Armenia   :        1234 …

':' means the value is not available (Eurostat also writes confidential values so): the
row is kept with a NULL value and `confidential` set. Sheets not named "Sheet N" (Summary,
Structure) are the extraction's notes and are read only for the title.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from chipwatch.errors import ChipwatchError, excerpt, first_line
from chipwatch.trade.importers.staging import staging
from chipwatch.trade.model import RAW_COLUMNS, Meta, Parsed, normalise_raw
from chipwatch.trade.normalise import number

_CODE = re.compile(r"\[(\d{2,10}|TOTAL)\]\s*$")
_COLS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _col(i: int) -> str:
    return (_COLS[i // 26 - 1] if i >= 26 else "") + _COLS[i % 26]


def _sheets(path: Path) -> list[tuple[str, list[list]]]:
    """(sheet name, rows of cell values) for every sheet; python-calamine, else openpyxl."""
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:
        CalamineWorkbook = None  # noqa: N806
    try:
        if CalamineWorkbook is not None:
            wb = CalamineWorkbook.from_path(str(path))
            return [(name, wb.get_sheet_by_name(name).to_python(skip_empty_area=False)) for name in wb.sheet_names]
        import warnings

        import openpyxl

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        out = []
        for ws in wb.worksheets:
            ws.reset_dimensions()
            out.append((ws.title, [["" if v is None else v for v in row] for row in ws.iter_rows(values_only=True)]))
        wb.close()
        return out
    except ImportError:
        raise ChipwatchError("reading .xlsx needs python-calamine or openpyxl: pip install python-calamine") from None
    except Exception as exc:  # the readers raise their own error types for a file that is not a workbook
        raise ChipwatchError(f"{path}: not a readable .xlsx workbook ({first_line(exc)}); "
                             "give the spreadsheet as Eurostat's data browser saves it") from None


def _text(v) -> str:
    return "" if v is None else str(v).strip()


def _value_text(v) -> str | None:
    """A value cell as the staging reads it: numbers written out (floats exactly, as repr),
    ':' (not available / confidential) and '' kept for the staging to flag, other text
    parsed as a number if it is one, else kept (counted as text in a value cell)."""
    if isinstance(v, float):
        return repr(v)
    if not isinstance(v, str):
        return None if v is None else str(v)
    text = v.strip()
    if text == "" or text.startswith(":"):
        return text
    try:
        return repr(number(text))
    except ValueError:
        return text


def _find(rows: list[list], label: str, limit: int = 30) -> int | None:
    for i, row in enumerate(rows[:limit]):
        if row and _text(row[0]).upper().startswith(label):
            return i
    return None


def _layout_error(path: Path, sheet: str, what: str) -> ChipwatchError:
    return ChipwatchError(f"{path}: sheet '{sheet}': {what} — a Eurostat data-browser sheet has rows PRODUCT, FLOW, "
                          "INDICATORS, then TIME with the periods and REPORTER (Labels), PARTNER (Labels) above the data")


def parse(path: str | Path, source_id: str, progress: Callable[[int, int], None] | None = None,
          con: duckdb.DuckDBPyConnection | None = None) -> Parsed:
    """The trade flows of a Eurostat .xlsx; `con`: a staging connection to reuse (see staging.py)."""
    path = Path(path)
    if not path.is_file():
        raise ChipwatchError(f"{path}: no such file; give a Eurostat .xlsx spreadsheet")
    return read_sheets(path, _sheets(path), source_id, progress, con)


def read_sheets(path: Path, sheets: list[tuple[str, list[list]]], source_id: str,
                progress: Callable[[int, int], None] | None = None, con: duckdb.DuckDBPyConnection | None = None) -> Parsed:
    """The trade flows in a workbook's sheets, as (name, rows of cell values); `path` names it."""
    data = [(name, rows) for name, rows in sheets if re.fullmatch(r"Sheet \d+", name)]
    if not data:
        raise ChipwatchError(f"{path}: no data sheets (named 'Sheet 1', 'Sheet 2', …); is this a Eurostat data-browser export?")
    title = None
    tables = []
    for done, (sheet, rows) in enumerate(data, 1):
        if title is None:
            ds = _find(rows, "DATASET")
            title = _text(rows[ds][1]) if ds is not None and len(rows[ds]) > 1 else None
        tables.append(_sheet_table(path, sheet, rows))
        if progress:
            progress(done, len(data))
    meta = Meta(id=source_id, kind="eurostat-xlsx", path=str(path), title=title or f"Eurostat spreadsheet {path.name}",
                publisher="Eurostat", licence="Eurostat reuse policy (attribution)", url=None)
    raw = pa.concat_tables(tables)
    raw = raw.add_column(1, "seq", pa.array(np.arange(raw.num_rows, dtype=np.int64)))
    with staging(con) as con:
        con.register("raw_batch", raw.select(RAW_COLUMNS))
        con.execute("CREATE OR REPLACE TABLE raw AS SELECT * FROM raw_batch")
        con.unregister("raw_batch")
        return normalise_raw(con, meta)


def _sheet_table(path: Path, sheet: str, rows: list[list]) -> pa.Table:
    """One data sheet as raw rows (RAW_COLUMNS but seq): a row per value cell, data row by data row."""
    where = {label: _find(rows, label) for label in ("PRODUCT", "FLOW", "INDICATORS", "TIME")}
    for label, row in where.items():
        if row is None:
            raise _layout_error(path, sheet, f"no {label} row in the first 30 rows")
    product_cell = next((_text(v) for v in rows[where["PRODUCT"]][1:] if _text(v)), "")
    m = _CODE.search(product_cell)
    if not m:
        raise _layout_error(path, sheet, f"the PRODUCT row gives no code in brackets ('{product_cell[:60]}')")
    flow = next((_text(v) for v in rows[where["FLOW"]][1:] if _text(v)), "")
    indicator = next((_text(v) for v in rows[where["INDICATORS"]][1:] if _text(v)), "").upper()
    if not indicator.startswith("VALUE_IN_EURO"):
        raise _layout_error(path, sheet, f"INDICATORS is '{excerpt(indicator)}'; export the values (VALUE_IN_EUROS)")
    labels_at = _find(rows, "REPORTER (LABELS)") or _find(rows, "PARTNER (LABELS)")
    if labels_at is None:
        raise _layout_error(path, sheet, "no 'REPORTER (Labels)' / 'PARTNER (Labels)' row")
    labels = [_text(v).upper() for v in rows[labels_at][:2]]
    if sorted(labels) != ["PARTNER (LABELS)", "REPORTER (LABELS)"]:
        raise _layout_error(path, sheet, f"the label row names {excerpt(labels, 80)}, not REPORTER and PARTNER")
    ri, pi = labels.index("REPORTER (LABELS)"), labels.index("PARTNER (LABELS)")
    periods = [_text(v) for v in rows[where["TIME"]][2:]]
    while periods and not periods[-1]:
        periods.pop()
    if not periods:
        raise _layout_error(path, sheet, "the TIME row has no periods")
    n = len(periods)
    numbers, reporters, partners, values = [], [], [], []
    for r in range(labels_at + 1, len(rows)):
        row = rows[r]
        if len(row) < 2 or (not _text(row[0]) and not _text(row[1])):
            break  # the table ends at the first empty row ("Special value" notes follow)
        cells = row[2:2 + n]
        if len(cells) < n:
            cells = cells + [""] * (n - len(cells))
        numbers.append(str(r + 1))
        reporters.append(_text(row[ri]))
        partners.append(_text(row[pi]))
        values.extend(cells if cells.count(":") == n else [_value_text(v) for v in cells])
    size = len(numbers) * n
    of_row = pa.array(np.repeat(np.arange(len(numbers), dtype=np.int32), n))
    of_col = pa.array(np.tile(np.arange(n, dtype=np.int32), len(numbers)))
    first = pa.array(np.zeros(size, dtype=np.int32))

    def repeated(texts: list[str], indices: pa.Array) -> pa.DictionaryArray:  # DuckDB reads it as VARCHAR
        return pa.DictionaryArray.from_arrays(indices, pa.array(texts, pa.string()))

    return pa.table({
        "locator": pc.binary_join_element_wise(f"{path.name} '{sheet}'!", pa.array([_col(2 + j) for j in range(n)]).take(of_col),
                                               pa.array(numbers, pa.string()).take(of_row), ""),
        "reporter": repeated(reporters, of_row), "partner": repeated(partners, of_row), "flow": repeated([flow], first),
        "product": repeated([m[1]], first), "period": repeated(periods, of_col), "value": pa.array(values, pa.string()),
        "currency": repeated(["EUR"], first),
        "quantity": pa.nulls(size, pa.string()), "unit": pa.nulls(size, pa.string())})
