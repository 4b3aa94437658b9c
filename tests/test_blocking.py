"""Blocking in memory and in SQL give the same candidates, and screening the same hits, on
the whole name benchmark: every name2 of name_bench/cases.csv is a list entry, every name1
a query (826 queries in Latin, Cyrillic, Arabic, Chinese, …)."""

from __future__ import annotations

import csv

import duckdb
import pytest
from conftest import need_shared

from chipwatch.engines import DuckDBEngine
from chipwatch.screening.blocking import SqlBlocker
from chipwatch.screening.index import IndexData, stored, write
from chipwatch.screening.lists.model import ListEntry, ListName
from chipwatch.screening.matcher import Matcher, Query, query_forms
from chipwatch.store.write import SCHEMA


@pytest.fixture(scope="module")
def bench():
    cases = list(csv.DictReader(open(need_shared("data", "name_bench", "cases.csv"), encoding="utf-8")))
    entries, seen = [], {}
    for c in cases:
        key = (c["schema"], c["name2"])
        if key not in seen:
            seen[key] = len(entries)
            entries.append(ListEntry(f"e{len(entries)}", c["schema"], [ListName(c["name2"])]))
    queries = [Query([c["name1"]], schema=c["schema"]) for c in cases]
    ix = IndexData.build("bench", entries)
    con = duckdb.connect()
    for stmt in SCHEMA.read_text(encoding="utf-8").split(";"):
        if any(t in stmt for t in ("name_index_meta", "name_index_blobs", "token_symbols", "list_entries")):
            con.execute(stmt)
    write(con, ix)
    return ix, con, queries


def _rows(hits):
    return [(m.entry.list_id, m.score) for m in hits]


def test_sql_ranking_is_the_memory_ranking(bench):
    ix, con, queries = bench
    forms = [[f for _, f in query_forms(q)] for q in queries]
    sql = SqlBlocker(DuckDBEngine(con), stored(con, "bench")).rank_many(forms)
    memory = Matcher(ix)
    differ = [(q.names[0], r, memory.rank(f)) for q, f, r in zip(queries, forms, sql, strict=True) if r != memory.rank(f)]
    assert not differ, differ[:3]
    assert sum(1 for r in sql if r) > 0.95 * len(queries)  # nearly every query finds candidates
    # told the index's keys (big batches), the blocker sends no deletions of words it holds: same rows
    assert SqlBlocker(DuckDBEngine(con), stored(con, "bench")).rank_many(forms, held=ix.df) == sql


def test_words_the_index_holds_are_sent_without_deletion_variants():
    from chipwatch.names.forms import NameForm
    from chipwatch.screening.blocking import query_rows

    form = NameForm(("baikal", "elektronika"), ())
    every = {row[3] for row in query_rows(0, [form])[1] if row[2] == "d"}
    assert every == {"baikal", "elektronika"}
    told = {row[3] for row in query_rows(0, [form], held={"baikal"})[1] if row[2] == "d"}
    assert told == {"elektronika"}


def test_screening_hits_are_the_same_in_memory_and_in_sql(bench):
    """The same hits and scores: memory (whole index), SQL ranking with the index loaded for
    scoring (big batches), and SQL ranking with only the candidates fetched (a few names)."""
    ix, con, queries = bench
    forms = [[f for _, f in query_forms(q)] for q in queries]
    ranked = SqlBlocker(DuckDBEngine(con), stored(con, "bench")).rank_many(forms)
    memory = [_rows(h) for h in Matcher(ix).match_many(queries, 0.5, 5)]
    scoring = IndexData.build("bench", ix.entries)  # as loaded for scoring: no postings needed
    scoring.postings = {}
    in_sql = [_rows(h) for h in Matcher(scoring).match_many(queries, 0.5, 5, ranked=ranked)]
    assert memory == in_sql
    st = stored(con, "bench")
    for q, f, r, expect in list(zip(queries, forms, ranked, memory, strict=True))[:120]:
        part = IndexData.fetch(con, st, [nid for nid, _, _ in r], [], {t for x in f for t in x.tokens})
        part.entries = {i: e for i, e in enumerate(ix.entries)}  # records live in list_entries, not here
        assert _rows(Matcher(part).match(q, 0.5, 5, ranked=r)) == expect, q.names
