"""chipwatch benchmarks (`make bench`): each figure printed beside its target.

1. build of the bundled dataset (target <= 2 s)
2. chokepoint analysis over the ETO import (target <= 2 s)
3. build of a generated dataset, 100k entities and 1M claims (target <= 60 s, <= 4 GB peak)
4. `show` latency on that store (target <= 50 ms median), in-process API and CLI process

Options: --entities N --claims N to scale the generated dataset (e.g. for a quick run).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from generate import generate  # noqa: E402


def row(name: str, value: str, target: str) -> None:
    print(f"{name:<52} {value:>16}   target {target}")


def build_in_subprocess(dataset: Path, db: Path) -> tuple[float, float]:
    """Build in a child process; returns (seconds, peak RSS in GB of that process)."""
    code = ("import sys, time, json, resource; from chipwatch.store import build_store;"
            "t = time.perf_counter(); build_store([sys.argv[1]], sys.argv[2]);"
            "print(json.dumps({'s': time.perf_counter() - t,"
            " 'rss_kb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))")
    out = subprocess.run([sys.executable, "-c", code, str(dataset), str(db)], check=True,
                         capture_output=True, text=True).stdout
    res = json.loads(out.strip().splitlines()[-1])
    return res["s"], res["rss_kb"] / 1024 / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entities", type=int, default=100_000)
    ap.add_argument("--claims", type=int, default=1_000_000)
    args = ap.parse_args()
    from chipwatch.store import build_store

    print(f"chipwatch benchmarks — python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        times = []
        for _ in range(5):
            t = time.perf_counter()
            build_store([ROOT / "datasets" / "russia"], tmp / "russia.duckdb")
            times.append(time.perf_counter() - t)
        row("build bundled dataset (median of 5, in-process)", f"{statistics.median(times):.2f} s", "<= 2 s")

        eto = ROOT.parent / "shared" / "data" / "eto"
        if eto.is_dir():
            from chipwatch.analysis.chokepoints import chokepoints
            from chipwatch.importers.eto import DATASET, eto_dataset
            from chipwatch.store import Store, import_dataset
            from chipwatch.store.imports import known_entities

            t = time.perf_counter()
            import_dataset(tmp / "russia.duckdb", eto_dataset(eto, known_entities(tmp / "russia.duckdb", DATASET)))
            row("import ETO CSVs into the store", f"{time.perf_counter() - t:.2f} s", "(for reference)")
            with Store(tmp / "russia.duckdb") as store:
                times = []
                for _ in range(3):
                    t = time.perf_counter()
                    found = chokepoints(store)
                    times.append(time.perf_counter() - t)
            row(f"chokepoints over Russia + ETO ({len(found)} findings, median of 3)", f"{statistics.median(times):.2f} s", "<= 2 s")
        else:
            print("(ETO data absent: chokepoint benchmark skipped)")

        gen = tmp / "generated"
        t = time.perf_counter()
        generate(gen, args.entities, args.claims)
        print(f"(generated {args.entities:,} entities and {args.claims:,} claims as JSON lines in {time.perf_counter() - t:.1f} s)")
        db = tmp / "generated.duckdb"
        seconds, peak_gb = build_in_subprocess(gen, db)
        row(f"build generated ({args.entities:,} entities, {args.claims:,} claims)", f"{seconds:.1f} s", "<= 60 s")
        row("  peak memory of that build (max RSS)", f"{peak_gb:.2f} GB", "<= 4 GB")

        import chipwatch

        rng = random.Random(1)
        with chipwatch.open(db) as cw:
            ids = [f"e{rng.randrange(args.entities)}" for _ in range(200)]
            cw.entity_view(ids[0])  # warm up
            lat = []
            for eid in ids:
                t = time.perf_counter()
                cw.entity_view(eid)
                lat.append((time.perf_counter() - t) * 1000)
            names = [cw.store.entity(i)["label_zh"] for i in ids[:50]]
            lat_name = []
            for name in names:
                t = time.perf_counter()
                cw.entity_view(name)
                lat_name.append((time.perf_counter() - t) * 1000)
        lat.sort()
        row("show by id, API (median of 200)", f"{statistics.median(lat):.1f} ms", "<= 50 ms median")
        row("  p95", f"{lat[int(len(lat) * 0.95)]:.1f} ms", "")
        row("show by Chinese name, API (median of 50)", f"{statistics.median(lat_name):.1f} ms", "<= 50 ms median")
        cli = []
        for eid in ids[:5]:
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "chipwatch", "--db", str(db), "show", eid, "--json"],
                           check=True, capture_output=True)
            cli.append((time.perf_counter() - t) * 1000)
        row("show by id, CLI process incl. Python start (median of 5)", f"{statistics.median(cli):.0f} ms", "(for reference)")


if __name__ == "__main__":
    main()
