"""Timelines through predecessor/successor chains; sanctions designations dated by claims
and bounded by the OFAC snapshots, one row each."""

import json
import shutil

import pytest
from conftest import need_shared, run_cli

from chipwatch.analysis.sanctions import designations
from chipwatch.analysis.timeline import lineage, timeline


def test_lineage_follows_successor_chains(cw):
    assert lineage(cw.store, "angstrom-t") == {"angstrom-t": "itself", "angstrom": "predecessor",
                                               "niitt": "predecessor", "angstrom-plant": "predecessor"}
    assert lineage(cw.store, "niitt")["angstrom-t"] == "successor"


def test_angstrom_t_timeline_starts_in_1963(cw):
    """`timeline Angstrom-T` once started in 2021: 1963, 1993 and 2017 sat on its predecessors."""
    df = timeline(cw.store, "angstrom-t")
    years = [str(d)[:4] for d in df.date]
    assert years[0] == "1963" and {"1993", "2017", "2021", "2024"} <= set(years) and years == sorted(years)
    by_claim = dict(zip(df.claim_id, df.relation, strict=True))
    assert by_claim["niitt-founded-1963"] == by_claim["angstrom-taken-over-by-veb-rf-2017"] == "predecessor"
    assert by_claim["angstrom-t-bankrupt-2024-12"] == "itself"
    assert not df.duplicated(["claim_id", "event"]).any()
    own = timeline(cw.store, "angstrom-t", follow=False)
    assert str(own.date.iloc[0]) == "2021"


def test_cli_timeline_lineage(russia_db):
    r = run_cli("timeline", "Angstrom-T", db=russia_db)
    assert r.code == 0 and "1963" in r.out and "predecessor" in r.out, r
    items = json.loads(run_cli("timeline", "Angstrom-T", "--no-follow", "--json", db=russia_db).out)
    assert items and all(e["date"] >= "2021" for e in items)


@pytest.fixture(scope="module")
def ofac_db(russia_db, tmp_path_factory):
    """The bundled store with the three OFAC SDN snapshots imported."""
    db = tmp_path_factory.mktemp("ofac3") / "store.duckdb"
    shutil.copyfile(russia_db, db)
    for date in ("2022-02-23", "2022-04-01", "2024-05-03"):
        r = run_cli("lists", "import", "ofac", str(need_shared("data", "ofac", f"sdn-{date}.csv")), db=db)
        assert r.code == 0, r
    return db


@pytest.fixture(scope="module")
def found(ofac_db):
    import chipwatch

    with chipwatch.open(ofac_db) as cw:
        return {(d.subject, d.authority): d for d in designations(cw.store)}


def test_one_row_per_designation(found, cw):
    claims = cw.claims(predicate="sanctioned_by")
    assert len(found) == len(set(zip(claims.subject, claims.object, strict=True))) < len(claims)
    assert sorted(c for d in found.values() for c in d.claims) == sorted(claims.id)


def test_snapshots_bound_the_dates(found):
    """OFAC dates were blank for Baikal, MCST, Milandr and Angstrom-T although the snapshots bound them."""
    mikron = found[("mikron", "ofac")]
    assert (mikron.not_listed_on, mikron.listed_on, mikron.list_id) == ("2022-02-23", "2022-04-01", "35936")
    for who in ("baikal-electronics", "mcst", "milandr"):
        d = found[(who, "ofac")]
        assert (d.not_listed_on, d.listed_on) == ("2022-04-01", "2024-05-03") and d.date == "2024-05-03", who
    assert found[("angstrom-t", "ofac")].listed_on == "2022-02-23" and found[("angstrom-t", "ofac")].not_listed_on is None
    assert sum(d.date is None for d in found.values()) < 3  # only designations no list speaks to stay undated


def test_claimed_dates_the_snapshots_contradict_are_shown(found):
    """Mikron 'sanctioned since 2014 by Western countries': the SDN list did not hold it on 2022-02-23."""
    west = found[("mikron", "western-countries")]
    assert west.claimed == ["2014", "2022"] and "2022-02-23" in west.conflict and "2014" in west.conflict
    assert west.conflict == str(west.conflict_msg)  # and in Chinese, dates as Taiwan writes them
    assert west.conflict_msg.text("zh-TW") == ("陳述稱自 2014 年起，但 2022年2月23日的 OFAC SDN 名單快照並未列入 #35936；"
                                               "其中的美國是在 2022年2月23日至 2022年4月1日之間將其列入")
    assert found[("mikron", "ofac")].conflict is None and found[("baikal-electronics", "western-countries")].conflict is None


def test_cli_and_api_designations(ofac_db):
    r = run_cli("timeline", "--sanctions", "--json", db=ofac_db)
    rows = json.loads(r.out)
    assert r.code == 0 and any(x["subject"] == "milandr" and x["listed_on"] == "2024-05-03" for x in rows)
    r = run_cli("timeline", "Mikron", "--sanctions", db=ofac_db, env={"COLUMNS": "300"})
    assert r.code == 0 and "added between 2022-02-23 and 2022-04-01" in r.out, r
    from fastapi.testclient import TestClient

    from chipwatch.server import create_app

    with TestClient(create_app(ofac_db)) as client:
        api = client.get("/api/sanctions/designations").json()
        assert {(x["subject"], x["authority"]) for x in api} == {(x["subject"], x["authority"]) for x in rows}
        events = client.get("/api/timeline?entity=angstrom-t").json()
        assert events[0]["date"] == "1963"


def test_report_sanctions_section_rows_are_designations(ofac_db):
    import chipwatch
    from chipwatch.report.context import Context
    from chipwatch.report.document import Table
    from chipwatch.report.phrasing import Phrasing
    from chipwatch.report.sanctions_section import sanctions_section

    with chipwatch.open(ofac_db) as cw:
        for lang, added in (("en", "added between 2022-02-23 and 2022-04-01"), ("zh-TW", "於 2022-02-23 至 2022-04-01 間列入")):
            ctx = Context(cw, lang)
            table = next(b for b in sanctions_section(ctx, Phrasing(ctx)).blocks if isinstance(b, Table))
            keys = [(r[1].text, r[2].text) for r in table.rows]
            assert len(keys) == len(set(keys))
            mikron = [r for r in table.rows if r[1].text == ctx.name("mikron")]
            assert any(added in r[4].text for r in mikron)
