"""dangling_reference: a claim, evidence row, name or identifier pointing at nothing in the store."""

from __future__ import annotations

from collections.abc import Iterable

from chipwatch.analysis.check.common import Field, Finding, as_list, fetch, finding
from chipwatch.analysis.check.context import Context
from chipwatch.i18n.message import Msg


def dangling_references(ctx: Context) -> Iterable[Finding]:
    def dangling(code: str, claims: list[str], said: dict, **details) -> Finding:
        return finding("dangling_reference", "error", Msg(f"check.dangling.{code}", **said), claims, details)

    entity_q = ctx.vocab.entity_qualifiers
    for c in ctx.claims.values():
        if c["subject"] not in ctx.entities:
            yield dangling("subject", [c["id"]], {"claim": c["id"], "id": c["subject"]},
                           table="claims", field="subject", value=c["subject"])
        if c["object"] and c["object"] not in ctx.entities:
            yield dangling("object", [c["id"]], {"claim": c["id"], "id": c["object"]},
                           table="claims", field="object", value=c["object"])
        for k in sorted(entity_q.intersection(c["q"])):
            for v in as_list(c["q"][k]):
                if v not in ctx.entities:
                    yield dangling("qualifier", [c["id"]], {"claim": c["id"], "id": v, "field": Field(k)},
                                   table="claims", field=f"qualifiers.{k}", value=v)
        if c["predicate"] not in ctx.vocab.predicates:
            yield dangling("predicate", [c["id"]], {"claim": c["id"], "id": c["predicate"]},
                           table="claims", field="predicate", value=c["predicate"])
        if not c["evidence"]:
            yield dangling("evidence", [c["id"]], {"claim": c["id"]}, table="evidence", field="claim_id", value=c["id"])
        for e in c["evidence"]:
            if e["source"] not in ctx.sources:
                yield dangling("source", [c["id"]], {"claim": c["id"], "id": e["source"]},
                               table="evidence", field="source", value=e["source"], seq=e["seq"])
    for e in ctx.orphan_evidence:
        yield dangling("evidence_claim", [e["claim_id"]], {"source": e["source"], "id": e["claim_id"]},
                       table="evidence", field="claim_id", value=e["claim_id"], quote=e["quote"])
    for s in ctx.sources.values():
        if s["cited_in"] and s["cited_in"] not in ctx.sources:
            yield dangling("cited_in", [], {"source": s["id"], "id": s["cited_in"]},
                           table="sources", field="cited_in", value=s["cited_in"], source=s["id"])
    for n in ctx.names:
        if n["entity_id"] not in ctx.entities:
            yield dangling("name", [], {"name": n["name"], "id": n["entity_id"]},
                           table="names", field="entity_id", value=n["entity_id"], name=n["name"])
    for i in fetch(ctx.store, """SELECT entity_id, scheme, value, source FROM identifiers
                                  WHERE entity_id NOT IN (SELECT id FROM entities)
                                     OR source NOT IN (SELECT id FROM sources)"""):
        if i["entity_id"] not in ctx.entities:
            yield dangling("identifier", [], {"scheme": i["scheme"], "value": i["value"], "id": i["entity_id"]},
                           table="identifiers", field="entity_id", value=i["entity_id"])
        if i["source"] not in ctx.sources:
            yield dangling("identifier_source", [], {"scheme": i["scheme"], "value": i["value"], "id": i["source"]},
                           table="identifiers", field="source", value=i["source"])
