"""Sanctions list importers, versions and diffs, with bad input of every kind."""

import json
import shutil

import pytest
from conftest import RUSSIA, assert_user_error, need_shared, run_cli

from chipwatch.screening.lists import bis, ftm, ofac, un
from chipwatch.store import Store, build_store


@pytest.fixture()
def db(russia_db, tmp_path):
    path = tmp_path / "store.duckdb"
    shutil.copyfile(russia_db, path)
    return path


def test_ofac_joins_aliases_and_addresses_and_reports_strays():
    folder = need_shared("data", "ofac")
    parsed = ofac.parse(folder / "sdn-2024-05-03.csv", folder / "alt-2025-02-27.csv", folder / "add-2025-02-27.csv")
    baikal = next(e for e in parsed.entries if e.list_id == "39178")
    assert baikal.caption == "BAIKAL ELECTRONICS JSC" and baikal.programs == ["RUSSIA-EO14024"]
    assert baikal.identifiers["inn"] == ["7707767484"] and baikal.countries == ["ru"]
    mcst = next(e for e in parsed.entries if e.list_id == "39180")
    assert "JSC MCST" in {n.name for n in mcst.names}  # a.k.a. from the remarks
    assert parsed.skipped and all("unknown ent_num" in s for s in parsed.skipped)


def test_un_bis_ftm_parse_real_files():
    u = un.parse(need_shared("data", "un", "UN_consolidated-2026-02.xml"))
    assert len(u.entries) > 900 and u.date == "2026-02-27"
    assert {e.schema for e in u.entries} == {"Person", "Organization"}
    b = bis.parse(need_shared("data", "bis", "dpl.txt"))
    assert len(b.entries) > 400 and all(e.programs == ["BIS-DPL"] for e in b.entries)
    f = ftm.parse(need_shared("data", "opensanctions", "zala.ftm.json"))
    shares = sorted(r.share_pct for r in f.relations if r.share_pct is not None)
    assert 49.0 in shares and 50.0 in shares and 51.0 in shares and 75.0 in shares
    assert any(e.programs for e in f.entries)


def test_lists_import_and_the_march_2022_designations(db):
    folder = need_shared("data", "ofac")
    for name in ("sdn-2022-02-23.csv", "sdn-2022-04-01.csv"):
        r = run_cli("lists", "import", "ofac", str(folder / name), db=db)
        assert r.code == 0 and "imported ofac-" in r.out, r
    r = run_cli("lists", "--json", db=db)
    assert {v["id"] for v in json.loads(r.out)} == {"ofac-2022-02-23", "ofac-2022-04-01"}
    r = run_cli("lists", "diff", "ofac-2022-02-23", "ofac-2022-04-01", "--json", db=db)
    d = json.loads(r.out)
    added = {e["list_id"]: e["caption"] for e in d["entries"] if e["change"] == "added"}
    assert added["35936"] == "JOINT STOCK COMPANY MIKRON"  # the 31 March 2022 microelectronics designations
    assert "34686" in added and "35937" in added  # T-Platforms, NIIME
    assert d["counts"]["added"] == len(added) > 500
    assert_user_error(run_cli("lists", "diff", "ofac-2022-02-23", "ofac-1999-01-01", db=db), "no list version")


def test_rebuild_keeps_list_versions(db):
    run_cli("lists", "import", "bis", str(need_shared("data", "bis", "dpl.txt")), "--date", "2022-09-01", db=db)
    build_store([RUSSIA], db)
    with Store(db) as s:
        assert list(s.sql("SELECT id FROM list_versions").id) == ["bis-2022-09-01"]
        assert s.sql("SELECT count(*) n FROM list_entries").n[0] > 400


def _bad(tmp_path, name, content: bytes):
    path = tmp_path / name
    path.write_bytes(content)
    return path


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<CONSOLIDATED_LIST>&lol2;</CONSOLIDATED_LIST>"""


@pytest.mark.parametrize("kind,name,content,expect", [
    ("un", "bomb.xml", BOMB, "XML bomb"),
    ("un", "cut.xml", b'<?xml version="1.0"?>\n<CONSOLIDATED_LIST>\n<INDIVIDUALS><INDIVIDUAL><DATAID>1', "truncated XML"),
    ("un", "other.xml", b"<?xml version='1.0'?><rss></rss>", "expected <CONSOLIDATED_LIST>"),
    ("bis", "empty.txt", b"", "the file is empty"),
    ("bis", "cols.txt", b"Who\tWhere\nX\tY\n", "missing column 'Name'"),
    ("ofac", "sdn-2022-01-01.csv", b"abc,def\n", "fields, expected 12"),
    ("ftm", "none.json", b"not json at all\n", "no entries found"),
    ("nato", "x.csv", b"x", "unknown; use one of"),
])
def test_bad_list_input_is_one_line_and_keeps_earlier_versions(db, tmp_path, kind, name, content, expect):
    run_cli("lists", "import", "bis", str(need_shared("data", "bis", "dpl.txt")), "--date", "2022-09-01", db=db)
    before = db.read_bytes()
    r = run_cli("lists", "import", kind, str(_bad(tmp_path, name, content)), "--date", "2023-01-01", db=db)
    assert_user_error(r, expect)
    assert len(r.err.strip().splitlines()) == 1
    assert db.read_bytes() == before


def test_encodings_bom_cp1251_gbk(db, tmp_path):
    header = "Name\tStreet_Address\tCity\tState\tCountry\tPostal_Code\tEffective_Date\tExpiration_Date\n"
    for enc, name in (("utf-8-sig", "ООО «Ромашка»"), ("cp1251", "ООО «Ромашка»"), ("gbk", "贝加尔电子有限公司")):
        path = tmp_path / f"dpl-{enc}.txt"
        path.write_bytes((header + f"{name}\tSt\tCity\t\tRU\t1\t01/01/2023\t\n").encode(enc))
        parsed = bis.parse(path)
        assert parsed.entries[0].caption == name, enc


def test_ftm_lines_that_are_not_json_are_counted(tmp_path):
    src = need_shared("data", "opensanctions", "zala.ftm.json").read_text(encoding="utf-8")
    path = tmp_path / "mixed.json"
    path.write_text(src + "{broken\n" + "[1, 2]\n", encoding="utf-8")
    parsed = ftm.parse(path)
    assert len(parsed.skipped) == 2 and len(parsed.entries) == len(ftm.parse(need_shared("data", "opensanctions", "zala.ftm.json")).entries)


def test_a_file_over_the_size_limit_is_refused(db, tmp_path):
    big = tmp_path / "huge.txt"
    with open(big, "wb") as fh:
        fh.truncate(2 * 1024**3)  # sparse: 2 GB on paper, nothing on disk
    r = run_cli("lists", "import", "bis", str(big), "--date", "2023-01-01", db=db)
    assert_user_error(r, "more than the 1 GiB")


def test_show_links_the_entity_to_its_list_entry(db):
    need_shared("data", "ofac")
    r = run_cli("lists", "import", "ofac", str(need_shared("data", "ofac", "sdn-2024-05-03.csv")), db=db)
    assert r.code == 0, r
    view = json.loads(run_cli("show", "貝加爾電子", "--json", db=db).out)
    assert view["sanctions_status"] == "listed"
    (link,) = view["lists"]
    assert (link["list_id"], link["programs"]) == ("39178", ["RUSSIA-EO14024"])
    assert {v["scheme"] for v in link["via"]} >= {"ofac_ent_num", "inn"}
    r = run_cli("show", "貝加爾電子", db=db)
    assert "39178" in r.out and "RUSSIA-EO14024" in r.out
    assert json.loads(run_cli("show", "tsmc", "--json", db=db).out)["sanctions_status"] == "not listed"


def test_show_without_lists_has_no_status(russia_db):
    view = json.loads(run_cli("show", "mcst", "--json", db=russia_db).out)
    assert view["sanctions_status"] is None and view["lists"] == []


def test_cli_lists_owned(db):
    r = run_cli("lists", "import", "ftm", str(need_shared("data", "opensanctions", "zala.ftm.json")), "--date", "2026-06-01", db=db)
    assert r.code == 0, r
    def owned(*args):
        out = run_cli("lists", "owned", "ftm-2026-06-01", "--json", *args, db=db).out
        return {i["caption"]: i["reason"] for i in json.loads(out)}

    cst, izh = 'ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ "ЦСТ"', 'ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ "ИЖТЕЛЕКОМ"'
    assert cst not in owned() and izh not in owned()  # Zakharov's stakes ended in 2019 and 2012
    assert owned("--as-of", "2018")[cst] == "owned"  # 100 % from 2013-06-06 to 2019-08-02
    assert owned("--as-of", "2010-05-01")[izh] == "review"  # a stake of unknown share, 2002-2012
    assert_user_error(run_cli("lists", "owned", "ftm-2026-06-01", "--engine", "oracle", db=db), "unknown; use one of")
