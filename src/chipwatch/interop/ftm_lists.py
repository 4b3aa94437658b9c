"""Imported sanctions-list versions as FollowTheMoney entities, beside the knowledge graph.

Each entry becomes its own schema (Person, Organization, Vessel, …) with names, countries,
identifiers, addresses, birth dates, remarks and topics; ids are `<kind>-<list id>` (FtM
entries keep their own), as chipwatch's yente API gives them. An OFAC, UN or BIS entry gets
one Sanction per program (authority, authorityId = the list's id for it, program,
provisions, listingDate). An FtM list's Sanction entities are not kept by `lists import`,
only their program ids: those are written back as the party's `programId`, and its
Ownership relations as Ownership.
"""

from __future__ import annotations

import re

from chipwatch.errors import ChipwatchError
from chipwatch.interop.ftm import PROGRAM_IDS, LeftOut
from chipwatch.screening.lists.model import ListEntry
from chipwatch.store.read import Store

AUTHORITIES = {"ofac": ("Office of Foreign Assets Control", "us"), "un": ("United Nations Security Council", ""),
               "bis": ("Bureau of Industry and Security", "us")}
NAME_PROPS = {"primary": "name", "legal": "name", "aka": "alias", "fka": "previousName", "weak": "weakAlias"}
ID_PROPS = {"inn": "innCode", "ogrn": "ogrnCode", "lei": "leiCode", "imo": "imoNumber", "registration": "registrationNumber",
            "tax": "taxNumber", "swift": "swiftBic"}
_PARTY = {"name", "alias", "previousName", "weakAlias", "country", "topics", "notes", "address", "programId",
          "innCode", "ogrnCode", "leiCode", "registrationNumber", "taxNumber", "swiftBic"}
ASSETS = {"Company", "Vessel", "Airplane"}  # list schemata that extend FtM's Asset
OWNERS = {"LegalEntity", "Organization", "Company", "PublicBody", "Person"}  # ... and its LegalEntity
SCHEMA_PROPS = {  # what each list schema can hold of the above (FtM 4; the tests check it)
    "LegalEntity": _PARTY, "Organization": _PARTY | {"imoNumber"}, "Company": _PARTY | {"imoNumber"},
    "PublicBody": _PARTY | {"imoNumber"}, "Person": _PARTY | {"birthDate"},
    "Vessel": {"name", "alias", "previousName", "weakAlias", "country", "topics", "notes", "address", "programId",
               "registrationNumber", "imoNumber"},
    "Airplane": {"name", "alias", "previousName", "weakAlias", "country", "topics", "notes", "address", "programId",
                 "registrationNumber"},
}


_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u2060\ufeff]")
_ONE_LINE = {"name", "alias", "previousName", "weakAlias", "address"}  # FtM collapses white space in these


def clean(prop: str, value: object) -> str:
    """A value as FtM's own cleaning leaves it (no control or zero-width characters, trimmed)."""
    text = _INVISIBLE.sub("", str(value))
    return " ".join(text.split()) if prop in _ONE_LINE else text.strip()


def entity_id(kind: str, list_id: str) -> str:
    return list_id if kind == "ftm" else f"{kind}-{list_id}"


def _iso(day: str | None) -> str | None:
    """A list's date as FtM takes it (YYYY, YYYY-MM or YYYY-MM-DD), or None."""
    from chipwatch.screening.dates import normalise

    iso = normalise(day) if day else None
    return iso if iso and "/" not in iso else None


def versions(store: Store, wanted: list[str]) -> list[tuple[str, str]]:
    """(version, kind) of each wanted version (`all` = the newest of each kind), checked."""
    known = {v: (k, d) for v, k, d in store.con.execute("SELECT id, kind, date FROM list_versions").fetchall()}
    if wanted == ["all"]:
        newest: dict[str, tuple[str, str]] = {}
        for v, (k, d) in known.items():
            if k not in newest or d > newest[k][1]:
                newest[k] = (v, d)
        return sorted((v, k) for k, (v, _) in newest.items())
    out, kinds = [], {}
    for v in wanted:
        if v not in known:
            have = ", ".join(sorted(known)) or "none (chipwatch lists import …)"
            raise ChipwatchError(f"--lists {v}: no such list version; imported: {have}; or --lists all")
        kind = known[v][0]
        if kind in kinds and kinds[kind] != v:
            raise ChipwatchError(f"--lists: {kinds[kind]} and {v} are two versions of one list (their entries "
                                 "share ids); export one of them")
        kinds[kind] = v
        out.append((v, kind))
    return list(dict.fromkeys(out))


def _party(entry: ListEntry, kind: str, version: str, left: LeftOut) -> dict:
    schema = entry.schema if entry.schema in SCHEMA_PROPS else "LegalEntity"
    if schema != entry.schema:
        left.add("list entries of a schema chipwatch does not map, written as LegalEntity", entry.schema)
    allowed, props = SCHEMA_PROPS[schema], {}

    def add(prop: str, values) -> None:
        if prop not in allowed:
            left.add("list values with no property on their entry's schema", f"{prop} on {schema}", len(values))
            return
        for v in (clean(prop, v) for v in values):
            if v and v not in props.setdefault(prop, []):
                props[prop].append(v)

    for n in entry.names:
        add(NAME_PROPS.get(n.kind, "alias"), [n.name])
    add("country", entry.countries)
    add("address", entry.addresses)
    add("topics", entry.topics or (["sanction"] if entry.programs else []))
    if entry.birth_dates:
        add("birthDate", [d for d in (_iso(b) for b in entry.birth_dates) if d])
    for scheme, values in entry.identifiers.items():
        if scheme in ID_PROPS:
            add(ID_PROPS[scheme], values)
        else:
            left.add("list identifiers of a scheme FtM has no property for", scheme, len(values))
    if entry.remarks:
        add("notes", [entry.remarks])
    if kind == "ftm":
        add("programId", [p for p in entry.programs if p != "sanction"])
    return {"id": entity_id(kind, entry.list_id), "schema": schema, "properties": {k: v for k, v in props.items() if v},
            "datasets": [version]}


def _sanctions(entry: ListEntry, kind: str, version: str, party: str, left: LeftOut) -> list[dict]:
    authority, country = AUTHORITIES[kind]
    out = []
    for program in entry.programs:
        props = {"entity": [party], "authority": [authority], "program": [program], "provisions": [program]}
        if kind == "un":
            props["unscId"] = [entry.list_id]
        else:
            props["authorityId"] = [entry.list_id]
        if country:
            props["country"] = [country]
        if program in PROGRAM_IDS:
            props["programId"] = [PROGRAM_IDS[program]]
        else:
            left.add("list programIds OpenSanctions' data does not give us", kind)
        if listed := _iso(entry.listed_on):
            props["listingDate"] = [listed]
        out.append({"id": f"{party}-sanction-{program.lower().replace(' ', '-')}", "schema": "Sanction",
                    "properties": props, "datasets": [version]})
    return out


def items(store: Store, wanted: list[str], left: LeftOut) -> list[dict]:
    """The FtM entities of the list versions `wanted` (`["all"]`: the newest of each kind)."""
    out: list[dict] = []
    for version, kind in versions(store, wanted) if wanted else []:
        first = len(out)
        for (record,) in store.con.execute("SELECT record FROM list_entries WHERE version = ? ORDER BY list_id",
                                           [version]).fetchall():
            entry = ListEntry.from_record(record)
            party = _party(entry, kind, version, left)
            out.append(party)
            if kind != "ftm":
                out.extend(_sanctions(entry, kind, version, party["id"], left))
        schemata = {e["id"]: e["schema"] for e in out[first:]}
        for rid, owner, asset, share, start, end in store.con.execute(
                "SELECT id, owner, asset, share_pct, start_date, end_date FROM list_relations "
                "WHERE version = ? AND kind = 'ownership' ORDER BY id", [version]).fetchall():
            owner, asset = entity_id(kind, owner), entity_id(kind, asset)
            if schemata.get(owner) not in OWNERS or schemata.get(asset) not in ASSETS:
                left.add("list ownerships whose owner is not kept or is no LegalEntity, or whose asset is no "
                         "FtM Asset", version)
                continue
            props = {"owner": [owner], "asset": [asset]}
            for prop, value in (("percentage", share), ("startDate", start), ("endDate", end)):
                if value is not None and value == value:  # NaN is no value
                    props[prop] = [f"{value:g}" if isinstance(value, float) else str(value)]
            out.append({"id": rid, "schema": "Ownership", "properties": props, "datasets": [version]})
    return out
