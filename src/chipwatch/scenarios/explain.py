"""Plain words for the LP's constraints: what each one is, which entity and claims stand
behind it, and — from the dual values — which ones limit the result and by how much."""

from __future__ import annotations

import numpy as np

from chipwatch.scenarios.network import Arc, Source, sid_label
from chipwatch.scenarios.solve import TOL, TOL_BUDGET, Batch, Solution, Template


def _who(s: Source, net, short: bool = False) -> dict:
    if s.assumed:
        return {"text": f"{s.id} (assumed source)", "claims": [], "assumptions": [f"coverage.{s.id}"]}
    if s.coverage:
        how, assumptions = s.coverage[2], []
    else:
        how, assumptions = f"assumption coverage.{s.id}", [f"coverage.{s.id}"]
    claims = list(s.claims) + [c for c in (s.coverage[1] if s.coverage else []) if c not in s.claims]
    if short:
        text = f"{sid_label(s, net.labels)} ({s.status})"
    else:
        text = f"{sid_label(s, net.labels)} ({s.status}; claims {', '.join(s.claims) or '—'}; {how})"
    return {"text": text, "claims": claims, "assumptions": assumptions}


def describe(tpl: Template, cid: str) -> dict:
    """A constraint by id (`row:<kind>:<key>` or `bound:<var>`) in plain words, with entities and claims."""
    net = tpl.net
    kind, _, key = cid.partition(":")
    if kind == "row":
        rkind, _, rkey = key.partition(":")
        if rkind == "fab":
            fab = net.fabs[rkey]
            if fab.bankrupt_claim:
                basis, claims, assumptions = f"bankrupt (claim {fab.bankrupt_claim})", [fab.bankrupt_claim], []
            elif fab.capacity_claim:
                basis, claims, assumptions = f"{fab.capacity:,.0f} wafer_200mm/month (claim {fab.capacity_claim})", [fab.capacity_claim], []
            else:
                basis, claims, assumptions = f"assumption capacity.{rkey}", [], [f"capacity.{rkey}"]
            what = "what it would make for Russian customers" if not fab.domestic else "its capacity"
            return {"id": cid, "kind": "fab capacity", "entities": [rkey], "claims": claims, "assumptions": assumptions,
                    "text": f"{net.label(rkey)}: {what} — {basis}"}
        if rkind == "demand":
            return {"id": cid, "kind": "demand", "entities": [rkey], "claims": [], "assumptions": [f"demand.{rkey}"],
                    "text": f"demand for {net.label(rkey)} is fully met (assumption demand.{rkey})"}
        if rkind == "material":
            srcs = [s for s in net.sources if s.material == rkey]
            parts = [_who(s, net) for s in srcs]
            return {"id": cid, "kind": "material", "entities": [rkey] + [s.supplier for s in srcs if s.supplier],
                    "claims": _flat(p["claims"] for p in parts), "assumptions": _flat(p["assumptions"] for p in parts),
                    "text": f"chip-grade {net.label(rkey)} for Russian fabs runs out — sources: " + _grouped(srcs, net)}
        if rkind == "tools":
            own = [s for s in net.sources if s.resource == f"tools:{rkey}"]
            pooled = [s for s in net.sources if s.resource == "pool"]
            parts = [_who(s, net) for s in own + pooled]
            return {"id": cid, "kind": "tools", "entities": [rkey] + [s.supplier for s in own + pooled if s.supplier],
                    "claims": _flat(p["claims"] for p in parts), "assumptions": _flat(p["assumptions"] for p in parts),
                    "text": f"tools at {net.label(rkey)} limit its output — sources: " + _grouped(own + pooled, net)}
        if rkind == "pool":
            s = next(s for s in net.sources if s.id == rkey)
            who = _who(s, net)
            return {"id": cid, "kind": "tool supply", "entities": [e for e in (s.supplier, *s.path) if e],
                    "claims": who["claims"], "assumptions": who["assumptions"],
                    "text": f"{who['text']}: all of it is used"}
        if rkind == "budget":
            shocks = ", ".join(f"{s.name} ({s.currency} {s.central:+g}%)" for s in tpl.sc.cost_shocks)
            return {"id": cid, "kind": "budget", "entities": [], "claims": [],
                    "assumptions": ["budget.headroom"] + sorted({k.split("|")[0] for _, k in tpl.imports}),
                    "text": "the import budget (assumption budget.headroom × the reference import bill)"
                            + (f", with import prices raised by {shocks}" if shocks else "")}
        if rkind == "floor":
            fl = tpl.sc.floors[int(rkey)]
            target = net.label(fl.product) if fl.product else f"{fl.end_use} end use"
            return {"id": cid, "kind": "floor", "entities": [fl.product] if fl.product else [], "claims": [], "assumptions": [],
                    "text": f"the floor of {fl.min_share:.0%} of demand met for {target}"}
    if kind == "bound":
        j = int(key)
        v = tpl.vars[j]
        if v.kind == "arc":
            a: Arc = v.ref
            basis = f"claims {', '.join(a.claims)}" if a.claims else "assumed arc"
            start = f", started {a.start}" if a.start else ""
            return {"id": cid, "kind": "ramp-up", "entities": [a.fab, a.product], "claims": list(a.claims),
                    "assumptions": [f"ramp_months.{a.id}|ramp_months.substitution"],
                    "text": f"{net.label(a.fab)} making {net.label(a.product)} is still ramping up ({basis}{start})"}
        if v.kind in ("src", "pool"):
            s: Source = v.ref
            who = _who(s, net)
            return {"id": cid, "kind": "source", "entities": [e for e in (s.supplier, *s.path) if e],
                    "claims": who["claims"], "assumptions": who["assumptions"], "text": f"{who['text']}: all of it is used"}
    return {"id": cid, "kind": "other", "entities": [], "claims": [], "assumptions": [], "text": cid}


def _grouped(sources: list[Source], net) -> str:
    """Sources grouped by supplier: `NAURA Technology Group (etch equipment, deposition
    equipment; speculated)`, `installed tools (assumed)`."""
    groups: dict[str, tuple[list[str], set[str]]] = {}
    for s in sources:
        if s.assumed:
            key, item = s.id.rsplit("/", 1)[-1].replace("-", " ") + " (assumed)", ""
        else:
            key = net.label(s.supplier)
            item = net.label(s.item) if s.item else ""
            if s.via:
                item = f"{item} via {net.label(s.via)}".strip()
        items, statuses = groups.setdefault(key, ([], set()))
        if item and item not in items:
            items.append(item)
        if not s.assumed:
            statuses.add(s.status)
    out = []
    for key, (items, statuses) in groups.items():
        bits = ", ".join(items)
        st = "/".join(sorted(statuses - {"fact"}))
        inner = "; ".join(b for b in (bits, st) if b)
        out.append(f"{key} ({inner})" if inner else key)
    return "; ".join(out)


def unmet(tpl: Template, batch: Batch, sol: Solution, iv, k: int = 0) -> list[dict]:
    """For draw k, each product short of its demand with the state of every route to it:
    cut by the scenario, absent (its claim's probability), ramping up, or running."""
    net = tpl.net
    out = []
    for i, p in enumerate(tpl.products):
        made = sum(batch.eff[k, net.arcs.index(a)] * sol.x[k, tpl.arc_index[a.id]] for a in net.arcs if a.product == p)
        share = made / batch.demand[k, i] if batch.demand[k, i] > 0 else 1.0
        if share >= 1 - 1e-6:
            continue
        routes = []
        for a in net.arcs:
            if a.product != p:
                continue
            j = tpl.arc_index[a.id]
            who = f"{net.label(a.fab)}" + (f" at {a.node_nm:g} nm" if a.node_nm else "")
            basis = f"claim {a.primary}" if a.primary else f"assumed arc {a.assumed_id}"
            if iv is not None and a.id in iv.cut_flows:
                state = "cut by the scenario"
            elif net.fabs[a.fab].bankrupt_claim:
                state = f"bankrupt (claim {net.fabs[a.fab].bankrupt_claim})"
            elif batch.ub[k, j] <= 1e-12 and np.isfinite(batch.ub[k, j]):
                state = f"absent ({a.status if not a.assumed else 'assumed'}, {basis})"
            elif np.isfinite(batch.ub[k, j]):
                state = f"ramping up: {batch.ub[k, j]:,.0f} wafers/month so far ({basis})"
            else:
                state = f"runs {sol.x[k, j]:,.0f} wafers/month, limited by its fab's constraints ({basis})"
            routes.append(f"{who}: {state}")
        out.append({"product": p, "label": net.label(p), "share_met": round(float(share), 6),
                    "routes": routes or [f"no fab makes it as of {net.as_of}"]})
    return out


def _flat(lists) -> list[str]:
    out: list[str] = []
    for lst in lists:
        for x in lst:
            if x not in out:
                out.append(x)
    return out


def constraint_ids(tpl: Template) -> tuple[list[str], list[str]]:
    rows = [f"row:{r.kind}:{r.key}" for r in tpl.rows]
    bounds = [f"bound:{j}" for j in range(tpl.n)]
    return rows, bounds


def binding_masks(tpl: Template, batch: Batch, sol: Solution) -> tuple[np.ndarray, np.ndarray]:
    """(K × rows, K × vars) booleans: where a constraint limits the objective (dual > 0).
    A bound of zero (an arc absent in that draw) is presence, not capacity: not counted."""
    tol = np.array([TOL_BUDGET if r.kind == "budget" else TOL for r in tpl.rows])
    rows = sol.row_dual > tol[None, :]
    pools = np.array([r.kind == "pool" for r in tpl.rows])
    if pools.any():
        rows &= ~(pools[None, :] & (batch.b <= TOL))  # an absent pooled source is presence, not capacity
    bounds = (sol.ub_dual > TOL) & np.isfinite(batch.ub) & (batch.ub > TOL)
    bounds &= np.array([v.kind != "slack" for v in tpl.vars])[None, :]
    return rows, bounds


def limits(tpl: Template, batch: Batch, sol: Solution, k: int = 0) -> tuple[list[dict], list[dict]]:
    """For draw k: what limits the result (binding constraints, largest shadow price first)
    and which products' demand is fully met."""
    rows, bounds = binding_masks(tpl, batch, sol)
    out, met = [], []
    for i, r in enumerate(tpl.rows):
        if not rows[k, i]:
            continue
        d = describe(tpl, f"row:{r.kind}:{r.key}")
        d["shadow_price"] = float(sol.row_dual[k, i])
        d["rhs"] = float(batch.b[k, i])
        if r.kind == "demand":
            met.append(d)
            continue
        if r.kind in ("material", "tools"):
            d["sources_used_up"] = _used_up(tpl, batch, sol, k, r)
        d["what"] = d["text"]
        d["text"] += f" — 100 more wafer_200mm/month would add {_pp(d['shadow_price'])} of weighted demand met"
        out.append(d)
    for j, v in enumerate(tpl.vars):
        if not bounds[k, j] or v.kind != "arc":
            continue  # source bounds show up through their material/tool rows
        d = describe(tpl, f"bound:{j}")
        d["shadow_price"] = float(sol.ub_dual[k, j])
        d["bound"] = float(batch.ub[k, j])
        d["what"] = d["text"]
        d["text"] += f": {batch.ub[k, j]:,.0f} wafer_200mm/month so far — 100 more would add {_pp(d['shadow_price'])}"
        out.append(d)
    out.sort(key=lambda d: (-round(d["shadow_price"], 12), _ORDER.get(d["kind"], 9), d["id"]))
    return out, met


_ORDER = {"fab capacity": 0, "tools": 1, "material": 2, "budget": 3, "ramp-up": 4, "floor": 5, "tool supply": 6, "source": 7}


def _used_up(tpl: Template, batch: Batch, sol: Solution, k: int, r) -> list[str]:
    used = []
    for j, v in enumerate(tpl.vars):
        s = v.ref if v.kind in ("src", "pool") else None
        if s is None:
            continue
        if r.kind == "material" and s.material != r.key:
            continue
        if r.kind == "tools" and not (s.resource == f"tools:{r.key}" or (v.kind == "pool" and v.fab == r.key)):
            continue
        if v.kind == "src" and np.isfinite(batch.ub[k, j]) and sol.x[k, j] >= batch.ub[k, j] - 1e-6:
            used.append(s.id)
        if v.kind == "pool":
            pr = tpl.row_index[("pool", s.id)]
            if sol.row_dual[k, pr] > TOL and s.id not in used:
                used.append(s.id)
    return used


def _pp(v: float) -> str:
    """100 units' worth of a shadow price, in percentage points of the objective."""
    return f"{v * 100 * 100:.2f} pp"


__all__ = ["describe", "limits", "binding_masks", "constraint_ids", "unmet"]
