"""dangling_reference: a claim, evidence row, name or identifier pointing at nothing in the store."""

from __future__ import annotations

from collections.abc import Iterable

from chipwatch.analysis.check.common import Finding, as_list, fetch
from chipwatch.analysis.check.context import Context


def dangling_references(ctx: Context) -> Iterable[Finding]:
    def finding(message: str, claims: list[str], **details) -> Finding:
        return Finding(kind="dangling_reference", severity="error", message=message, claims=claims, details=details)

    entity_q = ctx.vocab.entity_qualifiers
    for c in ctx.claims.values():
        if c["subject"] not in ctx.entities:
            yield finding(f"Claim {c['id']} is about '{c['subject']}', which is not an entity in the store.",
                          [c["id"]], table="claims", field="subject", value=c["subject"])
        if c["object"] and c["object"] not in ctx.entities:
            yield finding(f"Claim {c['id']} points at '{c['object']}', which is not an entity in the store.",
                          [c["id"]], table="claims", field="object", value=c["object"])
        for k in sorted(entity_q.intersection(c["q"])):
            for v in as_list(c["q"][k]):
                if v not in ctx.entities:
                    yield finding(f"Claim {c['id']} names '{v}' as its {k}, which is not an entity in the store.",
                                  [c["id"]], table="claims", field=f"qualifiers.{k}", value=v)
        if c["predicate"] not in ctx.vocab.predicates:
            yield finding(f"Claim {c['id']} uses the predicate '{c['predicate']}', which the vocabulary does not define.",
                          [c["id"]], table="claims", field="predicate", value=c["predicate"])
        if not c["evidence"]:
            yield finding(f"Claim {c['id']} has no evidence: no source, locator or quote backs it.",
                          [c["id"]], table="evidence", field="claim_id", value=c["id"])
        for e in c["evidence"]:
            if e["source"] not in ctx.sources:
                yield finding(f"Claim {c['id']} cites the source '{e['source']}', which is not in the store.",
                              [c["id"]], table="evidence", field="source", value=e["source"], seq=e["seq"])
    for e in ctx.orphan_evidence:
        yield finding(f"An evidence row (from {e['source']}) belongs to claim '{e['claim_id']}', which is not in the store.",
                      [e["claim_id"]], table="evidence", field="claim_id", value=e["claim_id"], quote=e["quote"])
    for s in ctx.sources.values():
        if s["cited_in"] and s["cited_in"] not in ctx.sources:
            yield finding(f"Source {s['id']} is cited in '{s['cited_in']}', which is not a source in the store.",
                          [], table="sources", field="cited_in", value=s["cited_in"], source=s["id"])
    for n in ctx.names:
        if n["entity_id"] not in ctx.entities:
            yield finding(f"The name “{n['name']}” belongs to '{n['entity_id']}', which is not an entity in the store.",
                          [], table="names", field="entity_id", value=n["entity_id"], name=n["name"])
    for i in fetch(ctx.store, """SELECT entity_id, scheme, value, source FROM identifiers
                                  WHERE entity_id NOT IN (SELECT id FROM entities)
                                     OR source NOT IN (SELECT id FROM sources)"""):
        if i["entity_id"] not in ctx.entities:
            yield finding(f"The identifier {i['scheme']} {i['value']} belongs to '{i['entity_id']}', which is not an entity in the store.",
                          [], table="identifiers", field="entity_id", value=i["entity_id"])
        if i["source"] not in ctx.sources:
            yield finding(f"The identifier {i['scheme']} {i['value']} cites the source '{i['source']}', which is not in the store.",
                          [], table="identifiers", field="source", value=i["source"])
