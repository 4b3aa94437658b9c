"""The published JSON Schema of the dataset files (`chipwatch schema`)."""

from __future__ import annotations

from pydantic import TypeAdapter

from chipwatch.errors import ChipwatchError
from chipwatch.model.records import Claim, Entity, Source

KINDS = {"sources": Source, "entities": Entity, "claims": Claim}


def json_schema(kind: str | None = None) -> dict:
    """JSON Schema for `sources.yaml`, `entities.yaml` and `claims/*.yaml` (each a list)."""
    if kind is not None and kind not in KINDS:
        raise ChipwatchError(f"--kind {kind}: unknown; use one of {', '.join(KINDS)}")
    if kind:
        schema = TypeAdapter(list[KINDS[kind]]).json_schema()
        schema["title"] = f"chipwatch {kind} file"
        return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "chipwatch dataset",
        "description": "A dataset folder: sources.yaml, entities.yaml, claims/<chapter>.yaml, each a list.",
        "type": "object",
        "properties": {k: TypeAdapter(list[m]).json_schema() for k, m in KINDS.items()},
    }
