"""The normalised trade-flow table and the staging every importer goes through.

One row is one flow as one side reported it: `reporter` (ISO alpha-2 or a group such as
EU27) reports a `flow` (export or import) of `product` (HS/CN code, `level` digits, or
TOTAL) with `partner` in a period (`year`, `month`; month NULL for yearly data, `freq` M
or A), worth `value` in `currency`, maybe with a `quantity` in `unit`. `confidential`
marks a value the publisher withheld (Eurostat ':'): the value is NULL, the row is kept so
that the gap is visible. `source` is the import id, `locator` where the row was read.

Importers turn a file into *raw* rows (text as printed, with a locator); `normalise_raw`
then does the rest in DuckDB SQL — countries through `normalise.place`, products, periods,
numbers, duplicates — so files of millions of rows import at SQL speed. Rows that cannot
be used are skipped and counted by reason, with examples; conflicting duplicates and mixed
currencies stop the import with one line saying where.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from chipwatch.errors import ChipwatchError, excerpt
from chipwatch.trade import normalise

FLOW_COLUMNS: list[tuple[str, str]] = [
    ("source", "VARCHAR"), ("reporter", "VARCHAR"), ("partner", "VARCHAR"), ("flow", "VARCHAR"),
    ("product", "VARCHAR"), ("level", "TINYINT"), ("freq", "VARCHAR"), ("year", "SMALLINT"), ("month", "TINYINT"),
    ("value", "DOUBLE"), ("currency", "VARCHAR"), ("quantity", "DOUBLE"), ("unit", "VARCHAR"),
    ("confidential", "BOOLEAN"), ("locator", "VARCHAR"),
]
FLOW_NAMES = [c for c, _ in FLOW_COLUMNS]
FLOW_SCHEMA = ", ".join(f"{c} {t}" for c, t in FLOW_COLUMNS)

# Raw rows: every field as text (value may be a number already), as an importer read it.
RAW_COLUMNS = ["locator", "seq", "reporter", "partner", "flow", "product", "period", "value", "currency",
               "quantity", "unit"]
FLOWS = {"export": "export", "exports": "export", "x": "export", "2": "export", "2-export": "export",
         "import": "import", "imports": "import", "m": "import", "1": "import", "1-import": "import",
         "re-export": "re-export", "3": "re-export", "re-import": "re-import", "4": "re-import"}


@dataclass
class Meta:
    """What is known of the file imported, for the store and for citing it in derived claims."""

    id: str
    kind: str
    path: str
    title: str
    publisher: str | None = None
    licence: str | None = None
    url: str | None = None


@dataclass
class Parsed:
    meta: Meta
    flows: pa.Table
    skipped: Counter = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.flows.num_rows


def raw_table(rows: dict[str, list]) -> pa.Table:
    """Raw rows (columns of RAW_COLUMNS) as Arrow; value as text unless every value is a number."""
    n = len(rows["locator"])
    cols = {c: rows.get(c, [None] * n) for c in RAW_COLUMNS}
    cols["seq"] = list(range(n))
    cols["value"] = [None if v is None else str(v) if not isinstance(v, float) else repr(v) for v in cols["value"]]
    cols["quantity"] = [None if v is None else str(v) if not isinstance(v, float) else repr(v) for v in cols["quantity"]]
    return pa.table({c: pa.array(cols[c], pa.int64() if c == "seq" else pa.string()) for c in RAW_COLUMNS})


def connect() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB for staging, without progress bars on the terminal."""
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    return con


def _examples(con, sql: str, limit: int = 3) -> list[str]:
    """Up to `limit` skipped rows as the summary shows them: one line each, cut to 200 characters."""
    return [excerpt(r[0], 200) for r in con.execute(sql + f" LIMIT {limit}").fetchall()]


def normalise_raw(con: duckdb.DuckDBPyConnection, meta: Meta, value_scale: float = 1.0) -> Parsed:
    """Turn table `raw` (RAW_COLUMNS) on `con` into normalised flows. `value_scale`
    multiplies values (BACI gives thousands of USD)."""
    skipped: Counter = Counter()
    examples: list[str] = []

    def skip(reason: str, where: str, describe: str) -> None:
        n = con.execute(f"SELECT count(*) FROM raw WHERE {where}").fetchone()[0]  # noqa: S608
        if n:
            skipped[reason] += n
            examples.extend(_examples(con, f"SELECT locator || ': ' || {describe} FROM raw WHERE {where} ORDER BY seq"))  # noqa: S608
            con.execute(f"DELETE FROM raw WHERE {where}")  # noqa: S608

    # countries: each distinct name once through normalise.place
    names = [r[0] for r in con.execute("SELECT DISTINCT reporter FROM raw UNION SELECT DISTINCT partner FROM raw").fetchall()]
    places = {n: normalise.place(n) if n is not None else normalise.Place(None, "unknown") for n in names}
    con.register("places_batch", pa.table({"name": list(places), "code": [p.code for p in places.values()],
                                           "kind": [p.kind for p in places.values()]}))
    con.execute("CREATE OR REPLACE TEMP TABLE places AS SELECT * FROM places_batch")
    con.unregister("places_batch")
    products = [r[0] for r in con.execute("SELECT DISTINCT product FROM raw").fetchall()]
    periods = [r[0] for r in con.execute("SELECT DISTINCT period FROM raw").fetchall()]
    flows = [r[0] for r in con.execute("SELECT DISTINCT flow FROM raw").fetchall()]
    codes = {p: normalise.product_code(p) for p in products}
    times = {p: normalise.period(p) for p in periods}
    con.register("codes_batch", pa.table({"raw": products, "code": [codes[p] for p in products],
                                          "level": [normalise.level(codes[p]) if codes[p] else None for p in products]}))
    con.execute("CREATE OR REPLACE TEMP TABLE codes AS SELECT * FROM codes_batch")
    con.unregister("codes_batch")
    con.register("times_batch", pa.table({"raw": periods, "year": [t[0] if t else None for t in times.values()],
                                          "month": [t[1] if t else None for t in times.values()]},
                                         schema=pa.schema([("raw", pa.string()), ("year", pa.int32()), ("month", pa.int32())])))
    con.execute("CREATE OR REPLACE TEMP TABLE times AS SELECT * FROM times_batch")
    con.unregister("times_batch")
    flow_map = {f: FLOWS.get(str(f).strip().lower()) if f is not None else None for f in flows}
    con.register("flows_batch", pa.table({"raw": flows, "flow": [flow_map[f] for f in flows]},
                                         schema=pa.schema([("raw", pa.string()), ("flow", pa.string())])))
    con.execute("CREATE OR REPLACE TEMP TABLE flowmap AS SELECT * FROM flows_batch")
    con.unregister("flows_batch")

    for col in ("reporter", "partner"):
        skip("aggregate area, not a country", f"{col} IN (SELECT name FROM places WHERE kind = 'aggregate')",
             f"'{col} ' || {col} || ' is an aggregate, not a country'")
        skip("unknown country", f"{col} IS NULL OR {col} IN (SELECT name FROM places WHERE kind = 'unknown')",
             f"'unknown country ''' || coalesce({col}, '') || ''' ({col})'")
    skip("unknown flow", "flow IS NULL OR flow NOT IN (SELECT raw FROM flowmap WHERE flow IS NOT NULL)",
         "'flow ''' || coalesce(flow, '') || ''' is not export or import'")
    skip("not a product code", "product IS NULL OR product IN (SELECT raw FROM codes WHERE code IS NULL)",
         "'product ''' || coalesce(product, '') || ''' is not an HS/CN code'")
    skip("not a period", "period IS NULL OR period IN (SELECT raw FROM times WHERE year IS NULL)",
         "'period ''' || coalesce(period, '') || ''' is not a month or year'")
    con.execute("""CREATE OR REPLACE TEMP TABLE vals AS SELECT seq,
        starts_with(trim(value), ':') AS confidential,
        TRY_CAST(replace(replace(trim(value), ' ', ''), chr(160), '') AS DOUBLE) AS num,
        TRY_CAST(replace(replace(trim(quantity), ' ', ''), chr(160), '') AS DOUBLE) AS qty
        FROM raw""")
    skip("no value", "value IS NULL OR trim(value) = ''", "'empty value cell'")
    skip("text in a value cell",
         "seq IN (SELECT seq FROM vals WHERE NOT confidential AND (num IS NULL OR isnan(num) OR isinf(num)))",
         "'''' || value || ''' is not a number'")
    currencies = con.execute("SELECT currency, min(locator) FROM raw GROUP BY currency ORDER BY 2").fetchall()
    if len(currencies) > 1:
        listing = " and ".join(f"{c or 'no currency'} ({where})" for c, where in currencies[:3])
        raise ChipwatchError(f"{meta.path}: values in {listing}; one import holds one currency — split the file by currency")
    con.execute(f"""CREATE OR REPLACE TEMP TABLE norm AS
        SELECT r.seq, r.locator, rp.code AS reporter, pp.code AS partner, f.flow, c.code AS product, c.level,
               t.year, t.month, CASE WHEN v.confidential THEN NULL ELSE v.num * {float(value_scale)} END AS value,
               r.currency, v.qty AS quantity, r.unit, v.confidential
        FROM raw r JOIN places rp ON rp.name = r.reporter JOIN places pp ON pp.name = r.partner
        JOIN flowmap f ON f.raw = r.flow JOIN codes c ON c.raw = r.product JOIN times t ON t.raw = r.period
        JOIN vals v ON v.seq = r.seq""")  # noqa: S608
    self_rows = con.execute("SELECT count(*) FROM norm WHERE reporter = partner").fetchone()[0]
    if self_rows:
        skipped["reporter and partner are the same"] += self_rows
        examples.extend(_examples(con, "SELECT locator || ': reporter and partner are both ' || reporter FROM norm "
                                       "WHERE reporter = partner ORDER BY seq"))
        con.execute("DELETE FROM norm WHERE reporter = partner")
    # duplicates: the same flow twice. Same value: counted and skipped; another value: an error.
    key = "reporter, partner, flow, product, year, month"
    repeated = con.execute(f"SELECT 1 FROM norm GROUP BY {key} HAVING count(*) > 1 LIMIT 1").fetchall()  # noqa: S608
    clash = repeated and con.execute(f"""
        SELECT min(locator), max(locator), min(coalesce(value, -1)), max(coalesce(value, -1)) FROM norm
        GROUP BY {key} HAVING count(DISTINCT coalesce(value, -1)) > 1 LIMIT 1""").fetchall()  # noqa: S608
    if clash:
        first, second, a, b = clash[0]
        shown = [("confidential" if x == -1 else f"{x:,.0f}") for x in (a, b)]
        raise ChipwatchError(f"{second}: the same flow as {first} with another value ({shown[1]} vs {shown[0]}); "
                             "remove one of the two rows")
    n_dup = 0
    if repeated:  # the windows below cost a second on a big file: only when some flow is given twice
        con.execute(f"""CREATE OR REPLACE TEMP TABLE dup AS SELECT seq, locator, first FROM (
            SELECT seq, locator, first_value(locator) OVER (PARTITION BY {key} ORDER BY seq) AS first,
                   row_number() OVER (PARTITION BY {key} ORDER BY seq) AS k FROM norm) WHERE k > 1""")  # noqa: S608
        n_dup = con.execute("SELECT count(*) FROM dup").fetchall()[0][0]
    if n_dup:
        skipped["duplicate row"] += n_dup
        examples.extend(_examples(con, "SELECT locator || ': duplicate of ' || first FROM dup ORDER BY seq"))
        con.execute("DELETE FROM norm WHERE seq IN (SELECT seq FROM dup)")
    con.execute("SELECT 1").fetchall()  # finish the last statement before con.sql
    table = con.sql("""
        SELECT ? AS source, reporter, partner, flow, product, CAST(level AS TINYINT) AS level,
               CASE WHEN month IS NULL THEN 'A' ELSE 'M' END AS freq, CAST(year AS SMALLINT) AS year,
               CAST(month AS TINYINT) AS month, value, currency, quantity, unit, confidential, locator
        FROM norm ORDER BY seq""", params=[meta.id]).to_arrow_table()  # con.sql: no extra copy
    if table.num_rows == 0:
        why = ", ".join(f"{n} {r}" for r, n in skipped.most_common()) or "no data rows"
        raise ChipwatchError(f"{meta.path}: no trade flows could be read ({why}); is this a {meta.kind} file?"
                             + (f" e.g. {examples[0]}" if examples else ""))
    return Parsed(meta, table, skipped, examples)
