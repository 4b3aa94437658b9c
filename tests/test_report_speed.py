"""What makes the report quicker without changing it: the reference Monte Carlo pass that
scenarios extending the baseline share is solved once, and the results are those of runs
that solve everything themselves, to the bit."""

from __future__ import annotations

import json

import chipwatch.scenarios.montecarlo as M
from chipwatch.report.context import Context
from chipwatch.report.scenarios_section import SCENARIOS, run_all
from chipwatch.scenarios import load_scenario, run_scenario


def _counting(monkeypatch) -> list[int]:
    """Draws of every LP solve run_scenario makes (point solutions are 1 draw)."""
    seen: list[int] = []
    real = M.solve
    monkeypatch.setattr(M, "solve", lambda tpl, batch, threads=None: seen.append(batch.c.shape[0]) or real(tpl, batch,
                                                                                                         threads=threads))
    return seen


def test_the_report_solves_a_shared_reference_once_and_changes_nothing(cw, monkeypatch):
    draws = 150
    seen = _counting(monkeypatch)
    alone = {n: run_scenario(cw, load_scenario(n), draws=draws, seed=2) for n in SCENARIOS}
    passes_alone = sum(1 for k in seen if k == draws)
    seen.clear()
    shared = {name: res for name, _, res, _ in run_all(Context(cw, "en"), draws, 2)}
    passes_shared = sum(1 for k in seen if k == draws)
    assert json.dumps(alone, default=str, sort_keys=True) == json.dumps(shared, default=str, sort_keys=True)
    # baseline 1 pass; tsmc-exit-2022 (another date) 2; smic-stops and gray-channel-closed 2 each alone,
    # 1 each with the baseline's draws shared
    assert passes_alone == 7 and passes_shared == 5, (passes_alone, passes_shared)


def test_a_reference_is_not_reused_for_another_seed_or_date(cw):
    reuse: dict = {}
    run_scenario(cw, load_scenario("baseline"), draws=60, seed=1, reuse=reuse)
    known = len(reuse)
    run_scenario(cw, load_scenario("baseline"), draws=60, seed=2, reuse=reuse)  # other draws
    assert len(reuse) == known + 1  # the point solution is the same; the Monte Carlo pass is new
    run_scenario(cw, load_scenario("tsmc-exit-2022"), draws=60, seed=1, reuse=reuse)  # 2022-06: another network
    assert len(reuse) > known + 2
