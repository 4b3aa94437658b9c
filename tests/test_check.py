"""Consistency checks (analysis/check/): what they find in the bundled dataset, and, on small
synthetic stores, that each check fires when it should and stays quiet when it should not."""

import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest
from conftest import need_shared

from chipwatch.analysis.check import Finding, check
from chipwatch.model.records import Claim, Entity, Source
from chipwatch.store import Store
from chipwatch.store.write import SCHEMA, claim_tables, header_tables, insert

# -- the bundled dataset ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def findings(russia_db) -> list[Finding]:
    with Store(russia_db) as store:
        return check(store)


def of_kind(findings, kind, claim=None):
    return [f for f in findings if f.kind == kind and (claim is None or claim in f.claims)]


def one(findings, kind, claim):
    found = of_kind(findings, kind, claim)
    assert len(found) == 1, (kind, claim, [f.message for f in of_kind(findings, kind)])
    return found[0]


def test_findings_are_sorted_serialisable_and_plain(findings):
    order = {"error": 0, "warning": 1, "info": 2}
    keys = [(order[f.severity], f.kind) for f in findings]
    assert keys == sorted(keys)
    for f in findings:
        assert f.severity in order and f.claims and f.message.endswith(".")
        assert "\n" not in f.message
        d = f.to_dict()
        assert set(d) == {"kind", "severity", "message", "claims", "details", "msg", "code", "kind_label", "severity_label"}
        assert d["msg"] == d["message"] == str(f.msg)  # said in English unless a language is asked for
        json.dumps(d, ensure_ascii=False)  # JSON-ready, for `chipwatch check --json`


def test_purity_stated_two_ways_inside_one_claim(findings):
    f = one(findings, "internal_contradiction", "nitol-purity-6n")
    assert f.severity == "error"
    assert "“6N” (six nines)" in f.message and "“99.999999%” (eight nines)" in f.message
    assert {e["text"]: e["nines"] for e in f.details["expressions"]} == {"6N": 6.0, "99.999999%": 8.0}
    assert f.details["as_written"] == "6N 級（99.999999%）"
    assert any("99.999999%" in e["quote"] for e in f.details["evidence"])
    # the international 11N grade is stated one way only
    assert not of_kind(findings, "internal_contradiction", "silicon-international-mainstream-11n")


def test_footnote_3_speaks_of_argon_where_the_text_says_hydrogen(findings):
    f = one(findings, "footnote_disagrees", "norilsk-nickel-extracts-hydrogen")
    assert f.severity == "warning"
    assert f.details["source"] == "fn03-nornickel-2023-argon" and f.details["footnote"] == 3
    assert f.message.startswith("Footnote 3's title names argon (“аргона”)")
    assert "hydrogen" in f.message and "氫" in f.message
    assert set(f.claims) == {
        "norilsk-nickel-extracts-hydrogen", "norilsk-nickel-hangyang-hydrogen-refinery-2023",
        "norilsk-nickel-hanyang-argon-per-footnote-3", "norilsk-nickel-plans-hydrogen-supply-mikron-2025q1",
        "norilsk-nickel-plans-hydrogen-supply-russian-chipmakers-2025q1", "nornickel-hydrogen-refinery-produces-hydrogen"}
    assert f.details["disputed_claims"] == ["norilsk-nickel-hanyang-argon-per-footnote-3"]
    # the same footnote on Nornickel as a nickel producer is no disagreement: nickel is no gas
    assert not of_kind(findings, "footnote_disagrees", "norilsk-nickel-produces-nickel")


def test_footnote_17_places_the_fab_in_the_urals_where_the_text_says_irkutsk(findings):
    f = one(findings, "footnote_disagrees", "irkutsk-sic-fab-located-in-irkutsk-oblast")
    assert f.details["source"] == "fn17-tass-2023-sic"
    assert "Urals (“Урале”)" in f.message
    assert "Irkutsk Oblast" in f.message and "伊爾庫茨克州" in f.message and "西伯利亞" in f.message
    assert {"cetc-ruselectronics-sic-fab-agreement-2023", "irkutsk-sic-fab-located-in-urals-per-footnote-17"} <= set(f.claims)
    # footnote 2's Петербург is the text's 聖彼得堡: no disagreement
    assert not [f for f in of_kind(findings, "footnote_disagrees") if f.details["source"] == "fn02-tass-2023-neon"]
    assert len(of_kind(findings, "footnote_disagrees")) == 2


def test_footnote_titles_misspell_nitol_and_hangyang(findings):
    nitel = one(findings, "name_variant", "gcl-cooperates-with-nitol-silicon-purity")
    assert nitel.details["source"] == "fn12-reuters-2022-nitol" and nitel.details["entity"] == "nitol"
    assert "“Nitel”" in nitel.message and "Nitol" in nitel.message and "尼托爾" in nitel.message
    assert nitel.details["edit_distance"] == 1 and nitel.details["recorded_as_alias"] == ["Nitel Group"]
    hanyang = one(findings, "name_variant", "norilsk-nickel-hangyang-hydrogen-refinery-2023")
    assert hanyang.details["source"] == "fn03-nornickel-2023-argon" and hanyang.details["entity"] == "hangyang"
    assert "“Hanyang”" in hanyang.message and "Hangyang" in hanyang.message and "杭氧集團" in hanyang.message
    assert len(of_kind(findings, "name_variant")) == 2


def test_conflicting_locations_and_items_side_by_side(findings):
    f = one(findings, "conflicting_values", "irkutsk-sic-fab-located-in-urals-per-footnote-17")
    assert f.claims == ["irkutsk-sic-fab-located-in-irkutsk-oblast", "irkutsk-sic-fab-located-in-urals-per-footnote-17"]
    assert f.severity == "warning" and f.details["disputed"] == ["irkutsk-sic-fab-located-in-urals-per-footnote-17"]
    assert "Irkutsk Oblast (" in f.message and "versus Urals (" in f.message and "footnote 17" in f.message
    left, right = f.details["sides"]
    assert (left["object"], right["object"]) == ("Irkutsk Oblast", "Urals")
    assert any(e["source"] == "cier-2025-yang" and "伊爾庫茨克州" in e["quote"] for e in left["evidence"])
    assert any(e["source"] == "fn17-tass-2023-sic" and "Урале" in e["quote"] for e in right["evidence"])

    f = one(findings, "conflicting_values", "norilsk-nickel-hanyang-argon-per-footnote-3")
    assert f.claims == ["norilsk-nickel-hangyang-hydrogen-refinery-2023", "norilsk-nickel-hanyang-argon-per-footnote-3"]
    assert f.details["field"] == "item" and "hydrogen (" in f.message and "versus argon (" in f.message
    # and Mikron's Western sanctions "since 2014", disputed by the OFAC SDN snapshots
    f = one(findings, "conflicting_values", "mikron-sanctioned-by-west-2014")
    assert f.details["disputed"] == ["mikron-sanctioned-by-west-2014"]
    assert len(of_kind(findings, "conflicting_values")) == 3


def test_mikron_nodes_agree_with_its_process_range(russia_db, findings):
    """What the data holds: Mikron runs 250-65 nm, reached 65 nm and makes Baikal-M at 65 nm
    (inside the range); 40 nm and 28 nm (2030) are plans, not set against the range."""
    with Store(russia_db) as store:
        mikron = store.claims(subject="mikron")
        nodes = {r.id: (r.predicate, r.status) for r in mikron.itertuples() if r.predicate in ("process_range", "process_node")}
    assert nodes == {"mikron-process-range-250-65nm": ("process_range", "fact"),
                     "mikron-process-node-65nm": ("process_node", "fact"),
                     "mikron-plans-40nm": ("process_node", "planned"),
                     "mikron-plans-28nm-2030": ("process_node", "planned")}
    assert not [f for f in of_kind(findings, "conflicting_values") if any(c in nodes for c in f.claims)]


def test_numbers_found_through_equivalences_and_dates_from_context(findings):
    numbers = of_kind(findings, "number_not_in_quote")
    # every figure is in its quotes (5 千 = 5000, 2.5 億 = 250000000, 503 億, 第二大 = 2, 最大 = 1,
    # 2024年底 = 2024-12); what is missing is only dates taken from the surrounding text
    assert {f.severity for f in numbers} == {"info"}
    assert all(m["field"] in ("valid_from", "valid_to") for f in numbers for m in f.details["missing"])
    f = one(findings, "number_not_in_quote", "tsmc-fabricates-baikal-m")
    assert f.details["missing"] == [{"field": "valid_to", "value": "2022"}] and "2022 (valid_to)" in f.message
    for claim in ("mikron-capacity-5000-wafers-month", "smee-develops-90nm-lithography", "russia-ict-market-2022-idc",
                  "rusal-world-second-largest-aluminium", "spfs-member-countries-2024", "mikron-sanctioned-by-ofac",
                  "soviet-union-develops-microelectronics-1960s"):
        assert not of_kind(findings, "number_not_in_quote", claim), claim


def test_every_error_on_the_bundled_dataset_is_a_true_inconsistency(findings):
    """Each error was read: the article prints 6N with eight nines. Nothing else is an error."""
    assert [(f.kind, f.claims) for f in findings if f.severity == "error"] == [
        ("internal_contradiction", ["nitol-purity-6n"])]
    assert not of_kind(findings, "dangling_reference")


def test_the_bundled_dataset_gives_exactly_these_findings(findings):
    """Every error and warning on the bundled dataset, read and true; the info findings are
    dates taken from the text around a quote. A new one here is a false alarm or a new slip."""
    assert [(f.kind, f.claims[:2]) for f in findings if f.severity != "info"] == [
        ("internal_contradiction", ["nitol-purity-6n"]),
        ("conflicting_values", ["irkutsk-sic-fab-located-in-irkutsk-oblast", "irkutsk-sic-fab-located-in-urals-per-footnote-17"]),
        ("conflicting_values", ["mikron-sanctioned-by-ofac", "mikron-sanctioned-by-west-2014"]),  # 2014 against the SDN
        ("conflicting_values", ["norilsk-nickel-hangyang-hydrogen-refinery-2023", "norilsk-nickel-hanyang-argon-per-footnote-3"]),
        ("footnote_disagrees", ["cetc-ruselectronics-sic-fab-agreement-2023", "irkutsk-oblast-located-in-siberia"]),
        ("footnote_disagrees", ["norilsk-nickel-extracts-hydrogen", "norilsk-nickel-hangyang-hydrogen-refinery-2023"]),
        ("garbled_text", ["alrosa-trial-extracts-uranium"]),  # 鈾、鈾
        ("garbled_text", ["norilsk-nickel-extracts-garbled-element-series", "norilsk-nickel-extracts-uranium"]),  # 鑛系元素
        ("name_variant", ["gcl-cooperates-with-nitol-silicon-purity", "gcl-supplies-modified-siemens-process-to-nitol"]),
        ("name_variant", ["norilsk-nickel-hangyang-hydrogen-refinery-2023", "norilsk-nickel-hanyang-argon-per-footnote-3"]),
        ("spelling_variant", ["naura-supplies-deposition-equipment-to-angstrom-t", "naura-supplies-deposition-equipment-to-mikron"]),
        ("title_url_mismatch", ["baikal-electronics-90nm-lithography-for-russian-market",
                                "baikal-electronics-90nm-lithography-mass-production-2025"]),
        ("wrong_class", ["vsmpo-avisma-produces-niobium", "vsmpo-avisma-produces-titanium"]),
    ]
    assert {f.kind for f in findings if f.severity == "info"} == {"number_not_in_quote"}


def test_the_articles_own_slips_in_words(findings):
    by_kind = {f.kind: f for f in findings}
    assert "安斯特雷姆-T" in by_kind["spelling_variant"].message and "安斯特朗姆-T" in by_kind["spelling_variant"].message
    assert "titanium (鈦) and niobium (鈮)" in by_kind["wrong_class"].message
    assert "“collaboration”" in by_kind["title_url_mismatch"].message and "“collusion”" in by_kind["title_url_mismatch"].message
    garbled = " ".join(f.message for f in of_kind(findings, "garbled_text"))
    assert "鈾、鈾" in garbled and "鑛系元素" in garbled
    # and in Chinese, the article's words as printed
    assert by_kind["spelling_variant"].msg.text("zh-TW") == (
        "文章對安斯特雷姆-T的寫法前後不一：「安斯特雷姆-T」與「安斯特朗姆-T」（相差 1 個字），實為同一名稱的兩種寫法。")
    assert "文章將鈦和鈮歸入稀土元素（原文作「稀土」），但它們都不屬於此類" in by_kind["wrong_class"].msg.text("zh-TW")
    assert {f.msg.text("zh-TW") for f in of_kind(findings, "garbled_text")} >= {
        "原文疑有誤植：同一品項連續出現兩次（「鈾、鈾」）；引文依原文照錄。"}


def test_a_founding_year_against_the_list_entry(lists_db):
    """米克朗成立於 1964 年; the OFAC entry linked by ent_num says established 13 Jan 1994."""
    with Store(lists_db) as store:
        found = of_kind(check(store), "founding_date_differs")
    assert [(f.claims, f.details["article_year"], f.details["list_year"]) for f in found] == [
        (["mikron-founded-1964"], "1964", "1994")]


def test_no_false_alarms_on_english_words_and_csv_numbers(russia_db, tmp_path):
    """After `import eto`: "sales" was read as a near miss of "States", "were" of "Wire",
    and a share of 100 was not found in the row "N130,100.0"."""
    from conftest import run_cli

    db = tmp_path / "eto.duckdb"
    shutil.copy(russia_db, db)
    assert run_cli("import", "eto", str(need_shared("data", "eto")), db=db).code == 0
    with Store(db) as store:
        found = check(store, "warning")
    surfaces = {f.details.get("as_written") for f in of_kind(found, "name_variant")}
    assert not surfaces & {"sales", "were"}, surfaces
    assert not [f for f in of_kind(found, "number_not_in_quote") if f.claims[0].startswith("eto-")]


@pytest.fixture(scope="module")
def both_findings(reference_db) -> list[Finding]:
    """The store `make run` builds: the Russia dataset with the reference dataset."""
    with Store(reference_db) as store:
        return check(store)


def test_the_reference_dataset_adds_its_disputed_node_years_and_no_false_alarm(findings, both_findings):
    added = [(f.kind, f.severity, f.claims) for f in both_findings if f.to_dict() not in [g.to_dict() for g in findings]]
    assert added == [
        ("conflicting_values", "warning", ["node-28nm-first-volume-tsmc-2011", "node-28nm-first-volume-2010-wikipedia"]),
        ("conflicting_values", "warning", ["node-65nm-first-volume-intel-2005", "node-65nm-first-volume-2006-informationweek"]),
        ("conflicting_values", "warning", ["node-90nm-first-volume-intel-2003", "node-90nm-first-volume-2002-informationweek"])]
    # the 11N quote also holds Nitol's "6N 級（99.999999%）": that is the Nitol claim's business;
    # a node of 250 nm is found as "0.25 micron", 130 nm as "0.13µ", 28 nm in the page title
    assert [f.claims for f in both_findings if f.severity == "error"] == [["nitol-purity-6n"]]


def test_dangling_references_in_a_damaged_copy(russia_db, tmp_path):
    damaged = tmp_path / "damaged.duckdb"
    shutil.copy(russia_db, damaged)
    con = duckdb.connect(str(damaged))
    con.execute("""INSERT INTO claims (id, subject, predicate, object, qualifiers, status)
                   VALUES ('ghost-claim', 'ghost', 'supplies', 'mikron', '{"item": "unobtainium"}', 'fact')""")
    con.execute("""INSERT INTO evidence VALUES ('ghost-claim', 0, 'nowhere', 'p. 1', 'a quote', NULL),
                                                ('no-such-claim', 0, 'cier-2025-yang', 'p. 1', 'a quote', NULL)""")
    con.close()
    with Store(damaged) as store:
        found = [f for f in check(store) if f.kind == "dangling_reference"]
    assert {f.severity for f in found} == {"error"}
    got = {(f.details["table"], f.details["field"], f.details["value"]) for f in found}
    assert got == {("claims", "subject", "ghost"), ("claims", "qualifiers.item", "unobtainium"),
                   ("evidence", "source", "nowhere"), ("evidence", "claim_id", "no-such-claim")}
    assert any("'ghost', which is not an entity" in f.message for f in found)


# -- small synthetic stores ------------------------------------------------------------------

ARTICLE = {"id": "art", "title": "文章", "author": "作者", "date": "2025", "language": "zh-Hant", "kind": "article"}
NOTE = {"id": "fn1", "title": "(title)", "date": "2023", "language": "ru", "kind": "news",
        "cited_in": {"source": "art", "footnote": 1}}
LIST = {"id": "list", "title": "A list snapshot", "publisher": "OFAC", "date": "2022-04-01", "language": "en", "kind": "list"}
ENTITIES = [
    {"id": "acme", "type": "company", "names": {"en": "Nitol Group", "zh-Hant": "尼托爾", "ru": "Нитол"}},
    {"id": "mikron", "type": "company", "names": {"en": "Mikron", "zh-Hant": "米克朗"}},
    {"id": "fab", "type": "facility", "names": {"en": "Joint fab", "zh-Hant": "合資晶圓廠"}},
    {"id": "irkutsk", "type": "place", "names": {"en": "Irkutsk Oblast", "zh-Hant": "伊爾庫茨克州", "ru": "Иркутская область"}},
    {"id": "siberia", "type": "place", "names": {"en": "Siberia", "zh-Hant": "西伯利亞", "ru": "Сибирь"}},
    {"id": "urals", "type": "place", "names": {"en": "Urals", "zh-Hant": "烏拉爾", "ru": "Урал"}},
    {"id": "hydrogen", "type": "material", "names": {"en": "hydrogen", "zh-Hant": "氫氣", "ru": "водород"}},
    {"id": "argon", "type": "material", "names": {"en": "argon", "zh-Hant": "氬氣", "ru": "аргон"}},
    {"id": "nickel", "type": "material", "names": {"en": "nickel", "zh-Hant": "鎳", "ru": "никель"}},
    {"id": "silicon", "type": "material", "names": {"en": "silicon", "zh-Hant": "矽材"}},
]


def ev(quote, source="art"):
    return {"source": source, "locator": "¶1", "quote": quote}


def claim(id, subject, predicate, quotes, **kw):  # noqa: A002
    return {"id": id, "subject": subject, "predicate": predicate, "evidence": [ev(*q) if isinstance(q, tuple) else ev(q)
                                                                              for q in quotes], **kw}


def make_store(path: Path, claims: list[dict], entities=ENTITIES, sources=(ARTICLE, NOTE, LIST)) -> Path:
    """A store built with the real table writers from records (quotes are not checked here)."""
    ds = SimpleNamespace(name="t", sources=[Source(**s) for s in sources], entities=[Entity(**e) for e in entities])
    con = duckdb.connect(str(path))
    con.execute(SCHEMA.read_text(encoding="utf-8"))
    insert(con, header_tables(ds))
    insert(con, claim_tables([Claim(**c) for c in claims], "test", "t"))
    con.close()
    return path


def run(tmp_path, claims, **kw) -> list[Finding]:
    with Store(make_store(tmp_path / "t.duckdb", claims, **kw)) as store:
        return check(store)


def kinds(found):
    return [(f.kind, f.severity, f.claims) for f in found]


@pytest.mark.parametrize(("as_written", "fires"), [("6N 級（99.999999%）", True), ("6N 級（99.9999%）", False),
                                                   ("6N", False)])
def test_internal_contradiction_fires_only_on_disagreeing_grades(tmp_path, as_written, fires):
    c = claim("p", "acme", "purity", [f"能生產 {as_written} 純度的矽材，約 70% 供應"], object="silicon",
              value="6N", as_written=as_written)
    found = of_kind(run(tmp_path, [c]), "internal_contradiction")
    assert bool(found) == fires
    if fires:
        assert found[0].severity == "error" and "eight nines" in found[0].message


@pytest.mark.parametrize(("title", "fires"), [
    ("Соглашение о производстве на Урале", True),             # another region
    ("Соглашение о производстве в Иркутской области", False),  # the same, inflected
    ("Соглашение о производстве в Сибири", False),             # Irkutsk Oblast lies in Siberia
])
def test_footnote_places(tmp_path, title, fires):
    quote = "在伊爾庫茨克州建立合資晶圓廠"
    claims = [claim("loc", "fab", "located_in", [quote, (title, "fn1")], object="irkutsk"),
              claim("in", "irkutsk", "located_in", ["伊爾庫茨克州位於西伯利亞"], object="siberia")]
    found = of_kind(run(tmp_path, claims), "footnote_disagrees")
    assert bool(found) == fires
    if fires:
        assert found[0].claims == ["loc"] and "Urals (“Урале”)" in found[0].message and "伊爾庫茨克州" in found[0].message


@pytest.mark.parametrize(("title", "obj", "fires"), [
    ("Nitol will produce high-purity argon", "hydrogen", True),
    ("Nitol will produce high-purity hydrogen", "hydrogen", False),
    ("Nitol will produce high-purity argon", "nickel", False),  # nickel is no gas: no contrast
])
def test_footnote_gases(tmp_path, title, obj, fires):
    c = claim("g", "acme", "produces", ["尼托爾在鎳的冶煉過程中提取氫氣", (title, "fn1")], object=obj)
    found = of_kind(run(tmp_path, [c]), "footnote_disagrees")
    assert bool(found) == fires
    if fires:
        assert "argon (“argon”)" in found[0].message and "hydrogen (“氫氣”)" in found[0].message


@pytest.mark.parametrize(("title", "fires"), [("Russia's Nitel Group teams up", True),
                                              ("Russia's Nitol Group teams up", False),
                                              ("Russia's Nitol Groups team up", False),  # a generic word
                                              ("Russia's Mikron teams up", False)])
def test_name_variant(tmp_path, title, fires):
    c = claim("v", "acme", "produces", ["尼托爾生產矽材", (title, "fn1")], object="silicon")
    found = of_kind(run(tmp_path, [c]), "name_variant")
    assert bool(found) == fires
    if fires:
        assert "“Nitel”" in found[0].message and "“Nitol”" in found[0].message and found[0].severity == "warning"


def located(id, obj, status="fact", **kw):  # noqa: A002
    return claim(id, "fab", "located_in", ["合資晶圓廠"], object=obj, status=status, **kw)


@pytest.mark.parametrize(("claims", "expected"), [
    ([located("a", "irkutsk"), located("b", "urals")], [("conflicting_values", "error", ["a", "b"])]),
    ([located("a", "irkutsk"), located("b", "urals", "disputed")], [("conflicting_values", "warning", ["a", "b"])]),
    ([located("a", "irkutsk"), located("b", "siberia"),
      claim("c", "irkutsk", "located_in", ["伊爾庫茨克州位於西伯利亞"], object="siberia")], []),      # one inside the other
    ([located("a", "irkutsk", valid_to="2020"), located("b", "urals", valid_from="2021")], []),  # moved
    ([located("a", "irkutsk"), located("b", "urals", "planned")], []),                          # a plan
])
def test_conflicting_locations(tmp_path, claims, expected):
    assert kinds(of_kind(run(tmp_path, claims), "conflicting_values")) == expected


def test_conflicting_values_and_node_range(tmp_path):
    claims = [
        claim("f1", "mikron", "founded", ["米克朗成立於 1964 年"], value="1964"),
        claim("f2", "mikron", "founded", ["米克朗成立於 1965 年"], value="1965"),
        claim("r", "mikron", "process_range", ["製程涵蓋 250-65 奈米"], value={"min": 65, "max": 250}, unit="nm"),
        claim("n1", "mikron", "process_node", ["推進至 65 奈米"], value=65, unit="nm"),
        claim("n2", "mikron", "process_node", ["推進至 40 奈米"], value=40, unit="nm"),
        claim("n3", "mikron", "process_node", ["計畫朝 28 奈米"], value=28, unit="nm", status="planned"),
        claim("s1", "acme", "market_share", ["約 70%"], object="silicon", value=70, approx=True),
        claim("s2", "acme", "market_share", ["約 72%"], object="silicon", value=72, approx=True),  # within 10 %
    ]
    found = of_kind(run(tmp_path, claims), "conflicting_values")
    assert kinds(found) == [("conflicting_values", "error", ["f1", "f2"]), ("conflicting_values", "warning", ["n2", "r"])]
    assert "1964" in found[0].message and "1965" in found[0].message
    assert "40 nm node" in found[1].message and "65–250 nm" in found[1].message
    assert found[1].msg.text("zh-TW").startswith("據稱米克朗採用 40 奈米製程（陳述 n2，出自作者（2025 年））")
    assert "超出其 65–250 奈米的製程範圍" in found[1].msg.text("zh-TW")


def test_disputed_claim_beside_the_claim_it_disputes(tmp_path):
    claims = [claim("h", "acme", "cooperates_with", ["尼托爾與米克朗合作提取氫氣"], object="mikron", qualifiers={"item": "hydrogen"}),
              claim("a", "acme", "cooperates_with", ["尼托爾與米克朗合作提取氫氣"], object="mikron", qualifiers={"item": "argon"},
                    status="disputed"),
              claim("x", "acme", "cooperates_with", ["other"], object="fab", qualifiers={"item": "nickel"}),
              # another source, which names no market: the missing object is no difference
              claim("y1", "mikron", "market_rank", ["米克朗為俄羅斯最大的晶片製造商"], object="silicon", value=1),
              claim("y2", "mikron", "market_rank", [("the second largest", "list")], value=2, status="disputed")]
    found = of_kind(run(tmp_path, claims), "conflicting_values")
    assert kinds(found) == [("conflicting_values", "warning", ["h", "a"]), ("conflicting_values", "warning", ["y1", "y2"])]
    assert found[0].details["field"] == "item" and "hydrogen (" in found[0].message and "versus argon (" in found[0].message
    assert "1 (" in found[1].message and "versus 2 (disputed" in found[1].message


def test_a_disputed_claim_is_set_against_the_claim_its_note_names(tmp_path):
    claims = [claim("t", "mikron", "supplies", ["米克朗供應"], object="acme", qualifiers={"item": "silicon"}),
              claim("u", "mikron", "supplies", ["米克朗供應"], object="acme", qualifiers={"item": "nickel"}),
              claim("d", "mikron", "supplies", [("supplies argon", "fn1")], object="acme", qualifiers={"item": "argon"},
                    status="disputed", note="the footnote says argon; see t")]
    found = of_kind(run(tmp_path, claims), "conflicting_values")
    assert kinds(found) == [("conflicting_values", "warning", ["t", "d"])]
    # without the note, two claims differ from it in one respect each, no source shared: no pair
    claims[2] = {**claims[2], "note": None}
    (tmp_path / "t.duckdb").unlink()
    assert not of_kind(run(tmp_path, claims), "conflicting_values")


@pytest.mark.parametrize(("kw", "quotes", "expected"), [
    ({"value": 5000, "unit": "wafer_200mm/month"}, ["月產能大約為 5 千片 8 英寸晶圓片"], []),
    ({"value": 6000, "unit": "wafer_200mm/month"}, ["月產能大約為 5 千片 8 英寸晶圓片"], [("warning", "value", "6000")]),
    ({"value": 5000, "unit": "wafer_200mm/month", "qualifiers": {"wafer_inch": 12}}, ["月產能大約為 5 千片 8 英寸晶圓片"],
     [("warning", "wafer_inch", "12")]),
    ({"value": 5000, "unit": "wafer_200mm/month", "valid_from": "2021"}, ["月產能大約為 5 千片 8 英寸晶圓片"],
     [("info", "valid_from", "2021")]),
    ({"value": 5000, "unit": "wafer_200mm/month", "valid_from": "2021-07"}, ["2021 年 7 月，月產能 5 千片"], []),
    ({"value": 5000, "unit": "wafer_200mm/month", "valid_from": "2021-08"}, ["2021 年 7 月，月產能 5 千片"],
     [("info", "valid_from", "2021-08")]),
    ({"value": 5000, "unit": "wafer_200mm/month", "as_written": "5 千片 8 英寸晶圓片/月"}, ["月產能約 5000 片"], []),
])
def test_numbers_not_in_quote(tmp_path, kw, quotes, expected):
    found = of_kind(run(tmp_path, [claim("cap", "mikron", "capacity", quotes, **kw)]), "number_not_in_quote")
    assert [(f.severity, m["field"], m["value"]) for f in found for m in f.details["missing"]] == expected


def test_dates_witnessed_by_a_list_snapshot(tmp_path):
    claims = [claim("s", "mikron", "founded", [("35936,\"JOINT STOCK COMPANY MIKRON\"", "list")], value="1964"),
              claim("t", "mikron", "member_of", [("35936,\"JOINT STOCK COMPANY MIKRON\"", "list")], object="mikron",
                    valid_from="2022")]
    found = of_kind(run(tmp_path, claims), "number_not_in_quote")
    assert kinds(found) == [("number_not_in_quote", "warning", ["s"])]  # 2022 is the snapshot's year


def test_dangling_references_in_a_synthetic_store(tmp_path):
    db = make_store(tmp_path / "t.duckdb", [claim("ok", "mikron", "fabricates", ["米克朗"], object="fab")])
    with Store(db) as store:
        assert not of_kind(check(store), "dangling_reference")
    con = duckdb.connect(str(db))
    con.execute("UPDATE claims SET object = 'nowhere-fab'")
    con.execute("INSERT INTO names VALUES ('ghost', 'Ghost', 'en', 'name', 'ghost')")
    con.close()
    with Store(db) as store:
        found = of_kind(check(store), "dangling_reference")
    assert {(f.details["table"], f.details["value"]) for f in found} == {("claims", "nowhere-fab"), ("names", "ghost")}
    assert {f.msg.text("zh-TW") for f in found} == {"陳述 ok 所指的「nowhere-fab」不是資料庫中的實體。",
                                                    "名稱「Ghost」屬於「ghost」，但資料庫中沒有這個實體。"}


@pytest.mark.parametrize(("quote", "fires"), [("其生產鈦、鈮等稀土金屬", True), ("其生產鑭、鈰等稀土金屬", False),
                                              ("其生產鈦金屬", False)])
def test_wrong_class(tmp_path, quote, fires):
    found = of_kind(run(tmp_path, [claim("c1", "acme", "produces", [quote], object="nickel")]), "wrong_class")
    assert bool(found) == fires


@pytest.mark.parametrize(("quote", "fires"), [("提取鈾、鈾等礦產", True), ("提取鈾、釷等礦產", False),
                                              ("開採鑛系元素（包括鑛、鈾）", True), ("開採鑭系元素", False)])
def test_garbled_text(tmp_path, quote, fires):
    found = of_kind(run(tmp_path, [claim("c1", "acme", "produces", [quote], object="nickel")]), "garbled_text")
    assert bool(found) == fires


@pytest.mark.parametrize(("url", "fires"), [("https://x.org/analysis/nitol-group-collusion", True),
                                            ("https://x.org/analysis/nitol-group-collaborations", False),
                                            ("https://x.org/r/nitol-circumvent", False)])
def test_title_url_mismatch(tmp_path, url, fires):
    note = {**NOTE, "title": "Nitol Group Collaboration", "language": "en", "url": url}
    found = run(tmp_path, [claim("c1", "acme", "produces", ["尼托爾", ("Nitol Group Collaboration", "fn1")], object="silicon")],
                sources=(ARTICLE, note, LIST))
    assert bool(of_kind(found, "title_url_mismatch")) == fires


@pytest.mark.parametrize(("alias", "fires"), [("尼托拉", True), ("尼托爾", False), ("俄托拉", False)])
def test_spelling_variant(tmp_path, alias, fires):
    ents = [{**e, "aliases": [alias]} if e["id"] == "acme" else e for e in ENTITIES]
    found = run(tmp_path, [claim("c1", "acme", "produces", [f"{alias}生產矽材"], object="silicon")], entities=ents)
    assert bool(of_kind(found, "spelling_variant")) == fires


def test_check_and_review_agree_on_which_sources_disagree(tmp_path):
    """`check` reports the disagreements `review conflicts` and `show` put side by side, and
    no more: 2,222.22 wafers (300 mm) a month is the 5,000 wafers (200 mm) of another note."""
    from conftest import run_cli

    from chipwatch.dataset import load_dataset
    from chipwatch.review.conflicts import all_disagreements

    folder = Path(__file__).parent / "data" / "disagree"
    db = tmp_path / "disagree.duckdb"
    assert run_cli("build", str(folder), db=db).code == 0
    with Store(db) as s:
        found = check(s)
    pairs = {frozenset(f.claims) for f in found if f.kind == "conflicting_values"}
    expected = {frozenset((d.new.id, d.old.id)) for d in all_disagreements(load_dataset(folder, claims=True).claims)}
    assert pairs == expected and len(expected) == 3
    assert frozenset(("fab-x-capacity-5000", "fab-x-capacity-2222-in-300mm")) not in pairs
