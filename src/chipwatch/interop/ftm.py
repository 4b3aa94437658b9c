"""FollowTheMoney export (JSON lines) that `ftm validate` accepts.

Legal entities become Company / PublicBody / Organization, programs Project, products,
materials, equipment, technologies and facilities Asset, places Address. `owned_by` becomes
Ownership, `sanctioned_by` Sanction, every other relation UnknownLink with `role` = the
predicate. Countries are FtM property values, not entities: a relation whose other end is a
country (or group of countries) is kept as a `country` property where FtM has one, and
counted as skipped otherwise.
"""

from __future__ import annotations

import json
from pathlib import Path

from chipwatch.model.dates import valid_during
from chipwatch.model.vocabulary import vocabulary
from chipwatch.store.read import Store

PREFIX = "cw-"
_FALLBACK = {"product": "Asset", "material": "Asset", "equipment": "Asset", "technology": "Asset",
             "facility": "Asset", "program": "Project", "financial_system": "Organization", "place": "Address"}
_ID_PROPS = {"inn": "innCode", "ogrn": "ogrnCode", "lei": "leiCode", "ofac_ent_num": "registrationNumber"}
_ORGS = {"Company", "PublicBody", "Organization"}


def _schema(type_: str) -> str | None:
    return vocabulary().entity_types.get(type_, {}).get("ftm") or _FALLBACK.get(type_)


def _entity(rec: dict, schema: str) -> dict:
    names = rec["names"]
    primary = names.get("en") or next(iter(names.values()))
    others = [n for n in [*names.values(), *rec.get("legal_names", {}).values(), *rec.get("aliases", [])] if n != primary]
    props: dict[str, list] = {"name": [primary]}
    if others:
        props["alias"] = list(dict.fromkeys(others))
    if rec.get("country"):
        props["country"] = [rec["country"].lower()]
    if schema == "Asset":
        props["summary"] = [f"{rec['type']}: {primary}"]
    if schema in _ORGS:
        for ident in rec.get("identifiers", []):
            if prop := _ID_PROPS.get(ident["scheme"]):
                props.setdefault(prop, []).append(ident["value"])
    if rec.get("note"):
        props["notes"] = [rec["note"]]
    if schema == "Address":
        props = {"full": [primary], **{k: v for k, v in props.items() if k in ("country", "notes")}}
    return {"id": PREFIX + rec["id"], "schema": schema, "properties": props}


def _dates(c: dict) -> dict:
    out = {}
    if c.get("valid_from"):
        out["startDate"] = [c["valid_from"]]
    if c.get("valid_to"):
        out["endDate"] = [c["valid_to"]]
    return out


def _provenance(c: dict, sources: dict) -> dict:
    ev = c["evidence"][0]
    props = {"summary": [ev["quote"]], "recordId": [c["id"]],
             "description": [f"status: {c['status']}; source: {ev['source']} ({ev['locator']})"]}
    if url := sources.get(ev["source"], {}).get("url"):
        props["sourceUrl"] = [url]
    return props


def write(store: Store, out: Path, as_of: str | None = None) -> dict:
    records = {r["id"]: r for r in store.records("entities")}
    sources = {s["id"]: s for s in store.records("sources")}
    emitted: dict[str, dict] = {}
    for rec in records.values():
        if schema := _schema(rec["type"]):
            emitted[rec["id"]] = _entity(rec, schema)
    links, skipped = [], 0
    for c in store.records("claims"):
        if as_of and not valid_during(c.get("valid_from"), c.get("valid_to"), as_of):
            continue
        subj, obj = emitted.get(c["subject"]), emitted.get(c.get("object") or "")
        if not c.get("object") or subj is None:
            continue
        base = {**_dates(c), **_provenance(c, sources)}
        pred = c["predicate"]
        if pred == "sanctioned_by":
            authority = records[c["object"]]["names"].get("en", c["object"])
            props = {"entity": [subj["id"]], "authority": [authority], **base}
            if prog := c["qualifiers"].get("program"):
                props["program"] = [prog]
            if records[c["object"]].get("country"):
                props["country"] = [records[c["object"]]["country"].lower()]
            links.append({"id": f"{PREFIX}claim-{c['id']}", "schema": "Sanction", "properties": props})
        elif obj is None:
            skipped += 1  # the other end is a country or group: FtM has no entity for it
        elif pred == "owned_by" and subj["schema"] in (_ORGS | {"Asset"}) and obj["schema"] in _ORGS:
            props = {"owner": [obj["id"]], "asset": [subj["id"]], **base}
            if (share := c["qualifiers"].get("share_pct")) is not None:
                props["percentage"] = [str(share)]
            links.append({"id": f"{PREFIX}claim-{c['id']}", "schema": "Ownership", "properties": props})
        else:
            links.append({"id": f"{PREFIX}claim-{c['id']}", "schema": "UnknownLink",
                          "properties": {"subject": [subj["id"]], "object": [obj["id"]], "role": [pred], **base}})
    with open(out, "w", encoding="utf-8") as fh:
        for item in [*emitted.values(), *links]:
            fh.write(json.dumps(item, ensure_ascii=False) + "\n")
    return {"entities": len(emitted), "links": len(links), "skipped_relations": skipped}
