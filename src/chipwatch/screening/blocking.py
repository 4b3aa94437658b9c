"""Blocking in SQL, on DuckDB (the default) or Spark: the list's names and the queries
become key tables, one portable SQL statement ranks each query's candidate names by the
share of the query's word weight (IDF) they hold, as the in-memory index does, and the
matcher scores them (in worker processes on one machine)."""

from __future__ import annotations

from chipwatch.engines import Engine
from chipwatch.screening.matcher import (
    CANDIDATES,
    LENGTH_TIE,
    MAX_DF,
    MIN_COVER,
    NAMES_PER_ENTRY,
    Matcher,
    Query,
)
from chipwatch.store.write import no_gc

# A query word counts once per name, by the best key it shares with it; a form written
# without spaces exactly as a listed one (factor 0) always comes in. Each name keeps its best
# query form, each entry its NAMES_PER_ENTRY best names; the best rows per query go on.
RANK = """
WITH per_word AS (
  SELECT q.query, q.form, q.word, k.name, MAX(i.w * q.f) AS w
  FROM {p}query_keys q
  JOIN {p}name_keys k ON k.key = q.key
  JOIN {p}idf i ON i.key = q.key
  WHERE q.f > 0 AND i.df <= {max_df}
  GROUP BY q.query, q.form, q.word, k.name
), per_form AS (
  SELECT query, form, name, SUM(w) AS s FROM per_word GROUP BY query, form, name
), covered AS (
  SELECT c.query, c.form, c.name, n.entry, c.s / f.total - {tie} * ABS(n.words - f.words) AS cover
  FROM per_form c
  JOIN {p}query_forms f ON f.query = c.query AND f.form = c.form
  JOIN {p}names n ON n.name = c.name
  WHERE c.s >= {min_cover} * f.total
  UNION ALL
  SELECT q.query, q.form, k.name, n.entry, 2.0 AS cover
  FROM {p}query_keys q
  JOIN {p}name_keys k ON k.key = q.key
  JOIN {p}names n ON n.name = k.name
  WHERE q.f = 0
), per_name AS (
  SELECT query, form, name, entry, cover,
         ROW_NUMBER() OVER (PARTITION BY query, name ORDER BY cover DESC, form) AS rn
  FROM covered
), per_entry AS (
  SELECT query, form, name, cover,
         ROW_NUMBER() OVER (PARTITION BY query, entry ORDER BY cover DESC, name) AS rn
  FROM per_name WHERE rn = 1
)
SELECT query, name, form, cover FROM (
  SELECT query, name, form, cover,
         ROW_NUMBER() OVER (PARTITION BY query ORDER BY cover DESC, name) AS rk
  FROM per_entry WHERE rn <= {per_entry}
) ranked
WHERE rk <= {top}
"""
IDF = "SELECT key, LN(1 + {n} / COUNT(*)) AS w, COUNT(*) AS df FROM {p}name_keys GROUP BY key"


class SqlBlocker:
    """One list's index loaded into an engine (tables named with `prefix`), blocking batch
    after batch of queries against it."""

    def __init__(self, matcher: Matcher, engine: Engine, prefix: str = "b0_"):
        self.matcher, self.engine, self.p = matcher, engine, prefix
        names = matcher.block_names()
        self.n = max(len(names), 1)
        with no_gc():  # millions of small tuples; the index's objects need no rescanning
            engine.table(self.p + "names", "name INTEGER, entry INTEGER, words INTEGER", names)
            engine.table(self.p + "name_keys", "name INTEGER, key VARCHAR", matcher.block_index())
            engine.create_as(self.p + "idf", IDF.format(p=self.p, n=float(self.n)))

    def block(self, queries: list[Query]) -> list[list[tuple[int, int]]]:
        """For each query, the (name, query form) pairs the matcher should score."""
        with no_gc():
            return self._block(queries)

    def _block(self, queries: list[Query]) -> list[list[tuple[int, int]]]:
        forms, keys = [], []
        for qi, q in enumerate(queries):
            f, k = self.matcher.block_query(q)
            forms.extend((qi, *row) for row in f)
            keys.extend((qi, *row) for row in k)
        self.engine.table(self.p + "query_forms", "query INTEGER, form INTEGER, words INTEGER, total DOUBLE", forms)
        self.engine.table(self.p + "query_keys", "query INTEGER, form INTEGER, word VARCHAR, key VARCHAR, f DOUBLE", keys)
        rows = self.engine.query(RANK.format(p=self.p, max_df=max(50, int(MAX_DF * self.n)), tie=LENGTH_TIE,
                                             min_cover=MIN_COVER, per_entry=NAMES_PER_ENTRY,
                                             top=4 * CANDIDATES))
        covers: list[list[tuple[int, int, float]]] = [[] for _ in queries]
        for qi, nid, fi, cover in rows:
            covers[qi].append((nid, fi, cover))
        return [self.matcher.choose(c) for c in covers]
