"""One test per class of traceback the fuzzing found (issue 11): the concrete hostile input,
read by the importer or loader, gives one line of at most 300 characters, never a traceback."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from conftest import MINI, MINI_SHARED, assert_user_error, run_cli

from chipwatch.dataset import load_dataset, validate
from chipwatch.errors import MAX_LINE, ChipwatchError
from chipwatch.importers.eto import eto_dataset
from chipwatch.scenarios import load_scenario
from chipwatch.scenarios.model import BUNDLED
from chipwatch.screening.lists import bis, ftm, ofac, un
from chipwatch.trade.importers import chpl, eurostat_xlsx

FIXTURES = Path(__file__).parent / "fuzz" / "seeds"
BIG = "x" * 140_000  # over the csv module's 128 KiB field limit


def one_line_error(call, *fragments: str) -> str:
    with pytest.raises(ChipwatchError) as info:
        call()
    message = str(info.value)
    assert "\n" not in message and len(message) <= MAX_LINE, message
    for fragment in fragments:
        assert fragment in message, message
    return message


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def eto_folder(tmp_path: Path, **files: str) -> Path:
    folder = tmp_path / "eto"
    shutil.copytree(FIXTURES / "eto", folder)
    for name, text in files.items():
        write(folder / f"{name}.csv", text)
    return folder


# -- CSV: a field over 128 KB, a NUL byte, bare carriage returns --------------------

@pytest.mark.parametrize("read", [
    lambda p: ofac.parse(write(p / "sdn.csv", f'1,"{BIG}",-0- ,"X",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n')),
    lambda p: bis.parse(write(p / "dpl.txt", (FIXTURES / "bis" / "dpl.txt").read_text() + f'"{BIG}\n')),
    lambda p: chpl.parse(write(p / "chpl.csv", f'tier,hs6\n1,"{BIG}"\n')),
    lambda p: eto_dataset(eto_folder(p, providers=f'provider_name,alias,provider_id,provider_type,country\n"{BIG}\n'), []),
], ids=["ofac", "bis", "chpl", "eto"])
def test_a_field_over_the_csv_limit_is_one_line(tmp_path, read):
    # the csv module's limit is one per process: followthemoney, loaded by other tests, raises it on import
    limit = csv.field_size_limit(131_072)
    try:
        one_line_error(lambda: read(tmp_path), "a field longer than 131,072 characters")
    finally:
        csv.field_size_limit(limit)


def test_control_characters_in_an_error_are_shown_as_replacement_characters(tmp_path):
    message = one_line_error(lambda: chpl.parse(write(tmp_path / "chpl.csv", "tier,hs6\n1,85\x00\x1b[2J\n")), "chpl.csv:2")
    assert "85\ufffd\ufffd[2J" in message


def test_bare_carriage_returns_end_lines(tmp_path):
    sdn = (FIXTURES / "ofac" / "sdn.csv").read_bytes().replace(b"\r\n", b"\r")
    assert len(ofac.parse(write(tmp_path / "sdn.csv", sdn)).entries) == 3
    assert len(chpl.parse(write(tmp_path / "chpl.csv", "tier,hs6\r1,854231\r2,854140\r"))) == 2
    assert bis.parse(write(tmp_path / "dpl.txt", (FIXTURES / "bis" / "dpl.txt").read_text().replace("\n", "\r"))).entries


def test_eto_short_rows_read_as_empty_cells(tmp_path):
    folder = eto_folder(tmp_path, inputs="input_id,input_name,type,stage_name,stage_id,description\n"
                                         "N1,EUV scanners,tool_resource\nN2,Photoresist,material_resource\n"
                                         "N3,Logic chip design,process\n")
    ds = eto_dataset(folder, [])
    assert {e.id for e in ds.entities} >= {"eto-euv-scanners", "eto-photoresist"}


def test_chpl_error_quotes_a_short_excerpt_of_a_huge_cell(tmp_path):
    message = one_line_error(lambda: chpl.parse(write(tmp_path / "chpl.csv", "tier,hs6\n1," + "8" * 100_000 + "\n")),
                             "chpl.csv:2", "is not a 6-digit HS code")
    assert "8" * 50 not in message


# -- FtM JSON lines ---------------------------------------------------------------

def test_ftm_hostile_lines_are_skipped(tmp_path):
    good = (FIXTURES / "ftm" / "entities.ftm.json").read_text()
    hostile = ["[" * 100_000, '{"schema": ["Person"], "id": "a", "properties": {"name": ["A"]}}',
               '{"schema": "Person", "id": ["a"], "properties": {"name": ["A"]}}',
               '{"schema": "Person", "id": "a", "properties": []}', '{"schema": "Person", "id": {}, "properties": {}}',
               '{"schema": "Company", "id": "b", "properties": {"name": "B", "country": [["ru"]], "notes": [1]}}',
               '{"schema": "Ownership", "id": "o", "properties": {"owner": [["x"]], "asset": ["b"], "percentage": ["1e999"]}}',
               '{"schema": "Person", "id": "\\ud800", "properties": {"name": ["\\udfff"]}}']
    parsed = ftm.parse(write(tmp_path / "x.ftm.json", good + "\n".join(hostile) + "\n"))
    assert len(parsed.skipped) == 5, parsed.skipped
    assert all(len(s) <= MAX_LINE for s in parsed.skipped)
    by_id = {e.list_id: e for e in parsed.entries}
    assert by_id["b"].names[0].name == "B" and by_id["b"].countries == []
    assert "\ufffd" in by_id["\ufffd"].names[0].name


# -- UN XML -----------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["bogus", "GBK", "utf-32"])
def test_un_xml_in_an_encoding_expat_cannot_read(tmp_path, encoding):
    xml = (FIXTURES / "un" / "un.xml").read_text().replace('encoding="UTF-8"', f'encoding="{encoding}"')
    one_line_error(lambda: un.parse(write(tmp_path / "un.xml", xml)), "un.xml:1", "save the list as UTF-8")


# -- the xlsx reader's own errors -------------------------------------------------

def test_an_xlsx_reader_error_without_a_message(tmp_path, monkeypatch):
    import python_calamine

    def fail(path):
        raise ValueError("")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", staticmethod(fail))
    one_line_error(lambda: eurostat_xlsx.parse(write(tmp_path / "x.xlsx", b"PK\x03\x04"), "x"), "(ValueError)")


# -- YAML: datasets and scenarios ---------------------------------------------------

ALIAS_BOMB = f"lol0: &a0 [{', '.join(['lol' * 10] * 10)}]\n" + "".join(  # 1.6 KB, 10^20 values expanded
    f"lol{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 21))

HOSTILE_YAML = {
    "complex key": ("? [a, b]\n: c\n", "a key is a sequence"),
    "mapping key": ("{a: 1}: b\n", "a key is a mapping"),
    "huge integer": ("n: " + "9" * 5_000 + "\n", "is not a valid int"),
    "empty integer": ("n: !!int ''\n", "is not a valid int"),
    "bad timestamp": ("t: !!timestamp 2022-13-45\n", "is not a valid timestamp"),
    "timestamp not a date": ("t: !!timestamp soon\n", "is not a valid timestamp"),
    "deep nesting": ("x: " + "[" * 5_000 + "\n", "nested more than 64 levels"),
    "recursive alias": ("x: &a [*a]\n", "inside its own anchor"),
    "control character": ("x: a\x1cb\n", "character U+001C is not allowed"),
    "alias bomb": (ALIAS_BOMB, "aliases repeat more than 10,000 values"),
    "a value list of 150,000": ("x: [" + "a," * 150_000 + "a]\n", "more than 100,000 values in one file"),
}


def dataset_with(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "ds"
    shutil.copytree(MINI, folder)
    write(folder / "dataset.yaml", (MINI / "dataset.yaml").read_text() + text)
    return folder


@pytest.mark.parametrize("case", list(HOSTILE_YAML))
def test_hostile_yaml_in_a_dataset(tmp_path, case):
    text, expect = HOSTILE_YAML[case]
    one_line_error(lambda: load_dataset(dataset_with(tmp_path, text)), "dataset.yaml:", expect)


def test_a_bad_character_after_chinese_text_is_on_its_own_line(tmp_path):
    """libyaml counts UTF-8 bytes: the line is still the character's."""
    path = write(tmp_path / "s.yaml", "名稱: 甲乙丙\n說明: 丁戊\nb: a\x1cb\n")
    one_line_error(lambda: load_scenario(path), "s.yaml:3:", "character U+001C is not allowed")


def test_a_deep_nesting_within_libyamls_limit_meets_ours(tmp_path):
    path = write(tmp_path / "s.yaml", "name: s\nx: " + "[" * 70 + "1" + "]" * 70 + "\n")
    one_line_error(lambda: load_scenario(path), "s.yaml:2:", "nested more than 64 levels")


@pytest.mark.parametrize("case", list(HOSTILE_YAML))
def test_hostile_yaml_in_a_scenario(tmp_path, case):
    text, expect = HOSTILE_YAML[case]
    path = write(tmp_path / "s.yaml", "name: s\nextends: baseline\n" + text)
    one_line_error(lambda: load_scenario(path), "s.yaml:", expect)


def test_long_values_in_problems_are_cut(tmp_path):
    folder = dataset_with(tmp_path, "")
    write(folder / "entities.yaml", (MINI / "entities.yaml").read_text() + f"- id: {'x' * 5_000}\n  typo: 1\n")
    problems = [str(p) for p in validate(load_dataset(folder)).problems]
    assert problems and all(len(p) <= MAX_LINE and "\n" not in p for p in problems)


def test_the_alias_bomb_is_refused_by_validate_and_build(tmp_path):
    folder = dataset_with(tmp_path, ALIAS_BOMB)
    assert 1_500 < len(ALIAS_BOMB) < 2_000
    for args in (("validate", str(folder)), ("build", str(folder))):
        result = run_cli(*args, db=tmp_path / "bomb.duckdb")
        assert_user_error(result, "alias bomb")
        assert len(result.err.strip().splitlines()) == 1, result
    assert not (tmp_path / "bomb.duckdb").exists()


@pytest.fixture(scope="module")
def mini_db(tmp_path_factory) -> Path:
    from chipwatch.store import build_store

    db = tmp_path_factory.mktemp("mini") / "chipwatch.duckdb"
    build_store([MINI], db, shared=MINI_SHARED)
    return db


@pytest.mark.parametrize("args", [
    ("lists", "import", "ofac"), ("lists", "import", "ftm"), ("trade", "import", "chpl"),
])
def test_the_cli_says_one_line_and_exits_1(tmp_path, mini_db, args):
    path = write(tmp_path / "sdn-2024-01-01.csv", f'1,"{BIG}",-0- \n' if args[2] != "ftm" else "[" * 100_000 + "\n")
    result = run_cli(*args, str(path), db=mini_db)
    assert_user_error(result, "sdn-2024-01-01.csv")
    assert len(result.err.strip().splitlines()) == 1 and len(result.err.strip()) <= MAX_LINE + len("error: "), result


def test_a_huge_unit_or_held_path_in_a_dataset_is_a_problem_not_a_hang(tmp_path):
    folder = dataset_with(tmp_path, "")
    claims = (MINI / "claims" / "design.yaml").read_text()
    write(folder / "claims" / "design.yaml", claims.replace("unit: wafer_200mm/month", f"unit: wafer_200mm{'x' * 140_000}"))
    write(folder / "sources.yaml", (MINI / "sources.yaml").read_text().replace("held: seeds/mini.txt", f"held: {'d/' * 3_000}x"))
    problems = [str(p) for p in validate(load_dataset(folder), shared=MINI_SHARED).problems]
    assert any("unit of 140,0" in p for p in problems), problems


BASELINE = BUNDLED / "baseline.yaml"


@pytest.mark.parametrize("text, expect", [
    ("name: s\nextends: " + "x" * 5_000 + "\n", "no scenario 'xxx"),
    (BASELINE.read_text().replace("unit: wafer_200mm/month", "unit: wafer_200mm" + "x" * 140_000, 1), "a unit of 140,0"),
])
def test_a_scenario_with_a_huge_name_or_unit_is_one_line_not_a_hang(tmp_path, text, expect):
    one_line_error(lambda: load_scenario(write(tmp_path / "s.yaml", text)), "s.yaml:", expect)


def test_eto_an_input_without_a_stage_id_is_not_put_in_a_stage_without_one(tmp_path):
    stages, inputs = ((FIXTURES / "eto" / name).read_text() for name in ("stages.csv", "inputs.csv"))
    folder = eto_folder(tmp_path, stages=stages + ",Odd,x\n", inputs=inputs + "N9,Odd input,tool_resource,Odd,,x\n")
    ds = eto_dataset(folder, [])  # was: an empty quote the Evidence model refused, a traceback
    assert not [c for c in ds.claims if c.subject == "eto-odd-input" and c.predicate == "input_to"]



def test_a_unit_pint_cannot_tokenize_is_a_problem(tmp_path):
    folder = dataset_with(tmp_path, "")
    write(folder / "claims" / "design.yaml", (MINI / "claims" / "design.yaml").read_text()
          .replace("unit: wafer_200mm/month", "unit: wafer_200mm/(month"))
    problems = [str(p) for p in validate(load_dataset(folder), shared=MINI_SHARED).problems]
    assert any("bad value for 'capacity'" in p for p in problems), problems
    text = BASELINE.read_text().replace("unit: share", "unit: (share", 1)
    one_line_error(lambda: load_scenario(write(tmp_path / "s.yaml", text)), "s.yaml:", "this is a pure number")
