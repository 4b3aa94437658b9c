"""The FollowTheMoney export, checked by followthemoney itself (every schema, property, value
and reference), by `ftm validate`, by yente's own entity and index code (in its venv), and
against how OpenSanctions maps the same things (zala.ftm.json)."""

import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from conftest import MINI_SHARED, assert_user_error, need_shared, run_cli
from test_yente import yente_python

from chipwatch.store import Store


def export(db, out, *args):
    r = run_cli("export", "--format", "ftm", "-o", str(out), *args, db=db)
    assert r.code == 0, r
    return r, [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def kb(russia_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("ftm") / "chipwatch.ftm.json"
    r, lines = export(russia_db, out)
    return r, lines, out


def check_followthemoney(lines: list[dict], exact: bool = True) -> None:
    """Every schema and property exists, every value survives FtM's own cleaning (`exact`:
    unchanged by it), every entity reference names an entity in the file of the schema the
    property expects."""
    from followthemoney import model

    by_id = {e["id"]: e for e in lines}
    assert len(by_id) == len(lines), "ids are unique"
    for data in lines:
        schema = model.get(data["schema"])
        assert schema is not None, data["schema"]
        assert data["properties"], data["id"]
        for name, values in data["properties"].items():
            prop = schema.get(name)
            assert prop is not None, (data["id"], name)
            assert values and all(isinstance(v, str) for v in values), (data["id"], name, values)
            for v in values:
                assert prop.type.clean(v) is not None, (data["id"], name, v)
                if prop.type.name == "entity":
                    assert v in by_id, (data["id"], name, v)
                    assert model.get(by_id[v]["schema"]).is_a(prop.range), (data["id"], name, by_id[v]["schema"])
        if not exact:
            continue
        proxy = model.get_proxy(data, cleaned=False)  # cleans: a value FtM refuses or rewrites would differ
        as_cleaned = {k: sorted(v) for k, v in proxy.properties.items() if k != "country"}
        # (a historic country code, OFAC's `an`, is kept as the list gives it; FtM maps it to `nl`)
        assert as_cleaned == {k: sorted(v) for k, v in data["properties"].items() if k != "country"}, data["id"]


def ftm_validate(path: Path, tmp_path: Path) -> int:
    ftm = shutil.which("ftm") or str(Path(sys.executable).with_name("ftm"))
    cleaned = tmp_path / "cleaned.json"
    proc = subprocess.run([ftm, "validate", "-i", str(path), "-o", str(cleaned)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return len(cleaned.read_text(encoding="utf-8").splitlines())


def test_every_entity_is_valid_followthemoney(kb, tmp_path):
    _, lines, out = kb
    check_followthemoney(lines)
    assert ftm_validate(out, tmp_path) == len(lines)
    assert {"Company", "PublicBody", "Organization", "Asset", "Address", "Sanction", "Ownership", "Succession",
            "UnknownLink"} <= {e["schema"] for e in lines}


def test_sanctions_carry_what_opensanctions_gives(kb):
    _, lines, _ = kb
    zala = [json.loads(x) for x in need_shared("data", "opensanctions", "zala.ftm.json").read_text().splitlines()]
    theirs = next(e for e in zala if e["schema"] == "Sanction" and e["properties"].get("authorityId") == ["45928"])
    sanctions = [e for e in lines if e["schema"] == "Sanction"]
    baikal = next(s for s in sanctions if s["properties"]["entity"] == ["cw-baikal-electronics"]
                  and s["properties"].get("program"))
    p = baikal["properties"]
    missing = set(theirs["properties"]) - set(p) - {"reason", "programUrl", "summary", "sourceUrl"}
    assert not missing, missing  # reason/programUrl: not in our sources; summary/sourceUrl: ours are the quotes
    assert p["authorityId"] == ["39178"] and p["program"] == ["RUSSIA-EO14024"]
    assert p["programId"] == theirs["properties"]["programId"] == ["US-RUSHAR"]
    assert p["country"] == ["us"] and "RUSSIA-EO14024" in p["provisions"]
    # the list number is the Sanction's, not a registration number of the company
    assert not any("registrationNumber" in e["properties"] for e in lines)
    baikal_entity = next(e for e in lines if e["id"] == "cw-baikal-electronics")
    assert "7707767484" in baikal_entity["properties"]["innCode"]
    rostec = sorted(s["properties"]["program"][0] for s in sanctions
                    if s["properties"]["entity"] == ["cw-rostec"] and s["properties"].get("program"))
    assert rostec == ["RUSSIA-EO14024", "UKRAINE-EO13662"]  # one Sanction per program, as OpenSanctions
    mikron = next(s for s in sanctions if s["properties"]["entity"] == ["cw-mikron"] and s["properties"].get("program"))
    assert mikron["properties"]["listingDate"] == ["2022"]  # dated by the list snapshots


def test_topics_follow_the_sanction_claims(kb, russia_db):
    _, lines, _ = kb
    with Store(russia_db) as s:
        c = s.claims(predicate="sanctioned_by", status="fact")
        expected = {"cw-" + e for e in c.subject} & {e["id"] for e in lines}
    tagged = {e["id"] for e in lines if "sanction" in e["properties"].get("topics", [])}
    assert tagged == expected and "cw-baikal-electronics" in tagged
    assert "gov.soe" in next(e for e in lines if e["id"] == "cw-rostec")["properties"]["topics"]


YENTE_CHECK = """
import json, sys
from followthemoney import model
from yente.data.entity import Entity
from yente.search.indexer import build_indexable_entity_doc
out = {"unknown": [], "changed": [], "sanction": []}
for line in open(sys.argv[1], encoding="utf-8"):
    data = json.loads(line)
    schema = model.get(data["schema"])
    if schema is None:
        out["unknown"].append(data["id"]); continue
    proxy = model.get_proxy(data, cleaned=False)
    if {k: sorted(v) for k, v in proxy.properties.items()} != {k: sorted(v) for k, v in data["properties"].items()}:
        out["changed"].append(data["id"])
    doc = build_indexable_entity_doc(Entity(schema, proxy.to_dict(), cleaned=True))
    if doc["target"] and "sanction" in doc["properties"].get("topics", []) and "russia" in doc["datasets"]:
        out["sanction"].append(doc["entity_id"])
print(json.dumps(out))
"""


def test_yente_indexes_them_and_finds_the_sanctioned(kb):
    """What yente 5.5 would put in its index: every entity loads unchanged, and a
    `topics=sanction` filter on the dataset finds the sanctioned parties."""
    _, lines, out = kb
    proc = subprocess.run([yente_python(), "-c", YENTE_CHECK, str(out)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = json.loads(proc.stdout)
    assert got["unknown"] == [] and got["changed"] == []
    assert set(got["sanction"]) == {e["id"] for e in lines if "sanction" in e["properties"].get("topics", [])}
    assert "cw-baikal-electronics" in got["sanction"]


def test_links_carry_claim_status_dates_and_ownership_role(kb, russia_db):
    _, lines, _ = kb
    with Store(russia_db) as s:
        status = {c["id"]: c["status"] for c in s.records("claims")}
    links = [e for e in lines if "recordId" in e["properties"]]
    assert links and all(e["properties"]["status"] == [status[e["properties"]["recordId"][0]]] for e in links)
    by_claim = {e["properties"]["recordId"][0]: e for e in links}
    assert by_claim["baikal-electronics-90nm-lithography-prototype-2023"]["properties"]["status"] == ["planned"]
    assert by_claim["irkutsk-sic-fab-located-in-urals-per-footnote-17"]["properties"]["status"] == ["disputed"]
    own = by_claim["irkutsk-sic-fab-owned-by-cetc"]
    assert own["schema"] == "Ownership" and own["properties"]["role"] == ["joint-venture partner (合資)"]
    tsmc = by_claim["tsmc-fabricates-baikal-m"]["properties"]
    assert (tsmc["startDate"], tsmc["endDate"]) == (["2020"], ["2022"])
    assert by_claim["angstrom-successor-of-niitt"]["schema"] == "Succession"


def test_value_claims_become_entity_properties(kb):
    _, lines, _ = kb
    by_id = {e["id"]: e["properties"] for e in lines}
    assert by_id["cw-baikal-electronics"]["incorporationDate"] == ["2012"]
    assert "bankrupt (2024-12)" in by_id["cw-angstrom-t"]["status"]
    assert "addressEntity" in by_id["cw-gazprom-neon-refinery"]


def test_summary_accounts_for_every_claim(kb, russia_db):
    r, lines, _ = kb
    with Store(russia_db) as s:
        claims = s.records("claims")
        countries = set(s.entities(type="country").id) | set(s.entities(type="country_group").id)
    rows = [line.strip() for line in r.out.splitlines()]
    head = rows[0]
    assert head.startswith("wrote ") and "left out" in r.out
    left = {}
    for row in rows[rows.index(next(x for x in rows if x.startswith("left out"))) + 1:]:
        n, reason = row.split(None, 1)
        left[reason] = int(n)
    as_props = int(head.split(" claims as entity properties")[0].rsplit(" ", 1)[1])
    claim_reasons = {k: n for k, n in left.items() if "claims" in k.split("(")[0]}
    link_claims = {e["properties"]["recordId"][0] for e in lines if "recordId" in e["properties"]}
    assert len(link_claims) + as_props + sum(claim_reasons.values()) == len(claims)
    from_country = sum(1 for c in claims if c["subject"] in countries and c.get("object"))
    assert from_country == 98  # the count
    reason = next(k for k in left if k.startswith("claims whose subject is a country"))
    assert left[reason] == sum(1 for c in claims if c["subject"] in countries)
    assert f"relation cooperates_with {sum(1 for c in claims if c['subject'] in countries and c['predicate'] == 'cooperates_with' and c.get('object'))}" in reason


def test_as_of_is_counted_as_a_reason(russia_db, tmp_path):
    r, lines = export(russia_db, tmp_path / "x.json", "--as-of", "2023")
    assert "claims not valid in 2023 (--as-of)" in r.out
    assert not any(e["properties"].get("recordId") == ["tsmc-fabricates-baikal-m"] for e in lines)


MINI_CLAIMS = """
- id: mikron-owned-by-baikal
  subject: mikron
  predicate: owned_by
  object: baikal-electronics
  qualifiers: {share_pct: 51}
  valid_from: "2021-03"
  valid_to: "2023"
  status: fact
  evidence:
    - {source: mini-seed, locator: ¶2, quote: 米克朗月產能大約為 5 千片 8 英寸晶圓片}
- id: smic-dissolved
  subject: smic
  predicate: status
  value: dissolved
  valid_from: "2024-05"
  status: fact
  evidence:
    - {source: mini-seed, locator: ¶1, quote: 據推測可能透過中芯國際以 40 奈米製程代工}
- id: tsmc-bankrupt-maybe
  subject: tsmc
  predicate: status
  value: bankrupt
  status: speculated
  evidence:
    - {source: mini-seed, locator: ¶1, quote: 原採用台積電 28 奈米製程代工}
"""


def test_percentage_dissolution_and_unstated_status(mini, tmp_path, mini_env):
    """Synthetic claims (test data only): a 51 % stake, a dissolution, a speculated status."""
    from chipwatch.store import build_store

    (mini / "claims" / "extra.yaml").write_text(MINI_CLAIMS, encoding="utf-8")
    db = tmp_path / "mini.duckdb"
    build_store([mini], db, shared=MINI_SHARED)
    r, lines = export(db, tmp_path / "mini.ftm.json")
    check_followthemoney(lines)
    by_id = {e["id"]: e for e in lines}
    own = by_id["cw-claim-mikron-owned-by-baikal"]["properties"]
    assert (own["percentage"], own["startDate"], own["endDate"]) == (["51"], ["2021-03"], ["2023"])
    assert own["owner"] == ["cw-baikal-electronics"] and own["asset"] == ["cw-mikron"]
    smic = by_id["cw-smic"]["properties"]
    assert smic["dissolutionDate"] == ["2024-05"] and smic["status"] == ["dissolved (2024-05)"]
    assert "status" not in by_id["cw-tsmc"]["properties"]
    assert "value claims not stated as fact (an entity property cannot carry a status) (status speculated 1)" in r.out


# --- imported lists --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def with_lists(lists_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("ftm-lists") / "all.ftm.json"
    r, lines = export(lists_db, out, "--lists", "all")
    return r, lines, out


def test_lists_are_exported_valid(with_lists, lists_db, tmp_path):
    r, lines, out = with_lists
    check_followthemoney(lines, exact=False)  # list text as the list gives it (FtM would tidy ",," in addresses)
    assert ftm_validate(out, tmp_path) == len(lines)
    with Store(lists_db) as s:
        entries = dict(s.con.execute("SELECT version, count(*) FROM list_entries GROUP BY 1").fetchall())
        programs = s.con.execute("SELECT sum(len(programs)) FROM list_entries WHERE version LIKE 'ofac-%'").fetchone()[0]
    per = Counter((e["datasets"][0], e["schema"]) for e in lines if e["datasets"][0] in entries)
    parties = Counter()
    for (version, schema), n in per.items():
        if schema not in ("Sanction", "Ownership"):
            parties[version] += n
    assert dict(parties) == entries
    assert per[("ofac-2024-05-03", "Sanction")] == programs
    assert f"{sum(entries.values()) + programs + per[('ftm-2026-06-01', 'Ownership')]} list items" in r.out


def test_list_entries_mapped_like_opensanctions(with_lists):
    _, lines, _ = with_lists
    by_id = {e["id"]: e for e in lines}
    baikal = by_id["ofac-39178"]["properties"]
    assert baikal["innCode"] == ["7707767484"] and baikal["topics"] == ["sanction"]
    (sanction,) = [e for e in lines if e["schema"] == "Sanction" and e["properties"]["entity"] == ["ofac-39178"]]
    assert sanction["properties"]["authorityId"] == ["39178"]
    assert sanction["properties"]["authority"] == ["Office of Foreign Assets Control"]
    zala = [json.loads(x) for x in need_shared("data", "opensanctions", "zala.ftm.json").read_text().splitlines()]
    def stake(o):
        p = o["properties"]
        return o["id"], p["owner"][0], p["asset"][0], *(tuple(p.get(k, [])) for k in ("percentage", "startDate", "endDate"))

    ours = {stake(o) for o in lines if o["schema"] == "Ownership" and o["datasets"] == ["ftm-2026-06-01"]}
    assert ours == {stake(o) for o in zala if o["schema"] == "Ownership"}  # every stake, as OpenSanctions gives it
    assert any(s[3] == ("51",) for s in ours)
    zala_by_id = {e["id"]: e for e in zala}
    kept = [e for e in lines if e["datasets"] == ["ftm-2026-06-01"] and e["schema"] not in ("Ownership",)]
    assert kept and all(e["id"] in zala_by_id and zala_by_id[e["id"]]["schema"] == e["schema"] for e in kept)


def test_lists_option_errors(lists_db, russia_db, tmp_path):
    out = str(tmp_path / "x.json")
    assert_user_error(run_cli("export", "-f", "ftm", "-o", out, "--lists", "ofac-1999-01-01", db=lists_db),
                      "no such list version", "ofac-2024-05-03")
    assert_user_error(run_cli("export", "-f", "gexf", "-o", out, "--lists", "all", db=lists_db), "only --format ftm")
    db = tmp_path / "two.duckdb"
    shutil.copyfile(lists_db, db)
    assert run_cli("lists", "import", "ofac", str(need_shared("data", "ofac", "sdn-2022-04-01.csv")), db=db).code == 0
    assert_user_error(run_cli("export", "-f", "ftm", "-o", out, "--lists", "ofac-2022-04-01", "--lists",
                              "ofac-2024-05-03", db=db), "two versions of one list")
    assert not (tmp_path / "x.json").exists()
    assert "--lists" in run_cli("export", "--help").out
