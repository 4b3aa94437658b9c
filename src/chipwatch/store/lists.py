"""Sanctions list versions in the store: import (atomic; a failed import leaves earlier
versions untouched), list, and diff two versions."""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from chipwatch.errors import ChipwatchError
from chipwatch.model.dates import PartialDate
from chipwatch.screening.index import IndexData, insert_columns, stored_symbols
from chipwatch.screening.index import write as write_index
from chipwatch.screening.lists import Parsed
from chipwatch.store.read import Store
from chipwatch.store.write import SCHEMA, new_file

LIST_TABLES = ("list_versions", "list_entries", "list_names", "list_relations")
_DATE_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")


def parse_list(kind: str, path: Path) -> Parsed:
    """Read a list file of `kind` (ofac, un, bis, ftm). OFAC takes alt/add files beside it."""
    from chipwatch.screening.lists import bis, ftm, ofac, un

    if kind == "ofac":
        siblings = {p.name.split("-")[0]: p for p in path.parent.glob("*.csv")} if path.parent.is_dir() else {}
        return ofac.parse(path, siblings.get("alt"), siblings.get("add"))
    readers = {"un": un.parse, "bis": bis.parse, "ftm": ftm.parse}
    if kind not in readers:
        raise ChipwatchError(f"list kind '{kind}': unknown; use one of ofac, un, bis, ftm")
    return readers[kind](path)


def version_date(path: Path, parsed: Parsed, date: str | None) -> str:
    """--date, else the date the list gives, else a date in the file name; or an error."""
    chosen = date or parsed.date or (m[1] if (m := _DATE_IN_NAME.search(path.name)) else None)
    if not chosen:
        raise ChipwatchError(f"{path}: no date in the file or its name; give --date YYYY-MM-DD")
    try:
        return str(PartialDate.parse(chosen))
    except ValueError as exc:
        raise ChipwatchError(f"--date: {exc}") from None


def import_list(db: str | Path, kind: str, path: str | Path, date: str | None = None) -> dict:
    """Import a list file as version `<kind>-<date>` (replacing a version of that id)."""
    path = Path(path)
    parsed = parse_list(kind, path)
    if not parsed.entries:
        raise ChipwatchError(f"{path}: no entries found; is this a {kind} list?")
    version = f"{kind}-{version_date(path, parsed, date)}"
    db = Path(db)
    with Store(db) as store:  # a clear error if there is no store yet; the symbols it already knows
        known = stored_symbols(store.con)
    index = IndexData.build(version, parsed.entries, known)  # the slow part, before the store is touched
    with new_file(db) as tmp:  # the write lock, from the copy to the rename (`known` is only a cache)
        shutil.copyfile(db, tmp)
        con = duckdb.connect(str(tmp))
        try:
            ensure_index_tables(con)
            write_version(con, version, kind, str(path), parsed, index)
            con.execute("CHECKPOINT")
        finally:
            con.close()
    return {"version": version, "entries": len(parsed.entries), "names": sum(len(e.names) for e in parsed.entries),
            "relations": len(parsed.relations), "skipped": len(parsed.skipped), "skipped_examples": parsed.skipped[:3]}


def write_version(con: duckdb.DuckDBPyConnection, version: str, kind: str, path: str, parsed: Parsed,
                  index: IndexData, imported_at: str | None = None) -> None:
    """Replace list version `version` on `con`: entries, names, relations and name index."""
    for table in LIST_TABLES:
        con.execute(f"DELETE FROM {table} WHERE {'id' if table == 'list_versions' else 'version'} = ?",  # noqa: S608
                    [version])
    es = parsed.entries
    insert_columns(con, "list_entries", {
        "version": [version] * len(es), "list_id": [e.list_id for e in es], "schema": [e.schema for e in es],
        "caption": [e.caption for e in es], "programs": [e.programs for e in es], "countries": [e.countries for e in es],
        "identifiers": [json.dumps(e.identifiers) for e in es], "addresses": [e.addresses for e in es],
        "remarks": [e.remarks for e in es], "listed_on": [e.listed_on for e in es],
        "record": [json.dumps(e.to_dict(), ensure_ascii=False) for e in es]})
    names = [(e.list_id, n.name, n.kind) for e in es for n in e.names]
    insert_columns(con, "list_names", {"version": [version] * len(names), "list_id": [n[0] for n in names],
                                       "name": [n[1] for n in names], "kind": [n[2] for n in names]})
    rels = parsed.relations
    insert_columns(con, "list_relations", {
        "version": [version] * len(rels), "id": [r.id for r in rels], "kind": [r.kind for r in rels],
        "owner": [r.owner for r in rels], "asset": [r.asset for r in rels], "share_pct": [r.share_pct for r in rels],
        "start_date": [r.start for r in rels], "end_date": [r.end for r in rels]})
    con.execute("INSERT INTO list_versions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [version, kind, path, version.split("-", 1)[1], imported_at or datetime.now(UTC).isoformat(timespec="seconds"),
                 len(es), len(rels), len(parsed.skipped)])
    write_index(con, index)


def ensure_index_tables(con: duckdb.DuckDBPyConnection) -> None:
    """The name index tables, in a store made before they existed."""
    have = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()").fetchall()}
    for stmt in SCHEMA.read_text(encoding="utf-8").split(";"):
        body = "\n".join(line for line in stmt.splitlines() if not line.startswith("--")).strip()
        if body.startswith("CREATE TABLE") and body.split()[2] not in have and body.split()[2] in ("name_index_meta", "name_index_blobs", "token_symbols"):
            con.execute(body)


def reindex(con: duckdb.DuckDBPyConnection, version: str) -> None:
    """Build the name index of a list version that has none (a store from before it)."""
    from chipwatch.screening.lists.model import ListEntry

    entries = [ListEntry.from_record(r) for (r,) in con.execute(
        "SELECT record FROM list_entries WHERE version = ? ORDER BY list_id", [version]).fetchall()]
    write_index(con, IndexData.build(version, entries, stored_symbols(con)))


def versions(store: Store):
    return store.sql("SELECT * FROM list_versions ORDER BY kind, date")


def diff(store: Store, old: str, new: str) -> dict:
    """Entries added, removed and changed (names, programs or remarks) from version `old` to `new`."""
    known = set(store.sql("SELECT id FROM list_versions").id)
    for v in (old, new):
        if v not in known:
            raise ChipwatchError(f"no list version '{v}'; `chipwatch lists` shows them: {', '.join(sorted(known)) or 'none yet'}")
    q = """
    WITH o AS (SELECT * FROM list_entries WHERE version = ?), n AS (SELECT * FROM list_entries WHERE version = ?)
    SELECT coalesce(n.list_id, o.list_id) AS list_id, coalesce(n.caption, o.caption) AS caption,
           coalesce(n.schema, o.schema) AS schema,
           CASE WHEN o.list_id IS NULL THEN 'added' WHEN n.list_id IS NULL THEN 'removed' ELSE 'changed' END AS change,
           o.caption AS old_caption, n.caption AS new_caption, o.programs AS old_programs, n.programs AS new_programs,
           o.remarks AS old_remarks, n.remarks AS new_remarks
    FROM o FULL OUTER JOIN n ON o.list_id = n.list_id
    WHERE o.list_id IS NULL OR n.list_id IS NULL OR o.caption <> n.caption OR o.programs <> n.programs
          OR o.remarks <> n.remarks
    ORDER BY change, list_id
    """
    df = store.sql(q, [old, new])
    from chipwatch.frames import rows

    items = rows(df)
    return {"old": old, "new": new, "counts": {k: sum(i["change"] == k for i in items) for k in ("added", "removed", "changed")},
            "entries": items}
