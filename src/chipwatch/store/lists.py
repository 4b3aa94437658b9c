"""Sanctions list versions in the store: import (atomic; a failed import leaves earlier
versions untouched), list, and diff two versions."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from chipwatch.errors import ChipwatchError
from chipwatch.model.dates import PartialDate
from chipwatch.screening.lists import Parsed
from chipwatch.store.read import Store
from chipwatch.store.write import new_file

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
    Store(db).close()  # a clear error if there is no store yet
    entries = pa.Table.from_pylist([
        {"version": version, "list_id": e.list_id, "schema": e.schema, "caption": e.caption, "programs": e.programs,
         "countries": e.countries, "identifiers": json.dumps(e.identifiers), "addresses": e.addresses,
         "remarks": e.remarks, "listed_on": e.listed_on, "record": json.dumps(e.to_dict(), ensure_ascii=False)}
        for e in parsed.entries])
    names = pa.Table.from_pylist([{"version": version, "list_id": e.list_id, "name": n.name, "kind": n.kind}
                                  for e in parsed.entries for n in e.names])
    relations = [{"version": version, **{k: v for k, v in asdict(r).items() if k not in ("start", "end", "share_pct")},
                  "share_pct": r.share_pct, "start_date": r.start, "end_date": r.end} for r in parsed.relations]
    with new_file(db) as tmp:
        shutil.copyfile(db, tmp)
        con = duckdb.connect(str(tmp))
        try:
            for table in LIST_TABLES:
                con.execute(f"DELETE FROM {table} WHERE {'id' if table == 'list_versions' else 'version'} = ?",  # noqa: S608
                            [version])
            for table, rows in (("list_entries", entries), ("list_names", names)):
                con.register("batch", rows)
                con.execute(f"INSERT INTO {table} SELECT * FROM batch")  # noqa: S608
                con.unregister("batch")
            if relations:
                con.executemany("INSERT INTO list_relations VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                [[r["version"], r["id"], r["kind"], r["owner"], r["asset"], r["share_pct"],
                                  r["start_date"], r["end_date"]] for r in relations])
            con.execute("INSERT INTO list_versions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [version, kind, str(path), version.split("-", 1)[1], datetime.now(UTC).isoformat(timespec="seconds"),
                         len(parsed.entries), len(relations), len(parsed.skipped)])
            con.execute("CHECKPOINT")
        finally:
            con.close()
    return {"version": version, "entries": len(parsed.entries), "names": names.num_rows,
            "relations": len(relations), "skipped": len(parsed.skipped), "skipped_examples": parsed.skipped[:3]}


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
