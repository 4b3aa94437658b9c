"""Links between knowledge-graph entities and sanctions-list entries.

An entity is linked to a list entry when an identifier the sources give for it (OFAC
ent_num, INN, OGRN, LEI, IMO) is the entry's id or one of its identifiers, in the latest
version of each list. Name-only resemblance is the matcher's business, not a link.
"""

from __future__ import annotations

import json

from chipwatch.screening.ownership import propagate
from chipwatch.store.read import Store

# Every (entity identifier, list entry) pair that links them, in the latest version of each list.
LINKS = """
WITH latest AS (
  SELECT v.id AS version, v.kind, v.date FROM list_versions v
  WHERE v.date = (SELECT max(date) FROM list_versions w WHERE w.kind = v.kind)
)
SELECT i.entity_id, i.scheme, i.value, i.source, l.kind, l.version, l.date,
       e.list_id, e.caption, e.schema, e.programs
FROM identifiers i
JOIN list_entries e ON (i.scheme = 'ofac_ent_num' AND e.list_id = i.value)
  OR list_contains(CAST(json_extract(e.identifiers, '$.' || i.scheme) AS VARCHAR[]), i.value)
JOIN latest l ON l.version = e.version AND (i.scheme <> 'ofac_ent_num' OR l.kind = 'ofac')
{where}
ORDER BY l.kind, e.list_id, i.scheme
"""


def list_links(store: Store, entity_id: str) -> list[dict]:
    """The list entries (latest version of each list) an entity's identifiers point to."""
    return store.memo("list-links", lambda: _all_links(store)).get(entity_id, [])


def _all_links(store: Store) -> dict[str, list[dict]]:
    """Every entity's links, in one query (computed once per open store: it is read-only)."""
    out: dict[str, dict[tuple[str, str], dict]] = {}
    for r in store.dicts(LINKS.format(where="")):
        link = out.setdefault(r["entity_id"], {}).setdefault((r["version"], r["list_id"]), {
            "list": r["kind"], "version": r["version"], "date": r["date"], "list_id": r["list_id"],
            "caption": r["caption"], "schema": r["schema"], "programs": r["programs"], "via": []})
        link["via"].append({"scheme": r["scheme"], "value": r["value"], "source": r["source"]})
    return {eid: list(links.values()) for eid, links in out.items()}


def listed_entities(store: Store) -> set[str]:
    """KB entities linked to a list entry that carries a program."""
    return {r[0] for r in store.con.execute(LINKS.format(where="WHERE len(e.programs) > 0")).fetchall()}


def sanctions_status(links: list[dict]) -> str:
    """`listed` if any linked entry carries a program, else `not listed` (in the lists held)."""
    return "listed" if any(link["programs"] for link in links) else "not listed"





OWNERSHIP_PREDICATES = ("owned_by", "controlled_by", "part_of")


def kb_ownership(store: Store, engine: str = "duckdb") -> dict:
    """The 50 % rule over the knowledge graph: listed = entities linked to a list entry with a
    program; edges = `owned_by` claims (with `share_pct` when the source gives it) and
    `controlled_by` / `part_of` claims (share unknown, so at most `review`). Computed once
    per open store (it is read-only)."""
    return store.memo(("kb_ownership", engine), lambda: _kb_ownership(store, engine))


def _kb_ownership(store: Store, engine: str) -> dict:
    if not store.list_versions():
        return {}
    claims = store.con.execute(
        "SELECT id, subject, object, qualifiers FROM claims WHERE list_contains(?, predicate) AND object IS NOT NULL",
        [list(OWNERSHIP_PREDICATES)]).fetchall()
    edges, by_pair = [], {}
    for cid, subject, obj, quals in claims:
        share = (json.loads(quals) if quals else {}).get("share_pct")
        edges.append((obj, subject, float(share) if isinstance(share, (int, float)) else None))
        by_pair.setdefault((obj, subject), []).append(cid)
    found = propagate(sorted(listed_entities(store)), edges, engine)
    for item in found.values():  # name the claims behind each step
        for path in item.chain:
            for step in path:
                step["claims"] = by_pair.get((step["owner"], step["asset"]), [])
    return found
