"""The scenario engine: a supply network built from claims, an LP with shadow prices,
Monte Carlo over uncertain inputs, and one-line errors for bad scenario files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from chipwatch.errors import ChipwatchError
from chipwatch.i18n.message import jsonable
from chipwatch.scenarios import (
    build_network,
    list_scenarios,
    load_scenario,
    render_result,
    run_scenario,
)

BUNDLED = ["baseline", "chinese-refining-stops", "gray-channel-closed", "no-chinese-equipment", "ruble-minus-30",
           "smic-stops", "tsmc-exit-2022"]
DRAWS = 400


@pytest.fixture(scope="module")
def results(cw) -> dict:
    return {name: run_scenario(cw, load_scenario(name), draws=DRAWS, seed=7) for name in BUNDLED}


def _write(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def _scenario(tmp_path: Path, name: str, extra: str, as_of: str | None = None) -> Path:
    head = f"name: {name}\nextends: baseline\ntitle: {{en: {name}}}\ndescription: {{en: a test scenario}}\n"
    if as_of:
        head += f'as_of: "{as_of}"\n'
    return _write(tmp_path, name, head + extra)


def _mean(res: dict, part: str, key: str, ref: bool = False) -> float:
    return res["reference_montecarlo" if ref else "montecarlo"][part][key]["mean"]


# -- listing and loading ------------------------------------------------------------------

def test_bundled_scenarios_are_listed_with_titles_in_two_languages():
    listed = {s["name"]: s for s in list_scenarios()}
    assert sorted(listed) == BUNDLED
    for s in listed.values():
        assert s["title"] and s["description"] and s["title_zh-Hant"] and s["description_zh-Hant"]
    assert listed["tsmc-exit-2022"]["as_of"] == "2022-06"
    assert listed["smic-stops"]["as_of"] == "2024-06"  # inherited from baseline


def test_every_bundled_scenario_cites_claims_and_loads(cw):
    for name in BUNDLED:
        sc = load_scenario(name)
        assert sc.motivated_by, name
        json.dumps(sc.to_dict())
    with pytest.raises(ChipwatchError, match="no scenario 'nope'"):
        load_scenario("nope")


# -- the network comes from the claims -------------------------------------------------------

def test_network_is_built_from_claims_valid_at_the_date(cw, tmp_path):
    before = build_network(cw, load_scenario(str(_scenario(tmp_path, "as-2021", "", as_of="2021"))))
    after = build_network(cw, load_scenario(str(_scenario(tmp_path, "as-2023", "", as_of="2023"))))
    arcs21 = {a.id: a for a in before.arcs}
    arcs23 = {a.id: a for a in after.arcs}
    assert arcs21["tsmc>baikal-m"].claims == ["tsmc-fabricates-baikal-m"]
    assert arcs21["tsmc>elbrus-16s"].claims == ["tsmc-fabricates-elbrus-16s"]
    assert not any(a.startswith("tsmc>") for a in arcs23)
    assert "smic>baikal-m" not in arcs21  # SMIC (supposed) only after the 2022 sanctions
    assert arcs23["smic>elbrus-16s"].status == "speculated"
    sub = arcs23["mikron>baikal-m"]  # Mikron's 65 nm replaces TSMC's 28 nm from 2023
    assert sub.substitution and sub.node_nm == 65 and sub.ref_node == 28 and sub.claims == ["mikron-fabricates-baikal-m"]
    known = set(cw.claims().id)
    for a in after.arcs:
        assert a.assumed or (a.claims and set(a.claims) <= known), a.id
    for s in after.sources:
        assert s.assumed or (s.claims and set(s.claims) <= known), s.id
    src = {s.id: s for s in after.sources}
    assert src["polysilicon/nitol"].coverage[0] == pytest.approx(0.10)  # from the claim, not typed in
    assert src["polysilicon/nitol"].coverage[1] == ["nitol-meets-10pct-domestic-chip-demand"]
    assert [p.entity for p in src["polysilicon/nitol"].partners] == ["gcl"]
    assert src["tools/russia/china/second-hand-equipment/kazakhstan"].path == ["china", "kazakhstan"]
    assert after.fabs["mikron"].capacity == pytest.approx(5000)
    assert after.fabs["mikron"].capacity_claim == "mikron-capacity-5000-wafers-month"
    assert after.products["elbrus-16s"].end_use["military"] == pytest.approx(0.8)
    assert "mcst-revenue-defence-orders" in after.products["elbrus-16s"].end_use_basis
    assert after.products["baikal-m"].end_use["government"] == pytest.approx(0.7)


def test_bankruptcy_and_founding_dates_come_from_claims(cw, tmp_path):
    late = build_network(cw, load_scenario(str(_scenario(tmp_path, "as-2025", "", as_of="2025"))))
    assert late.fabs["angstrom-t"].bankrupt_claim == "angstrom-t-bankrupt-2024-12"
    early = build_network(cw, load_scenario(str(_scenario(tmp_path, "as-2022", "", as_of="2022-06"))))
    assert not any(s.supplier == "gazprom-neon-refinery" for s in early.sources)  # agreed only in 2023-09
    assert any("gazprom-neon-refinery" in n or "neon refinery" in n for n in early.notes)


# -- scenarios move the right things the right way ---------------------------------------------

def test_tsmc_exit_cuts_elbrus_and_baikal(results):
    res = results["tsmc-exit-2022"]
    assert res["scenario"]["as_of"] == "2022-06"
    for p in ("elbrus-16s", "baikal-m"):
        assert _mean(res, "products", p) < _mean(res, "products", p, ref=True) - 0.3
    assert res["montecarlo"]["fabs"]["tsmc"]["mean"] == 0
    assert any("tsmc>baikal-m" in e for e in res["interventions"])


def test_smic_stops_leaves_elbrus_without_a_foundry(results):
    base, smic = results["baseline"], results["smic-stops"]
    assert _mean(base, "products", "elbrus-16s") > 0.2  # only the speculated SMIC 40 nm route
    assert _mean(smic, "products", "elbrus-16s") == 0
    assert _mean(smic, "products", "baikal-m") <= _mean(base, "products", "baikal-m") + 1e-9  # Mikron 65 nm is left
    assert _mean(smic, "products", "baikal-m") > 0.5
    assert smic["delta"]["products"]["elbrus-16s"]["mean"] < 0
    # the reference of smic-stops is the baseline, draw for draw
    assert smic["reference_montecarlo"]["products"] == base["montecarlo"]["products"]


def test_gray_channel_closed_lowers_second_hand_dependent_output(results):
    res = results["gray-channel-closed"]
    domestic = sum(res["montecarlo"]["fabs"][f]["mean"] for f in ("mikron", "angstrom-t"))
    domestic_ref = sum(res["reference_montecarlo"]["fabs"][f]["mean"] for f in ("mikron", "angstrom-t"))
    assert domestic < domestic_ref
    assert res["delta"]["objective"]["mean"] < 0
    cut = " ".join(res["interventions"])
    assert "second-hand-equipment/kazakhstan" in cut and "second-hand-equipment/turkey" in cut


def test_ruble_minus_30_lowers_import_dependent_output(results):
    res = results["ruble-minus-30"]
    assert res["delta"]["objective"]["mean"] < 0
    assert _mean(res, "fabs", "smic") < _mean(res, "fabs", "smic", ref=True)
    assert _mean(res, "fabs", "angstrom-t") < _mean(res, "fabs", "angstrom-t", ref=True)
    budget = next(b for b in res["montecarlo"]["binding"] if b["kind"] == "budget")
    assert budget["share_of_draws"] > 0.5
    assert "1.429" in " ".join(res["interventions"])  # 1 / 0.7


def test_chinese_refining_and_equipment_cuts_bite(results):
    ref = results["chinese-refining-stops"]
    assert ref["delta"]["objective"]["mean"] < -0.2
    assert {b["kind"] for b in ref["montecarlo"]["binding"]} & {"material"}
    eq = results["no-chinese-equipment"]
    assert eq["delta"]["objective"]["mean"] < 0


# -- Monte Carlo -------------------------------------------------------------------------------

def test_same_seed_same_result_other_seed_other_draws(cw, results):
    again = run_scenario(cw, load_scenario("smic-stops"), draws=DRAWS, seed=7)
    assert json.dumps(jsonable(again), sort_keys=True) == json.dumps(jsonable(results["smic-stops"]), sort_keys=True)
    other = run_scenario(cw, load_scenario("smic-stops"), draws=DRAWS, seed=8)
    assert other["montecarlo"]["objective"] != again["montecarlo"]["objective"]
    assert other["point"] == again["point"]  # the point solution does not depend on the seed


def test_percentiles_are_ordered(results):
    for res in results.values():
        for part in ("products", "end_uses"):
            for key, s in res["montecarlo"][part].items():
                assert 0 <= s["p5"] <= s["p50"] <= s["p95"] <= 1, (res["scenario"]["name"], key, s)
                assert s["p5"] <= s["mean"] <= s["p95"] or s["p5"] == s["p95"]


def test_results_are_json_and_render(results):
    for res in results.values():
        json.dumps(jsonable(res), allow_nan=False)  # sentences (Msg) said in English
        text = render_result(res)
        assert "What limits you" in text and "Assumptions" in text
        zh = render_result(res, "zh-TW")
        assert "限制供給的因素" in zh and "假設（文章未提供的數字）" in zh


# -- shadow prices, figures, assumptions ----------------------------------------------------------

def test_shadow_prices_name_the_binding_constraint(cw, tmp_path):
    path = _scenario(tmp_path, "mikron-half", """
capacity_multipliers:
  - entity: mikron
    value: 0.5
    why: half of Mikron's line is down
""")
    res = run_scenario(cw, load_scenario(str(path)), draws=50, seed=0)
    top = res["point"]["limits"][0]
    assert top["kind"] == "fab capacity" and top["entities"] == ["mikron"]
    assert top["claims"] == ["mikron-capacity-5000-wafers-month"] and top["shadow_price"] > 0
    assert "Mikron" in top["text"] and "mikron-capacity-5000-wafers-month" in top["text"]
    assert any(b["id"] == "row:fab:mikron" and b["share_of_draws"] > 0.9 for b in res["montecarlo"]["binding"])
    base = run_scenario(cw, load_scenario("baseline"), draws=0)
    assert base["montecarlo"] is None
    assert base["point"]["limits"] and all(d["shadow_price"] > 0 and d["text"] for d in base["point"]["limits"])


def test_assumptions_and_figures_are_echoed(results):
    res = results["baseline"]
    sc = load_scenario("baseline")
    echoed = {a["name"]: a for a in res["assumptions"]}
    assert set(echoed) == {a.name for a in sc.assumptions}
    for a in echoed.values():
        assert a["unit"] and a["why"] and ("value" in a or "min" in a or "shares" in a)
    assert echoed["capacity.angstrom-t"]["unit"] == "wafer_150mm/month"
    assert echoed["capacity.angstrom-t"]["factor_to_canonical_unit"] == pytest.approx(0.5625)
    assert "capacity.tsmc" in res["unused_assumptions"]  # TSMC is gone by 2024
    figures = {f["claim"]: f for f in res["figures"]}
    for cid in ("mikron-capacity-5000-wafers-month", "nitol-meets-10pct-domestic-chip-demand",
                "nitol-share-russian-silicon-supply-70pct", "nitol-output-500t", "mcst-revenue-defence-orders",
                "baikal-electronics-revenue-government-2023", "milandr-revenue-military", "russia-neon-share-2024"):
        assert cid in figures and figures[cid]["quote"], cid
    assert "5,000 t/year" in figures["nitol-output-500t"]["used_as"]
    assert res["motivated_by"][0]["quote"]
    assert res["probabilities"]["speculated"] == 0.4 and res["probabilities"]["planned"] == 0.0
    assert res["presence"]["claim:smic-fabricates-elbrus-16s"]["probability"] == 0.4


def test_planned_arcs_count_only_when_switched_on(cw, tmp_path):
    path = _scenario(tmp_path, "plans-on", "probabilities:\n  planned: 1.0\n")
    res = run_scenario(cw, load_scenario(str(path)), draws=0)
    assert res["presence"]["claim:smee-90nm-lithography-for-russian-market"]["probability"] == 1.0
    base = run_scenario(cw, load_scenario("baseline"), draws=0)
    assert res["point"]["objective"] >= base["point"]["objective"]


# -- bad input: one line, file:line ------------------------------------------------------------------

BAD = {
    "unknown-entity": ("remove:\n  - entity: tsmcc-foundry\n    why: a typo\n", 6, "unknown entity 'tsmcc-foundry'"),
    "negative-capacity": ("assumptions:\n  - name: capacity.angstrom-t\n    value: -100\n    unit: wafer_150mm/month\n"
                          "    why: a mistake\n", 7, "negative capacity -100"),
    "probability-above-1": ("probabilities:\n  speculated: 1.4\n", 6, "probability 1.4"),
    "unknown-key": ("remvoe:\n  - entity: smic\n    why: a typo in the key\n", 5, "unknown key 'remvoe'"),
    "infeasible": ("remove:\n  - entity: smic\n    why: SMIC stops\nfloors:\n  - product: elbrus-16s\n"
                   "    min_share: 0.9\n    why: the army insists\n", 10, "infeasible"),
    "arc-probability": ("assumed_arcs:\n  - id: x\n    fab: mikron\n    product: elbrus-16s\n    probability: 2\n"
                        "    why: too sure\n", 9, "above 1"),
    "bad-unit": ("assumptions:\n  - name: demand.elbrus-16s\n    value: 10\n    unit: t/year\n    why: wrong unit\n", 8,
                 "does not convert"),
    "unknown-assumption": ("assumptions:\n  - name: demnad.elbrus-16s\n    value: 10\n    unit: wafer_200mm/month\n"
                           "    why: a typo\n", 6, "unknown assumption name"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_scenario_files_give_one_line_with_file_and_line(cw, tmp_path, case):
    body, line, fragment = BAD[case]
    path = _scenario(tmp_path, case, body)
    with pytest.raises(ChipwatchError) as exc:
        run_scenario(cw, load_scenario(str(path)), draws=20)
    msg = str(exc.value)
    assert "\n" not in msg
    assert msg.startswith(f"{path}:{line}: "), msg
    assert fragment in msg and " — " in msg, msg


def test_infeasible_floor_says_which_constraint(cw, tmp_path):
    path = _scenario(tmp_path, "floor", BAD["infeasible"][0])
    with pytest.raises(ChipwatchError, match=re.escape("SMIC → Elbrus-16S is cut by the scenario")):
        run_scenario(cw, load_scenario(str(path)), draws=0)
    ok = _scenario(tmp_path, "floor-ok", "floors:\n  - end_use: military\n    min_share: 0.5\n    why: the army first\n")
    res = run_scenario(cw, load_scenario(str(ok)), draws=50)
    assert res["point"]["end_uses"]["military"] >= 0.5


def test_malformed_yaml_and_bad_arguments(cw, tmp_path):
    path = _write(tmp_path, "broken", "name: x\ntitle: [unclosed\n")
    with pytest.raises(ChipwatchError, match=re.escape(f"{path}:")):
        load_scenario(str(path))
    with pytest.raises(ChipwatchError, match="--draws"):
        run_scenario(cw, load_scenario("baseline"), draws=-1)


def test_cli_scenario_commands(russia_db):
    import json as _json

    from conftest import assert_user_error, run_cli

    r = run_cli("scenario", "list", "--json", db=russia_db)
    assert {"baseline", "tsmc-exit-2022", "smic-stops", "gray-channel-closed", "chinese-refining-stops",
            "no-chinese-equipment", "ruble-minus-30"} <= {s["name"] for s in _json.loads(r.out)}
    r = run_cli("scenario", "show", "ruble-minus-30", db=russia_db)
    assert r.code == 0 and "ruble" in r.out.lower()
    a = run_cli("scenario", "run", "smic-stops", "--draws", "200", "--seed", "3", "--json", db=russia_db)
    b = run_cli("scenario", "run", "smic-stops", "--draws", "200", "--seed", "3", "--json", db=russia_db)
    assert a.code == 0 and a.out == b.out
    r = run_cli("scenario", "run", "smic-stops", "--draws", "100", db=russia_db)
    assert r.code == 0 and "What limits you" in r.out and "P5" in r.out
    assert_user_error(run_cli("scenario", "run", "no-such-scenario", db=russia_db), "no-such-scenario")
    assert_user_error(run_cli("scenario", "run", "baseline", "--draws", "-1", db=russia_db), "--draws")


def test_draws_solved_in_forked_workers_equal_one_process(cw, monkeypatch):
    """The LP blocks are spread over forked processes (HiGHS holds the GIL): every draw's
    solution, duals and feasibility are those one process gives, to the bit."""
    import numpy as np

    import chipwatch.scenarios.solve as S

    sc = load_scenario("smic-stops")
    tpl = S.compile_template(build_network(cw, sc), sc)
    k = 5 * S.CHUNK + 7  # an uneven last block
    batch = S.evaluate(tpl, S.sample_params(sc, k, 3), S.draw_presence(S.presence_probabilities(tpl), k, 3), None,
                       budget=None, hard=False)
    real, calls = S._solve_forked, []
    monkeypatch.setattr(S, "_solve_forked", lambda *a: calls.append(a[-1]) or real(*a))
    forked = S.solve(tpl, batch, threads=2)
    alone = S.solve(tpl, batch, threads=1)
    assert calls == [2]  # two workers the first time, none the second
    for field in ("x", "row_dual", "ub_dual", "ok"):
        assert np.array_equal(getattr(forked, field), getattr(alone, field)), field
    assert forked.x.shape == (k, tpl.n) and forked.ok.all()


def test_a_scenario_run_loads_no_pandas(russia_db):
    """`scenario run` reads the store through dicts: no pandas or pyarrow to import."""
    import subprocess
    import sys

    code = ("import sys\nfrom chipwatch.cli import app\n"
            f"app(['--db', {str(russia_db)!r}, 'scenario', 'run', 'baseline', '--draws', '300'], standalone_mode=False)\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'pandas', 'pyarrow', 'networkx'}))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[]" and "P50" in proc.stdout


def test_no_fork_from_a_thread_that_is_not_the_main_one():
    """A server runs scenarios in request threads: those solve in their own process."""
    import threading

    import chipwatch.scenarios.solve as S

    seen = []
    t = threading.Thread(target=lambda: seen.append(S._may_fork()))
    t.start()
    t.join()
    assert seen == [False] and S._may_fork() is True
