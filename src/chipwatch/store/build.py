"""Build the store from datasets: validate, then write a new DuckDB file beside the old
one and rename it into place, so a failure leaves the old store as it was."""

from __future__ import annotations

import gc
import json
import os
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from chipwatch import __version__
from chipwatch.dataset import Dataset, Problem, load_dataset, validate
from chipwatch.errors import ChipwatchError
from chipwatch.model.dates import PartialDate
from chipwatch.model.records import Claim, Entity, Range
from chipwatch.model.vocabulary import vocabulary
from chipwatch.names.normalize import has_han, name_key, to_simplified

SCHEMA = Path(__file__).with_name("schema.sql")


class BuildError(ChipwatchError):
    """The datasets have problems; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the dataset; the store was not changed")


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


def _record(model) -> str:
    return model.model_dump_json(exclude_none=True)


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


def _frames(datasets: list[Dataset]) -> dict[str, pa.Table]:
    rows: dict[str, list] = {k: [] for k in ("sources", "entities", "names", "identifiers", "claims", "evidence",
                                             "claim_entities")}
    vocab = vocabulary()
    entity_qualifiers = {k for k, q in vocab.qualifiers.items() if q.kind == "entity"}
    for ds in datasets:
        for s in ds.sources:
            rows["sources"].append((s.id, s.title, s.author, s.publisher, s.date, s.language, s.kind, s.url,
                                    s.held, s.sha256, s.cited_in.source if s.cited_in else None,
                                    s.cited_in.footnote if s.cited_in else None, s.licence, s.note, ds.name, _record(s)))
        for e in ds.entities:
            rows["entities"].append((e.id, e.type, e.country, e.label("en"), e.label("zh-Hant"), e.note, ds.name, _record(e)))
            rows["names"].extend(_name_rows(e))
            rows["identifiers"].extend((e.id, i.scheme, i.value, i.source, i.locator, i.quote) for i in e.identifiers)
        for c in ds.claims:
            chapter = next((t.split(":", 1)[1] for t in c.tags if t.startswith("chapter:")), None)
            rows["claims"].append((
                c.id, c.subject, c.predicate, c.object, *_value_columns(c), c.unit, c.approx, c.as_written,
                json.dumps(c.qualifiers, ensure_ascii=False) if c.qualifiers else None,
                c.valid_from, c.valid_to,
                PartialDate.parse(c.valid_from).start if c.valid_from else None,
                PartialDate.parse(c.valid_to).end if c.valid_to else None,
                c.status, list(dict.fromkeys(c.tags)), c.note, chapter, ds.name, _record(c),
            ))
            rows["evidence"].extend((c.id, i, ev.source, ev.locator, ev.quote, ev.translation)
                                    for i, ev in enumerate(c.evidence))
            mentions = rows["claim_entities"]
            mentions.append((c.id, c.subject, "subject"))
            if c.object:
                mentions.append((c.id, c.object, "object"))
            for key in entity_qualifiers.intersection(c.qualifiers):
                values = c.qualifiers[key]
                mentions.extend((c.id, v, key) for v in (values if isinstance(values, list) else [values]))
    columns = {
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
    return {k: pa.Table.from_pydict({col: [r[i] for r in rows[k]] for i, col in enumerate(columns[k])})
            for k in rows}


def _cross_dataset_duplicates(datasets: list[Dataset]) -> list[Problem]:
    problems, seen = [], {}
    for ds in datasets:
        for kind, records in (("entity", ds.entities), ("claim", ds.claims), ("source", ds.sources)):
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


def build_store(dataset_dirs: list[str | Path], db: str | Path, shared: Path | None = None) -> dict[str, int]:
    """Validate the datasets and (only if they are clean) write the store atomically.
    Returns row counts per table."""
    db = Path(db)
    _check_target(db)
    with _no_gc():
        return _build(dataset_dirs, db, shared)


@contextmanager
def _no_gc():
    """Building creates millions of small objects and no cycles: the cyclic GC only slows it."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _build(dataset_dirs: list[str | Path], db: Path, shared: Path | None) -> dict[str, int]:
    datasets = [load_dataset(d) for d in dataset_dirs]
    problems: list[Problem] = []
    for ds in datasets:
        problems.extend(validate(ds, shared=shared).problems)
    problems.extend(_cross_dataset_duplicates(datasets))
    if problems:
        raise BuildError(problems)
    frames = _frames(datasets)
    tmp = db.with_name(f".{db.name}.building-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    try:
        con = duckdb.connect(str(tmp))
        try:
            con.execute(SCHEMA.read_text(encoding="utf-8"))
            for table, frame in frames.items():
                con.register("frame", frame)
                con.execute(f"INSERT INTO {table} SELECT * FROM frame")  # noqa: S608 - fixed table names
                con.unregister("frame")
            meta = {
                "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "chipwatch_version": __version__,
                "datasets": json.dumps([{"name": d.name, "path": str(d.root), "title": d.meta.get("title")} for d in datasets], ensure_ascii=False),
            }
            con.executemany("INSERT INTO meta VALUES (?, ?)", list(meta.items()))
            con.execute("CREATE INDEX names_key ON names(key)")
            con.execute("CREATE INDEX claims_id ON claims(id)")
            con.execute("CREATE INDEX claims_subject ON claims(subject)")
            con.execute("CREATE INDEX claim_entities_entity ON claim_entities(entity_id)")
            con.execute("CREATE INDEX entities_id ON entities(id)")
            con.execute("CREATE INDEX evidence_claim ON evidence(claim_id)")
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(tmp, db)
    except BaseException:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.wal").unlink(missing_ok=True)
        raise
    return {k: v.num_rows for k, v in frames.items()}
