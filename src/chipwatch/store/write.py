"""Writing rows into a store file: records to Arrow tables, inserts, atomic and durable
replacement under the store's write lock. Used by `build` (new store) and the imports."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import duckdb
import pyarrow as pa

from chipwatch.dataset import Dataset
from chipwatch.errors import ChipwatchError
from chipwatch.model.dates import PartialDate
from chipwatch.model.records import Claim, Entity, Range
from chipwatch.model.vocabulary import vocabulary
from chipwatch.names.normalize import has_han, name_key, to_simplified
from chipwatch.store.lock import temp_path, writing

SCHEMA = Path(__file__).with_name("schema.sql")

COLUMNS = {
    "sources": ["id", "title", "author", "publisher", "date", "language", "kind", "url", "held", "sha256",
                "cited_in", "footnote", "licence", "note", "dataset", "record"],
    "entities": ["id", "type", "country", "label_en", "label_zh", "note", "dataset", "record"],
    "names": ["entity_id", "name", "lang", "kind", "key"],
    "identifiers": ["entity_id", "scheme", "value", "source", "locator", "quote"],
    "claims": ["id", "subject", "predicate", "object", "value_json", "value_num", "value_min", "value_max",
               "value_text", "unit", "approx", "as_written", "qualifiers", "valid_from", "valid_to",
               "from_date", "to_date", "status", "tags", "note", "chapter", "dataset", "record"],
    "evidence": ["claim_id", "seq", "source", "locator", "quote", "translation"],
    "claim_entities": ["claim_id", "entity_id", "role"],
}


def _record(model) -> str:
    return model.model_dump_json(exclude_none=True)


def _script_lang(text: str) -> str:
    if has_han(text):
        return "zh"
    if any("\u0400" <= ch <= "\u04ff" for ch in text):
        return "ru"
    return "und"


def _name_rows(e: Entity) -> Iterable[tuple]:
    seen: set[tuple[str, str]] = set()

    def row(name: str, lang: str, kind: str):
        if (name, kind) not in seen:
            seen.add((name, kind))
            yield (e.id, name, lang, kind, name_key(name))

    for lang, name in e.names.items():
        yield from row(name, lang, "name")
    for lang, name in e.legal_names.items():
        yield from row(name, lang, "legal")
    for name in e.aliases:
        yield from row(name, _script_lang(name), "alias")
    for name in e.all_names():
        if has_han(name) and (simple := to_simplified(name)) != name:
            yield from row(simple, "zh-Hans", "derived")


def _value_columns(c: Claim) -> tuple:
    v = c.value
    if v is None:
        return (None, None, None, None, None)
    if isinstance(v, Range):
        return (json.dumps(v.model_dump(exclude_none=True)), None, v.min, v.max, None)
    if isinstance(v, bool):
        return (json.dumps(v), None, None, None, str(v).lower())
    if isinstance(v, (int, float)):
        return (json.dumps(v), float(v), None, None, None)
    return (json.dumps(v, ensure_ascii=False), None, None, None, v)


def _table(name: str, rows: list[tuple]) -> pa.Table:
    return pa.Table.from_pydict({col: [r[i] for r in rows] for i, col in enumerate(COLUMNS[name])})


def header_tables(ds: Dataset) -> dict[str, pa.Table]:
    """Sources, entities, names and identifiers of a dataset as Arrow tables."""
    sources = [(s.id, s.title, s.author, s.publisher, s.date, s.language, s.kind, s.url, s.held, s.sha256,
                s.cited_in.source if s.cited_in else None, s.cited_in.footnote if s.cited_in else None,
                s.licence, s.note, ds.name, _record(s)) for s in ds.sources]
    entities = [(e.id, e.type, e.country, e.label("en"), e.label("zh-Hant"), e.note, ds.name, _record(e))
                for e in ds.entities]
    names = [row for e in ds.entities for row in _name_rows(e)]
    identifiers = [(e.id, i.scheme, i.value, i.source, i.locator, i.quote) for e in ds.entities for i in e.identifiers]
    return {"sources": _table("sources", sources), "entities": _table("entities", entities),
            "names": _table("names", names), "identifiers": _table("identifiers", identifiers)}


def claim_tables(claims: list[Claim], chapter: str, dataset: str) -> dict[str, pa.Table]:
    """A batch of claims as Arrow tables: claims, evidence and the entities each mentions."""
    entity_qualifiers = vocabulary().entity_qualifiers
    tag = f"chapter:{chapter}"
    rows, evidence, mentions = [], [], []
    for c in claims:
        rows.append((
            c.id, c.subject, c.predicate, c.object, *_value_columns(c), c.unit, c.approx, c.as_written,
            json.dumps(c.qualifiers, ensure_ascii=False) if c.qualifiers else None,
            c.valid_from, c.valid_to,
            PartialDate.parse(c.valid_from).start if c.valid_from else None,
            PartialDate.parse(c.valid_to).end if c.valid_to else None,
            c.status, list(dict.fromkeys([*c.tags, tag])), c.note, chapter, dataset, _record(c),
        ))
        evidence.extend((c.id, i, ev.source, ev.locator, ev.quote, ev.translation) for i, ev in enumerate(c.evidence))
        mentions.append((c.id, c.subject, "subject"))
        if c.object:
            mentions.append((c.id, c.object, "object"))
        for key in entity_qualifiers.intersection(c.qualifiers):
            values = c.qualifiers[key]
            mentions.extend((c.id, v, key) for v in (values if isinstance(values, list) else [values]))
    return {"claims": _table("claims", rows), "evidence": _table("evidence", evidence),
            "claim_entities": _table("claim_entities", mentions)}


def insert(con: duckdb.DuckDBPyConnection, tables: dict[str, pa.Table]) -> dict[str, int]:
    for name, table in tables.items():
        con.register("batch", table)
        con.execute(f"INSERT INTO {name} SELECT * FROM batch")  # noqa: S608 - fixed table names
        con.unregister("batch")
    return {name: table.num_rows for name, table in tables.items()}




@contextmanager
def new_file(db: Path) -> Iterator[Path]:
    """A temporary store beside `db`, renamed over it only if the block succeeds, with the
    file and its folder synced to disk. The store's write lock is held throughout; an I/O
    error (a full disk, …) is one line and leaves the old store as it was."""
    tmp = temp_path(db)
    with writing(db):
        _discard(tmp)
        try:
            yield tmp
            _fsync(tmp)
            os.replace(tmp, db)
        except (OSError, duckdb.IOException, duckdb.FatalException) as exc:
            raise write_error(db, tmp, exc) from None
        finally:
            _discard(tmp)
        _fsync(db.parent)


def _discard(tmp: Path) -> None:
    for path in (tmp, Path(f"{tmp}.wal")):
        with suppress(FileNotFoundError):
            path.unlink()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_DUCKDB_FILE = re.compile(r'file "([^"]+)": (.+)')


def write_error(db: Path, tmp: Path, exc: Exception) -> ChipwatchError:
    """The one line for a failed write: which file, what went wrong, what to do."""
    if isinstance(exc, OSError):
        reason = exc.strerror or str(exc)
    else:
        first = (str(exc).splitlines() or [type(exc).__name__])[0]
        m = _DUCKDB_FILE.search(first)
        reason = m[2] if m else first
    return ChipwatchError(f"{db} is unchanged: {reason[:120]} while writing its new copy {tmp.name}, which was "
                          f"removed; free disk space in its folder (or fix the cause) and run it again")
