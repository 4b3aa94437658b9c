"""Batch screening: names in any script against imported lists, with listed/owned/review reasons."""

import json

import pytest
from conftest import assert_user_error, run_cli

from chipwatch.screening.matcher import Query
from chipwatch.screening.screen import list_indexes, screen
from chipwatch.store import Store


@pytest.fixture(scope="module")
def results(lists_db):
    queries = {"zh-hant": Query(["貝加爾電子"]), "zh-hans": Query(["贝加尔电子"]), "ru": Query(["АО «Байкал Электроникс»"]),
               "en": Query(["Baikal Electronics"]), "mcst": Query(["АО «МЦСТ»"]), "cst": Query(["ООО «ЦСТ»"]),
               "sps": Query(["ООО «СПС»"]), "izh": Query(["ИЖТЕЛЕКОМ"]), "none": Query(["Bakery Sunshine Ltd"])}
    with Store(lists_db) as s:
        return screen(s, queries, indexes=list_indexes(s))


@pytest.mark.parametrize("qid", ["zh-hant", "zh-hans", "ru", "en"])
def test_any_script_reaches_the_ofac_entry(results, qid):
    top = results[qid][0]
    assert (top.list, top.list_id, top.reason) == ("ofac", "39178", "listed")
    assert top.score >= 0.9 and top.entity == "baikal-electronics" and top.programs == ["RUSSIA-EO14024"]
    assert top.explanation


def test_chinese_query_goes_through_the_knowledge_graph(results):
    via = results["zh-hant"][0].explanation["via"]
    assert via["kb_entity"] == "baikal-electronics" and "BAIKAL ELECTRONICS JSC" in via["kb_names_added"]


def test_ownership_reasons(results):
    by = {qid: {(h.list, h.reason) for h in hits} for qid, hits in results.items()}
    assert ("ftm", "owned") in by["cst"] and ("ftm", "owned") in by["sps"]
    assert ("ftm", "review") in by["izh"]
    sps = next(h for h in results["sps"] if h.reason == "owned")
    assert sps.chain and sps.chain[0][-1]["share_pct"] == 75.0


def test_non_members_do_not_hit(results):
    assert results["none"] == []


def test_cli_screen_csv_any_encoding(lists_db, tmp_path):
    for enc, engine in (("utf-8-sig", "duckdb"), ("gbk", "memory")):
        path = tmp_path / f"q-{enc}.csv"
        path.write_bytes("company,country\n貝加爾電子,\nPizza Hut,US\n".encode(enc))
        out = tmp_path / f"out-{enc}.json"
        r = run_cli("screen", str(path), "--column", "company", "--out", str(out), "--engine", engine, db=lists_db)
        assert r.code == 0, r
        rows = json.loads(out.read_text(encoding="utf-8"))
        assert rows[0]["list_id"] == "39178" and rows[0]["reason"] == "listed" and rows[-1]["list"] is None
    r = run_cli("screen", "--name", "АО «МЦСТ»", "--json", db=lists_db)
    assert json.loads(r.out)["1"][0]["list_id"] == "39180"


@pytest.mark.parametrize("content,args,expect", [
    (b"who\nX\n", [], "no column 'name'"),
    (b"", [], "the file is empty"),
    (b"name\n\n", [], "no names in column"),
    (b"name\nX\n", ["--threshold", "1.5"], "between 0 and 1"),
    (b"name\nX\n", ["--engine", "oracle"], "use duckdb, spark or memory"),
])
def test_cli_screen_bad_input(lists_db, tmp_path, content, args, expect):
    path = tmp_path / "q.csv"
    path.write_bytes(content)
    assert_user_error(run_cli("screen", str(path), *args, db=lists_db), expect)


def test_screen_needs_lists(russia_db):
    assert_user_error(run_cli("screen", "--name", "X", db=russia_db), "no sanctions list")


def test_ownership_in_the_knowledge_graph(lists_db):
    """Uralredmet is part of Rostec (listed by OFAC) in an unknown share: review, with the claim."""
    view = json.loads(run_cli("show", "uralredmet", "--json", db=lists_db).out)
    assert view["sanctions_status"] == "review"
    (path,) = view["ownership"]["chain"]
    assert path[0]["owner"] == "rostec" and "uralredmet-part-of-rostec" in path[0]["claims"]
    r = run_cli("screen", "--name", "烏拉爾稀土冶金公司", "--json", db=lists_db)
    hits = json.loads(r.out)["1"]
    assert any(h["list"] == "kb" and h["reason"] == "review" and h["entity"] == "uralredmet" for h in hits)


@pytest.mark.slow
def test_sql_blocking_on_duckdb_and_spark_agree(lists_db):
    """Batch screening written once: the blocking SQL on DuckDB and on Spark gives the same
    hits, and the same top hit as the in-memory index, typos (one edit: ROSTEK) included."""
    pytest.importorskip("pyspark", reason="pyspark is not installed")
    queries = {"a": Query(["貝加爾電子"]), "b": Query(["АО «МЦСТ»"]), "c": Query(["Baikal Elektroniks"]),
               "d": Query(["ООО «СПС»"]), "e": Query(["Bakery Sunshine Ltd"]), "f": Query(["ROSTEK"]),
               "g": Query(["Mikron JSC"])}
    with Store(lists_db) as s:
        indexes = list_indexes(s)
        duck = screen(s, queries, indexes=indexes, chunk=3)  # chunks reuse the loaded index
        spark = screen(s, queries, indexes=indexes, engine="spark")
        memory = screen(s, queries, indexes=indexes, sql_blocking=False)
    as_rows = lambda r: {q: [(h.list_id, h.reason, h.score) for h in hits] for q, hits in r.items()}  # noqa: E731
    assert as_rows(duck) == as_rows(spark)
    for q in queries:  # the top hit is the one the in-memory index finds
        assert [h.list_id for h in duck[q][:1]] == [h.list_id for h in memory[q][:1]], q
    assert duck["f"] and "ROSTEC" in duck["f"][0].name.upper() and not duck["e"]
