"""The store: atomic builds, as-of queries, the JSON round trip, the export contract."""

import hashlib
import json
import subprocess
import sys

import pytest
from conftest import (
    MINI,
    MINI_SHARED,
    REPO,
    RUSSIA,
    SEED,
    SHARED,
    assert_user_error,
    need_shared,
    run_cli,
)

from chipwatch.dataset import load_dataset
from chipwatch.errors import ChipwatchError
from chipwatch.store import BuildError, Store, build_store


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_build_is_atomic_a_failed_build_leaves_the_old_store(tmp_path, mini):
    db = tmp_path / "store.duckdb"
    build_store([mini], db, shared=MINI_SHARED)
    before = digest(db)
    (mini / "claims" / "design.yaml").write_text(
        (mini / "claims" / "design.yaml").read_text(encoding="utf-8").replace("subject: tsmc", "subject: nobody"),
        encoding="utf-8")
    with pytest.raises(BuildError) as info:
        build_store([mini], db, shared=MINI_SHARED)
    assert any("unknown entity 'nobody'" in str(p) for p in info.value.problems)
    assert digest(db) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mini", "store.duckdb"]  # no temp file left


def test_cli_build_errors_are_clear_and_write_nothing(tmp_path, mini, mini_env):
    (mini / "claims" / "design.yaml").write_text("- id: x\n  subject: [unclosed\n", encoding="utf-8")
    db = tmp_path / "x.duckdb"
    r = run_cli("build", str(mini), db=db, env=mini_env)
    assert_user_error(r, "malformed YAML")
    assert len(r.err.strip().splitlines()) == 1
    assert not db.exists()


def test_store_path_that_is_a_directory(tmp_path, mini_env):
    r = run_cli("build", str(MINI), db=tmp_path, env=mini_env)
    assert_user_error(r, "is a directory")
    r = run_cli("show", "tsmc", db=tmp_path)
    assert_user_error(r, "is a directory")


def test_missing_store_and_missing_dataset(tmp_path, mini_env):
    assert_user_error(run_cli("show", "tsmc", db=tmp_path / "none.duckdb"), "no store here", "chipwatch build")
    assert_user_error(run_cli("build", str(tmp_path / "nope"), db=tmp_path / "s.duckdb", env=mini_env), "no such dataset folder")


def test_a_file_that_is_not_a_store(tmp_path):
    junk = tmp_path / "junk.duckdb"
    junk.write_text("not a database")
    assert_user_error(run_cli("show", "tsmc", db=junk), "not a chipwatch store")


def test_validation_problems_are_listed_then_one_error_line(tmp_path, mini, mini_env):
    path = mini / "claims" / "design.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("predicate: designs", "predicate: desings"), encoding="utf-8")
    r = run_cli("build", str(mini), db=tmp_path / "s.duckdb", env=mini_env)
    assert_user_error(r, "unknown predicate 'desings'; did you mean designs", "the store was not changed")
    assert not (tmp_path / "s.duckdb").exists()


def test_as_of_projection(cw):
    c21 = cw.claims(object="baikal-m", predicate="fabricates", as_of="2021")
    c23 = cw.claims(object="baikal-m", predicate="fabricates", as_of="2023")
    assert set(c21.subject) == {"tsmc"}
    assert "tsmc" not in set(c23.subject) and "mikron" in set(c23.subject)
    mikron = c23[c23.subject == "mikron"].iloc[0]
    assert mikron.qualifiers["node_nm"] == 65 and mikron.valid_from == "2023"  # a dict, not JSON text
    assert "mikron" not in set(cw.claims(object="baikal-m", predicate="fabricates", as_of="2022").subject)
    speculated = cw.claims(object="baikal-m", predicate="fabricates", as_of="2023", status="speculated")
    assert set(speculated.subject) == {"smic"}


def test_round_trip_yaml_store_json(russia_db, tmp_path):
    """Every record of the YAML comes back from the store's JSON export unchanged."""
    ds = load_dataset(RUSSIA)
    out = tmp_path / "export.json"
    r = run_cli("export", "--format", "json", "-o", str(out), db=russia_db)
    assert r.code == 0, r
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert set(doc) == {"entities", "claims", "sources"}
    exported = {c["id"]: c for c in doc["claims"]}
    assert len(exported) == len(ds.claims)
    chapters = {c.id: path.stem for path, batch in ds.iter_claims() for c in batch}
    for c in ds.claims:
        assert exported[c.id] == {**json.loads(c.model_dump_json(exclude_none=True)), "chapter": chapters[c.id]}, c.id
    ents = {e["id"]: e for e in doc["entities"]}
    for e in ds.entities:
        expected = json.loads(e.model_dump_json(exclude_none=True))
        got = dict(ents[e.id])
        got["names"] = {k: v for k, v in got["names"].items() if k != "zh-Hans"}
        assert got == expected, e.id
    assert ents["baikal-electronics"]["names"]["zh-Hans"] == "贝加尔电子"
    assert {s["id"] for s in doc["sources"]} == {s.id for s in ds.sources}


def test_shared_check_export_accepts_the_bundled_export(russia_db, tmp_path):
    checker = need_shared("tools", "check_export.py")
    out = tmp_path / "export.json"
    assert run_cli("export", "--format", "json", "-o", str(out), db=russia_db).code == 0
    proc = subprocess.run([sys.executable, str(checker), str(out), "--seed", str(SEED)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "problems 0" in proc.stdout


def test_python_api_returns_dataframes(cw):
    import pandas as pd

    for df in (cw.entities(), cw.claims(), cw.sources(), cw.names(), cw.identifiers(), cw.evidence(), cw.timeline()):
        assert isinstance(df, pd.DataFrame) and len(df) > 0
    assert set(cw.claims(subject="貝加爾電子").subject) == {"baikal-electronics"}


def test_store_is_read_only(russia_db):
    import duckdb

    with Store(russia_db) as s, pytest.raises(duckdb.Error):
        s.con.execute("DELETE FROM claims")


def test_build_from_another_working_directory_finds_the_seed(tmp_path):
    need_shared("seeds")
    r = run_cli("build", str(RUSSIA), db=tmp_path / "s.duckdb", cwd=tmp_path, env={"CHIPWATCH_SHARED": str(SHARED)})
    assert r.code == 0, r
    assert (REPO / "datasets").is_dir()


def test_unknown_status_filter_is_a_user_error(russia_db):
    assert_user_error(run_cli("claims", "--status", "rumoured", db=russia_db), "not a status")
    with pytest.raises(ChipwatchError):
        Store(russia_db).claims(status="rumoured")


def test_bad_as_of_is_a_user_error(russia_db):
    assert_user_error(run_cli("show", "tsmc", "--as-of", "2022-13", db=russia_db), "--as-of", "months run 01-12")


@pytest.mark.parametrize("rel,old,new,expect", [
    ("claims/design.yaml", "node_nm: 28", "node_nm: 28 nm", "qualifier node_nm: expected a number"),
    ("claims/design.yaml", "  approx: true", "  approx: {yes: 1}", "field 'approx'"),
    ("claims/design.yaml", "unit: wafer_200mm/month", "unit: gallons_of_wafers", "unknown unit 'gallons_of_wafers'"),
    ("claims/design.yaml", 'valid_to: "2022"', 'valid_to: "2022-13"', "months run 01-12"),
    ("entities.yaml", "names: {en: TSMC, zh-Hant: 台積電}", "names: TSMC", "field 'names'"),
])
def test_cli_build_bad_input_one_line_each_nothing_written(tmp_path, mini, mini_env, rel, old, new, expect):
    path = mini / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    db = tmp_path / "s.duckdb"
    r = run_cli("build", str(mini), db=db, env=mini_env)
    assert_user_error(r, expect)
    lines = r.err.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith(f"{path}:") and expect in lines[0], r  # the problem, then the verdict
    assert not db.exists() and list(tmp_path.iterdir()) == [mini]


def test_cli_build_missing_file(tmp_path, mini, mini_env):
    (mini / "sources.yaml").unlink()
    r = run_cli("build", str(mini), db=tmp_path / "s.duckdb", env=mini_env)
    assert_user_error(r, "missing sources.yaml")
    assert len(r.err.strip().splitlines()) == 1


def test_jsonl_datasets_build_like_yaml(tmp_path, mini_env):
    """The machine-made form: the same records as JSON lines, with line numbers in errors."""
    import yaml

    root = tmp_path / "j"
    (root / "claims").mkdir(parents=True)
    for name in ("sources", "entities", "claims/design"):
        records = yaml.safe_load((MINI / f"{name}.yaml").read_text(encoding="utf-8"))
        (root / f"{name}.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n",
                                            encoding="utf-8")
    counts = build_store([root], tmp_path / "j.duckdb", shared=MINI_SHARED)
    assert counts["claims"] == 4 and counts["entities"] == 6
    with open(root / "claims" / "design.jsonl", "a", encoding="utf-8") as fh:
        fh.write('{"id": "broken", "subject": "tsmc"\n')
    with pytest.raises(BuildError) as info:
        build_store([root], tmp_path / "j.duckdb", shared=MINI_SHARED)
    assert any(p.line == 5 and "not a JSON object" in str(p) for p in info.value.problems)
