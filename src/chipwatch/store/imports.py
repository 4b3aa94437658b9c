"""Imports into an existing store (ETO, …), atomically, and carried over by rebuilds.

An import is a dataset made by an importer from data published by others. It is written
into a copy of the store, which then replaces the store; importing again replaces the
earlier import of the same name. `chipwatch build` keeps the imports of the store it
replaces, so rebuilding the bundled datasets does not lose them.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb

from chipwatch.dataset import Dataset, Validator
from chipwatch.errors import BuildError, ChipwatchError
from chipwatch.model.records import Entity
from chipwatch.store.lock import writing
from chipwatch.store.read import Store
from chipwatch.store.write import claim_tables, header_tables, insert, new_file

# How to find a dataset's rows in each table (tables without a dataset column go through their owner).
_ROWS = {
    "claim_entities": "claim_id IN (SELECT id FROM {db}claims WHERE dataset = ?)",
    "evidence": "claim_id IN (SELECT id FROM {db}claims WHERE dataset = ?)",
    "names": "entity_id IN (SELECT id FROM {db}entities WHERE dataset = ?)",
    "identifiers": "entity_id IN (SELECT id FROM {db}entities WHERE dataset = ?)",
    "claims": "dataset = ?",
    "entities": "dataset = ?",
    "sources": "dataset = ?",
}


def imports_of(con: duckdb.DuckDBPyConnection, schema: str = "") -> list[dict]:
    row = con.execute(f"SELECT value FROM {schema}meta WHERE key = 'imports'").fetchone()  # noqa: S608
    return json.loads(row[0]) if row else []


def known_entities(db: str | Path, excluding: str) -> list[Entity]:
    """The store's entities, except those of dataset `excluding` (an import being redone)."""
    with Store(db) as store:
        found = store.con.execute("SELECT record FROM entities WHERE dataset <> ? ORDER BY id", [excluding]).fetchall()
    return [Entity.model_validate_json(r) for (r,) in found]


def import_dataset(db: str | Path, ds: Dataset) -> dict[str, int]:
    """Validate `ds` against the store's other entities and write it into the store
    atomically, replacing an earlier import of the same name. Returns row counts."""
    db = Path(db)
    Store(db).close()  # a clear error if there is no store yet
    with writing(db):  # from reading the other entities to the rename: none can change meanwhile
        _validate(db, ds)
        return _write(db, ds)


def _validate(db: Path, ds: Dataset) -> None:
    known = {e.id: e for e in known_entities(db, ds.name)}
    v = Validator(ds, known=known).header()
    for _, batch in ds.iter_claims():
        v.claims(batch)
    report = v.finish()
    taken = [e.id for e in ds.entities if e.id in known]
    if taken:
        raise ChipwatchError(f"entity id '{taken[0]}' of import '{ds.name}' is already used by another dataset")
    if report.problems:
        raise BuildError(report.problems)


def _write(db: Path, ds: Dataset) -> dict[str, int]:
    counts: dict[str, int] = {}
    with new_file(db) as tmp:
        shutil.copyfile(db, tmp)
        con = duckdb.connect(str(tmp))
        try:
            for table, where in _ROWS.items():
                con.execute(f"DELETE FROM {table} WHERE " + where.format(db=""), [ds.name])  # noqa: S608
            counts.update(insert(con, header_tables(ds)))
            for path, batch in ds.iter_claims():
                for name, n in insert(con, claim_tables(batch, path.stem, ds.name)).items():
                    counts[name] = counts.get(name, 0) + n
            entries = [i for i in imports_of(con) if i["name"] != ds.name]
            entries.append({"name": ds.name, "path": str(ds.root), "title": ds.meta.get("title")})
            con.execute("DELETE FROM meta WHERE key = 'imports'")
            con.execute("INSERT INTO meta VALUES ('imports', ?)", [json.dumps(entries, ensure_ascii=False)])
            from chipwatch.screening.index import build_kb
            from chipwatch.store.lists import ensure_index_tables

            ensure_index_tables(con)
            build_kb(con)  # the import's entities are names the graph now knows
            con.execute("CHECKPOINT")
        finally:
            con.close()
    return counts


def carry_over(con: duckdb.DuckDBPyConnection, old_db: Path, new_ids: set[str]) -> list[str]:
    """Copy the imports of the store at `old_db` into the store being built on `con`.
    Returns the names of the imports carried over."""
    if not old_db.is_file():
        return []
    try:
        con.execute(f"ATTACH '{old_db}' AS old (READ_ONLY)")
    except duckdb.Error:
        return []  # not a store (the build replaces it): nothing to carry
    try:
        entries = imports_of(con, "old.")
        for entry in entries:
            clash = con.execute("SELECT id FROM old.entities WHERE dataset = ? AND list_contains(?, id) LIMIT 1",
                                [entry["name"], sorted(new_ids)]).fetchone()
            if clash:
                raise ChipwatchError(f"entity id '{clash[0]}' is used by the build and by import '{entry['name']}'; "
                                     f"rename it, or re-import after building")
            for table, where in reversed(_ROWS.items()):
                con.execute(f"INSERT INTO {table} SELECT * FROM old.{table} WHERE " + where.format(db="old."),  # noqa: S608
                            [entry["name"]])
        if entries:
            con.execute("INSERT INTO meta VALUES ('imports', ?)", [json.dumps(entries, ensure_ascii=False)])
        from chipwatch.trade.store import (
            carry_over as carry_trade,  # trade flows keep their own tables
        )

        return [e["name"] for e in entries] + _copy_lists(con) + carry_trade(con)
    finally:
        con.execute("DETACH old")


def _copy_lists(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Sanctions list versions of the old store (attached as `old`), copied as they are with
    their name indexes (built here for versions imported before there was one)."""
    from chipwatch.screening.index import KB_VERSION
    from chipwatch.screening.index import copy as copy_index
    from chipwatch.store.lists import reindex

    have = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = 'old'").fetchall()}
    if "list_versions" not in have:
        return []
    for table in ("list_versions", "list_entries", "list_names", "list_relations"):
        con.execute(f"INSERT INTO {table} SELECT * FROM old.{table}")  # noqa: S608
    versions = [v for (v,) in con.execute("SELECT id FROM old.list_versions ORDER BY id").fetchall()]
    if "token_symbols" in have:
        con.execute("INSERT INTO token_symbols SELECT * FROM old.token_symbols")
    for v in versions:
        if not ("name_index_meta" in have and copy_index(con, v)):
            reindex(con, v)
    assert KB_VERSION not in versions
    return [f"list {v}" for v in versions]
