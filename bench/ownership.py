"""Ownership propagation benchmark: a generated ownership graph (default 10M edges), the
50 % rule to a fixpoint on DuckDB (target <= 60 s) and, beside it, on Spark in local mode.

    python bench/ownership.py [--edges 10000000] [--spark-edges N] [--no-spark]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]


def generate(path: Path, edges: int, nodes: int, seed: int = 7) -> None:
    """Edges owner -> asset with shares drawn from typical stakes (some unknown), as Parquet."""
    con = duckdb.connect()
    con.execute(f"SELECT setseed({seed / 100})")
    con.execute(f"""
        COPY (
          SELECT 'n' || (hash(i * 2) % {nodes}) AS owner,
                 'n' || (hash(i * 2 + 1) % {nodes}) AS asset,
                 [10.0, 25.0, 30.0, 49.0, 50.0, 51.0, 75.0, 100.0, NULL][1 + (hash(i * 3) % 9)::INTEGER] AS share_pct
          FROM range({edges}) t(i)
        ) TO '{path}' (FORMAT parquet)""")


def run(engine_name: str, edges_path: Path, listed: int, nodes: int) -> tuple[float, int, int]:
    from chipwatch.engines import open_engine
    from chipwatch.screening.ownership import rounds

    eng = open_engine(engine_name)
    try:
        t = time.perf_counter()
        eng.load_parquet("owners", str(edges_path))
        eng.create_as("blocked", f"SELECT 'n' || (i * {nodes // listed}) AS id, 0 AS round FROM range({listed}) t(i)")
        found = rounds(eng, details=False)
        blocked = eng.query("SELECT count(*) FROM blocked")[0][0]
        seconds = time.perf_counter() - t
    finally:
        eng.close()
    return seconds, blocked - listed, sum(1 for o in found.values() if o.reason == "review")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--edges", type=int, default=10_000_000)
    ap.add_argument("--spark-edges", type=int, default=None, help="edges for the Spark run (default: the same)")
    ap.add_argument("--no-spark", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for engine_name, n_edges in (("duckdb", args.edges), ("spark", args.spark_edges or args.edges)):
            if engine_name == "spark" and args.no_spark:
                continue
            nodes, listed = n_edges // 5, max(1, n_edges // 500)
            path = Path(tmp) / f"edges-{n_edges}.parquet"
            if not path.exists():
                t = time.perf_counter()
                generate(path, n_edges, nodes)
                print(f"(generated {n_edges:,} edges over {nodes:,} parties in {time.perf_counter() - t:.1f} s; {listed:,} listed)")
            try:
                seconds, owned, review = run(engine_name, path, listed, nodes)
            except Exception as exc:  # noqa: BLE001 - a benchmark reports, it does not stop
                print(f"{engine_name}: failed: {exc}")
                continue
            target = "<= 60 s" if engine_name == "duckdb" and n_edges >= 10_000_000 else "(for reference)"
            print(f"ownership 50% rule, {engine_name}, {n_edges:,} edges: {owned:,} owned, {review:,} to review"
                  f"   {seconds:7.1f} s   target {target}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(f"peak memory of this process (DuckDB runs in it; Spark's JVM not included): {rss:.2f} GB")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()
