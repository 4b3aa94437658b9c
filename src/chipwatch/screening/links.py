"""Links between knowledge-graph entities and sanctions-list entries.

An entity is linked to a list entry when an identifier the sources give for it (OFAC
ent_num, INN, OGRN, LEI, IMO) is the entry's id or one of its identifiers, in the latest
version of each list. Name-only resemblance is the matcher's business, not a link.
"""

from __future__ import annotations

from chipwatch.frames import rows
from chipwatch.store.read import Store

LATEST = """
SELECT v.id AS version, v.kind, v.date FROM list_versions v
WHERE v.date = (SELECT max(date) FROM list_versions w WHERE w.kind = v.kind)
"""


def list_links(store: Store, entity_id: str) -> list[dict]:
    """The list entries (latest version of each list) an entity's identifiers point to."""
    idents = store.sql("SELECT scheme, value, source FROM identifiers WHERE entity_id = ?", [entity_id])
    if idents.empty:
        return []
    latest = rows(store.sql(LATEST))
    if not latest:
        return []
    out: dict[tuple[str, str], dict] = {}
    for v in latest:
        for ident in idents.itertuples():
            if ident.scheme == "ofac_ent_num" and v["kind"] == "ofac":
                found = store.sql("SELECT * FROM list_entries WHERE version = ? AND list_id = ?", [v["version"], ident.value])
            else:
                found = store.sql("SELECT * FROM list_entries WHERE version = ? AND "
                                  "list_contains(coalesce(json_extract_string(identifiers, '$.' || ?::VARCHAR || '[*]'), []), ?)",
                                  [v["version"], ident.scheme, ident.value])
            for e in rows(found):
                key = (v["version"], e["list_id"])
                link = out.setdefault(key, {"list": v["kind"], "version": v["version"], "date": v["date"],
                                            "list_id": e["list_id"], "caption": e["caption"], "schema": e["schema"],
                                            "programs": e["programs"], "via": []})
                link["via"].append({"scheme": ident.scheme, "value": ident.value, "source": ident.source})
    return sorted(out.values(), key=lambda x: (x["list"], x["list_id"]))


def sanctions_status(links: list[dict]) -> str:
    """`listed` if any linked entry carries a program, else `not listed` (in the lists held)."""
    return "listed" if any(link["programs"] for link in links) else "not listed"





OWNERSHIP_PREDICATES = ("owned_by", "controlled_by", "part_of")


def kb_ownership(store, engine: str = "duckdb") -> dict:
    """The 50 % rule over the knowledge graph: listed = entities linked to a list entry with a
    program; edges = `owned_by` claims (with `share_pct` when the source gives it) and
    `controlled_by` / `part_of` claims (share unknown, so at most `review`)."""
    import json as _json

    from chipwatch.screening.ownership import propagate

    if not store.list_versions():
        return {}
    ids = [r[0] for r in store.con.execute("SELECT DISTINCT entity_id FROM identifiers").fetchall()]
    listed = [e for e in ids if sanctions_status(list_links(store, e)) == "listed"]
    claims = store.con.execute(
        "SELECT id, subject, object, qualifiers FROM claims WHERE predicate IN ('owned_by', 'controlled_by', 'part_of') "
        "AND object IS NOT NULL").fetchall()
    edges, by_pair = [], {}
    for cid, subject, obj, quals in claims:
        share = (_json.loads(quals) if quals else {}).get("share_pct")
        edges.append((obj, subject, float(share) if isinstance(share, (int, float)) else None))
        by_pair.setdefault((obj, subject), []).append(cid)
    found = propagate(listed, edges, engine)
    for item in found.values():  # name the claims behind each step
        for path in item.chain:
            for step in path:
                step["claims"] = by_pair.get((step["owner"], step["asset"]), [])
    return found
