"""Writers under stress: kill -9 at random times, and simultaneous writers.

    python bench/writers.py [--kills 20] [--runs 10] [--src OTHER/src]

Kill trials (per writer, `build` and `lists import`): the writer is killed at a random
time, half of them timed from the moment its temp store appears (so the kill lands while it
writes); the store is then `old` (bytes unchanged), `new` (the write is in it) or `other`,
and the next write must leave no temp file behind. Concurrent trials: two or three list
imports (and a rebuild) started together on a copy of the store; an import is lost if its
version is missing afterwards. `--src` runs the writers from another checkout's `src`
(e.g. the code before the lock) for comparison.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[1]
MINI, SHARED = REPO / "tests" / "data" / "mini", REPO / "tests" / "data" / "shared"
HEADER = "Name\tStreet_Address\tCity\tState\tCountry\tPostal_Code\tEffective_Date\tExpiration_Date\n"
NAMES = ("Baikal Trading House", "OOO Romashka", "Mikron Components")


class Bench:
    def __init__(self, work: Path, src: Path | None):
        self.work, self.dates = work, (str(date(2000, 1, 1) + timedelta(days=i)) for i in range(10**5))
        self.env = {**os.environ, "CHIPWATCH_SHARED": str(SHARED), "PYTHONPATH": str(src or REPO / "src")}
        self.listed = work / "dpl.txt"
        self.listed.write_text(HEADER + "".join(f"{n}\tSt\tCity\t\tRU\t1\t01/01/2023\t\n" for n in NAMES), encoding="utf-8")
        self.base = work / "base.duckdb"
        for args in (["build", str(MINI)], self.list_args()):
            assert self.start(self.base, args).wait() == 0, args

    def list_args(self) -> list[str]:
        return ["lists", "import", "bis", str(self.listed), "--date", next(self.dates)]

    def start(self, db: Path, args: list[str]) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "chipwatch", "--db", str(db), *args], env=self.env, cwd=REPO,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def fresh(self, name: str) -> Path:
        db = self.work / name
        for old in self.work.glob(f"*{name}*"):
            old.unlink()
        shutil.copyfile(self.base, db)
        return db


def temps(db: Path) -> list[Path]:
    return list(db.parent.glob(f".{db.name}.building-*"))


def state(db: Path) -> tuple[str, set[str], str | None]:
    """(sha256, list versions, built_at) of a store, or ('other', …) if it does not open."""
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error:
        return "other", set(), None
    try:
        versions = {v for (v,) in con.execute("SELECT id FROM list_versions").fetchall()}
        built = con.execute("SELECT value FROM meta WHERE key = 'built_at'").fetchone()
        con.execute("SELECT count(*) FROM claims").fetchone()
    except duckdb.Error:
        return "other", set(), None
    finally:
        con.close()
    return hashlib.sha256(db.read_bytes()).hexdigest(), versions, built[0] if built else None


def timed(bench: Bench, args: list[str]) -> tuple[float, float]:
    """A writer's run time, and how long of it its temp store exists (the write)."""
    db = bench.fresh("timing.duckdb")
    t = time.perf_counter()
    p = bench.start(db, args)
    tmp, seen = db.with_name(f".{db.name}.building-{p.pid}"), None
    while p.poll() is None:
        if seen is None and tmp.exists():
            seen = time.perf_counter()
        time.sleep(0.001)
    assert p.wait() == 0
    end = time.perf_counter()
    return end - t, end - (seen or end)


def kill_trial(bench: Bench, writer: str, times: tuple[float, float], rng: random.Random, from_temp: bool) -> dict:
    db = bench.fresh("kill.duckdb")
    before = state(db)
    args = ["build", str(MINI)] if writer == "build" else bench.list_args()
    p = bench.start(db, args)
    tmp = db.with_name(f".{db.name}.building-{p.pid}")
    if from_temp:
        while p.poll() is None and not tmp.exists():
            time.sleep(0.001)
        time.sleep(rng.uniform(0, times[1]))
    else:
        time.sleep(rng.uniform(0.2, times[0] * 1.1))
    mid = tmp.exists()
    p.kill()
    p.wait()
    after = state(db)
    if after[0] == before[0]:
        outcome = "old"
    elif after[0] != "other" and (f"bis-{args[-1]}" in after[1] if writer != "build" else after[2] != before[2]):
        outcome = "new"
    else:
        outcome = "other"
    left = len(temps(db))
    next_ok = bench.start(db, bench.list_args()).wait() == 0
    return {"outcome": outcome, "mid_write": mid, "temp_after_kill": left, "next_ok": next_ok,
            "temp_after_next": len(temps(db))}


def concurrent_trial(bench: Bench, imports: int, build: bool) -> dict:
    db = bench.fresh("conc.duckdb")
    expected = state(db)[1]
    runs = [bench.list_args() for _ in range(imports)] + ([["build", str(MINI)]] if build else [])
    procs = [bench.start(db, args) for args in runs]
    errs = [p.communicate()[1] for p in procs]
    wanted = {f"bis-{a[-1]}" for a in runs if a[0] == "lists"}
    got = state(db)[1]
    return {"lost": len((wanted | expected) - got), "failed": sum(p.returncode != 0 for p in procs),
            "waited": sum("waiting for another writer" in e for e in errs), "temp": len(temps(db))}


def report_kills(bench: Bench, n: int, rng: random.Random) -> None:
    print(f"kill -9 trials ({n} per writer; half while the temp store exists (its appearance + up to the write's length), half at 0.2-1.1x the run time)")
    print(f"{'writer':<14}{'run s':>7}{'write s':>9}{'old':>5}{'new':>5}{'other':>7}{'mid-write':>11}{'temp after kill':>17}"
          f"{'next write ok':>15}{'temp after next':>17}")
    for writer in ("build", "lists import"):
        times = timed(bench, ["build", str(MINI)] if writer == "build" else bench.list_args())
        rows = [kill_trial(bench, writer, times, rng, i % 2 == 0) for i in range(n)]
        count = {k: sum(r["outcome"] == k for r in rows) for k in ("old", "new", "other")}
        print(f"{writer:<14}{times[0]:>7.2f}{times[1]:>9.2f}{count['old']:>5}{count['new']:>5}{count['other']:>7}"
              f"{sum(r['mid_write'] for r in rows):>11}{sum(r['temp_after_kill'] > 0 for r in rows):>17}"
              f"{sum(r['next_ok'] for r in rows):>15}{sum(r['temp_after_next'] > 0 for r in rows):>17}")


def report_concurrent(bench: Bench, n: int) -> None:
    print(f"\nconcurrent writers ({n} runs each, all started at once on a copy of the store)")
    print(f"{'writers':<26}{'imports':>9}{'lost':>6}{'failed':>8}{'waited':>8}{'temp left':>11}{'s/run':>7}")
    for imports, build in ((2, False), (3, False), (2, True)):
        t = time.perf_counter()
        rows = [concurrent_trial(bench, imports, build) for _ in range(n)]
        label = f"{imports} list imports" + (" + build" if build else "")
        print(f"{label:<26}{imports * n:>9}{sum(r['lost'] for r in rows):>6}{sum(r['failed'] for r in rows):>8}"
              f"{sum(r['waited'] for r in rows):>8}{sum(r['temp'] for r in rows):>11}{(time.perf_counter() - t) / n:>7.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kills", type=int, default=20, help="kill -9 trials per writer")
    ap.add_argument("--runs", type=int, default=10, help="runs per concurrent setting")
    ap.add_argument("--src", type=Path, help="run the writers from this src folder instead")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="writers-") as work:
        bench = Bench(Path(work), a.src)
        print(f"writers from {a.src or REPO / 'src'}; store {bench.base.stat().st_size / 1e6:.1f} MB (tests/data/mini + a list)\n")
        if a.kills:
            report_kills(bench, a.kills, random.Random(a.seed))
        if a.runs:
            report_concurrent(bench, a.runs)


if __name__ == "__main__":
    main()
