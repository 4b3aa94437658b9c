"""The server under abuse, one test per class the probe found (issue 11): bodies bounded
while they are read and before the token check, hostile input as one-line 4xx JSON, bounded
work and a time budget, a cache bounded in bytes, slow clients timed out, no links to other
hosts from the path, a strict bearer token, and a rebuilt store served without a restart.
Body limits, slow clients and links go through `chipwatch serve` (uvicorn) on loopback."""

from __future__ import annotations

import json
import os
import select
import shutil
import socket
import threading
import time
from pathlib import Path

import networkx as nx
import pytest
from conftest import serving
from fastapi.testclient import TestClient

from chipwatch.server import create_app
from chipwatch.server.cache import ByteLRU
from chipwatch.server.limits import BODY_IDLE, MB
from chipwatch.server.serve import HEAD, KEEP_ALIVE
from chipwatch.server.state import CURRENT, State
from chipwatch.server.views import MAX_DRAWS, MAX_NODES, bounded

TOKEN = "s3cret"


@pytest.fixture(scope="module")
def served(lists_db, tmp_path_factory):
    """`chipwatch serve --allow-write` on a copy of the lists store: (base URL, store path)."""
    db = tmp_path_factory.mktemp("abuse") / "store.duckdb"
    shutil.copyfile(lists_db, db)
    with serving(db, "--allow-write", "--token", TOKEN) as base:
        yield base, db


@pytest.fixture(scope="module")
def client(lists_db, tmp_path_factory):
    db = tmp_path_factory.mktemp("abuse-client") / "store.duckdb"
    shutil.copyfile(lists_db, db)
    with TestClient(create_app(db, allow_write=True, token=TOKEN), raise_server_exceptions=False) as c:
        yield c


def connect(base: str) -> socket.socket:
    host, port = base.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=120)


def answer(sock: socket.socket) -> tuple[int, dict]:
    """The status and the JSON body of the response on `sock` (read to its close)."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)


def one_line_json(r, status: int | tuple[int, ...]) -> dict:
    """A clean error: the status, a JSON body on one line, no traceback."""
    assert r.status_code in ((status,) if isinstance(status, int) else status), (r.status_code, r.text[:500])
    assert r.headers["content-type"].startswith("application/json") and "\n" not in r.text, r.text[:500]
    assert "Traceback" not in r.text
    return r.json()


# -- body limits ---------------------------------------------------------------------------------

def test_bodies_are_limited_while_read_and_before_the_token(served):
    base, _ = served
    # announced too big: 413 before a byte of the body is sent
    for path, extra in (("/api/screen", b""), ("/api/screen/csv", b""), ("/api/lists/ofac", b"Authorization: Bearer s3cret\r\n")):
        with connect(base) as s:
            s.sendall(b"POST " + path.encode() + b" HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + extra +
                      b"Content-Length: 300000000\r\n\r\n")
            status, body = answer(s)
            assert status == 413 and "larger than" in body["detail"], (path, body)
    # a write without the token: 401 before its body is read
    with connect(base) as s:
        s.sendall(b"POST /api/lists/ofac HTTP/1.1\r\nHost: x\r\nAuthorization: s3cret\r\nContent-Length: 1000000\r\n\r\n")
        status, body = answer(s)
        assert status == 401 and "Bearer" in body["detail"]
    # chunked, no length: counted as it arrives, refused soon after the 1 MB limit
    with connect(base) as s:
        s.sendall(b"POST /api/screen HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        chunk, sent = b"x" * 65536, 0
        while sent < 200 * MB and not select.select([s], [], [], 0)[0]:
            try:
                s.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            except OSError:
                break
            sent += len(chunk)
        status, body = answer(s)
        assert status == 413 and sent < 20 * MB, (status, sent)


# -- hostile input -------------------------------------------------------------------------------

BAD = (400, 413, 422)
FINE = (200, *BAD)  # input a parser may well read: an answer, or a clean error


@pytest.mark.parametrize("path,kwargs,statuses", [
    ("/api/screen/csv", {"files": {"file": (None, "not a file")}}, BAD),  # a text field named file
    ("/screen.json", {"files": {"file": (None, "not a file")}}, BAD),
    ("/api/screen", {"content": b'{"names": ["a"], "threshold": NaN}'}, BAD),
    ("/api/screen", {"content": b'{"names": ["\\ud800"]}'}, BAD),
    ("/api/scenarios/run", {"content": b'{"assumptions": {"\\ud800": NaN}}'}, BAD),
    ("/api/scenarios/run", {"content": b'{"draws": Infinity}'}, BAD),
    ("/match/default", {"content": b'{"queries": {"a": {"schema": "Company", "properties": {"name": ["\\ud800x"]}}}}'}, BAD),
    ("/match/default", {"content": b'{"queries": {"a": {"schema": "Company", "properties": {"name": ["a"]}}}, "weights": {"x": NaN}}'}, BAD),
    ("/match/default", {"content": b'{"queries": ' + b'[' * 5000 + b']' * 5000 + b'}'}, BAD),
    ("/api/screen/csv", {"files": {"file": ("a.csv", b"name\rAcme\rB\"x\r")}}, FINE),  # bare CR, open quote
    ("/api/screen/csv", {"files": {"file": ("a.csv", b"name\n" + b"x" * 200_000 + b"\n")}}, BAD),  # a field over 128 KB
    ("/api/screen/csv", {"files": {"file": ("a.csv", b"\x00\xff\xfe" * 1000)}}, FINE),
    ("/api/screen/csv", {"files": {"file": ("a.csv", b"")}}, BAD),
    ("/api/screen/csv", {"files": {"file": ("a.csv", b"other\nAcme\n")}}, BAD),
    ("/api/screen/csv", {"files": {"file": ("a.csv", "name\n\"Acme".encode("utf-16"))}}, FINE),
])
def test_hostile_input_is_a_clean_4xx(client, path, kwargs, statuses):
    headers = {"content-type": "application/json"} if "content" in kwargs else {}
    r = client.post(path, headers=headers, **kwargs)
    if r.status_code != 200 or 200 not in statuses:
        assert one_line_json(r, statuses)["detail"]


# -- bounded work --------------------------------------------------------------------------------

def test_work_per_request_is_bounded_and_the_cache_key_is_canonical(client, lists_db):
    one_line_json(client.post("/api/scenarios/run", json={"name": "baseline", "draws": MAX_DRAWS + 1}), 422)
    assert client.get("/scenario.json", params={"run": "1", "draws": MAX_DRAWS + 1}).status_code == 422
    g = nx.gnm_random_graph(MAX_NODES + 500, 3 * MAX_NODES, seed=1)
    assert bounded(g).number_of_nodes() == MAX_NODES and bounded(nx.path_graph(5)).number_of_nodes() == 5
    # one answer per set of parameters, whatever their order; another seed is another answer
    first = client.get("/scenario.json?run=1&draws=20&seed=1&name=baseline")
    assert first.status_code == 200 and first.headers.get("x-chipwatch-cache") is None
    again = client.get("/scenario.json?name=baseline&seed=1&draws=20&run=1")
    assert again.headers.get("x-chipwatch-cache") == "hit" and again.content == first.content
    other = client.get("/scenario.json?run=1&draws=20&seed=2&name=baseline")
    assert other.headers.get("x-chipwatch-cache") is None and other.json()["seed"] == 2
    # past its time budget a request is answered 503 in one line, whatever the route is doing
    with TestClient(create_app(lists_db, budget=0.2)) as slow:
        t = time.monotonic()
        r = slow.post("/api/scenarios/run", json={"name": "smic-stops", "draws": 2000, "seed": 5})
        assert "more than 0.2 s" in one_line_json(r, 503)["detail"] and r.headers["retry-after"]
        assert time.monotonic() - t < 10


def test_the_response_cache_is_bounded_in_bytes(client):
    lru = ByteLRU(10_000)
    for i in range(100):
        lru.put((0, f"/p{i}", ""), (200, b"x" * 1000, "text/html"))
        assert lru.size <= 10_000
    assert len(lru) < 10 and lru.get((0, "/p99", "")) is not None and lru.get((0, "/p0", "")) is None
    lru.put((0, "/huge", ""), (200, b"x" * 20_000, "text/html"))  # bigger than the whole cache: not kept
    assert lru.get((0, "/huge", "")) is None
    cache = client.app.state.chipwatch.cache
    cache.max_bytes = 300_000
    for q in range(40):  # a new URL each time: the cache keeps the newest that fit
        assert client.get("/sources.json", params={"x": str(q)}).status_code == 200
        assert cache.size <= 300_000
    assert len(cache) >= 1


# -- slow clients --------------------------------------------------------------------------------

def test_slow_clients_are_timed_out(served):
    base, _ = served
    got: dict[str, float | tuple] = {}

    def closed_after(name: str, request: bytes) -> None:
        with connect(base) as s:
            t = time.monotonic()
            s.sendall(request)
            data = b""
            while chunk := s.recv(65536):
                data += chunk
            got[name] = (time.monotonic() - t, data)

    cases = {"head": b"GET / HTTP/1.1\r\nHost: x\r\n",  # the head never ends
             "body": b"POST /api/screen HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 99\r\n\r\n{",
             "idle": b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"}  # answered, then the connection idles
    threads = [threading.Thread(target=closed_after, args=item) for item in cases.items()]
    for th in threads:
        th.start()
    for th in threads:
        th.join(300)
    (head_s, head), (body_s, body), (idle_s, idle) = got["head"], got["body"], got["idle"]
    assert head == b"" and HEAD - 1 <= head_s < HEAD + 60, head_s
    assert b" 408 " in body.split(b"\r\n")[0] and BODY_IDLE - 1 <= body_s < BODY_IDLE + 60, (body_s, body[:200])
    assert b" 200 " in idle.split(b"\r\n")[0] and KEEP_ALIVE - 1 <= idle_s < KEEP_ALIVE + 60, idle_s


# -- links and the token -------------------------------------------------------------------------

@pytest.mark.parametrize("path", [b"//evil.example/x", b"/%5Cevil.example/x", b"///evil.example/x?lang=zh-TW", b"/\\evil.example/x"])
def test_no_links_to_other_hosts_from_the_path(served, path):
    base, _ = served
    with connect(base) as s:
        s.sendall(b"GET " + path + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    text = data.decode("utf-8", "replace")
    assert " 404 " in text.split("\r\n")[0] or " 400 " in text.split("\r\n")[0], text[:300]
    for bad in ('href="//', "href='//", 'href="/\\', 'href="\\'):
        assert bad not in text, (bad, text[:2000])


def test_the_token_is_accepted_only_as_bearer(client):
    files = {"file": ("x.csv", b"x", "text/csv")}
    for header in (TOKEN, f"Basic {TOKEN}", f"Bearer{TOKEN}", f"Bearer  {TOKEN}", f"Bearer {TOKEN}x", "Bearer ", f"Token {TOKEN}"):
        r = client.post("/api/lists/ofac", files=files, headers={"Authorization": header})
        assert "Bearer" in one_line_json(r, 401)["detail"] and r.headers["www-authenticate"] == "Bearer", header
    assert client.post("/api/lists/ofac", files=files).status_code == 401
    for header in (f"Bearer {TOKEN}", f"bearer {TOKEN}"):  # the token passes; the file is no OFAC list
        one_line_json(client.post("/api/lists/ofac", files=files, headers={"Authorization": header}), 400)


# -- a rebuilt store -----------------------------------------------------------------------------

def test_the_server_switches_to_a_rebuilt_store(served, russia_db):
    base, db = served
    with connect(base) as s:
        s.sendall(b"GET /index.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert answer(s)[1]["lists"]
    new = db.with_name("rebuilt.duckdb")
    shutil.copyfile(russia_db, new)
    os.replace(new, db)  # as build and every import do
    with connect(base) as s:  # the next request, cached page or not, reads the new file
        s.sendall(b"GET /index.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert answer(s)[1]["lists"] == []


def test_requests_in_flight_finish_on_the_old_store(lists_db, russia_db, tmp_path):
    db = tmp_path / "store.duckdb"
    shutil.copyfile(lists_db, db)
    st = State(db)
    lists = "SELECT count(*) FROM list_versions"
    old = st.enter()  # a request in flight
    pinned = CURRENT.set(old)
    assert st.cw.store.con.execute(lists).fetchone()[0] > 0
    shutil.copyfile(russia_db, tmp_path / "new.duckdb")
    os.replace(tmp_path / "new.duckdb", db)
    st.refresh()
    assert st.cw.store.con.execute(lists).fetchone()[0] > 0  # still the old file, to its end
    CURRENT.reset(pinned)
    assert st.generation == 1 and st.cw.store.con.execute(lists).fetchone()[0] == 0  # a new request: the new file
    st.leave(old)
    assert old.retired and not old._opened  # closed with its last request
    (tmp_path / "broken.duckdb").write_bytes(b"not a store")
    os.replace(tmp_path / "broken.duckdb", db)
    st.refresh()  # refused: the last good store is kept
    assert st.generation == 1 and st.cw.store.con.execute(lists).fetchone()[0] == 0
    st.close()
    assert not list(Path(tmp_path).glob(".store.duckdb.serving-*"))
