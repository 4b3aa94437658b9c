"""The scenario LP solved draw by draw (warm-started HiGHS, the default) against the former
way (blocks of draws as one block-diagonal LP through linprog), on the bundled scenarios:
every draw feasible, never a worse objective, the same result wherever the LP's optimum is
unique (objective, shares met, end uses, shadow prices, limits, point solutions); only the
figures of plans that tie (which fab makes a product several fabs make equally well, which
source is drawn on) may differ."""

from __future__ import annotations

import json

import numpy as np
import pytest

import chipwatch.scenarios.solve as S
from chipwatch.scenarios import build_network, load_scenario, run_scenario

BUNDLED = ["baseline", "chinese-refining-stops", "gray-channel-closed", "no-chinese-equipment", "ruble-minus-30",
           "smic-stops", "tsmc-exit-2022"]
DRAWS = 500
TIES = (".fabs.", ".import_bill_usd_month.", ".flows.")  # figures that read which of equally good plans was chosen


def _batch(cw, name: str, k: int = DRAWS, seed: int = 1):
    sc = load_scenario(name)
    net = build_network(cw, sc)
    tpl = S.compile_template(net, sc)
    iv = S.resolve_interventions(cw, net, sc)
    P = S.sample_params(sc, k, seed)
    pres = S.draw_presence(S.presence_probabilities(tpl), k, seed)
    return tpl, S.evaluate(tpl, P, pres, iv, budget=None)


def _dense(tpl, batch) -> np.ndarray:
    k = batch.c.shape[0]
    a = np.zeros((k, tpl.m * tpl.n))
    a[:, tpl.entry_rows * tpl.n + tpl.entry_cols] = batch.data
    return a.reshape(k, tpl.m, tpl.n)


@pytest.mark.parametrize("name", BUNDLED)
def test_each_draw_is_feasible_and_at_least_as_good(cw, name):
    tpl, batch = _batch(cw, name)
    new = S.solve(tpl, batch, threads=1, method="draws")
    old = S.solve(tpl, batch, threads=1, method="blocks")
    assert new.ok.all() and old.ok.all()
    lhs = np.einsum("kmn,kn->km", _dense(tpl, batch), new.x)
    b = np.where(np.isfinite(batch.b), batch.b, np.inf)
    assert (lhs <= b + 1e-7 * (1 + np.abs(np.where(np.isfinite(b), b, 0)))).all()
    assert (new.x >= -1e-9).all() and (new.x <= batch.ub + 1e-7).all()
    v_new, v_old = (batch.value * new.x).sum(1), (batch.value * old.x).sum(1)
    assert (v_new >= v_old - 1e-12).all()  # never worse than the former way, draw by draw
    same = np.abs(v_new - v_old) <= 1e-9
    assert same.mean() >= 0.99  # the rest: linprog stopped within its tolerance short of the optimum
    shares_new = S.outcomes(tpl, batch, new)["share"][same]
    shares_old = S.outcomes(tpl, batch, old)["share"][same]
    assert np.abs(shares_new - shares_old).max() <= 1e-9


def _flat(d, pre: str = ""):
    if isinstance(d, dict):
        for k, v in d.items():
            yield from _flat(v, f"{pre}.{k}")
    elif isinstance(d, list):
        for i, v in enumerate(d):
            yield from _flat(v, f"{pre}[{i}]")
    else:
        yield pre, d


@pytest.mark.parametrize("name,budget_binds", [("baseline", False), ("smic-stops", False),
                                               ("gray-channel-closed", False), ("ruble-minus-30", True)])
def test_a_scenario_run_gives_the_former_result_but_for_ties(cw, monkeypatch, name, budget_binds):
    """Every figure of `run_scenario` is what the former way gives, to the bit — the objective,
    limits, shadow prices, binding shares, point solutions — but the tied ones: fab
    throughput and the import bill; and shares met per product or end use, which can tie too
    (two products of equal weight on one fab's last wafers), by at most a few draws' worth.
    Where a cost shock makes the import budget bind, the budget is headroom × the import bill
    of the reference plan — a tied figure — so the scenario's objective may move as little."""
    sc = load_scenario(name)
    runs = {}
    for method in ("blocks", "draws"):
        monkeypatch.setattr(S, "METHOD", method)
        runs[method] = dict(_flat(json.loads(json.dumps(run_scenario(cw, sc, draws=DRAWS, seed=1), default=str))))
    old, new = runs["blocks"], runs["draws"]
    assert old.keys() == new.keys()
    differ = [k for k in old if old[k] != new[k] and not any(t in k for t in TIES)]
    split = [k for k in differ if ".products." in k or ".end_uses." in k
             or (budget_binds and ".objective." in k and not k.startswith(".reference"))]
    assert set(differ) == set(split), [k for k in differ if k not in split]
    assert all(abs(old[k] - new[k]) <= 1e-3 for k in split), {k: (old[k], new[k]) for k in split}
    assert all(old[k] == new[k] for k in old if ".objective." in k and (k.startswith(".reference") or not budget_binds))
    assert any(".montecarlo.products." in k for k in old)  # the comparison saw the Monte Carlo figures


def test_a_draw_does_not_depend_on_the_workers_or_where_a_run_is_cut(cw):
    """Runs of CHUNK draws start afresh at fixed draws: two workers or one, the same bits;
    solving a later part alone gives that part's draws as the whole run does."""
    tpl, batch = _batch(cw, "smic-stops", k=3 * S.CHUNK + 5, seed=4)
    whole = S.solve(tpl, batch, threads=1)
    two = S._solve_forked(tpl, batch, "draws", [(s, min(s + S.CHUNK, 3 * S.CHUNK + 5))
                                                for s in range(0, 3 * S.CHUNK + 5, S.CHUNK)], 2)
    part = S._solve_draws(tpl, batch, (S.CHUNK, 3 * S.CHUNK + 5))
    for field in ("x", "row_dual", "ub_dual", "ok"):
        assert np.array_equal(getattr(two, field), getattr(whole, field)), field
        assert np.array_equal(getattr(part, field), getattr(whole, field)[S.CHUNK:]), field


def test_an_infeasible_draw_is_marked_and_the_next_one_solved(cw):
    """A hard floor no draw can meet: each draw is reported infeasible (the chain restarts),
    and a feasible draw after it is solved as when it comes first."""
    tpl, batch = _batch(cw, "baseline", k=4)
    good = S.solve(tpl, batch, threads=1)
    bad = S.Batch(batch.c.copy(), batch.data.copy(), batch.b.copy(), batch.ub.copy(), batch.eff, batch.demand,
                  value=batch.value)
    demand_row = next(i for i, r in enumerate(tpl.rows) if r.kind == "demand")
    bad.b[1::2, demand_row] = -1.0  # Σ eff·x ≤ −1 with x ≥ 0: infeasible in draws 1 and 3
    sol = S.solve(tpl, bad, threads=1)
    assert sol.ok.tolist() == [True, False, True, False]
    assert np.array_equal(sol.x[2], good.x[2]) or np.isclose((batch.value[2] * sol.x[2]).sum(),
                                                             (batch.value[2] * good.x[2]).sum(), atol=1e-12)
    with pytest.raises(ValueError):
        S.solve(tpl, batch, method="simplex")
