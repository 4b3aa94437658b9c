"""Everyday speed (issue 14): whole commands as a user runs them, each a fresh process,
timed from start to exit (median of N runs), beside the issue's target and its "now".

Rows: `chipwatch --help`, `show mikron`, `scenario run smic-stops|baseline --draws 10000`,
`lists import ofac` (SDN 2024, into a fresh copy of the store each run), `trade import
eurostat-xlsx` (the HS 8542 spreadsheet, into a fresh copy each run) and
`chipwatch.open()` in Python. The load average is printed: on a shared machine the
figures are upper bounds.

Usage: python bench/everyday.py [--runs N] [--db PATH] [--only ROW ...] [--skip-imports]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CHIPWATCH_SHARED", ROOT.parent / "shared"))
CLI = [sys.executable, "-m", "chipwatch"]

# name, the figure "now", target (seconds)
ROWS = {
    "help": ("chipwatch --help", "1.3 s", 0.3),
    "show": ("chipwatch show mikron", "2.9 s", 0.5),
    "smic": ("scenario run smic-stops --draws 10000", "9.3 s", 5.0),
    "baseline": ("scenario run baseline --draws 10000", "6.3 s", 3.0),
    "ofac": ("lists import ofac (SDN 2024)", "~8-20 s", 3.0),
    "eurostat": ("trade import eurostat-xlsx (HS 8542 sheet)", "5-46 s", 5.0),
    "open": ("chipwatch.open() in Python", "3.3 s", 0.3),
}


def timed(cmd: list[str], runs: int, before=None) -> list[float]:
    """Wall seconds of `cmd` in a fresh process, `runs` times (after `before()` each time)."""
    out = []
    for _ in range(runs):
        if before:
            before()
        t = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        out.append(time.perf_counter() - t)
        if proc.returncode:
            sys.exit(f"{' '.join(cmd)} failed:\n{proc.stderr}")
    return out


def report(key: str, times: list[float]) -> None:
    name, now, target = ROWS[key]
    med = statistics.median(times)
    verdict = "met" if med <= target else "not met"
    print(f"{name:<46} {med:>7.2f} s  (min {min(times):.2f}, n={len(times)})   "
          f"target <= {target:g} s ({verdict}); issue: {now}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--db", type=Path, help="a built store (default: build datasets/russia + reference in a temp dir)")
    ap.add_argument("--only", nargs="*", choices=list(ROWS), help="these rows only")
    ap.add_argument("--skip-imports", action="store_true", help="leave out the two import rows (slow)")
    args = ap.parse_args()
    keys = args.only or [k for k in ROWS if not (args.skip_imports and k in ("ofac", "eurostat"))]
    load = os.getloadavg()
    print(f"chipwatch everyday speed — python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; median wall time of whole processes")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        db = args.db
        if db is None:
            db = tmp / "chipwatch.duckdb"
            subprocess.run([*CLI, "--db", str(db), "build", str(ROOT / "datasets" / "russia"),
                            str(ROOT / "datasets" / "reference")], check=True, capture_output=True)
        on = [*CLI, "--db", str(db)]
        copy = tmp / "copy.duckdb"

        def fresh() -> None:
            shutil.copyfile(db, copy)

        for key in keys:
            runs = args.runs
            if key == "help":
                times = timed([*CLI, "--help"], runs)
            elif key == "show":
                times = timed([*on, "show", "mikron"], runs)
            elif key == "smic":
                times = timed([*on, "scenario", "run", "smic-stops", "--draws", "10000"], max(1, runs // 2))
            elif key == "baseline":
                times = timed([*on, "scenario", "run", "baseline", "--draws", "10000"], max(1, runs // 2))
            elif key == "open":
                times = timed([sys.executable, "-c", f"import chipwatch; chipwatch.open({str(db)!r}).close()"], runs)
            elif key == "ofac":
                sdn = SHARED / "data" / "ofac" / "sdn-2024-05-03.csv"
                if not sdn.exists():
                    print(f"{ROWS[key][0]:<46} skipped: {sdn} not found")
                    continue
                times = timed([*CLI, "--db", str(copy), "lists", "import", "ofac", str(sdn)], max(1, runs // 2), fresh)
            else:
                xlsx = SHARED / "data" / "eurostat" / "19_4623968_spreadsheet.xlsx"
                if not xlsx.exists():
                    print(f"{ROWS[key][0]:<46} skipped: {xlsx} not found")
                    continue
                times = timed([*CLI, "--db", str(copy), "trade", "import", "eurostat-xlsx", str(xlsx)],
                              max(1, runs // 2), fresh)
            report(key, times)


if __name__ == "__main__":
    main()
