"""The Python API as an analyst uses it: `chipwatch.open(path)` opens quickly (no pandas,
pyarrow, networkx or rigour until a call needs them); claims give values and qualifiers
as Python objects; `cw.screen`, `cw.lists` and `cw.trade` reach the library; errors name
the API's parameters, not CLI flags."""

import json
import shutil
import subprocess
import sys
from datetime import date

import pytest
from conftest import assert_user_error, need_shared, run_cli

import chipwatch
from chipwatch import ChipwatchError

HEAVY = ("pandas", "pyarrow", "networkx", "rigour", "numpy", "pydantic", "scipy")
CST = 'ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ "ЦСТ"'


def loaded_after(code: str) -> dict:
    """Run `code` in a fresh interpreter; the heavy top-level modules it loaded, and what it printed."""
    probe = (f"import sys, json\n{code}\n"
             f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({list(HEAVY)!r}))))")
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    *printed, heavy = proc.stdout.strip().splitlines()
    return {"heavy": json.loads(heavy), "printed": printed}


@pytest.fixture(scope="module")
def api_db(russia_db, tmp_path_factory):
    """A copy of the bundled store for the API to import lists and trade data into."""
    db = tmp_path_factory.mktemp("api") / "store.duckdb"
    shutil.copyfile(russia_db, db)
    return db


@pytest.fixture(scope="module")
def imported(api_db, tmp_path_factory):
    """The BIS Denied Persons List twice (the second lacking one entry), the OpenSanctions
    ZALA cluster and the Eurostat mirror totals, each imported through the API."""
    dpl = need_shared("data", "bis", "dpl.txt")
    later = tmp_path_factory.mktemp("dpl") / "dpl.txt"
    lines = dpl.read_text(encoding="utf-8").splitlines(keepends=True)
    dropped = next(line for line in lines[1:] if line.startswith('" I. ASH"'))
    later.write_text("".join(line for line in lines if line is not dropped), encoding="utf-8")
    with chipwatch.open(api_db) as cw:
        results = {
            "bis": cw.lists.import_("bis", dpl, date="2022-09-01"),
            "bis-later": cw.lists.import_("bis", later, date="2022-10-01"),
            "ftm": cw.lists.import_("ftm", need_shared("data", "opensanctions", "zala.ftm.json"), date="2026-06-01"),
            "trade": cw.trade.import_("eurostat-csv", need_shared("data", "eurostat", "mirror-totals")),
        }
    return results


# -- opening, and what it loads ---------------------------------------------------------------

def test_open_and_show_load_no_heavy_module(api_db, imported):
    """Opening a store, an entity's view (lists imported) and the CLI's `show` need neither
    pandas nor pyarrow, networkx or rigour."""
    got = loaded_after(f"import chipwatch\ncw = chipwatch.open({str(api_db)!r})\n"
                       "v = cw.entity_view('mikron')\nprint(v['sanctions_status'], len(v['claims']))")
    assert got["heavy"] == [] and got["printed"][0].startswith("not listed ")
    got = loaded_after(f"from chipwatch.cli import app\napp(['--db', {str(api_db)!r}, 'show', 'mikron'], standalone_mode=False)")
    assert got["heavy"] == [] and any("Mikron" in line for line in got["printed"])
    got = loaded_after("import chipwatch.cli")
    assert got["heavy"] == []


def test_tables_still_come_as_dataframes_when_asked(cw):
    import pandas as pd

    assert isinstance(cw.claims(), pd.DataFrame) and isinstance(cw.timeline("mikron"), pd.DataFrame)
    assert cw.graph().number_of_edges() > 0  # networkx on first use


# -- values and qualifiers ------------------------------------------------------------------

def test_values_and_qualifiers_are_python_objects(cw):
    (cap,) = cw.claims(subject="米克朗", predicate="capacity").to_dict("records")
    assert cap["value"] == 5000 and isinstance(cap["value"], int) and cap["unit"] == "wafer_200mm/month"
    assert isinstance(cap["qualifiers"], dict) and "value_json" not in cap
    fab = cw.claims(subject="mikron", object="baikal-m", predicate="fabricates", as_of=2023)  # a year as a number too
    assert fab.iloc[0].qualifiers["node_nm"] == 65
    assert all(isinstance(q, dict) for q in cw.claims().qualifiers)
    events = cw.timeline("mikron")
    assert "value_json" not in events.columns
    assert [v for v in events.value if v is not None] and not any(isinstance(v, str) and v.startswith(("{", "["))
                                                                   for v in events.value)
    (item,) = cw.claims_with_evidence(cw.claims(subject="mikron", predicate="capacity"))
    assert item["value"] == 5000 and item["evidence"] and item["evidence"][0]["quote"]


# -- errors ---------------------------------------------------------------------------------

def test_errors_name_the_api_not_cli_flags(cw, tmp_path):
    cases = [
        (lambda: cw.claims(as_of="2022-02-30"), "cw.claims: as_of='2022-02-30' is not an as-of period"),
        (lambda: cw.claims(status="rumour"), "cw.claims: status=rumour: not a status"),
        (lambda: cw.entity_view("mikron", "2022-13"), "cw.entity_view: as_of='2022-13'"),
        (lambda: cw.resolve("zzqqxx"), "try cw.search('zzqqxx')"),
        (lambda: cw.screen("Mikron"), "import one: cw.lists.import_('ofac', path)"),
        (lambda: cw.trade.spikes("8542", "RU"), "cw.trade.import_('eurostat-xlsx', path)"),
        (lambda: chipwatch.open(tmp_path / "none.duckdb"), "or give chipwatch.open the store's path"),
    ]
    for call, fragment in cases:
        with pytest.raises(ChipwatchError) as info:
            call()
        message = str(info.value)
        assert fragment in message and "--" not in message and "\n" not in message, message


def test_the_cli_keeps_its_own_words(russia_db):
    assert_user_error(run_cli("show", "mikron", "--as-of", "2022-02-30", db=russia_db), "--as-of")
    assert_user_error(run_cli("claims", "--status", "rumour", db=russia_db), "--status rumour")
    assert_user_error(run_cli("show", "zzqqxx", db=russia_db), "chipwatch search zzqqxx")


# -- lists ----------------------------------------------------------------------------------

def test_lists_import_versions_and_diff(api_db, imported):
    assert imported["bis"]["version"] == "bis-2022-09-01" and imported["bis"]["entries"] == 461
    assert imported["bis-later"]["entries"] == 460 and imported["ftm"]["relations"] == 14
    with chipwatch.open(api_db) as cw:
        versions = {v["id"]: v for v in cw.lists.versions()}
        assert set(versions) == {"bis-2022-09-01", "bis-2022-10-01", "ftm-2026-06-01"}
        assert versions["ftm-2026-06-01"]["entries"] == 17 and isinstance(versions["bis-2022-09-01"]["entries"], int)
        d = cw.lists.diff("bis-2022-09-01", "bis-2022-10-01")
        assert d["counts"] == {"added": 0, "removed": 1, "changed": 0}
        assert [(e["change"], e["caption"].strip()) for e in d["entries"]] == [("removed", "I. ASH")]
        with pytest.raises(ChipwatchError, match=r"cw.lists.diff: no list version 'bis-1999'; cw.lists.versions\(\)"):
            cw.lists.diff("bis-1999", "bis-2022-10-01")


def test_lists_owned_is_the_libraries_answer(api_db, imported):
    from chipwatch.screening.ownership import owned_in_version

    with chipwatch.open(api_db) as cw:
        assert CST not in {o.asset for o in cw.lists.owned("ftm-2026-06-01")}  # the stake ended in 2019
        then = cw.lists.owned("ftm-2026-06-01", as_of="2018")
        assert then == sorted(owned_in_version(cw.store, "ftm-2026-06-01", "duckdb", "2018-01-01").values(),
                              key=lambda o: (o.reason, o.asset))
        captions = dict(cw.store.con.execute("SELECT list_id, caption FROM list_entries "
                                             "WHERE version = 'ftm-2026-06-01'").fetchall())
        assert {captions[o.asset]: o.reason for o in then}[CST] == "owned"
        with pytest.raises(ChipwatchError, match=r"cw.lists.owned: as_of='2018-13' is not a day"):
            cw.lists.owned("ftm-2026-06-01", as_of="2018-13")
        with pytest.raises(ChipwatchError, match=r"cw.lists.import_: list kind 'sdn': unknown"):
            cw.lists.import_("sdn", need_shared("data", "bis", "dpl.txt"))


# -- screening ------------------------------------------------------------------------------

def test_screen_names_and_a_person(api_db, imported):
    from chipwatch.screening.matcher import Query
    from chipwatch.screening.screen import screen as library_screen

    with chipwatch.open(api_db) as cw:
        got = cw.screen(["AARON ABRAHAM VILLA", "Mikron"], today=date(2022, 9, 15))
        (villa,) = [h for h in got["1"] if h.list == "bis"]
        assert (villa.version, villa.name, villa.reason, villa.score) == ("bis-2022-10-01", "AARON ABRAHAM VILLA", "listed", 1.0)
        assert {v.id for v in got.lists} >= {"bis-2022-10-01", "ftm-2026-06-01"}  # the latest of each kind
        direct = library_screen(cw.store, {"1": Query(["AARON ABRAHAM VILLA"]), "2": Query(["Mikron"])},
                                today=date(2022, 9, 15))
        assert [h.to_dict() for h in got["1"]] == [h.to_dict() for h in direct["1"]]
        assert [h.to_dict() for h in got["2"]] == [h.to_dict() for h in direct["2"]]
        assert any(h.list == "kb" and h.entity == "mikron" for h in got["2"])
        person = cw.screen(first_name="Aaron", last_name="Villa", lists=["bis"], today=date(2022, 9, 15))
        assert [h.name for h in person["1"]][:1] == ["AARON ABRAHAM VILLA"]
        only_ftm = cw.screen("AARON ABRAHAM VILLA", lists="ftm", today=date(2022, 9, 15))
        assert {v.kind for v in only_ftm.lists} == {"ftm"} and not [h for h in only_ftm["1"] if h.list == "bis"]


def test_screen_errors_name_its_parameters(api_db, imported, tmp_path):
    with chipwatch.open(api_db) as cw:
        cases = [
            (dict(names="x", threshold=1.5), "cw.screen: threshold=1.5: give a score between 0 and 1"),
            (dict(), "cw.screen: give names, or first_name= and last_name="),
            (dict(names="x", file=tmp_path / "q.csv"), "not both"),
            (dict(names="x", birth_date="yesterday"), "birth_date='yesterday': not a date"),
            (dict(names="x", countries="Atlantis"), "countries='Atlantis': not a country"),
            (dict(names="x", lists="ofac"), "cw.screen: lists=ofac: no such list imported"),
            (dict(names="x", engine="gpu"), "cw.screen: engine=gpu: unknown"),
            (dict(names=7), "names=7: give a string or a list of strings"),
            (dict(file=tmp_path / "none.csv"), "cw.screen: " + str(tmp_path / "none.csv") + ": file not found"),
        ]
        for kwargs, fragment in cases:
            with pytest.raises(ChipwatchError) as info:
                cw.screen(**kwargs)
            assert fragment in str(info.value) and "--" not in str(info.value), (kwargs, str(info.value))


# -- trade ----------------------------------------------------------------------------------

def test_trade_spikes_mirror_breaks_as_the_library_gives_them(api_db, imported):
    from chipwatch.trade.breaks import breaks, to_dicts
    from chipwatch.trade.engine import FlowEngine
    from chipwatch.trade.mirror import mirror
    from chipwatch.trade.spikes import spikes

    assert imported["trade"]["rows"] > 10_000
    with chipwatch.open(api_db) as cw:
        assert {i["kind"] for i in cw.trade.imports()} == {"eurostat-csv"}
        s = cw.trade.spikes("TOTAL", "RU", origin="EU")
        by = {g.dest: g for g in s.growth}
        assert by["RU"].trend == "falling" and "KZ" in {g.dest for g in s.roundabout}
        m = cw.trade.mirror("KZ", years=(2019, 2023))
        assert [y.year for y in m.years] == [2019, 2020, 2021, 2022, 2023] and m.years[0].flag == "in band"
        found = cw.trade.breaks("TOTAL", origin="EU")
        b = {x.dest: x for x in found}
        assert b["RU"].significant and b["RU"].direction == "down"
        with FlowEngine.for_store(api_db) as eng:
            assert s.to_dict() == spikes(eng, "TOTAL", "RU", "EU27").to_dict()
            assert m.to_dict() == mirror(eng, "KZ", "EU27", "TOTAL", (2019, 2023)).to_dict()
            assert to_dicts(found) == to_dicts(breaks(eng, "TOTAL", origin="EU27"))


def test_trade_errors_name_its_parameters(api_db, imported):
    with chipwatch.open(api_db) as cw:
        cases = [
            (lambda: cw.trade.spikes("TOTAL", "XX"), "cw.trade.spikes: target=XX: not a country"),
            (lambda: cw.trade.spikes("TOTAL", "RU", origin="Atlantis"), "cw.trade.spikes: origin=Atlantis"),
            (lambda: cw.trade.spikes("TOTAL", "RU", baseline="2021-2020"), "baseline=2021-2020: the first year"),
            (lambda: cw.trade.spikes("99x", "RU"), "cw.trade.spikes: product=99x: give an HS/CN code"),
            (lambda: cw.trade.mirror("KZ", band=(2, 1)), "cw.trade.mirror: band=2,1"),
            (lambda: cw.trade.breaks("TOTAL", by="colour"), "cw.trade.breaks: by=colour: use one of"),
            (lambda: cw.trade.breaks("TOTAL", at="February"), "cw.trade.breaks: at=February: give a month"),
            (lambda: cw.trade.import_("nope", "/tmp"), "cw.trade.import_: trade import kind 'nope'"),
        ]
        for call, fragment in cases:
            with pytest.raises(ChipwatchError) as info:
                call()
            assert fragment in str(info.value) and "--" not in str(info.value), str(info.value)


def test_trade_derive_writes_claims_the_store_then_shows(api_db, imported, tmp_path):
    db = tmp_path / "store.duckdb"
    shutil.copyfile(api_db, db)
    with chipwatch.open(db) as cw:
        written = cw.trade.derive("TOTAL", "RU", origin="EU")
        via = {c["object"]: c for c in written["claims"]}
        assert "kazakhstan" in via and via["kazakhstan"]["predicate"] == "transits_via"
        assert "Chow test" in via["kazakhstan"]["note"]
        ours = cw.claims(predicate="transits_via", object="kazakhstan")  # read again: the claim is there
        assert via["kazakhstan"]["id"] in set(ours.id)
        assert ours[ours.id == via["kazakhstan"]["id"]].iloc[0].qualifiers["to"] == "russia"
        with pytest.raises(ChipwatchError, match=r"cw.trade.derive: at=Feb: give a month"):
            cw.trade.derive("TOTAL", "RU", origin="EU", at="Feb")
