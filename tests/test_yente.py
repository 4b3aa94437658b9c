"""yente's contract, checked by yente itself: a running chipwatch answers a real yente
client (tests/yente_client.py, run with yente 5.5 and the nomenklatura it pins, from PyPI in
a venv of their own: `make test` installs it as .venv-yente), every answer validated by
yente's pydantic models, and nomenklatura's YenteEnricher matches and expands. In this
venv too: every entity chipwatch sends is one FollowTheMoney accepts."""

from __future__ import annotations

import json
import os
import subprocess

import pytest
from conftest import REPO
from fastapi.testclient import TestClient

from chipwatch.server import create_app


def yente_python() -> str:
    exe = os.environ.get("CHIPWATCH_YENTE_PYTHON") or str(REPO / ".venv-yente" / "bin" / "python")
    if not os.path.exists(exe) or subprocess.run([exe, "-c", "import yente.data.common, nomenklatura.enrich.yente"],
                                                 capture_output=True).returncode:
        pytest.skip(f"yente is not installed in a venv of its own at {exe} (`make test` installs it: .venv-yente)")
    return exe


@pytest.fixture(scope="module")
def report(server) -> dict:
    r = subprocess.run([yente_python(), str(REPO / "tests" / "yente_client.py"), server + "/"], capture_output=True,
                       text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    return json.loads(r.stdout)


def test_match_answers_pass_yentes_model(report):
    m = report["match"]
    assert m["status"] == 200 and m["model"] == "ok", m["model"]
    assert m["top"]["zh"][0][:3] == ["ofac-39178", "Organization", True] and "sanction" in m["top"]["zh"][0][3]
    assert m["top"]["ru"][0][0] == "ofac-39180"
    assert m["top"]["person"][0][2] is True and {r[0] for r in m["top"]["person"]} >= {"ofac-45937"}
    assert m["top"]["inn"][0][0] == "ofac-39178"  # a query with an identifier only
    assert m["top"]["none"] == [] and m["top"]["vessel"] == []  # a vessel query never meets a company
    assert m["total"]["zh"] >= 1
    assert "Aleksandr Zakharov" in m["query"]["properties"]["alias"]  # names made from parts, echoed as yente does


def test_match_filters(report):
    f = report["match_filters"]
    assert f["status"] == 200 and f["model"] == "ok"
    assert f["results"] and all(ds == ["ofac"] for _, ds, _ in f["results"])
    assert f["results"][0][2] is True  # JSC MCST, exactly, clears even a 0.95 threshold


@pytest.mark.parametrize("name,status", [("no_dataset", 404), ("unknown_schema", 400), ("too_many", 400),
                                         ("no_queries", 400), ("algorithm", 400)])
def test_errors_pass_yentes_model(report, name, status):
    assert report[name]["status"] == status and report[name]["model"] == "ok", report[name]
    assert report[name]["detail"]


def test_malformed_requests_are_422_with_a_list(report):
    assert report["bad_value"] == {"status": 422, "is_list": True}
    assert report["limit"]["status"] == 422  # limit above yente's 500


def test_search_entities_catalog_algorithms_health(report):
    assert report["search"]["model"] == "ok" and report["search"]["ids"][0] == "ofac-39178"
    e = report["entity"]
    assert e["status"] == 200 and e["model"] == "ok" and e["sanctions"] == [["RUSSIA-EO14024"]]
    o = report["entity_ownership"]
    assert o["model"] == "ok" and [["51"], ["Aleksandr Vyacheslavovich Zakharov"]] in o["owners"]
    assert report["entity_missing"] == {"status": 404, "model": "ok"}
    for name in ("catalog", "algorithms", "healthz", "readyz"):
        assert report[name] == {"status": 200, "model": "ok"}, name


def test_nomenklatura_yente_enricher_matches_and_expands(report):
    e = report["enricher"]
    assert "error" not in e, e
    assert ("ofac-39178", "Organization", "BAIKAL ELECTRONICS JSC") in [tuple(m) for m in e["matches"]]
    assert any(schema == "Sanction" for schema, _ in e["expanded"])


def test_every_entity_sent_is_valid_followthemoney(lists_db):
    """Results, nested sanctions and ownerships: FollowTheMoney builds each one (an
    unknown property or a bad value type would raise)."""
    model = pytest.importorskip("followthemoney").model

    def proxies(entity: dict):
        yield entity
        for values in entity["properties"].values():
            for v in values:
                if isinstance(v, dict):
                    yield from proxies(v)

    with TestClient(create_app(lists_db)) as c:
        queries = {str(i): {"schema": s, "properties": {"name": [n]}} for i, (s, n) in enumerate(
            [("Company", "貝加爾電子"), ("Person", "Aleksandr Zakharov"), ("Organization", "Rostec"), ("Vessel", "Sea Star"),
             ("LegalEntity", "ООО «ЦСТ»")])}
        found = c.post("/match/default", json={"queries": queries}).json()["responses"]
        entities = [r for resp in found.values() for r in resp["results"]]
        entities += [c.get(f"/entities/{r['id']}").json() for r in entities[:12]]
    assert len(entities) > 10
    for entity in entities:
        for e in proxies(entity):
            proxy = model.get_proxy({"id": e["id"], "schema": e["schema"], "properties": e["properties"]}, cleaned=False)
            assert proxy.schema.name == e["schema"]
