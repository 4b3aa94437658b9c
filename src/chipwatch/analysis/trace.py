"""Dependency tracing: for a product, the chain design -> fabrication (node) -> equipment
and materials -> channels and countries, each step with its claims and their status."""

from __future__ import annotations

import json

from chipwatch.analysis.supply import supplies
from chipwatch.frames import rows
from chipwatch.store.read import Store, parse_as_of

# Steps of the chain, in order; each lists the claims that feed it.
UPSTREAM = ("supplies", "depends_on", "lacks", "lost_access_to", "has_capability")


def _step(c: dict, labels: dict, other: str | None = None) -> dict:
    q = json.loads(c["qualifiers"]) if c.get("qualifiers") else {}
    other = other or c.get("object")
    return {"claim": c["id"], "predicate": c["predicate"], "status": c["status"],
            "subject": c["subject"], "subject_label": labels.get(c["subject"], c["subject"]),
            "object": other, "object_label": labels.get(other, other) if other else None,
            "value": json.loads(c["value_json"]) if c.get("value_json") else None, "unit": c.get("unit"),
            "qualifiers": q, "valid_from": c.get("valid_from"), "valid_to": c.get("valid_to")}


def trace(store: Store, product: str, as_of: str | None = None) -> dict:
    """The supply chain of `product` (an entity id) valid at `as_of`."""
    period = parse_as_of(as_of)
    labels = store.labels()
    types = dict(store.con.execute("SELECT id, type FROM entities").fetchall())
    countries = dict(store.con.execute("SELECT id, country FROM entities WHERE country IS NOT NULL").fetchall())

    def claims(**kw) -> list[dict]:
        return rows(store.claims(as_of=period, **kw))

    design = [_step(c, labels) for c in claims(object=product, predicate="designs")]
    architecture = [_step(c, labels) for c in claims(subject=product, predicate="architecture")]
    fabs = [_step(c, labels) for c in claims(object=product, predicate="fabricates")]
    designers = {s["subject"] for s in design}
    fab_ids = {s["subject"] for s in fabs}
    # What the designers and fabs need, and from whom.
    needs = []
    for actor in sorted(designers | fab_ids):
        for pred in UPSTREAM:
            if pred != "supplies":  # what the actor needs, lacks or lost (supplies: only into it)
                for c in claims(subject=actor, predicate=pred):
                    needs.append({**_step(c, labels), "for": actor})
            else:
                for c in claims(object=actor, predicate=pred):
                    item = json.loads(c["qualifiers"]).get("item") if c.get("qualifiers") else None
                    needs.append({**_step(c, labels), "for": actor, "item": item,
                                  "item_label": labels.get(item, item) if item else None})
    # Materials and equipment at country level (the fabs' country), e.g. polysilicon, gases.
    home = {countries.get(f) for f in fab_ids} - {None}
    materials = [s for s in supplies(store, str(period) if period else None)
                 if s.predicate == "produces" and countries.get(s.provider) in home
                 and types.get(s.item) in ("material", "equipment")]
    material_steps = [{"claim": s.claim, "predicate": s.predicate, "status": s.status, "subject": s.provider,
                       "subject_label": labels.get(s.provider, s.provider), "object": s.item,
                       "object_label": labels.get(s.item, s.item)} for s in materials]
    # Channels: how the items needed reach the fabs (transits_via), and the countries involved.
    items = {n.get("item") or n.get("object") for n in needs} | {s["object"] for s in material_steps}
    home_entities = {i for i, t in types.items() if t == "country" and countries.get(i) in home}
    channels = []
    for c in claims(predicate="transits_via"):
        q = json.loads(c["qualifiers"]) if c.get("qualifiers") else {}
        if q.get("item") in items or c["subject"] in items or q.get("to") in fab_ids | home_entities:
            channels.append(_step(c, labels))
    involved = ({countries.get(s["subject"]) for s in design + fabs + needs + material_steps}
                | {countries.get(s["object"]) for s in needs + channels if s.get("object")}) - {None}
    return {
        "product": product, "label": labels.get(product, product), "as_of": str(period) if period else None,
        "design": design, "architecture": architecture, "fabrication": fabs,
        "equipment_and_materials": needs, "domestic_materials": material_steps,
        "channels": channels, "countries": sorted(involved),
    }
