"""Shared fixtures: the repository, the shared reference folder, built stores, a CLI runner."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
RUSSIA = REPO / "datasets" / "russia"
MINI = REPO / "tests" / "data" / "mini"
MINI_SHARED = REPO / "tests" / "data" / "shared"
SHARED = Path(os.environ.get("CHIPWATCH_SHARED", REPO.parent / "shared"))
SEED = SHARED / "seeds" / "000_ecfed2e30ae2ea88.txt"
# Seconds a command or a server start may take before the test fails: a ceiling against a
# hang, not a deadline; a busy 2-core machine renders a PDF report in minutes.
CEILING = float(os.environ.get("CHIPWATCH_TEST_CEILING", "1800"))
# The server's time budget per request (30 s) is no deadline for the tests either: they set
# the ceiling, in process and in every server they start (tests of the budget pass their own).
os.environ.setdefault("CHIPWATCH_REQUEST_BUDGET", str(CEILING))


def need_shared(*parts: str) -> Path:
    """A path inside ../shared, or skip the test saying what is missing."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"reference data {path} is absent (the shared folder beside the repo)")
    return path


class Result:
    def __init__(self, proc: subprocess.CompletedProcess):
        self.code, self.out, self.err = proc.returncode, proc.stdout, proc.stderr

    def __repr__(self) -> str:
        return f"<exit {self.code}\nstdout:\n{self.out}\nstderr:\n{self.err}>"


def run_cli(*args: str, db: Path | None = None, env: dict | None = None, cwd: Path | None = None) -> Result:
    """Run `chipwatch ARGS` in a fresh process, as a user would."""
    full_env = {**os.environ, "COLUMNS": "200", **(env or {})}
    cmd = [sys.executable, "-m", "chipwatch", *(["--db", str(db)] if db else []), *args]
    return Result(subprocess.run(cmd, capture_output=True, text=True, env=full_env, cwd=cwd or REPO, timeout=CEILING))


def assert_user_error(result: Result, *fragments: str) -> None:
    """Exit 1, no traceback, the last stderr line says what is wrong."""
    assert result.code == 1, result
    assert "Traceback" not in result.err, result
    last = result.err.strip().splitlines()[-1]
    for f in fragments:
        assert f in result.err, (f, result)
    assert last.startswith("error:") or ":" in last, result


@pytest.fixture(scope="session")
def russia_db(tmp_path_factory) -> Path:
    """The bundled dataset built into a store (needs the seed to check quotes)."""
    need_shared("seeds")
    from chipwatch.store import build_store

    db = tmp_path_factory.mktemp("russia") / "chipwatch.duckdb"
    build_store([RUSSIA], db, shared=SHARED)
    return db


@pytest.fixture(scope="session")
def reference_db(tmp_path_factory) -> Path:
    """The store `make run` builds: the bundled dataset with the reference dataset (node years)."""
    need_shared("seeds")
    from chipwatch.store import build_store

    db = tmp_path_factory.mktemp("reference") / "chipwatch.duckdb"
    build_store([RUSSIA, REPO / "datasets" / "reference"], db, shared=SHARED)
    return db


def cited_notes(body: str) -> set[int]:
    """The note numbers a report's HTML body cites, ranges (`[3–7, 9]`) expanded."""
    out: set[int] = set()
    for refs in re.findall(r'<sup class="refs">\[(.*?)\]</sup>', body):
        for part in re.sub(r"<[^>]+>", "", refs).split(", "):
            a, _, b = part.partition("–")
            out |= set(range(int(a), int(b or a) + 1))
    return out


@pytest.fixture(scope="session")
def cw(russia_db):
    import chipwatch

    with chipwatch.open(russia_db) as handle:
        yield handle


@pytest.fixture()
def mini(tmp_path) -> Path:
    """A writable copy of the minimal dataset (tests mutate it)."""
    dst = tmp_path / "mini"
    shutil.copytree(MINI, dst)
    return dst


@pytest.fixture()
def mini_env(monkeypatch) -> dict:
    monkeypatch.setenv("CHIPWATCH_SHARED", str(MINI_SHARED))
    return {"CHIPWATCH_SHARED": str(MINI_SHARED)}


@pytest.fixture(scope="session")
def lists_db(russia_db, tmp_path_factory) -> Path:
    """The bundled store with the OFAC 2024-05-03 list and the OpenSanctions ZALA cluster imported."""
    db = tmp_path_factory.mktemp("screen") / "store.duckdb"
    shutil.copyfile(russia_db, db)
    assert run_cli("lists", "import", "ofac", str(need_shared("data", "ofac", "sdn-2024-05-03.csv")), db=db).code == 0
    r = run_cli("lists", "import", "ftm", str(need_shared("data", "opensanctions", "zala.ftm.json")), "--date", "2026-06-01", db=db)
    assert r.code == 0, r
    return db


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(db: Path, *args: str):
    """`chipwatch serve` in a subprocess on a free loopback port, once it answers /readyz
    (however long a busy machine takes: the limits are the process dying and CEILING)."""
    port = free_port()
    log = open(db.with_suffix(".serve.log"), "w+b")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen([sys.executable, "-m", "chipwatch", "--db", str(db), "serve", "--port", str(port), *args],
                            stdout=log, stderr=subprocess.STDOUT, cwd=REPO)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + CEILING
    try:
        while True:
            try:
                with urllib.request.urlopen(base + "/readyz", timeout=60) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                pytest.fail(f"chipwatch serve did not answer /readyz (exit {proc.poll()}):\n"
                            f"{log.read().decode(errors='replace')}")
            time.sleep(0.1)  # the pause between two polls of /readyz
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="session")
def server(lists_db, tmp_path_factory):
    """A running explorer and API on a copy of the lists store."""
    db = tmp_path_factory.mktemp("serve") / "store.duckdb"
    shutil.copyfile(lists_db, db)
    with serving(db) as base:
        yield base
