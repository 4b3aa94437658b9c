"""ETO import: real CSET files into the store, linked to the knowledge graph, kept across rebuilds."""

import shutil

import pytest
from conftest import RUSSIA, assert_user_error, need_shared, run_cli

from chipwatch.analysis.chokepoints import chokepoints
from chipwatch.store import Store, build_store


@pytest.fixture(scope="module")
def eto_db(russia_db, tmp_path_factory):
    folder = need_shared("data", "eto")
    db = tmp_path_factory.mktemp("eto") / "store.duckdb"
    shutil.copyfile(russia_db, db)
    r = run_cli("import", "eto", str(folder), db=db)
    assert r.code == 0, r
    return db


def test_euv_has_one_provider_at_100_percent(eto_db):
    with Store(eto_db) as s:
        found = chokepoints(s)
    euv = [f for f in found if f.kind == "single_source" and f.subject == "eto-euv-lithography-tools"]
    providers = {f.details["provider"]: f.details["share"] for f in euv}
    assert providers == {"eto-asml": 100.0, "country-nl": 100.0}
    assert all("100%" in f.sentence for f in euv)
    conc = [f for f in found if f.kind == "concentration"]
    assert conc and all(f.details["hhi"] >= 1500 for f in conc)


def test_import_links_providers_to_the_knowledge_graph(eto_db):
    with Store(eto_db) as s:
        subj = set(s.claims(subject="naura").dataset)
        assert {"eto", "russia"} <= subj  # NAURA of the article is ETO's NAURA
        assert not s.has_entity("eto-naura") and s.has_entity("eto-asml")
        src = s.sources().set_index("id").loc["eto-chip-explorer"]
        assert "NonCommercial" in src.licence or "CC BY-NC" in src.licence
        ev = s.evidence(["eto-share-p88-n20"]).iloc[0]
        assert ev.quote.startswith("ASML,P88,EUV lithography tools,N20,100.0") and ev.locator.startswith("provision.csv line")


def test_quotes_are_the_csv_rows_verbatim(eto_db):
    folder = need_shared("data", "eto")
    text = (folder / "provision.csv").read_text(encoding="utf-8") + (folder / "sequence.csv").read_text(encoding="utf-8") \
        + (folder / "inputs.csv").read_text(encoding="utf-8")
    with Store(eto_db) as s:
        quotes = s.sql("SELECT quote FROM evidence WHERE source = 'eto-chip-explorer'").quote
    assert len(quotes) > 1000 and all(q in text for q in quotes)


def test_rebuild_keeps_the_import_and_reimport_replaces_it(eto_db, tmp_path):
    db = tmp_path / "s.duckdb"
    shutil.copyfile(eto_db, db)
    with Store(db) as s:
        before = s.counts()
    build_store([RUSSIA], db)
    with Store(db) as s:
        assert s.counts() == before
        assert "eto" in s.meta()["imports"]
    assert run_cli("import", "eto", str(need_shared("data", "eto")), db=db).code == 0
    with Store(db) as s:
        assert s.counts() == before


@pytest.mark.parametrize("mutate,expect", [
    (lambda d: (d / "providers.csv").unlink(), "providers.csv: missing"),
    (lambda d: (d / "provision.csv").write_text("provider_name,provided_id\nX,N1\n"), "missing column 'provider_id'"),
    (lambda d: (d / "provision.csv").write_text((d / "provision.csv").read_text().replace(",100.0,", ",lots,", 1)),
     "is not a number"),
])
def test_bad_eto_input_is_one_line_and_leaves_the_store(eto_db, tmp_path, mutate, expect):
    folder = tmp_path / "eto"
    shutil.copytree(need_shared("data", "eto"), folder)
    for p in folder.iterdir():
        p.chmod(0o644)
    mutate(folder)
    db = tmp_path / "s.duckdb"
    shutil.copyfile(eto_db, db)
    before = db.read_bytes()
    r = run_cli("import", "eto", str(folder), db=db)
    assert_user_error(r, expect)
    assert len(r.err.strip().splitlines()) == 1
    assert db.read_bytes() == before


def test_import_needs_a_store(tmp_path):
    folder = need_shared("data", "eto")
    assert_user_error(run_cli("import", "eto", str(folder), db=tmp_path / "none.duckdb"), "no store here")


def test_countries_the_import_adds_have_their_chinese_name(eto_db):
    """A country only ETO names (the Netherlands) is said in Chinese as Taiwan writes it
    (CLDR), not by its English name on a zh-TW page."""
    with Store(eto_db) as s:
        row = s.con.execute("SELECT label_en, label_zh FROM entities WHERE id = 'country-nl'").fetchone()
    assert row == ("Netherlands", "荷蘭")
