"""The review queue: candidates kept apart from accepted claims, in a folder beside the
target dataset (`<dataset>.review/<source-id>/`): `source.yaml` (the source's record),
`text.txt` (the text as ingested, which quotes are checked against) and `candidates.yaml`."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from pathlib import Path

from chipwatch.dataset.yamlio import read_yaml
from chipwatch.errors import ChipwatchError
from chipwatch.ingest.pipeline import Candidate
from chipwatch.review.files import dump, write_all

STATES = ("pending", "accepted", "rejected")
_FIELDS = {f.name for f in fields(Candidate)}


def queue_dir(dataset: Path) -> Path:
    """Where a dataset's review queue lives: a sibling folder `<name>.review`."""
    dataset = Path(dataset).resolve()
    return dataset.parent / f"{dataset.name}.review"


@dataclass
class Item:
    """One ingested source in the queue."""

    folder: Path
    source: dict
    candidates: list[Candidate]

    @property
    def text_path(self) -> Path:
        return self.folder / "text.txt"

    def save(self, extra: dict[Path, str] | None = None) -> None:
        """Write the candidates (and any other files given) all at once."""
        write_all({self.folder / "candidates.yaml": dump([c.to_dict() for c in self.candidates]), **(extra or {})})


def add_source(dataset: Path, source: dict, text: str, candidates: list[Candidate]) -> Item:
    """Put a newly ingested source into the queue (refused if its id is queued already)."""
    sid = source["id"]
    if not re.fullmatch(r"[a-z0-9][a-z0-9._-]*", sid):
        raise ChipwatchError(f"--source-id {sid!r}: not a slug; use lowercase letters, digits, '.', '_' or '-'")
    folder = queue_dir(dataset) / sid
    if (folder / "candidates.yaml").exists():
        raise ChipwatchError(f"source '{sid}' is already in the review queue ({folder}); choose another --source-id")
    item = Item(folder, source, candidates)
    item.save({folder / "source.yaml": dump([source]), folder / "text.txt": text})
    return item


def plain(value):
    """YAML as read (line-aware dicts and lists) as plain dicts and lists."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def _candidate(raw: object, where: Path) -> Candidate:
    if not isinstance(raw, dict):
        raise ChipwatchError(f"{where}: a candidate is a mapping of fields, got {type(raw).__name__}; re-run chipwatch ingest")
    line = f"{where}:{getattr(raw, 'line', 0)}"
    if unknown := set(raw) - _FIELDS:
        raise ChipwatchError(f"{line}: unknown candidate field(s) {', '.join(sorted(map(str, unknown)))}; "
                             f"fields: {', '.join(sorted(_FIELDS))}")
    try:
        return Candidate(**plain(raw))
    except TypeError:
        missing = sorted({"id", "source", "locator", "quote", "pattern", "subject", "predicate"} - set(raw))
        raise ChipwatchError(f"{line}: candidate lacks {', '.join(missing)}; re-run chipwatch ingest") from None


def load_item(folder: Path) -> Item:
    path = folder / "candidates.yaml"
    source = read_yaml(folder / "source.yaml")
    raw = read_yaml(path) or []
    if not isinstance(source, list) or not source or not isinstance(source[0], dict) or not isinstance(raw, list):
        raise ChipwatchError(f"{folder}: source.yaml or candidates.yaml is not a list of records; re-run chipwatch ingest")
    return Item(folder, plain(source[0]), [_candidate(r, path) for r in raw])


def items(dataset: Path) -> list[Item]:
    """Every queued source of a dataset, by source id."""
    root = queue_dir(dataset)
    if not root.is_dir():
        return []
    return [load_item(p) for p in sorted(root.iterdir()) if (p / "candidates.yaml").is_file()]


def find(dataset: Path, candidate_id: str) -> tuple[Item, Candidate]:
    """The queued item and candidate with this id."""
    known = []
    for item in items(dataset):
        for c in item.candidates:
            if c.id == candidate_id:
                return item, c
            known.append(c.id)
    hint = f"; e.g. {', '.join(known[:3])}" if known else f"; the queue {queue_dir(dataset)} is empty (run chipwatch ingest)"
    raise ChipwatchError(f"no candidate '{candidate_id}' in the review queue of {dataset}{hint}")
