"""The linear program: maximise demand met over the supply network, with capacities.

Variables (all ≥ 0, per month):
  x[a]      wafers (200 mm equivalents) a fab runs for a product along arc a
  z[s]      supply used from source s (material or fab-specific tools), in wafers' worth
  z[s, f]   tools from a pooled source s used by domestic fab f
  slack[i]  shortfall under floor i (Monte Carlo only; a hard floor has no slack)

Rows (≤):
  fab f        Σ x[a at f]                          ≤ capacity of f
  demand p     Σ eff[a] x[a → p]                    ≤ demand of p
  material m   Σ x[a at domestic fabs] − Σ z[s of m] ≤ 0
  tools f      Σ x[a at f] − Σ z[tools of f] − Σ z[pool, f] ≤ 0
  pool s       Σ_f z[s, f]                          ≤ what source s supplies
  budget       Σ price × shock × import flows       ≤ headroom × reference import bill
  floor i      −(share of demand met)  − slack[i]   ≤ −min share

Objective: maximise the end-use-weighted mean share of demand met over products
(`product_share`) or the weighted volume met (`volume`). Many draws are solved at once as
one block-diagonal LP (scipy.optimize.linprog, HiGHS): the structure is built once, only
coefficients, bounds and right-hand sides change from draw to draw.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import threading
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from chipwatch.errors import ChipwatchError
from chipwatch.scenarios.model import Scenario, unit_factor
from chipwatch.scenarios.network import (
    Arc,
    Network,
    Source,
    months_between,
    sid_label,
    status_probability,
)

TOL = 1e-7  # a shadow price below this (per wafer a month) is a tie-break, not a limit
TOL_BUDGET = 1e-10  # the same, per USD a month
EPS_USD = 1e-12  # tie-break: among equally good plans prefer the one that imports least
EPS_USE = 1e-13  # tie-break: do not draw more from a source than is needed
FLOOR_PENALTY = 10.0  # objective units per unit of share short of a floor (the objective is ≤ 1)
CHUNK = 96  # draws per block-diagonal LP


@dataclass
class Var:
    kind: str  # arc | src | pool | slack
    ref: object
    fab: str | None = None


@dataclass
class Row:
    kind: str  # fab | demand | material | tools | pool | budget | floor
    key: str
    ref: object = None


@dataclass
class Template:
    """The LP's structure for one network and scenario, reused for every draw."""

    net: Network
    sc: Scenario
    vars: list[Var]
    rows: list[Row]
    entry_rows: np.ndarray
    entry_cols: np.ndarray
    entry_kind: list[tuple]  # how to compute each entry's value
    products: list[str]
    sectors: list[str]
    arc_index: dict[str, int]
    row_index: dict[tuple[str, str], int]
    imports: list[tuple[int, str]] = field(default_factory=list)  # (var, price assumption)
    has_budget: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.vars)

    @property
    def m(self) -> int:
        return len(self.rows)


@dataclass
class Batch:
    c: np.ndarray  # (K, n)
    data: np.ndarray  # (K, nnz)
    b: np.ndarray  # (K, m)
    ub: np.ndarray  # (K, n)
    eff: np.ndarray  # (K, n_arcs)
    demand: np.ndarray  # (K, P)
    hard: bool = False
    value: np.ndarray | None = None  # (K, n): the objective's own coefficients (no tie-breaks, no penalties)


@dataclass
class Solution:
    x: np.ndarray  # (K, n)
    row_dual: np.ndarray  # (K, m), ≥ 0: gain in objective per unit of rhs
    ub_dual: np.ndarray  # (K, n), ≥ 0: gain per unit of upper bound
    ok: np.ndarray  # (K,) bool


# -- parameters -----------------------------------------------------------------------------

class Params:
    """The scenario's numbers, as arrays over draws (central values, or sampled)."""

    def __init__(self, values: dict[str, np.ndarray], k: int):
        self.values, self.k = values, k

    def get(self, name: str) -> np.ndarray | None:
        return self.values.get(name)

    def need(self, sc: Scenario, name: str, what: str, *fallbacks: str) -> np.ndarray:
        for n in (name, *fallbacks):
            if n in self.values:
                return self.values[n]
        tried = " or ".join((name, *fallbacks))
        raise sc.error(("assumptions",), f"{what}: no assumption {tried} — add it (name, value or min/max, unit, why)")


def central_params(sc: Scenario) -> Params:
    vals = {a.name: np.array([a.central * unit_factor(a)]) for a in sc.assumptions if a.shares is None}
    for i, m in enumerate(sc.capacity_multipliers):
        vals[f"~multiplier.{i}"] = np.array([m.central])
    for i, s in enumerate(sc.cost_shocks):
        vals[f"~shock.{i}"] = np.array([s.central])
    return Params(vals, 1)


def sample_params(sc: Scenario, k: int, seed: int) -> Params:
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0]))
    vals: dict[str, np.ndarray] = {}
    for a in sorted((a for a in sc.assumptions if a.shares is None), key=lambda a: a.name):
        vals[a.name] = _draw(rng, a, k) * unit_factor(a)
    rng2 = np.random.default_rng(np.random.SeedSequence([seed, 1]))  # interventions: their own stream
    for i, m in enumerate(sc.capacity_multipliers):
        vals[f"~multiplier.{i}"] = _draw(rng2, m, k)
    for i, s in enumerate(sc.cost_shocks):
        vals[f"~shock.{i}"] = _draw(rng2, s, k)
    return Params(vals, k)


def _draw(rng: np.random.Generator, spec, k: int) -> np.ndarray:
    if spec.value is not None or spec.min == spec.max:
        return np.full(k, float(spec.value if spec.value is not None else spec.min))
    if spec.mode is None:
        return rng.uniform(spec.min, spec.max, k)
    return rng.triangular(spec.min, spec.mode, spec.max, k)


# -- presence of uncertain arcs ---------------------------------------------------------------------

def presence_probabilities(tpl: Template) -> dict[str, tuple[float, list[str]]]:
    """Each presence key (a claim, or an assumed arc/source) with its probability and the flows it gates."""
    out: dict[str, tuple[float, list[str]]] = {}
    sc, net = tpl.sc, tpl.net

    def add(key: str, p: float, flow: str) -> None:
        prob, flows = out.get(key, (p, []))
        flows.append(flow)
        out[key] = (prob, flows)

    for a in net.arcs:
        p = a.probability if a.assumed else status_probability(sc, a.primary, a.status)
        add(a.presence_key, p, a.id)
    for s in net.sources:
        p = s.probability if s.assumed else status_probability(sc, s.primary, s.status)
        add(s.presence_key, p, s.id)
        for partner in s.partners:
            c = net.claims[partner.primary]
            add(f"claim:{partner.primary}", status_probability(sc, c.id, c.status), f"{s.id}~{partner.entity}")
    return dict(sorted(out.items()))


def draw_presence(probs: dict[str, tuple[float, list[str]]], k: int, seed: int | None) -> dict[str, np.ndarray]:
    """Bernoulli draws per key; `seed=None` gives the point run, the most likely network:
    present iff p ≥ 0.5."""
    if seed is None:
        return {key: np.array([p >= 0.5]) for key, (p, _) in probs.items()}
    rng = np.random.default_rng(np.random.SeedSequence([seed, 2]))
    u = rng.random((k, len(probs)))
    return {key: u[:, j] < p for j, (key, (p, _)) in enumerate(probs.items())}


# -- the template -----------------------------------------------------------------------------------

def compile_template(net: Network, sc: Scenario) -> Template:
    vars_: list[Var] = []
    rows: list[Row] = []
    entries: list[tuple[int, int, tuple]] = []
    notes: list[str] = []
    products = list(net.products)
    sectors = sorted({s for p in net.products.values() for s in p.end_use})
    domestic = net.domestic_fabs

    arc_index = {}
    for a in net.arcs:
        arc_index[a.id] = len(vars_)
        vars_.append(Var("arc", a, a.fab))
    src_index: dict[str, int] = {}
    pool_index: dict[tuple[str, str], int] = {}
    for s in net.sources:
        if s.resource == "pool":
            for f in domestic:
                pool_index[(s.id, f)] = len(vars_)
                vars_.append(Var("pool", s, f))
        else:
            src_index[s.id] = len(vars_)
            vars_.append(Var("src", s, s.fab))

    row_index: dict[tuple[str, str], int] = {}

    def row(kind: str, key: str, ref=None) -> int:
        row_index[(kind, key)] = len(rows)
        rows.append(Row(kind, key, ref))
        return len(rows) - 1

    for f in net.fabs:
        r = row("fab", f, net.fabs[f])
        for a in net.arcs:
            if a.fab == f:
                entries.append((r, arc_index[a.id], ("one",)))
    for p in products:
        r = row("demand", p, net.products[p])
        for a in net.arcs:
            if a.product == p:
                entries.append((r, arc_index[a.id], ("eff", a.id)))
    for m in sc.materials:
        srcs = [s for s in net.sources if s.material == m]
        if not srcs:
            notes.append(f"{net.label(m)}: no source with a figure or an assumption, so it does not constrain the fabs")
            continue
        if not domestic:
            continue
        r = row("material", m, m)
        for a in net.arcs:
            if a.fab in domestic:
                entries.append((r, arc_index[a.id], ("one",)))
        for s in srcs:
            entries.append((r, src_index[s.id], ("minus",)))
    for f in domestic:
        own = [s for s in net.sources if s.resource == f"tools:{f}"]
        if not own:
            notes.append(f"{net.label(f)}: no tool source with a figure or assumption (e.g. its installed tools), so tools do not constrain it")
            continue
        r = row("tools", f, f)
        for a in net.arcs:
            if a.fab == f:
                entries.append((r, arc_index[a.id], ("one",)))
        for s in own:
            entries.append((r, src_index[s.id], ("minus",)))
        for s in net.sources:
            if s.resource == "pool":
                entries.append((r, pool_index[(s.id, f)], ("minus",)))
    for s in net.sources:
        if s.resource == "pool":
            r = row("pool", s.id, s)
            for f in domestic:
                entries.append((r, pool_index[(s.id, f)], ("one",)))

    tpl = Template(net, sc, vars_, rows, np.array([], int), np.array([], int), [], products, sectors,
                   arc_index, row_index, notes=notes)

    # imports and the budget row
    for j, v in enumerate(vars_):
        if v.kind == "arc" and not net.fabs[v.ref.fab].domestic:
            tpl.imports.append((j, f"price.foundry.{v.ref.fab}|price.foundry.default"))
        elif v.kind in ("src", "pool") and not v.ref.assumed and not v.ref.domestic:
            s: Source = v.ref
            if s.material:
                tpl.imports.append((j, f"price.material.{s.material}|price.material.default"))
            else:
                tpl.imports.append((j, f"price.tools.{s.item}|price.tools.default"))
    if sc.assumption("budget.headroom") is not None and tpl.imports:
        r = row("budget", "imports")
        for j, key in tpl.imports:
            entries.append((r, j, ("price", key)))
        tpl.has_budget = True
    elif sc.cost_shocks:
        raise sc.error(("cost_shocks", 0), "a cost shock needs a budget — add assumption budget.headroom "
                                           "(the import budget as a multiple of the reference import bill)")

    # floors
    for i, fl in enumerate(sc.floors):
        j = len(vars_)
        vars_.append(Var("slack", i))
        r = row("floor", str(i), fl)
        if fl.product is not None:
            pid = fl.product if fl.product in net.products else None
            if pid is None:
                raise sc.error(("floors", i, "product"), f"floor names '{fl.product}', which is not a product with a demand assumption — "
                                                        f"use one of {', '.join(products)}")
            for a in net.arcs:
                if a.product == pid:
                    entries.append((r, arc_index[a.id], ("floor_product", a.id, pid)))
        else:
            if fl.end_use not in sectors:
                raise sc.error(("floors", i, "end_use"), f"no product serves end use '{fl.end_use}' — use one of {', '.join(sectors)}")
            for a in net.arcs:
                share = net.products[a.product].end_use.get(fl.end_use, 0)
                if share > 0:
                    entries.append((r, arc_index[a.id], ("floor_use", a.id, fl.end_use)))
        entries.append((r, j, ("minus",)))

    tpl.entry_rows = np.array([e[0] for e in entries], dtype=np.int64)
    tpl.entry_cols = np.array([e[1] for e in entries], dtype=np.int64)
    tpl.entry_kind = [e[2] for e in entries]
    return tpl


# -- evaluating one batch of draws --------------------------------------------------------------------

@dataclass
class Interventions:
    """What the scenario cuts, closes, multiplies and shocks, resolved against the network."""

    cut_flows: set[str] = field(default_factory=set)
    cut_fabs: set[str] = field(default_factory=set)
    lost_partners: set[tuple[str, str]] = field(default_factory=set)  # (source id, partner entity)
    multipliers: list[tuple[int, str]] = field(default_factory=list)  # (index, entity)
    shocks: list[int] = field(default_factory=list)
    effects: list[str] = field(default_factory=list)


def resolve_interventions(cw, net: Network, sc: Scenario) -> Interventions:
    """Removals, channel closures and multipliers resolved to the flows they touch; unknown
    entities and claims are errors at their line."""
    iv = Interventions()
    store = cw.store
    known_claims = set(net.claims) | _all_claim_ids(store)

    def entity(name: str, loc: tuple, kind: str = "entity") -> str:
        if store.has_entity(name):
            return name
        res = store.resolve(name)
        if res.entity_id:
            return res.entity_id
        cands = ", ".join(str(r.entity_id) for r in res.candidates.head(5).itertuples()) if not res.candidates.empty else ""
        hint = f"did you mean {cands}?" if cands else "use an entity id or a name `chipwatch search` finds"
        raise sc.error(loc, f"unknown {kind} '{name}' — {hint}")

    flows = [*net.arcs, *net.sources]
    for i, rm in enumerate(sc.remove):
        hit: list[str] = []
        if rm.entity is not None:
            e = entity(rm.entity, ("remove", i, "entity"))
            for fl in flows:
                if e in fl.entities():
                    iv.cut_flows.add(fl.id)
                    hit.append(fl.id)
                for p in getattr(fl, "partners", []):
                    if p.entity == e or e in p.path:
                        iv.lost_partners.add((fl.id, p.entity))
                        hit.append(f"{fl.id} (partner {net.label(p.entity)})")
            if e in net.fabs:
                iv.cut_fabs.add(e)
            what = net.label(e)
        elif rm.claim is not None:
            if rm.claim not in known_claims:
                raise sc.error(("remove", i, "claim"), f"unknown claim '{rm.claim}' — use a claim id from `chipwatch claims`")
            for fl in flows:
                if rm.claim in fl.claims:
                    iv.cut_flows.add(fl.id)
                    hit.append(fl.id)
                for p in getattr(fl, "partners", []):
                    if rm.claim in p.claims:
                        iv.lost_partners.add((fl.id, p.entity))
                        hit.append(f"{fl.id} (partner {net.label(p.entity)})")
            what = f"claim {rm.claim}"
        else:
            a = entity(rm.arc["from"], ("remove", i, "arc"))
            b = entity(rm.arc["to"], ("remove", i, "arc"))
            for fl in flows:
                ends = {fl.supplier, getattr(fl, "product", None), getattr(fl, "fab", None), getattr(fl, "material", None)}
                if a in ({fl.supplier, getattr(fl, "fab", None)} | set(fl.path)) and (b in ends or (b == net.home and isinstance(fl, Source))):
                    iv.cut_flows.add(fl.id)
                    hit.append(fl.id)
                for p in getattr(fl, "partners", []):
                    if {a, b} == {p.entity, fl.supplier}:
                        iv.lost_partners.add((fl.id, p.entity))
                        hit.append(f"{fl.id} (partner {net.label(p.entity)})")
            what = f"{net.label(a)} → {net.label(b)}"
        iv.effects.append(f"remove {what}: " + (", ".join(hit) if hit else f"touches nothing in the network as of {net.as_of}"))
    for i, cl in enumerate(sc.close_channels):
        e = entity(cl.country, ("close_channels", i, "country"), "country")
        if store.entity(e)["type"] not in ("country", "country_group"):
            raise sc.error(("close_channels", i, "country"), f"'{e}' is a {store.entity(e)['type']}, not a country — a channel is a country goods pass through")
        hit = []
        for fl in flows:
            if e in fl.path:
                iv.cut_flows.add(fl.id)
                hit.append(fl.id)
            for p in getattr(fl, "partners", []):
                if e in p.path:
                    iv.lost_partners.add((fl.id, p.entity))
                    hit.append(f"{fl.id} (partner {net.label(p.entity)})")
        for f, fab in net.fabs.items():
            if e in fab.path:
                iv.cut_fabs.add(f)
        iv.effects.append(f"close channel {net.label(e)}: " + (", ".join(hit) if hit else f"no flow passes through it as of {net.as_of}"))
    for i, mu in enumerate(sc.capacity_multipliers):
        e = entity(mu.entity, ("capacity_multipliers", i, "entity"))
        iv.multipliers.append((i, e))
        touched = [f for f in net.fabs if f == e or e in net.fabs[f].path] + \
                  [s.id for s in net.sources if s.supplier == e or e in s.path]
        iv.effects.append(f"capacity of {net.label(e)} × {_spec(mu)}: " + (", ".join(touched) if touched else "touches nothing"))
    iv.shocks = list(range(len(sc.cost_shocks)))
    for s in sc.cost_shocks:
        iv.effects.append(f"cost shock {s.name}: {s.currency} {_spec(s)}% → import prices × {1 / (1 + s.central / 100):.3f} (central)")
    return iv


def _all_claim_ids(store) -> set[str]:
    return {r[0] for r in store.con.execute("SELECT id FROM claims").fetchall()}


def _spec(r) -> str:
    d = r.describe()
    if "value" in d:
        return f"{d['value']:g}"
    return f"{d['min']:g}–{d['max']:g}" + (f" (mode {d['mode']:g})" if "mode" in d else "")


def evaluate(tpl: Template, P: Params, presence: dict[str, np.ndarray], iv: Interventions | None,
             budget: np.ndarray | None, hard: bool = False) -> Batch:
    """Coefficients, right-hand sides and bounds for K draws (all arrays K × …)."""
    net, sc, k = tpl.net, tpl.sc, P.k
    n, m = tpl.n, tpl.m
    one = np.ones(k)
    end = net.as_of_end

    # capacities: reference (for coverage bases) and effective (after interventions)
    cap_ref: dict[str, np.ndarray] = {}
    for f, fab in net.fabs.items():
        if fab.capacity is not None:
            cap_ref[f] = one * fab.capacity
        else:
            cap_ref[f] = P.need(sc, f"capacity.{f}", f"capacity of {net.label(f)} (no capacity claim as of {net.as_of})")
    c_ref = sum((cap_ref[f] for f in net.domestic_fabs), np.zeros(k))

    def mult_for(entities: set[str]) -> np.ndarray:
        out = one.copy()
        if iv is None:
            return out
        for i, e in iv.multipliers:
            if e in entities:
                out = out * P.get(f"~multiplier.{i}")
        return out

    cap_eff = {}
    for f, fab in net.fabs.items():
        c = cap_ref[f] * mult_for({f, *fab.path})
        if fab.bankrupt_claim or (iv is not None and f in iv.cut_fabs):
            c = c * 0
        cap_eff[f] = c

    def present(flow) -> np.ndarray:
        p = presence[flow.presence_key].astype(float)
        if iv is not None and flow.id in iv.cut_flows:
            p = p * 0
        return p

    def ramp(flow, default_name: str) -> np.ndarray:
        if flow.start is None:
            return one
        months = P.need(sc, f"ramp_months.{flow.id}", f"ramp-up of {flow.id} (starts {flow.start})", default_name)
        elapsed = months_between(flow.start, end)
        return np.clip(np.divide(elapsed, months, out=np.full(k, np.inf), where=months > 0), 0, 1)

    # efficiencies
    eff = np.ones((k, len(net.arcs)))
    exponent = None
    for i, a in enumerate(net.arcs):
        if a.efficiency is not None:
            eff[:, i] = a.efficiency
        elif a.substitution:
            y = P.need(sc, f"relative_yield.{a.fab}", f"relative yield of {net.label(a.fab)} making {net.label(a.product)}",
                       "relative_yield.default")
            e = y.copy()
            if a.node_nm and a.ref_node:
                if exponent is None:
                    exponent = P.need(sc, "node_area_exponent", "die-area scaling between process nodes")
                e = e * (a.ref_node / a.node_nm) ** exponent
            eff[:, i] = e

    demand = np.column_stack([P.need(sc, f"demand.{p}", f"demand for {net.label(p)}") for p in tpl.products]) \
        if tpl.products else np.zeros((k, 0))

    # objective weights
    weights = {s: (P.get(f"weight.{s}") if P.get(f"weight.{s}") is not None else one) for s in tpl.sectors}
    w_prod = []
    for p in tpl.products:
        shares = net.products[p].end_use
        w = sum((weights[s] * v for s, v in shares.items()), np.zeros(k)) + (1 - sum(shares.values())) * one
        w_prod.append(w)
    w_prod = np.column_stack(w_prod) if w_prod else np.zeros((k, 0))
    if sc.objective.kind == "product_share":
        denom = w_prod.sum(axis=1)
        per_unit = w_prod / np.where(demand > 0, demand, np.inf) / np.where(denom > 0, denom, 1)[:, None]
    else:
        denom = (w_prod * demand).sum(axis=1)
        per_unit = w_prod / np.where(denom > 0, denom, 1)[:, None]

    c = np.zeros((k, n))
    ub = np.full((k, n), np.inf)
    b = np.zeros((k, m))
    pidx = {p: i for i, p in enumerate(tpl.products)}
    aidx = {a.id: i for i, a in enumerate(net.arcs)}

    shock = one.copy()
    if iv is not None:
        for i in iv.shocks:
            shock = shock / (1 + P.get(f"~shock.{i}") / 100)

    for j, v in enumerate(tpl.vars):
        if v.kind == "arc":
            a: Arc = v.ref
            c[:, j] = -per_unit[:, pidx[a.product]] * eff[:, aidx[a.id]]
            pres = present(a)
            r = ramp(a, "ramp_months.substitution") if a.substitution else one
            limited = (pres < 1) | (r < 1)
            ub[:, j] = np.where(limited, pres * r * cap_eff[a.fab], np.inf)
        elif v.kind == "src":
            s: Source = v.ref
            ub[:, j] = _source_amount(tpl, s, P, presence, present, ramp, mult_for, c_ref, cap_ref, iv)
        elif v.kind == "slack":
            c[:, j] = FLOOR_PENALTY
            ub[:, j] = 0 if hard else np.inf

    for i, r in enumerate(tpl.rows):
        if r.kind == "fab":
            b[:, i] = cap_eff[r.key]
        elif r.kind == "demand":
            b[:, i] = demand[:, pidx[r.key]]
        elif r.kind == "pool":
            b[:, i] = _source_amount(tpl, r.ref, P, presence, present, ramp, mult_for, c_ref, cap_ref, iv)
        elif r.kind == "budget":
            b[:, i] = budget if budget is not None else np.inf
        elif r.kind == "floor":
            b[:, i] = -r.ref.min_share

    value = -c.copy()
    value[:, [j for j, v in enumerate(tpl.vars) if v.kind == "slack"]] = 0
    # tie-breaks: draw no more than needed, and import as little as an equally good plan allows
    for j, v in enumerate(tpl.vars):
        if v.kind in ("src", "pool"):
            c[:, j] += EPS_USE
    for j, key in tpl.imports:
        first, fallback = key.split("|")
        price = P.get(first) if P.get(first) is not None else P.get(fallback)
        if price is not None:
            c[:, j] += EPS_USD * price * shock

    # matrix entries
    data = np.empty((k, len(tpl.entry_kind)))
    price_cache: dict[str, np.ndarray] = {}
    for e, kind in enumerate(tpl.entry_kind):
        tag = kind[0]
        if tag == "one":
            data[:, e] = 1
        elif tag == "minus":
            data[:, e] = -1
        elif tag == "eff":
            data[:, e] = eff[:, aidx[kind[1]]]
        elif tag == "price":
            if kind[1] not in price_cache:
                first, fallback = kind[1].split("|")
                price_cache[kind[1]] = P.need(sc, first, "import price for the budget", fallback) * shock
            data[:, e] = price_cache[kind[1]]
        elif tag == "floor_product":
            data[:, e] = -eff[:, aidx[kind[1]]] / np.where(demand[:, pidx[kind[2]]] > 0, demand[:, pidx[kind[2]]], np.inf)
        elif tag == "floor_use":
            a = net.arcs[aidx[kind[1]]]
            use = kind[2]
            total = sum((net.products[p].end_use.get(use, 0) * demand[:, pidx[p]] for p in tpl.products), np.zeros(k))
            data[:, e] = -net.products[a.product].end_use.get(use, 0) * eff[:, aidx[a.id]] / np.where(total > 0, total, np.inf)
    return Batch(c, data, b, ub, eff, demand, hard, value)


def _source_amount(tpl: Template, s: Source, P: Params, presence, present, ramp, mult_for, c_ref, cap_ref,
                   iv: Interventions | None) -> np.ndarray:
    """What source `s` supplies per draw: coverage × base × presence × ramp × multipliers,
    times what it keeps without a foreign partner that is cut or absent in the draw."""
    net, sc = tpl.net, tpl.sc
    if s.coverage is not None:
        cov = np.full(P.k, s.coverage[0])
    else:
        cov = P.need(sc, f"coverage.{s.id}", f"coverage of {s.id}")
    base = cap_ref[s.fab] if s.resource.startswith("tools:") else c_ref
    amount = cov * base * present(s) * ramp(s, "ramp_months.facility" if s.facility else "ramp_months.supply")
    amount = amount * mult_for({e for e in (s.supplier, *s.path) if e})
    for p in s.partners:
        alive = presence[f"claim:{p.primary}"]
        if iv is not None and (s.id, p.entity) in iv.lost_partners:
            alive = np.zeros(P.k, bool)
        if not alive.all():
            keep = P.need(sc, f"partner_loss.{s.id}", f"what {sid_label(s, net.labels)} keeps without {net.label(p.entity)}",
                          "partner_loss.default")
            amount = np.where(alive, amount, amount * keep)
    return amount


# -- solving ------------------------------------------------------------------------------------------

METHOD = "draws"  # how solve() solves by default (tests set "blocks" to compare)


def solve(tpl: Template, batch: Batch, threads: int | None = None, method: str | None = None) -> Solution:
    """Solve every draw of `batch`, spread over `threads` workers (default: up to 2 cores).

    `method="draws"` (the default) solves each draw as its own LP with HiGHS — the solver
    linprog runs — through one HiGHS instance per run of CHUNK draws, each draw started from
    the previous one's optimal basis. `method="blocks"` is the former way: CHUNK draws as one
    block-diagonal LP through linprog (about 1.4 times the processor time; kept to check against). Both
    give an optimal solution of every draw; where a draw has several optimal plans they may
    pick different ones. HiGHS holds the GIL, so the workers are forked processes (where the
    platform forks; one process elsewhere); a worker gets whole runs of CHUNK draws, so the
    result does not depend on the number of workers."""
    method = method or METHOD
    if method not in ("draws", "blocks"):
        raise ValueError(f"method {method!r}: use 'draws' or 'blocks'")
    if method == "draws" and _highs is None:  # pragma: no cover - scipy without its HiGHS bindings
        method = "blocks"
    k = batch.c.shape[0]
    chunks = [(s, min(s + CHUNK, k)) for s in range(0, k, CHUNK)]
    workers = min(threads or min(2, os.cpu_count() or 1), len(chunks))
    if workers > 1 and len(chunks) >= 2 * workers and _may_fork():
        return _solve_forked(tpl, batch, method, chunks, workers)
    return _SPAN[method](tpl, batch, (0, k))


def _may_fork() -> bool:
    """Fork workers only where the platform forks and from a process's main thread (not from
    a server's request threads, whose other threads' locks a child would inherit)."""
    return "fork" in mp.get_all_start_methods() and threading.current_thread() is threading.main_thread()


def _spans(chunks: list[tuple[int, int]], parts: int) -> list[tuple[int, int]]:
    """`parts` contiguous runs of whole chunks, as (first draw, end)."""
    per = -(-len(chunks) // parts)
    return [(chunks[i][0], chunks[min(i + per, len(chunks)) - 1][1]) for i in range(0, len(chunks), per)]


def _joined(parts: list[Solution]) -> Solution:
    return Solution(*(np.concatenate([getattr(p, f) for p in parts]) for f in ("x", "row_dual", "ub_dual", "ok")))


_FORKED: tuple[Template, Batch, str] | None = None  # what forked workers read (inherited, not pickled)


def _forked_span(span: tuple[int, int]) -> Solution:
    tpl, batch, method = _FORKED
    return _SPAN[method](tpl, batch, span)


def _solve_forked(tpl: Template, batch: Batch, method: str, chunks, workers: int) -> Solution:
    global _FORKED
    _FORKED = (tpl, batch, method)
    try:
        with mp.get_context("fork").Pool(workers) as pool:
            return _joined(pool.map(_forked_span, _spans(chunks, workers)))
    finally:
        _FORKED = None


# -- draw by draw: one HiGHS instance, warm-started ------------------------------------------------

try:  # the HiGHS bindings scipy ships (scipy is pinned); linprog calls the same solver through them
    from scipy.optimize._highspy import _core as _highs
except ImportError:  # pragma: no cover
    _highs = None

INF_RHS = 1e30  # a row without a limit (HiGHS reads anything above 1e20 as infinite)


class _Chain:
    """One HiGHS instance solving draws lo..hi one after another: the first draw of a run
    is passed as a whole model, each next one by changing its costs and bounds and those
    right-hand sides and matrix entries that differ from the draw before, so HiGHS starts
    from the last optimal basis. What changes from draw to draw is worked out for the whole
    span at once."""

    def __init__(self, tpl: Template, batch: Batch, span: tuple[int, int]):
        self.tpl, self.batch, self.lo = tpl, batch, span[0]
        lo, hi = span
        order = np.lexsort((tpl.entry_rows, tpl.entry_cols))  # column-wise, as HiGHS stores it
        self.order = order
        self.index = tpl.entry_rows[order].astype(np.int32)
        self.start = np.searchsorted(tpl.entry_cols[order], np.arange(tpl.n + 1)).astype(np.int32)
        varying = np.array([e for e, kind in enumerate(tpl.entry_kind) if kind[0] not in ("one", "minus")], int)
        self.rhs = np.where(np.isfinite(batch.b[lo:hi]), batch.b[lo:hi], INF_RHS)
        self.rhs_changes = _changes(self.rhs, list(range(tpl.m)), list(range(tpl.m)))
        vdata = batch.data[lo:hi][:, varying] if len(varying) else np.zeros((hi - lo, 0))
        self.coeff_changes = _changes(vdata, tpl.entry_rows[varying].tolist(), tpl.entry_cols[varying].tolist())
        self.cols = np.arange(tpl.n, dtype=np.int32)
        self.zeros = np.zeros(tpl.n)
        self.h = _highs._Highs()
        options = _highs.HighsOptions()
        options.output_flag = False
        options.log_to_console = False
        self.h.passOptions(options)
        self.fresh = True

    def _model(self, i: int) -> None:
        tpl, batch = self.tpl, self.batch
        lp = _highs.HighsLp()
        lp.num_col_, lp.num_row_ = tpl.n, tpl.m
        lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = tpl.n, tpl.m
        lp.a_matrix_.format_ = _highs.MatrixFormat.kColwise
        lp.col_cost_ = batch.c[i]
        lp.col_lower_ = np.zeros(tpl.n)
        lp.col_upper_ = batch.ub[i]
        lp.row_lower_ = np.full(tpl.m, -np.inf)
        lp.row_upper_ = self.rhs[i - self.lo]
        lp.a_matrix_.start_ = self.start
        lp.a_matrix_.index_ = self.index
        lp.a_matrix_.value_ = batch.data[i][self.order]
        self.h.passModel(lp)

    def _change(self, i: int) -> None:
        """Draw i in place of draw i − 1."""
        h, batch = self.h, self.batch
        h.changeColsCost(self.tpl.n, self.cols, batch.c[i])
        h.changeColsBounds(self.tpl.n, self.cols, self.zeros, batch.ub[i])
        for r, _, v in self.rhs_changes[i - self.lo]:
            h.changeRowBounds(r, -np.inf, v)
        for r, j, v in self.coeff_changes[i - self.lo]:
            h.changeCoeff(r, j, v)

    def solve(self, i: int):
        """(x, row duals, upper-bound duals) of draw i, or None when it is infeasible; draw
        i − 1 must be the one solved last unless the chain is fresh."""
        if self.fresh:
            self._model(i)
        else:
            self._change(i)
        self.h.run()
        status = self.h.getModelStatus()
        if status in (_highs.HighsModelStatus.kInfeasible, _highs.HighsModelStatus.kUnboundedOrInfeasible):
            self.fresh = True  # start the next draw from scratch
            return None
        if status != _highs.HighsModelStatus.kOptimal:
            raise ChipwatchError(f"the LP solver failed ({self.h.modelStatusToString(status)}); this is a bug — "
                                 "please report it with the scenario file")
        self.fresh = False
        sol = self.h.getSolution()
        col_dual = np.asarray(sol.col_dual)
        ud = np.zeros(self.tpl.n)
        gains = np.flatnonzero(col_dual < 0).tolist()
        if gains:  # a bound's dual is the column's, where HiGHS holds the column at its upper bound (as linprog reads it)
            status_of = self.h.getBasis().col_status
            for j in gains:
                if status_of[j] == _highs.HighsBasisStatus.kUpper:
                    ud[j] = -col_dual[j]
        return np.asarray(sol.col_value), np.maximum(-np.asarray(sol.row_dual), 0), ud


def _changes(values: np.ndarray, rows: list[int], cols: list[int]) -> list[list[tuple[int, int, float]]]:
    """Per draw of `values` (draws × entries): the (row, column, value) of each entry that
    differs from the draw before (none for the first)."""
    out: list[list[tuple[int, int, float]]] = [[] for _ in range(values.shape[0])]
    if values.shape[0] < 2 or not values.shape[1]:
        return out
    draw, entry = np.nonzero(values[1:] != values[:-1])
    for d, e, v in zip((draw + 1).tolist(), entry.tolist(), values[draw + 1, entry].tolist(), strict=True):
        out[d].append((rows[e], cols[e], v))
    return out


def _empty(tpl: Template, kk: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Room for kk draws' solutions: flows, row duals, column duals, and which were solved."""
    return np.zeros((kk, tpl.n)), np.zeros((kk, tpl.m)), np.zeros((kk, tpl.n)), np.ones(kk, bool)


def _solve_draws(tpl: Template, batch: Batch, span: tuple[int, int]) -> Solution:
    """Draws lo..hi one by one; each run of CHUNK draws (counted from draw 0) starts afresh."""
    lo0, hi0 = span
    x, rd, ud, ok = _empty(tpl, hi0 - lo0)
    chain = _Chain(tpl, batch, span)
    for i in range(lo0, hi0):
        if i % CHUNK == 0:
            chain.fresh = True
        one = chain.solve(i)
        if one is None:
            ok[i - lo0] = False
        else:
            x[i - lo0], rd[i - lo0], ud[i - lo0] = one
    return Solution(x, rd, ud, ok)


# -- blocks of draws as one block-diagonal LP (the former way) ----------------------------------------

def _solve_span(tpl: Template, batch: Batch, span: tuple[int, int]) -> Solution:
    """Draws lo..hi, block by block."""
    lo0, hi0 = span
    x, rd, ud, ok = _empty(tpl, hi0 - lo0)
    for lo in range(lo0, hi0, CHUNK):
        hi = min(lo + CHUNK, hi0)
        res = _solve_block(tpl, batch, lo, hi)
        if res is None:  # a draw is infeasible (hard floors): solve one by one
            for i in range(lo, hi):
                one = _solve_block(tpl, batch, i, i + 1)
                if one is None:
                    ok[i - lo0] = False
                else:
                    x[i - lo0], rd[i - lo0], ud[i - lo0] = one[0][0], one[1][0], one[2][0]
            continue
        x[lo - lo0:hi - lo0], rd[lo - lo0:hi - lo0], ud[lo - lo0:hi - lo0] = res
    return Solution(x, rd, ud, ok)


def _solve_block(tpl: Template, batch: Batch, lo: int, hi: int):
    from scipy.optimize import linprog

    kk = hi - lo
    n, m = tpl.n, tpl.m
    nnz = len(tpl.entry_rows)
    offs = np.arange(kk)
    rows = (tpl.entry_rows[None, :] + m * offs[:, None]).ravel()
    cols = (tpl.entry_cols[None, :] + n * offs[:, None]).ravel()
    data = batch.data[lo:hi].ravel()
    if nnz:
        A = sp.csr_array((data, (rows, cols)), shape=(kk * m, kk * n))
    else:
        A = None
    ub = batch.ub[lo:hi].ravel()
    bounds = np.column_stack([np.zeros(kk * n), np.where(np.isfinite(ub), ub, np.inf)])
    b = batch.b[lo:hi].ravel()
    b = np.where(np.isfinite(b), b, INF_RHS)
    res = linprog(batch.c[lo:hi].ravel(), A_ub=A if m else None, b_ub=b if m else None, bounds=bounds, method="highs")
    if res.status == 2:
        return None
    if res.status != 0:
        raise ChipwatchError(f"the LP solver failed ({res.message}); this is a bug — please report it with the scenario file")
    x = res.x.reshape(kk, n)
    rd = -res.ineqlin.marginals.reshape(kk, m) if m else np.zeros((kk, 0))
    ud = -res.upper.marginals.reshape(kk, n)
    return x, np.maximum(rd, 0), np.maximum(ud, 0)


_SPAN = {"draws": _solve_draws, "blocks": _solve_span}


# -- reading results ---------------------------------------------------------------------------------------

def outcomes(tpl: Template, batch: Batch, sol: Solution) -> dict[str, np.ndarray]:
    """Per draw: product volume and share met, end-use share met, fab throughput, objective."""
    net = tpl.net
    arc_cols = [tpl.arc_index[a.id] for a in net.arcs]
    made = sol.x[:, arc_cols] * batch.eff  # (K, arcs), product units
    prod = np.zeros((made.shape[0], len(tpl.products)))
    for i, a in enumerate(net.arcs):
        prod[:, tpl.products.index(a.product)] += made[:, i]
    share = np.divide(prod, batch.demand, out=np.zeros_like(prod), where=batch.demand > 0)
    share = np.clip(share, 0, 1)
    uses = {}
    for s in tpl.sectors:
        w = np.array([net.products[p].end_use.get(s, 0) for p in tpl.products])
        met, need = prod @ w, batch.demand @ w
        uses[s] = np.divide(met, need, out=np.zeros_like(met), where=need > 0)
    fabs = {}
    for f in net.fabs:
        cols = [tpl.arc_index[a.id] for a in net.arcs if a.fab == f]
        fabs[f] = sol.x[:, cols].sum(axis=1) if cols else np.zeros(sol.x.shape[0])
    slack_cols = [j for j, v in enumerate(tpl.vars) if v.kind == "slack"]
    objective = (batch.value * sol.x).sum(axis=1)
    bill = np.zeros(sol.x.shape[0])
    if tpl.has_budget:
        r = tpl.row_index[("budget", "imports")]
        sel = tpl.entry_rows == r
        bill = (batch.data[:, sel] * sol.x[:, tpl.entry_cols[sel]]).sum(axis=1)
    return {"volume": prod, "share": share, "uses": uses, "fabs": fabs, "objective": objective,
            "bill": bill, "floor_short": sol.x[:, slack_cols] if slack_cols else np.zeros((sol.x.shape[0], 0))}


def import_bill(tpl: Template, P: Params, sol: Solution) -> np.ndarray:
    """Per draw: what the imports of a solution cost before any shock (USD a month)."""
    total = np.zeros(sol.x.shape[0])
    for j, key in tpl.imports:
        first, fallback = key.split("|")
        price = P.get(first) if P.get(first) is not None else P.get(fallback)
        if price is None:
            raise tpl.sc.error(("assumptions",), f"import price for the budget: no assumption {first} or {fallback} — add it")
        total += price * sol.x[:, j]
    return total


__all__ = ["Template", "Batch", "Solution", "Params", "compile_template", "evaluate", "solve", "outcomes",
           "central_params", "sample_params", "presence_probabilities", "draw_presence", "resolve_interventions",
           "import_bill", "Interventions"]
