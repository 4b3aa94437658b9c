"""Validation: every kind of problem is reported with file:line and what would be right."""

from pathlib import Path

import pytest
from conftest import MINI_SHARED, assert_user_error, run_cli

from chipwatch.dataset import load_dataset, validate
from chipwatch.errors import ChipwatchError

CLAIMS = "claims/design.yaml"


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems(root: Path) -> list[str]:
    return [str(p) for p in validate(load_dataset(root), shared=MINI_SHARED).problems]


def line_of(root: Path, rel: str, fragment: str) -> int:
    for n, line in enumerate((root / rel).read_text(encoding="utf-8").splitlines(), 1):
        if fragment in line:
            return n
    raise AssertionError(fragment)


def test_the_minimal_dataset_is_clean(mini):
    assert problems(mini) == []


@pytest.mark.parametrize("rel,old,new,expect,at", [
    (CLAIMS, "subject: tsmc", "subject: tsmcc", "unknown entity 'tsmcc' as subject; did you mean tsmc", "subject: tsmcc"),
    (CLAIMS, "object: baikal-m\n  qualifiers: {node_nm: 28}", "object: baikal-x\n  qualifiers: {node_nm: 28}",
     "unknown entity 'baikal-x' as object", "object: baikal-x"),
    (CLAIMS, "predicate: fabricates", "predicate: fabricate", "unknown predicate 'fabricate'; did you mean fabricates", "predicate: fabricate"),
    (CLAIMS, "object: baikal-m\n  qualifiers: {node_nm: 28}", "object: arm\n  qualifiers: {node_nm: 28}",
     "'fabricates' does not take a technology as object (arm); it takes product, company", "object: arm"),
    (CLAIMS, "subject: baikal-electronics", "subject: arm", "'designs' does not take a technology as subject", "subject: arm"),
    (CLAIMS, 'valid_to: "2022"', 'valid_to: "2022-13"', "months run 01-12", 'valid_to: "2022-13"'),
    (CLAIMS, "unit: wafer_200mm/month", "unit: wafers_per_fortnight", "unknown unit 'wafers_per_fortnight'", "value: 5000"),
    (CLAIMS, "id: smic-fabricates-baikal-m", "id: tsmc-fabricates-baikal-m", "duplicate claim id 'tsmc-fabricates-baikal-m'", None),
    (CLAIMS, "quote: 原採用台積電 28 奈米製程代工", "quote: 原採用台積電 7 奈米製程代工",
     "quote is not verbatim in the text of 'mini-seed'", "quote: 原採用台積電 7 奈米"),
    (CLAIMS, "source: mini-seed\n      locator: ¶2", "source: mini-seedd\n      locator: ¶2", "unknown source 'mini-seedd'", "source: mini-seedd"),
    (CLAIMS, "qualifiers: {node_nm: 28}", "qualifiers: {node_nm: twenty-eight}", "qualifier node_nm: expected a number", "qualifiers: {node_nm: twenty"),
    (CLAIMS, "qualifiers: {node_nm: 28}", "qualifiers: {colour: red}", "unknown qualifier 'colour'", "qualifiers: {colour"),
    (CLAIMS, "status: speculated", "status: rumoured", "Input should be 'fact', 'reported', 'speculated', 'planned' or 'disputed'", "status: rumoured"),
    (CLAIMS, "approx: true", "approx: yes please", "field 'approx'", "approx: yes please"),
    (CLAIMS, "  as_written: 月產能大約為 5 千片 8 英寸晶圓片", "  as_written: 月產能大約為 6 千片 8 英寸晶圓片",
     "as_written '月產能大約為 6 千片 8 英寸晶圓片' reads as 6000", "as_written: 月產能大約為 6"),
    ("entities.yaml", "type: technology", "type: tech", "unknown entity type 'tech'", "type: tech"),
    ("entities.yaml", "country: TW", "country: Taiwan", "field 'country'", "country: Taiwan"),
    ("entities.yaml", "- id: smic\n", "- id: smic\n  colour: red\n", "unknown field 'colour'", "colour: red"),
])
def test_each_problem_is_reported_at_its_line(mini, rel, old, new, expect, at):
    edit(mini, rel, old, new)
    found = problems(mini)
    hits = [p for p in found if expect in p]
    assert hits, found
    if at:
        assert hits[0].startswith(f"{mini / rel}:{line_of(mini, rel, at)}:"), hits[0]


def test_missing_evidence_is_reported(mini):
    path = mini / CLAIMS
    text = path.read_text(encoding="utf-8")
    start = text.index("  evidence:\n    - source: mini-seed\n      locator: ¶2")
    path.write_text(text[:start], encoding="utf-8")
    found = problems(mini)
    assert any("claim mikron-capacity: missing required field 'evidence'" in p for p in found), found


def test_value_on_an_object_predicate_and_missing_object(mini):
    edit(mini, CLAIMS, "  object: baikal-m\n  valid_from: \"2020\"", "  value: 3\n  valid_from: \"2020\"")
    found = problems(mini)
    assert any("'designs' needs an object" in p for p in found), found
    assert any("'designs' takes no value" in p for p in found), found


def test_quote_check_is_skipped_with_a_note_when_the_text_is_absent(mini, tmp_path):
    report = validate(load_dataset(mini), shared=tmp_path)
    assert report.ok and report.quotes_checked == 0
    assert any("held text seeds/mini.txt not found" in n for n in report.notes)


def test_changed_held_text_is_caught_by_its_hash(mini, tmp_path):
    shared = tmp_path / "shared"
    (shared / "seeds").mkdir(parents=True)
    (shared / "seeds" / "mini.txt").write_text((MINI_SHARED / "seeds" / "mini.txt").read_text(encoding="utf-8") + "x", encoding="utf-8")
    found = [str(p) for p in validate(load_dataset(mini), shared=shared).problems]
    assert any("has sha256" in p and "another version" in p for p in found), found


@pytest.mark.parametrize("mutate,expect", [
    (lambda root: (root / CLAIMS).write_text("- id: x\n  subject: [unclosed\n", encoding="utf-8"), "malformed YAML"),
    (lambda root: (root / "entities.yaml").unlink(), "missing entities.yaml"),
    (lambda root: (root / "claims" / "design.yaml").write_text("id: not-a-list\n", encoding="utf-8"), "expected a list of records"),
    (lambda root: (root / "sources.yaml").write_bytes("- id: x\n  title: \xe9\n".encode("latin-1")), "not UTF-8"),
])
def test_unreadable_files_raise_one_clear_error(mini, mutate, expect):
    mutate(mini)
    with pytest.raises(ChipwatchError, match=expect):
        load_dataset(mini)


def test_missing_dataset_folder():
    with pytest.raises(ChipwatchError, match="no such dataset folder"):
        load_dataset("/nonexistent/dataset")


def test_cli_validate_reports_and_exits_1(mini, mini_env):
    edit(mini, CLAIMS, "predicate: fabricates", "predicate: fabricate")
    r = run_cli("validate", str(mini), env=mini_env)
    assert r.code == 1 and "Traceback" not in r.err
    assert f"{mini / CLAIMS}:" in r.err and "unknown predicate 'fabricate'" in r.err


def test_cli_malformed_yaml_is_one_line(mini, mini_env):
    (mini / CLAIMS).write_text("- id: x\n  subject: [unclosed\n", encoding="utf-8")
    r = run_cli("validate", str(mini), env=mini_env)
    assert_user_error(r, "malformed YAML", "design.yaml:")
    assert len(r.err.strip().splitlines()) == 1, r


def test_cli_schema_is_json_schema():
    import json

    r = run_cli("schema")
    doc = json.loads(r.out)
    assert doc["$schema"].startswith("https://json-schema.org/")
    assert set(doc["properties"]) == {"sources", "entities", "claims"}
    r = run_cli("schema", "--kind", "claims")
    assert "evidence" in json.dumps(json.loads(r.out))
    assert_user_error(run_cli("schema", "--kind", "nope"), "unknown; use one of")


def test_the_json_schema_accepts_the_dataset_records(mini):
    import jsonschema
    import yaml

    from chipwatch.dataset.schema import json_schema

    schema = json_schema("claims")
    data = yaml.safe_load((mini / CLAIMS).read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    data[0]["status"] = "rumoured"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)
