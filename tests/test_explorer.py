"""The explorer: pages and their JSON twins in both languages, the REST API, escaping of
untrusted text, upload limits, 404s, and the write endpoint behind --allow-write + token."""

import json
import shutil

import pytest
from conftest import run_cli
from fastapi.testclient import TestClient

from chipwatch.errors import ChipwatchError
from chipwatch.server import create_app

XSS = "<script>alert(1)</script>"
PAGES = ["/", "/entity/baikal-electronics", "/graph", "/analysis", "/scenario", "/screen", "/sources",
         "/source/cier-2025-yang", "/search?q=貝加爾"]


@pytest.fixture(scope="module")
def client(lists_db):
    with TestClient(create_app(lists_db)) as c:
        yield c


def twin_url(page: str) -> str:
    path, _, query = page.partition("?")
    return (path.rstrip("/") or "/index") + ".json" + ("?" + query if query else "")


@pytest.mark.parametrize("page", PAGES)
def test_every_page_has_a_json_twin_in_both_languages(client, page):
    for lang, label in (("en", "Home"), ("zh-TW", "首頁")):
        sep = "&" if "?" in page else "?"
        r = client.get(page + sep + "lang=" + lang)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html"), (page, r.text[:300])
        assert f">{label}</a>" in r.text
        assert f'type="application/json" href="{twin_url(page).split("?")[0]}' in r.text
        twin = client.get(twin_url(page) + ("&" if "?" in twin_url(page) else "?") + "lang=" + lang)
        assert twin.status_code == 200 and twin.headers["content-type"] == "application/json"
        assert isinstance(twin.json(), (dict, list))


def test_home_headlines_chain_and_sanctions(client):
    data = client.get("/index.json?lang=zh-TW").json()
    assert data["counts"]["claims"] > 300 and data["counts"]["entities"] > 100
    assert [s["stage"] for s in data["stages"]] == ["materials", "design", "fabrication", "cooperation"]
    assert data["stages"][0]["label"] == "半導體原材料" and all(s["entities"] for s in data["stages"])
    assert any(c["subject"] == "baikal-electronics" for c in data["sanctions"])
    pairs = [(d["subject"], d["authority"]) for d in data["sanctions"]]
    assert len(pairs) == len(set(pairs))  # one row per designation, not one per claim
    html = client.get("/?lang=zh-TW").text
    assert "制裁時間軸" in html and "貝加爾電子" in html
    listed = next(d for d in data["sanctions"] if d["listed_on"])
    assert "已列入" in html and listed["listed_on"] in html  # the list snapshots bound the dates, in the page's language


def test_entity_page_names_lists_claims_and_as_of(client):
    html = client.get("/entity/baikal-electronics").text
    for text in ("Baikal Electronics", "貝加爾電子", "39178", "RUSSIA-EO14024", "7707767484", 'class="badge status-planned"',
                 "上海微電子與貝加爾電子在 2021 年規畫投入 2.5 億美元", 'name="as_of"'):
        assert text in html, text
    data = client.get("/entity/baikal-electronics.json").json()
    assert data["sanctions_status"] == "listed" and data["lists"][0]["list_id"] == "39178"
    assert {g["predicate"] for g in data["groups"]} >= {"designs", "sanctioned_by"}
    then = client.get("/entity/tsmc.json?as_of=2021").json()
    now = client.get("/entity/tsmc.json?as_of=2024").json()
    fabricates = lambda d: {c["object"] for g in d["groups"] for c in g["claims"] if c["predicate"] == "fabricates"}  # noqa: E731
    assert "baikal-m" in fabricates(then) and "baikal-m" not in fabricates(now)
    zh = client.get("/entity/baikal-electronics?lang=zh-TW").text
    assert "列入制裁名單" in zh and "陳述" in zh and "據悉" in zh or "計劃" in zh


def test_analysis_page_in_chinese(client):
    html = client.get("/analysis?lang=zh-TW").text
    assert "瓶頸" in html and ("單一來源" in html or "網路中心性" in html) and "一致性檢查" in html


def test_error_pages_speak_the_page_language(client):
    r = client.get("/scenario?draws=999999&lang=zh-TW")
    assert r.status_code == 422 and "參數格式不符" in r.text and "參數 draws 不得超過 5,000。" in r.text
    assert "draws: give at most 5,000." in client.get("/scenario?draws=999999").text
    assert "缺少必要參數 old。" in client.get("/lists/diff?lang=zh-TW").text
    assert client.get("/scenario.json?draws=999999").json()["detail"][0]["type"] == "less_than_equal"  # JSON as before
    nope = client.get("/no/such/page?lang=zh-TW")
    assert nope.status_code == 404 and "找不到 /no/such/page 這個頁面。" in nope.text and "<title>404 找不到頁面 · " in nope.text
    assert client.get("/entity/nobody.json?lang=zh-TW").json() == {"detail": "找不到代號為「nobody」的實體。"}
    bad = client.get("/graph?status=bogus&lang=zh-TW").text  # a library's English detail, marked as English
    assert "請求內容有誤" in bad and '<span lang="en">status' in bad


def test_unknown_entity_is_a_404_page_and_a_json_error(client):
    r = client.get("/entity/nobody")
    assert r.status_code == 404 and "text/html" in r.headers["content-type"] and "nobody" in r.text
    r = client.get("/entity/nobody.json")
    assert r.status_code == 404 and r.json() == {"detail": "No entity with id 'nobody'."}
    assert client.get("/api/entities/nobody").status_code == 404
    assert client.get("/no/such/page").status_code == 404
    assert client.get("/source/nowhere.json").status_code == 404


def test_graph_filters(client):
    everything = client.get("/graph.json").json()
    facts = client.get("/graph.json?status=fact").json()
    companies = client.get("/graph.json?type=company&type=country").json()
    assert len(facts["edges"]) < len(everything["edges"]) and all(e["data"]["status"] == "fact" for e in facts["edges"])
    assert {n["data"]["type"] for n in companies["nodes"]} <= {"company", "country"}
    assert client.get("/graph.json?status=bogus").status_code == 400
    assert "/static/vendor/cytoscape.min.js" in client.get("/graph").text
    assert client.get("/static/vendor/cytoscape.min.js").status_code in (200, 404)  # 404 only without npm install


def test_scenario_page_runs_and_edits(client):
    data = client.get("/scenario.json?name=smic-stops&run=true&draws=100&seed=1").json()
    elbrus = next(b for b in data["bars"] if b["product"] == "elbrus-16s")
    assert elbrus["p95"] <= 0.05 and data["result"]["point"]["limits"]
    html = client.get("/scenario?name=smic-stops&run=true&draws=100&seed=1&lang=zh-TW").text
    assert "各產品需求滿足率" in html and "P5" in html and "工業控制晶片" in html  # products by their Chinese names
    assert "移除中芯國際" in html and "比例 — " in html  # what the scenario changes and why, units as words
    base = client.get("/scenario.json?name=baseline&run=true&draws=0").json()
    editable = next(a for a in base["assumptions"] if a["editable"] and a["name"].startswith("demand."))
    more = client.get(f"/scenario.json?name=baseline&run=true&draws=0&set.{editable['name']}={editable['central'] * 10}").json()
    assert more["values"] == {editable["name"]: editable["central"] * 10}
    assert client.get("/scenario.json?name=baseline&run=true&draws=0&set.nope=1").status_code == 400
    assert client.get("/scenario.json?name=baseline&run=true&draws=0&set.demand.baikal-m=lots").status_code == 400
    blank = client.get(f"/scenario.json?name=baseline&run=true&draws=0&set.{editable['name']}=").json()  # as the form sends it
    assert blank["values"] == {}
    assert client.get("/scenario.json?draws=999999").status_code == 422
    r = client.post("/api/scenarios/run", json={"name": "smic-stops", "draws": 50, "seed": 2})
    assert r.status_code == 200 and r.json()["montecarlo"]["draws"] == 50

    def msgs(x):  # every generated sentence in the result, wherever it sits
        if isinstance(x, dict):
            return [v for k, v in x.items() if k == "msg"] + [m for v in x.values() for m in msgs(v)]
        return [m for v in x for m in msgs(v)] if isinstance(x, list) else []
    said = msgs(r.json())
    assert said and all(isinstance(m, str) and m for m in said)  # said in English, not {code, values}
    assert client.post("/api/scenarios/run", json={"name": "smic-stops", "draws": 50_000}).status_code == 422


def test_screening_page_and_api(client):
    html = client.post("/screen", data={"names": "貝加爾電子\nBakery Sunshine Ltd"}).text
    assert "39178" in html and "listed" in html
    data = client.get("/screen.json", params={"q": "貝加爾電子"}).json()
    assert data["results"][0]["hits"][0]["list_id"] == "39178"
    r = client.post("/api/screen", json={"names": ["АО «МЦСТ»"]})
    assert r.status_code == 200 and r.json()["results"][0]["hits"][0]["list_id"] == "39180"
    assert r.json()["lists"][0]["date"] and r.json()["warnings"]  # the bundled 2024 snapshot is old
    upload = client.post("/api/screen/csv", files={"file": ("q.csv", "name\n貝加爾電子\n".encode("gbk"), "text/csv")})
    assert upload.status_code == 200 and upload.json()["results"][0]["hits"][0]["reason"] == "listed"


def test_screening_page_says_why_in_both_languages(client):
    """List versions with their dates, the age warning, the review reasons and an ownership
    chain naming the listed owner's entry — in English and in Traditional Chinese."""
    form = {"names": "ROSTEK\n烏拉爾稀土冶金公司"}
    en = client.post("/screen", data=form).text
    assert "ofac-2024-05-03</b> (May 3, 2024)" in en and "days old (more than 90)" in en
    rostek = client.post("/screen.json", data=form).json()["results"][0]["hits"][0]
    assert f"<td data-label=\"Score\">{rostek['score']:.2f}</td>" in en  # the reason says the score shown
    assert f"score {rostek['score']:.2f} is below 0.90: the names may belong to another party" in en
    assert "Rostec</b>" in en and "17260" in en and "share unknown" in en
    zh = client.post("/screen?lang=zh-TW", data=form).text
    assert "低於 0.90：名稱可能屬於另一方" in zh and "之後的列名未納入篩查" in zh and "持股比例不明" in zh
    assert "隸屬或受控於列名者" in zh and "<td data-label=\"名單\">知識圖譜" in zh


def test_upload_limits_give_a_clear_message(client):
    big = b"name\n" + b"x" * (2 * 2**20 + 10)
    r = client.post("/api/screen/csv", files={"file": ("big.csv", big, "text/csv")})
    assert r.status_code == 400 and "more than 2 MB" in r.json()["detail"]
    rows = "name\n" + "".join(f"Company {i}\n" for i in range(5001))
    r = client.post("/api/screen/csv", files={"file": ("rows.csv", rows.encode(), "text/csv")})
    assert r.status_code == 400 and "more than 5,000 rows" in r.json()["detail"]
    r = client.post("/screen", files={"file": ("rows.csv", rows.encode(), "text/csv")})
    assert r.status_code == 400 and "more than 5,000 rows" in r.text and "<html" in r.text
    r = client.post("/api/screen/csv", files={"file": ("q.csv", b"who\nX\n", "text/csv")})
    assert r.status_code == 400 and "no column 'name'" in r.json()["detail"]
    assert client.post("/api/screen", json={"names": []}).status_code == 422


def test_rest_api(client):
    claims = client.get("/api/claims", params={"subject": "mikron", "status": "fact"}).json()
    assert claims and all(c["subject"] == "mikron" and c["status"] == "fact" for c in claims)
    assert client.get("/api/claims", params={"status": "rumour"}).status_code == 422
    bad = client.get("/api/claims", params={"as_of": "2022-02-30"})
    assert bad.status_code == 400 and "as-of" in bad.json()["detail"]
    assert client.get("/api/claims", params={"as_of": "2022-13"}).status_code == 422
    assert client.get("/api/timeline", params={"predicate": "sanctioned_by"}).json()
    assert client.get("/api/neighbours/mikron").json()["edges"]
    assert client.get("/api/trace/baikal-m", params={"as_of": "2021"}).status_code == 200
    assert client.get("/api/chokepoints", params={"top": 3}).json()[0]["rank"] == 1
    assert client.get("/api/gap").json() and client.get("/api/check", params={"severity": "error"}).json()
    assert {s["name"] for s in client.get("/api/scenarios").json()} >= {"baseline", "smic-stops"}
    assert client.get("/api/scenarios/nope").status_code == 404
    assert client.get("/api/sources").json() and client.get("/api/sources/cier-2025-yang").json()["claims"]
    assert client.get("/api/entities/baikal-electronics").json()["sanctions_status"] == "listed"
    assert client.get("/api/search", params={"q": "贝加尔电子"}).json()[0]["entity_id"] == "baikal-electronics"


def test_responses_are_cached(client):
    client.get("/sources.json")
    assert client.get("/sources.json").headers.get("x-chipwatch-cache") == "hit"


def test_no_write_endpoint_without_allow_write(client, lists_db):
    assert client.post("/api/lists/ofac", files={"file": ("x.csv", b"x", "text/csv")}).status_code in (404, 405)
    with pytest.raises(ChipwatchError, match="needs --token"):
        create_app(lists_db, allow_write=True)


def test_untrusted_text_is_escaped(russia_db, tmp_path):
    """A list entry and a dataset entity named <script>…: shown as text on every page."""
    db = tmp_path / "store.duckdb"
    shutil.copyfile(russia_db, db)
    line = {"id": "x1", "schema": "Company", "properties": {"name": [XSS + " Trading"], "topics": ["sanction"]}}
    path = tmp_path / "evil.ftm.json"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    with TestClient(create_app(db, allow_write=True, token="s3cret")) as c:
        files = {"file": ("evil.ftm.json", path.read_bytes(), "application/json")}
        assert c.post("/api/lists/ftm", files=files, data={"date": "2026-01-01"}).status_code == 401
        assert c.post("/api/lists/ftm", files=files, data={"date": "2026-01-01"},
                      headers={"Authorization": "Bearer wrong"}).status_code == 401
        before = c.get("/index.json").json()["lists"]
        r = c.post("/api/lists/ftm", files=files, data={"date": "2026-01-01"}, headers={"Authorization": "Bearer s3cret"})
        assert r.status_code == 200, r.text
        assert c.get("/index.json").json()["lists"] == [*before, "ftm-2026-01-01"]  # the cache was cleared
        html = c.post("/screen", data={"names": XSS + " Trading"}).text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and XSS not in html
        html = c.get("/screen", params={"q": XSS}).text
        assert XSS not in html
        assert XSS not in c.get("/search", params={"q": XSS}).text


def test_dataset_text_is_escaped(mini, mini_env, tmp_path):
    entities = mini / "entities.yaml"
    entities.write_text(entities.read_text(encoding="utf-8").replace("{en: Baikal Electronics,", "{en: '" + XSS + "',"),
                        encoding="utf-8")
    db = tmp_path / "mini.duckdb"
    assert run_cli("build", str(mini), db=db, env=mini_env).code == 0
    with TestClient(create_app(db)) as c:
        for page in ("/entity/baikal-electronics", "/", "/graph", "/source/mini-seed", "/search?q=baikal-electronics"):
            r = c.get(page)
            assert r.status_code == 200 and XSS not in r.text, page
        assert "&lt;script&gt;" in c.get("/entity/baikal-electronics").text
        assert c.get("/entity/baikal-electronics.json").json()["label_en"] == XSS


def test_analysis_page_pages_filters_and_states_its_period(client):
    data = client.get("/analysis.json?kind=single_source&top=5&offset=5").json()
    assert data["as_of"] == "2024" and data["kind"] == "single_source"  # the latest year the data covers
    assert len(data["chokepoints"]) == 5 and {f["kind"] for f in data["chokepoints"]} == {"single_source"}
    assert data["chokepoint_matching"] < data["chokepoint_count"] and data["previous_offset"] == 0
    html = client.get("/analysis?kind=single_source&top=5&offset=5").text
    assert 'id="period"' in html and "as of 2024" in html and "Findings 6–10 of" in html and 'rel="prev"' in html
    zh = client.get("/analysis?lang=zh-TW&q=LONGi").text
    assert "（2024 年）" in zh and "LONGi" in zh  # the year as the locale writes it
    api = client.get("/api/chokepoints?kind=single_source&top=3&offset=1&sort=rank").json()
    assert [f["rank"] for f in api] == [f["rank"] for f in client.get("/api/chokepoints?kind=single_source&top=4").json()][1:]
    assert client.get("/api/chokepoints?kind=nonsense").status_code == 422


def test_graph_is_an_entity_neighbourhood_grouped_by_stage_without_orphans(client, cw):
    """The graph page's twin: the best-connected company's neighbourhood by default, a radius,
    a focus by name in any script, stage groups, no entity without a relation, a legend and
    the same edges as table rows."""
    from chipwatch.graph.project import neighbourhood

    data = client.get("/graph.json").json()
    assert data["focus"] == "baikal-electronics" and data["radius"] == 1
    ids = {n["data"]["id"] for n in data["nodes"]}
    assert ids == set(neighbourhood(cw.graph(), "baikal-electronics", 1))  # every neighbour has its edge here
    linked = {e["data"][k] for e in data["edges"] for k in ("source", "target")}
    assert ids == linked and [n["data"]["id"] for n in data["nodes"] if n["data"]["focus"]] == ["baikal-electronics"]
    assert {g["data"]["id"] for g in data["groups"]} == {n["data"]["parent"] for n in data["nodes"]}
    assert {n["data"]["stage"] for n in data["nodes"]} <= {"materials", "design", "fabrication", "cooperation", "other"}
    assert len(data["rows"]) == len(data["edges"]) and {r["claim"] for r in data["rows"]} == {e["data"]["id"] for e in data["edges"]}
    assert {s["status"] for s in data["legend"]["statuses"]} == {e["data"]["status"] for e in data["edges"]}
    wider = client.get("/graph.json?focus=Микрон&radius=2&group=none").json()
    assert wider["focus"] == "mikron" and wider["groups"] == [] and "parent" not in wider["nodes"][0]["data"]
    assert len(wider["nodes"]) == len(set(neighbourhood(cw.graph(), "mikron", 2)))
    companies = client.get("/graph.json?focus=mikron&type=company").json()
    kept = {n["data"]["id"] for n in companies["nodes"]}
    assert all(n["data"]["type"] == "company" for n in companies["nodes"])
    assert kept == {e["data"][k] for e in companies["edges"] for k in ("source", "target")} | {"mikron"}  # no orphans
    whole = client.get("/graph.json?radius=0").json()
    assert whole["focus"] is None and len(whole["nodes"]) > len(wider["nodes"])
    assert all(n["data"]["id"] in {e["data"][k] for e in whole["edges"] for k in ("source", "target")} for n in whole["nodes"])
    assert client.get("/graph.json?radius=9").status_code == 422
    html = client.get("/graph?lang=zh-TW").text
    assert 'id="graph-legend"' in html and "產業鏈" in html and 'id="graph-table"' in html
    assert html.count('<tr>\n  <td data-label="起點">') == len(client.get("/graph.json?lang=zh-TW").json()["edges"])
