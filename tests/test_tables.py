"""The explorer's tables (server/tables.py): paging, sorting, filters and CSV/JSON downloads
at GET URLs, for claims, list versions, a list's entries, list diffs and screening results."""

import csv
import io

import pytest
from fastapi.testclient import TestClient

from chipwatch.errors import ChipwatchError
from chipwatch.server import create_app
from chipwatch.server.tables import Table, download, page

ROWS = [{"id": "a", "n": 3, "tags": ["x", "y"], "who": "Mikron"}, {"id": "b", "n": None, "tags": [], "who": "Baikal"},
        {"id": "c", "n": 10, "tags": ["y"], "who": "Angstrom"}, {"id": "d", "n": 1, "tags": ["x"], "who": "mikron"}]


def table() -> Table:
    return Table("t", ["id", "n", "tags", "who"], ROWS, ("tags", "who"), "id", {"keep": "1"})


def test_paging_sorting_filters_and_links():
    got = page(table(), {"per_page": "2", "page": "2"})
    assert [r["id"] for r in got["rows"]] == ["c", "d"] and (got["pages"], got["first"], got["last"]) == (2, 3, 4)
    assert got["links"]["previous"] == "?keep=1&per_page=2&sort=id" and got["links"]["next"] is None
    by_n = page(table(), {"sort": "n"})
    assert [r["id"] for r in by_n["rows"]] == ["d", "a", "c", "b"]  # numbers by value, the empty cell last
    assert [r["id"] for r in page(table(), {"sort": "n", "desc": "1"})["rows"]] == ["c", "a", "d", "b"]
    assert by_n["links"]["sort"]["n"] == "?keep=1&sort=n&desc=1" and by_n["links"]["sort"]["who"] == "?keep=1&sort=who"
    assert [r["id"] for r in page(table(), {"who": "MIKRON"})["rows"]] == ["a", "d"]  # exact, any case
    assert [r["id"] for r in page(table(), {"tags": "y"})["rows"]] == ["a", "c"]  # a list cell matches one of its items
    assert [r["id"] for r in page(table(), {"q": "ngst"})["rows"]] == ["c"]
    assert page(table(), {"q": "zzz"})["matching"] == 0
    assert page(table(), {})["choices"] == {"tags": ["x", "y"], "who": ["Angstrom", "Baikal", "Mikron"]}
    assert page(table(), {"lang": "zh-TW", "per_page": "1"})["links"]["next"] == "?keep=1&per_page=1&lang=zh-TW&sort=id&page=2"
    for bad in ({"sort": "nope"}, {"page": "9"}, {"per_page": "0"}, {"page": "x"}):
        with pytest.raises(ChipwatchError):
            page(table(), bad)


def test_downloads_are_every_matching_row_sorted():
    body, media, name = download(table(), {"per_page": "1", "sort": "who"}, "csv")
    assert media.startswith("text/csv") and name == "t.csv"
    assert list(csv.reader(io.StringIO(body))) == [["id", "n", "tags", "who"], ["c", "10", "y", "Angstrom"],
                                                   ["b", "", "", "Baikal"], ["a", "3", "x; y", "Mikron"],
                                                   ["d", "1", "x", "mikron"]]
    body, media, _ = download(table(), {"tags": "x"}, "json")
    import json
    assert media == "application/json" and json.loads(body) == [ROWS[0], ROWS[3]]
    with pytest.raises(ChipwatchError):
        download(table(), {}, "xml")


@pytest.fixture(scope="module")
def client(lists_db):
    with TestClient(create_app(lists_db)) as c:
        yield c


def test_claims_page_pages_sorts_filters_and_downloads(client, cw):
    total = len(cw.claims())
    data = client.get("/claims.json?per_page=10&page=2&sort=subject").json()["table"]
    assert data["total"] == total and len(data["rows"]) == 10 and data["pages"] == -(-total // 10)
    subjects = [r["subject"] for r in client.get(f"/claims.json?per_page={total}&sort=subject").json()["table"]["rows"]]
    assert subjects == sorted(subjects, key=str.casefold)
    planned = client.get("/claims.json?status=planned&per_page=500").json()["table"]
    expected = set(cw.claims(status="planned")["id"])
    assert {r["id"] for r in planned["rows"]} == expected and planned["matching"] == len(expected)
    r = client.get("/claims?status=planned&format=csv")
    assert r.headers["content-type"].startswith("text/csv") and 'filename="claims.csv"' in r.headers["content-disposition"]
    got = list(csv.DictReader(io.StringIO(r.text)))
    assert {x["id"] for x in got} == expected and all(x["status"] == "planned" for x in got)
    html = client.get("/claims?lang=zh-TW&status=planned").text
    assert "<title>全部陳述 · " in html and 'href="/claims?status=planned&amp;lang=zh-TW&amp;sort=id&amp;format=csv"' in html
    assert 'href="/claims?status=planned&amp;lang=zh-TW&amp;sort=subject"' in html  # a header sorts, keeping the filter
    # few values: a list, each value said by its label in the page's language
    assert '<select name="status"><option value=""></option><option value="disputed">有爭議</option>' in html
    assert '<option value="planned" selected>計劃</option>' in html


def test_lists_entries_and_diff(client, lists_db):
    import chipwatch

    with chipwatch.open(lists_db) as cw:
        n = cw.store.con.execute("SELECT count(*) FROM list_entries WHERE version = 'ofac-2024-05-03'").fetchone()[0]
    versions = client.get("/lists.json").json()
    assert {r["id"] for r in versions["table"]["rows"]} == {"ofac-2024-05-03", "ftm-2026-06-01"}
    assert 'href="/lists/ofac-2024-05-03"' in client.get("/lists").text
    home = client.get("/").text  # the home page leads to the lists and the claims table
    assert 'href="/lists/ofac-2024-05-03"' in home and 'href="/claims" id="home-claims"' in home
    found = client.get("/lists/ofac-2024-05-03.json?q=baikal electronics").json()["table"]
    assert [r["list_id"] for r in found["rows"]] == ["39178"]
    first = client.get("/lists/ofac-2024-05-03.json").json()["table"]
    assert first["total"] == n and len(first["rows"]) == 50 and first["links"]["next"] == "?page=2"
    prog = client.get("/lists/ofac-2024-05-03?programs=RUSSIA-EO14024&format=csv").text
    rows = list(csv.DictReader(io.StringIO(prog)))
    assert rows and all("RUSSIA-EO14024" in r["programs"].split("; ") for r in rows)
    assert client.get("/lists/no-such-version").status_code == 404
    diff = client.get("/lists/diff.json?old=ftm-2026-06-01&new=ofac-2024-05-03&change=removed&per_page=5").json()
    assert diff["counts"]["removed"] == 17 and diff["table"]["matching"] == 17
    assert all(r["change"] == "removed" for r in diff["table"]["rows"])
    csv_rows = list(csv.DictReader(io.StringIO(
        client.get("/lists/diff?old=ftm-2026-06-01&new=ofac-2024-05-03&change=removed&format=csv").text)))
    assert len(csv_rows) == 17 and {r["change"] for r in csv_rows} == {"removed"}
    assert client.get("/lists/diff?old=x&new=ofac-2024-05-03").status_code == 404


def test_screening_results_have_a_shareable_url_and_csv(client):
    html = client.get("/screen?name=Baikal Electronics&name=Bakery Sunshine Ltd&lang=zh-TW").text
    assert 'id="screen-share" href="/screen?name=Baikal+Electronics&amp;name=Bakery+Sunshine+Ltd&amp;lang=zh-TW"' in html
    assert "<title>制裁名單篩查 · " in html and "39178" in html
    r = client.get("/screen?name=Baikal Electronics&name=Bakery Sunshine Ltd&format=csv")
    got = list(csv.DictReader(io.StringIO(r.text)))
    assert got[0]["query"] == "Baikal Electronics" and got[0]["list_id"] == "39178" and got[0]["reason"] == "listed"
    assert any(x["query"] == "Bakery Sunshine Ltd" for x in got)
    listed = client.get("/screen.json?name=Baikal Electronics&reason=listed").json()["table"]
    assert listed["rows"] and {x["reason"] for x in listed["rows"]} == {"listed"}
    posted = client.post("/screen.json", data={"names": "Baikal Electronics"}).json()  # the form post stays
    assert posted["results"][0]["hits"][0]["list_id"] == "39178" and posted["share"] == "?name=Baikal+Electronics"
    html = client.post("/screen", data={"names": "Baikal Electronics"}).text  # a pasted list gets its link
    assert 'id="screen-share" href="/screen?name=Baikal+Electronics"' in html and "name=Baikal+Electronics&amp;format=csv" in html
    upload = client.post("/screen", data={"column": "name"}, files={"file": ("n.csv", b"name\nBaikal Electronics\n", "text/csv")})
    assert "39178" in upload.text and 'id="screen-share"' not in upload.text  # no URL would bring an upload back


def test_screening_results_page_like_every_table(client):
    """A shared screening URL is paged, sorted and filtered at GET URLs that keep the names;
    a pasted list is one page with every row."""
    names = "name=Baikal Electronics&name=ROSTEK&name=Bakery Sunshine Ltd"
    every = client.get(f"/screen.json?{names}&sort=score&desc=1").json()["table"]
    assert every["matching"] >= 3 and [r["score"] for r in every["rows"] if r["score"] is not None] == \
        sorted((r["score"] for r in every["rows"] if r["score"] is not None), reverse=True)
    first = client.get(f"/screen.json?{names}&sort=score&desc=1&per_page=1").json()["table"]
    second = client.get(f"/screen.json?{names}&sort=score&desc=1&per_page=1&page=2").json()["table"]
    assert first["pages"] == every["matching"] and [first["rows"][0]["list_id"], second["rows"][0]["list_id"]] == \
        [every["rows"][0]["list_id"], every["rows"][1]["list_id"]]
    html = client.get(f"/screen?{names}&sort=score&desc=1&per_page=1&lang=zh-TW").text
    assert 'rel="next" href="/screen?name=Baikal+Electronics&amp;name=ROSTEK&amp;name=Bakery+Sunshine+Ltd' in html
    assert html.count('<tr class="hit') == 1 and "per_page=1" in html and "page=2" in html
    pasted = client.post("/screen.json", data={"names": "Baikal Electronics\nROSTEK\nBakery Sunshine Ltd"}).json()["table"]
    assert pasted["pages"] == 1 and len(pasted["rows"]) == every["matching"]


@pytest.mark.parametrize("url", ["/claims", "/lists", "/lists/ofac-2024-05-03", "/lists/diff?old=ftm-2026-06-01&new=ofac-2024-05-03"])
def test_table_pages_have_twins_and_both_languages(client, url):
    path, _, query = url.partition("?")
    for lang, label, words in (("en", "Home", "Download all matching rows"), ("zh-TW", "首頁", "下載全部符合列")):
        sep = "&" if query else "?"
        html = client.get(url + sep + "lang=" + lang).text
        assert f">{label}</a>" in html and words in html and f'type="application/json" href="{path}.json' in html
        twin = client.get(path + ".json" + ("?" + query if query else "")).json()["table"]
        assert twin["rows"] and set(twin["rows"][0]) >= set(twin["columns"])
        assert len(list(csv.reader(io.StringIO(client.get(url + sep + "format=csv").text)))) == twin["matching"] + 1


def test_chokepoints_table_sorts_filters_and_downloads(client, cw):
    from chipwatch.analysis.chokepoints import chokepoints

    found = chokepoints(cw.store, "2024", home="RU")
    data = client.get("/chokepoints.json?per_page=5").json()
    assert data["as_of"] == "2024" and data["table"]["total"] == len(found) and data["table"]["pages"] == -(-len(found) // 5)
    assert [r["rank"] for r in data["table"]["rows"]] == [1, 2, 3, 4, 5]
    single = client.get("/chokepoints.json?kind=single_source&sort=score&desc=1&per_page=500").json()["table"]
    assert single["matching"] == sum(f.kind == "single_source" for f in found) and {r["kind"] for r in single["rows"]} == {"single_source"}
    scores = [r["score"] for r in single["rows"]]
    assert scores == sorted(scores, reverse=True)
    r = client.get("/chokepoints?kind=single_source&format=csv")
    assert 'filename="chokepoints-ru-2024.csv"' in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == single["matching"] and rows[0]["finding"].endswith(".")
    zh = client.get("/chokepoints?lang=zh-TW&kind=single_source").text
    assert "<title>瓶頸清單（2024 年） · " in zh and "單一來源" in zh  # downloads at a URL that names the period
    assert 'href="/chokepoints?as_of=2024&amp;country=RU&amp;kind=single_source&amp;lang=zh-TW&amp;sort=rank&amp;format=csv"' in zh
    assert 'id="chokepoints-table-link" href="/chokepoints?as_of=2024&amp;lang=zh-TW"' in client.get("/analysis?lang=zh-TW").text
