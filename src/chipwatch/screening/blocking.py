"""Blocking: which listed names are worth scoring for a query, ranked the same way in
memory (`MemoryBlocker`, over an index loaded into Python) and in SQL (`SqlBlocker`, on
the store's index tables in DuckDB, or on copies of them in Spark). The two give the same
rows for the same query; a test holds them to it on the whole name benchmark.

For each form `f` of the query (names.forms, every name of the query) and each distinct
word `t` of it:

- `t` reaches the index keys it is written as: itself, its Chinese character pairs, and
  `t` as two words written as one; if `t` is not itself a key and has four letters or
  more, also the words one edit away (shared one-deletion variant), at FUZZY_FACTOR;
- the word's weight is the highest IDF of the keys it reaches (a word the index lacks
  weighs as much as a key held once);
- a name gains, for `t`, the best IDF x factor of the keys it shares with `t`, counting
  keys held by at most `max_df` names only;
- two neighbouring words of `f` written as one word in the list give the names holding
  that word both words' weight.

A name's cover for `f` is its gain over the form's total weight, less LENGTH_TIE for each
word the two differ in length, kept when the gain is at least MIN_COVER of the weight (in
the knowledge graph's index, KB_COVER: it is searched for parties a query names clearly); a
name written exactly as `f` (without spaces) always comes in, at 2. Each name keeps its
best form, each entry its NAMES_PER_ENTRY best names, each query its TOP best rows
(ties: lower form, lower name id). `choose` then takes the names of the first CANDIDATES
entries (after dropping weak rows when one name holds nearly the whole query).
Covers are rounded to 9 decimals, and the gain compared with a margin of 1e-9, so that sums
made in another order tie and pass the same way.
"""

from __future__ import annotations

from collections.abc import Container, Sequence

from chipwatch.names.forms import NameForm
from chipwatch.screening.index import (
    BIGRAM,
    EXACT,
    FUZZY_FACTOR,
    JOINED,
    IndexData,
    Stored,
    deletions,
    fuzzy_ok,
    word_keys,
)

CANDIDATES = 6  # entries scored per query
NAMES_PER_ENTRY = 2  # names scored per candidate entry
TOP = 4 * CANDIDATES  # ranked rows kept per query
MIN_COVER = 0.25  # of the query's word weight a name must share to be ranked
KB_COVER = 0.5  # in the knowledge graph's index: a bridge is for parties the query names clearly
RELATIVE_COVER = 0.5  # when a name holds (nearly) the whole query, the others must hold half as much
LENGTH_TIE = 0.02  # cover lost per word of difference in length
ROUND = 9
EPS = 1e-9  # sums made in another order differ in their last bits: compared with this much room

Ranked = list[tuple[int, int, float]]  # (name id, query form, cover), best first


def choose(ranked: Ranked, entry_of: Sequence[tuple[int, int, int]]) -> list[tuple[int, int]]:
    """The (name id, query form) pairs to score: the names of the first CANDIDATES entries."""
    if ranked and ranked[0][2] >= 0.9:
        ranked = [r for r in ranked if r[2] >= RELATIVE_COVER * ranked[0][2]]
    out, entries = [], set()
    for nid, fi, _ in ranked:
        e = entry_of[nid][0]
        if e not in entries:
            if len(entries) >= CANDIDATES:
                continue
            entries.add(e)
        out.append((nid, fi))
    return out


def _cut(rows: list[tuple[int, int, float]], entry_of: Sequence[tuple[int, int, int]]) -> Ranked:
    """Best form per name, NAMES_PER_ENTRY names per entry, TOP rows (the SQL's windows)."""
    if not rows:
        return []
    best: dict[int, tuple[float, int]] = {}  # rows come in form order: a tie keeps the lower form
    for nid, fi, cover in rows:
        got = best.get(nid)
        if got is None or cover > got[0]:
            best[nid] = (cover, fi)
    ordered = sorted([(-cover, nid, fi) for nid, (cover, fi) in best.items()])
    per_entry: dict[int, int] = {}
    out: Ranked = []
    for neg, nid, fi in ordered:
        cover = -neg
        e = entry_of[nid][0]
        if per_entry.get(e, 0) < NAMES_PER_ENTRY:
            per_entry[e] = per_entry.get(e, 0) + 1
            out.append((nid, fi, cover))
            if len(out) >= TOP:
                break
    return out


class MemoryBlocker:
    """The ranking over an index held in memory. What a word reaches (its weight, and the
    gain of each name it reaches) is kept per word: names repeat words."""

    def __init__(self, ix: IndexData, min_cover: float = MIN_COVER):
        self.ix, self.min_cover = ix, min_cover
        self.max_df = ix.max_df
        self._words: dict[str, tuple[float, dict[int, float]]] = {}

    def lookups(self, t: str) -> list[tuple[str, float]]:
        weights = self.ix.weights
        out = [(k, 1.0) for k in [*word_keys(t), JOINED + t] if k in weights]
        if fuzzy_ok(t) and t not in weights:
            near = {w for d in {t} | deletions(t) for w in self.ix.fuzzy.get(d, ()) if w != t}
            out += [(w, FUZZY_FACTOR) for w in sorted(near)]
        return out

    def word(self, t: str) -> tuple[float, dict[int, float]]:
        """A word's weight and the names it gains (name -> best IDF x factor)."""
        got = self._words.get(t)
        if got is None:
            postings, weights = self.ix.postings, self.ix.weights
            lk = self.lookups(t)
            gains: dict[int, float] = {}
            for k, factor in lk:
                ps = postings.get(k, ())
                if len(ps) <= self.max_df:
                    g = weights[k] * factor
                    for nid in ps:
                        if gains.get(nid, -1.0) < g:
                            gains[nid] = g
            got = (max((weights[k] for k, _ in lk), default=self.ix.unknown_weight), gains)
            if len(self._words) > 200_000:
                self._words.clear()
            self._words[t] = got
        return got

    def rank(self, forms: Sequence[NameForm]) -> Ranked:
        """The SQL's ranking, computed more cheaply: words go heaviest first, and a name a
        word reaches first is left out when even all the words still to come could not
        lift it to the floor (a word gains a name at most its own weight). Names that two
        words written as one may lift are never left out."""
        ix, postings = self.ix, self.ix.postings
        rows: list[tuple[int, int, float]] = []
        word = self.word
        for fi, f in enumerate(forms):
            looked = [(t, *word(t)) for t in dict.fromkeys(f.tokens)]
            wts = {t: w for t, w, _ in looked}
            total = sum(wts.values())
            floor = self.min_cover * total - EPS
            pairs = [(a, b, postings.get(a + b, ())) for a, b in dict.fromkeys(zip(f.tokens, f.tokens[1:], strict=False))]
            lifted = {nid for _, _, ps in pairs for nid in ps}
            sums: dict[int, float] = {}
            left = total
            for _, w, gains in sorted(looked, key=lambda x: -x[1]):
                left -= w
                get = sums.get
                for nid, g in gains.items():
                    s = get(nid)
                    if s is not None:
                        sums[nid] = s + g
                    elif g + left >= floor or nid in lifted:
                        sums[nid] = g
            for a, b, ps in pairs:
                for nid in ps:
                    sums[nid] = sums.get(nid, 0.0) + wts[a] + wts[b]
            n = len(f.tokens)
            for nid, s in sums.items():
                if s >= floor:
                    rows.append((nid, fi, round(s / total - LENGTH_TIE * abs(ix.names[nid][2] - n), ROUND)))
            rows.extend((nid, fi, 2.0) for nid in postings.get(EXACT + f.compact, ()))
        return _cut(rows, ix.names)


def query_rows(qi: int, forms: Sequence[NameForm], held: Container[str] = ()) -> tuple[list[tuple], list[tuple]]:
    """A query's forms (query, form, words) and keys (query, form, kind, word, other, key)
    for SqlBlocker: kind k = a key the word is written as, d = a deletion variant of the
    word, p = two neighbouring words (word, other) as one key, x = the form without spaces.
    `held`: keys the index is known to hold; a word among them gets no deletion variants
    (the SQL would drop them: a word the index holds is not looked for one edit away)."""
    fs, keys = [], []
    for fi, f in enumerate(forms):
        fs.append((qi, fi, len(f.tokens)))
        keys.append((qi, fi, "x", "", "", EXACT + f.compact))
        for t in dict.fromkeys(f.tokens):
            keys.extend((qi, fi, "k", t, "", k) for k in [*word_keys(t), JOINED + t])
            if fuzzy_ok(t) and t not in held:
                keys.extend((qi, fi, "d", t, "", d) for d in sorted({t} | deletions(t)))
        keys.extend((qi, fi, "p", a, b, a + b) for a, b in dict.fromkeys(zip(f.tokens, f.tokens[1:], strict=False)))
    return fs, keys


RANK = """
WITH direct AS (SELECT query, form, word, key, 1.0 AS f FROM q_keys WHERE kind = 'k'),
known AS (SELECT DISTINCT d.query, d.form, d.word FROM q_keys d JOIN {p}df ix ON ix.key = d.word WHERE d.kind = 'k'),
fuzzy AS (
  SELECT DISTINCT d.query, d.form, d.word, z.word AS key, {fuzzy} AS f
  FROM q_keys d JOIN {p}fuzzy z ON z.del = d.key
  LEFT JOIN known k ON k.query = d.query AND k.form = d.form AND k.word = d.word
  WHERE d.kind = 'd' AND z.word <> d.word AND k.word IS NULL
),
hits AS (
  SELECT l.query, l.form, l.word, l.key, l.f, ix.df, ix.w
  FROM (SELECT * FROM direct UNION ALL SELECT * FROM fuzzy) l JOIN {p}df ix ON ix.key = l.key
),
weights AS (SELECT query, form, word, MAX(w) AS w FROM hits GROUP BY query, form, word),
word_w AS (
  SELECT q.query, q.form, q.word, COALESCE(MAX(x.w), {unknown}) AS w
  FROM q_keys q LEFT JOIN weights x ON x.query = q.query AND x.form = q.form AND x.word = q.word
  WHERE q.kind = 'k' GROUP BY q.query, q.form, q.word
),
totals AS (SELECT query, form, SUM(w) AS total FROM word_w GROUP BY query, form),
gains AS (
  SELECT h.query, h.form, h.word, k.name_id, MAX(h.w * h.f) AS g
  FROM hits h JOIN {p}keys k ON k.key = h.key
  WHERE h.df <= {max_df}
  GROUP BY h.query, h.form, h.word, k.name_id
),
pairs AS (
  SELECT p.query, p.form, p.word || ' ' || p.other AS word, k.name_id, a.w + b.w AS g
  FROM q_keys p
  JOIN {p}keys k ON k.key = p.key
  JOIN word_w a ON a.query = p.query AND a.form = p.form AND a.word = p.word
  JOIN word_w b ON b.query = p.query AND b.form = p.form AND b.word = p.other
  WHERE p.kind = 'p'
),
sums AS (
  SELECT query, form, name_id, SUM(g) AS s
  FROM (SELECT * FROM gains UNION ALL SELECT * FROM pairs) g GROUP BY query, form, name_id
),
covered AS (
  SELECT s.query, s.form, s.name_id, ROUND(s.s / t.total - {tie} * ABS(n.words - f.words), {round}) AS cover
  FROM sums s
  JOIN totals t ON t.query = s.query AND t.form = s.form
  JOIN q_forms f ON f.query = s.query AND f.form = s.form
  JOIN {p}names n ON n.name_id = s.name_id
  WHERE s.s >= {min_cover} * t.total - {eps}
  UNION ALL
  SELECT x.query, x.form, k.name_id, 2.0 AS cover
  FROM q_keys x JOIN {p}keys k ON k.key = x.key
  WHERE x.kind = 'x'
),
per_name AS (
  SELECT c.query, c.form, c.name_id, c.cover, n.entry,
         ROW_NUMBER() OVER (PARTITION BY c.query, c.name_id ORDER BY c.cover DESC, c.form) AS rn
  FROM covered c JOIN {p}names n ON n.name_id = c.name_id
),
per_entry AS (
  SELECT query, form, name_id, cover,
         ROW_NUMBER() OVER (PARTITION BY query, entry ORDER BY cover DESC, name_id) AS rn
  FROM per_name WHERE rn = 1
),
ranked AS (
  SELECT query, name_id, form, cover, ROW_NUMBER() OVER (PARTITION BY query ORDER BY cover DESC, name_id) AS rk
  FROM per_entry WHERE rn <= {per_entry}
)
SELECT query, name_id, form, cover FROM ranked WHERE rk <= {top} ORDER BY query, rk
"""


class SqlBlocker:
    """The ranking in SQL, on an engine holding one version's index tables (DuckDB on the
    store itself; Spark on copies)."""

    def __init__(self, engine, st: Stored, min_cover: float = MIN_COVER):
        self.engine, self.version = engine, st.version
        self.sql = RANK.format(p=st.prefix, fuzzy=FUZZY_FACTOR, unknown=repr(st.unknown_weight), max_df=st.max_df,
                               tie=LENGTH_TIE, min_cover=min_cover, round=ROUND, eps=EPS, per_entry=NAMES_PER_ENTRY,
                               top=TOP)

    def rank_many(self, queries: Sequence[Sequence[NameForm]], held: Container[str] = ()) -> list[Ranked]:
        """The ranked rows of each query. `held`: the index's keys, when the caller has
        them in memory (fewer rows to send; the same answer without)."""
        forms, keys = [], []
        for qi, fs in enumerate(queries):
            f, k = query_rows(qi, fs, held)
            forms += f
            keys += k
        self.engine.table("q_forms", "query INTEGER, form INTEGER, words INTEGER", forms)
        self.engine.table("q_keys", "query INTEGER, form INTEGER, kind VARCHAR, word VARCHAR, other VARCHAR, key VARCHAR",
                          keys)
        out: list[Ranked] = [[] for _ in queries]
        for qi, nid, fi, cover in self.engine.query(self.sql):
            out[qi].append((nid, fi, cover))
        return out


__all__ = ["BIGRAM", "CANDIDATES", "MemoryBlocker", "SqlBlocker", "choose"]
