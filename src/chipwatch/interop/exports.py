"""One entry point for every export format; each writes atomically (temp file, rename)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

from chipwatch.errors import ChipwatchError
from chipwatch.interop import ftm, graph_formats, json_export, neo4j
from chipwatch.store.read import Store

FORMATS: dict[str, Callable[[Store, Path, str | None], dict]] = {
    "json": json_export.write,
    "ftm": ftm.write,
    "graphml": graph_formats.write_graphml,
    "gexf": graph_formats.write_gexf,
    "neo4j-csv": neo4j.write,
}


def export(store: Store, fmt: str, out: str | Path, as_of: str | None = None, lists: list[str] | None = None) -> dict:
    """Write `store` as `fmt` to `out` (a directory for neo4j-csv). Returns counts, and for
    ftm what was left out (`left out`: reason -> count). `lists`: list versions to add (ftm)."""
    if fmt not in FORMATS:
        raise ChipwatchError(f"--format {fmt}: unknown; use one of {', '.join(FORMATS)}")
    if lists and fmt != "ftm":
        raise ChipwatchError(f"--lists: only --format ftm exports list entries, not {fmt}")
    out = Path(out)
    if fmt != "neo4j-csv" and out.is_dir():
        raise ChipwatchError(f"{out}: is a directory; give a file name, e.g. {out / ('chipwatch.' + fmt)}")
    if not out.parent.exists():
        raise ChipwatchError(f"{out}: folder {out.parent} does not exist")
    tmp = out.with_name(f".{out.name}.writing-{os.getpid()}")
    try:
        counts = FORMATS[fmt](store, tmp, as_of, **({"lists": lists} if lists else {}))
        if out.is_dir():
            shutil.rmtree(out)
        os.replace(tmp, out)
    finally:
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            tmp.unlink(missing_ok=True)
    return counts
