"""Screening: names in any script against the imported lists, through the persistent name
index; listed / owned / review with reasons; the knowledge graph's evidence; list dates.
Each class of error the screening issue found has a test here."""

import json
import shutil
from datetime import date

import pytest
from conftest import assert_user_error, need_shared, run_cli

from chipwatch.screening.matcher import Query
from chipwatch.screening.ownership import owned_in_version
from chipwatch.screening.screen import screen
from chipwatch.store import Store

CST_UA = "NK-abdzbEBkqyT29GyREbiURZ"  # Товариство з обмеженою відповідальністю "ЦСТ": Zakharov 51 % since 2015, no end
SPS = "NK-9Xa4Kg7Y7nfccE7VcZt6Q6"  # ООО "СПС": Zakharov 75 % from 2020-01-10 until 2022-11-22
ZAKHAROV = "NK-aU5ybkbRFJucf8YMwsJvDw"


def run(db, queries: dict, **kw):
    with Store(db) as s:
        return screen(s, queries, **kw)


@pytest.fixture(scope="module")
def results(lists_db):
    queries = {"zh-hant": Query(["貝加爾電子"]), "zh-hans": Query(["贝加尔电子"]), "ru": Query(["АО «Байкал Электроникс»"]),
               "en": Query(["Baikal Electronics"]), "mcst": Query(["АО «МЦСТ»"]), "cst": Query(['ТОВ "ЦСТ"']),
               "sps": Query(["ООО «СПС»"]), "none": Query(["Bakery Sunshine Ltd"])}
    return run(lists_db, queries)


@pytest.mark.parametrize("qid", ["zh-hant", "zh-hans", "ru", "en"])
def test_any_script_reaches_the_ofac_entry(results, qid):
    top = results[qid][0]
    assert (top.list, top.list_id, top.reason) == ("ofac", "39178", "listed")
    assert top.score >= 0.9 and top.entity == "baikal-electronics" and top.programs == ["RUSSIA-EO14024"]
    assert (top.version, top.list_date) == ("ofac-2024-05-03", "2024-05-03")  # every hit names its list version
    assert top.entry.identifiers["inn"] == ["7707767484"] and not top.review


def test_chinese_query_goes_through_the_knowledge_graph(results):
    via = results["zh-hant"][0].explanation["via"]
    assert via["kb_entity"] == "baikal-electronics" and via["score"] == 1.0
    assert "BAIKAL ELECTRONICS JSC" in via["kb_names_added"]


def test_every_result_names_the_lists_and_warns_when_they_are_old(lists_db, results):
    assert [(v.id, v.date) for v in results.lists] == [("ftm-2026-06-01", "2026-06-01"), ("ofac-2024-05-03", "2024-05-03")]
    assert any(w.startswith("ofac-2024-05-03:") and "more than 90" in w for w in results.warnings)
    fresh = run(lists_db, {"q": Query(["X"])}, today=date(2024, 6, 1), max_age_days=90)
    assert not any(w.startswith("ofac") for w in fresh.warnings)
    assert run(lists_db, {"q": Query(["X"])}, today=date(2024, 6, 1), max_age_days=10).warnings


def test_ownership_counts_stakes_held_on_the_day_screened_with_the_chain_named(results, lists_db):
    """ООО «СПС» was owned 75 % by Zakharov (OFAC- and EU-listed) from 2020-01-10 until
    2022-11-22: no hit today; screened as of 2021-06-01 it is `owned`, the chain naming both
    parties, the share, the dates and Zakharov's own list entry."""
    assert not [h for h in results["sps"] if h.list_id == SPS]
    then = run(lists_db, {"q": Query(["ООО «СПС»"])}, today=date(2021, 6, 1))["q"]
    (sps,) = [h for h in then if h.list_id == SPS]
    assert sps.reason == "owned" and sps.topics == ["sanction.linked"] and not sps.programs
    (path,) = sps.chain
    (step,) = path
    assert step["owner"] == ZAKHAROV and step["owner_name"] == "Aleksandr Vyacheslavovich Zakharov"
    assert (step["share_pct"], step["start"], step["end"]) == (75.0, "2020-01-10", "2022-11-22")
    assert step["asset_name"] == 'ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ "СПС"'
    assert step["owner_entry"]["list_id"] == ZAKHAROV and step["owner_entry"]["programs"]
    with Store(lists_db) as s:
        assert SPS not in owned_in_version(s, "ftm-2026-06-01")
    (cst,) = [h for h in results["cst"] if h.list_id == CST_UA]  # ЦСТ (Ukraine) is itself listed
    assert cst.reason == "listed"


def test_non_members_do_not_hit(results):
    assert results["none"] == []


@pytest.mark.parametrize("name", ["中芯國際", "中芯国际", "SMIC"])
def test_an_acronym_does_not_reach_another_at_one_edit(lists_db, name):
    """SMIC (the knowledge graph's SMIC, not on the SDN list) never meets SOMIC ENGINEERING
    (Iran) or SIMIC (a person): acronyms and short words pair only when equal."""
    hits = run(lists_db, {"q": Query([name])}, threshold=0.5)["q"]
    assert not [h for h in hits if h.list_id in ("30396", "7791")]


def test_a_company_never_hits_a_vessel_or_a_person(lists_db):
    with Store(lists_db) as s:
        vessel, former = s.con.execute(
            "SELECT e.list_id, n.name FROM list_entries e JOIN list_names n ON n.version = e.version "
            "AND n.list_id = e.list_id WHERE e.version = 'ofac-2024-05-03' AND e.schema = 'Vessel' AND n.kind = 'fka' "
            "LIMIT 1").fetchone()
    as_vessel = run(lists_db, {"q": Query([former], schema="Vessel")})["q"]
    assert as_vessel and as_vessel[0].list_id == vessel  # the vessel's former name finds the vessel ...
    for schema in ("Company", "Organization", None):  # ... and no company or unnamed party query does
        assert not [h for h in run(lists_db, {"q": Query([former], schema=schema)}, threshold=0.3)["q"]
                    if h.schema == "Vessel"], schema
    assert not [h for h in run(lists_db, {"q": Query(["JSC MCST"], schema="Person")})["q"] if h.list_id == "39180"]


@pytest.mark.parametrize("name,entry,cap", [
    ("Electronics Limited", None, 0.6),  # one common word pairs, the rest is left over: no hit
    ("Caspian", "17226", 0.8),  # one word pairs, CASPIAN AIRLINES has more: review at most
    ("Global Trading Company", "24390", 0.85),  # an alias made of common words only: review at most
])
def test_a_match_resting_on_little_is_capped(lists_db, name, entry, cap):
    hits = run(lists_db, {"q": Query([name], schema="Company")}, threshold=0.5)["q"]
    assert all(h.score <= cap + 1e-9 for h in hits if h.list != "kb")
    assert all(h.reason == "review" for h in hits)
    if entry:
        (hit,) = [h for h in hits if h.list_id == entry]
        assert hit.explanation["name"]["rests_on"] and any("below 0.90" in r for r in hit.review)


def test_below_the_review_band_a_hit_is_review_not_listed(lists_db):
    (hit,) = [h for h in run(lists_db, {"q": Query(["ROSTEK"])})["q"] if h.list == "ofac"]
    assert hit.name == "STATE CORPORATION ROSTEC" and 0.7 <= hit.score < 0.9 and hit.reason == "review"
    assert run(lists_db, {"q": Query(["ROSTEK"])}, review_below=0.8)["q"][0].reason == "listed"
    assert hit.why == [{"code": "score", "score": f"{hit.score:.2f}", "band": "0.90"}]


def test_a_review_reason_never_says_a_score_is_below_the_score_it_shows():
    from chipwatch.screening.reasons import _below

    assert _below(0.8567, 0.9) == "0.86" and _below(0.8995, 0.9) == "0.899" and _below(0.7, 0.75) == "0.70"


@pytest.mark.parametrize("name", ["贝加尔电子股份公司", "貝加爾電子股份有限公司", "贝加尔电子有限公司", "貝加爾電子集團",
                                  "АО «Байкал Электроникс»", 'Акционерное общество "Байкал Электроникс"',
                                  "ООО „Байкал Электроникс“"])
def test_legal_forms_and_quotes_in_every_script(lists_db, name):
    top = run(lists_db, {"q": Query([name])})["q"][0]
    assert (top.list_id, top.reason) == ("39178", "listed") and top.score >= 0.95, name


def test_a_chinese_name_one_word_off_the_graph_is_found_for_review(lists_db):
    """俄羅斯貝加爾電子 (Russia's Baikal Electronics) is not a name the graph holds: it reaches
    the graph's Baikal Electronics with 俄罗斯 left over, and the OFAC hit scores no more than
    that, for review."""
    hits = run(lists_db, {"q": Query(["俄羅斯貝加爾電子"])})["q"]
    top = next(h for h in hits if h.list == "ofac")
    via = top.explanation["via"]
    assert top.list_id == "39178" and top.reason == "review" and top.score == via["score"] < 0.9
    assert "through_graph" in top.explanation


def test_a_person_from_name_parts_in_both_orders_with_a_birth_date(lists_db):
    """Aleksandr + Zakharov, born 1965 (OFAC: 21 Sep 1965): both orders are tried, the
    patronymic is only in the entry; another birth year vetoes the match."""
    from chipwatch.screening.matcher import person_names

    names = person_names(["Aleksandr"], ["Zacharov"])
    assert names == ["Aleksandr Zacharov", "Zacharov Aleksandr"]
    same = run(lists_db, {"q": Query(names, schema="Person", birth_dates=["1965"])})["q"]
    ofac = next(h for h in same if h.list_id == "45937")
    assert ofac.explanation["birth_dates"]["outcome"] == "same_year" and ofac.score >= 0.85
    other = run(lists_db, {"q": Query(names, schema="Person", birth_dates=["1978-02-01"])})["q"]
    assert not [h for h in other if h.list_id == "45937"]
    lone = run(lists_db, {"q": Query(["Aleksandr"], schema="Person")})["q"]
    assert all(h.score <= 0.8 for h in lone)  # a given name alone is never a match


def test_the_knowledge_graphs_claim_is_a_review_hit_when_no_list_holds_the_party(russia_db, tmp_path):
    """With only the OFAC snapshot of 2022-02-23 imported (before Baikal Electronics was
    listed), 貝加爾電子 comes back `review`, with the graph's sourced claims and their quotes."""
    db = tmp_path / "old.duckdb"
    shutil.copyfile(russia_db, db)
    assert run_cli("lists", "import", "ofac", str(need_shared("data", "ofac", "sdn-2022-02-23.csv")), db=db).code == 0
    res = run(db, {"q": Query(["貝加爾電子"])})
    (hit,) = res["q"]
    assert (hit.list, hit.reason, hit.entity) == ("kb", "review", "baikal-electronics")
    ids = {c["id"] for c in hit.claims}
    assert "baikal-electronics-sanctioned-by-west" in ids
    quote = next(c for c in hit.claims if c["id"] == "baikal-electronics-sanctioned-by-west")["evidence"][0]["quote"]
    seed = need_shared("seeds", "000_ecfed2e30ae2ea88.txt").read_text(encoding="utf-8")
    assert "".join(quote.split()) in "".join(seed.split())
    assert "ofac-2022-02-23 (2022-02-23)" in hit.review[0]


def test_cli_screen_csv_any_encoding_and_newline(lists_db, tmp_path):
    for enc, engine, nl in (("utf-8-sig", "duckdb", "\r\n"), ("gbk", "memory", "\n"), ("utf-16", "duckdb", "\r"),
                            ("cp1251", "memory", "\n")):
        path = tmp_path / f"q-{enc}.csv"
        rows = ["company,country", "Байкал Электроникс,RU" if enc == "cp1251" else "貝加爾電子,", "Pizza Hut,US"]
        path.write_bytes(nl.join(rows).encode(enc) + nl.encode(enc))
        out = tmp_path / f"out-{enc}.json"
        r = run_cli("screen", str(path), "--column", "company", "--out", str(out), "--engine", engine, db=lists_db)
        assert r.code == 0, r
        got = json.loads(out.read_text(encoding="utf-8"))
        assert got[0]["list_id"] == "39178" and got[0]["reason"] == "listed" and got[0]["list_date"] == "2024-05-03"
        assert got[-1]["list"] is None and "warning: ofac-2024-05-03" in r.err
    r = run_cli("screen", "--name", "АО «МЦСТ»", "--json", db=lists_db)
    data = json.loads(r.out)
    assert data["results"]["1"][0]["list_id"] == "39180" and data["lists"][1]["date"] == "2024-05-03"


def test_cli_screen_a_person_from_parts(lists_db):
    r = run_cli("screen", "--first-name", "Aleksandr", "--last-name", "Zakharov", "--birth-date", "1965-09-21", "--json",
                db=lists_db)
    assert r.code == 0, r
    hits = json.loads(r.out)["results"]["1"]
    ofac = next(h for h in hits if h["list_id"] == "45937")
    assert ofac["explanation"]["birth_dates"]["outcome"] == "same_day" and ofac["reason"] == "listed"


@pytest.mark.parametrize("content,args,expect", [
    (b"who\nX\n", [], "no column 'name'"),
    (b"", [], "the file is empty"),
    (b"name\n\n", [], "no names in column"),
    (b"name\nX\n", ["--threshold", "1.5"], "between 0 and 1"),
    (b"name\nX\n", ["--engine", "oracle"], "use duckdb, spark or memory"),
    (b'name\n"Baikal\nX\n', [], "never closes"),
    (b"name\n" + b"x" * 200_000 + b"\n", [], "longer than 4,096 characters"),
    (b"name\n" + b"y" * 2000 + b"\n", [], "a name of 2,000 characters"),
    (b'name\n"a\nb",\nc\n', [], "runs over lines"),
    (b"name,birth_date\nX,yesterday\n", [], "birth_date 'yesterday' is not a date"),
    (b"name\nX\n", ["--lists", "eu"], "no such list imported"),
])
def test_cli_screen_bad_input(lists_db, tmp_path, content, args, expect):
    path = tmp_path / "q.csv"
    path.write_bytes(content)
    r = run_cli("screen", str(path), *args, db=lists_db)
    assert_user_error(r, expect)
    assert len(r.err.strip().splitlines()[-1]) <= 300


def test_screen_needs_lists(russia_db):
    assert_user_error(run_cli("screen", "--name", "X", db=russia_db), "no sanctions list")


def test_ownership_in_the_knowledge_graph(lists_db):
    """Uralredmet is part of Rostec (listed by OFAC) in an unknown share: review, with the claim."""
    view = json.loads(run_cli("show", "uralredmet", "--json", db=lists_db).out)
    assert view["sanctions_status"] == "review"
    (path,) = view["ownership"]["chain"]
    assert path[0]["owner"] == "rostec" and "uralredmet-part-of-rostec" in path[0]["claims"]
    hits = json.loads(run_cli("screen", "--name", "烏拉爾稀土冶金公司", "--json", db=lists_db).out)["results"]["1"]
    (kb,) = [h for h in hits if h["list"] == "kb" and h["reason"] == "review" and h["entity"] == "uralredmet"]
    step = kb["chain"][0][0]
    assert step["owner_name"] == "Rostec" and step["owner_entry"]["list_id"] == "17260" and step["share_pct"] is None


@pytest.mark.slow
def test_engines_agree(lists_db):
    """DuckDB (SQL on the store), Spark (SQL on copies of the index) and memory give the same
    hits, typos (ROSTEK) and chunks included."""
    pytest.importorskip("pyspark", reason="pyspark is not installed")
    queries = {"a": Query(["貝加爾電子"]), "b": Query(["АО «МЦСТ»"]), "c": Query(["Baikal Elektroniks"]),
               "d": Query(['ТОВ "ЦСТ"']), "e": Query(["Bakery Sunshine Ltd"]), "f": Query(["ROSTEK"]),
               "g": Query(["Mikron JSC"]), "h": Query(["Aleksandr Zakharov"], schema="Person")}
    rows = lambda r: {q: [(h.list_id, h.reason, h.score) for h in hits] for q, hits in r.hits.items()}  # noqa: E731
    duck = rows(run(lists_db, queries, chunk=3))
    assert duck == rows(run(lists_db, queries, engine="memory")) == rows(run(lists_db, queries, engine="spark"))
    assert duck["f"] and duck["f"][0][0] == "17260" and not duck["e"]


def test_big_batches_in_worker_processes_agree(lists_db, monkeypatch):
    """A batch split across spawned worker processes (each on the store itself) gives what
    one process gives: the same hits, chains, bridges through the graph, in the same order."""
    import chipwatch.screening.screen as screening

    names = ["貝加爾電子", "АО «МЦСТ»", "Baikal Elektroniks", 'ТОВ "ЦСТ"', "Bakery Sunshine Ltd", "ROSTEK", "Mikron JSC"]
    queries = {f"q{i}": Query([names[i % len(names)]]) for i in range(21)}
    one = run(lists_db, queries)
    monkeypatch.setattr(screening, "PARALLEL", 10)
    monkeypatch.setattr(screening, "SHARD", 4)
    two = run(lists_db, queries, workers=2)
    assert list(two.hits) == list(queries)
    assert {q: [h.to_dict() for h in hs] for q, hs in two.hits.items()} == \
        {q: [h.to_dict() for h in hs] for q, hs in one.hits.items()}
    assert two.bridges == one.bridges and two.warnings == one.warnings and one.hits["q0"]


def test_the_cycle_collector_is_paused_while_screening_and_restored(lists_db, monkeypatch):
    """Full collections walking the loaded indexes cost a batch 2.5 times its work: screening
    pauses the collector, and gives it back as it found it, also when screening fails."""
    import gc

    from chipwatch.screening.matcher import Matcher

    seen = []
    real = Matcher.match_many
    monkeypatch.setattr(Matcher, "match_many", lambda self, *a, **kw: seen.append(gc.isenabled()) or real(self, *a, **kw))
    assert gc.isenabled()
    run(lists_db, {"q": Query(["Baikal Electronics"])}, engine="memory")
    assert seen and not any(seen) and gc.isenabled()
    monkeypatch.setattr(Matcher, "match_many", lambda *a, **kw: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        run(lists_db, {"q": Query(["Baikal Electronics"])}, engine="memory")
    assert gc.isenabled()


def test_a_csv_whose_names_start_with_an_apostrophe_is_read_as_written():
    """The sniffer picks the delimiter only: names opening with an apostrophe ('ABD
    AL-RAHMAN …, name_bench's clan-nisbah rows) are no quotes (it took ' for the quote
    and refused the file)."""
    from chipwatch.screening.batch import parse_queries

    lines = (need_shared("data", "name_bench") / "cases.csv").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if "'ABD AL-RAHMAN KHALAF" in line) - 10
    got = parse_queries("\n".join([lines[0]] + lines[start:start + 11]) + "\n", "cases.csv", column="name1")
    assert len(got) == 11 and got["12"].names[0].startswith("'ABD AL-RAHMAN KHALAF 'UBAYD JUDAY'"), got
