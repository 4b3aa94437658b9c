"""The explorer's review page (behind the write token) and the entity page's sources that
disagree: list, show, accept, edit and reject candidates from the queue through the
library, in both languages, each page with its JSON twin."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from chipwatch.server import create_app

DATA = Path(__file__).parent / "data"
TOKEN = "review-secret"


@pytest.fixture
def queued(tmp_path, monkeypatch) -> tuple[Path, Path]:
    """The ingest fixture dataset with its three texts queued, and a store built from it."""
    from chipwatch.ingest import ingest
    from chipwatch.store import build_store

    (tmp_path / "shared" / "seeds").mkdir(parents=True)
    monkeypatch.setenv("CHIPWATCH_SHARED", str(tmp_path / "shared"))
    root = tmp_path / "ds"
    shutil.copytree(DATA / "ingest" / "dataset", root)
    for name, sid in (("zh.txt", "fx-zh"), ("en.html", "fx-en"), ("ru.txt", "fx-ru")):
        ingest(DATA / "ingest" / name, root, sid, meta={"url": f"https://example.invalid/{name}", "kind": "press_release"})
    db = tmp_path / "store.duckdb"
    build_store([root], db, shared=tmp_path / "shared")
    return root, db


def candidate(client: TestClient, source: str, predicate: str) -> str:
    rows = client.get("/review.json", headers={"Authorization": f"Bearer {TOKEN}"}).json()["candidates"]
    return next(c["id"] for c in rows if c["source"] == source and c["predicate"] == predicate)


def test_the_review_page_needs_the_write_token(queued):
    _, db = queued
    with TestClient(create_app(db)) as c:  # writes off: no review page at all
        r = c.get("/review?lang=zh-TW")
        assert r.status_code == 404 and "審查頁面需要以寫入模式啟動伺服器" in r.text
        assert c.get("/review.json").status_code == 404
    with TestClient(create_app(db, allow_write=True, token=TOKEN)) as c:
        r = c.get("/review?lang=zh-TW")
        assert r.status_code == 401 and 'id="review-login"' in r.text and "權杖" in r.text
        assert c.get("/review.json").status_code == 401
        assert c.get("/review.json", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert c.post("/review/login", data={"token": "wrong"}).status_code == 401
        assert c.post("/review/x/reject", data={"reason": "no"}).status_code == 401
        signed = c.post("/review/login?lang=zh-TW", data={"token": TOKEN}, follow_redirects=False)
        assert signed.status_code == 303 and signed.headers["location"] == "/review?lang=zh-TW"
        assert "httponly" in signed.headers["set-cookie"].lower() and "samesite=strict" in signed.headers["set-cookie"].lower()
        assert ">審查</a>" in r.text and "可寫入（需權杖）" in r.text  # the menu links the page where writes are on
        page = c.get("/review?lang=zh-TW")  # the cookie now signs the browser in
        assert page.status_code == 200 and "待審查清單" in page.text and page.headers["cache-control"] == "no-store"


def test_list_show_accept_edit_reject(queued):
    from chipwatch.review.queue import find

    root, db = queued
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    with TestClient(create_app(db, allow_write=True, token=TOKEN), headers=bearer) as c:
        listing = c.get("/review.json").json()
        assert listing["counts"]["pending"] == len(listing["candidates"]) > 0
        assert {x["source"] for x in listing["candidates"]} == {"fx-zh", "fx-en", "fx-ru"}
        assert c.get("/review.json?state=bogus").status_code == 400
        html = c.get("/review?lang=zh-TW").text
        assert "待審查" in html and "<q lang=\"" in html and "米克朗" in html and "65–250 奈米" in html  # names, values in words

        cid = candidate(c, "fx-zh", "process_range")  # 65–250 nm against the dataset's 90–180 nm
        shown = c.get(f"/review/{cid}.json").json()
        assert shown["quote"] and shown["disagrees_with"] and "mikron-process-range-fixture" in shown["disagrees_with"][0]
        page = c.get(f"/review/{cid}?lang=zh-TW").text
        assert "與既有陳述說法不一" in page and 'id="review-accept"' in page and shown["quote"] in page

        done = c.post(f"/review/{cid}/accept.json", data={"chapter": "fabrication", "disputed": "true"}).json()
        assert done["done"] == "accepted" and "mikron-process-range-fixture" in done["disagrees_with"][0]
        written = yaml.safe_load((root / "claims" / "fabrication.yaml").read_text(encoding="utf-8"))
        statuses = {x["id"]: x.get("status", "fact") for x in written}
        assert statuses == {"mikron-process-range-fixture": "fact", done["claim"]: "disputed"}  # both stay, one marked
        assert find(root, cid)[1].state == "accepted"
        again = c.post(f"/review/{cid}/accept", data={"chapter": "fabrication"})
        assert again.status_code == 400 and "accepted already" in again.text

        other = candidate(c, "fx-en", "sanctioned_by")
        r = c.post(f"/review/{other}/edit?lang=zh-TW", data={"valid_from": "2022-02-25"}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == f"/review/{other}?done=edited&lang=zh-TW"
        assert find(root, other)[1].valid_from == "2022-02-25"
        assert c.post(f"/review/{other}/edit.json", data={}).status_code == 400  # nothing to change: one line
        r = c.post(f"/review/{other}/reject", data={"reason": "a fixture figure"}, follow_redirects=True)
        assert r.status_code == 200 and "已退回" not in r.text  # English page
        assert "Rejected" in r.text and (find(root, other)[1].state, find(root, other)[1].note) == ("rejected", "a fixture figure")
        assert c.get("/review/no-such-candidate.json").status_code == 404


def test_entity_page_puts_disagreeing_claims_side_by_side(tmp_path):
    from chipwatch.store import build_store

    db = tmp_path / "disagree.duckdb"
    build_store([DATA / "disagree"], db, shared=DATA / "shared")
    with TestClient(create_app(db)) as c:
        data = c.get("/entity/fab-x.json?lang=zh-TW").json()
        pairs = {tuple(sorted(x["id"] for x in d["claims"])) for d in data["disagreements"]}
        assert ("fab-x-capacity-5000", "fab-x-capacity-6000") in pairs
        assert ("fab-x-process-range-a", "fab-x-process-range-b") in pairs
        assert all(len(d["claims"]) == 2 and d["what_label"] for d in data["disagreements"])
        html = c.get("/entity/fab-x?lang=zh-TW").text
        section = html[html.index('id="disagreements"'):html.index("</section>", html.index('id="disagreements"'))]
        for text in ("來源說法不一", "5,000 片 8 吋約當晶圓／月", "6,000 片 8 吋約當晶圓／月", "65–250 奈米", "90–180 奈米",
                     "Fab X makes 5000 wafers a month.", "Fab X makes 6000 wafers a month.", "note-a", "note-b", "2023 年"):
            assert text in section, text
        assert 'class="side-by-side"' in section and '<blockquote lang="en">' in section
        assert "disagreements" not in c.get("/entity/nitol.json").json() or not c.get("/entity/nitol.json").json()["disagreements"]
