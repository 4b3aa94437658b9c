"""Load benchmark of the explorer (chipwatch serve driven by wrk), figures beside targets.

The issue's run: 50 concurrent clients for 60 s on loopback, on the entity and search
endpoints; target p95 <= 20 ms and 0 errors.

Builds a store (datasets/russia + datasets/reference, and the OFAC 2024-05-03 list when
../shared is there) or uses --db, starts `chipwatch serve` in a subprocess on a free
loopback port and drives it with wrk (bench/load.lua) over every entity's page (en and
zh-TW), its JSON twin, /api/entities/{id} and /api/search?q=… with names in Chinese,
Russian and English, all read from the store.

The server caches whole GET responses (server/cache.py): only the first request to a URL
does any work. So it prints a cold figure (each URL's first request, one at a time), then
the load run (served from the cache, as a busy server would), each endpoint group alone,
and a run where every request is a new URL (the cache never hits).

Usage: python bench/load.py [--duration 60] [--connections 50] [--threads 2] [--db PATH]
                            [--group-duration 10] [--uncached-duration 20] [--check]
wrk's timeout is 2 s: a slower response counts as a socket error (timeout). Needs wrk
(apt install wrk); exits 1 with a message without it.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
LUA = ROOT / "bench" / "load.lua"
SHARED = Path(os.environ.get("CHIPWATCH_SHARED", ROOT.parent / "shared"))
OFAC = SHARED / "data" / "ofac" / "sdn-2024-05-03.csv"
TARGET_P95_MS = 20.0
GROUPS = ("entity page", "entity JSON twin", "API entity", "API search")


def row(name: str, value: str, target: str = "") -> None:
    print(f"{name:<64} {value:>24}   {'target ' + target if target else ''}".rstrip())


def ms(us: float) -> str:
    return f"{us / 1000:.1f}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def chipwatch(*args: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "chipwatch", *args], capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        sys.exit(f"error: chipwatch {' '.join(args)} failed (exit {proc.returncode}):\n{proc.stderr.strip()}")


def build(db: Path) -> str:
    chipwatch("--db", str(db), "build", str(ROOT / "datasets" / "russia"), str(ROOT / "datasets" / "reference"))
    if OFAC.is_file():
        chipwatch("--db", str(db), "lists", "import", "ofac", str(OFAC))
        return "datasets/russia + datasets/reference, OFAC 2024-05-03 imported"
    return f"datasets/russia + datasets/reference ({OFAC} absent: no list imported)"


def urls(db: Path) -> dict[str, list[str]]:
    """The paths of each endpoint group, from the store's entities and names."""
    from chipwatch.api import Chipwatch

    with Chipwatch(db) as cw:
        ids = sorted(cw.entities()["id"])
        names = cw.names()
    groups: dict[str, list[str]] = {g: [] for g in GROUPS}
    for i in ids:
        q = quote(i, safe="")
        groups["entity page"] += [f"/entity/{q}", f"/entity/{q}?lang=zh-TW"]
        groups["entity JSON twin"].append(f"/entity/{q}.json")
        groups["API entity"].append(f"/api/entities/{q}")
    # one name per entity and language (its main name when it has one): Chinese, Russian, English
    names = names[names["lang"].isin(["zh-Hant", "ru", "en"])]
    names = names.assign(main=names["kind"] != "name").sort_values(["entity_id", "lang", "main", "name"])
    queries = sorted(set(names.drop_duplicates(["entity_id", "lang"])["name"]))
    groups["API search"] = [f"/api/search?q={quote(n, safe='')}" for n in queries]
    return groups


class Server:
    """`chipwatch serve` in its own process group on a free loopback port."""

    def __init__(self, db: Path, log: Path, workers: int = 1):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log.open("w+b")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "chipwatch", "--db", str(db), "serve", "--port", str(self.port), "--workers", str(workers)],
            stdout=self.log, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True)
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(self.base + "/api/scenarios", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                sys.exit(f"error: chipwatch serve did not start:\n{self.output()}")
            time.sleep(0.2)

    def output(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def cpu_seconds(self) -> float | None:
        """User + system CPU time of the server and its worker processes (Linux /proc)."""
        try:
            tick = os.sysconf("SC_CLK_TCK")
            total = 0.0
            for stat in Path("/proc").glob("[0-9]*/stat"):
                try:
                    fields = stat.read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                # fields[2] is the process group (field 5 of stat), [11] utime, [12] stime
                if int(fields[2]) == self.proc.pid:
                    total += (int(fields[11]) + int(fields[12])) / tick
            return total
        except (OSError, ValueError):
            return None

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def cold_pass(base: str, groups: dict[str, list[str]]) -> dict[str, dict]:
    """Each URL's first request, one at a time on one keep-alive connection."""
    host, port = base.removeprefix("http://").split(":")
    con = http.client.HTTPConnection(host, int(port), timeout=60)
    out = {}
    for group, paths in groups.items():
        times, errors = [], []
        for p in paths:
            t = time.perf_counter()
            con.request("GET", p)
            r = con.getresponse()
            r.read()
            times.append((time.perf_counter() - t) * 1000)
            if not 200 <= r.status < 300:
                errors.append(f"{r.status} {p}")
        out[group] = {"times": times, "errors": errors}
    con.close()
    return out


def keepalive_probe(base: str, path: str = "/api/scenarios", n: int = 20) -> float:
    """Median ms of a small cached response on one keep-alive connection. ~40 ms means Nagle's
    algorithm is on (no TCP_NODELAY) and each response waits for the client's delayed ACK."""
    host, port = base.removeprefix("http://").split(":")
    con = http.client.HTTPConnection(host, int(port), timeout=10)
    times = []
    for _ in range(n + 1):
        t = time.perf_counter()
        con.request("GET", path)
        con.getresponse().read()
        times.append((time.perf_counter() - t) * 1000)
    con.close()
    return statistics.median(times[1:])


def wrk(base: str, paths: list[str], duration: float, connections: int, threads: int, tmp: Path,
        uncached: bool = False, timeout: str = "2s") -> dict:
    listing = tmp / "paths.txt"
    listing.write_text("\n".join(paths) + "\n", encoding="utf-8")
    cmd = ["wrk", "-c", str(connections), "-t", str(min(threads, connections)), "-d", f"{duration:g}s", "--latency",
           "--timeout", timeout, "-s", str(LUA), base, "--", str(listing), *(["uncached"] if uncached else [])]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    line = next((x for x in proc.stdout.splitlines() if x.startswith("CHIPWATCH_JSON ")), None)
    if proc.returncode != 0 or line is None:
        sys.exit(f"error: wrk failed (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    res = json.loads(line.removeprefix("CHIPWATCH_JSON "))
    res["rps"] = res["requests"] / (res["duration_us"] / 1e6)
    res["socket"] = res["connect"] + res["read"] + res["write"] + res["timeout"]
    return res


def measured(server: Server, *args, **kw) -> dict:
    """A wrk run, with the server's CPU use during it (1.0 = one core busy)."""
    cpu0, t0 = server.cpu_seconds(), time.monotonic()
    res = wrk(server.base, *args, **kw)
    cpu1, elapsed = server.cpu_seconds(), time.monotonic() - t0
    res["cpu"] = (cpu1 - cpu0) / elapsed if cpu0 is not None and cpu1 is not None else None
    return res


def print_run(label: str, res: dict, target: bool) -> bool:
    """Rows of one wrk run; returns whether it met the targets."""
    ok = res["p95"] / 1000 <= TARGET_P95_MS and res["non2xx"] == 0 and res["socket"] == 0
    row(f"{label}: requests/s", f"{res['rps']:,.0f}/s", "(for reference)")
    row("  latency p50 / p90", f"{ms(res['p50'])} / {ms(res['p90'])} ms")
    row("  latency p95", f"{ms(res['p95'])} ms", f"<= {TARGET_P95_MS:g} ms" if target else "(for reference)")
    row("  latency p99 / max", f"{ms(res['p99'])} / {ms(res['max'])} ms")
    statuses = ", ".join(f"{k}: {v:,}" for k, v in sorted(res["statuses"].items()))
    row(f"  errors: non-2xx / socket (of {res['requests']:,}; {statuses})", f"{res['non2xx']} / {res['socket']}",
        "0" if target else "(for reference)")
    if res["socket"]:
        row("    socket errors: connect / read / write / timeout (> 2 s)",
            f"{res['connect']} / {res['read']} / {res['write']} / {res['timeout']}")
    if res.get("cpu") is not None:
        row("  server CPU during the run (100% = one core busy)", f"{res['cpu']:.0%}", "(for reference)")
    return ok


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration", type=float, default=60, help="seconds of the load run (default 60)")
    ap.add_argument("--connections", type=int, default=50, help="concurrent clients (default 50)")
    ap.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    ap.add_argument("--db", type=Path, default=None, help="a built store (default: build one in a temp dir)")
    ap.add_argument("--group-duration", type=float, default=10,
                    help="seconds of each endpoint group's own run (0: skip them)")
    ap.add_argument("--uncached-duration", type=float, default=20,
                    help="seconds of the run that never hits the response cache (0: skip it)")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="server processes (default: one per CPU)")
    ap.add_argument("--check", action="store_true", help="exit 1 when the load run misses a target")
    args = ap.parse_args()

    if shutil.which("wrk") is None:
        sys.exit("error: wrk is not installed (Debian/Ubuntu: apt install wrk); the load benchmark drives the server with it")
    if args.db is not None and not args.db.is_file():
        sys.exit(f"error: --db {args.db}: no such store (build one: chipwatch --db {args.db} build datasets/russia)")

    cpus = os.cpu_count()
    print(f"chipwatch load benchmark — python {sys.version.split()[0]}, {cpus} CPUs, "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} (1, 5, 15 min) before")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if args.db is None:
            db = tmp / "load.duckdb"
            t = time.perf_counter()
            what = build(db)
            print(f"(store: {what}; built in {time.perf_counter() - t:.1f} s)")
        else:
            db = args.db
            print(f"(store: {db})")
        groups = urls(db)
        everything = [p for paths in groups.values() for p in paths]
        print(f"(URLs: {', '.join(f'{g} {len(p)}' for g, p in groups.items())}; {len(everything):,} in all. "
              f"Search names in Chinese, Russian and English)")
        server = Server(db, tmp / "server.log", args.workers)
        try:
            print(f"(server: chipwatch serve --workers {args.workers} on {server.base}; "
                  f"wrk -c {args.connections} -t {args.threads}, 2 s timeout)")
            print()
            print("Cold: each URL's first request, one at a time. The server caches whole responses, so only the")
            print("first request to a URL queries the store and renders; the load runs below are served from the cache.")
            cold = cold_pass(server.base, groups)
            cold_errors = [e for c in cold.values() for e in c["errors"]]
            first = next(iter(cold.values()))["times"][0]
            row("  the server's very first request (opens the store)", f"{first:.0f} ms", "(for reference)")
            for group, c in cold.items():
                times = sorted(c["times"])
                p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
                row(f"  {group} ({len(times)} URLs): p50 / p95 / max",
                    f"{statistics.median(times):.1f} / {p95:.1f} / {times[-1]:.0f} ms", "(for reference)")
            row("  errors (non-2xx)", f"{len(cold_errors)}", "0")
            for e in cold_errors[:10]:
                print(f"    {e}")
            probe = keepalive_probe(server.base)
            row("  a small cached response on a keep-alive connection (median of 20)", f"{probe:.2f} ms",
                "(for reference)")
            if probe >= 30:
                print("    ~40 ms a request: Nagle's algorithm is on and every response waits for the client's delayed ACK.")
            print()

            main_run = measured(server, everything, args.duration, args.connections, args.threads, tmp)
            load = os.getloadavg()
            ok = print_run(f"Load run: {args.connections} clients, {args.duration:g} s, all groups mixed", main_run, True)
            row("  load average after the run (1, 5, 15 min)", " ".join(f"{x:.2f}" for x in load),
                f"(for reference; {cpus} CPUs, wrk on the same machine)")

            if args.group_duration > 0:
                print()
                print(f"Each endpoint group alone ({args.group_duration:g} s each, {args.connections} clients, cached):")
                for group, paths in groups.items():
                    res = measured(server, paths, args.group_duration, args.connections, args.threads, tmp)
                    row(f"  {group}: req/s · p50 / p95 / p99",
                        f"{res['rps']:,.0f}/s · {ms(res['p50'])} / {ms(res['p95'])} / {ms(res['p99'])} ms",
                        f"p95 <= {TARGET_P95_MS:g} ms")
                    row(f"    errors: non-2xx / socket (of {res['requests']:,})", f"{res['non2xx']} / {res['socket']}", "0")

            if args.uncached_duration > 0:
                print()
                print("Uncached: every request a new URL (…&_nocache=N), so each one queries the store and renders;")
                print("what the load run would be without the response cache.")
                res = measured(server, everything, args.uncached_duration, args.connections, args.threads, tmp,
                               uncached=True)
                print_run(f"Uncached run: {args.connections} clients, {args.uncached_duration:g} s", res, False)
                res = measured(server, groups["API search"], args.uncached_duration, args.connections, args.threads, tmp,
                               uncached=True)
                row("  uncached /api/search alone: req/s · p50 / p95 / p99",
                    f"{res['rps']:,.0f}/s · {ms(res['p50'])} / {ms(res['p95'])} / {ms(res['p99'])} ms",
                    ">= 1,000/s, p95 <= 50 ms (was 115/s, p95 569 ms)")
                row(f"    errors: non-2xx / socket (of {res['requests']:,})", f"{res['non2xx']} / {res['socket']}", "0")
        finally:
            server.stop()
        log = server.output()
        if "Traceback" in log or "ERROR" in log:
            print("\nThe server logged errors:\n" + log[-3000:])
    print()
    verdict = "met" if ok and not cold_errors else "MISSED"
    print(f"targets (load run p95 <= {TARGET_P95_MS:g} ms, 0 errors): {verdict}")
    if args.check and verdict != "met":
        sys.exit(1)


if __name__ == "__main__":
    main()
