"""Screening names against a sanctions list, every hit with its reasons.

    matcher = Matcher(parsed.entries, "ofac-sdn")
    for hit in matcher.match(Query(names=["АО «МЦСТ»"], countries=["ru"])):
        print(hit.score, hit.entry.caption, hit.explanation["name"]["entry_name"])

Two stages, as in every list screener:

1. **Blocking.** Every name of every entry is expanded into its forms (names.forms: as
   written, Simplified, romanised, without legal form; names.forms.reduced keeps the forms
   that lost what could be lost). An inverted index maps each word of those forms to the
   names holding it, each word's one-deletion variants to the words they come from (so a
   word one edit away still finds its names), runs of Chinese characters by their character
   pairs, and two neighbouring words written as one (RamiMakhlouf). A query's names are
   ranked by the share of the query's word weight (IDF) they hold, less a little for each
   word of difference in length; a word held by more than MAX_DF of all names opens no
   names by itself; a name written exactly as a query form always comes in. At most
   CANDIDATES entries (NAMES_PER_ENTRY names each) go on to be scored. Identifiers have an
   index of their own.
2. **Scoring.** The query form that found a name is compared with that name's forms
   (names.compare: words paired exactly, by edit distance, as one given name, or joined;
   weights; conflicts), then the score is adjusted: a match through a weak alias costs 10 %,
   a shared identifier dominates (>= 0.98), identifiers of one scheme that differ cost 25 %,
   a person against an organisation (or a vessel) costs 20 %, a shared country adds 0.03 and
   disjoint countries take 0.1.

`Match.explanation` says which name of the entry matched which form of which query name,
after which transformations on each side, which words paired (and how well) and which did
not, and each adjustment.
"""

from __future__ import annotations

import heapq
import math
import multiprocessing as mp
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from chipwatch.names.compare import DEFAULT, Weights, comparable, compare_tokens, name_symbols
from chipwatch.names.forms import ORG, PERSON, NameForm, kind_of, name_forms, reduced
from chipwatch.names.normalize import has_han, is_dense
from chipwatch.screening.lists.model import ListEntry

WEAK_NAME = 0.9  # a match through a weak alias
TYPE_MISMATCH = 0.8  # a person against an organisation (or a vessel against either)
ID_MISMATCH = 0.75  # identifiers of one scheme on both sides, none equal
ID_MATCH_FLOOR = 0.98  # a shared identifier: the score is at least this
COUNTRY_BONUS = 0.03
COUNTRY_PENALTY = 0.1
MAX_DF = 0.01  # a word in more than this share of all forms opens no candidates by itself
CANDIDATES = 6  # entries scored per query (blocking ranks the right one first for 95 % of queries)
NAMES_PER_ENTRY = 2  # names scored per candidate entry
MIN_COVER = 0.25  # of the query's word weight (IDF) a candidate must share to be scored
RELATIVE_COVER = 0.5  # when a name holds the whole query, others must hold half as much
LENGTH_TIE = 0.02  # cover lost per word of difference in length, to break ties
FUZZY_KNOWN = 0  # look up one-edit neighbours of words the list has too

_ID_CLEAN = re.compile(r"[\s\-./]")


@dataclass
class Query:
    """What is screened: one party under one or more names."""

    names: list[str]
    schema: str | None = None  # Person | Organization | Company | LegalEntity | Vessel | ...
    countries: list[str] | None = None  # ISO alpha-2
    identifiers: dict[str, list[str] | str] | None = None  # scheme -> value(s): {"inn": "7707767484"}

    def __post_init__(self) -> None:
        if isinstance(self.names, str):
            self.names = [self.names]


@dataclass
class Match:
    entry: ListEntry
    score: float
    explanation: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"list_id": self.entry.list_id, "caption": self.entry.caption, "schema": self.entry.schema,
                "score": round(self.score, 4), "programs": self.entry.programs,
                "explanation": self.explanation, "entry": self.entry.to_dict()}


def _norm_id(value: str) -> str:
    return _ID_CLEAN.sub("", str(value)).upper()


def _deletions(token: str) -> set[str]:
    return {token[:i] + token[i + 1:] for i in range(len(token))}


def _fuzzy_ok(token: str) -> bool:
    return len(token) >= 4 and not is_dense(token)


def _bigrams(token: str) -> list[str]:
    return ["\x00" + token[i:i + 2] for i in range(len(token) - 1)]


def _entity_kind(schema: str | None) -> str | None:
    if schema in {"Vessel", "Airplane", "Aircraft"}:
        return "object"
    return kind_of(schema)


class Matcher:
    """An index over one list's entries (see the module text)."""

    def __init__(self, entries: Sequence[ListEntry], list_name: str, weights: Weights = DEFAULT):
        self.entries = list(entries)
        self.list_name = list_name
        self.weights = weights
        # one row per listed name: (entry, name index, its forms)
        self._names: list[tuple[int, int, tuple[NameForm, ...]]] = []
        self._name_len: list[int] = []  # words in the name's shortest form
        self._exact: dict[str, list[int]] = {}  # a form written without spaces -> names
        postings: dict[str, list[int]] = {}
        for ei, entry in enumerate(self.entries):
            kind = kind_of(entry.schema)
            for ni, name in enumerate(entry.names):
                forms = reduced(name_forms(name.name, kind))
                nid = len(self._names)
                self._names.append((ei, ni, forms))
                self._name_len.append(min((len(f.tokens) for f in forms), default=0))
                for f in forms:
                    if f.script == "romanised":  # a romanised query meets Latin names only
                        continue
                    got = self._exact.setdefault(f.compact, [])
                    if not got or got[-1] != nid:
                        got.append(nid)
                for key in {k for f in forms for k in self._keys(f.tokens)}:
                    postings.setdefault(key, []).append(nid)
        self._postings = {k: tuple(v) for k, v in postings.items()}
        n = max(len(self._names), 1)
        self._idf = {k: math.log(1 + n / len(v)) for k, v in self._postings.items()}
        self._max_df = max(50, int(MAX_DF * n))
        self._unknown_idf = math.log(1 + n)
        # deletion variant -> words of the index it comes from
        dels: dict[str, list[str]] = {}
        for key in self._postings:
            if key[0] not in "\x00\x01" and _fuzzy_ok(key):
                for d in _deletions(key):
                    dels.setdefault(d, []).append(key)
        self._dels = {k: tuple(v) for k, v in dels.items()}
        self._by_id: dict[int, int] | None = None
        self._weights: dict[str, float] = {}
        name_symbols("warm")  # rigour loads its name tagger once (seconds), before any fork

        self._ids: dict[tuple[str, str], list[int]] = {}
        for ei, entry in enumerate(self.entries):
            for scheme, values in entry.identifiers.items():
                for v in values:
                    self._ids.setdefault((scheme.lower(), _norm_id(v)), []).append(ei)

    @staticmethod
    def _keys(tokens: tuple[str, ...]) -> list[str]:
        keys = list(tokens)
        for t in tokens:
            if has_han(t) and len(t) > 1:
                keys.extend(_bigrams(t))
        for a, b in zip(tokens, tokens[1:], strict=False):
            keys.append("\x01" + a + b)  # two words written as one
        return keys

    def _entry_index(self) -> dict[int, int]:
        if self._by_id is None:
            self._by_id = {id(e): i for i, e in enumerate(self.entries)}
        return self._by_id

    def __len__(self) -> int:
        return len(self.entries)

    # --- blocking ---------------------------------------------------------------------

    def _lookups(self, token: str) -> list[tuple[str, float]]:
        """Index keys a query word reaches, with a factor for how it reached them."""
        out = [(token, 1.0)]
        if has_han(token) and len(token) > 1:
            out.extend((g, 1.0) for g in _bigrams(token))
        out.append(("\x01" + token, 1.0))  # the query wrote as one what the list writes as two
        if _fuzzy_ok(token) and (FUZZY_KNOWN or token not in self._postings):  # a word the list has is taken as meant
            seen = {token}
            for k in self._dels.get(token, ()):  # one letter more in the list
                if k not in seen:
                    seen.add(k)
                    out.append((k, 0.8))
            for d in _deletions(token):
                if d not in seen and d in self._postings:  # one letter less in the list
                    seen.add(d)
                    out.append((d, 0.8))
                for k in self._dels.get(d, ()):  # one letter different
                    if k not in seen:
                        seen.add(k)
                        out.append((k, 0.8))
        return out

    @property
    def form_count(self) -> int:
        return sum(len(f) for _, _, f in self._names)

    def _candidates(self, qforms: list[NameForm]) -> list[tuple[int, int]]:
        """Listed names worth scoring, each with the query form that found it: the names of
        at most CANDIDATES entries, ranked by the share of the query's word weight (IDF) they
        hold."""
        postings, idf, max_df = self._postings, self._idf, self._max_df
        hits: dict[str, tuple[dict[int, float], float]] = {}  # query word -> (name -> gain, word weight)
        for qf in qforms:
            for t in qf.tokens:
                if t not in hits:
                    hits[t] = ([(k, f) for k, f in self._lookups(t) if k in postings], 0.0)  # type: ignore[assignment]
        rare = any(len(postings[k]) <= max_df for lk, _ in hits.values() for k, _ in lk)  # type: ignore[misc]
        for t, (lk, _) in list(hits.items()):
            keys = [(idf[k] * f, k) for k, f in lk if not (rare and len(postings[k]) > max_df)]  # type: ignore[misc]
            if len(keys) == 1:
                per = dict.fromkeys(postings[keys[0][1]], keys[0][0])
            else:  # lowest gain first, so each name keeps the best gain of the word
                per = {}
                for gain, k in sorted(keys):
                    per.update(dict.fromkeys(postings[k], gain))
            weight = max((idf[k] for k, _ in lk), default=self._unknown_idf)  # type: ignore[misc]
            hits[t] = (per, weight)
        best: dict[int, tuple[float, int]] = {}  # name -> (cover, query form)
        for qi, qf in enumerate(qforms):
            words = list(dict.fromkeys(qf.tokens))
            total = sum(hits[t][1] for t in words)
            if total <= 0:
                continue
            pers = sorted((hits[t][0] for t in words), key=len, reverse=True)
            scores = dict(pers[0])
            for per in pers[1:]:
                get = scores.get
                for nid, g in per.items():
                    scores[nid] = get(nid, 0.0) + g
            for a, b in zip(qf.tokens, qf.tokens[1:], strict=False):  # the list writes as one what the query writes as two
                for nid in postings.get(a + b, ()):
                    scores[nid] = scores.get(nid, 0.0) + hits[a][1] + hits[b][1]
            floor = MIN_COVER * total
            n = len(qf.tokens)
            for nid, sc in scores.items():
                if sc >= floor:
                    # the share of the query's weight found, less a little for each word the
                    # names differ in length (of many names holding `sepah`, `Sepah` first)
                    cover = sc / total - LENGTH_TIE * abs(self._name_len[nid] - n)
                    if nid not in best or best[nid][0] < cover:
                        best[nid] = (cover, qi)
            for nid in self._exact.get(qf.compact, ()):  # the same name, whatever its words' weight
                best[nid] = (2.0, qi)
        return self._choose(best)

    def _choose(self, best: dict[int, tuple[float, int]]) -> list[tuple[int, int]]:
        """(name, query form) pairs to score, from each name's best (cover, query form): the
        names of at most CANDIDATES entries, NAMES_PER_ENTRY each, best cover first."""
        top = heapq.nlargest(4 * CANDIDATES, best.items(), key=lambda kv: kv[1][0])
        if top and top[0][1][0] >= 0.9:  # a name holds (nearly) all the query: the weak ones go
            top = [kv for kv in top if kv[1][0] >= RELATIVE_COVER * top[0][1][0]]
        chosen: dict[int, list[tuple[int, int]]] = {}
        for nid, (_, qi) in top:
            ei = self._names[nid][0]
            got = chosen.get(ei)
            if got is None:
                if len(chosen) >= CANDIDATES:
                    continue
                got = chosen[ei] = []
            if len(got) < NAMES_PER_ENTRY:
                got.append((nid, qi))
        return [x for names in chosen.values() for x in names]

    def _word_weight(self, token: str) -> float:
        """A query word's weight: the IDF of the rarest index key it reaches (memoised)."""
        w = self._weights.get(token)
        if w is None:
            w = self._weights[token] = max((self._idf[k] for k, _ in self._lookups(token) if k in self._idf),
                                           default=self._unknown_idf)
        return w

    # --- blocking as tables, for SQL engines (chipwatch.screening.blocking) ---------------

    def block_names(self) -> list[tuple[int, int, int]]:
        """(name, entry, words in its shortest form) for every listed name."""
        return [(nid, ei, self._name_len[nid]) for nid, (ei, _, _) in enumerate(self._names)]

    def block_index(self) -> list[tuple[int, str]]:
        """(name, key) for every blocking key: the in-memory index's keys, each word's
        deletion variants (prefix \\x02, so a word one edit away shares one) and each form
        written without spaces (prefix \\x03)."""
        rows = {(nid, key) for key, nids in self._postings.items() for nid in nids}
        for key, nids in self._postings.items():
            if key[0] not in "\x00\x01" and _fuzzy_ok(key):
                for d in {key} | _deletions(key):
                    rows.update((nid, "\x02" + d) for nid in nids)
        for compact, nids in self._exact.items():
            rows.update((nid, "\x03" + compact) for nid in nids)
        return list(rows)

    def block_query(self, query: Query) -> tuple[list[tuple[int, int, float]], list[tuple[int, str, str, float]]]:
        """A query as two tables: its forms (form, words, total word weight) and their keys
        (form, word, key, factor; factor 0 marks a form written without spaces)."""
        forms, keys = [], []
        for fi, (_, qf) in enumerate(self._query_forms(query)):
            words = list(dict.fromkeys(qf.tokens))
            forms.append((fi, len(qf.tokens), sum(self._word_weight(t) for t in words)))
            keys.append((fi, "", "\x03" + qf.compact, 0.0))
            for t in words:
                keys.extend((fi, t, k, 1.0) for k in self._keys((t,)))
                keys.append((fi, t, "\x01" + t, 1.0))
                if _fuzzy_ok(t) and t not in self._postings:
                    keys.extend((fi, t, "\x02" + d, 0.8) for d in {t} | _deletions(t))
            keys.extend((fi, a + " " + b, a + b, 1.0) for a, b in zip(qf.tokens, qf.tokens[1:], strict=False))
        return forms, keys

    def choose(self, covers: Iterable[tuple[int, int, float]]) -> list[tuple[int, int]]:
        """The in-memory choice of (name, query form) pairs to score, from (name, query form,
        cover) rows ranked elsewhere."""
        best: dict[int, tuple[float, int]] = {}
        for nid, fi, cover in covers:
            if nid not in best or best[nid][0] < cover:
                best[nid] = (cover, fi)
        return self._choose(best)


    # --- scoring ----------------------------------------------------------------------

    def _query_forms(self, query: Query) -> list[tuple[str, NameForm]]:
        kind = kind_of(query.schema)
        return [(name, f) for name in query.names if name and name.strip() for f in reduced(name_forms(name, kind))]

    @staticmethod
    def _query_kind(query: Query, qforms: list[NameForm]) -> str | None:
        """The query's schema, or 'org' for a query without one whose name has a legal form."""
        if query.schema:
            return _entity_kind(query.schema)
        if any(r.what == "legal_form" for f in qforms for r in f.removed):
            return ORG
        return None

    def match(self, query: Query, threshold: float = 0.7, limit: int = 5,
              blocked: list[tuple[int, int]] | None = None) -> list[Match]:
        """Entries scoring at least threshold, best first, at most limit. `blocked` gives the
        (name, query form) pairs to score when blocking was done elsewhere (in SQL)."""
        qnamed = self._query_forms(query)
        qforms = [f for _, f in qnamed]
        origin = {id(f): n for n, f in qnamed}
        by_entry: dict[int, list[tuple[int, NameForm]]] = {}
        for nid, fi in self._candidates(qforms) if blocked is None else blocked:
            by_entry.setdefault(self._names[nid][0], []).append((nid, qforms[fi]))
        for ei in self._identifier_hits(query):
            by_entry.setdefault(ei, [])
        out = []
        for ei, pairs in by_entry.items():
            m = self._score(query, ei, pairs, qforms, origin, threshold)
            if m is not None:
                out.append(m)
        out.sort(key=lambda m: (-m.score, m.entry.list_id))
        return out[:limit]

    def match_many(self, queries: Iterable[Query], threshold: float = 0.7, limit: int = 5,
                   workers: int = 1, chunk: int = 1000,
                   blocked: Sequence[list[tuple[int, int]] | None] | None = None) -> list[list[Match]]:
        """match() for many queries (with `blocked`, a list beside them, each query's pairs
        to score). With workers > 1 this process works too and forks workers - 1 more (POSIX
        fork: they share this index); chunks alternate between them."""
        queries = list(queries)
        items = list(zip(queries, blocked if blocked is not None else [None] * len(queries), strict=True))
        if workers <= 1 or len(items) < 2 * chunk:
            return [self.match(q, threshold, limit, b) for q, b in items]
        global _SHARED
        chunks = [items[i:i + chunk] for i in range(0, len(items), chunk)]
        mine = [c for i, c in enumerate(chunks) if i % workers == 0]
        theirs = [(c, threshold, limit) for i, c in enumerate(chunks) if i % workers]
        _SHARED = self
        try:
            with mp.get_context("fork").Pool(workers - 1) as pool:
                pending = pool.map_async(_work, theirs, chunksize=1)
                done = [[self.match(q, threshold, limit, b) for q, b in c] for c in mine]
                other = pending.get()
        finally:
            _SHARED = None
        out: list[list[Match]] = []
        it_mine, it_other = iter(done), iter(other)
        for i in range(len(chunks)):
            if i % workers == 0:
                out.extend(next(it_mine))
            else:
                out.extend([Match(self.entries[ei], s, ex) for ei, s, ex in hits] for hits in next(it_other))
        return out

    def identifier_hits(self, query: Query) -> set[int]:
        """Entries (by index) sharing an identifier with the query."""
        return self._identifier_hits(query)

    def compare(self, query: Query, entry: ListEntry) -> Match:
        """Score one entry against the query, every name and form, without blocking."""
        qnamed = self._query_forms(query)
        pairs = []
        kind = kind_of(entry.schema)
        for ni, name in enumerate(entry.names):
            for f in reduced(name_forms(name.name, kind)):
                pairs.extend((ni, f, qf) for _, qf in qnamed)
        m = self._score_pairs(query, entry, pairs, [f for _, f in qnamed], {id(f): n for n, f in qnamed})
        assert m is not None
        return m

    def _identifier_hits(self, query: Query) -> set[int]:
        out: set[int] = set()
        for scheme, values in (query.identifiers or {}).items():
            for v in [values] if isinstance(values, str) else values:
                out.update(self._ids.get((scheme.lower(), _norm_id(v)), ()))
        return out

    def _score(self, query: Query, ei: int, hits: list[tuple[int, NameForm]], qforms: list[NameForm],
               origin: dict[int, str], threshold: float | None) -> Match | None:
        entry = self.entries[ei]
        pairs = []
        for nid, qf in hits:
            _, ni, eforms = self._names[nid]
            for ef in eforms:
                if comparable(qf, ef):
                    pairs.append((ni, ef, qf))
                else:  # the form that found the name cannot meet this one: the first that can
                    other = next((f for f in qforms if comparable(f, ef)), None)
                    if other is not None:
                        pairs.append((ni, ef, other))
        return self._score_pairs(query, entry, pairs, qforms, origin, threshold)

    def _score_pairs(self, query: Query, entry: ListEntry, pairs: list[tuple[int, NameForm, NameForm]],
                     qforms: list[NameForm], origin: dict[int, str], threshold: float | None = None) -> Match | None:
        """The entry's score, and its explanation when it reaches threshold (None: always)."""
        qkind, ekind = self._query_kind(query, qforms), _entity_kind(entry.schema)
        kind = ORG if ORG in (qkind, ekind) else (PERSON if PERSON in (qkind, ekind) else None)
        best = None
        for ni, ef, qf in pairs:
            if not comparable(qf, ef):
                continue
            c = compare_tokens(qf.tokens, ef.tokens, self.weights, kind)
            if best is None or c.score > best[0].score or (
                    c.score == best[0].score and len(qf.steps) + len(ef.steps) < len(best[2].steps) + len(best[3].steps)):
                best = (c, ni, qf, ef)
                if c.score >= 1.0:
                    break
        name_score = best[0].score if best else 0.0
        score = name_score
        # a weak alias (the list says so, or one word standing for a person the query names
        # in full) is weaker evidence than the name it matches
        weak = bool(best) and (entry.names[best[1]].kind == "weak" or (
            ekind == PERSON and len(best[3].tokens) == 1 and len(best[2].tokens) > 1))
        if weak:
            score *= WEAK_NAME
        # identifiers
        shared, differ = [], []
        if query.identifiers:
            for scheme, values in query.identifiers.items():
                qv = {_norm_id(v) for v in ([values] if isinstance(values, str) else values)}
                ev = {_norm_id(v) for s, vs in entry.identifiers.items() if s.lower() == scheme.lower() for v in vs}
                if qv & ev:
                    shared += [{"scheme": scheme, "value": v} for v in sorted(qv & ev)]
                elif ev and qv:
                    differ.append({"scheme": scheme, "query": sorted(qv), "entry": sorted(ev)})
        if shared:
            score = ID_MATCH_FLOOR + (1 - ID_MATCH_FLOOR) * name_score
        elif differ:
            score *= ID_MISMATCH
        # entity type
        factor = 1.0
        if qkind and ekind and qkind != ekind and not shared:
            factor = TYPE_MISMATCH
            score *= factor
        # countries
        adj = 0.0
        qc = {c.lower() for c in query.countries or ()}
        if qc and entry.countries:
            adj = COUNTRY_BONUS if qc & {c.lower() for c in entry.countries} else -COUNTRY_PENALTY
            score = min(1.0, max(0.0, score + adj))
        if threshold is not None and score < threshold:
            return None
        ex: dict = {"list": self.list_name, "list_id": entry.list_id, "name": None}
        if best:
            c, ni, qf, ef = best
            listed = entry.names[ni]
            ex["name"] = {
                "query_name": origin.get(id(qf), ""), "query_form": qf.text,
                "query_transformations": list(qf.steps),
                "entry_name": listed.name, "entry_name_kind": listed.kind, "entry_form": ef.text,
                "entry_transformations": list(ef.steps),
                "score": round(name_score, 4), "how": c.how,
                "paired": [{"query": q, "entry": o, "score": round(s, 3)} for q, o, s in c.pairs],
                "query_only": c.query_only, "entry_only": c.other_only, "conflict": c.conflict,
                "weak_alias_factor": WEAK_NAME if weak else 1.0,
            }
        ex["identifiers"] = {"shared": shared, "differ": differ}
        ex["schema"] = {"query": query.schema or ("organisation (a legal form in its name)" if qkind == ORG else None),
                        "entry": entry.schema, "factor": factor}
        ex["countries"] = {"query": sorted(qc), "entry": sorted(c.lower() for c in entry.countries), "adjustment": adj}
        ex["summary"] = _summary(ex, score)
        return Match(entry, round(score, 6), ex)


def _summary(ex: dict, score: float) -> str:
    parts = []
    if n := ex.get("name"):
        how = "; ".join(n["query_transformations"][1:]) or "normalised"
        parts.append(f"query '{n['query_name']}' as '{n['query_form']}' ({how}) ~ "
                     f"{n['entry_name_kind']} name '{n['entry_name']}' as '{n['entry_form']}' "
                     f"({'; '.join(n['entry_transformations'][1:]) or 'normalised'}): {n['score']:.2f}")
        if n["query_only"] or n["entry_only"]:
            parts.append(f"words only in the query {n['query_only']}, only in the entry {n['entry_only']}")
    if ex["identifiers"]["shared"]:
        parts.append("identifier " + ", ".join(f"{i['scheme']} {i['value']}" for i in ex["identifiers"]["shared"]))
    if ex["identifiers"]["differ"]:
        parts.append("identifiers differ: " + ", ".join(i["scheme"] for i in ex["identifiers"]["differ"]))
    if ex["schema"]["factor"] != 1.0:
        parts.append(f"{ex['schema']['query']} against {ex['schema']['entry']} x{ex['schema']['factor']}")
    if ex["countries"]["adjustment"]:
        parts.append(f"countries {ex['countries']['adjustment']:+.2f}")
    return f"{score:.2f}: " + "; ".join(parts)


_SHARED: Matcher | None = None


def _work(args: tuple[list[tuple[Query, list | None]], float, int]) -> list[list[tuple[int, float, dict]]]:
    items, threshold, limit = args
    assert _SHARED is not None
    index = _SHARED._entry_index()
    return [[(index[id(m.entry)], m.score, m.explanation) for m in _SHARED.match(q, threshold, limit, b)]
            for q, b in items]
