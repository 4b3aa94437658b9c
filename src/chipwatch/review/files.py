"""Writes that change several files at once: every new text is written beside its target
first, and only when all are written are they moved into place; if a move fails, the files
already moved get their old text back (a failure half-way leaves the files as they were)."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import yaml

from chipwatch.dataset.held import find_shared


def held_file(dataset: Path, held: str) -> Path | None:
    """The file a source's `held` path names: in the dataset folder (texts/…), or else in the
    shared folder (seeds/…, data/…); None when neither holds it."""
    for base in (Path(dataset), find_shared(Path(dataset))):
        if base is not None and (path := base / held).is_file():
            return path
    return None


def dump(records: list[dict]) -> str:
    """Records as a YAML list a person can read and diff (key order kept, Unicode as is)."""
    return yaml.safe_dump(records, allow_unicode=True, sort_keys=False, width=110, default_flow_style=False)


def appended(path: Path, records: list[dict]) -> str:
    """The text of a YAML list file with `records` added at its end (comments kept)."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if records and re.fullmatch(r"(?:\s*#[^\n]*\n)*\s*\[\]\s*", old):  # an empty list, perhaps under comments
        old = old[:old.rindex("[]")]
    sep = "" if not old or old.endswith("\n") else "\n"
    return old + sep + dump(records) if records else old


def write_all(texts: dict[Path, str]) -> None:
    """Replace every file in `texts` with its new text, all or none."""
    temps: list[tuple[Path, Path]] = []
    try:
        for path, text in texts.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
            temps.append((Path(tmp), path))
    except BaseException:
        for tmp, _ in temps:
            tmp.unlink(missing_ok=True)
        raise
    old = {path: path.read_bytes() if path.exists() else None for _, path in temps}
    done: list[Path] = []
    try:
        for tmp, path in temps:
            os.replace(tmp, path)
            done.append(path)
    except BaseException:
        for tmp, _ in temps:
            tmp.unlink(missing_ok=True)
        for path in done:
            if old[path] is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(old[path])
        raise
