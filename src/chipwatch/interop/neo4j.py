"""Neo4j bulk-import CSV (`neo4j-admin database import`): a folder with entities.csv,
values.csv (value claims as nodes), relationships.csv."""

from __future__ import annotations

import csv
from pathlib import Path

from chipwatch.frames import text
from chipwatch.store.read import Store


def _label(type_: str) -> str:
    return "".join(part.capitalize() for part in type_.split("_"))


def write(store: Store, out: Path, as_of: str | None = None) -> dict:
    out.mkdir(parents=True)
    ents = store.entities()
    claims = store.claims(as_of=as_of)
    with open(out / "entities.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id:ID", ":LABEL", "label_en", "label_zh", "country"])
        for e in ents.itertuples():
            w.writerow([e.id, f"Entity;{_label(e.type)}", e.label_en, e.label_zh, text(e.country)])
    has_object = claims.object.map(lambda v: bool(text(v)))
    rel, val = claims[has_object], claims[~has_object]
    common = ["status", "valid_from", "valid_to", "qualifiers"]
    with open(out / "values.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id:ID", ":LABEL", "predicate", "value", "unit", *common])
        for c in val.itertuples():
            w.writerow([f"claim:{c.id}", "Value", c.predicate, text(c.value_json), text(c.unit),
                        *[text(getattr(c, k)) for k in common]])
    with open(out / "relationships.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow([":START_ID", ":END_ID", ":TYPE", "claim", *common])
        for c in rel.itertuples():
            w.writerow([c.subject, c.object, c.predicate.upper(), c.id, *[text(getattr(c, k)) for k in common]])
        for c in val.itertuples():
            w.writerow([c.subject, f"claim:{c.id}", c.predicate.upper(), c.id, *[text(getattr(c, k)) for k in common]])
    return {"entities": len(ents), "values": len(val), "relationships": len(rel) + len(val)}
