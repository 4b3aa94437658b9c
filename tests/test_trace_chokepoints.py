"""Dependency tracing and chokepoints on the bundled dataset."""

import json

import pytest
from conftest import run_cli

from chipwatch.analysis.chokepoints import chokepoints
from chipwatch.analysis.trace import trace


def fabs(t):
    return {(s["subject"], s["qualifiers"].get("node_nm"), s["status"]) for s in t["fabrication"]}


def test_trace_shows_what_the_2022_sanctions_changed(cw):
    before, after = trace(cw.store, "baikal-m", "2021"), trace(cw.store, "baikal-m", "2024")
    assert fabs(before) == {("tsmc", 28, "fact")}
    assert fabs(after) == {("mikron", 65, "fact"), ("smic", 40, "speculated")}
    assert [s["subject"] for s in after["design"]] == ["baikal-electronics"]
    needs = {(s["subject"], s.get("item")) for s in after["equipment_and_materials"]}
    assert ("naura", "etch-equipment") in needs  # Mikron's equipment, speculated
    assert all(s["claim"] and s["status"] for part in ("design", "fabrication", "equipment_and_materials", "channels")
               for s in after[part])
    assert {"KZ", "TR"} <= set(after["countries"]) and "KZ" not in before["countries"]


def test_trace_elbrus_16s(cw):
    t21, t24 = trace(cw.store, "elbrus-16s", "2021"), trace(cw.store, "elbrus-16s", "2024")
    assert fabs(t21) == {("tsmc", 28, "fact")}
    assert fabs(t24) == {("smic", 40, "speculated")}


def test_cli_trace(russia_db):
    r = run_cli("trace", "Elbrus-16S", "--as-of", "2024", db=russia_db)
    assert r.code == 0 and "SMIC at 40 nm" in r.out and "speculated" in r.out, r
    r = run_cli("trace", "Baikal-M", "--as-of", "2021", "--json", db=russia_db)
    assert json.loads(r.out)["fabrication"][0]["subject"] == "tsmc"


@pytest.fixture(scope="module")
def findings(cw):
    return chokepoints(cw.store, as_of="2024")


def test_chokepoints_are_ranked_and_explained(findings):
    assert [f.rank for f in findings] == list(range(1, len(findings) + 1))
    assert all(findings[i].score >= findings[i + 1].score for i in range(len(findings) - 1))
    for f in findings:
        assert f.sentence.endswith(".") and f.claims and "×" in f.reason


def test_single_sources_from_the_article(findings):
    single = {(f.details.get("consumer"), f.details.get("provider")): f for f in findings if f.kind == "single_source"}
    assert ("elbrus-16s", "smic") in single  # after TSMC, only the speculated SMIC route is known
    assert "speculated" in single[("elbrus-16s", "smic")].sentence
    assert ("monocrystal", "longi") in single  # 原料高度依賴中國大陸的隆基綠能供應
    assert ("baikal-m", "mikron") not in single  # Mikron and (speculated) SMIC both make it


def test_foreign_dependency_by_country(findings):
    foreign = {f.subject: f for f in findings if f.kind == "foreign_dependency"}
    assert "CN" in foreign and foreign["CN"].details["relations"] > foreign.get("US", foreign["CN"]).details["relations"] - 1
    assert "naura" in " ".join(foreign["CN"].claims) or "NAURA" in foreign["CN"].sentence


def test_as_of_changes_the_findings(cw):
    f21 = chokepoints(cw.store, as_of="2021")
    single21 = {(f.details.get("consumer"), f.details.get("provider")) for f in f21 if f.kind == "single_source"}
    assert ("elbrus-16s", "tsmc") in single21 and ("elbrus-16s", "smic") not in single21


def test_cli_chokepoints_json(russia_db):
    r = run_cli("chokepoints", "--as-of", "2024", "--json", db=russia_db)
    items = json.loads(r.out)
    assert items[0]["rank"] == 1 and {"kind", "sentence", "score", "reason", "claims"} <= set(items[0])
    r = run_cli("chokepoints", "--top", "5", db=russia_db)
    assert r.code == 0 and "concentration × certainty × reach × relevance" in r.out


def test_cli_check(russia_db):
    r = run_cli("check", "--json", db=russia_db)
    findings = json.loads(r.out)
    assert findings[0]["severity"] == "error" and "nitol-purity-6n" in findings[0]["claims"]
    r = run_cli("check", "--severity", "warning", db=russia_db)
    assert r.code == 0 and "Hanyang" in r.out and "info(s)" in r.out
    assert run_cli("check", "--severity", "loud", db=russia_db).code == 1


@pytest.fixture(scope="module")
def eto_db(russia_db, tmp_path_factory):
    """The bundled store with the CSET ETO data imported."""
    import shutil

    from conftest import need_shared

    db = tmp_path_factory.mktemp("eto") / "store.duckdb"
    shutil.copyfile(russia_db, db)
    r = run_cli("import", "eto", str(need_shared("data", "eto")), db=db)
    assert r.code == 0, r
    return db


@pytest.fixture(scope="module")
def eto_findings(eto_db):
    import chipwatch

    with chipwatch.open(eto_db) as cw:
        return chokepoints(cw.store, as_of="2024")


def test_chokepoint_findings_are_true_statements(findings, eto_findings):
    """No 'one company holds 100% — Various companies', no dissolved state as a current
    dependency, and a customer (Government of Russia) is demand, not a single source."""
    for f in findings + eto_findings:
        assert "Various" not in f.sentence, f.sentence
        assert "Soviet Union" not in f.sentence, f.sentence
        assert "Government of Russia" not in f.sentence, f.sentence
        assert not {"eto-various-companies", "eto-various-countries", "soviet-union", "russian-government"} & set(
            str(v) for v in f.details.values()), f.sentence


def test_article_chokepoints_outrank_world_market_facts(eto_findings):
    """Generic ETO categories once outranked the article's own chokepoints; relevance to the
    home country is now a factor of the score, spelled out in the reason."""
    top = eto_findings[:10]
    assert not any(f.claims[0].startswith("eto-") for f in top[:3])
    monocrystal = next(f for f in eto_findings if f.details.get("consumer") == "monocrystal")
    photomasks = next(f for f in eto_findings if f.subject == "eto-photomasks")
    assert monocrystal.rank < photomasks.rank
    assert "× relevance 0.50" in photomasks.reason and "× relevance 1.00" in monocrystal.reason
    assert photomasks.score == pytest.approx(float(photomasks.reason.rsplit("= ", 1)[1]), abs=1e-3)


def test_world_market_findings_in_chinese(eto_findings):
    """ETO's markets in Traditional Chinese: the product names are ETO's (English), the words around them not."""
    from test_analysis_i18n import english_runs

    assert {f.kind for f in eto_findings} == {"single_source", "concentration", "foreign_dependency", "centrality"}
    for f in eto_findings:
        assert english_runs(f.msg) == [] and english_runs(f.reason_msg) == [], f.msg.text("zh-TW")
    masks = next(f for f in eto_findings if f.kind == "concentration" and f.subject == "eto-photomasks")
    assert masks.msg.text("zh-TW").startswith("Photomasks的供應高度集中於少數國家（全球市場，ETO 資料，")
    assert "（日本 " in masks.msg.text("zh-TW") and "HHI " in masks.msg.text("zh-TW")
    assert "(global market (ETO), " in masks.sentence


def test_select_pages_filters_and_sorts(eto_findings):
    from chipwatch.analysis.chokepoints import select
    from chipwatch.errors import ChipwatchError

    page, total = select(eto_findings, kind="concentration", offset=2, limit=3)
    every = [f for f in eto_findings if f.kind == "concentration"]
    assert total == len(every) and page == every[2:5]
    hits, n = select(eto_findings, q="monocrystal")
    assert n == len(hits) >= 1 and all("monocrystal" in f.sentence.lower() for f in hits)
    by_subject, _ = select(eto_findings, sort="subject", limit=50)
    assert [f.subject for f in by_subject] == sorted(f.subject for f in by_subject)
    with pytest.raises(ChipwatchError, match="use one of single_source"):
        select(eto_findings, kind="nonsense")


def test_cli_chokepoints_pages(eto_db):
    r = run_cli("chokepoints", "--kind", "concentration", "--top", "3", "--offset", "3", db=eto_db)
    assert r.code == 0 and "findings 4–6 of" in r.out and "relevance" in r.out, r
    items = json.loads(run_cli("chokepoints", "--grep", "LONGi", "--json", db=eto_db).out)
    assert items and all("LONGi" in f["sentence"] for f in items)
    r = run_cli("chokepoints", "--sort", "weird", db=eto_db)
    assert r.code == 1 and "use one of rank" in r.err and "Traceback" not in r.err


def test_trace_materials_reach_the_product(cw):
    """Alrosa's diamonds, natural gas, steel and titanium once came out as Baikal-M's
    materials; only materials the graph links to semiconductor use reach it now."""
    t = trace(cw.store, "baikal-m", "2024")
    items = {s["object"] for s in t["domestic_materials"]}
    assert {"polysilicon", "neon", "hydrogen"} <= items
    assert not items & {"diamonds", "natural-gas", "steel", "titanium", "niobium", "nickel"}
    assert all(s["used_for"] for s in t["domestic_materials"])  # the claims that link it to semiconductor use
    assert "baikal-electronics-relies-on-government-orders" not in {s["claim"] for s in t["equipment_and_materials"]}
    assert trace(cw.store, "baikal-m")["as_of"] == "2024"  # the latest year the data covers


def test_trace_joins_eto_inputs_by_stage_and_type(eto_db):
    """After `import eto`, 64 of 77 lines of `trace Elbrus-16S` were ETO providers one per line."""
    import chipwatch

    with chipwatch.open(eto_db) as cw:
        t = trace(cw.store, "elbrus-16s", "2024")
        detailed = trace(cw.store, "elbrus-16s", "2024", detail=True)
    assert not any(s["claim"].startswith("eto-") for s in t["domestic_materials"] + t["equipment_and_materials"])
    groups = t["eto_inputs"]
    assert groups and len({(g["stage"], g["input_type"]) for g in groups}) == len(groups)
    assert all("lines" not in g for g in groups)
    assert sum(len(g["lines"]) for g in detailed["eto_inputs"]) == sum(len(g["claims"]) for g in groups) > len(groups)
    fab = next(g for g in groups if g["stage"] == "eto-stage-fabrication" and g["input_type"] == "equipment")
    assert fab["inputs"] == len(fab["input_labels"]) and fab["providers"] >= 1
    short = run_cli("trace", "Elbrus-16S", db=eto_db, env={"COLUMNS": "400"})
    long = run_cli("trace", "Elbrus-16S", "--detail", db=eto_db, env={"COLUMNS": "400"})
    assert short.code == 0 and len(short.out.splitlines()) < 30 and "by stage and type" in short.out, short
    assert len(long.out.splitlines()) > len(short.out.splitlines()) + 50


def test_chokepoints_default_to_the_latest_year_the_data_covers(cw, findings):
    default = chokepoints(cw.store)
    assert {f.as_of for f in default} == {"2024"}
    assert [f.to_dict() for f in default] == [f.to_dict() for f in findings]
