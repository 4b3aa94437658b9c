"""FollowTheMoney export (JSON lines), mapped the way OpenSanctions maps its data.

Legal entities become Company / PublicBody / Organization, programs Project, products,
materials, equipment, technologies and facilities Asset, places Address. Claims become:

- `sanctioned_by` -> Sanction, one per program (authority, authorityId = the list's own id
  of the party such as OFAC's ent_num, program, programId, provisions, listingDate when the
  claim is dated by a list, startDate/endDate); a party sanctioned in fact gets topic `sanction`
- `owned_by` -> Ownership (percentage, role, startDate/endDate); owned by a state -> `gov.soe`
- `successor_of` between legal entities -> Succession; every other relation -> UnknownLink
  (role = the predicate); `located_in` a country or place -> `country` / `addressEntity`
- value claims `founded` -> incorporationDate, `status` -> status (and dissolutionDate when
  dissolved or liquidated)

Every link carries the claim's status (fact, planned, speculated, disputed) in `status`, its
quotes in `summary`, sources in `sourceUrl`/`publisher`. Countries are property values in
FtM, not entities: what cannot be mapped is left out and counted by reason (`left out`).
Imported sanctions lists are added with `lists` (chipwatch.interop.ftm_lists).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

from chipwatch.model.dates import valid_during
from chipwatch.model.vocabulary import vocabulary
from chipwatch.store.read import Store

PREFIX = "cw-"
_FALLBACK = {"product": "Asset", "material": "Asset", "equipment": "Asset", "technology": "Asset",
             "facility": "Asset", "program": "Project", "financial_system": "Organization", "place": "Address"}
_ID_PROPS = {"inn": "innCode", "ogrn": "ogrnCode", "lei": "leiCode"}
LIST_IDS = {"ofac_ent_num"}  # a list's own number for a party: the Sanction's authorityId, not a registration
# OpenSanctions' program ids, as their data gives them (zala.ftm.json: OFAC RUSSIA-EO14024 is US-RUSHAR).
PROGRAM_IDS = {"RUSSIA-EO14024": "US-RUSHAR"}
_LEGAL = {"Company", "PublicBody", "Organization"}
_ASSETS = {"Company", "Asset"}  # FtM's Ownership.asset range: Asset and what extends it
_PROPS = {  # the FtM properties this module writes on entities, by schema
    "Company": {"name", "alias", "country", "notes", "topics", "innCode", "ogrnCode", "leiCode", "incorporationDate",
                "dissolutionDate", "status", "addressEntity"},
    "Asset": {"name", "alias", "country", "notes", "topics", "summary", "addressEntity"},
    "Project": {"name", "alias", "country", "notes", "topics", "status", "addressEntity"},
    "Address": {"full", "country", "notes"},
}
for _s in ("PublicBody", "Organization"):
    _PROPS[_s] = _PROPS["Company"]
DISSOLVED = {"dissolved", "liquidated", "wound up"}


class LeftOut:
    """What the export left out, counted by reason (and by detail within a reason)."""

    def __init__(self) -> None:
        self.counts: dict[str, Counter] = defaultdict(Counter)

    def add(self, reason: str, detail: str = "", n: int = 1) -> None:
        self.counts[reason][detail] += n

    def summary(self) -> dict[str, int]:
        """`{reason (detail n, ...): n}`, largest first."""
        out = {}
        for reason, details in sorted(self.counts.items(), key=lambda kv: -sum(kv[1].values())):
            named = [f"{d} {n}" for d, n in details.most_common() if d]
            out[reason + (f" ({', '.join(named)})" if named else "")] = sum(details.values())
        return out


def _schema(type_: str) -> str | None:
    return vocabulary().entity_types.get(type_, {}).get("ftm") or _FALLBACK.get(type_)


def _add(item: dict, prop: str, values: list) -> None:
    have = item["properties"].setdefault(prop, [])
    have.extend(str(v) for v in values if v not in (None, "") and str(v) not in have)
    if not have:
        del item["properties"][prop]


def _entity(rec: dict, schema: str, dataset: str, left: LeftOut) -> dict:
    names = rec["names"]
    primary = names.get("en") or next(iter(names.values()))
    others = [n for n in [*names.values(), *rec.get("legal_names", {}).values(), *rec.get("aliases", [])] if n != primary]
    item = {"id": PREFIX + rec["id"], "schema": schema, "properties": {}, "datasets": [dataset]}
    if schema == "Address":
        _add(item, "full", [primary])
    else:
        _add(item, "name", [primary])
        _add(item, "alias", list(dict.fromkeys(others)))
    if rec.get("country"):
        _add(item, "country", [rec["country"].lower()])
    if schema == "Asset":
        _add(item, "summary", [f"{rec['type']}: {primary}"])
    for ident in rec.get("identifiers", []):
        prop = _ID_PROPS.get(ident["scheme"])
        if prop and prop in _PROPS[schema]:
            _add(item, prop, [ident["value"]])
        elif ident["scheme"] not in LIST_IDS:
            left.add("identifiers with no FtM property on their entity's schema", f"{ident['scheme']} on {schema}")
    if rec.get("note"):
        _add(item, "notes", [rec["note"]])
    return item


def _provenance(c: dict, sources: dict) -> dict:
    """Interval properties every link carries: status, quotes, record id, sources, dates."""
    evs = c["evidence"]
    quals = "; ".join(f"{k}: {v}" for k, v in c.get("qualifiers", {}).items())
    cited = "; ".join(f"{ev['source']} ({ev['locator']})" for ev in evs)
    props = {"status": [c["status"]], "summary": list(dict.fromkeys(ev["quote"] for ev in evs)), "recordId": [c["id"]],
             "description": [f"status: {c['status']}" + (f"; {quals}" if quals else "") + f"; source: {cited}"]}
    for key, field in (("sourceUrl", "url"), ("publisher", "publisher")):
        if found := list(dict.fromkeys(sources[ev["source"]][field] for ev in evs if sources.get(ev["source"], {}).get(field))):
            props[key] = found
    if c.get("valid_from"):
        props["startDate"] = [c["valid_from"]]
    if c.get("valid_to"):
        props["endDate"] = [c["valid_to"]]
    return props


def split_programs(text: str) -> list[str]:
    """OFAC's `[UKRAINE-EO13662] [RUSSIA-EO14024]` -> the two programs (one stays one)."""
    return [p.strip() for p in text.replace("] [", "|").strip().strip("[]").split("|") if p.strip()]


class _Mapper:
    """Claims -> FtM links and entity properties, counting what cannot be mapped."""

    def __init__(self, store: Store, as_of: str | None) -> None:
        self.as_of, self.left = as_of, LeftOut()
        self.records = {r["id"]: r for r in store.records("entities")}
        self.sources = {s["id"]: s for s in store.records("sources")}
        datasets = dict(store.con.execute("SELECT id, dataset FROM entities").fetchall())
        self.emitted: dict[str, dict] = {}
        for rec in self.records.values():
            if schema := _schema(rec["type"]):
                self.emitted[rec["id"]] = _entity(rec, schema, datasets.get(rec["id"]) or "chipwatch", self.left)
            else:
                self.left.add("entities FtM has no schema for (countries are property values)", rec["type"])
        self.links: list[dict] = []
        self.as_props = 0  # claims written as entity properties (incorporationDate, country, …)
        self.carried: set[tuple[str, str]] = set()  # (entity, list id) written as a Sanction's authorityId

    def run(self, claims: list[dict]) -> None:
        for c in claims:
            if self.as_of and not valid_during(c.get("valid_from"), c.get("valid_to"), self.as_of):
                self.left.add(f"claims not valid in {self.as_of} (--as-of)")
            elif c["subject"] not in self.emitted:
                kind = "relation" if c.get("object") else "value"
                self.left.add("claims whose subject is a country or group of countries (FtM has no entity for one)",
                              f"{kind} {c['predicate']}")
            elif c.get("object"):
                self.relation(c)
            else:
                self.value(c)
        for eid in self.emitted:
            for ident in self.records[eid].get("identifiers", []):
                if ident["scheme"] in LIST_IDS and (eid, ident["value"]) not in self.carried:
                    self.left.add("list ids with no sanction claim of that list to carry them as authorityId",
                                  ident["scheme"])

    def value(self, c: dict) -> None:
        item, pred, value = self.emitted[c["subject"]], c["predicate"], c.get("value")
        props = _PROPS[item["schema"]]
        target = {"founded": "incorporationDate", "status": "status"}.get(pred)
        if target is None:
            self.left.add("value claims FtM has no property for", pred)
        elif target not in props:
            self.left.add("value claims whose entity's schema lacks the property", f"{pred} on {item['schema']}")
        elif c["status"] != "fact":
            self.left.add("value claims not stated as fact (an entity property cannot carry a status)",
                          f"{pred} {c['status']}")
        elif pred == "founded":
            self.as_props += 1
            _add(item, "incorporationDate", [value])
        else:
            self.as_props += 1
            _add(item, "status", [f"{value} ({c['valid_from']})" if c.get("valid_from") else value])
            if str(value).lower() in DISSOLVED and c.get("valid_from") and "dissolutionDate" in props:
                _add(item, "dissolutionDate", [c["valid_from"]])

    def relation(self, c: dict) -> None:
        subj, obj, pred = self.emitted[c["subject"]], self.emitted.get(c["object"]), c["predicate"]
        link_id = f"{PREFIX}claim-{c['id']}"
        base = _provenance(c, self.sources)
        if pred == "sanctioned_by":
            self.sanction(c, subj, link_id, base)
        elif obj is None:
            other = self.records[c["object"]]
            if pred == "located_in" and c["status"] == "fact" and other.get("country"):
                self.as_props += 1
                _add(subj, "country", [other["country"].lower()])
            elif pred == "owned_by" and c["status"] == "fact" and other["type"] == "country":
                self.as_props += 1
                _add(subj, "topics", ["gov.soe"])  # owned by a state: FtM's state-owned enterprise
            else:
                self.left.add("relation claims whose object is a country or group of countries (FtM has no entity for one)",
                              pred)
        elif pred == "owned_by" and subj["schema"] in _ASSETS and obj["schema"] in _LEGAL:
            props = {"owner": [obj["id"]], "asset": [subj["id"]], **base}
            if (share := c["qualifiers"].get("share_pct")) is not None:
                props["percentage"] = [str(share)]
            if role := c["qualifiers"].get("role"):
                props["role"] = [role]
            self.links.append({"id": link_id, "schema": "Ownership", "properties": props})
        elif pred == "successor_of" and subj["schema"] in _LEGAL and obj["schema"] in _LEGAL:
            self.links.append({"id": link_id, "schema": "Succession",
                               "properties": {"successor": [subj["id"]], "predecessor": [obj["id"]], **base}})
        elif pred == "located_in" and obj["schema"] == "Address" and c["status"] == "fact" \
                and "addressEntity" in _PROPS[subj["schema"]]:
            self.as_props += 1
            _add(subj, "addressEntity", [obj["id"]])
        else:
            self.links.append({"id": link_id, "schema": "UnknownLink",
                               "properties": {"subject": [subj["id"]], "object": [obj["id"]], "role": [pred], **base}})

    def sanction(self, c: dict, subj: dict, link_id: str, base: dict) -> None:
        authority = self.records[c["object"]]
        publishers = {self.sources.get(ev["source"], {}).get("publisher") for ev in c["evidence"]}
        ids = [i["value"] for i in self.records[c["subject"]].get("identifiers", [])
               if i["scheme"] in LIST_IDS and self.sources.get(i.get("source"), {}).get("publisher") in publishers]
        from_list = any(self.sources.get(ev["source"], {}).get("kind") == "list" for ev in c["evidence"])
        programs = split_programs(c["qualifiers"].get("program", "")) or [None]
        for program in programs:
            props = {"entity": [subj["id"]], "authority": [authority["names"].get("en", c["object"])], **base}
            if authority.get("country"):
                props["country"] = [authority["country"].lower()]
            if ids:
                props["authorityId"] = ids
                self.carried.update((c["subject"], i) for i in ids)
            if program:
                props["program"] = [program]
                props["provisions"] = [program]
                if program in PROGRAM_IDS:
                    props["programId"] = [PROGRAM_IDS[program]]
                else:
                    self.left.add("programIds OpenSanctions' data does not give us", program)
            if scope := c["qualifiers"].get("scope"):
                props.setdefault("provisions", []).append(scope)
            if from_list and c.get("valid_from"):
                props["listingDate"] = [c["valid_from"]]
            sid = link_id if len(programs) == 1 else f"{link_id}-{program.lower()}"
            self.links.append({"id": sid, "schema": "Sanction", "properties": props})
        if c["status"] == "fact":
            _add(subj, "topics", ["sanction"])


def write(store: Store, out: Path, as_of: str | None = None, lists: list[str] | None = None) -> dict:
    """Write the knowledge graph (and the list versions `lists`) as FtM JSON lines."""
    from chipwatch.interop import ftm_lists

    m = _Mapper(store, as_of)
    m.run(store.records("claims"))
    datasets = dict(store.con.execute("SELECT id, dataset FROM claims").fetchall())
    for link in m.links:
        link["datasets"] = [datasets.get(link["properties"]["recordId"][0]) or "chipwatch"]
    items = [*m.emitted.values(), *m.links]
    listed = ftm_lists.items(store, lists or [], m.left)
    with open(out, "w", encoding="utf-8") as fh:
        for item in [*items, *listed]:
            fh.write(json.dumps(item, ensure_ascii=False) + "\n")
    counts = {"entities": len(m.emitted), "links": len(m.links), "claims as entity properties": m.as_props}
    if lists:
        counts["list items"] = len(listed)
    return {**counts, "left out": m.left.summary()}
