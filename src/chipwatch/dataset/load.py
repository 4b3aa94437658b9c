"""Load a dataset folder into model records, remembering where each record was written.

A dataset folder holds `dataset.yaml`, `sources.yaml`, `entities.yaml` and
`claims/<chapter>.yaml`. Machine-generated datasets may use JSON lines instead
(`sources.jsonl`, `entities.jsonl`, `claims/<chapter>.jsonl`), one record per line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from chipwatch.dataset.yamlio import LineDict, line_of, read_yaml
from chipwatch.errors import ChipwatchError
from chipwatch.model.records import Claim, Entity, Source


@dataclass(frozen=True)
class Problem:
    """One problem in a dataset file, printed as `file:line: message`."""

    file: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"


@dataclass
class Dataset:
    root: Path
    meta: dict
    sources: list[Source] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    # (kind, id) -> (file, record node or line) for messages
    where: dict[tuple[str, str], tuple[Path, Any]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

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


_FRIENDLY = {
    "extra_forbidden": "unknown field",
    "missing": "missing required field",
}


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


def _records(path: Path) -> list[tuple[Any, Any]]:
    """(raw record, node-or-line) pairs from a YAML list file or a JSON lines file."""
    if path.suffix == ".jsonl":
        out = []
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError as exc:
            raise ChipwatchError(f"{path}: not UTF-8 text ({exc.reason}); save it as UTF-8") from None
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                out.append((json.loads(line), n))
            except json.JSONDecodeError as exc:
                raise ChipwatchError(f"{path}:{n}: not a JSON object: {exc.msg} at column {exc.colno}") from None
        return out
    doc = read_yaml(path)
    if doc is None:
        return []
    if not isinstance(doc, list):
        raise ChipwatchError(f"{path}:{line_of(doc)}: expected a list of records (lines starting with '- '), got a {type(doc).__name__}")
    return [(item, line_of(doc, (i,)) if not isinstance(item, LineDict) else item) for i, item in enumerate(doc)]


def _find(root: Path, stem: str) -> Path | None:
    for suffix in (".yaml", ".yml", ".jsonl"):
        if (p := root / f"{stem}{suffix}").exists():
            return p
    return None


def _parse(ds: Dataset, path: Path, kind: str, model: type[BaseModel], extra: dict | None = None) -> list:
    out = []
    for raw, node in _records(path):
        line = node if isinstance(node, int) else node.line
        if not isinstance(raw, dict):
            ds.problems.append(Problem(path, line, f"expected a {kind} record (a mapping), got {type(raw).__name__}"))
            continue
        rid = str(raw.get("id", f"<line {line}>"))
        ds.where.setdefault((kind, rid), (path, node))
        data = dict(raw)
        if extra:
            for key, value in extra.items():
                data[key] = [*data.get(key, []), *value] if isinstance(value, list) else value
        try:
            out.append(model.model_validate(data))
        except ValidationError as exc:
            for err in exc.errors():
                field_path = tuple(err["loc"])
                ln = line_of(node, field_path) if not isinstance(node, int) else node
                ds.problems.append(Problem(path, ln, f"{kind} {rid}: {_describe(err, model)}"))
    return out


def load_dataset(root: str | Path) -> Dataset:
    """Read a dataset folder. Structural problems are collected in `Dataset.problems`;
    a missing folder or file, or malformed YAML, raises ChipwatchError."""
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
        getattr(ds, attr).extend(_parse(ds, path, kind, model))
    claims_dir = root / "claims"
    if not claims_dir.is_dir():
        raise ChipwatchError(f"{root}: missing claims/ folder (claims/<chapter>.yaml)")
    files = sorted(p for p in claims_dir.iterdir() if p.suffix in (".yaml", ".yml", ".jsonl"))
    if not files:
        raise ChipwatchError(f"{claims_dir}: no claim files (claims/<chapter>.yaml)")
    for path in files:
        ds.claims.extend(_parse(ds, path, "claim", Claim, {"tags": [f"chapter:{path.stem}"]}))
    return ds
