"""Load a dataset folder into model records, remembering where each record was written.

A dataset folder holds `dataset.yaml`, `sources.yaml`, `entities.yaml` and
`claims/<chapter>.yaml`. Machine-generated datasets may use JSON lines instead
(`sources.jsonl`, `entities.jsonl`, `claims/<chapter>.jsonl`), one record per line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from chipwatch.dataset.yamlio import LineDict, line_of, read_yaml
from chipwatch.errors import ChipwatchError, excerpt, one_line
from chipwatch.model.records import Claim, Entity, Source


@dataclass(frozen=True)
class Problem:
    """One problem in a dataset file, printed as `file:line: message`."""

    file: Path
    line: int
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else str(self.file)
        return one_line(f"{where}: {self.message}")


@dataclass
class Dataset:
    root: Path
    meta: dict
    sources: list[Source] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    claim_files: list[Path] = field(default_factory=list)
    loaded: list[tuple[Path, list[Claim]]] | None = None  # claims by file, when read eagerly
    # (kind, id) -> (file, record node or line) for messages
    where: dict[tuple[str, str], tuple[Path, Any]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    failed: set[tuple[str, str]] = field(default_factory=set)  # (kind, id) of records that did not parse

    @property
    def claims(self) -> list[Claim]:
        """All claims (read eagerly by `load_dataset(..., claims=True)`)."""
        if self.loaded is None:
            raise ValueError("claims were not loaded; use iter_claims()")
        return [c for _, batch in self.loaded for c in batch]

    @property
    def name(self) -> str:
        return str(self.meta.get("id") or self.root.name)

    def locate(self, kind: str, record_id: str, path: tuple = ()) -> tuple[Path, int]:
        """File and line of a record (or of a field inside it, by key/index path)."""
        file, node = self.where.get((kind, record_id), (self.root, 0))
        if isinstance(node, int):
            return file, node
        return file, line_of(node, path)

    def problem(self, kind: str, record_id: str, message: str, path: tuple = ()) -> Problem:
        file, line = self.locate(kind, record_id, path)
        return Problem(file, line, message)

    def iter_claims(self, batch: int = 20_000) -> Iterator[tuple[Path, list[Claim]]]:
        """Claims file by file in batches, parsed on demand (for datasets too big to hold).
        Where each claim was written is known only while its batch is being handled."""
        if self.loaded is not None:
            yield from self.loaded
            return
        for path in self.claim_files:
            for chunk, keys in _parse(self, path, "claim", Claim, batch):
                yield path, chunk
                for key in keys:
                    self.where.pop(key, None)


_JSON_ID = re.compile(r'"id"\s*:\s*"([^"]*)"')


def _describe(err: dict, model: type[BaseModel]) -> str:
    loc = ".".join(str(p) for p in err["loc"] if not isinstance(p, str) or not p.startswith(("function-", "constrained-")))
    kind = err["type"]
    if kind == "extra_forbidden":
        allowed = ", ".join(model.model_fields) if len(err["loc"]) == 1 else "see the format"
        return f"unknown field '{loc}'; allowed fields: {allowed}"
    if kind == "missing":
        return f"missing required field '{loc}'"
    msg = err["msg"].removeprefix("Value error, ")
    got = err.get("input")
    shown = f" (got {got!r})" if isinstance(got, (str, int, float)) and len(repr(got)) < 60 else ""
    return f"field '{loc}': {msg}{shown}"


def _records(path: Path) -> Iterator[tuple[Any, Any]]:
    """(raw record, node) pairs from a YAML list file, or (JSON text, line number) pairs
    from a JSON lines file, read line by line."""
    if path.suffix == ".jsonl":
        with open(path, encoding="utf-8") as fh:
            try:
                for n, line in enumerate(fh, 1):
                    if line.strip():
                        yield line, n
            except UnicodeDecodeError as exc:
                raise ChipwatchError(f"{path}: not UTF-8 text ({exc.reason}); save it as UTF-8") from None
        return
    doc = read_yaml(path)
    if doc is None:
        return
    if not isinstance(doc, list):
        raise ChipwatchError(f"{path}:{line_of(doc)}: expected a list of records (lines starting with '- '), got a {type(doc).__name__}")
    for i, item in enumerate(doc):
        yield item, (item if isinstance(item, LineDict) else line_of(doc, (i,)))


def _find(root: Path, stem: str) -> Path | None:
    for suffix in (".yaml", ".yml", ".jsonl"):
        if (p := root / f"{stem}{suffix}").exists():
            return p
    return None


def _validated(ds: Dataset, model: type[BaseModel], kind: str, path: Path, raw: Any, node: Any):
    """One record parsed into `model`, or None with its problems added to the dataset."""
    line = node if isinstance(node, int) else node.line
    if isinstance(raw, (str, bytes)):  # a JSON line: let pydantic parse it
        try:
            return model.model_validate_json(raw)
        except ValidationError as exc:
            errors = exc.errors()
            if any(e["type"] == "json_invalid" for e in errors):
                ds.problems.append(Problem(path, line, f"not a JSON object: {errors[0]['msg']}"))
                return None
            raw = json.loads(raw)
    if not isinstance(raw, dict):
        ds.problems.append(Problem(path, line, f"expected a {kind} record (a mapping), got {type(raw).__name__}"))
        return None
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        rid = excerpt(raw.get("id", f"<line {line}>"), 60)
        for err in exc.errors():
            ln = line_of(node, tuple(err["loc"])) if not isinstance(node, int) else node
            ds.problems.append(Problem(path, ln, f"{kind} {rid}: {_describe(err, model)}"))
        return None


def _record_id(raw: Any, line: int) -> str:
    if isinstance(raw, dict):
        return str(raw.get("id", f"<line {line}>"))
    if isinstance(raw, str) and (m := _JSON_ID.search(raw)):
        return m[1]
    return f"<line {line}>"


def _parse(ds: Dataset, path: Path, kind: str, model: type[BaseModel], batch: int = 0):
    """Yield (records, where-keys) in batches of `batch` (0 = one batch for the file)."""
    out, keys = [], []
    for raw, node in _records(path):
        line = node if isinstance(node, int) else node.line
        key = (kind, _record_id(raw, line))
        ds.where.setdefault(key, (path, node))
        keys.append(key)
        record = _validated(ds, model, kind, path, raw, node)
        if record is not None:
            out.append(record)
        elif batch == 0:  # header records (sources, entities): remember them so references to
            ds.failed.add(key)  # them are not reported a second time
        if batch and len(keys) >= batch:
            yield out, keys
            out, keys = [], []
    if out or keys:
        yield out, keys


def load_dataset(root: str | Path, claims: bool = True) -> Dataset:
    """Read a dataset folder. Problems in records are collected in `Dataset.problems`;
    a missing folder or file, or malformed YAML, raises ChipwatchError. With
    `claims=False` the claims are left to `Dataset.iter_claims()` (for big datasets)."""
    root = Path(root)
    if not root.exists():
        raise ChipwatchError(f"{root}: no such dataset folder")
    if not root.is_dir():
        raise ChipwatchError(f"{root}: is a file; give the dataset folder (with sources.yaml, entities.yaml, claims/)")
    meta_path = _find(root, "dataset")
    meta = read_yaml(meta_path) if meta_path else {}
    if meta_path and not isinstance(meta, dict):
        raise ChipwatchError(f"{meta_path}:1: expected a mapping (id, title, description)")
    ds = Dataset(root=root, meta=dict(meta or {}))
    for stem, kind, model, attr in (("sources", "source", Source, "sources"), ("entities", "entity", Entity, "entities")):
        path = _find(root, stem)
        if path is None:
            raise ChipwatchError(f"{root}: missing {stem}.yaml (or {stem}.jsonl)")
        for records, _ in _parse(ds, path, kind, model):
            getattr(ds, attr).extend(records)
    claims_dir = root / "claims"
    if not claims_dir.is_dir():
        raise ChipwatchError(f"{root}: missing claims/ folder (claims/<chapter>.yaml)")
    ds.claim_files = sorted(p for p in claims_dir.iterdir() if p.suffix in (".yaml", ".yml", ".jsonl"))
    if not ds.claim_files:
        raise ChipwatchError(f"{claims_dir}: no claim files (claims/<chapter>.yaml)")
    if claims:
        ds.loaded = [(path, [c for records, _ in _parse(ds, path, "claim", Claim) for c in records])
                     for path in ds.claim_files]
    return ds
