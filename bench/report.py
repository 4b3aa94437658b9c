"""Report benchmark: `chipwatch report` as a user runs it, whole process, HTML and PDF, in
en and zh-TW, on the bundled dataset with the reference table (as `make run` builds it).

Targets on 2 cores: HTML <= 10 s, PDF <= 30 s; issue 13 measured ~50 s and ~150 s. Prints
the median wall time of --repeat runs (and min–max), the CPU seconds of the process and its
children, the page count of the PDF, the lines of the zh-TW PDF's text (pdftotext) that are
mostly English (more Latin letters than Chinese characters, at least three; issue 13 counted
873 of 4,178), and the load average before and after (other work on the machine slows
every figure: read them with it).

Usage: python bench/report.py [--repeat N] [--draws N] [--db PATH] [--lang en|zh-TW ...]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"html": (10, 50), "pdf": (30, 150)}  # seconds: target, issue 13's figure


def row(name: str, value: str, target: str = "") -> None:
    print(f"{name:<34} {value:>30}" + (f"   target {target}" if target else ""))


def chipwatch() -> list[str]:
    exe = Path(sys.executable).with_name("chipwatch")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "chipwatch"]


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system of the children) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def pages(path: Path) -> int | None:
    try:
        from pypdf import PdfReader
    except ImportError:
        return None
    return len(PdfReader(path).pages)


def english_lines(path: Path) -> tuple[int, int] | None:
    """(mostly-English lines, lines with text) of a PDF's text, or None without pdftotext."""
    if not shutil.which("pdftotext"):
        return None
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    lines = [line for line in text.splitlines() if line.strip()]

    def english(line: str) -> bool:
        latin = len(re.findall(r"[A-Za-z]", line))
        return latin >= 3 and latin > len(re.findall(r"[\u3400-\u9fff]", line))

    return sum(map(english, lines)), len(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--draws", type=int, default=2000, help="Monte Carlo draws per scenario (the command's default)")
    ap.add_argument("--db", type=Path, default=None, help="a built store (default: build one into a temp dir)")
    ap.add_argument("--lang", nargs="+", default=["en", "zh-TW"])
    args = ap.parse_args()

    print(f"chipwatch report benchmark — python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            db = Path(tmp) / "chipwatch.duckdb"
            subprocess.run([*chipwatch(), "--db", str(db), "build", "datasets/russia", "datasets/reference"], check=True,
                           cwd=ROOT, stdout=subprocess.DEVNULL)
        for fmt in ("html", "pdf"):
            target, issue = TARGETS[fmt]
            for lang in args.lang:
                out = Path(tmp) / f"report-{lang}.{fmt}"
                cmd = [*chipwatch(), "--db", str(db), "report", "--lang", lang, "--format", fmt, "-o", str(out),
                       "--draws", str(args.draws)]
                runs = [timed(cmd) for _ in range(args.repeat)]
                walls, cpus = [w for w, _ in runs], [c for _, c in runs]
                extra = f", {pages(out)} pages" if fmt == "pdf" and pages(out) else ""
                row(f"report --format {fmt} --lang {lang}",
                    f"{statistics.median(walls):.1f} s ({min(walls):.1f}–{max(walls):.1f})",
                    f"<= {target} s (issue 13: ~{issue} s)")
                row("", f"cpu {statistics.median(cpus):.1f} s{extra}")
                counted = english_lines(out) if fmt == "pdf" and lang == "zh-TW" else None
                if counted:
                    row("  zh-TW PDF lines mostly English", f"{counted[0]:,} of {counted[1]:,}", "few (issue 13: 873 of 4,178)")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
