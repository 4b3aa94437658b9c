"""The JSON export: `{"entities": [...], "claims": [...], "sources": [...]}` (DESIGN.md)."""

from __future__ import annotations

import json
from pathlib import Path

from chipwatch.model.dates import valid_during
from chipwatch.names.normalize import has_han, to_simplified
from chipwatch.store.read import Store


def document(store: Store, as_of: str | None = None) -> dict:
    """The export as a dict: records as validated, plus each claim's chapter (its file) and
    entities' derived zh-Hans names; only claims valid in `as_of` if given."""
    entities = store.records("entities")
    for e in entities:
        zh = e["names"].get("zh-Hant")
        if zh and "zh-Hans" not in e["names"] and has_han(zh) and to_simplified(zh) != zh:
            e["names"]["zh-Hans"] = to_simplified(zh)
    chapters = dict(store.con.execute("SELECT id, chapter FROM claims").fetchall())
    claims = [{**c, "chapter": chapters[c["id"]]} for c in store.records("claims")]
    if as_of:
        claims = [c for c in claims if valid_during(c.get("valid_from"), c.get("valid_to"), as_of)]
    return {"entities": entities, "claims": claims, "sources": store.records("sources")}


def write(store: Store, out: Path, as_of: str | None = None) -> dict:
    doc = document(store, as_of)
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, ensure_ascii=False, indent=1)
        fh.write("\n")
    return {k: len(v) for k, v in doc.items()}
