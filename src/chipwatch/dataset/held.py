"""Texts we hold (the seed article, list snapshots): where they are, and quote checks."""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from functools import cache
from pathlib import Path

SHARED_ENV = "CHIPWATCH_SHARED"


def squash(text: str) -> str:
    """NFKC and no white space: how quotes are compared (page breaks fall inside sentences)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def find_shared(start: Path | None = None) -> Path | None:
    """The shared folder holding `seeds/` and `data/`: $CHIPWATCH_SHARED, or a `shared/`
    folder beside the dataset's repository or the working directory."""
    if env := os.environ.get(SHARED_ENV):
        return Path(env)
    for base in [start, Path.cwd()]:
        if base is None:
            continue
        for p in [base.resolve(), *base.resolve().parents]:
            for candidate in (p / "shared", p.parent / "shared"):
                if (candidate / "seeds").is_dir():
                    return candidate
    return None


@cache
def _read(path: Path) -> tuple[str, str]:
    data = path.read_bytes()
    return hashlib.sha256(data).hexdigest(), squash(data.decode("utf-8", errors="replace"))


def held_text(shared: Path | None, relative: str) -> tuple[str, str] | None:
    """(sha256, squashed text) of a held file, or None when it is not here."""
    if shared is None:
        return None
    path = shared / relative
    try:
        if not path.is_file():
            return None
    except (OSError, ValueError):  # a name too long for the file system, or with a NUL byte
        return None
    return _read(path)
