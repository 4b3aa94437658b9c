"""Running a scenario: the point solution with its limits, and Monte Carlo over the
uncertain inputs (ranges for numbers, presence of reported/speculated/planned arcs).

Every draw is solved twice — with the scenario's interventions and without them (the
*reference*: same date, same network, same random draws) — so the difference is paired.
Same seed, same result.
"""

from __future__ import annotations

import hashlib

import numpy as np

from chipwatch.errors import ChipwatchError
from chipwatch.scenarios.explain import binding_masks, describe, limits, unmet
from chipwatch.scenarios.model import Scenario, family, unit_factor
from chipwatch.scenarios.network import build_network
from chipwatch.scenarios.solve import (
    Batch,
    Params,
    Template,
    central_params,
    compile_template,
    draw_presence,
    evaluate,
    import_bill,
    outcomes,
    presence_probabilities,
    resolve_interventions,
    sample_params,
    solve,
)

PCTS = (5, 50, 95)


def _r(v: float, nd: int = 6) -> float:
    v = float(v)
    return 0.0 if abs(v) < 10 ** -nd else round(v, nd)


def stats(a: np.ndarray) -> dict:
    p5, p50, p95 = np.percentile(a, PCTS)
    return {"mean": _r(a.mean()), "p5": _r(p5), "p50": _r(p50), "p95": _r(p95)}


def _budgets(tpl: Template, P: Params, ref_sol) -> np.ndarray | None:
    """Per draw: headroom × that draw's import bill without the scenario's changes and
    before any shock. The budget is fixed in rubles at what is imported today."""
    if not tpl.has_budget:
        return None
    return P.need(tpl.sc, "budget.headroom", "the import budget") * import_bill(tpl, P, ref_sol)


def _solved(tpl: Template, batch: Batch, reuse: dict | None, threads: int | None = None):
    """`solve(tpl, batch)`, or — when `reuse` holds the solution of an LP equal to this one
    draw for draw (same rows, columns, coefficients, bounds and right-hand sides) — that
    solution: the solver is deterministic, so it is the one solving again would give."""
    if reuse is None:
        return solve(tpl, batch, threads=threads)
    key = _fingerprint(tpl, batch)
    if key not in reuse:
        reuse[key] = solve(tpl, batch, threads=threads)
    return reuse[key]


def _fingerprint(tpl: Template, batch: Batch) -> str:
    h = hashlib.blake2b(digest_size=20)
    h.update(repr((tpl.n, tpl.m, batch.c.shape, batch.hard)).encode())
    for a in (tpl.entry_rows, tpl.entry_cols, batch.c, batch.data, batch.b, batch.ub):
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()


def _point(tpl, iv, Pc, pres_c, hard: bool = False, reuse: dict | None = None):
    """(reference batch, reference solution, scenario batch, scenario solution, budget) at
    central values on the given network (the most likely one for the point result)."""
    ref_batch = evaluate(tpl, Pc, pres_c, None, budget=None)
    ref_sol = _solved(tpl, ref_batch, reuse, threads=1)
    budget = _budgets(tpl, Pc, ref_sol)
    batch = evaluate(tpl, Pc, pres_c, iv, budget=budget, hard=hard)
    sol = _solved(tpl, batch, reuse, threads=1)
    return ref_batch, ref_sol, batch, sol, budget


def _check_floors(tpl: Template, iv, Pc, probs) -> None:
    """A floor is infeasible when even the optimistic network (every arc whose probability
    is above 0, central values) cannot meet it: then the scenario is an error."""
    if not tpl.sc.floors:
        return
    every = {key: np.array([p > 0]) for key, (p, _) in probs.items()}
    *_, sol, budget = _point(tpl, iv, Pc, every, hard=True)
    if not sol.ok.all():
        raise _explain_infeasible(tpl, iv, Pc, every, budget)


def _point_result(tpl: Template, batch: Batch, sol, iv=None) -> dict:
    out = outcomes(tpl, batch, sol)
    lim, met = limits(tpl, batch, sol, 0)
    net = tpl.net
    return {
        "objective": _r(out["objective"][0]),
        "products": {p: {"label": net.label(p), "share_met": _r(out["share"][0, i]), "met": _r(out["volume"][0, i], 3),
                         "demand": _r(batch.demand[0, i], 3)} for i, p in enumerate(tpl.products)},
        "end_uses": {s: _r(v[0]) for s, v in out["uses"].items()},
        "fabs": {f: _r(v[0], 3) for f, v in out["fabs"].items()},
        "import_bill_usd_month": _r(out["bill"][0], 2),
        "limits": lim,
        "unmet": unmet(tpl, batch, sol, iv),
        "flows": _flows(tpl, batch, sol),
        "fully_met": [d["entities"][0] for d in met],
        "floors_unmet": [{"floor": i, "short_by": _r(v)} for i, v in enumerate(out["floor_short"][0]) if v > 1e-6],
    }


def _flows(tpl: Template, batch: Batch, sol) -> dict:
    """Every arc and source in the point solution: what is available, what is used, and
    (arcs) the efficiency of a wafer there relative to the product's reference fab."""
    arcs, sources = [], []
    net = tpl.net
    for i, a in enumerate(net.arcs):
        j = tpl.arc_index[a.id]
        ub = batch.ub[0, j]
        arcs.append({"id": a.id, "wafers_month": _r(sol.x[0, j], 3), "efficiency": _r(batch.eff[0, i]),
                     "available_wafers_month": None if not np.isfinite(ub) else _r(ub, 3), "claims": a.claims})
    for j, v in enumerate(tpl.vars):
        if v.kind == "src":
            ub = batch.ub[0, j]
            sources.append({"id": v.ref.id, "used": _r(sol.x[0, j], 3), "available": _r(ub, 3), "claims": v.ref.claims})
        elif v.kind == "pool" and v.fab == net.domestic_fabs[0]:
            r = tpl.row_index[("pool", v.ref.id)]
            used = sum(sol.x[0, k] for k, w in enumerate(tpl.vars) if w.kind == "pool" and w.ref is v.ref)
            sources.append({"id": v.ref.id, "used": _r(used, 3), "available": _r(batch.b[0, r], 3), "claims": v.ref.claims})
    return {"unit": "wafer_200mm/month (sources: wafers' worth a month)", "arcs": arcs, "sources": sources}


def _explain_infeasible(tpl: Template, iv, Pc, pres_c, budget) -> ChipwatchError:
    """Which floor cannot be met, how much is possible, and what limits it."""
    sc = tpl.sc
    base = evaluate(tpl, Pc, pres_c, iv, budget=budget, hard=False)
    for i, fl in enumerate(sc.floors):
        r = tpl.row_index[("floor", str(i))]
        c = np.zeros_like(base.c)
        sel = tpl.entry_rows == r
        for e in np.nonzero(sel)[0]:
            j = tpl.entry_cols[e]
            if tpl.vars[j].kind != "slack":
                c[0, j] += base.data[0, e]
        probe = Batch(c, base.data.copy(), base.b.copy(), base.ub.copy(), base.eff, base.demand, value=-c)
        for j, v in enumerate(tpl.vars):
            if v.kind == "slack":
                probe.c[0, j] = 0.0
                probe.ub[0, j] = np.inf
        sol = solve(tpl, probe, threads=1)
        best = max(0.0, float(-(probe.c[0] * sol.x[0]).sum()))
        if best < fl.min_share - 1e-7:
            lim, _ = limits(tpl, probe, sol, 0)
            why = lim[0]["what"] if lim else _no_route(tpl, iv, fl)
            target = tpl.net.label(fl.product) if fl.product else f"the {fl.end_use} end use"
            return sc.error(("floors", i, "min_share"),
                            f"infeasible: the floor of {fl.min_share:.0%} of demand met for {target} cannot be met — at most "
                            f"{best:.1%} as of {sc.as_of}; limited by: {why}. Lower min_share or drop a removal")
    return sc.error(("floors",), "infeasible: the floors cannot all be met together (each alone can) — lower one of them")


def _no_route(tpl: Template, iv, fl) -> str:
    net = tpl.net
    arcs = [a for a in net.arcs if (fl.product is None or a.product == fl.product)
            and (fl.end_use is None or net.products[a.product].end_use.get(fl.end_use, 0) > 0)]
    if not arcs:
        return f"no fab makes it as of {net.as_of}"
    gone = []
    for a in arcs:
        if iv is not None and a.id in iv.cut_flows:
            gone.append(f"{net.label(a.fab)} → {net.label(a.product)} is cut by the scenario")
        elif net.fabs[a.fab].bankrupt_claim:
            gone.append(f"{net.label(a.fab)} is bankrupt (claim {net.fabs[a.fab].bankrupt_claim})")
        else:
            gone.append(f"{net.label(a.fab)} → {net.label(a.product)} has probability 0 ({a.status})")
    return "; ".join(gone)


def _mc(tpl: Template, iv, P: Params, pres: dict, budget, reference: bool, reuse: dict | None = None) -> dict:
    batch = evaluate(tpl, P, pres, None if reference else iv, budget=budget, hard=False)
    sol = _solved(tpl, batch, reuse)
    out = outcomes(tpl, batch, sol)
    rows, bounds = binding_masks(tpl, batch, sol)
    return {"batch": batch, "sol": sol, "out": out, "rows": rows, "bounds": bounds}


def _mc_summary(tpl: Template, r: dict, k: int) -> dict:
    out, net = r["out"], tpl.net
    binding = []
    for i, row in enumerate(tpl.rows):
        freq = float(r["rows"][:, i].mean())
        if freq > 0 and row.kind != "demand":
            d = describe(tpl, f"row:{row.kind}:{row.key}")
            d["share_of_draws"] = _r(freq, 4)
            d["mean_shadow_price"] = _r(r["sol"].row_dual[:, i].mean())
            binding.append(d)
    for j, v in enumerate(tpl.vars):
        if v.kind != "arc":
            continue
        freq = float(r["bounds"][:, j].mean())
        if freq > 0:
            d = describe(tpl, f"bound:{j}")
            d["share_of_draws"] = _r(freq, 4)
            d["mean_shadow_price"] = _r(r["sol"].ub_dual[:, j].mean())
            binding.append(d)
    binding.sort(key=lambda d: (-d["share_of_draws"], d["id"]))
    met_full = {p: _r((out["share"][:, i] >= 1 - 1e-6).mean(), 4) for i, p in enumerate(tpl.products)}
    res = {
        "draws": k,
        "objective": stats(out["objective"]),
        "products": {p: {"label": net.label(p), **stats(out["share"][:, i]), "fully_met_share_of_draws": met_full[p]}
                     for i, p in enumerate(tpl.products)},
        "end_uses": {s: stats(v) for s, v in out["uses"].items()},
        "fabs": {f: stats(v) for f, v in out["fabs"].items()},
        "import_bill_usd_month": stats(out["bill"]),
        "binding": binding,
    }
    if out["floor_short"].shape[1]:
        res["floors_unmet_share_of_draws"] = {str(i): _r((out["floor_short"][:, i] > 1e-6).mean(), 4)
                                              for i in range(out["floor_short"].shape[1])}
    return res


def _assumption_rows(sc: Scenario, used: set[str]) -> list[dict]:
    out = []
    for a in sc.assumptions:
        fam = family(a.name)
        row = {"name": a.name, "unit": a.unit, "why": a.why, "meaning": fam[3] if fam else ""}
        if getattr(a, "why_zh", None):
            row["why_zh"] = a.why_zh
        if a.shares is not None:
            row["shares"] = dict(a.shares)
        else:
            row.update(a.describe())
            if unit_factor(a) != 1:
                row["factor_to_canonical_unit"] = unit_factor(a)
        row["used"] = a.name in used
        out.append(row)
    return out


def _used_assumptions(tpl: Template, P: Params) -> set[str]:
    """Assumption names the model read (Params.need/get records them)."""
    return set(getattr(P, "read", set()))


def _quotes(cw, ids: list[str]) -> dict[str, str]:
    if not ids:
        return {}
    out: dict[str, str] = {}
    for claim_id, quote in cw.store.con.execute("SELECT claim_id, quote FROM evidence WHERE list_contains(?, claim_id) "
                                                "ORDER BY claim_id, seq", [sorted(set(ids))]).fetchall():
        out.setdefault(claim_id, quote)
    return out


def run_scenario(cw, scenario: Scenario, draws: int = 1000, seed: int = 0, reuse: dict | None = None) -> dict:
    """Run a scenario against the store `cw`: the point solution (central values, every arc
    with a non-zero probability present) with what limits it, and `draws` Monte Carlo draws,
    each with and without the scenario's interventions. Returns JSON-able data.

    `reuse`: a dict kept between runs (of scenarios on one store): an LP equal draw for draw
    to one solved before — the reference of two scenarios that extend the same baseline at
    the same date and seed — is not solved again (reference passes and point solutions are
    kept; a scenario's own pass is its own)."""
    if not isinstance(draws, (int, np.integer)) or isinstance(draws, bool) or draws < 0:
        raise ChipwatchError(f"--draws {draws}: not a number of draws — use 0 (point solution only) or more")
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise ChipwatchError(f"--seed {seed}: not a seed — use a whole number 0 or more")
    sc = scenario
    net = build_network(cw, sc)
    tpl = compile_template(net, sc)
    iv = resolve_interventions(cw, net, sc)
    probs = presence_probabilities(tpl)

    Pc = _Recording(central_params(sc))
    pres_c = draw_presence(probs, 1, None)
    _check_floors(tpl, iv, Pc, probs)
    ref_batch, ref_sol, batch, sol, budget_c = _point(tpl, iv, Pc, pres_c, reuse=reuse)
    point = _point_result(tpl, batch, sol, iv)
    ref_point = _point_result(tpl, ref_batch, ref_sol)
    bill = float(import_bill(tpl, Pc, ref_sol)[0]) if tpl.has_budget else None

    result: dict = {
        "scenario": {
            "name": sc.name, "title": sc.title.en, "title_zh-Hant": sc.title.zh_Hant,
            "description": " ".join(sc.description.en.split()),
            "description_zh-Hant": "".join((sc.description.zh_Hant or "").split()) or None,
            "as_of": sc.as_of, "file": str(sc.path) if sc.path else None, "extends": sc.extends,
            "objective": sc.objective.kind,
        },
        "motivated_by": [],
        "interventions": iv.effects,
        "assumptions": [],
        "probabilities": {**{s: getattr(sc.probabilities, s) for s in ("fact", "reported", "speculated", "planned", "disputed")},
                          "claims": dict(sc.probabilities.claims), "why": sc.probabilities.why},
        "presence": {key: {"probability": _r(p, 4), "gates": flows} for key, (p, flows) in probs.items()},
        "assumed_arcs": [a.model_dump(exclude_none=True) for a in sc.assumed_arcs],
        "assumed_sources": [a.model_dump(exclude_none=True) for a in sc.assumed_sources],
        "reading_rules": {"home_country": sc.home_country, "materials": sc.materials, "tool_items": sc.tool_items,
                          "claim_roles": sc.claim_roles, "objective": sc.objective.model_dump(exclude_none=True),
                          "floors": [f.model_dump(exclude_none=True) for f in sc.floors]},
        "figures": net.figures,
        "network": net.to_dict(),
        "notes": net.notes + tpl.notes + _weight_notes(tpl),
        "budget": ({"reference_import_bill_usd_month": _r(bill, 2), "budget_usd_month": _r(budget_c[0], 2),
                    "headroom": sc.assumption("budget.headroom").describe(),
                    "basis": "in each draw: headroom × that draw's import bill without the scenario's changes, before any "
                             "shock (the budget is fixed in rubles at what is imported today); the point figures are shown"}
                   if bill is not None else None),
        "point": {"presence": "every arc whose probability is above 0 is present; numbers at their central values",
                  **point},
        "reference_point": ref_point,
    }

    if draws:
        P = _Recording(sample_params(sc, draws, seed))
        pres = draw_presence(probs, draws, seed)
        ref = _mc(tpl, iv, P, pres, None, reference=True, reuse=reuse)
        budget = _budgets(tpl, P, ref["sol"])
        tight = budget is not None and bool((budget < import_bill(tpl, P, ref["sol"]) - 1e-9).any())
        scen = _mc(tpl, iv, P, pres, budget, reference=False) if sc.has_interventions or tight else ref
        mc = _mc_summary(tpl, scen, draws)
        mc["seed"] = seed
        result["montecarlo"] = mc
        if sc.has_interventions:
            result["reference_montecarlo"] = _mc_summary(tpl, ref, draws)
            result["delta"] = _delta(tpl, scen["out"], ref["out"])
        else:
            result["reference_montecarlo"] = None
            result["delta"] = None
        used = Pc.read | P.read
    else:
        result["montecarlo"] = None
        used = Pc.read
    result["assumptions"] = _assumption_rows(sc, used | _shares_used(net))
    result["unused_assumptions"] = [a["name"] for a in result["assumptions"] if not a["used"]]
    cited = list(sc.motivated_by)
    quotes = _quotes(cw, cited + [f["claim"] for f in net.figures])
    result["motivated_by"] = [{"claim": cid, "quote": quotes.get(cid)} for cid in cited]
    for f in result["figures"]:
        f["quote"] = quotes.get(f["claim"])
    result["headline"] = _headline(tpl, result)
    return result


def _weight_notes(tpl: Template) -> list[str]:
    out = []
    for s in tpl.sectors:
        if tpl.sc.assumption(f"weight.{s}") is None:
            out.append(f"end use {s} has no assumption weight.{s}: it weighs 1 in the objective (equal weights)")
    for p, prod in tpl.net.products.items():
        rest = 1 - sum(prod.end_use.values())
        if rest > 1e-9:
            out.append(f"{tpl.net.label(p)}: {rest:.0%} of its output has no end use; it weighs 1 in the objective")
    return out


def _shares_used(net) -> set[str]:
    out = set()
    for p in net.products.values():
        out.update(b for b in p.end_use_basis if b.startswith("end_use"))
    return out


def _delta(tpl: Template, scen: dict, ref: dict) -> dict:
    """Paired differences (scenario − reference), draw by draw."""
    return {
        "objective": stats(scen["objective"] - ref["objective"]),
        "products": {p: stats(scen["share"][:, i] - ref["share"][:, i]) for i, p in enumerate(tpl.products)},
        "end_uses": {s: stats(scen["uses"][s] - ref["uses"][s]) for s in scen["uses"]},
        "fabs": {f: stats(scen["fabs"][f] - ref["fabs"][f]) for f in scen["fabs"]},
    }


def _headline(tpl: Template, res: dict) -> list[str]:
    lines = []
    mc, ref = res.get("montecarlo"), res.get("reference_montecarlo")
    for p in tpl.products:
        label = tpl.net.label(p)
        if mc:
            s = mc["products"][p]
            line = f"{label}: {s['mean']:.0%} of demand met on average (P5 {s['p5']:.0%}, P50 {s['p50']:.0%}, P95 {s['p95']:.0%})"
            if ref:
                line += f"; {ref['products'][p]['mean']:.0%} without the scenario's changes"
        else:
            line = f"{label}: {res['point']['products'][p]['share_met']:.0%} of demand met (point)"
        lines.append(line)
    for u in res["point"]["unmet"]:
        lines.append(f"{u['label']} (point, {u['share_met']:.0%} met): " + "; ".join(u["routes"]))
    if res["point"]["limits"]:
        lines.append("what limits you (point): " + res["point"]["limits"][0]["what"])
    return lines


class _Recording(Params):
    """Params that remember which assumption names the model read."""

    def __init__(self, inner: Params):
        super().__init__(inner.values, inner.k)
        self.read: set[str] = set()

    def get(self, name: str):
        v = super().get(name)
        if v is not None:
            self.read.add(name)
        return v

    def need(self, sc, name, what, *fallbacks):
        for n in (name, *fallbacks):
            if n in self.values:
                self.read.add(n)
                return self.values[n]
        return super().need(sc, name, what, *fallbacks)


__all__ = ["run_scenario", "stats"]
