"""Screening: names in any script against the imported sanctions lists, with the reasons.

For each query: the knowledge graph first (a Chinese or Russian name that resolves to a KB
entity brings that entity's other names and its identifiers, so 貝加爾電子 reaches the
OFAC entry of Baikal Electronics); then the matcher on the latest version of each list;
then the 50 % rule on lists that carry ownership (FtM). Each hit says why: `listed` (the
entry is on the list), `owned` (owned 50 % or more by listed parties, with the chain) or
`review` (owned by listed parties in unknown shares).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field

from chipwatch.engines import open_engine
from chipwatch.errors import ChipwatchError
from chipwatch.names.normalize import name_key
from chipwatch.screening.blocking import SqlBlocker
from chipwatch.screening.links import kb_ownership
from chipwatch.screening.lists.model import ListEntry, ListName
from chipwatch.screening.matcher import Match, Matcher, Query
from chipwatch.screening.ownership import Ownership, owned_in_version
from chipwatch.store.read import Store

KB_SCHEMES = {"inn": "inn", "ogrn": "ogrn", "lei": "lei", "imo": "imo"}


@dataclass
class Hit:
    query: str
    list: str
    version: str
    list_id: str
    name: str
    schema: str
    score: float
    reason: str  # listed | owned | review
    programs: list[str]
    entity: str | None  # the KB entity, when the query or the entry is linked to one
    explanation: dict = field(default_factory=dict)
    chain: list[list[dict]] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class ListIndex:
    version: str
    kind: str
    matcher: Matcher
    entries: dict[str, ListEntry]
    ownership: dict[str, Ownership]


def _entry(record: str) -> ListEntry:
    data = json.loads(record)
    data["names"] = [ListName(**n) for n in data["names"]]
    return ListEntry(**data)


def require_lists(store: Store) -> None:
    """A clear error when no sanctions list has been imported."""
    if not store.list_versions():
        raise ChipwatchError("no sanctions list in the store; import one: chipwatch lists import ofac PATH")


def list_indexes(store: Store, kinds: list[str] | None = None, engine: str = "duckdb") -> list[ListIndex]:
    """A matcher for the latest version of each list (of `kinds`), with its ownership results."""
    versions = store.con.execute(
        "SELECT id, kind FROM list_versions v WHERE date = (SELECT max(date) FROM list_versions w WHERE w.kind = v.kind) "
        "ORDER BY kind").fetchall()
    out = []
    for version, kind in versions:
        if kinds and kind not in kinds:
            continue
        records = store.con.execute("SELECT record FROM list_entries WHERE version = ?", [version]).fetchall()
        entries = {e.list_id: e for e in (_entry(r) for (r,) in records)}
        has_owners = store.con.execute("SELECT count(*) FROM list_relations WHERE version = ?", [version]).fetchone()[0]
        ownership = owned_in_version(store, version, engine) if has_owners else {}
        out.append(ListIndex(version, kind, Matcher(list(entries.values()), version), entries, ownership))
    return out


def _kb_entity(store: Store, names: list[str]) -> str | None:
    for name in names:
        found = store.con.execute("SELECT DISTINCT entity_id FROM names WHERE key = ?", [name_key(name)]).fetchall()
        if len(found) == 1:
            return found[0][0]
    return None


def bridge(store: Store, query: Query) -> tuple[Query, str | None, dict]:
    """The query widened by its KB entity (other names, identifiers), if it resolves to one."""
    entity = _kb_entity(store, query.names)
    if entity is None:
        return query, None, {}
    names = [n for (n,) in store.con.execute("SELECT name FROM names WHERE entity_id = ? AND kind <> 'derived'",
                                             [entity]).fetchall()]
    idents: dict[str, list[str]] = {k: list(v) if isinstance(v, list) else [v] for k, v in (query.identifiers or {}).items()}
    for scheme, value in store.con.execute("SELECT scheme, value FROM identifiers WHERE entity_id = ?", [entity]).fetchall():
        idents.setdefault(KB_SCHEMES.get(scheme, scheme), []).append(value)
    country = store.con.execute("SELECT country FROM entities WHERE id = ?", [entity]).fetchone()[0]
    widened = Query(names=list(dict.fromkeys([*query.names, *names])), schema=query.schema,
                    countries=query.countries or ([country.lower()] if country else None), identifiers=idents)
    return widened, entity, {"kb_entity": entity, "kb_names_added": [n for n in names if n not in query.names]}


def screen(store: Store, queries: dict[str, Query], lists: list[str] | None = None, threshold: float = 0.7,
           limit: int = 5, engine: str = "duckdb", indexes: list[ListIndex] | None = None,
           progress=None, sql_blocking: bool = True, workers: int | None = None,
           chunk: int = 20_000) -> dict[str, list[Hit]]:
    """Top hits per query (by id), best first, across the latest version of each list.
    `engine` (duckdb or spark) runs the ownership rule and, with `sql_blocking`, ranks the
    candidates in SQL (chipwatch.screening.blocking); without it the matcher's in-memory
    index does (quicker for a handful of names). Queries go in chunks, scored by `workers`
    processes (default: one per core); `progress(n)` is called after each chunk."""
    indexes = indexes if indexes is not None else list_indexes(store, lists, engine)
    workers = workers or os.cpu_count() or 1
    bridged = {qid: bridge(store, q) for qid, q in queries.items()}
    found: dict[str, dict[str, list[Match]]] = {idx.version: {} for idx in indexes}
    eng = open_engine(engine) if sql_blocking else None
    try:
        blockers = [SqlBlocker(idx.matcher, eng, f"b{i}_") if eng else None for i, idx in enumerate(indexes)]
        ids = list(queries)
        for start in range(0, len(ids), chunk):
            part = ids[start:start + chunk]
            widened = [bridged[qid][0] for qid in part]
            for idx, blocker in zip(indexes, blockers, strict=True):
                blocked = blocker.block(widened) if blocker else None
                matches = idx.matcher.match_many(widened, threshold, limit, workers=workers, blocked=blocked)
                found[idx.version].update(zip(part, matches, strict=True))
            if progress:
                progress(len(part))
    finally:
        if eng:
            eng.close()
    out: dict[str, list[Hit]] = {}
    kb = None  # the graph's own ownership results, computed when first needed
    for qid in queries:
        widened, entity, via_kb = bridged[qid]
        hits: list[Hit] = []
        for idx in indexes:
            matches = {m.entry.list_id: m for m in found[idx.version][qid]}
            if idx.kind == "ofac":  # the graph may know the entry's ent_num outright
                for ent_num in (widened.identifiers or {}).get("ofac_ent_num", []):
                    if ent_num in idx.entries and ent_num not in matches:
                        matches[ent_num] = Match(idx.entries[ent_num], 1.0, {"identifier": {
                            "scheme": "ofac_ent_num", "value": ent_num, "from": "knowledge graph"}})
            for m in matches.values():
                owned = idx.ownership.get(m.entry.list_id)
                if m.entry.programs:
                    reason = "listed"
                elif owned:
                    reason = owned.reason
                else:
                    continue  # on an FtM list but neither sanctioned nor owned: not a hit
                hits.append(Hit(qid, idx.kind, idx.version, m.entry.list_id, m.entry.caption, m.entry.schema,
                                round(m.score, 4), reason, m.entry.programs, entity,
                                {**m.explanation, **({"via": via_kb} if via_kb else {})},
                                owned.chain if owned else []))
        if entity and not any(h.entity == entity and h.reason == "listed" for h in hits):
            if kb is None:
                kb = kb_ownership(store, engine)
            if owned := kb.get(entity):  # not on a list, but owned by listed parties in the graph
                label = store.labels([entity]).get(entity, entity)
                hits.append(Hit(qid, "kb", "knowledge graph", entity, label, "", 1.0, owned.reason, [], entity,
                                {"summary": f"{label} is {owned.reason} under the 50 % rule in the knowledge graph",
                                 "via": via_kb}, owned.chain))
        hits.sort(key=lambda h: (-h.score, h.list, h.list_id))
        out[qid] = hits[:limit]
    return out
