"""Links between knowledge-graph entities and sanctions-list entries.

An entity is linked to a list entry when an identifier the sources give for it (OFAC
ent_num, INN, OGRN, LEI, IMO) is the entry's id or one of its identifiers, in the latest
version of each list. Name-only resemblance is the matcher's business, not a link.
"""

from __future__ import annotations

import json

from chipwatch.screening.ownership import propagate
from chipwatch.store.read import Store

# Every (entity identifier, list entry) pair that links them, in the latest version of each
# list: identifiers through each version's name index ({ids}: the union of their id tables,
# normalised as the index normalises them), OFAC ent_nums as the entry's own id.
LINKS = """
WITH latest AS (
  SELECT v.id AS version, v.kind, v.date FROM list_versions v
  WHERE v.date = (SELECT max(date) FROM list_versions w WHERE w.kind = v.kind)
), x AS ({ids}), ids AS (
  SELECT entity_id, scheme, value, source, upper(regexp_replace(value, '[ ./\t-]', '', 'g')) AS norm FROM identifiers
), found AS (
  SELECT i.entity_id, i.scheme, i.value, i.source, l.kind, l.version, l.date, x.list_id
  FROM ids i JOIN x ON x.scheme = lower(i.scheme) AND x.value = i.norm
  JOIN latest l ON l.version = x.version
  UNION
  SELECT i.entity_id, i.scheme, i.value, i.source, l.kind, l.version, l.date, i.value AS list_id
  FROM ids i JOIN latest l ON l.kind = 'ofac' WHERE i.scheme = 'ofac_ent_num'
)
SELECT f.entity_id, f.scheme, f.value, f.source, f.kind, f.version, f.date, e.list_id, e.caption, e.schema, e.programs
FROM found f JOIN list_entries e ON e.version = f.version AND e.list_id = f.list_id
{where}
ORDER BY f.kind, e.list_id, f.scheme
"""


def list_links(store: Store, entity_id: str) -> list[dict]:
    """The list entries (latest version of each list) an entity's identifiers point to."""
    return store.memo("list-links", lambda: _all_links(store)).get(entity_id, [])


def _all_links(store: Store) -> dict[str, list[dict]]:
    """Every entity's links, in one query (computed once per open store: it is read-only)."""
    from chipwatch.screening.index import stored

    held = [st for v in store.list_versions() if (st := stored(store.con, v))]
    if not held:
        return {}
    quoted = {st.version: st.version.replace("'", "''") for st in held}
    ids = " UNION ALL ".join(f"SELECT '{quoted[st.version]}' AS version, scheme, value, list_id FROM {st.table('ids')}"
                             for st in held)
    out: dict[str, dict[tuple[str, str], dict]] = {}
    for r in store.dicts(LINKS.format(ids=ids, where="")):
        link = out.setdefault(r["entity_id"], {}).setdefault((r["version"], r["list_id"]), {
            "list": r["kind"], "version": r["version"], "date": r["date"], "list_id": r["list_id"],
            "caption": r["caption"], "schema": r["schema"], "programs": r["programs"], "via": []})
        link["via"].append({"scheme": r["scheme"], "value": r["value"], "source": r["source"]})
    return {eid: list(links.values()) for eid, links in out.items()}


def listed_entities(store: Store) -> set[str]:
    """KB entities linked to a list entry that carries a program."""
    return {eid for eid, links in store.memo("list-links", lambda: _all_links(store)).items()
            if any(link["programs"] for link in links)}


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
    claims = store.con.execute(  # claims still valid today: an ownership that ended does not count
        "SELECT id, subject, object, qualifiers FROM claims WHERE list_contains(?, predicate) AND object IS NOT NULL "
        "AND (to_date IS NULL OR to_date >= current_date)", [list(OWNERSHIP_PREDICATES)]).fetchall()
    edges, by_pair = [], {}
    for cid, subject, obj, quals in claims:
        share = (json.loads(quals) if quals else {}).get("share_pct")
        edges.append((obj, subject, float(share) if isinstance(share, (int, float)) else None))
        by_pair.setdefault((obj, subject), []).append(cid)
    found = propagate(sorted(listed_entities(store)), edges, "spark" if engine == "spark" else "duckdb")
    for item in found.values():  # name the claims behind each step
        for path in item.chain:
            for step in path:
                step["claims"] = by_pair.get((step["owner"], step["asset"]), [])
    return found
