"""Batch screening with the blocking done by a SQL engine (DuckDB or Spark): the index and
the queries become two key tables, one portable SQL statement ranks candidate entries per
query by the rarity of the keys they share, and each candidate is scored in Python by the
matcher's own comparison. For batches too big for one machine; the in-memory index
(Matcher.match) is the fast path for one machine."""

from __future__ import annotations

from chipwatch.engines import Engine, open_engine
from chipwatch.screening.matcher import MAX_DF, Match, Matcher, Query

CANDIDATES = """
SELECT query, entry FROM (
  SELECT q.query, e.entry,
         ROW_NUMBER() OVER (PARTITION BY q.query ORDER BY SUM(i.w) DESC, e.entry) AS rk
  FROM query_keys q
  JOIN entry_keys e ON e.key = q.key
  JOIN idf i ON i.key = q.key
  GROUP BY q.query, e.entry
) ranked
WHERE rk <= {top}
"""
IDF = """
SELECT key, LN(1 + {n} / COUNT(*)) AS w FROM entry_keys GROUP BY key HAVING COUNT(*) <= {max_df}
"""


def match_batch(matcher: Matcher, queries: dict[str, Query], engine: Engine | str = "duckdb", threshold: float = 0.7,
                limit: int = 5, top: int = 8) -> dict[str, list[Match]]:
    """Hits per query id, best first: candidates from SQL blocking on `engine`, scores from
    the matcher's comparison, identifier matches added as the matcher adds them."""
    eng = open_engine(engine) if isinstance(engine, str) else engine
    ids = list(queries)
    try:
        eng.table("entry_keys", "entry INTEGER, key VARCHAR", matcher.index_keys())
        eng.table("query_keys", "query INTEGER, key VARCHAR",
                  [(qi, k) for qi, qid in enumerate(ids) for k in matcher.query_keys(queries[qid])])
        n = max(len(matcher.entries), 1)
        eng.create_as("idf", IDF.format(n=float(n), max_df=max(50, int(MAX_DF * n))))
        pairs = eng.query(CANDIDATES.format(top=int(top)))
    finally:
        if isinstance(engine, str):
            eng.close()
    candidates: dict[int, set[int]] = {}
    for qi, ei in pairs:
        candidates.setdefault(qi, set()).add(ei)
    out: dict[str, list[Match]] = {}
    for qi, qid in enumerate(ids):
        found = candidates.get(qi, set()) | matcher.identifier_hits(queries[qid])
        scored = [matcher.compare(queries[qid], matcher.entries[ei]) for ei in sorted(found)]
        hits = sorted((m for m in scored if m.score >= threshold), key=lambda m: (-m.score, m.entry.list_id))
        out[qid] = hits[:limit]
    return out
