"""Mutation fuzzing of every importer and loader with hypothesis.

A case is a seed (small slice of a real file, see seeds.py) and a few mutations (bit flips,
inserted bytes and format tokens, deleted or repeated ranges, truncation, blow-ups such as
a 140 KB field, 5,000 open brackets or an alias bomb). A target passes a case when it
returns, or raises ChipwatchError with a message of one line of at most 300 characters;
any other exception is a traceback, a case over `timeout` seconds of processor time a hang
(see `check`)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import fuzz_seeds as seedlib
import trade_staging
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hseed
from hypothesis import strategies as st

from chipwatch.errors import ChipwatchError

MAX_MESSAGE = 300

COMMON = (b"\x00", b"\r", b"\n", b"\r\n", b"\xef\xbb\xbf", b"\xff\xfe", b"\xc3", b"\xe2\x80\xa8", b"\x85", b"\x1a",
          b"\x0b", b" ", b"\t", b"\\", b"'", b'"', b"%", b"null", b"0", b"-1", b"1e999", b"NaN", b"-0-", b"9" * 60,
          "\u202e\u0414\u5b57".encode())
CSV = (b",", b'"', b'""', b";", b"\t", b'"\r"', b',"', b'",', b"\r\n\r\n", b",,,,,,,,,,,,,,,,", b"\n\n")
JSON = (b"{", b"}", b"[", b"]", b":", b",", b'"schema": ["Person"], ', b'"id": ["x"], ', b'"id": {}, ',
        b'"properties": [], ', b'"properties": {"name": "x"}, ', b'"properties": {"name": [1, {}, null]}, ',
        b'"properties": {"percentage": ["1e400"], "owner": [[]]}, ', b'"schema": "Ownership", ', b'"schema": "Sanction", ',
        b'"\\ud800"', b"true", b'{"a": 1}\n', b'"entity": [["x"]], ')
XML = (b"<", b">", b"</", b"/>", b"&amp;", b"&#0;", b"&#x110000;", b"&x;", b"<!DOCTYPE x []>",
       b"<!ENTITY a 'b'>", b"<?xml version='1.0' encoding='bogus'?>", b'<?xml version="1.0" encoding="GBK"?>',
       b'<?xml version="1.0" encoding="utf-16"?>', b"<![CDATA[", b"]]>", b"<INDIVIDUAL>", b"</INDIVIDUAL>",
       b"<ENTITY>", b"<NATIONALITY><VALUE>", b"<INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>APPROXIMATELY</TYPE_OF_DATE><YEAR>",
       b"<TYPE_OF_DATE>BETWEEN</TYPE_OF_DATE><FROM_YEAR>99999999999999999999</FROM_YEAR>", b"xmlns:a='x'", b"<a:b>")
YAML = (b"&a ", b"*a", b"&b [*a, *a]", b"? ", b"? [a, b]\n: c\n", b"? {a: 1}: b", b": ", b"- ", b"!!timestamp ",
        b"!!timestamp 2022-13-45", b"!!timestamp x", b"!!int ", b"!!int x", b"!!float x", b"!!bool x", b"!!binary x",
        b"!!python/object:os.system ", b"!!set ", b"!!omap ", b"!!map [a]", b"!!seq {a: 1}", b"!!str ", b"<<: ",
        b"{", b"}", b"[", b"]", b"|", b">", b"%YAML 1.1\n", b"%TAG ! x\n", b"---\n", b"...\n", b"#", b"@", b"`", b"!x ",
        b"~", b"2022-13-45", b"0x", b"0o17", b"1_000", b".inf", b"\n  ", b"\n- ", b"id: ", b"quote: ", b"status: ",
        b"valid_from: ", b"value: ", b"extends: ", b"extends: ../x", b"extends: baseline", b"- {", b"'\n'")
BLOWUPS = (b"[", b"{", b"- ", b"a: ", b"9", b"a", b'"', b"<a>", b"\n", b"&a", b"x,", b"\r", b"[{", b"\x00")
SIZES = (2, 10, 200, 1_000, 5_000, 20_000, 140_000)
ALIAS_BOMB = (b"a: &a [x, x, x, x, x, x, x, x, x]\n" + b"".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n".encode() for i in range(8)))

Op = tuple[int, int, int, int, int, bytes]  # kind, file, position, arg, arg2, payload (decoded from one integer)


@dataclass(frozen=True)
class Target:
    """An importer or loader under fuzz: its seeds, its call on a folder of files, its tokens."""

    name: str
    seeds: Callable[[], list[dict[str, bytes]]]
    call: Callable[[Path], object]
    tokens: tuple[bytes, ...] = ()
    json: bool = False  # JSON lines: also replace values inside the parsed records
    quick: int = 200  # cases in the quick profile (`make test`); fewer for the slow targets


# -- mutations ---------------------------------------------------------------

_json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
                            lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=6), kids, max_size=3),
                            max_leaves=6)


def cases(target: Target, seed_count: int) -> st.SearchStrategy:
    """(seed index, mutations, JSON values) for one case; a mutation is drawn as one 128-bit
    integer (few draws per case: hypothesis's bookkeeping costs more than most importers)."""
    values = st.lists(_json_values, max_size=2) if target.json else st.just([])
    return st.tuples(st.integers(0, seed_count - 1), st.lists(st.integers(0, (1 << 128) - 1), min_size=1, max_size=5),
                     values)


def _op(v: int) -> Op:
    """A mutation from its integer: kind, file, position, arguments, up to 6 payload bytes."""
    payload = ((v >> 56) & ((1 << 48) - 1)).to_bytes(6, "little")[:(v >> 104) % 7]
    return v % 10, (v >> 4) % 8, (v >> 8) & 0xFFFFF, (v >> 28) & 0xFFFFF, (v >> 48) & 0xFF, payload


def _mutate(data: bytearray, op: Op, tokens: tuple[bytes, ...]) -> bytearray:
    kind, _, pos, arg, arg2, payload = op
    at = pos % (len(data) + 1)
    if kind == 0 and data:
        data[at % len(data)] ^= 1 << (arg2 % 8)
    elif kind == 1:
        data[at:at] = payload
    elif kind in (2, 3, 4):  # tokens are the likeliest to reach deep code: three kinds of five
        data[at:at] = tokens[arg % len(tokens)]
    elif kind == 5:
        del data[at:at + 1 + arg % 64]
    elif kind == 6:
        chunk = bytes(data[at:at + 1 + arg % 256])
        data[at:at] = chunk * (1 + arg2 % 8)
    elif kind == 7:
        data = data[:at]
    elif kind == 8:
        data[at:at] = BLOWUPS[arg % len(BLOWUPS)] * SIZES[arg2 % len(SIZES)]
    elif kind == 9 and arg2 % 16 == 0:
        data[at:at] = ALIAS_BOMB if arg % 2 else b'"' + b"x" * 140_000 + b'"'
    return data


def _replace_json(data: bytes, pos: int, path: int, value) -> bytes:
    """Replace one value inside one JSON line (chosen by `pos` and `path`) with `value`."""
    lines = data.split(b"\n")
    i = pos % len(lines)
    try:
        record = json.loads(lines[i])
    except (ValueError, RecursionError):  # not JSON, or nested past the stack: no value to replace
        return data
    node = record
    while isinstance(node, (dict, list)) and node and path:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        key = keys[path % len(keys)]
        path //= max(2, len(keys))
        if not path or not isinstance(node[key], (dict, list)):
            node[key] = value
            break
        node = node[key]
    lines[i] = json.dumps(record).encode()
    return b"\n".join(lines)


def apply(target: Target, seed: dict[str, bytes], case) -> dict[str, bytes]:
    """The files of one case: the seed with the case's mutations."""
    _, ops, values = case
    names = list(seed)
    files = {name: bytearray(data) for name, data in seed.items()}
    tokens = target.tokens + COMMON
    ops = [_op(v) for v in ops]
    for op in ops:
        name = names[op[1] % len(names)]
        files[name] = _mutate(files[name], op, tokens)
    out = {name: bytes(data) for name, data in files.items()}
    for n, value in enumerate(values):
        name = names[(ops[n % len(ops)][1]) % len(names)]
        out[name] = _replace_json(out[name], ops[0][2] + n, ops[0][3], value)
    return out


# -- checking one case -------------------------------------------------------

class Hang(BaseException):
    """Raised by the alarm when a case runs over its time."""


def _alarm(signum, frame):
    raise Hang


@dataclass
class Failure:
    kind: str  # traceback | hang
    signature: str  # what is the same across cases of one bug: exception type and where
    detail: str


def _signature(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/chipwatch/" in f.filename] or frames[-1:]
    where = f"{Path(ours[-1].filename).name}:{ours[-1].lineno}" if ours else "?"
    return f"{type(exc).__name__} at {where}"


def bad_message(message: str) -> str | None:
    """Why a user-facing line is not one short line, or None when it is."""
    if not message.strip():
        return "an empty message"
    if "\n" in message or "\r" in message:
        return f"{message.count(chr(10)) + 1} lines"
    if len(message) > MAX_MESSAGE:
        return f"{len(message):,} characters"
    return None


def _write(folder: Path, files: dict[str, bytes]) -> None:
    """`folder` holding exactly `files` (rewritten in place: removing folders is slow on some disks)."""
    wanted = {folder / name for name in files}
    for path in folder.rglob("*") if folder.is_dir() else ():
        if path.is_file() and path not in wanted:
            path.unlink()
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


WALL_FACTOR = 24  # a case blocked without using the processor is a hang after this many times `timeout`


def check(target: Target, folder: Path, files: dict[str, bytes], timeout: float) -> Failure | None:
    """Write the files into `folder`, run the target, and say how it failed (None: passed).
    A hang is a case over `timeout` seconds of processor time (a case waiting for a busy
    machine's processor is not one), or over WALL_FACTOR times that on the clock."""
    _write(folder, files)
    old = signal.signal(signal.SIGPROF, _alarm), signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_PROF, timeout)
    signal.setitimer(signal.ITIMER_REAL, timeout * WALL_FACTOR)
    start, cpu = time.monotonic(), time.process_time()
    try:
        problems = target.call(folder)
    except Hang:
        trade_staging.drop()
        return Failure("hang", "hang", f"over {timeout:g} s of processor time or {timeout * WALL_FACTOR:g} s on the clock")
    except ChipwatchError as exc:
        why = bad_message(str(exc).replace(str(folder), "F"))
        return Failure("traceback", f"message: {why.split()[-1]}", f"{why}: {str(exc)[:500]!r}") if why else None
    except Exception as exc:  # noqa: BLE001 - anything else is what the fuzzing looks for
        trade_staging.drop()
        detail = "".join(traceback.format_exception(exc)[-12:])
        return Failure("traceback", _signature(exc), detail[-3000:])
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGPROF, old[0])
        signal.signal(signal.SIGALRM, old[1])
    if time.process_time() - cpu > timeout or time.monotonic() - start > timeout * WALL_FACTOR:
        return Failure("hang", "hang", f"{time.process_time() - cpu:.1f} s of processor time, "
                                       f"{time.monotonic() - start:.1f} s on the clock")
    for line in problems or ():
        if why := bad_message(str(line).replace(str(folder), "F")):
            return Failure("traceback", "problem line", f"{why}: {str(line)[:500]!r}")
    return None


# -- running a target --------------------------------------------------------

# cases are written to memory where there is a tmpfs: a file write there takes 10 µs, on a disk 2-3 ms
_MEMORY_DISK = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None


@dataclass
class Stats:
    target: str
    cases: int = 0
    tracebacks: int = 0
    hangs: int = 0
    seconds: float = 0.0
    first: dict[str, tuple[Failure, dict[str, bytes]]] = field(default_factory=dict)  # signature -> first case

    def add(self, failure: Failure | None, files: dict[str, bytes]) -> None:
        self.cases += 1
        if failure is None:
            return
        if failure.kind == "hang":
            self.hangs += 1
        else:
            self.tracebacks += 1
        self.first.setdefault(failure.signature, (failure, files))

    def save(self, folder: Path) -> None:
        """Each distinct failure's first case as files, with what went wrong."""
        for signature, (failure, files) in self.first.items():
            case = folder / self.target / hashlib.sha1(signature.encode()).hexdigest()[:10]
            for name, data in files.items():
                (case / name).parent.mkdir(parents=True, exist_ok=True)
                (case / name).write_bytes(data)
            (case / "FAILURE.txt").write_text(f"{signature}\n\n{failure.detail}\n", encoding="utf-8")


    def merge(self, other: Stats) -> None:
        self.cases += other.cases
        self.tracebacks += other.tracebacks
        self.hangs += other.hangs
        for signature, first in other.first.items():
            self.first.setdefault(signature, first)


def _part(name: str, count: int, seed: int, worker: int, timeout: float) -> Stats:
    """One worker's share of a run (in its own process), its progress on stderr."""
    import sys

    def report(stats: Stats) -> None:
        print(f"  {name} worker {worker}: {stats.cases:,} cases, {stats.tracebacks:,} tracebacks, {stats.hangs:,} hangs",
              file=sys.stderr, flush=True)

    return run(TARGETS[name], count, f"{seed}:{worker}", timeout, report)


def run_parallel(target: Target, count: int, seed: int = 0, timeout: float = 5.0, workers: int = 2) -> Stats:
    """`count` cases of `target` shared among `workers` processes (each with its own
    hypothesis seed and staging connection); their counts and first failures added up."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    shares = [count // workers + (i < count % workers) for i in range(workers)]
    start = time.monotonic()
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_worker_path, initargs=(str(Path(__file__).parent),)) as pool:
        parts = list(pool.map(_part, [target.name] * workers, shares, [seed] * workers, range(workers),
                              [timeout] * workers))
    stats = Stats(target.name)
    for part in parts:
        stats.merge(part)
    stats.seconds = time.monotonic() - start
    return stats


def _worker_path(folder: str) -> None:
    import sys

    if folder not in sys.path:
        sys.path.insert(0, folder)


def run(target: Target, count: int, seed: int | str = 0, timeout: float = 5.0,
        progress: Callable[[Stats], None] | None = None) -> Stats:
    """Run `count` cases of `target`; failures are counted, never raised. `progress` is
    called every 10,000 cases."""
    corpus = target.seeds()
    stats = Stats(target.name)
    folder = Path(tempfile.mkdtemp(prefix=f"chipwatch-fuzz-{target.name}-", dir=_MEMORY_DISK))
    work = folder / "case"

    @hseed(seed)
    @settings(max_examples=count, database=None, deadline=None, phases=[Phase.generate], derandomize=False,
              suppress_health_check=list(HealthCheck), report_multiple_bugs=False)
    @given(cases(target, len(corpus)))
    def body(case):
        files = apply(target, corpus[case[0]], case)
        stats.add(check(target, work, files, timeout), files)
        if progress and stats.cases % 10_000 == 0:
            progress(stats)

    check(target, work, corpus[0], timeout=600.0)  # warm-up, not counted: first imports and data loads take seconds
    start = time.monotonic()
    try:
        body()
    finally:
        stats.seconds = time.monotonic() - start
        shutil.rmtree(folder, ignore_errors=True)
    return stats


# -- the targets -------------------------------------------------------------

def _ofac(d: Path):
    from chipwatch.screening.lists import ofac

    ofac.parse(d / "sdn.csv", d / "alt.csv", d / "add.csv")


def _un(d: Path):
    from chipwatch.screening.lists import un

    un.parse(d / "un.xml")


def _bis(d: Path):
    from chipwatch.screening.lists import bis

    bis.parse(d / "dpl.txt")


def _ftm(d: Path):
    from chipwatch.screening.lists import ftm

    ftm.parse(d / "entities.ftm.json")


def _chpl(d: Path):
    from chipwatch.trade.importers import chpl

    chpl.parse(d / "chpl.csv")


def _eto(d: Path):
    from chipwatch.importers.eto import eto_dataset

    eto_dataset(d, [])


def _eurostat_csv(d: Path):
    from chipwatch.trade.importers import csvfiles

    with trade_staging.memoised(csvfiles):
        csvfiles.eurostat_csv(d / "trade.csv", "fuzz", con=trade_staging.connection())


def _eurostat_xlsx(d: Path):
    from chipwatch.trade.importers import eurostat_xlsx

    with trade_staging.memoised(eurostat_xlsx):
        eurostat_xlsx.parse(d / "sheet.xlsx", "fuzz", con=trade_staging.connection())


def _eurostat_sheets(d: Path):
    from chipwatch.trade.importers import eurostat_xlsx

    rows = seedlib.grid((d / "sheet.tsv").read_bytes())
    with trade_staging.memoised(eurostat_xlsx):
        eurostat_xlsx.read_sheets(d / "sheet.xlsx", [("Summary", [["notes"]]), ("Sheet 1", rows)], "fuzz",
                                  con=trade_staging.connection())


def _dataset(d: Path):
    from chipwatch.dataset import load_dataset, validate

    ds = load_dataset(d)
    return [str(p) for p in validate(ds).problems]


def _scenario(d: Path):
    from chipwatch.scenarios import load_scenario

    load_scenario(d / "scenario.yaml")


def _screening(d: Path):
    from chipwatch.screening.batch import read_queries

    read_queries(d / "parties.csv", column="name1")


TARGETS = {t.name: t for t in (
    Target("ofac", seedlib.ofac, _ofac, CSV),
    Target("un", seedlib.un, _un, XML),
    Target("bis", seedlib.bis, _bis, CSV),
    Target("ftm", seedlib.ftm, _ftm, JSON, json=True),
    Target("chpl", seedlib.chpl, _chpl, CSV),
    Target("eto", seedlib.eto, _eto, CSV),
    Target("eurostat-csv", seedlib.eurostat_csv, _eurostat_csv, CSV, quick=60),
    Target("eurostat-xlsx", seedlib.eurostat_xlsx, _eurostat_xlsx, CSV, quick=60),
    Target("eurostat-sheets", seedlib.eurostat_sheets, _eurostat_sheets, CSV + (b":", b"[85423190]", b"VALUE_IN_EUROS"), quick=60),
    Target("dataset", seedlib.dataset, _dataset, YAML, quick=100),
    Target("dataset-jsonl", seedlib.dataset_jsonl, _dataset, JSON, json=True, quick=100),
    Target("scenario", seedlib.scenario, _scenario, YAML, quick=100),
    Target("screening-csv", seedlib.screening, _screening, CSV),
)}
