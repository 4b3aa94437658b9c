"""Screening: names in any script against the imported sanctions lists, with the reasons.

For each query:

1. **The knowledge graph.** A query whose names the graph holds exactly, for one party,
   reaches that party at once; any other is matched against the graph's own name index
   (version `kb`). A party it reaches (score >= the threshold, no other party as close)
   widens the query with that party's other names and identifiers, so 貝加爾電子 reaches the
   OFAC entry of Baikal Electronics. A hit found through the graph scores at most what
   the query scored against the graph.
2. **The lists.** The latest version of each list, through its persistent name index:
   blocking in SQL on the store (`duckdb`, the default; `spark` on copies of the index)
   or in memory (`memory`); scoring by the matcher. Both give the same hits.
3. **Reasons.** `listed` (the entry carries a program and the score reaches
   `review_below`), `owned` (owned 50 % or more by listed parties, chain with names,
   shares and dates), `review` (a score below `review_below`; ownership in unknown
   shares; or the graph holds a sourced `sanctioned_by` claim for the party and no
   imported list version has it — with the claim and its quote).

Every hit names the list version and its date; `warnings` says when the newest version
of a list is older than `max_age_days`.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from datetime import date

from chipwatch.cycles import no_gc
from chipwatch.errors import ChipwatchError
from chipwatch.i18n import t
from chipwatch.screening.blocking import SqlBlocker
from chipwatch.screening.index import (
    KB_VERSION,
    IndexData,
    entry_forms,
    has_blob,
    normalise_id,
    stored,
    stored_symbols,
)
from chipwatch.screening.lists.model import ListEntry
from chipwatch.screening.matcher import Match, Matcher, Query, cover_floor, query_forms
from chipwatch.store.read import Store

KB_SCHEMES = {"inn": "inn", "ogrn": "ogrn", "lei": "lei", "imo": "imo"}
THRESHOLD = 0.7  # lowest score reported
REVIEW_BELOW = 0.9  # a hit scoring less is `review`, not `listed` (name_bench precision: 0.955 above, 0.81 from 0.8, 0.63 from 0.7)
MAX_AGE_DAYS = 90
SMALL = 200  # up to this many queries, a SQL screening fetches only its candidates' part of the index
PARALLEL = 2_000  # from this many queries, screening runs in one process per core, each on a shard
SHARD = 1_000  # the fewest queries a process screens at a time
SHARD_MAX = 20_000  # the most
ENGINES = ("duckdb", "spark", "memory")


@dataclass
class ListVersion:
    id: str
    kind: str
    date: str
    imported_at: str
    entries: int

    def age_days(self, today: date | None = None) -> int:
        return ((today or date.today()) - date.fromisoformat(self.date[:10])).days


@dataclass
class Hit:
    query: str
    list: str  # ofac, un, bis, ftm, or kb (the knowledge graph)
    version: str
    list_date: str | None
    list_id: str
    name: str
    schema: str
    score: float
    reason: str  # listed | owned | review
    programs: list[str]
    entity: str | None  # the KB entity, when the query or the entry is linked to one
    explanation: dict = field(default_factory=dict)
    chain: list[list[dict]] = field(default_factory=list)  # ownership paths, listed party first
    review: list[str] = field(default_factory=list)  # why a person should look (English; `why` as codes)
    topics: list[str] = field(default_factory=list)
    claims: list[dict] = field(default_factory=list)  # KB claims behind the hit, with evidence
    entry: ListEntry | None = None  # the list entry as the list gives it (names, identifiers, dates, remarks)
    why: list[dict] = field(default_factory=list)  # the review reasons as {code, values}: pages say them in any language

    def to_dict(self) -> dict:
        entry = self.entry
        self.entry = None
        try:
            out = asdict(self)
        finally:
            self.entry = entry
        out["entry"] = entry.to_dict() if entry is not None else None
        return out


@dataclass
class Screening:
    """The hits per query (best first), the list versions screened and any warnings (in
    English; `stale` as values for pages to say in any language)."""

    hits: dict[str, list[Hit]]
    lists: list[ListVersion]
    warnings: list[str]
    bridges: dict[str, dict] = field(default_factory=dict)  # query -> how it reached the knowledge graph
    stale: list[dict] = field(default_factory=list)  # {version, kind, days, max, date} for each list too old

    def __getitem__(self, qid: str) -> list[Hit]:
        return self.hits[qid]

    def to_dict(self) -> dict:
        return {"lists": [asdict(v) for v in self.lists], "warnings": self.warnings,
                "results": {qid: [h.to_dict() for h in hits] for qid, hits in self.hits.items()}}


def require_lists(store: Store) -> None:
    """A clear error when no sanctions list has been imported."""
    if not store.list_versions():
        raise ChipwatchError("no sanctions list in the store; import one: chipwatch lists import ofac PATH")


def latest_versions(store: Store, kinds: list[str] | None = None) -> list[ListVersion]:
    """The newest version of each list (of `kinds`), each with its name index."""
    rows = store.con.execute(
        "SELECT id, kind, date, imported_at, entries FROM list_versions v "
        "WHERE date = (SELECT max(date) FROM list_versions w WHERE w.kind = v.kind) ORDER BY kind").fetchall()
    known = {r[1] for r in rows}
    for k in kinds or ():
        if k not in known:
            raise ChipwatchError(f"--lists {k}: no such list imported; the store has: {', '.join(sorted(known)) or 'none'}")
    out = [ListVersion(*r) for r in rows if not kinds or r[1] in kinds]
    for v in out:
        if stored(store.con, v.id) is None:
            raise ChipwatchError(f"list version {v.id} has no name index (imported by an older chipwatch): "
                                 f"run `chipwatch build` again, or import the list again")
    return out


def stale(versions: list[ListVersion], max_age_days: int = MAX_AGE_DAYS, today: date | None = None) -> list[dict]:
    """The lists whose newest version is older than max_age_days."""
    return [{"version": v.id, "kind": v.kind, "days": v.age_days(today), "max": max_age_days, "date": v.date}
            for v in versions if v.age_days(today) > max_age_days]


def warning_text(w: dict) -> str:
    """A stale list's warning in English (pages say it in their language: i18n `screen.stale`)."""
    return t("screen.stale", "en", **w)


def screening_of(hits, versions, max_age_days, today, bridges) -> Screening:
    old = stale(versions, max_age_days, today)
    return Screening(hits, versions, [warning_text(w) for w in old], bridges, old)


# --- matching through an engine --------------------------------------------------------------

class Engine:
    """Where blocking runs: `memory` (each index loaded whole), `duckdb` (SQL on the store)
    or `spark` (SQL on copies of the index tables)."""

    def __init__(self, store: Store, name: str = "duckdb", versions: list[str] = ()):
        if name not in ENGINES:
            raise ChipwatchError(f"--engine {name}: unknown; use duckdb, spark or memory")
        self.store, self.name = store, name
        self.sql = None
        if name == "duckdb":
            from chipwatch.engines import DuckDBEngine

            self.sql = DuckDBEngine(store.con)
        elif name == "spark":
            self.sql = _spark_with_index(store, list(versions))

    def close(self) -> None:
        if self.sql is not None:
            self.sql.close()

    def match(self, version: str, queries: list[Query], threshold: float, limit: int) -> list[list[Match]]:
        con = self.store.con
        symbols = lambda: self.store.memo("symbols", lambda: stored_symbols(con))  # noqa: E731
        if self.sql is None or has_blob(con, version):  # small indexes load whole in milliseconds
            ix = self.store.memo(("index", version), lambda: IndexData.load(con, version, symbols=symbols()))
            return Matcher(ix).match_many(queries, threshold, limit)
        st = stored(con, version)
        forms = [[f for _, f in query_forms(q)] for q in queries]
        blocker = SqlBlocker(self.sql, st, cover_floor(version))
        if len(queries) <= SMALL:
            ranked = blocker.rank_many(forms)
            ids = {(s.lower(), normalise_id(v)) for q in queries for s, vs in (q.identifiers or {}).items()
                   for v in ([vs] if isinstance(vs, str) else vs)}
            tokens = {t for fs in forms for f in fs for t in f.tokens}
            ix = IndexData.fetch(con, st, [nid for r in ranked for nid, _, _ in r], ids, tokens)
        else:
            ix = self.store.memo(("scoring", version), lambda: IndexData.load(con, version, False, symbols()))
            ranked = blocker.rank_many(forms, held=ix.df)
        return Matcher(ix).match_many(queries, threshold, limit, ranked=ranked)


def _spark_with_index(store: Store, versions: list[str]):
    """Spark with these versions' index tables loaded from Parquet copies."""
    import tempfile

    from chipwatch.engines import SparkEngine

    eng = SparkEngine()
    tmp = tempfile.mkdtemp(prefix="chipwatch-spark-")
    for v in versions:
        st = stored(store.con, v)
        for part in ("names", "keys", "df", "fuzzy"):
            table = st.table(part)
            path = os.path.join(tmp, f"{table}.parquet")
            store.con.execute(f"COPY {table} TO '{path}' (FORMAT parquet)")
            eng.load_parquet(table, path)
    return eng


# --- the knowledge graph -----------------------------------------------------------------------

def exact_parties(store: Store, queries: dict[str, Query]) -> dict[str, Match]:
    """Queries whose every name the graph holds as a party's name, for one party only: that
    party, matched at 1 (no need to search the graph's index for them)."""
    from chipwatch.names.normalize import name_key
    from chipwatch.screening.index import PARTY_TYPES, kb_entries
    from chipwatch.screening.matcher import can_match, query_schema

    keys = {qid: {name_key(n) for n in q.names} for qid, q in queries.items() if q.names}
    if not keys:
        return {}
    owners: dict[str, set[str]] = {}
    for key, eid in store.con.execute(
            "SELECT DISTINCT n.key, n.entity_id FROM names n JOIN entities e ON e.id = n.entity_id "
            "WHERE list_contains(?, n.key) AND list_contains(?, e.type)",
            [sorted({k for ks in keys.values() for k in ks}), list(PARTY_TYPES)]).fetchall():
        owners.setdefault(key, set()).add(eid)
    found: dict[str, str] = {}
    for qid, ks in keys.items():
        parties = set().union(*(owners.get(k, set()) for k in ks))
        if len(parties) == 1 and all(k in owners for k in ks):
            found[qid] = next(iter(parties))
    entries = {e.list_id: e for e in kb_entries(store.con, sorted(set(found.values())))} if found else {}
    out = {}
    for qid, eid in found.items():
        entry = entries[eid]
        if can_match(query_schema(queries[qid], []), entry.schema):
            out[qid] = Match(entry, 1.0, {"summary": f"1.00: the knowledge graph names {eid} exactly so"})
    return out


def bridge(store: Store, query: Query, found: list[Match]) -> tuple[Query, dict | None]:
    """The query widened by the knowledge-graph party it names (`found`: its best matches
    in the graph's index), if it names one clearly; the party's names come with the forms
    the index holds for them."""
    if not found or (len(found) > 1 and found[1].score >= found[0].score - 0.02):
        return query, None
    top = found[0]
    entity = top.entry.list_id
    names = [n.name for n in top.entry.names]
    held = store.memo(("kb-forms", entity), lambda: entry_forms(store.con, stored(store.con, KB_VERSION), entity))
    known = {**(query.known_forms or {}), **{names[ni]: fs for ni, fs in held.items() if names[ni] not in query.names}}
    idents: dict[str, list[str]] = {k: list(v) if isinstance(v, list) else [v] for k, v in (query.identifiers or {}).items()}
    for scheme, values in top.entry.identifiers.items():
        idents.setdefault(KB_SCHEMES.get(scheme, scheme), []).extend(values)
    widened = Query(names=[*query.names, *names], schema=query.schema,
                    countries=query.countries or (top.entry.countries or None), identifiers=idents or None,
                    birth_dates=query.birth_dates, known_forms=known)
    return widened, {"kb_entity": entity, "score": round(top.score, 4), "kb_names_added": [n for n in names if n not in query.names],
                     "kb_identifiers": {k: v for k, v in top.entry.identifiers.items()},
                     "matched": top.explanation.get("summary", "")}


def _through_kb(m: Match, query: Query, via: dict | None) -> float:
    """A hit that rests on what the graph added (a name or an identifier of the party) is
    only as good as the query's match to the graph."""
    if via is None:
        return m.score
    name = (m.explanation.get("name") or {}).get("query_name")
    ids = m.explanation.get("identifiers", {}).get("shared", [])
    own_ids = {normalise_id(v) for vs in (query.identifiers or {}).values() for v in ([vs] if isinstance(vs, str) else vs)}
    by_graph = (name is not None and name not in query.names) or any(i["value"] not in own_ids for i in ids)
    if m.explanation.get("identifier", {}).get("from") == "knowledge graph":
        by_graph = True
    return min(m.score, via["score"]) if by_graph else m.score


# --- screening ---------------------------------------------------------------------------------

def screen(store: Store, queries: dict[str, Query], lists: list[str] | None = None, threshold: float = THRESHOLD,
           limit: int = 5, engine: str = "duckdb", review_below: float = REVIEW_BELOW,
           max_age_days: int = MAX_AGE_DAYS, progress=None, workers: int | None = None,
           chunk: int = 20_000, today: date | None = None) -> Screening:
    """Top hits per query (by id), best first, across the latest version of each list (see
    the module text). With `workers` > 1, a batch of PARALLEL queries or more is screened
    in that many processes (spawned: a script calling this needs the usual
    `if __name__ == "__main__"` guard); `progress(n)` is called as queries are done. `today`
    is the day screened (default: today): the day ownership stakes must be held on and list
    ages count to."""
    require_lists(store)
    versions = latest_versions(store, lists)
    workers = workers or 1
    if workers > 1 and engine != "spark" and len(queries) >= PARALLEL:
        hits, bridges = _in_shards(store, queries, workers, progress, lists=lists, threshold=threshold, limit=limit,
                                   engine=engine, review_below=review_below, max_age_days=max_age_days, today=today)
        return screening_of(hits, versions, max_age_days, today, bridges)
    with no_gc():  # full collections walking the loaded indexes were most of a batch's time
        out, bridged = _screen(store, queries, versions, threshold, limit, engine, review_below, today, progress, chunk)
    return screening_of(out, versions, max_age_days, today, {qid: via for qid, (_, via) in bridged.items() if via})




def _screen(store: Store, queries: dict[str, Query], versions: list[ListVersion], threshold: float, limit: int,
            engine: str, review_below: float, today: date | None, progress, chunk: int):
    """screen() in this process: the hits per query, and how each query reached the graph."""
    has_kb = stored(store.con, KB_VERSION) is not None
    bridged: dict[str, tuple[Query, dict | None]] = {}
    found: dict[str, dict[str, list[Match]]] = {v.id: {} for v in versions}
    eng = Engine(store, engine, [v.id for v in versions] + ([KB_VERSION] if has_kb else []))
    try:
        ids = list(queries)
        for start in range(0, len(ids), chunk):
            part = ids[start:start + chunk]
            exact = exact_parties(store, {q: queries[q] for q in part}) if has_kb else {}
            rest = [q for q in part if q not in exact]
            in_kb = dict(zip(rest, eng.match(KB_VERSION, [queries[q] for q in rest], threshold, 2)
                             if has_kb and rest else [[]] * len(rest), strict=True))
            for qid in part:
                bridged[qid] = bridge(store, queries[qid], [exact[qid]] if qid in exact else in_kb[qid])
            widened = [bridged[qid][0] for qid in part]
            for v in versions:
                matches = eng.match(v.id, widened, threshold, limit + 2)
                found[v.id].update(zip(part, matches, strict=True))
            if progress:
                progress(len(part))
    finally:
        eng.close()
    from chipwatch.screening.reasons import Reasons

    reasons = Reasons(store, versions, engine, today.isoformat() if today else None)
    out: dict[str, list[Hit]] = {}
    for qid, query in queries.items():
        widened, via = bridged[qid]
        hits = []
        for v in versions:
            matches = {m.entry.list_id: m for m in found[v.id][qid]}
            if v.kind == "ofac":  # the graph may know the entry's ent_num outright
                for ent_num in (widened.identifiers or {}).get("ofac_ent_num", []):
                    if ent_num not in matches and (m := reasons.entry_by_id(v.id, ent_num)) is not None:
                        matches[ent_num] = Match(m, 1.0, {"identifier": {"scheme": "ofac_ent_num", "value": ent_num,
                                                                          "from": "knowledge graph"},
                                                          "summary": f"1.00: ofac_ent_num {ent_num} from the knowledge graph"})
            for m in matches.values():
                score = _through_kb(m, query, via)
                if score >= threshold and (hit := reasons.list_hit(qid, v, m, score, via, review_below)):
                    hits.append(hit)
        hits += reasons.kb_hits(qid, via, hits, threshold)
        hits.sort(key=lambda h: (-h.score, h.list, h.list_id))
        out[qid] = hits[:limit]
    return out, bridged


# --- big batches: one process per core -----------------------------------------------------

_WORKER: Store | None = None


def _open_worker(path: str) -> None:
    global _WORKER
    _WORKER = Store(path)
    _WORKER.con.execute("SET threads = 1")  # one process per core already


def _screen_shard(args: tuple[dict[str, Query], dict]) -> tuple[dict[str, list[Hit]], dict[str, dict]]:
    queries, kw = args
    assert _WORKER is not None
    got = screen(_WORKER, queries, workers=1, **kw)
    return got.hits, got.bridges


def shard_size(n: int, workers: int) -> int:
    """Queries a process screens at a time: two shards per process (each call scans the
    list's index tables once, 150 µs a query at 1,000 a shard and 20 µs at 10,000; a second
    round keeps the processes busy while results come back), at least SHARD and at most
    SHARD_MAX (so progress is reported as the batch goes)."""
    return max(SHARD, min(SHARD_MAX, -(-n // (2 * workers))))


def _in_shards(store: Store, queries: dict[str, Query], workers: int, progress, **kw):
    """Screen big batches in `workers` processes (spawned: each opens the store read-only
    itself and keeps what it loads across shards), SHARD queries at a time."""
    import multiprocessing as mp

    ids = list(queries)
    size = shard_size(len(ids), workers)
    shards = [({q: queries[q] for q in ids[i:i + size]}, kw) for i in range(0, len(ids), size)]
    hits: dict[str, list[Hit]] = {}
    bridges: dict[str, dict] = {}
    with mp.get_context("spawn").Pool(workers, initializer=_open_worker, initargs=(str(store.path),)) as pool, no_gc():
        for part_hits, part_bridges in pool.imap(_screen_shard, shards):
            hits.update(part_hits)
            bridges.update(part_bridges)
            if progress:
                progress(len(part_hits))
    return {q: hits[q] for q in ids}, bridges
