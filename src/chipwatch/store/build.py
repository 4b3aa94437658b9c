"""Build the store from datasets: validate, then write a new DuckDB file beside the old
one and rename it into place, so a failure leaves the old store as it was.

Claims stream through in batches (parse, validate, write), so a dataset of millions of
claims builds in bounded memory; if any batch has a problem, the new file is discarded.
"""

from __future__ import annotations

import gc
import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from chipwatch import __version__
from chipwatch.dataset import Dataset, Problem, Validator, load_dataset
from chipwatch.dataset.held import find_shared
from chipwatch.errors import ChipwatchError
from chipwatch.model.dates import PartialDate
from chipwatch.model.records import Claim, Entity, Range
from chipwatch.model.vocabulary import vocabulary
from chipwatch.names.normalize import has_han, name_key, to_simplified

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


class BuildError(ChipwatchError):
    """The datasets have problems; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the dataset; the store was not changed")


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


def _insert(con: duckdb.DuckDBPyConnection, tables: dict[str, pa.Table]) -> dict[str, int]:
    for name, table in tables.items():
        con.register("batch", table)
        con.execute(f"INSERT INTO {name} SELECT * FROM batch")  # noqa: S608 - fixed table names
        con.unregister("batch")
    return {name: table.num_rows for name, table in tables.items()}


def _cross_dataset_duplicates(datasets: list[Dataset]) -> list[Problem]:
    problems, seen = [], {}
    for ds in datasets:
        for kind, records in (("entity", ds.entities), ("source", ds.sources)):
            for r in records:
                key = (kind, r.id)
                if key in seen and seen[key] is not ds:
                    problems.append(ds.problem(kind, r.id, f"{kind} id '{r.id}' is also used by dataset {seen[key].name}"))
                seen.setdefault(key, ds)
    return problems


def _check_target(db: Path) -> None:
    if db.is_dir():
        raise ChipwatchError(f"{db}: is a directory; give a file path for the store, e.g. {db / 'chipwatch.duckdb'}")
    if not db.parent.exists():
        raise ChipwatchError(f"{db}: folder {db.parent} does not exist; create it or choose another --db path")


@contextmanager
def _no_gc() -> Iterator[None]:
    """Building makes millions of small objects and no cycles: the cyclic GC only slows it."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@contextmanager
def _new_file(db: Path) -> Iterator[Path]:
    """A temporary store beside `db`, renamed over it only if the block succeeds."""
    tmp = db.with_name(f".{db.name}.building-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    try:
        yield tmp
        os.replace(tmp, db)
    finally:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.wal").unlink(missing_ok=True)


def build_store(dataset_dirs: list[str | Path], db: str | Path, shared: Path | None = None) -> dict[str, int]:
    """Validate the datasets and, only if they are clean, write the store atomically.
    Returns row counts per table."""
    db = Path(db)
    _check_target(db)
    with _no_gc():
        datasets = [load_dataset(d, claims=False) for d in dataset_dirs]
        seen: set[str] = set()
        validators = [Validator(ds, shared=shared or find_shared(ds.root), seen_claims=seen).header() for ds in datasets]
        problems = [p for v in validators for p in v.report.problems] + _cross_dataset_duplicates(datasets)
        counts = dict.fromkeys(COLUMNS, 0)
        with _new_file(db) as tmp:
            con = duckdb.connect(str(tmp))
            try:
                con.execute(SCHEMA.read_text(encoding="utf-8"))
                for ds in datasets:
                    for name, n in _insert(con, header_tables(ds)).items():
                        counts[name] += n
                for ds, v in zip(datasets, validators, strict=True):
                    for path, batch in ds.iter_claims():
                        before = len(v.report.problems)
                        v.claims(batch)
                        problems.extend(v.report.problems[before:])
                        if not problems:
                            for name, n in _insert(con, claim_tables(batch, path.stem, ds.name)).items():
                                counts[name] += n
                    before = len(v.report.problems)
                    v.finish()
                    problems.extend(v.report.problems[before:])
                if problems:
                    raise BuildError(problems)
                _finish(con, datasets)
            finally:
                con.close()
    return counts


def _finish(con: duckdb.DuckDBPyConnection, datasets: list[Dataset]) -> None:
    meta = {
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "chipwatch_version": __version__,
        "datasets": json.dumps([{"name": d.name, "path": str(d.root), "title": d.meta.get("title")} for d in datasets],
                               ensure_ascii=False),
    }
    con.executemany("INSERT INTO meta VALUES (?, ?)", list(meta.items()))
    for index in ("names(key)", "entities(id)", "claims(id)", "claims(subject)", "claim_entities(entity_id)",
                  "evidence(claim_id)"):
        table, column = index.rstrip(")").split("(")
        con.execute(f"CREATE INDEX {table}_{column} ON {index}")
    con.execute("CHECKPOINT")



