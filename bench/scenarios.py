"""Scenario engine benchmark: Monte Carlo draws per second on the bundled network.

Target: 10,000 draws of the bundled network in <= 5 s on 2 cores. Prints the Monte Carlo
core alone (sampling, coefficients, one LP per draw, outcomes) with 1 and 2 threads — and,
beside it, the former way (blocks of draws as one block-diagonal LP through linprog) — and
whole `run_scenario` calls (network build, point solution with limits, budget pass,
reference and scenario draws, summaries).

Usage: python bench/scenarios.py [--draws N] [--db PATH]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def row(name: str, value: str, target: str) -> None:
    print(f"{name:<64} {value:>22}   target {target}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=10_000)
    ap.add_argument("--db", type=Path, default=None, help="a built store (default: build datasets/russia into a temp dir)")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    import chipwatch
    from chipwatch.scenarios import load_scenario, run_scenario
    from chipwatch.scenarios.network import build_network
    from chipwatch.scenarios.solve import (
        compile_template,
        draw_presence,
        evaluate,
        outcomes,
        presence_probabilities,
        sample_params,
        solve,
    )

    print(f"chipwatch scenario benchmark — python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            from chipwatch.store import build_store

            db = Path(tmp) / "russia.duckdb"
            build_store([ROOT / "datasets" / "russia"], db)
        with chipwatch.open(db) as cw:
            sc = load_scenario("baseline")
            net = build_network(cw, sc)
            tpl = compile_template(net, sc)
            probs = presence_probabilities(tpl)
            print(f"(bundled network as of {sc.as_of}: {len(net.products)} products, {len(net.fabs)} fabs, "
                  f"{len(net.arcs)} arcs, {len(net.sources)} sources; LP {tpl.n} variables × {tpl.m} rows per draw)")
            k = args.draws
            for method, threads in (("draws", 1), ("draws", 2), ("blocks", 2)):
                times = []
                for rep in range(args.repeat):
                    t = time.perf_counter()
                    P = sample_params(sc, k, rep)
                    pres = draw_presence(probs, k, rep)
                    batch = evaluate(tpl, P, pres, None, budget=None)
                    sol = solve(tpl, batch, threads=threads, method=method)
                    outcomes(tpl, batch, sol)
                    times.append(time.perf_counter() - t)
                best = statistics.median(times)
                how = "former way, blocks" if method == "blocks" else "one LP a draw"
                row(f"Monte Carlo core ({how}), {k:,} draws, {threads} thread{'s' if threads > 1 else ''}"
                    f" (median of {args.repeat})", f"{best:.2f} s = {k / best:,.0f} draws/s",
                    "<= 5 s" if (method, threads) == ("draws", 2) else "(for reference)")
            for name in ("baseline", "smic-stops", "ruble-minus-30"):
                sc = load_scenario(name)
                run_scenario(cw, sc, draws=100, seed=0)  # warm up
                t = time.perf_counter()
                run_scenario(cw, sc, draws=k, seed=0)
                dt = time.perf_counter() - t
                passes = "1 pass" if not sc.has_interventions else "reference + scenario passes"
                row(f"run_scenario {name}, {k:,} draws ({passes})", f"{dt:.2f} s = {k / dt:,.0f} draws/s",
                    "<= 5 s" if name == "baseline" else "(for reference)")


if __name__ == "__main__":
    main()
