"""The yente `/match` request and response shapes, so existing yente clients work unchanged.

Request:  {"queries": {"<id>": {"schema": "Company", "properties": {"name": [...], "country": [...],
           "innCode": [...], ...}}}}
Response: {"responses": {"<id>": {"status": 200, "results": [{"id", "caption", "schema",
           "properties", "datasets", "score", "match", "features", "explanations"}], "total": {...},
           "query": {...}}}, "limit": N, "matcher": {...}}
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from chipwatch.screening.lists.text import country_code
from chipwatch.screening.matcher import Query
from chipwatch.screening.screen import Hit

NAME_PROPS = ("name", "alias", "previousName", "weakAlias", "firstName", "lastName")
ID_PROPS = {"innCode": "inn", "ogrnCode": "ogrn", "leiCode": "lei", "imoNumber": "imo", "registrationNumber": "registration",
            "taxNumber": "tax"}


class EntityExample(BaseModel):
    schema_: str = Field("LegalEntity", alias="schema")
    properties: dict[str, list[str]] = Field(default_factory=dict)

    model_config = {"populate_by_name": True}


class MatchRequest(BaseModel):
    queries: dict[str, EntityExample] = Field(..., max_length=500)


def to_query(example: EntityExample) -> Query:
    props = example.properties
    names = [n for p in NAME_PROPS for n in props.get(p, []) if n and n.strip()]
    countries = [c for c in (country_code(x) for p in ("country", "jurisdiction", "nationality") for x in props.get(p, [])) if c]
    ids = {scheme: props[p] for p, scheme in ID_PROPS.items() if props.get(p)}
    return Query(names=names, schema=example.schema_, countries=countries or None, identifiers=ids or None)


def result(hit: Hit, threshold: float) -> dict[str, Any]:
    return {
        "id": f"{hit.version}:{hit.list_id}",
        "caption": hit.name,
        "schema": hit.schema,
        "properties": {"name": [hit.name], "topics": ["sanction"] if hit.reason == "listed" else ["sanction.linked"],
                       "program": hit.programs},
        "datasets": [hit.version],
        "score": hit.score,
        "match": hit.score >= threshold,
        "features": {"name_score": hit.score},
        "explanations": {"reason": hit.reason, "entity": hit.entity, "chain": hit.chain, **hit.explanation},
    }
