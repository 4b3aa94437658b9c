"""Scoring a query against the list entries blocking found, every hit with its reasons.

    ix = IndexData.build("ofac", entries)          # or IndexData.load(con, version)
    for hit in Matcher(ix).match(Query(["АО «МЦСТ»"], countries=["ru"])):
        print(hit.score, hit.entry.caption, hit.explanation["name"]["entry_name"])

Blocking (screening.blocking) picks at most six entries per query. Each is scored:

1. **Schema.** A query and an entry of schemata that cannot be the same thing are not
   compared (as FollowTheMoney's `can_match`): a company or a name with a legal form never
   meets a person or a vessel; a query without a schema is a LegalEntity.
2. **Name.** The query form that found a name is compared with that name's forms
   (names.compare: words paired exactly, by edit distance, as one given name, or joined;
   weights; conflicts); the best pair of forms wins.
3. **Adjustments.** A match through a weak alias costs 10 %. A match that rests on little
   is capped: only common words pair (words 0.1 % of the list's names hold: `bank`,
   `trading`, `electronics`) with other words left over, at COMMON_CAP (no hit); one word
   pairs with others left over (`Caspian` ~ `Caspian Air`), at SINGLE_CAP; names of two or
   more common words only (`Global Trading`), at GENERIC_CAP — both below the review band. A
   shared identifier lifts the
   score to at least 0.98, identifiers of one scheme that all differ cost 25 %; birth
   dates raise it (same day, same year) or lower it (another day), and a birth year a
   year or more apart vetoes it (screening.dates); a shared country adds 0.03 and
   disjoint countries take 0.1.

`Match.explanation` says which name of the entry matched which form of which query name,
after which transformations on each side, which words paired (and how well) and which did
not, and each adjustment with its reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from chipwatch.names.compare import DEFAULT, Weights, comparable, compare_tokens, is_number
from chipwatch.names.forms import ORG, PERSON, NameForm, kind_of, name_forms, reduced
from chipwatch.names.parts import is_particle
from chipwatch.screening import dates
from chipwatch.screening.blocking import KB_COVER, MIN_COVER, MemoryBlocker, Ranked, choose
from chipwatch.screening.index import KB_VERSION, IndexData, normalise_id
from chipwatch.screening.lists.model import ListEntry

WEAK_NAME = 0.9  # a match through a weak alias
ID_MISMATCH = 0.75  # identifiers of one scheme on both sides, none equal
ID_MATCH_FLOOR = 0.98  # a shared identifier: the score is at least this
COUNTRY_BONUS = 0.03
COUNTRY_PENALTY = 0.1
COMMON_CAP = 0.6  # only common words pair, other words left over: at most this (no hit)
SINGLE_CAP = 0.8  # one word pairs, other words left over: at most this (review: which of them?)
GENERIC_CAP = 0.85  # names made of common words only, all paired: at most this (review)
NUMBER_CAP = 0.8  # names of bodies or things whose numbers differ (Fund VII, Fund VIII; Storm 1): at most this
COMMON_SHARE = 0.001  # a word held by this share of the list's names is common ...
COMMON_MIN = 20  # ... and by at least this many
DATE_EFFECT = {"same_day": 0.5, "same_year": 0.2, "day_differs": -0.25, "year_differs": -0.4}  # >0: share of the gap to 1
MAX_NAME = 300  # characters of a name compared (longer names are cut; comparison cost stays bounded)
MAX_NAMES = 20  # names of one query (the knowledge graph adds at most a dozen)

# FollowTheMoney's schema tree, as far as screening needs it: a query and an entry can match
# when one schema is the other or descends from it.
PARENT = {"Person": "LegalEntity", "Organization": "LegalEntity", "Company": "Organization",
          "PublicBody": "Organization", "LegalEntity": "Thing", "Vessel": "Asset", "Airplane": "Asset",
          "Asset": "Thing"}


def _lineage(schema: str) -> list[str]:
    out = [schema]
    while out[-1] in PARENT:
        out.append(PARENT[out[-1]])
    return out


def can_match(query: str, entry: str) -> bool:
    return query in _lineage(entry) or entry in _lineage(query)


@dataclass
class Query:
    """What is screened: one party under one or more names."""

    names: list[str]
    schema: str | None = None  # Person | Organization | Company | LegalEntity | Vessel | ...
    countries: list[str] | None = None  # ISO alpha-2
    identifiers: dict[str, list[str] | str] | None = None  # scheme -> value(s): {"inn": "7707767484"}
    birth_dates: list[str] | None = None  # ISO dates, years or year intervals (screening.dates)
    known_forms: dict[str, tuple[NameForm, ...]] | None = None  # forms already made (names the graph added)

    def __post_init__(self) -> None:
        if isinstance(self.names, str):
            self.names = [self.names]
        self.names = list(dict.fromkeys(n[:MAX_NAME] for n in self.names if n and n.strip()))[:MAX_NAMES]


def person_names(first: Sequence[str] = (), last: Sequence[str] = (), middle: Sequence[str] = (),
                 father: Sequence[str] = (), limit: int = 12) -> list[str]:
    """Full names from name parts, in both orders: `first middle father last` and
    `last first middle father` (Russian order), for each combination (at most `limit`)."""
    out: list[str] = []
    for f in first or [""]:
        for m in middle or [""]:
            for p in father or [""]:
                for lst in last or [""]:
                    given = " ".join(x for x in (f, m, p) if x.strip())
                    for name in (f"{given} {lst}", f"{lst} {given}"):
                        name = " ".join(name.split())
                        if name and name not in out:
                            out.append(name)
    return out[:limit]


@dataclass
class Match:
    entry: ListEntry
    score: float
    explanation: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"list_id": self.entry.list_id, "caption": self.entry.caption, "schema": self.entry.schema,
                "score": round(self.score, 4), "programs": self.entry.programs,
                "explanation": self.explanation, "entry": self.entry.to_dict()}


def cover_floor(version: str) -> float:
    """The share of a query's word weight a name must hold to be ranked, in this index."""
    return KB_COVER if version == KB_VERSION else MIN_COVER


def query_forms(query: Query) -> list[tuple[str, NameForm]]:
    """(query name, form) for every form of every name of the query (made once per query:
    each index screened, and the SQL blocker, asks for them)."""
    got = query.__dict__.get("_forms")
    if got is None:
        kind = kind_of(query.schema)
        known = query.known_forms or {}
        got = query.__dict__["_forms"] = [(name, f) for name in query.names
                                          for f in (known.get(name) or reduced(name_forms(name, kind)))]
    return got


def query_schema(query: Query, forms: Iterable[NameForm]) -> str:
    """The query's schema; without one, Organization when a name carries a legal form."""
    if query.schema:
        return query.schema
    return "Organization" if any(r.what == "legal_form" for f in forms for r in f.removed) else "LegalEntity"


class Matcher:
    """Scores queries against one index (all of it in memory, or the part a SQL blocker
    fetched for the candidates)."""

    def __init__(self, ix: IndexData, weights: Weights = DEFAULT):
        self.ix, self.weights = ix, weights
        self.list_name = ix.version
        self.common_df = max(COMMON_MIN, int(COMMON_SHARE * ix.size))
        self._blocker = MemoryBlocker(ix, cover_floor(ix.version)) if ix.postings else None

    @classmethod
    def of(cls, entries: Sequence[ListEntry], list_name: str, weights: Weights = DEFAULT) -> Matcher:
        """A matcher over entries held in memory (tests, benchmarks)."""
        return cls(IndexData.build(list_name, entries), weights)

    def __len__(self) -> int:
        return len(self.ix.entries)

    # -- blocking -----------------------------------------------------------------------

    def rank(self, forms: Sequence[NameForm]) -> Ranked:
        assert self._blocker is not None, "this index was loaded without postings: rank in SQL"
        return self._blocker.rank(forms)

    def candidates(self, query: Query, forms: Sequence[NameForm], ranked: Ranked | None) -> dict[int, list[tuple[int, NameForm]]]:
        """Entry -> [(name id, the query form that found it)], identifier hits included."""
        by_entry: dict[int, list[tuple[int, NameForm]]] = {}
        for nid, fi in choose(self.rank(forms) if ranked is None else ranked, self.ix.names):
            by_entry.setdefault(self.ix.names[nid][0], []).append((nid, forms[fi]))
        for ei in self.identifier_hits(query):
            by_entry.setdefault(ei, [])
        return by_entry

    def identifier_hits(self, query: Query) -> set[int]:
        """Entries (by index) sharing an identifier with the query."""
        out: set[int] = set()
        for scheme, values in (query.identifiers or {}).items():
            for v in [values] if isinstance(values, str) else values:
                out.update(self.ix.ids.get((scheme.lower(), normalise_id(v)), ()))
        return out

    # -- matching -----------------------------------------------------------------------

    def match(self, query: Query, threshold: float = 0.7, limit: int = 5, ranked: Ranked | None = None) -> list[Match]:
        """Entries scoring at least threshold, best first, at most limit. `ranked`: the
        blocking rows when blocking was done elsewhere (in SQL)."""
        qnamed = query_forms(query)
        forms = [f for _, f in qnamed]
        origin = {id(f): n for n, f in qnamed}
        out = []
        for ei, hits in self.candidates(query, forms, ranked).items():
            m = self._score(query, ei, hits, forms, origin, threshold)
            if m is not None:
                out.append(m)
        out.sort(key=lambda m: (-m.score, m.entry.list_id))
        return out[:limit]

    def match_many(self, queries: Iterable[Query], threshold: float = 0.7, limit: int = 5,
                   ranked: Sequence[Ranked | None] | None = None) -> list[list[Match]]:
        """match() for many queries (with `ranked`, each query's blocking rows beside it)."""
        queries = list(queries)
        return [self.match(q, threshold, limit, r)
                for q, r in zip(queries, ranked if ranked is not None else [None] * len(queries), strict=True)]

    def compare(self, query: Query, entry: ListEntry) -> Match:
        """Score one entry against the query, every name and form, without blocking."""
        qnamed = query_forms(query)
        forms = [f for _, f in qnamed]
        kind = kind_of(entry.schema)
        pairs = [(ni, f, qf) for ni, name in enumerate(entry.names) for f in reduced(name_forms(name.name, kind))
                 for qf in forms]
        m = self._score_pairs(query, entry, pairs, forms, {id(f): n for n, f in qnamed})
        assert m is not None
        return m

    # -- scoring ------------------------------------------------------------------------

    def _score(self, query: Query, ei: int, hits: list[tuple[int, NameForm]], forms: list[NameForm],
               origin: dict[int, str], threshold: float | None) -> Match | None:
        entry = self.ix.entries[ei]
        if not hits:  # found by an identifier: every name of the entry
            hits = [(nid, forms[0]) for nid in self.ix.names_of(ei)] if forms else []
        pairs = []
        for nid, qf in hits:
            _, ni, _ = self.ix.names[nid]
            for ef in self.ix.forms[nid]:
                if comparable(qf, ef):
                    pairs.append((ni, ef, qf))
                else:  # the form that found the name cannot meet this one: the first that can
                    other = next((f for f in forms if comparable(f, ef)), None)
                    if other is not None:
                        pairs.append((ni, ef, other))
        return self._score_pairs(query, entry, pairs, forms, origin, threshold)

    def _common(self, word: str) -> bool:
        return self.ix.df.get(word, 0) >= self.common_df

    def _rests_on(self, c) -> tuple[str | None, float]:
        """Whether a name comparison rests on little: only common words of the list
        (`common`), one word with others left over (`one_word`), or names made of common
        words only (`generic`); and the highest score it may then have."""
        qs, os, left = c.words()
        words = [w for w in qs + os if not is_particle(w)]
        if not words:
            return None, 1.0
        left = [w for w in left if not is_particle(w)]
        common = all(self._common(w) for w in words)
        paired = sum(1 for w in qs if not is_particle(w))  # query words paired
        if left and common:
            return "common", COMMON_CAP
        if left and paired == 1:
            return "one_word", SINGLE_CAP
        if common and paired > 1:  # a one-word name the query writes exactly is that name, however frequent
            return "generic", GENERIC_CAP
        return None, 1.0

    def _score_pairs(self, query: Query, entry: ListEntry, pairs: list[tuple[int, NameForm, NameForm]],
                     forms: list[NameForm], origin: dict[int, str], threshold: float | None = None) -> Match | None:
        """The entry's score, and its explanation when it reaches threshold (None: always)."""
        qschema = query_schema(query, forms)
        if not can_match(qschema, entry.schema):
            return None if threshold is not None else Match(entry, 0.0, {
                "list": self.list_name, "list_id": entry.list_id, "name": None,
                "schema": {"query": qschema, "entry": entry.schema, "compatible": False},
                "summary": f"0.00: a {qschema} query cannot match a {entry.schema}"})
        qkind, ekind = kind_of(qschema), kind_of(entry.schema)
        kind = ORG if ORG in (qkind, ekind) else (PERSON if PERSON in (qkind, ekind) else None)
        symbols = self.ix.symbol
        best = None
        for ni, ef, qf in pairs:
            if not comparable(qf, ef):
                continue
            c = compare_tokens(qf.tokens, ef.tokens, self.weights, kind, symbols)
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
        # what the match rests on: common words alone, or one word, with others left over
        rests = None
        numbers = None
        if best:
            rests, cap = self._rests_on(best[0])
            if rests:
                score = min(score, cap)
            if kind != PERSON and (qn := _numbers(best[2].tokens)) != (en := _numbers(best[3].tokens)):
                numbers = {"query": sorted(qn), "entry": sorted(en)}
                score = min(score, NUMBER_CAP)
        # identifiers
        shared, differ = [], []
        for scheme, values in (query.identifiers or {}).items():
            qv = {normalise_id(v) for v in ([values] if isinstance(values, str) else values)}
            ev = {normalise_id(v) for s, vs in entry.identifiers.items() if s.lower() == scheme.lower() for v in vs}
            if qv & ev:
                shared += [{"scheme": scheme, "value": v} for v in sorted(qv & ev)]
            elif ev and qv:
                differ.append({"scheme": scheme, "query": sorted(qv), "entry": sorted(ev)})
        if shared:
            score = ID_MATCH_FLOOR + (1 - ID_MATCH_FLOOR) * name_score
        elif differ:
            score *= ID_MISMATCH
        # birth dates
        outcome = dates.compare(query.birth_dates or [], entry.birth_dates) if qkind != ORG else "unknown"
        effect = DATE_EFFECT.get(outcome, 0.0)
        if effect > 0 and score > 0:
            score += (1 - score) * effect
        elif effect < 0:
            score = max(0.0, score + effect)
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
                "rests_on": rests,
                "numbers_differ": numbers,
            }
        ex["identifiers"] = {"shared": shared, "differ": differ}
        ex["schema"] = {"query": qschema, "entry": entry.schema, "compatible": True}
        ex["birth_dates"] = {"query": list(query.birth_dates or []), "entry": entry.birth_dates, "outcome": outcome,
                             "effect": effect}
        ex["countries"] = {"query": sorted(qc), "entry": sorted(c.lower() for c in entry.countries), "adjustment": adj}
        ex["summary"] = _summary(ex, score)
        return Match(entry, round(score, 6), ex)


def _numbers(tokens: tuple[str, ...]) -> set[str]:
    """The numbers in a name (names.compare.is_number)."""
    return {t for t in tokens if is_number(t)}


RESTS = {"common": f"only words common in the list pair, others are left over: at most {COMMON_CAP:.2f}",
         "one_word": f"one word pairs, others are left over: at most {SINGLE_CAP:.2f}",
         "generic": f"the names are made of words common in the list: at most {GENERIC_CAP:.2f}"}


def _summary(ex: dict, score: float) -> str:
    parts = []
    if n := ex.get("name"):
        how = "; ".join(n["query_transformations"][1:]) or "normalised"
        parts.append(f"query '{n['query_name']}' as '{n['query_form']}' ({how}) ~ "
                     f"{n['entry_name_kind']} name '{n['entry_name']}' as '{n['entry_form']}' "
                     f"({'; '.join(n['entry_transformations'][1:]) or 'normalised'}): {n['score']:.2f}")
        if n["query_only"] or n["entry_only"]:
            parts.append(f"words only in the query {n['query_only']}, only in the entry {n['entry_only']}")
        if n["rests_on"]:
            parts.append(RESTS[n["rests_on"]])
        if n["numbers_differ"]:
            parts.append(f"numbers differ {n['numbers_differ']['query']} vs {n['numbers_differ']['entry']}: "
                         f"at most {NUMBER_CAP:.2f}")
    if ex["identifiers"]["shared"]:
        parts.append("identifier " + ", ".join(f"{i['scheme']} {i['value']}" for i in ex["identifiers"]["shared"]))
    if ex["identifiers"]["differ"]:
        parts.append("identifiers differ: " + ", ".join(i["scheme"] for i in ex["identifiers"]["differ"]))
    if (d := ex["birth_dates"])["effect"]:
        parts.append(f"birth dates {d['query']} vs {d['entry']}: {d['outcome'].replace('_', ' ')}")
    if ex["countries"]["adjustment"]:
        parts.append(f"countries {ex['countries']['adjustment']:+.2f}")
    return f"{score:.2f}: " + "; ".join(parts)
