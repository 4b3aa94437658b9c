"""Build the store from datasets: validate, then write a new DuckDB file beside the old
one and rename it into place, so a failure leaves the old store as it was.

Claims stream through in batches (parse, validate, write), so a dataset of millions of
claims builds in bounded memory; if any batch has a problem, the new file is discarded.
Imports (ETO, …) in the store being replaced are carried over.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from chipwatch import __version__
from chipwatch.cycles import no_gc
from chipwatch.dataset import Dataset, Problem, Validator, load_dataset
from chipwatch.dataset.held import find_shared
from chipwatch.errors import BuildError, ChipwatchError
from chipwatch.store.imports import carry_over
from chipwatch.store.write import (
    COLUMNS,
    SCHEMA,
    claim_tables,
    header_tables,
    insert,
    new_file,
)


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


def _check_order(datasets: list) -> None:
    """Each dataset that builds on others (`builds_on` in its dataset.yaml) comes after them."""
    for i, ds in enumerate(datasets):
        before = {d.root.resolve().name for d in datasets[:i]}
        for name in ds.meta.get("builds_on") or []:
            if name not in before:
                raise ChipwatchError(f"{ds.root}: builds on '{name}' (dataset.yaml builds_on); "
                                     f"list {ds.root.parent / name} before it")


def build_store(dataset_dirs: list[str | Path], db: str | Path, shared: Path | None = None) -> dict[str, int]:
    """Validate the datasets and, only if they are clean, write the store atomically.
    Returns row counts per table."""
    db = Path(db)
    _check_target(db)
    with no_gc():
        datasets = [load_dataset(d, claims=False) for d in dataset_dirs]
        seen: set[str] = set()
        _check_order(datasets)
        validators = [Validator(ds, shared=shared or find_shared(ds.root), seen_claims=seen,
                                known={e.id: e for d in datasets[:i] for e in d.entities}).header()
                      for i, ds in enumerate(datasets)]  # a dataset may name the entities of those listed before it
        problems = [p for v in validators for p in v.report.problems] + _cross_dataset_duplicates(datasets)
        counts = dict.fromkeys(COLUMNS, 0)
        with new_file(db) as tmp:
            con = duckdb.connect(str(tmp))
            try:
                con.execute(SCHEMA.read_text(encoding="utf-8"))
                for ds in datasets:
                    for name, n in insert(con, header_tables(ds)).items():
                        counts[name] += n
                for ds, v in zip(datasets, validators, strict=True):
                    for path, batch in ds.iter_claims():
                        before = len(v.report.problems)
                        v.claims(batch)
                        problems.extend(v.report.problems[before:])
                        if not problems:
                            for name, n in insert(con, claim_tables(batch, path.stem, ds.name)).items():
                                counts[name] += n
                    before = len(v.report.problems)
                    v.finish()
                    problems.extend(v.report.problems[before:])
                if problems:
                    raise BuildError(problems)
                carried = carry_over(con, db, {e.id for ds in datasets for e in ds.entities})
                if carried:
                    counts["imports kept"] = len(carried)
                _finish(con, datasets)
            finally:
                con.close()
    return counts


def _finish(con: duckdb.DuckDBPyConnection, datasets: list[Dataset]) -> None:
    from chipwatch.screening.index import build_kb

    build_kb(con)  # the graph's own name index, for screening through it
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



