"""One writer at a time: concurrent writers as real processes lose nothing, `--no-wait`
fails clearly, kill -9 mid-write leaves the old store (or the new), stale temp files go
on the next write, and an I/O error while writing leaves the store as it was."""

from __future__ import annotations

import errno
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import MINI, MINI_SHARED, REPO, assert_user_error, run_cli

from chipwatch.errors import ChipwatchError
from chipwatch.store import Store, build_store
from chipwatch.store.lists import import_list
from chipwatch.store.lock import lock_path, remove_stale, temp_path, writing

ENV = {**os.environ, "CHIPWATCH_SHARED": str(MINI_SHARED), "COLUMNS": "200"}
HEADER = "Name\tStreet_Address\tCity\tState\tCountry\tPostal_Code\tEffective_Date\tExpiration_Date\n"
NAMES = ("Baikal Trading House", "OOO Romashka", "Mikron Components")


def _list_file(folder: Path) -> Path:
    """A small BIS list; every import of it under another --date is another version."""
    path = folder / "dpl.txt"
    path.write_text(HEADER + "".join(f"{n}\tSt\tCity\t\tRU\t1\t01/01/2023\t\n" for n in NAMES), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def warm(tmp_path_factory) -> tuple[Path, Path]:
    """The mini store with one list version, so later imports know the list's words (fast)."""
    folder = tmp_path_factory.mktemp("lock")
    db, listed = folder / "base.duckdb", _list_file(folder)
    build_store([MINI], db, shared=MINI_SHARED)
    r = run_cli("lists", "import", "bis", str(listed), "--date", "2020-01-01", db=db)
    assert r.code == 0, r
    return db, listed


@pytest.fixture()
def store(warm, tmp_path) -> Path:
    db = tmp_path / "store.duckdb"
    shutil.copyfile(warm[0], db)
    return db


def _writer(db: Path, listed: Path, date: str, *opts: str, **kw) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "chipwatch", "--db", str(db), *opts, "lists", "import", "bis", str(listed), "--date", date]
    return subprocess.Popen(cmd, env=ENV, cwd=REPO, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def _versions(db: Path) -> set[str]:
    with Store(db) as s:
        return set(s.list_versions())


def _temps(db: Path) -> list[str]:
    """Temp stores and the lock file: none outlives a write."""
    return sorted(p.name for p in db.parent.glob(f".{db.name}.*"))


def test_writers_queued_on_the_lock_all_land(store, warm):
    dates = ["2021-01-01", "2021-01-02", "2021-01-03"]
    with writing(store):  # this test is the writer the others wait for
        procs = [_writer(store, warm[1], d) for d in dates]
        for p in procs:
            assert p.stderr.readline().startswith(f"waiting for another writer (pid {os.getpid()}) to finish with")
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    assert _versions(store) == {"bis-2020-01-01", *(f"bis-{d}" for d in dates)}
    assert _temps(store) == []


@pytest.mark.slow
def test_simultaneous_writers_lose_nothing(store, warm):
    """Five trials of two list imports and a rebuild started at once (the rebuild carries the lists over)."""
    expected = {"bis-2020-01-01"}
    for trial in range(5):
        dates = [f"2022-0{trial + 1}-01", f"2022-0{trial + 1}-02"]
        procs = [_writer(store, warm[1], d) for d in dates]
        procs.append(subprocess.Popen([sys.executable, "-m", "chipwatch", "--db", str(store), "build", str(MINI)],
                                      env=ENV, cwd=REPO, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE))
        for p in procs:
            assert p.communicate(timeout=120) and p.returncode == 0, p.stderr
        expected |= {f"bis-{d}" for d in dates}
        assert _versions(store) == expected, f"trial {trial}"
    assert _temps(store) == []


def test_no_wait_fails_at_once_and_readers_never_wait(store, warm):
    before = store.read_bytes()
    with writing(store):
        started = time.monotonic()
        for args in (("lists", "import", "bis", str(warm[1]), "--date", "2021-05-05"), ("build", str(MINI))):
            r = run_cli("--no-wait", *args, db=store, env=ENV)
            assert_user_error(r, f"another writer (pid {os.getpid()}) is changing the store", "--no-wait")
            assert len(r.err.strip().splitlines()) == 1
        r = run_cli("lists", "--json", db=store, env=ENV)
        assert r.code == 0 and "bis-2020-01-01" in r.out, r
        assert time.monotonic() - started < 60
    assert store.read_bytes() == before


def _kill_while_writing(db: Path, listed: Path, date: str) -> bool:
    """Start an import, kill -9 it once its temp store exists; False if it finished first."""
    p = _writer(db, listed, date)
    tmp = db.with_name(f".{db.name}.building-{p.pid}")
    while p.poll() is None and not tmp.exists():
        time.sleep(0.002)
    p.kill()
    p.communicate()
    return p.returncode == -signal.SIGKILL


def test_kill_mid_write_leaves_the_old_store_and_the_next_write_cleans_up(store, warm):
    before = store.read_bytes()
    assert any(_kill_while_writing(store, warm[1], "2021-06-01") for _ in range(5))
    assert store.read_bytes() == before
    assert any(".building-" in t for t in _temps(store)) and lock_path(store).exists()  # the dead writer's copy …
    r = run_cli("lists", "import", "bis", str(warm[1]), "--date", "2021-06-02", db=store, env=ENV)
    assert r.code == 0, r
    assert _temps(store) == []  # … is removed by the next write
    assert _versions(store) == {"bis-2020-01-01", "bis-2021-06-02"}


def test_kill_at_random_times_leaves_the_store_old_or_new(store, warm):
    rng = random.Random(11)
    for i in range(4):
        known, date = _versions(store), f"2021-07-0{i + 1}"
        p = _writer(store, warm[1], date)
        time.sleep(rng.uniform(0.3, 1.5))
        p.kill()
        p.communicate()
        assert _versions(store) in (known, known | {f"bis-{date}"})  # opens as a store: old or new
    r = run_cli("lists", "import", "bis", str(warm[1]), "--date", "2021-07-09", db=store, env=ENV)
    assert r.code == 0 and _temps(store) == [], r


def test_stale_temp_files_go_only_when_their_process_is_dead(tmp_path):
    db = tmp_path / "s.duckdb"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        names = [f".s.duckdb.building-{int(dead.stdout)}", f".s.duckdb.building-{int(dead.stdout)}.wal",
                 f".s.duckdb.building-{live.pid}", ".s.duckdb.building-x"]
        for n in names:
            (tmp_path / n).write_bytes(b"x")
        with writing(db):
            assert remove_stale(db) == []  # taking the lock already removed the dead one's files
        assert sorted(p.name for p in tmp_path.glob(".s.duckdb.building-*")) == sorted(names[2:])
    finally:
        live.kill()
        live.wait()


def _fail(exc: OSError):
    def raise_(*_a, **_k):
        raise exc
    return raise_


@pytest.mark.parametrize("target", ["shutil.copyfile", "os.fsync", "os.replace"])
def test_an_os_error_while_writing_leaves_the_store_as_it_was(store, warm, monkeypatch, target):
    before = store.read_bytes()
    module, name = target.split(".")
    monkeypatch.setattr(sys.modules[module], name, _fail(OSError(errno.ENOSPC, "No space left on device")))
    with pytest.raises(ChipwatchError) as caught:
        import_list(store, "bis", warm[1], "2021-08-01")
    monkeypatch.undo()
    message = str(caught.value)
    assert "\n" not in message and len(message) < 400
    assert all(s in message for s in (temp_path(store).name, "No space left on device", f"{store} is unchanged", "free disk space"))
    assert store.read_bytes() == before and _temps(store) == []


def test_a_full_disk_during_a_list_import_is_one_line(store, warm):
    """A real write failure: the file size limit (EFBIG) cuts DuckDB's checkpoint short."""
    before = store.read_bytes()

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        cap = len(before) + 64 * 1024
        resource.setrlimit(resource.RLIMIT_FSIZE, (cap, cap))

    p = _writer(store, warm[1], "2021-09-01", preexec_fn=limit)
    out, err = p.communicate(timeout=120)
    assert p.returncode == 1 and "Traceback" not in err, err
    (line,) = err.strip().splitlines()
    assert line.startswith("error: ") and "File too large while writing its new copy" in line, line
    assert store.read_bytes() == before and _temps(store) == []


def test_a_writer_may_nest_writes_on_its_own_lock(store, warm):
    with writing(store):
        import_list(store, "bis", warm[1], "2021-10-01")
    assert "bis-2021-10-01" in _versions(store)
