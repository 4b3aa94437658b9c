"""Trade CSVs, read by DuckDB (all columns as text, line numbers kept) and mapped to raw rows:

- `eurostat-csv`: Eurostat relational CSV (REPORTER, PARTNER, PRODUCT, FLOW, STAT_PROCEDURE,
  PERIOD, VALUE_IN_EUR), as in the EU export series and the national import series
  (Kazakhstan, Kyrgyzstan, … by partner) of the mirror-totals folder. The value column
  names the currency (VALUE_IN_EUR, VALUE_IN_EUROS, VALUE_IN_USD), or a CURRENCY column
  beside a VALUE column does. Periods: `Aug. 2024`, `Y2019`, `2022-03`, `2022M03`.
- `comtrade`: UN Comtrade CSV with v1 column names (Classification, Year, Period, Trade Flow
  Code, Reporter ISO, Partner ISO, Commodity Code, Qty Unit, Qty, Trade Value (US$) …;
  spellings with or without spaces and brackets are accepted, and the v2 names reporterISO,
  partnerISO, flowCode, cmdCode, primaryValue too). Values in USD.
- `baci`: CEPII BACI (t, i, j, k, v, q): year, exporter and importer (Comtrade numeric
  codes), HS-6 product, value in thousands of USD, quantity in metric tons. Each row is
  stored as an export reported by i (BACI reconciles both sides into one figure).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import duckdb

from chipwatch.errors import ChipwatchError, excerpt, first_line
from chipwatch.trade.importers.staging import staging
from chipwatch.trade.model import Meta, Parsed, normalise_raw


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


MAX_COLUMNS = 1_000  # a trade CSV has a few dozen


def _header(path: Path, delim: str) -> list[str] | None:
    """The column names on the first line, unique (DuckDB's names are case-insensitive),
    or None when that line cannot be read on its own (a quote left open, a stray CR)."""
    with path.open("rb") as f:
        text = f.readline(1 << 20).decode("utf-8-sig", errors="replace").rstrip("\r\n")
    if not text or text.count('"') % 2:
        return None
    try:
        fields = next(csv.reader([text], delimiter=delim))
    except csv.Error:
        return None
    if len(fields) > MAX_COLUMNS:
        raise ChipwatchError(f"{path}:1: the header has {len(fields):,} columns; a trade CSV has a few dozen "
                             f"(REPORTER, PARTNER, …) — is the delimiter '{delim}' right?")
    names, seen = [], set()
    for i, field in enumerate(fields, 1):
        name = field.strip() or f"column{i}"
        while name.lower() in seen:
            name = f"{name}_{i}"
        seen.add(name.lower())
        names.append(name)
    return names


def _load(con: duckdb.DuckDBPyConnection, path: Path) -> dict[str, str]:
    """Read `path` into table `src` (text columns + `line`); returns normalised header -> column.
    The columns are the header's: a data line with more fields cannot add columns (a line of
    100,000 fields would take DuckDB minutes to lay out as a table)."""
    if not path.is_file():
        raise ChipwatchError(f"{path}: no such file")
    with path.open("rb") as f:
        head = f.read(4096)
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not a multi-byte character cut at the end of the sample
            raise ChipwatchError(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    first = head.split(b"\n", 1)[0]
    delim = max((",", ";", "\t", "|"), key=lambda d: first.count(d.encode()))
    names = _header(path, delim)
    columns = ", auto_detect = false, columns = ?" if names else ""
    params = [str(path), delim] + ([{n: "VARCHAR" for n in names}] if names else [])
    read = f"""CREATE OR REPLACE TABLE src AS SELECT row_number() OVER () + 1 AS line, *
              FROM read_csv(?, all_varchar = true, header = true, delim = ?, quote = '"', escape = '"'{columns}{{}})"""
    try:
        try:
            con.execute(read.format(""), params)
        except duckdb.InvalidInputException:  # the strict parser rejects some valid quoting (Eurostat labels)
            con.execute(read.format(", strict_mode = false"), params)
    except duckdb.Error as exc:
        raise ChipwatchError(f"{path}: not a readable CSV ({first_line(exc, 160)})") from None
    cols = [r[0] for r in con.execute("SELECT column_name FROM (DESCRIBE src)").fetchall() if r[0] != "line"]
    return {_key(c): c for c in cols}


def _q(col: str) -> str:
    return '"' + col.replace('"', '""') + '"'


def _need(path: Path, cols: dict[str, str], options: list[str], expected: str) -> str:
    for o in options:
        if o in cols:
            return _q(cols[o])
    raise ChipwatchError(f"{path}:1: missing column '{options[0].upper()}'; the header must have {expected}")


def _finish(con, path: Path, meta: Meta, *, reporter: str, partner: str, flow: str, product: str, period: str,
            value: str, currency: str, quantity: str = "NULL", unit: str = "NULL", scale: float = 1.0) -> Parsed:
    """The raw table from SQL expressions over the loaded CSV, one per column, then normalised."""
    select = (f"{reporter} AS reporter, {partner} AS partner, {flow} AS flow, {product} AS product, "
              f"{period} AS period, {value} AS value, {currency} AS currency, "
              f"CAST({quantity} AS VARCHAR) AS quantity, CAST({unit} AS VARCHAR) AS unit")
    locator = f"'{path.name.replace(chr(39), chr(39) * 2)}:' || line"
    con.execute(f"""CREATE OR REPLACE TABLE raw AS SELECT {locator} AS locator, line AS seq, {select}
                    FROM src ORDER BY line""")  # noqa: S608
    return normalise_raw(con, meta, value_scale=scale)


EUROSTAT_HEADER = "REPORTER, PARTNER, PRODUCT, FLOW, PERIOD and VALUE_IN_EUR (or VALUE with CURRENCY)"


def eurostat_csv(path: str | Path, source_id: str, con: duckdb.DuckDBPyConnection | None = None) -> Parsed:
    path = Path(path)
    with staging(con) as con:
        cols = _load(con, path)
        reporter = _need(path, cols, ["reporter"], EUROSTAT_HEADER)
        partner = _need(path, cols, ["partner"], EUROSTAT_HEADER)
        period = _need(path, cols, ["period", "time", "timeperiod"], EUROSTAT_HEADER)
        flow = _need(path, cols, ["flow"], EUROSTAT_HEADER)
        product = _q(cols["product"]) if "product" in cols else "'TOTAL'"
        value_cols = {k: v for k, v in cols.items() if k.startswith("valuein")}
        if "currency" in cols and "value" in cols:
            value, currency = _q(cols["value"]), f"upper(trim({_q(cols['currency'])}))"
        elif len(value_cols) == 1:
            k, col = next(iter(value_cols.items()))
            cur = {"valueineur": "EUR", "valueineuros": "EUR", "valueinusd": "USD"}.get(k)
            if cur is None:
                raise ChipwatchError(f"{path}:1: value column '{excerpt(col)}' names no currency I know; use VALUE_IN_EUR or VALUE_IN_USD")
            value, currency = _q(col), f"'{cur}'"
        elif len(value_cols) > 1:
            raise ChipwatchError(f"{path}:1: several value columns ({excerpt(', '.join(value_cols.values()), 80)}); one import holds one "
                                 "currency — keep one value column")
        else:
            raise ChipwatchError(f"{path}:1: missing column 'VALUE_IN_EUR'; the header must have {EUROSTAT_HEADER}")
        if "statprocedure" in cols:  # keep the total over procedures when a file splits them
            proc = _q(cols["statprocedure"])
            procs = [r[0] for r in con.execute(f"SELECT DISTINCT {proc} FROM src").fetchall()]  # noqa: S608
            totals = [p for p in procs if p and "total" in p.lower()]
            if totals and len(procs) > 1:
                keep = ", ".join("'" + p.replace("'", "''") + "'" for p in totals)
                con.execute(f"DELETE FROM src WHERE {proc} NOT IN ({keep}) OR {proc} IS NULL")  # noqa: S608
        meta = Meta(id=source_id, kind="eurostat-csv", path=str(path), title=f"Eurostat trade series {path.name}",
                    publisher="Eurostat (EU) / national statistics", licence="Eurostat reuse policy (attribution)")
        return _finish(con, path, meta, reporter=reporter, partner=partner, flow=flow, product=product, period=period,
                       value=value, currency=currency)


COMTRADE_HEADER = "Period, Trade Flow (or Code), Reporter ISO, Partner ISO, Commodity Code, Trade Value (US$)"


def comtrade(path: str | Path, source_id: str, con: duckdb.DuckDBPyConnection | None = None) -> Parsed:
    path = Path(path)
    with staging(con) as con:
        cols = _load(con, path)
        period = _need(path, cols, ["period", "refperiodid", "year", "refyear"], COMTRADE_HEADER)
        reporter = _need(path, cols, ["reporteriso", "reportercode", "reporter", "reporterdesc"], COMTRADE_HEADER)
        partner = _need(path, cols, ["partneriso", "partnercode", "partner", "partnerdesc"], COMTRADE_HEADER)
        flow = _need(path, cols, ["tradeflow", "tradeflowcode", "flowcode", "flowdesc"], COMTRADE_HEADER)
        product = _need(path, cols, ["commoditycode", "cmdcode"], COMTRADE_HEADER)
        value = _need(path, cols, ["tradevalueus", "tradevalue", "primaryvalue"], COMTRADE_HEADER)
        qty = _q(cols["qty"]) if "qty" in cols else _q(cols["netweightkg"]) if "netweightkg" in cols else "NULL"
        unit = _q(cols["qtyunit"]) if "qtyunit" in cols and "qty" in cols else "'kg'" if "netweightkg" in cols else "NULL"
        meta = Meta(id=source_id, kind="comtrade", path=str(path), title=f"UN Comtrade extract {path.name}",
                    publisher="United Nations Statistics Division (UN Comtrade)", licence="UN Comtrade terms of use")
        return _finish(con, path, meta, reporter=reporter, partner=partner, flow=flow, product=product, period=period,
                       value=value, currency="'USD'", quantity=qty, unit=unit)


BACI_HEADER = "t, i, j, k, v, q"


def baci(path: str | Path, source_id: str, con: duckdb.DuckDBPyConnection | None = None) -> Parsed:
    path = Path(path)
    with staging(con) as con:
        cols = _load(con, path)
        t, i, j, k, v = (_need(path, cols, [c], BACI_HEADER) for c in ("t", "i", "j", "k", "v"))
        q = _q(cols["q"]) if "q" in cols else "NULL"
        meta = Meta(id=source_id, kind="baci", path=str(path), title=f"CEPII BACI {path.name}",
                    publisher="CEPII", licence="Etalab Open Licence 2.0 (CEPII BACI)",
                    url="http://www.cepii.fr/CEPII/en/bdd_modele/bdd_modele_item.asp?id=37")
        return _finish(con, path, meta, reporter=f"trim({i})", partner=f"trim({j})", flow="'export'", product=f"trim({k})",
                       period=f"trim({t})", value=f"trim({v})", currency="'USD'",
                       quantity=f"CASE WHEN trim({q}) IN ('NA', '') THEN NULL ELSE trim({q}) END", unit="'t'", scale=1000.0)
