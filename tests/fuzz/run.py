"""`make fuzz`: mutation-fuzz every importer and loader, print cases / tracebacks / hangs per
target, exit 1 on any traceback or hang.

    python tests/fuzz/run.py [--cases 100000] [--target ofac ...] [--seed 0] [--timeout 5] [--save DIR] [--workers 2]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import fuzzlib  # noqa: E402


def _progress(stats: fuzzlib.Stats) -> None:
    print(f"  {stats.target}: {stats.cases:,} cases, {stats.tracebacks:,} tracebacks, {stats.hangs:,} hangs",
          file=sys.stderr, flush=True)


MEMORY = 8 << 30  # address space per run: a runaway allocation is a MemoryError, not a swapping machine


def _limit_memory() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard == resource.RLIM_INFINITY or hard > MEMORY:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, hard))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000, help="cases per target")
    parser.add_argument("--target", action="append", choices=sorted(fuzzlib.TARGETS), help="only these (repeatable)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds of processor time after which a case is a hang")
    parser.add_argument("--save", type=Path, help="write the first case of each distinct failure here")
    parser.add_argument("--workers", type=int, default=1, help="processes per target (one per core)")
    args = parser.parse_args(argv)
    _limit_memory()
    names = args.target or list(fuzzlib.TARGETS)
    print(f"fuzz: {args.cases:,} cases per target, seed {args.seed}, hang after {args.timeout:g} s of processor time", flush=True)
    print(f"{'target':<16} {'cases':>9} {'tracebacks':>10} {'hangs':>6} {'seconds':>8}", flush=True)
    failed, start = 0, time.monotonic()
    for name in names:
        target = fuzzlib.TARGETS[name]
        stats = (fuzzlib.run_parallel(target, args.cases, args.seed, args.timeout, args.workers) if args.workers > 1
                 else fuzzlib.run(target, args.cases, args.seed, args.timeout, _progress))
        print(f"{name:<16} {stats.cases:>9,} {stats.tracebacks:>10,} {stats.hangs:>6,} {stats.seconds:>8.0f}", flush=True)
        for signature, (failure, _) in stats.first.items():
            print(f"    {signature}: {failure.detail.strip().splitlines()[-1][:200]}", flush=True)
        if args.save:
            stats.save(args.save)
        failed += stats.tracebacks + stats.hangs
    print(f"fuzz: {len(names)} targets in {time.monotonic() - start:.0f} s, "
          f"{'no traceback, no hang' if not failed else f'{failed:,} failing cases'}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
