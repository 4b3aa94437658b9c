"""The yente API in process: results, filters, limits on hostile input; the REST API's
entities and search. (tests/test_yente.py checks the same answers with yente itself.)"""

import pytest
from fastapi.testclient import TestClient

from chipwatch.server import create_app


@pytest.fixture(scope="module")
def client(lists_db):
    with TestClient(create_app(lists_db)) as c:
        yield c


def match(client, queries: dict, dataset: str = "default", **params):
    return client.post(f"/match/{dataset}", json={"queries": queries}, params=params)


def test_match_results_carry_the_verdict_and_the_list_version(client):
    r = match(client, {"q1": {"schema": "Company", "properties": {"name": ["貝加爾電子"]}},
                       "q3": {"schema": "Company", "properties": {"name": "Bakery Sunshine Ltd"}}})
    assert r.status_code == 200
    top = r.json()["responses"]["q1"]["results"][0]
    assert top["id"] == "ofac-39178" and top["match"] is True and top["target"] is True
    assert top["properties"]["innCode"] == ["7707767484"] and top["properties"]["program"] == ["RUSSIA-EO14024"]
    assert top["last_seen"] == "2024-05-03T00:00:00" and top["first_seen"] == "2024-05-03T00:00:00"
    assert top["chipwatch"]["reason"] == "listed" and top["chipwatch"]["list_version"] == "ofac-2024-05-03"
    assert {"name_match", "knowledge_graph"} <= set(top["explanations"])
    assert all({"detail", "score", "query", "candidate"} == set(f) for f in top["explanations"].values())
    assert r.json()["responses"]["q3"] == {"status": 200, "results": [], "total": {"value": 0, "relation": "eq"},
                                           "query": {"id": None, "schema": "Company",
                                                     "properties": {"name": ["Bakery Sunshine Ltd"]}}}
    assert r.json()["chipwatch"]["warnings"]  # the bundled OFAC snapshot is older than 90 days


def test_filters_cutoff_and_total(client):
    q = {"a": {"schema": "Company", "properties": {"name": ["ROSTEK"]}}}
    assert match(client, q).json()["responses"]["a"]["results"]
    low = match(client, q, threshold=0.99, cutoff=0.5).json()["responses"]["a"]
    assert low["results"] and low["total"]["value"] == 0 and not any(r["match"] for r in low["results"])
    (kb,) = match(client, q, exclude_dataset="ofac").json()["responses"]["a"]["results"]  # the graph's claim remains
    assert kb["id"] == "kb-rostec" and kb["chipwatch"]["reason"] == "review" and kb["chipwatch"]["claims"]
    assert not match(client, q, exclude_dataset=["ofac", "kb"]).json()["responses"]["a"]["results"]
    assert not match(client, q, topics="debarment").json()["responses"]["a"]["results"]
    assert not match(client, q, exclude_schema="Organization").json()["responses"]["a"]["results"]
    assert not match(client, q, exclude_entity_ids="ofac-17260").json()["responses"]["a"]["results"]
    assert not match(client, q, changed_since="2030-01-01").json()["responses"]["a"]["results"]
    assert match(client, q, "ofac").json()["responses"]["a"]["results"][0]["datasets"] == ["ofac"]
    assert match(client, q, fuzzy="False").status_code == 200  # YenteEnricher sends it; yente ignores it


@pytest.mark.parametrize("body,params,status,fragment", [
    ({"queries": {"a": {"schema": "Company", "properties": {"name": ["x" * 1001]}}}}, {}, 400, "1,001 characters"),
    ({"queries": {"a": {"schema": "Company", "properties": {"name": [f"n{i}" for i in range(51)]}}}}, {}, 400, "51 values"),
    ({"queries": {str(i): {"schema": "Person", "properties": {"name": [f"a{i}-{j}" for j in range(50)]}}
                  for i in range(11)}}, {}, 400, "550 names in one request"),
    ({"queries": {"a": {"schema": "Sanction", "properties": {}}}}, {}, 400, "Non-matchable schema"),
    ({"queries": {"a": {"schema": "Company", "properties": {"name": ["X"]}}}}, {"limit": 501}, 422, None),
    ({"queries": {"a": {"properties": {"name": ["X"]}}}}, {}, 422, None),
])
def test_hostile_match_requests_are_refused_in_one_line(client, body, params, status, fragment):
    r = client.post("/match/default", json=body, params=params)
    assert r.status_code == status
    if fragment:
        assert fragment in r.json()["detail"]
    else:
        assert isinstance(r.json()["detail"], list)


def test_bodies_over_the_limit_are_refused_before_they_are_read(client):
    r = client.post("/match/default", content=b"{" + b" " * (3 * 2**20), headers={"content-type": "application/json"})
    assert r.status_code == 413 and "2 MB" in r.json()["detail"]
    r = client.post("/api/screen", content=b"x" * (2 * 2**20), headers={"content-type": "application/json"})
    assert r.status_code == 413


def test_a_long_name_costs_no_more_than_a_short_one(client):
    """Names are cut at 300 characters and 24 words: a 1,000-character name of 500 words is
    screened like any other (and finds nothing)."""
    from chipwatch.names.forms import MAX_TOKENS, name_forms

    assert all(len(f.tokens) <= MAX_TOKENS for f in name_forms("ab " * 500))
    r = match(client, {"a": {"schema": "Company", "properties": {"name": ["ab " * 333]}}})
    assert r.status_code == 200 and r.json()["responses"]["a"]["results"] == []


def test_entities_search_and_health(client):
    e = client.get("/entities/ofac-39178").json()
    assert e["schema"] == "Organization" and e["properties"]["sanctions"][0]["schema"] == "Sanction"
    assert client.get("/entities/ofac-39178", params={"nested": "false"}).json()["properties"].get("sanctions") is None
    assert client.get("/entities/nobody").json() == {"detail": "No such entity!"}
    s = client.get("/search/default", params={"q": "Baikal Electronics"}).json()
    assert s["results"][0]["id"] == "ofac-39178" and s["facets"]["countries"]["values"]
    assert client.get("/search/default", params={"q": "x", "schema": "Banana"}).status_code == 400
    assert client.get("/healthz").json() == {"status": "ok"} and client.get("/readyz").json() == {"status": "ok"}
    cat = client.get("/catalog").json()
    assert {"ofac", "ftm", "default"} <= set(cat["current"])
    assert client.get("/algorithms").json()["best"] == "chipwatch"


def test_rest_entities_and_search(client):
    r = client.get("/api/entities/baikal-electronics")
    assert r.status_code == 200 and r.json()["sanctions_status"] == "listed"
    assert client.get("/api/entities/nobody").status_code == 404
    assert client.get("/api/search", params={"q": "贝加尔电子"}).json()[0]["entity_id"] == "baikal-electronics"
    assert client.get("/openapi.json").status_code == 200
