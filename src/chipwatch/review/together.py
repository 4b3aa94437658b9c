"""Datasets built together: a dataset of second sources names the entities of the dataset it
builds on (`builds_on: [russia]` in its dataset.yaml, the sibling folders of those names), and
holds its texts in its own folder (`held: texts/<source>.txt`, relative to the dataset; the
validator looks there before the shared folder)."""

from __future__ import annotations

from pathlib import Path

from chipwatch.dataset import Dataset, Validator, load_dataset
from chipwatch.dataset.held import find_shared
from chipwatch.dataset.validate import ValidationReport
from chipwatch.errors import ChipwatchError
from chipwatch.model.records import Entity


def builds_on(dataset: Path) -> list[Path]:
    """The folders of the datasets that `dataset` names in `builds_on` (siblings of it)."""
    ds = load_dataset(dataset)
    names = ds.meta.get("builds_on") or []
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ChipwatchError(f"{dataset}/dataset.yaml: field 'builds_on' must be a list of dataset folder names, e.g. [russia]")
    out = []
    for name in names:
        folder = Path(dataset).resolve().parent / name
        if not (folder / "entities.yaml").exists():
            raise ChipwatchError(f"{dataset}/dataset.yaml: builds_on '{name}': no dataset folder {folder}; "
                                 "name a sibling dataset folder")
        out.append(folder)
    return out


def with_datasets(dataset: Path, extra: list[Path] | None = None) -> list[Path]:
    """The datasets `dataset` is built with: those it builds on, and any given (`--with`)."""
    seen = {Path(dataset).resolve()}
    out = []
    for d in [*builds_on(dataset), *(extra or [])]:
        if Path(d).resolve() not in seen:
            seen.add(Path(d).resolve())
            out.append(Path(d))
    return out


def known_entities(datasets: list[Path]) -> dict[str, Entity]:
    """The entities of other datasets that this one is built with (claims may name them)."""
    out: dict[str, Entity] = {}
    for d in datasets:
        if not (Path(d) / "entities.yaml").exists():
            raise ChipwatchError(f"--with {d}: not a dataset folder (no entities.yaml); give a dataset this one is built with")
        out.update({e.id: e for e in load_dataset(d).entities})
    return out


def validate_together(dataset: Path, extra: list[Path] | None = None) -> tuple[Dataset, ValidationReport]:
    """Validate a dataset against the entities of the datasets it is built with, its quotes
    checked against the texts it holds and the shared ones."""
    ds = load_dataset(dataset)
    known = known_entities(with_datasets(dataset, extra))
    v = Validator(ds, shared=find_shared(ds.root), known=known).header()
    for _, batch in ds.iter_claims():
        v.claims(batch)
    return ds, v.finish()
