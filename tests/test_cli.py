"""The CLI as a newcomer uses it: every command runs, --json parses, errors are one line."""

import json

from conftest import run_cli


def test_show_prints_names_identifiers_and_claims(russia_db):
    r = run_cli("show", "貝加爾電子", db=russia_db)
    assert r.code == 0, r
    for text in ["Baikal Electronics", "貝加爾電子", "贝加尔电子", "Байкал Электроникс", "39178", "designs", "“"]:
        assert text in r.out, text


def test_show_as_of_json(russia_db):
    r = run_cli("show", "baikal-m", "--as-of", "2021", "--json", db=russia_db)
    view = json.loads(r.out)
    fabs = {c["subject"] for c in view["claims"] if c["predicate"] == "fabricates"}
    assert fabs == {"tsmc"} and view["as_of"] == "2021"
    r = run_cli("show", "baikal-m", "--as-of", "2024", "--json", db=russia_db)
    fabs = {c["subject"] for c in json.loads(r.out)["claims"] if c["predicate"] == "fabricates"}
    assert "tsmc" not in fabs and "mikron" in fabs
    assert all(c["evidence"] for c in json.loads(r.out)["claims"])


def test_claims_filters(russia_db):
    r = run_cli("claims", "--subject", "米克朗", "--predicate", "capacity", "--json", db=russia_db)
    items = json.loads(r.out)
    assert len(items) == 1 and items[0]["value"] == 5000 and items[0]["unit"] == "wafer_200mm/month"
    r = run_cli("claims", "--status", "planned", "--json", db=russia_db)
    assert all(c["status"] == "planned" for c in json.loads(r.out)) and json.loads(r.out)
    r = run_cli("claims", "--tag", "mode:sanctions-evasion", db=russia_db)
    assert r.code == 0 and "claim(s)" in r.out


def test_timeline(russia_db):
    r = run_cli("timeline", "Angstrom-T", "--json", db=russia_db)
    events = json.loads(r.out)
    dates = [e["date"] for e in events]
    assert dates == sorted(dates, key=lambda d: d.ljust(10, "0"))
    assert any(e["predicate"] == "status" and e["date"] == "2024-12" for e in events)
    r = run_cli("timeline", "--predicate", "sanctioned_by", db=russia_db)
    assert r.code == 0 and "2014" in r.out


def test_neighbours_and_path(russia_db):
    r = run_cli("neighbours", "mikron", "--json", db=russia_db)
    nodes = {n["id"] for n in json.loads(r.out)["nodes"]}
    assert {"mikron", "baikal-m"} <= nodes
    r = run_cli("path", "tsmc", "mikron", "--json", db=russia_db)
    paths = json.loads(r.out)
    assert paths and all(step["claim"] for step in paths[0])


def test_summary_is_what_make_run_prints(russia_db):
    r = run_cli("summary", db=russia_db)
    assert r.code == 0, r
    for text in ["entities", "Claims by status", "Sanctions designations", "Example query"]:
        assert text in r.out, text
    data = json.loads(run_cli("summary", "--json", db=russia_db).out)
    assert data["counts"]["claims"] > 300 and data["sanctions"]
    pairs = [(d["subject"], d["authority"]) for d in data["sanctions"]]
    assert len(pairs) == len(set(pairs))  # one row per designation, not one per claim


def test_help_works_without_a_store(tmp_path):
    r = run_cli("--help", cwd=tmp_path)
    assert r.code == 0 and "build" in r.out and "export" in r.out


def _latin_run(text: str, allowed: set[str]) -> list[str]:
    """Runs of three or more Latin words in a row (words, not hyphenated ids), after taking out
    proper names in `allowed`."""
    import re

    for name in sorted(allowed, key=len, reverse=True):
        text = text.replace(name, " ")
    return re.findall(r"(?<![\w-])[A-Za-z]{2,}(?: [A-Za-z]{2,}){2,}(?![\w-])", text)  # claim ids are codes


def test_lang_says_findings_checks_gaps_and_dependencies_in_traditional_chinese(reference_db):
    """`chipwatch --lang zh-TW …` (or CHIPWATCH_LANG) writes the analysis in Chinese: sentences,
    kinds, severities and column heads; the JSON carries the same sentences; English stays the default."""
    r = run_cli("--lang", "zh-TW", "chokepoints", "--top", "5", db=reference_db)
    assert r.code == 0, r
    assert "類別" in r.out and "發現" in r.out and ("網路樞紐" in r.out or "單一來源" in r.out)
    j = run_cli("check", "--json", db=reference_db, env={"CHIPWATCH_LANG": "zh-TW"})
    found = json.loads(j.out)
    assert found and all(f["msg"] and f["severity_label"] in ("錯誤", "警告", "提示") for f in found)
    assert any("尼托爾" in f["msg"] for f in found)
    g = run_cli("--lang", "zh-TW", "gap", "--json", db=reference_db)
    gaps = json.loads(g.out)
    assert gaps and all("奈米" in x["msg"] or x["kind"] != "node" for x in gaps)
    d = run_cli("--lang", "zh-TW", "dependencies", db=reference_db)
    assert d.code == 0 and "俄羅斯對中國的依賴" in d.out and "階段" in d.out, d
    for out in (r.out, d.out):
        assert not _latin_run(out, {"Baikal-M", "Elbrus-16S", "LONGi Green Energy"}), out
    en = run_cli("chokepoints", "--top", "5", db=reference_db)
    assert "kind" in en.out and "類別" not in en.out


def test_an_unknown_language_is_one_line(reference_db):
    from conftest import assert_user_error

    assert_user_error(run_cli("--lang", "fr", "check", db=reference_db), "language 'fr'", "en or zh-TW")
