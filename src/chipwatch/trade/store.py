"""Trade data in the store: the `trade_flows`, `trade_imports` and `trade_groups` tables
(SCHEMA below), written atomically like sanctions lists: the store is copied
to a temporary file, the import is written there, and the copy is renamed over the store
only when everything succeeded — a failed import leaves the store as it was. Importing a
file again replaces its earlier rows (the import id is `<kind>:<file name>`).

`carry_over` copies the trade tables of an old store into one being built, so that
`chipwatch build` keeps them (store/build.py calls it beside the other imports).
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from chipwatch.errors import ChipwatchError
from chipwatch.store.read import Store
from chipwatch.store.write import new_file
from chipwatch.trade.model import Parsed

# The trade tables, created by the first trade import (kept here, not in a .sql file, so
# that the package needs no data file to install).
SCHEMA = """
-- One row per flow as one side reported it; see chipwatch/trade/model.py.
CREATE TABLE IF NOT EXISTS trade_imports (id VARCHAR, kind VARCHAR, path VARCHAR, title VARCHAR, publisher VARCHAR,
  licence VARCHAR, url VARCHAR, imported_at VARCHAR, rows BIGINT, skipped BIGINT, currency VARCHAR);
CREATE TABLE IF NOT EXISTS trade_flows (source VARCHAR, reporter VARCHAR, partner VARCHAR, flow VARCHAR,
  product VARCHAR, level TINYINT, freq VARCHAR, year SMALLINT, month TINYINT, value DOUBLE, currency VARCHAR,
  quantity DOUBLE, unit VARCHAR, confidential BOOLEAN, locator VARCHAR);
-- Product groups (CHPL tiers …): group_id 'chpl:1' -> HS-6 codes.
CREATE TABLE IF NOT EXISTS trade_groups (group_id VARCHAR, code VARCHAR, label VARCHAR, source VARCHAR);
"""
TABLES = ("trade_imports", "trade_flows", "trade_groups")
KINDS = {
    "eurostat-xlsx": ("xlsx", "Eurostat data-browser spreadsheet, one sheet per CN code"),
    "eurostat-csv": ("csv", "Eurostat relational CSV or a national import series by partner"),
    "comtrade": ("csv", "UN Comtrade CSV (v1 column names)"),
    "baci": ("csv", "CEPII BACI (t,i,j,k,v,q)"),
    "chpl": ("csv", "Common High Priority List (tier,hs6) as product groups"),
}


def ensure_tables(con: duckdb.DuckDBPyConnection, schema: str = "") -> None:
    sql = SCHEMA
    if schema:
        sql = sql.replace("CREATE TABLE IF NOT EXISTS ", f"CREATE TABLE IF NOT EXISTS {schema}.")
    con.execute(sql)


def has_tables(con: duckdb.DuckDBPyConnection, database: str | None = None) -> bool:
    q = "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'trade_flows'"
    if database:
        return con.execute(q + " AND database_name = ?", [database]).fetchone()[0] > 0
    return con.execute(q).fetchone()[0] > 0


def files_of(kind: str, path: Path) -> list[Path]:
    """The file itself, or the files of the kind's extension in a folder (sorted)."""
    if kind not in KINDS:
        raise ChipwatchError(f"trade import kind '{kind}': unknown; use one of {', '.join(KINDS)}")
    if path.is_dir():
        found = sorted(p for p in path.iterdir() if p.suffix.lower() == "." + KINDS[kind][0] and not p.name.startswith("."))
        if not found:
            raise ChipwatchError(f"{path}: no .{KINDS[kind][0]} files in this folder for a {kind} import")
        return found
    if not path.exists():
        raise ChipwatchError(f"{path}: no such file or folder")
    return [path]


def parse_file(kind: str, path: Path, progress: Callable[[int, int], None] | None = None) -> Parsed:
    from chipwatch.trade.importers import csvfiles, eurostat_xlsx

    source_id = f"{kind}:{path.name}"
    if kind == "eurostat-xlsx":
        return eurostat_xlsx.parse(path, source_id, progress)
    readers = {"eurostat-csv": csvfiles.eurostat_csv, "comtrade": csvfiles.comtrade, "baci": csvfiles.baci}
    return readers[kind](path, source_id)


def import_trade(db: str | Path, kind: str, path: str | Path,
                 progress: Callable[[str, int, int], None] | None = None) -> dict:
    """Import a trade file (or every file of the kind in a folder) into the store, atomically.
    Returns a summary: imports, rows, skipped by reason with examples, and what was read."""
    db, path = Path(db), Path(path)
    files = files_of(kind, path)
    Store(db).close()  # a clear error if there is no store yet
    if kind == "chpl":
        return _import_groups(db, files)
    parsed: list[Parsed] = []
    for i, f in enumerate(files, 1):
        if progress:
            progress(f.name, i - 1, len(files))
        parsed.append(parse_file(kind, f, (lambda done, total, name=f.name: progress(name, done, total)) if progress else None))
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with new_file(db) as tmp:
        shutil.copyfile(db, tmp)
        con = duckdb.connect(str(tmp))
        try:
            ensure_tables(con)
            for p in parsed:
                m = p.meta
                con.execute("DELETE FROM trade_flows WHERE source = ?", [m.id])
                con.execute("DELETE FROM trade_imports WHERE id = ?", [m.id])
                con.register("flows_batch", p.flows)
                con.execute("INSERT INTO trade_flows SELECT * FROM flows_batch")
                con.unregister("flows_batch")
                currency = p.flows.column("currency")[0].as_py()
                con.execute("INSERT INTO trade_imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            [m.id, m.kind, m.path, m.title, m.publisher, m.licence, m.url, now, p.rows,
                             sum(p.skipped.values()), currency])
            con.execute("CHECKPOINT")
        finally:
            con.close()
    skipped: Counter = Counter()
    for p in parsed:
        skipped.update(p.skipped)
    return {"imports": [p.meta.id for p in parsed], "rows": sum(p.rows for p in parsed),
            "skipped": dict(skipped), "skipped_examples": [e for p in parsed for e in p.examples][:8],
            "summary": [_summary(p) for p in parsed]}


def _summary(p: Parsed) -> dict:
    t = p.flows
    con = duckdb.connect()
    try:
        con.register("t", t)
        (first, last, reporters, partners, products, hidden, currency) = con.execute(
            "SELECT min(year), max(year), count(DISTINCT reporter), count(DISTINCT partner), count(DISTINCT product), "
            "sum(CASE WHEN confidential THEN 1 ELSE 0 END), min(currency) FROM t").fetchone()
        flows = dict(con.execute("SELECT flow, count(*) FROM t GROUP BY flow ORDER BY flow").fetchall())
        freq = con.execute("SELECT string_agg(DISTINCT freq, ',') FROM t").fetchone()[0]
    finally:
        con.close()
    return {"id": p.meta.id, "title": p.meta.title, "rows": p.rows, "years": f"{first}-{last}", "freq": freq,
            "reporters": reporters, "partners": partners, "products": products, "confidential": int(hidden or 0),
            "currency": currency, "flows": flows, "skipped": sum(p.skipped.values())}


def _import_groups(db: Path, files: list[Path]) -> dict:
    from chipwatch.trade.importers import chpl

    now = datetime.now(UTC).isoformat(timespec="seconds")
    parsed = [(f, chpl.parse(f)) for f in files]
    with new_file(db) as tmp:
        shutil.copyfile(db, tmp)
        con = duckdb.connect(str(tmp))
        try:
            ensure_tables(con)
            for f, rows in parsed:
                source = f"chpl:{f.name}"
                con.execute("DELETE FROM trade_groups WHERE source = ?", [source])
                con.execute("DELETE FROM trade_imports WHERE id = ?", [source])
                con.register("groups_batch", pa.table({"group_id": [r[0] for r in rows], "code": [r[1] for r in rows],
                                                       "label": [r[2] for r in rows], "source": [source] * len(rows)}))
                con.execute("INSERT INTO trade_groups SELECT * FROM groups_batch")
                con.unregister("groups_batch")
                con.execute("INSERT INTO trade_imports VALUES (?, 'chpl', ?, ?, ?, ?, NULL, ?, ?, 0, NULL)",
                            [source, str(f), "Common High Priority List (CHPL)", "US, EU, UK and Japan",
                             "government publication", now, len(rows)])
            con.execute("CHECKPOINT")
        finally:
            con.close()
    groups = Counter(r[0] for _, rows in parsed for r in rows)
    return {"imports": [f"chpl:{f.name}" for f, _ in parsed], "rows": sum(groups.values()), "skipped": {},
            "skipped_examples": [], "groups": dict(sorted(groups.items())), "summary": []}


def imports(store: Store) -> list[dict]:
    """The trade imports in the store (none if the store has no trade tables yet)."""
    if not has_tables(store.con):
        return []
    from chipwatch.frames import rows

    return rows(store.sql("SELECT * FROM trade_imports ORDER BY kind, id"))


def carry_over(con: duckdb.DuckDBPyConnection, old: str = "old") -> list[str]:
    """With the old store attached as `old` on `con` (a store being built), copy its trade
    tables over. Returns what was carried ("trade <import id>")."""
    if not has_tables(con, old):
        return []
    ensure_tables(con)
    for table in TABLES:
        con.execute(f"INSERT INTO {table} SELECT * FROM {old}.{table}")  # noqa: S608 - fixed names
    return [f"trade {i}" for (i,) in con.execute(f"SELECT id FROM {old}.trade_imports ORDER BY id").fetchall()]  # noqa: S608
