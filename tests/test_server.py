"""The REST API with a yente client's request shape."""

import pytest
from fastapi.testclient import TestClient

from chipwatch.server import create_app


@pytest.fixture(scope="module")
def client(lists_db):
    with TestClient(create_app(lists_db)) as c:
        yield c


def test_match_yente_shape(client):
    body = {"queries": {
        "q1": {"schema": "Company", "properties": {"name": ["貝加爾電子"]}},
        "q2": {"schema": "Company", "properties": {"name": ["ООО «СПС»"], "country": ["ru"]}},
        "q3": {"schema": "Company", "properties": {"name": ["Bakery Sunshine Ltd"]}},
    }}
    r = client.post("/match/default", json=body, params={"threshold": 0.7})
    assert r.status_code == 200
    data = r.json()
    q1 = data["responses"]["q1"]
    assert q1["status"] == 200 and q1["total"]["value"] >= 1
    top = q1["results"][0]
    assert {"id", "caption", "schema", "properties", "score", "match", "explanations"} <= set(top)
    assert top["id"] == "ofac-2024-05-03:39178" and top["match"] is True
    assert top["explanations"]["reason"] == "listed" and top["explanations"]["entity"] == "baikal-electronics"
    assert any(x["explanations"]["reason"] == "owned" for x in data["responses"]["q2"]["results"])
    assert data["responses"]["q3"]["results"] == []
    assert data["responses"]["q1"]["query"]["schema"] == "Company"


def test_match_dataset_and_errors(client):
    r = client.post("/match/ofac", json={"queries": {"a": {"schema": "Company", "properties": {"name": ["JSC MCST"]}}}})
    assert r.status_code == 200 and r.json()["responses"]["a"]["results"][0]["datasets"] == ["ofac-2024-05-03"]
    assert client.post("/match/nowhere", json={"queries": {}}).status_code == 404
    assert client.post("/match/default", json={"queries": {"a": {"schema": "Company", "properties": {}}}}).status_code == 400
    assert client.post("/match/default", json={"nope": 1}).status_code == 422


def test_entities_and_search(client):
    r = client.get("/api/entities/baikal-electronics")
    assert r.status_code == 200 and r.json()["sanctions_status"] == "listed"
    assert client.get("/api/entities/nobody").status_code == 404
    r = client.get("/api/search", params={"q": "贝加尔电子"})
    assert r.json()[0]["entity_id"] == "baikal-electronics"
    assert client.get("/openapi.json").status_code == 200
