"""A yente client against a running chipwatch, run in a venv of its own with yente (and the
nomenklatura it pins) from PyPI: every answer is validated by yente's own pydantic models,
and nomenklatura's YenteEnricher matches and expands as it would against yente.

    .venv-yente/bin/python tests/yente_client.py http://127.0.0.1:PORT/ > report.json

Prints one JSON object: for each call, the status, what yente's model said ("ok" or its
errors) and the parts of the answer the test checks.
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request

from pydantic import BaseModel, ValidationError
from yente.data.common import (
    AlgorithmResponse,
    DataCatalogModel,
    EntityMatchResponse,
    EntityResponse,
    ErrorResponse,
    SearchResponse,
    StatusResponse,
)

BASE = sys.argv[1].rstrip("/") + "/"


def call(method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(BASE + path.lstrip("/"), data=data, method=method,
                                 headers={"Content-Type": "application/json"} if data else {})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def check(model: type[BaseModel], data) -> str | list:
    try:
        model.model_validate(data)
    except ValidationError as exc:
        return [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()][:10]
    return "ok"


report: dict = {}

# /match: a batch as yente clients send it (string and list values, name parts, identifiers only)
batch = {"queries": {
    "zh": {"schema": "Company", "properties": {"name": ["貝加爾電子"]}},
    "ru": {"schema": "Company", "properties": {"name": "АО «МЦСТ»", "country": "Russia"}},
    "person": {"schema": "Person", "properties": {"firstName": ["Aleksandr"], "lastName": ["Zakharov"],
                                                  "birthDate": ["1965-09-21"]}},
    "inn": {"schema": "Company", "properties": {"innCode": ["7707767484"]}},
    "none": {"schema": "LegalEntity", "properties": {"name": ["Bakery Sunshine Ltd"]}},
    "vessel": {"schema": "Vessel", "properties": {"name": ["Baikal Electronics"]}},
}}
status, data = call("POST", "match/default?algorithm=best&fuzzy=False&limit=10", batch)
report["match"] = {"status": status, "model": check(EntityMatchResponse, data),
                   "top": {q: [(r["id"], r["schema"], r["match"], r["properties"].get("topics", []))
                               for r in resp["results"][:3]] for q, resp in data.get("responses", {}).items()},
                   "total": {q: resp["total"]["value"] for q, resp in data.get("responses", {}).items()},
                   "query": data.get("responses", {}).get("person", {}).get("query")}
status, data = call("POST", "match/ofac?threshold=0.95&include_dataset=ofac&exclude_schema=Person&topics=sanction",
                    {"queries": {"a": {"schema": "Company", "properties": {"name": ["JSC MCST"]}}}})
report["match_filters"] = {"status": status, "model": check(EntityMatchResponse, data),
                           "results": [(r["id"], r["datasets"], r["match"]) for r in data["responses"]["a"]["results"]]}
for name, path, body in [
    ("no_dataset", "match/nowhere", {"queries": {"a": {"schema": "Company", "properties": {"name": ["X"]}}}}),
    ("unknown_schema", "match/default", {"queries": {"a": {"schema": "Banana", "properties": {"name": ["X"]}}}}),
    ("too_many", "match/default", {"queries": {str(i): {"schema": "Company", "properties": {"name": ["X"]}}
                                               for i in range(101)}}),
    ("no_queries", "match/default", {"queries": {}}),
    ("algorithm", "match/default?algorithm=regression-v9", {"queries": {"a": {"schema": "Company", "properties": {}}}}),
]:
    status, data = call("POST", path, body)
    report[name] = {"status": status, "model": check(ErrorResponse, data), "detail": data.get("detail")}
status, data = call("POST", "match/default", {"queries": {"a": {"schema": "Company", "properties": {"name": 12}}}})
report["bad_value"] = {"status": status, "is_list": isinstance(data.get("detail"), list)}
status, data = call("POST", "match/default?limit=501", batch)
report["limit"] = {"status": status}

# /search, /entities, /catalog, /algorithms, /healthz, /readyz
status, data = call("GET", "search/default?q=Baikal%20Electronics&limit=5&facets=countries")
report["search"] = {"status": status, "model": check(SearchResponse, data),
                    "ids": [r["id"] for r in data.get("results", [])]}
status, data = call("GET", "entities/ofac-39178?nested=true")
report["entity"] = {"status": status, "model": check(EntityResponse, data), "schema": data.get("schema"),
                    "sanctions": [s["properties"].get("program") for s in data.get("properties", {}).get("sanctions", [])]}
status, data = call("GET", "entities/NK-abdzbEBkqyT29GyREbiURZ?nested=true")
report["entity_ownership"] = {"status": status, "model": check(EntityResponse, data),
                              "owners": [[o["properties"].get("percentage"), [x["caption"] for x in o["properties"]["owner"]
                                          if isinstance(x, dict)]] for o in data.get("properties", {}).get("ownershipAsset", [])]}
status, data = call("GET", "entities/ofac-00000000")
report["entity_missing"] = {"status": status, "model": check(ErrorResponse, data)}
for name, path, model in [("catalog", "catalog", DataCatalogModel), ("algorithms", "algorithms", AlgorithmResponse),
                          ("healthz", "healthz", StatusResponse), ("readyz", "readyz", StatusResponse)]:
    status, data = call("GET", path)
    report[name] = {"status": status, "model": check(model, data)}

# nomenklatura's YenteEnricher, as a pipeline would run it
try:
    from followthemoney import Dataset
    from nomenklatura.cache import Cache
    from nomenklatura.db import get_engine, get_metadata
    from nomenklatura.enrich.yente import YenteEnricher

    try:
        from followthemoney import StatementEntity as Entity
    except ImportError:  # older followthemoney
        from nomenklatura.entity import CompositeEntity as Entity

    dataset = Dataset.make({"name": "chipwatch_test", "title": "chipwatch test"})
    cache = Cache(get_engine("sqlite:///:memory:"), get_metadata(), dataset, create=True)
    enricher = YenteEnricher(dataset, cache, {"api": BASE, "dataset": "default", "cache_days": 0})
    query = Entity.from_data(dataset, {"id": "q1", "schema": "Company",
                                       "properties": {"name": ["Baikal Electronics"], "country": ["ru"]}})
    matches = list(enricher.match(query))
    expanded = []
    for m in matches[:1]:
        expanded = [(e.schema.name, e.id) for e in enricher.expand(query, m)]
    report["enricher"] = {"matches": [(m.id, m.schema.name, m.caption) for m in matches], "expanded": expanded}
    enricher.close()
except Exception as exc:  # noqa: BLE001 - reported to the test
    report["enricher"] = {"error": f"{type(exc).__name__}: {exc}"}

json.dump(report, sys.stdout, ensure_ascii=False)
