"""Abuse benchmark of `chipwatch serve` (issue 11): wrk at 50 connections for 30 s on one
cached page, on cache-bypassing requests (every request a new URL: each queries the store
and renders), and on cache-bypassing scenario runs (the costliest GET: each a Monte Carlo
run), with slow clients holding connections open meanwhile; latency p50/p95/p99, errors
(non-2xx by status, socket errors) and the server's resident memory before and after each
run. The response cache is bounded in bytes, so memory must level off; heavy requests past
their time budget are answered 503, not queued without end.

Usage: python bench/abuse.py [--duration 30] [--connections 50] [--db PATH] [--draws 1000]
                             [--slow 100]
Needs wrk (apt install wrk). Reuses bench/load.py's server, wrk script and report rows.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load  # noqa: E402 (bench/load.py, beside this file)

PAGE = "/entity/baikal-electronics"


def rss_mb(server: load.Server) -> float | None:
    """Resident memory of the server and its workers, MB (Linux /proc)."""
    total = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
            stat = (status.parent / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat[2]) == server.proc.pid:  # the process group
            total += next((int(x.split()[1]) for x in text.splitlines() if x.startswith("VmRSS:")), 0)
    return total / 1024 if total else None


def slow_clients(base: str, n: int) -> list[socket.socket]:
    """`n` connections that send half a request head and stop (slowloris)."""
    host, port = base.removeprefix("http://").split(":")
    out = []
    for _ in range(n):
        s = socket.create_connection((host, int(port)), timeout=5)
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        out.append(s)
    return out


def dropped(socks: list[socket.socket]) -> int:
    """How many of the slow connections the server has closed."""
    n = 0
    for s in socks:
        s.setblocking(False)
        try:
            n += s.recv(1) == b""
        except BlockingIOError:
            pass
        except OSError:
            n += 1
        s.close()
    return n


def run(server: load.Server, label: str, paths: list[str], args, tmp: Path, uncached: bool, timeout: str) -> None:
    before = rss_mb(server)
    slow = slow_clients(server.base, args.slow)
    t = time.monotonic()
    res = load.measured(server, paths, args.duration, args.connections, args.threads, tmp, uncached=uncached,
                        timeout=timeout)
    closed, held = dropped(slow), time.monotonic() - t
    after = rss_mb(server)
    load.print_run(f"{label}: {args.connections} clients, {args.duration:g} s", res, False)
    if before is not None and after is not None:
        load.row("  server RSS before / after", f"{before:.0f} / {after:.0f} MB")
    load.row(f"  slow clients (half a head, held {held:.0f} s) the server closed", f"{closed} of {len(slow)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration", type=float, default=30, help="seconds of each run (default 30)")
    ap.add_argument("--connections", type=int, default=50, help="concurrent clients (default 50)")
    ap.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    ap.add_argument("--db", type=Path, default=None, help="a built store (default: build one in a temp dir)")
    ap.add_argument("--draws", type=int, default=1000, help="Monte Carlo draws of each scenario run (default 1000)")
    ap.add_argument("--slow", type=int, default=100, help="slow clients held open during each run (default 100)")
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("error: wrk is not installed (Debian/Ubuntu: apt install wrk)")
    print(f"chipwatch abuse benchmark — {os.cpu_count()} CPUs, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} before")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        db = args.db or tmp / "abuse.duckdb"
        if args.db is None:
            print(f"(store: {load.build(db)})")
        groups = load.urls(db)
        everything = [p for paths in groups.values() for p in paths]
        scenarios = [f"/scenario.json?name={quote(n)}&run=1&draws={args.draws}"
                     for n in ("baseline", "smic-stops", "tsmc-exit-2022")]
        server = load.Server(db, tmp / "server.log")
        try:
            load.cold_pass(server.base, {"page": [PAGE]})
            print(f"(server on {server.base}; wrk -c {args.connections} -t {args.threads}; {args.slow} slow clients "
                  f"during each run)\n")
            run(server, f"Cached page {PAGE}", [PAGE], args, tmp, False, "2s")
            print()
            for again in ("", " again (the cache is full: memory levels off)"):
                run(server, f"Cache-bypassing ({len(everything)} URLs, each request a new one){again}", everything, args,
                    tmp, True, "2s")
                print()
            run(server, f"Cache-bypassing scenario runs ({args.draws} draws each; wrk timeout 40 s)", scenarios, args,
                tmp, True, "40s")
        finally:
            server.stop()
        log = server.output()
        shutdown = log.count("timeout graceful shutdown exceeded")  # runs still queued when the server stops
        if log.count("Traceback") > shutdown:
            print("\nThe server logged tracebacks:\n" + log[-3000:])
        elif shutdown:
            print(f"\n(at shutdown uvicorn cancelled {shutdown} scenario runs still queued, after its 10 s of grace)")


if __name__ == "__main__":
    main()
