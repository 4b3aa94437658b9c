"""Loading a list's index for a batch: entries parsed only when scored, shards sized to the batch."""

import duckdb

from chipwatch.screening import screen as screening
from chipwatch.screening.index import IndexData, Records, stored
from chipwatch.screening.lists.model import ListEntry


def test_entries_are_parsed_when_first_asked_for(lists_db):
    con = duckdb.connect(str(lists_db), read_only=True)
    version = con.execute("SELECT version FROM name_index_meta WHERE version <> 'kb' ORDER BY version LIMIT 1").fetchone()[0]
    ix = IndexData.load(con, version, postings=False)
    assert isinstance(ix.entries, Records) and len(ix.entries) == len(ix.entries.list_ids) > 0
    assert not any(ix.entries._parsed)  # loading parsed nothing
    records = dict(con.execute("SELECT list_id, record FROM list_entries WHERE version = ?", [version]).fetchall())
    k = len(ix.entries) // 2
    got = ix.entries[k]
    assert got == ListEntry.from_record(records[ix.entries.list_ids[k]]) and got.list_id == ix.entries.list_ids[k]
    assert ix.entries[k] is got and sum(e is not None for e in ix.entries._parsed) == 1  # parsed once, kept
    assert [e.list_id for e in ix.entries[k:k + 3]] == ix.entries.list_ids[k:k + 3]
    assert stored(con, version).size == ix.size


def test_shards_are_sized_to_the_batch():
    assert screening.shard_size(2_000, 2) == screening.SHARD  # never below the floor
    assert screening.shard_size(30_000, 2) == 7_500  # two shards per process
    assert screening.shard_size(1_000_000, 2) == screening.SHARD_MAX  # progress still reported as it goes
