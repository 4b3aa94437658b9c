"""Name matching benchmarks, each figure beside its target and beside nomenklatura logic-v2.

1. Speed (printed first, it also gives the sample of pairs logic-v2 is timed on): 100k query
   names against OFAC SDN 2024-05-03 with its aliases (alt file), plus the
   bundled dataset's entities (the only list names in Chinese and Russian script). Queries are
   variants of real list names (typos, legal forms added, dropped or swapped, Cyrillic
   spellings of Russian names, Traditional/Simplified, word order) and made-up non-members.
   Target >= 5,000 queries/s on 2 cores and <= 4 GB; beside logic-v2 pairs/s on a sample.
   Wall-clock figures depend on what else the machine runs: the load average and the CPU
   time per query are printed beside them.
2. Quality: precision, recall and F1 at threshold 0.7 on name_bench/cases.csv (826 labelled
   pairs), beside logic-v2's own results on the same pairs (logic-v2-results.csv) and, when
   nomenklatura can be run, logic-v2 scored live in this run. Target F1 >= 0.88.
   The comparison's few weights were chosen on one half of the pairs (a fixed hash split);
   the other half is printed apart as held-out.

nomenklatura is looked for in this interpreter, else in the one NOMENKLATURA_PYTHON names
(it pins duckdb < 2, so it lives in a venv of its own: `python -m venv /tmp/nkv &&
/tmp/nkv/bin/pip install nomenklatura`). It is used here only, never by chipwatch.

    python bench/names.py [--queries 100000] [--workers 2] [--quick]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CHIPWATCH_SHARED", ROOT.parent / "shared"))
DATA = SHARED / "data"
THRESHOLD = 0.7

from chipwatch.engines import open_engine  # noqa: E402
from chipwatch.names.compare import _info, name_symbols  # noqa: E402
from chipwatch.names.forms import name_forms  # noqa: E402
from chipwatch.names.normalize import to_simplified, to_traditional  # noqa: E402
from chipwatch.screening.blocking import SqlBlocker  # noqa: E402
from chipwatch.screening.lists.model import ListEntry, ListName  # noqa: E402
from chipwatch.screening.lists.ofac import parse  # noqa: E402
from chipwatch.screening.matcher import Matcher, Query  # noqa: E402


def row(name: str, value: str, target: str = "") -> None:
    print(f"{name:<58} {value:>30}   {('target ' + target) if target else ''}")


def prf(pairs: list[tuple[bool, bool]]) -> tuple[float, float, float]:
    tp = sum(1 for p, t in pairs if p and t)
    fp = sum(1 for p, t in pairs if p and not t)
    fn = sum(1 for p, t in pairs if not p and t)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def fmt(m: tuple[float, float, float]) -> str:
    return f"F1 {m[2]:.3f} (P {m[0]:.3f}, R {m[1]:.3f})"


def half(name1: str, name2: str) -> int:
    """0 = the half the weights were chosen on, 1 = held out."""
    return int(hashlib.sha1(f"{name1}|{name2}".encode()).hexdigest(), 16) % 2


# --- nomenklatura, in this interpreter or another -------------------------------------------

NK_CODE = r"""
import json, sys, time
from followthemoney import model
from nomenklatura.matching import LogicV2
from nomenklatura.matching.types import ScoringConfig
cfg = ScoringConfig.defaults()
job = json.load(sys.stdin)
def ent(schema, names, i):
    e = model.make_entity(schema); e.id = "e%d" % i
    for n in names: e.add("name", n)
    return e
out = {}
q = [(ent(s, [a], 2 * i), ent(s, [b], 2 * i + 1)) for i, (s, a, b) in enumerate(job["quality"])]
LogicV2.compare(*q[0], cfg)  # rigour loads its tagger on the first call: not timed
t = time.perf_counter()
out["quality"] = [LogicV2.compare(a, b, cfg).score for a, b in q]
out["quality_s"] = time.perf_counter() - t
p = [(ent(s, qn, 2 * i), ent(s, en, 2 * i + 1)) for i, (s, qn, en) in enumerate(job["speed"])]
t = time.perf_counter()
for a, b in p: LogicV2.compare(a, b, cfg)
out["speed_s"] = time.perf_counter() - t
out["speed_n"] = len(p)
print(json.dumps(out))
"""


def nomenklatura_python() -> str | None:
    for exe in [sys.executable, os.environ.get("NOMENKLATURA_PYTHON")]:
        if exe and subprocess.run([exe, "-c", "import nomenklatura.matching"], capture_output=True).returncode == 0:
            return exe
    return None


def run_nomenklatura(exe: str, quality: list, speed: list) -> dict:
    out = subprocess.run([exe, "-c", NK_CODE], input=json.dumps({"quality": quality, "speed": speed}),
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


# --- quality ------------------------------------------------------------------------------

def quality(nk_exe: str | None, speed_sample: list) -> dict:
    cases = list(csv.DictReader(open(DATA / "name_bench" / "cases.csv", encoding="utf-8")))
    v2 = {(r["schema"], r["name1"], r["name2"]): r for r in
          csv.DictReader(open(DATA / "name_bench" / "logic-v2-results.csv", encoding="utf-8"))}
    m = Matcher([], "name_bench")
    t = time.perf_counter()
    ours = []
    for c in cases:
        entry = ListEntry(list_id="x", schema=c["schema"], names=[ListName(c["name2"])])
        ours.append(m.compare(Query(names=[c["name1"]], schema=c["schema"]), entry).score)
    dt = time.perf_counter() - t
    truth = [c["is_match"] == "true" for c in cases]
    print(f"\n2. Quality: name_bench/cases.csv, {len(cases)} labelled pairs, threshold {THRESHOLD}")
    row("chipwatch, all pairs", fmt(prf([(s >= THRESHOLD, t) for s, t in zip(ours, truth, strict=True)])), "F1 >= 0.88")
    for h, label in [(0, "tuning half"), (1, "held-out half")]:
        sel = [(s >= THRESHOLD, t) for s, t, c in zip(ours, truth, cases, strict=True) if half(c["name1"], c["name2"]) == h]
        row(f"chipwatch, {label} ({len(sel)} pairs)", fmt(prf(sel)))
    both = [(i, v2[(c["schema"], c["name1"], c["name2"])]) for i, c in enumerate(cases)
            if (c["schema"], c["name1"], c["name2"]) in v2]
    row(f"chipwatch, the {len(both)} pairs logic-v2's file scores", fmt(prf([(ours[i] >= THRESHOLD, truth[i]) for i, _ in both])))
    row("logic-v2, its results file, same pairs", fmt(prf([(float(r["score"]) >= THRESHOLD, truth[i]) for i, r in both])))
    for h, label in [(0, "tuning half"), (1, "held-out half")]:
        sel = [(float(r["score"]) >= THRESHOLD, truth[i]) for i, r in both if half(cases[i]["name1"], cases[i]["name2"]) == h]
        row(f"logic-v2 file, {label}", fmt(prf(sel)))
    row("chipwatch pairs/s (name_bench, one core)", f"{len(cases) / dt:,.0f}")
    res: dict = {}
    if nk_exe:
        res = run_nomenklatura(nk_exe, [[c["schema"], c["name1"], c["name2"]] for c in cases], speed_sample)
        live = res["quality"]
        row("logic-v2 live (nomenklatura, this run), all pairs",
            fmt(prf([(s >= THRESHOLD, t) for s, t in zip(live, truth, strict=True)])))
        row("logic-v2 live, pairs/s (name_bench, one core)", f"{len(cases) / res['quality_s']:,.0f}")
    else:
        print("   nomenklatura is not importable here and NOMENKLATURA_PYTHON is unset: logic-v2 only from its file")
    return res


# --- queries ------------------------------------------------------------------------------

_CYR = [("shch", "щ"), ("kh", "х"), ("zh", "ж"), ("ts", "ц"), ("ch", "ч"), ("sh", "ш"), ("ya", "я"), ("yu", "ю"),
        ("ye", "е"), ("yo", "ё"), ("iy", "ий"), ("yy", "ый"), ("a", "а"), ("b", "б"), ("v", "в"), ("g", "г"),
        ("d", "д"), ("e", "е"), ("z", "з"), ("i", "и"), ("y", "й"), ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"),
        ("o", "о"), ("p", "п"), ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"), ("f", "ф"), ("h", "х"), ("c", "к"),
        ("j", "дж"), ("q", "к"), ("w", "в"), ("x", "кс")]
_LEGAL = {"LLC": "ООО", "JSC": "АО", "OJSC": "ОАО", "CJSC": "ЗАО", "PJSC": "ПАО", "OOO": "ООО", "AO": "АО",
          "OAO": "ОАО", "ZAO": "ЗАО", "PAO": "ПАО"}
_LEGAL_LONG = [("OBSHCHESTVO S OGRANICHENNOI OTVETSTVENNOSTYU", "ООО"), ("LIMITED LIABILITY COMPANY", "ООО"),
               ("OPEN JOINT STOCK COMPANY", "ОАО"), ("CLOSED JOINT STOCK COMPANY", "ЗАО"),
               ("PUBLIC JOINT STOCK COMPANY", "ПАО"), ("JOINT STOCK COMPANY", "АО"), ("JOINT-STOCK COMPANY", "АО"),
               ("AKTSIONERNOE OBSHCHESTVO", "АО")]
_SWAP = {"LLC": "OOO", "OOO": "LLC", "JSC": "AO", "AO": "JSC", "LIMITED": "LTD", "LTD": "LIMITED",
         "COMPANY": "CO", "CORPORATION": "CORP", "INC": "INCORPORATED", "OJSC": "JSC", "CJSC": "JSC"}
_SYL = ["ka", "lo", "mi", "ra", "ven", "tor", "zu", "bel", "dar", "nix", "qua", "sor", "lum", "pex", "tav", "rin",
        "dol", "mar", "kes", "fyn", "gro", "hal", "jor", "wex", "yan", "zel", "brim", "cort", "dex", "olv"]
_GENERIC = ["Trading", "Logistics", "Foods", "Consulting", "Dental", "Bakery", "Gardens", "Textiles", "Media",
            "Software", "Furniture", "Pharmacy", "Travel", "Studio", "Farms", "Apparel", "Optics", "Boutique"]
_GIVEN = ["Anna", "Peter", "Maria", "Jonas", "Lucia", "Tomasz", "Ingrid", "Rahul", "Chloe", "Mateo", "Aiko",
          "Emeka", "Sofia", "Lars", "Nadia", "Oscar", "Priya", "Hugo", "Elena", "Kwame"]


def to_cyrillic(text: str) -> str:
    out, s, i = [], text.lower(), 0
    while i < len(s):
        for lat, cyr in _CYR:
            if s.startswith(lat, i):
                out.append(cyr)
                i += len(lat)
                break
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


def typo(name: str, rng: random.Random) -> str:
    words = name.split()
    idx = [i for i, w in enumerate(words) if len(w) >= 5]
    if not idx:
        return name
    i = rng.choice(idx)
    w = words[i]
    p = rng.randrange(1, len(w) - 1)
    op = rng.randrange(4)
    letter = rng.choice("aeioulnrst")
    w = [w[:p] + w[p + 1:], w[:p] + letter + w[p:], w[:p] + letter + w[p + 1:], w[:p - 1] + w[p] + w[p - 1] + w[p + 1:]][op]
    words[i] = w
    return " ".join(words)


_LONG_SWAP = {"LIMITED LIABILITY COMPANY": ["LLC", "OOO", "L.L.C."], "OPEN JOINT STOCK COMPANY": ["OJSC", "OAO"],
              "CLOSED JOINT STOCK COMPANY": ["CJSC", "ZAO"], "PUBLIC JOINT STOCK COMPANY": ["PJSC", "PAO"],
              "JOINT STOCK COMPANY": ["JSC", "AO", "JOINT-STOCK COMPANY"], "COMPANY LIMITED": ["CO., LTD.", "LTD"]}


def legal_variant(name: str, rng: random.Random) -> str:
    """The legal form dropped, written another way, or added."""
    upper = " ".join(name.upper().replace(",", " ").split())
    for long, short in _LONG_SWAP.items():
        if long in upper:
            return " ".join(upper.replace(long, "" if rng.random() < 0.4 else rng.choice(short)).split()) or name
    words = upper.split()
    for i, w in enumerate(words):
        if w in _SWAP:
            if rng.random() < 0.5:
                return " ".join(words[:i] + words[i + 1:]) or name
            return " ".join(words[:i] + [_SWAP[w]] + words[i + 1:])
    return name + " " + rng.choice(["LLC", "JSC", "Ltd", "OOO", "Co., Ltd."])


def cyrillic_variant(name: str, schema: str) -> str:
    """How a Russian writer might spell a name the list romanised: legal forms as Russian
    abbreviations, the rest letter by letter."""
    if schema == "Person":
        return " ".join(to_cyrillic(w).capitalize() for w in name.replace(",", " ").split())
    text = name.upper().replace(",", " ")
    legal = []
    for long, short in _LEGAL_LONG:
        if long in text:
            text = text.replace(long, " ")
            legal.append(short)
    words = [_LEGAL.get(w, to_cyrillic(w).upper()) for w in text.split()]
    return " ".join(legal + [f"«{' '.join(words)}»" if legal else " ".join(words)])


def made_up(rng: random.Random) -> tuple[str, str]:
    word = "".join(rng.choice(_SYL) for _ in range(rng.randint(2, 3))).capitalize()
    if rng.random() < 0.6:
        return f"{word} {rng.choice(_GENERIC)} {rng.choice(['LLC', 'Ltd', 'GmbH', 'S.A.', 'Inc.', 'OOO', ''])}".strip(), "Organization"
    word2 = "".join(rng.choice(_SYL) for _ in range(rng.randint(2, 3))).capitalize()
    return f"{rng.choice(_GIVEN)} {word}{word2[:3].lower()}", "Person"


def kb_entries() -> list[ListEntry]:
    """The bundled dataset's companies and bodies as a small list: names in en, zh-Hant, ru."""
    data = yaml.safe_load(open(ROOT / "datasets" / "russia" / "entities.yaml", encoding="utf-8"))
    out = []
    for e in data:
        if e.get("type") in {"country", "product", "material", "equipment", "technology", "program", "financial_system"}:
            continue
        names = [ListName(n) for n in (e.get("names") or {}).values()]
        names += [ListName(n, "legal") for n in (e.get("legal_names") or {}).values()]
        names += [ListName(n, "aka") for n in e.get("aliases") or []]
        ids = {}
        for i in e.get("identifiers") or []:
            ids.setdefault(i["scheme"], []).append(str(i["value"]))
        out.append(ListEntry(list_id=f"kb:{e['id']}", schema="Organization", names=names,
                             countries=[e["country"].lower()] if e.get("country") else [], identifiers=ids))
    return out


def make_queries(entries: list[ListEntry], n: int, seed: int = 7) -> list[tuple[Query, str | None, str]]:
    """(query, the list_id it was made from or None, how it was made)."""
    rng = random.Random(seed)
    ofac = [e for e in entries if not e.list_id.startswith("kb:") and e.schema in ("Person", "Organization")]
    russian = [e for e in ofac if any("RUSSIA" in p for p in e.programs) or "ru" in e.countries]
    chinese = [(e, nm.name) for e in entries if e.list_id.startswith("kb:") for nm in e.names
               if any("\u4e00" <= ch <= "\u9fff" for ch in nm.name)]
    out: list[tuple[Query, str | None, str]] = []
    for _ in range(n):
        r = rng.random()
        if r < 0.2:
            name, schema = made_up(rng)
            out.append((Query([name], schema=schema if rng.random() < 0.5 else None), None, "non-member"))
            continue
        if r < 0.25 and chinese:
            e, name = rng.choice(chinese)
            name = to_traditional(name) if rng.random() < 0.5 else to_simplified(name)
            out.append((Query([name]), e.list_id, "Traditional/Simplified"))
            continue
        e = rng.choice(russian if r < 0.4 else ofac)
        name = rng.choice(e.names).name
        if r < 0.4:
            name, how = cyrillic_variant(name, e.schema), "Cyrillic spelling"
        elif r < 0.6:
            name, how = typo(name, rng), "typo"
        elif r < 0.75 and e.schema != "Person":
            name, how = legal_variant(name, rng), "legal form"
        elif r < 0.85 and "," in name:
            last, _, first = name.partition(",")
            name, how = f"{first.strip()} {last.strip()}".title(), "word order"
        else:
            name, how = name.title() if rng.random() < 0.5 else name.lower(), "as listed (case)"
        out.append((Query([name], schema=e.schema if rng.random() < 0.5 else None), e.list_id, how))
    return out


# --- speed --------------------------------------------------------------------------------

def report(queries: list, results: list, n: int, workers: int, wall: float, cpu: float, rss_index: float) -> None:
    rss_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    rss_child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 / 1024
    row(f"    queries/s, {workers} processes ({n:,} queries, wall clock)", f"{n / wall:,.0f}", ">= 5,000 on 2 cores")
    row("    load average (1 min) after the run, of this machine", f"{os.getloadavg()[0]:.2f}")
    row(f"    CPU time per query, all processes; queries per {workers} CPU-seconds", f"{cpu / n * 1e6:,.0f} us; {workers * n / cpu:,.0f}")
    row("    peak RSS: this process / largest worker", f"{rss_self:.2f} GB / {rss_child:.2f} GB", "<= 4 GB")
    row("    sum of this process and the workers (upper bound)", f"{rss_self + workers * rss_child:.2f} GB")
    row("    (this process after building the index)", f"{rss_index:.2f} GB")
    by_how: dict[str, list[int]] = {}
    for (_, expected, how), hits in zip(queries, results, strict=True):
        ids = [m.entry.list_id for m in hits]
        ok = (expected in ids) if expected else not ids
        top = bool(ids) and ids[0] == expected if expected else not ids
        by_how.setdefault(how, [0, 0, 0])
        by_how[how][0] += 1
        by_how[how][1] += ok
        by_how[how][2] += top
    for how, (total, ok, top) in sorted(by_how.items()):
        if how == "non-member":
            row(f"    non-members with no hit >= {THRESHOLD} ({total:,})", f"{ok / total:.1%}")
        else:
            row(f"    {how}: source entry found / first ({total:,})", f"{ok / total:.1%} / {top / total:.1%}")


def speed(n: int, workers: int) -> list:
    d = DATA / "ofac"
    t = time.perf_counter()
    parsed = parse(d / "sdn-2024-05-03.csv", d / "alt-2025-02-27.csv")
    entries = parsed.entries + kb_entries()
    t_parse = time.perf_counter() - t
    t = time.perf_counter()
    name_symbols("warm")  # rigour's name tagger loads once per process
    t_rigour = time.perf_counter() - t
    t = time.perf_counter()
    matcher = Matcher(entries, "ofac-sdn-2024-05-03+kb")
    t_build = time.perf_counter() - t
    rss_index = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    queries = make_queries(entries, n)
    print(f"\n1. Speed: {n:,} queries against {len(entries):,} entries, {sum(len(e.names) for e in entries):,} names, "
          f"{matcher.form_count:,} forms (OFAC SDN 2024-05-03 + alt aliases + {len(entries) - len(parsed.entries)} dataset entities)")
    row("parse OFAC CSVs", f"{t_parse:.1f} s")
    row("load rigour's name tagger (once per process)", f"{t_rigour:.1f} s")
    row("build the index", f"{t_build:.1f} s")
    sample = queries[: min(5000, n)]
    t = time.perf_counter()
    for q, _, _ in sample:
        matcher.match(q, THRESHOLD)
    one = len(sample) / (time.perf_counter() - t)
    row("queries/s, one process (first 5,000)", f"{one:,.0f}")
    qs = [q for q, _, _ in queries]
    for mode in ("in-memory index", "SQL blocking on DuckDB (chipwatch screen's default)"):
        print(f"  {mode}:")
        for cached in (name_forms, _info, name_symbols):  # each mode starts cold
            cached.cache_clear()
        t, cpu0 = time.perf_counter(), os.times()
        if mode.startswith("SQL"):
            blocker = SqlBlocker(matcher, open_engine("duckdb"))
            row("    load the index into DuckDB (once per list)", f"{time.perf_counter() - t:.1f} s")
            results, t_block = [], 0.0
            for i in range(0, n, 20_000):  # chunks as chipwatch screen runs them
                tb = time.perf_counter()
                blocked = blocker.block(qs[i:i + 20_000])
                t_block += time.perf_counter() - tb
                results += matcher.match_many(qs[i:i + 20_000], THRESHOLD, 5, workers=workers, blocked=blocked)
            row("    of which blocking in DuckDB (keys, tables, SQL)", f"{t_block:.1f} s")
        else:
            results = matcher.match_many(qs, THRESHOLD, 5, workers=workers)
        wall, cpu1 = time.perf_counter() - t, os.times()
        report(queries, results, n, workers, wall, sum(cpu1[:4]) - sum(cpu0[:4]), rss_index)
    # a sample of (query, entry) pairs for logic-v2's pairs/s
    rng = random.Random(3)
    by_id = {e.list_id: e for e in entries}
    pairs = []
    for q, expected, _ in rng.sample(queries, min(2000, n)):
        e = by_id[expected] if expected else rng.choice(entries)
        schema = {"Person": "Person", "Vessel": "Vessel", "Airplane": "Airplane"}.get(e.schema, "Organization")
        pairs.append([schema, q.names, [x.name for x in e.names]])
    return pairs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--queries", type=int, default=100_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--quick", action="store_true", help="10,000 queries")
    args = ap.parse_args()
    if not (DATA / "name_bench" / "cases.csv").exists() or not (DATA / "ofac").exists():
        sys.exit(f"reference data absent: {DATA} (name_bench/, ofac/)")
    print(f"chipwatch name matching — python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    nk = nomenklatura_python()
    sample = speed(10_000 if args.quick else args.queries, args.workers)
    res = quality(nk, sample)
    if res:
        row(f"logic-v2 live pairs/s ({res['speed_n']:,} query-entry pairs from part 2, one core)",
            f"{res['speed_n'] / res['speed_s']:,.0f}")
        print("   (a pair is one query against one entry; a chipwatch query is one name against the whole list)")
    else:
        print("   logic-v2 pairs/s: nomenklatura not available (set NOMENKLATURA_PYTHON)")


if __name__ == "__main__":
    main()
