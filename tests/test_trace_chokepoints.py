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
    assert r.code == 0 and "concentration × certainty × reach" in r.out


def test_cli_check(russia_db):
    r = run_cli("check", "--json", db=russia_db)
    findings = json.loads(r.out)
    assert findings[0]["severity"] == "error" and "nitol-purity-6n" in findings[0]["claims"]
    r = run_cli("check", "--severity", "warning", db=russia_db)
    assert r.code == 0 and "Hanyang" in r.out and "info(s)" in r.out
    assert run_cli("check", "--severity", "loud", db=russia_db).code == 1
