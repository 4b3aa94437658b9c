"""Technology gap against the sourced reference table (datasets/reference)."""

import json

import pytest
from conftest import assert_user_error, run_cli

from chipwatch.analysis.gap import gap, node_years
from chipwatch.errors import ChipwatchError
from chipwatch.store import Store


@pytest.fixture(scope="module")
def full_db(reference_db):
    return reference_db


def test_reference_table_is_sourced_claims(full_db):
    with Store(full_db) as s:
        table = node_years(s)
        assert table[65.0][0] == 2005 and table[28.0][0] == 2011  # disputed years are not used
        ev = s.evidence([table[65.0][1]])
        assert len(ev) and ev.quote.str.len().min() > 0


def test_gap_in_years_against_the_leading_edge(full_db):
    with Store(full_db) as s:
        rows = {g.subject: g for g in gap(s, "2024")}
        mikron = rows["mikron"]
        assert mikron.best == "65 nm" and mikron.details["node_year"] == 2005
        assert mikron.years_behind == mikron.details["leading_year"] - 2005
        assert {t["node_nm"] for t in mikron.targets} >= {40.0}  # the planned 40 nm, a target, not a node
        # a foreign fab is a supplier to Russia, not a Russian laggard (was "SMIC 14 years behind")
        smic = rows["smic"]
        assert smic.kind == "supplier" and smic.years_behind is None and smic.best == "40 nm"
        assert "foreign supplier" in smic.sentence and "speculated" in smic.sentence
        nitol = rows["nitol"]
        assert nitol.kind == "purity" and nitol.details["nines_short"] == 5 and nitol.years_behind == 15
        older = {g.subject: g for g in gap(s, "2021")}
        assert older["mikron"].years_behind < mikron.years_behind  # the leading edge moved on


def test_gap_without_reference_says_how_to_get_it(russia_db):
    with Store(russia_db) as s, pytest.raises(ChipwatchError, match="datasets/reference"):
        gap(s)
    assert_user_error(run_cli("gap", db=russia_db), "reference table")


def test_cli_gap(full_db):
    r = run_cli("gap", "--as-of", "2024", "--json", db=full_db)
    items = json.loads(r.out)
    assert any(g["subject"] == "mikron" and g["reference_claims"] for g in items)
    r = run_cli("gap", db=full_db)
    assert r.code == 0 and "years" in r.out


def test_foreign_fabs_are_suppliers_and_one_default_period(full_db):
    """gap --as-of 2021 once said TSMC was '9 years behind'; without --as-of periods mixed."""
    with Store(full_db) as s:
        old = {g.subject: g for g in gap(s, "2021")}
        assert old["tsmc"].kind == "supplier" and old["tsmc"].years_behind is None
        assert "Baikal-M" in old["tsmc"].sentence and "28 nm" in old["tsmc"].sentence
        assert all(g.kind != "node" or g.subject in ("mikron", "angstrom-t", "russia") for g in old.values())
        default = gap(s)  # the latest year the data covers (2024: Angstrom-T's bankruptcy)
        assert {g.as_of for g in default} == {"2024"}
        assert all(g.sentence.startswith("As of 2024") or "as of 2024" in g.sentence for g in default)
        assert [g.to_dict() for g in default] == [g.to_dict() for g in gap(s, "2024")]
        assert {g.subject: g.years_behind for g in default if g.kind == "node"}["angstrom-t"] == 2022 - 2001
        # another country's capability: China's fabs; Russia's own fabs are then suppliers or absent
        cn = {g.subject: g for g in gap(s, "2024", country="CN")}
        assert cn["smic"].kind == "node" and "mikron" not in cn


def test_cli_gap_states_the_period_and_takes_a_country(full_db):
    r = run_cli("gap", db=full_db)
    assert r.code == 0 and "as of 2024" in r.out and "supplier" in r.out, r
    items = json.loads(run_cli("gap", "--country", "CN", "--json", db=full_db).out)
    assert {g["country"] for g in items} == {"CN"}
    assert_user_error(run_cli("gap", "--as-of", "1990", db=full_db), "as of 1990", "later --as-of")
