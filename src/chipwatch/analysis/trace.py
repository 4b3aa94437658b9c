"""Dependency tracing: for a product, the chain design -> fabrication (node) -> equipment
and materials -> channels and countries, each step with its claims and their status.
Materials are those the graph links to semiconductor use; ETO inputs come joined by stage
and input type, summed, not one provider per line. Each step and group says itself in a
sentence (`msg`, in the language asked for, with its label key as `code`)."""

from __future__ import annotations

import json

from chipwatch.analysis.period import default_as_of
from chipwatch.analysis.supply import demand_claims, supplies
from chipwatch.analysis.wording import claim_sentence, country, entity_names
from chipwatch.frames import rows
from chipwatch.i18n.message import Msg, Name, Term
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


def trace(store: Store, product: str, as_of: str | None = None, detail: bool = False, lang: str | None = None) -> dict:
    """The supply chain of `product` (an entity id) valid at `as_of` (default: the latest year
    the data covers): only inputs that reach it through its fab, designer, their equipment and
    the materials the graph links to semiconductor use; ETO inputs joined by stage and type
    (one line per provider with `detail`); each step's and group's sentence in `lang` (English
    by default)."""
    as_of = default_as_of(store, as_of)
    period = parse_as_of(as_of)
    demand = demand_claims(store)
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
    # Materials and equipment at country level (the fabs' country) that the graph links to
    # semiconductor use (a used_for claim saying so); ETO inputs grouped by stage and type.
    home = {countries.get(f) for f in fab_ids} - {None}
    used = semiconductor_use(store)
    eto_items = eto_stages(store)
    makers = fab_ids | designers
    found = [s for s in supplies(store, str(period) if period else None)
             if s.predicate == "produces" and types.get(s.item) in ("material", "equipment")
             and (countries.get(s.provider) in home or s.provider in makers)]
    materials = [s for s in found if s.item in used and s.item not in eto_items]
    material_steps = [{"claim": s.claim, "predicate": s.predicate, "status": s.status, "subject": s.provider,
                       "subject_label": labels.get(s.provider, s.provider), "object": s.item,
                       "object_label": labels.get(s.item, s.item), "used_for": used[s.item]} for s in materials]
    eto = _eto_groups(store, period, eto_items, home, makers, labels, types, countries, detail)
    # Channels: how the items needed reach the fabs (transits_via), and the countries involved.
    items = {n.get("item") or n.get("object") for n in needs} | {s["object"] for s in material_steps}
    home_entities = {i for i, t in types.items() if t == "country" and countries.get(i) in home}
    channels = []
    for c in claims(predicate="transits_via"):
        q = json.loads(c["qualifiers"]) if c.get("qualifiers") else {}
        if q.get("item") in items or c["subject"] in items or q.get("to") in fab_ids | home_entities:
            channels.append(_step(c, labels))
    needs = [n for n in needs if n["claim"] not in demand]  # a customer is demand, not an input
    involved = ({countries.get(s["subject"]) for s in design + fabs + needs + material_steps}
                | {countries.get(s["object"]) for s in needs + channels if s.get("object")}) - {None}
    names = entity_names(store)
    for step in design + architecture + fabs + needs + material_steps + channels:
        _say(step, claim_sentence(names, step), lang)
    for g in eto:
        _say(g, Msg("analysis.trace.eto_group", stage=names.get(g["stage"], g["stage"]), type=Term("type", g["input_type"]),
                    inputs=g["inputs"], providers=g["providers"], claims=len(g["claims"])), lang)
    lang = lang or "en"
    return {
        "product": product, "label": labels.get(product, product), "as_of": str(period) if period else None,
        "name": names.get(product, Name(product, product)).text(lang),
        "country_names": [country(c).text(lang) for c in sorted(involved)],
        "design": design, "architecture": architecture, "fabrication": fabs,
        "equipment_and_materials": needs, "domestic_materials": material_steps, "eto_inputs": eto,
        "channels": channels, "countries": sorted(involved),
    }


def _say(d: dict, msg: Msg, lang: str | None) -> None:
    d["msg"], d["code"] = msg.text(lang or "en"), msg.code


def semiconductor_use(store: Store) -> dict[str, list[str]]:
    """Items the graph links to semiconductor use (a used_for claim whose value says so) ->
    the claims that say it."""
    out: dict[str, list[str]] = {}
    for c in rows(store.claims(predicate="used_for")):
        value = json.loads(c["value_json"]) if c.get("value_json") else ""
        if isinstance(value, str) and ("semiconductor" in value.lower() or "半導體" in value):
            out.setdefault(c["subject"], []).append(c["id"])
    return out


def eto_stages(store: Store) -> dict[str, str]:
    """ETO inputs -> their stage (the stage entity their input_to / kind_of chain reaches)."""
    up: dict[str, list[str]] = {}
    for c in [c for p in ("input_to", "kind_of") for c in rows(store.claims(predicate=p))]:
        if c["dataset"] == "eto" and c["object"]:
            up.setdefault(c["subject"], []).append(c["object"])
    stages = {t for targets in up.values() for t in targets if t.startswith("eto-stage-")}
    out: dict[str, str] = {}
    for item in up:
        seen, todo = set(), [item]
        while todo:
            n = todo.pop(0)
            if n in stages:
                out[item] = n
                break
            if n not in seen:
                seen.add(n)
                todo += up.get(n, [])
    return out


def _eto_groups(store: Store, period, stage_of: dict, home: set, makers: set, labels: dict, types: dict,
                countries: dict, detail: bool) -> list[dict]:
    """ETO inputs the fabs' country (or the fab itself) provides, one row per stage and input
    type: how many inputs and providers, the shares summed by country, the claims behind."""
    groups: dict[tuple, dict] = {}
    for c in [c for p in ("produces", "market_share", "has_capability") for c in rows(store.claims(predicate=p, as_of=period))]:
        item = c["object"]
        if item not in stage_of or not (countries.get(c["subject"]) in home or c["subject"] in makers
                                        or (types.get(c["subject"]) == "country" and countries.get(c["subject"]) in home)):
            continue
        key = (stage_of[item], types.get(item, "?"))
        g = groups.setdefault(key, {"stage": key[0], "stage_label": labels.get(key[0], key[0]), "input_type": key[1],
                                    "inputs": set(), "providers": set(), "share_pct_by_input": {}, "claims": [],
                                    "lines": []})
        g["inputs"].add(item)
        g["providers"].add(c["subject"])
        g["claims"].append(c["id"])
        if c["predicate"] == "market_share" and c["value_num"] == c["value_num"] and c["value_num"] is not None:
            if types.get(c["subject"]) == "country":  # a country's share, not its companies' again
                share = g["share_pct_by_input"]
                share[labels.get(item, item)] = share.get(labels.get(item, item), 0.0) + float(c["value_num"])
        if detail:
            g["lines"].append({"claim": c["id"], "predicate": c["predicate"], "subject": c["subject"],
                               "subject_label": labels.get(c["subject"], c["subject"]), "object": item,
                               "object_label": labels.get(item, item), "value": c["value_num"]})
    out = []
    for g in sorted(groups.values(), key=lambda g: (g["stage"], g["input_type"])):
        g["input_labels"] = sorted(labels.get(i, i) for i in g["inputs"])
        g["inputs"], g["providers"] = len(g["inputs"]), len(g["providers"])
        g["claims"] = sorted(g["claims"])
        if not detail:
            del g["lines"]
        out.append(g)
    return out
