"""Entity search by name (store.search): its scores, and the same answers through
Store.search, the REST API and a server of several worker processes."""

from __future__ import annotations

import json
import urllib.request
from urllib.parse import quote

import pytest
from conftest import serving

from chipwatch.store.search import NameSearch, score


def test_scores_equal_contained_containing_and_alike():
    assert score("mikron", "mikron") == 1.0
    assert score("baikalelectronics", "baikal") == pytest.approx(0.7 + 0.25 * 6 / 17)  # the name holds the query
    assert score("smic", "smicchina") == pytest.approx(0.6 + 0.25 * 4 / 9)  # the query holds the name
    assert score("mikrom", "mikron") == pytest.approx(0.9 * 0.9333, abs=1e-3)  # one letter off: Jaro-Winkler
    assert score("tsmc", "baikal") == 0.0  # far apart: below the floor, no score


def test_an_entity_comes_once_with_its_best_name_best_first():
    ns = NameSearch((("baikalelectronics", "Baikal Electronics", "baikal"), ("baikal", "Baikal", "baikal"),
                     ("baikalm", "Baikal-M", "baikal-m"), ("tsmc", "TSMC", "tsmc")),
                    {"baikal": ("Baikal Electronics", "貝加爾電子", "company"), "baikal-m": ("Baikal-M", None, "product"),
                     "tsmc": ("TSMC", "台積電", "company")})
    got = ns.search("Baikal")
    assert [(r["entity_id"], r["name"], r["score"]) for r in got] == [
        ("baikal", "Baikal", 1.0), ("baikal-m", "Baikal-M", round(0.7 + 0.25 * 6 / 7, 3))]
    assert ns.search("Baikal", limit=1) == got[:1]
    assert ns.search("  ") == [] and ns.search("zzzz") == []


def test_search_in_any_script_through_the_store(cw):
    for text in ("貝加爾電子", "贝加尔电子", "Байкал Электроникс", "Baikal Electronics"):
        found = cw.store.find(text, 5)
        assert found and found[0]["entity_id"] == "baikal-electronics", (text, found)
    frame = cw.search("米克朗", 5)
    assert list(frame.columns) == ["entity_id", "label_en", "label_zh", "type", "name", "score"]
    assert frame.to_dict("records") == cw.store.find("米克朗", 5)


@pytest.mark.slow
def test_a_server_of_two_worker_processes_answers(russia_db, tmp_path):
    db = tmp_path / "store.duckdb"
    db.write_bytes(russia_db.read_bytes())
    with serving(db, "--workers", "2") as base:
        answers = []
        for _ in range(20):
            with urllib.request.urlopen(f"{base}/api/search?q={quote('米克朗')}", timeout=60) as r:
                answers.append(json.loads(r.read()))
        assert all(a and a[0]["entity_id"] == "mikron" for a in answers)
        with urllib.request.urlopen(f"{base}/readyz", timeout=60) as r:
            assert r.status == 200
