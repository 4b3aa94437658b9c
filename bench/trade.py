"""Trade aggregation benchmark: spikes + mirror over a generated monthly HS-6 table.

1. generates N rows (default 100,000,000) of monthly HS-6 flows in Parquet with DuckDB SQL
   (every ordered pair of 35 countries, 27 of them EU members; 36 months 2020-01 .. 2022-12;
   HS-6 codes in 97 chapters, up to 5,000; 2 % confidential; flows to RU fall to a fifth from 2022-03,
   to KZ, AM and KG triple)
2. times, in a child process, on DuckDB: spikes of chapter 85 to RU from the EU, spikes of
   all products, and the KZ/EU mirror of all products (target <= 60 s together, <= 8 GB peak RSS)
3. times the same on Spark local mode (local[2]) over the first --spark-rows rows (default
   10,000,000: Spark's JVM start and shuffles make the full size a matter of many minutes on
   2 cores; give --spark-rows 0 to skip, or the full N to compare like for like)

Options: --rows N to scale down (e.g. --rows 5000000 for a quick run), --keep DIR to keep the
Parquet files, --threads for DuckDB.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EU = ["AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU", "LV",
      "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"]
COUNTRIES = EU + ["RU", "KZ", "AM", "KG", "GE", "UZ", "CN", "TR"]
PRODUCTS = 5000
MONTHS = 36


def row(name: str, value: str, target: str) -> None:
    print(f"{name:<58} {value:>14}   target {target}")


def generate(path: Path, rows: int) -> float:
    """N rows of trade_flows in Parquet, made by one DuckDB SQL statement (no Python loop)."""
    import duckdb

    n_c = len(COUNTRIES)
    countries = "[" + ", ".join(f"'{c}'" for c in COUNTRIES) + "]"
    sql = f"""
    COPY (
      WITH g AS (  -- every ordered pair of countries innermost, then months, then products
        SELECT i, i % {n_c * (n_c - 1)} AS pair, (i // {n_c * (n_c - 1)}) % {MONTHS} AS m,
               (i // ({n_c * (n_c - 1)} * {MONTHS})) % {PRODUCTS} AS p
        FROM range({int(rows)}) t(i)
      ), d AS (
        SELECT i, m, p, pair, pair // {n_c - 1} AS r, (pair // {n_c - 1} + 1 + pair % {n_c - 1}) % {n_c} AS q FROM g
      )
      SELECT 'bench' AS source,
             {countries}[r + 1] AS reporter, {countries}[q + 1] AS partner,
             CASE WHEN p % 2 = 0 THEN 'export' ELSE 'import' END AS flow,
             printf('%02d%04d', 1 + (p + 84) % 97, (p * 7919) % 10000) AS product, CAST(6 AS TINYINT) AS level,
             'M' AS freq, CAST(2020 + m // 12 AS SMALLINT) AS year, CAST(m % 12 + 1 AS TINYINT) AS month,
             CASE WHEN i % 50 = 0 THEN NULL
                  ELSE (hash(i) % 1000000)::DOUBLE * (CASE WHEN m < 26 THEN 1 WHEN {countries}[q + 1] = 'RU' THEN 0.2
                                                           WHEN {countries}[q + 1] IN ('KZ', 'AM', 'KG') THEN 3 ELSE 1 END)
             END AS value,
             'EUR' AS currency, CAST(NULL AS DOUBLE) AS quantity, CAST(NULL AS VARCHAR) AS unit,
             i % 50 = 0 AS confidential, CAST(NULL AS VARCHAR) AS locator
      FROM d
    ) TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)
    """
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    t = time.perf_counter()
    con.execute(sql)
    con.close()
    return time.perf_counter() - t


def child(engine: str, path: str, threads: int | None) -> None:
    """Run in a fresh process: the timings and this process's peak RSS, as JSON on stdout."""
    from chipwatch.trade.engine import FlowEngine
    from chipwatch.trade.mirror import mirror
    from chipwatch.trade.spikes import spikes

    t0 = time.perf_counter()
    eng = FlowEngine(engine)
    if engine == "duckdb" and threads:
        eng.eng.con.execute(f"SET threads = {int(threads)}")
    eng.attach_parquet(path)
    start = time.perf_counter() - t0
    out = {"start": start}
    t = time.perf_counter()
    s = spikes(eng, "85", "RU", origin="EU27", baseline=(2020, 2021), period=(2022, 2022))
    out["spikes_85"] = time.perf_counter() - t
    t = time.perf_counter()
    s_all = spikes(eng, "all", "RU", baseline=(2020, 2021), period=(2022, 2022))
    out["spikes_all"] = time.perf_counter() - t
    t = time.perf_counter()
    m = mirror(eng, "KZ", "EU27", product="all")
    out["mirror_all"] = time.perf_counter() - t
    eng.close()
    out["roundabout_85"] = [g.dest for g in s.roundabout]
    out["destinations_all"] = len(s_all.growth)
    out["mirror_years"] = [y.year for y in m.years]
    out["rss_gb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(json.dumps(out))


def run_child(engine: str, path: Path, threads: int | None) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", engine, str(path)]
    if threads:
        cmd += ["--threads", str(threads)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode:
        raise SystemExit(f"{engine} run failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000_000)
    ap.add_argument("--spark-rows", type=int, default=10_000_000, help="rows for the Spark run (0: skip)")
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--keep", type=Path, default=None, help="keep the Parquet files in this folder")
    ap.add_argument("--child", nargs=2, metavar=("ENGINE", "PARQUET"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child[0], args.child[1], args.threads)
        return
    print(f"chipwatch trade benchmark — python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        flows = folder / f"flows-{args.rows}.parquet"
        if not flows.exists():
            seconds = generate(flows, args.rows)
            print(f"(generated {args.rows:,} monthly HS-6 rows in {seconds:.1f} s, {flows.stat().st_size / 1e9:.2f} GB Parquet)")
        d = run_child("duckdb", flows, args.threads)
        total = d["spikes_85"] + d["spikes_all"] + d["mirror_all"]
        row(f"DuckDB: spikes HS 85 -> RU from EU ({args.rows:,} rows)", f"{d['spikes_85']:.1f} s", "")
        row("DuckDB: spikes, all products -> RU", f"{d['spikes_all']:.1f} s", "")
        row("DuckDB: mirror KZ / EU, all products", f"{d['mirror_all']:.1f} s", "")
        row("DuckDB: spikes + mirror aggregation, together", f"{total:.1f} s", "<= 60 s")
        row("  peak memory of that process (max RSS)", f"{d['rss_gb']:.2f} GB", "<= 8 GB")
        print(f"  (roundabout found for HS 85: {', '.join(d['roundabout_85']) or 'none'}; "
              f"{d['destinations_all']} destinations; mirror years {d['mirror_years']})")
        if args.spark_rows:
            spark_rows = min(args.spark_rows, args.rows)
            spark_flows = flows
            if spark_rows < args.rows:
                spark_flows = folder / f"flows-{spark_rows}.parquet"
                if not spark_flows.exists():
                    generate(spark_flows, spark_rows)
            s = run_child("spark", spark_flows, None)
            total_s = s["spikes_85"] + s["spikes_all"] + s["mirror_all"]
            note = "" if spark_rows == args.rows else f" (smaller: {spark_rows:,} rows, --spark-rows)"
            row(f"Spark local[2]: spikes + mirror, {spark_rows:,} rows", f"{total_s:.1f} s", "(beside DuckDB)" + note)
            row("  of which spikes 85 / spikes all / mirror", f"{s['spikes_85']:.0f}/{s['spikes_all']:.0f}/{s['mirror_all']:.0f} s", "")
            row("  Spark session start (not counted)", f"{s['start']:.1f} s", "")
            if spark_rows < args.rows:
                d2 = run_child("duckdb", spark_flows, args.threads)
                row(f"  DuckDB on the same {spark_rows:,} rows", f"{d2['spikes_85'] + d2['spikes_all'] + d2['mirror_all']:.1f} s", "")


if __name__ == "__main__":
    main()
