"""chipwatch dependencies: what Russia sources from China, by stage, one line per item,
with the claims behind each line (CLI, API, page)."""

import json

import pytest
from conftest import assert_user_error, run_cli

from chipwatch.analysis.dependencies import dependencies, with_evidence
from chipwatch.errors import ChipwatchError


def test_russia_on_china_by_stage(cw):
    period, lines = dependencies(cw.store, "RU", "CN")
    assert period == "2024"
    by = {(x.stage, x.item): x for x in lines}
    assert by[("materials", "polysilicon")].claims == ["russia-depends-on-china-grey-silicon-imports"]
    assert by[("equipment", "etch-equipment")].providers == ["naura"]
    assert set(by[("equipment", "etch-equipment")].consumers) == {"mikron", "angstrom-t"}
    assert by[("equipment", "etch-equipment")].statuses == ["speculated"]
    assert by[("fabrication", "baikal-m")].providers == ["smic"]
    # one line per item, not one line lumping twelve
    assert len(by) == len(lines) and max(len({x.item}) for x in lines) == 1
    assert all(x.claims for x in lines)
    assert [x.stage for x in lines] == sorted((x.stage for x in lines), key=["materials", "equipment", "design",
                                                                             "fabrication", "technology", "general"].index)
    # a customer is no supplier: the government's orders do not show up; nor does the Soviet Union
    assert not any("russian-government" in x.providers or "soviet-union" in x.providers for x in lines)


def test_period_changes_the_answer(cw):
    _, before = dependencies(cw.store, "RU", "TW", "2021")
    _, after = dependencies(cw.store, "RU", "TW", "2024")
    assert {(x.item, tuple(x.providers)) for x in before} == {("baikal-m", ("tsmc",)), ("elbrus-16s", ("tsmc",))}
    assert after == []


def test_lines_carry_their_quotes(cw):
    _, lines = dependencies(cw.store, "RU", "CN")
    items = with_evidence(cw.store, lines)
    poly = next(x for x in items if x["item"] == "polysilicon")
    assert poly["evidence"][0]["quote"].startswith("不足的部分多仰賴中國大陸") and poly["evidence"][0]["status"] == "fact"


def test_unknown_country_is_one_line(cw, russia_db):
    with pytest.raises(ChipwatchError, match="--on XX"):
        dependencies(cw.store, "RU", "XX")
    assert_user_error(run_cli("dependencies", "--on", "XX", db=russia_db), "--on XX", "ISO alpha-2")
    assert_user_error(run_cli("dependencies", "--by", "item", db=russia_db), "--by item")


def test_cli_dependencies(russia_db):
    r = run_cli("dependencies", "--country", "RU", "--on", "CN", "--by", "stage", db=russia_db)
    assert r.code == 0 and "materials" in r.out and "NAURA" in r.out and "Russia on China as of 2024: " in r.out, r
    data = json.loads(run_cli("dependencies", "--on", "CN", "--json", db=russia_db).out)
    assert data["as_of"] == "2024" and any(x["item"] == "polysilicon" for x in data["lines"])


def test_dependencies_page_and_api(russia_db):
    from fastapi.testclient import TestClient

    from chipwatch.server import create_app

    with TestClient(create_app(russia_db)) as client:
        api = client.get("/api/dependencies?country=RU&on=CN").json()
        page = client.get("/dependencies.json?country=RU&on=CN").json()
        assert sum(len(s["lines"]) for s in page["stages"]) == len(api["lines"]) == page["count"]
        html = client.get("/dependencies?lang=zh-TW").text
        assert "自 中國 取得的供應" in html and "原材料" in html and "不足的部分多仰賴中國大陸" in html  # names, not CN
        en = client.get("/dependencies").text
        assert 'id="stage-equipment"' in en and "NAURA" in en
        assert client.get("/dependencies?on=XX").status_code in (400, 404, 422)
