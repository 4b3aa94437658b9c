"""Plain words for the LP's constraints: what each one is, which entity and claims stand
behind it, and — from the dual values — which ones limit the result and by how much."""

from __future__ import annotations

import numpy as np

from chipwatch.i18n.message import Msg, Name
from chipwatch.scenarios import words
from chipwatch.scenarios.network import Arc, Source, source_words
from chipwatch.scenarios.solve import TOL, TOL_BUDGET, Batch, Solution, Template


def _who(s: Source, net, short: bool = False) -> dict:
    if s.assumed:
        return {"msg": Msg("scenario.source.assumed", source=source_name(s, net)), "claims": [],
                "assumptions": [f"coverage.{s.id}"]}
    if s.coverage:
        how, assumptions = s.coverage[2], []
    else:
        how, assumptions = Msg("scenario.basis.assumption", name=f"coverage.{s.id}"), [f"coverage.{s.id}"]
    claims = list(s.claims) + [c for c in (s.coverage[1] if s.coverage else []) if c not in s.claims]
    if short:
        msg = Msg("scenario.source.short", source=source_name(s, net), status=words.status(s.status))
    else:
        msg = Msg("scenario.source.full", source=source_name(s, net), status=words.status(s.status),
                  claims=words.claims(s.claims), how=how)
    return {"msg": msg, "claims": claims, "assumptions": assumptions}


def source_name(s: Source, net) -> Msg | Name | str:
    """A source in words (see network.source_words)."""
    return source_words(s, net.name)


def _said(d: dict) -> dict:
    """The dict with its English `text` from its `msg` (what readers outside the explorer see)."""
    d["text"] = str(d["msg"])
    return d


def describe(tpl: Template, cid: str) -> dict:
    """A constraint by id (`row:<kind>:<key>` or `bound:<var>`) in plain words, with entities and
    claims: `msg` says it in either language, `text` in English."""
    return _said(_describe(tpl, cid))


def _describe(tpl: Template, cid: str) -> dict:
    net = tpl.net
    kind, _, key = cid.partition(":")
    if kind == "row":
        rkind, _, rkey = key.partition(":")
        if rkind == "fab":
            fab = net.fabs[rkey]
            if fab.bankrupt_claim:
                basis, claims, assumptions = Msg("scenario.basis.bankrupt", claim=fab.bankrupt_claim), [fab.bankrupt_claim], []
            elif fab.capacity_claim:
                basis = Msg("scenario.basis.capacity", qty=words.quantity(fab.capacity, "wafer_200mm/month"),
                            claim=fab.capacity_claim)
                claims, assumptions = [fab.capacity_claim], []
            else:
                basis, claims, assumptions = Msg("scenario.basis.assumption", name=f"capacity.{rkey}"), [], [f"capacity.{rkey}"]
            what = Msg("scenario.fab.capacity" if fab.domestic else "scenario.fab.foreign")
            return {"id": cid, "kind": "fab capacity", "entities": [rkey], "claims": claims, "assumptions": assumptions,
                    "msg": Msg("scenario.limit.fab", fab=net.name(rkey), what=what, basis=basis)}
        if rkind == "demand":
            return {"id": cid, "kind": "demand", "entities": [rkey], "claims": [], "assumptions": [f"demand.{rkey}"],
                    "msg": Msg("scenario.limit.demand", product=net.name(rkey), name=f"demand.{rkey}")}
        if rkind == "material":
            srcs = [s for s in net.sources if s.material == rkey]
            parts = [_who(s, net) for s in srcs]
            return {"id": cid, "kind": "material", "entities": [rkey] + [s.supplier for s in srcs if s.supplier],
                    "claims": _flat(p["claims"] for p in parts), "assumptions": _flat(p["assumptions"] for p in parts),
                    "msg": Msg("scenario.limit.material", material=net.name(rkey), home=net.name(net.home),
                               sources=_grouped(srcs, net))}
        if rkind == "tools":
            own = [s for s in net.sources if s.resource == f"tools:{rkey}"]
            pooled = [s for s in net.sources if s.resource == "pool"]
            parts = [_who(s, net) for s in own + pooled]
            return {"id": cid, "kind": "tools", "entities": [rkey] + [s.supplier for s in own + pooled if s.supplier],
                    "claims": _flat(p["claims"] for p in parts), "assumptions": _flat(p["assumptions"] for p in parts),
                    "msg": Msg("scenario.limit.tools", fab=net.name(rkey), sources=_grouped(own + pooled, net))}
        if rkind == "pool":
            s = next(s for s in net.sources if s.id == rkey)
            who = _who(s, net)
            return {"id": cid, "kind": "tool supply", "entities": [e for e in (s.supplier, *s.path) if e],
                    "claims": who["claims"], "assumptions": who["assumptions"],
                    "msg": Msg("scenario.limit.used_up", source=who["msg"])}
        if rkind == "budget":
            shocks = [Msg("scenario.shock", name=s.name, currency=words.currency(s.currency),
                          change=words.Spec(s.central, "+g")) for s in tpl.sc.cost_shocks]
            msg = Msg("scenario.limit.budget_shocked", shocks=shocks) if shocks else Msg("scenario.limit.budget")
            return {"id": cid, "kind": "budget", "entities": [], "claims": [],
                    "assumptions": ["budget.headroom"] + sorted({k.split("|")[0] for _, k in tpl.imports}), "msg": msg}
        if rkind == "floor":
            fl = tpl.sc.floors[int(rkey)]
            target = net.name(fl.product) if fl.product else Msg("scenario.end_use", sector=words.sector(fl.end_use))
            return {"id": cid, "kind": "floor", "entities": [fl.product] if fl.product else [], "claims": [], "assumptions": [],
                    "msg": Msg("scenario.limit.floor", share=fl.min_share, target=target)}
    if kind == "bound":
        j = int(key)
        v = tpl.vars[j]
        if v.kind == "arc":
            a: Arc = v.ref
            basis = words.claims(a.claims) if a.claims else Msg("scenario.basis.assumed_arc")
            msg = Msg("scenario.limit.ramp_since" if a.start else "scenario.limit.ramp", fab=net.name(a.fab),
                      product=net.name(a.product), basis=basis, start=a.start)
            return {"id": cid, "kind": "ramp-up", "entities": [a.fab, a.product], "claims": list(a.claims),
                    "assumptions": [f"ramp_months.{a.id}|ramp_months.substitution"], "msg": msg}
        if v.kind in ("src", "pool"):
            s: Source = v.ref
            who = _who(s, net)
            return {"id": cid, "kind": "source", "entities": [e for e in (s.supplier, *s.path) if e],
                    "claims": who["claims"], "assumptions": who["assumptions"],
                    "msg": Msg("scenario.limit.used_up", source=who["msg"])}
    return {"id": cid, "kind": "other", "entities": [], "claims": [], "assumptions": [], "msg": Msg("scenario.word", word=cid)}


def _grouped(sources: list[Source], net) -> words.Joined:
    """Sources grouped by supplier: `NAURA Technology Group (etch equipment, deposition
    equipment; speculated)`, `installed (assumed)`."""
    groups: dict[str, tuple[object, list, set[str]]] = {}
    for s in sources:
        if s.assumed:
            key, who, item = f"assumed:{s.id}", Msg("scenario.source.assumed_short", source=source_name(s, net)), None
        else:
            key, who = s.supplier, net.name(s.supplier)
            item = net.name(s.item) if s.item else None
            if s.via:
                item = Msg("scenario.item_via", item=item or Name(""), via=net.name(s.via))
        _, items, statuses = groups.setdefault(key, (who, [], set()))
        if item is not None and item not in items:
            items.append(item)
        if not s.assumed:
            statuses.add(s.status)
    out = []
    for who, items, statuses in groups.values():
        st = [words.status(x) for x in sorted(statuses - {"fact"})]
        if items and st:
            out.append(Msg("scenario.group.items_status", who=who, items=words.joined(items, ","), statuses=words.joined(st, "/")))
        elif items or st:
            out.append(Msg("scenario.group.one", who=who, what=words.joined(items, ",") if items else words.joined(st, "/")))
        else:
            out.append(who)
    return words.joined(out, ";")


def unmet(tpl: Template, batch: Batch, sol: Solution, iv, k: int = 0) -> list[dict]:
    """For draw k, each product short of its demand with the state of every route to it:
    cut by the scenario, absent (its claim's probability), ramping up, or running. `routes`
    are English; `msg` says the whole line, `route_msgs` each route, in either language."""
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
            who = Msg("scenario.route.at_node", fab=net.name(a.fab), node=a.node_nm) if a.node_nm else net.name(a.fab)
            basis = (Msg("scenario.claims.one", ids=a.primary) if a.primary
                     else Msg("scenario.basis.assumed_arc_id", id=a.assumed_id))
            if iv is not None and a.id in iv.cut_flows:
                state = Msg("scenario.route.cut")
            elif net.fabs[a.fab].bankrupt_claim:
                state = Msg("scenario.basis.bankrupt", claim=net.fabs[a.fab].bankrupt_claim)
            elif batch.ub[k, j] <= 1e-12 and np.isfinite(batch.ub[k, j]):
                state = Msg("scenario.route.absent", status=words.status("assumed" if a.assumed else a.status), basis=basis)
            elif np.isfinite(batch.ub[k, j]):
                state = Msg("scenario.route.ramping", n=float(batch.ub[k, j]), basis=basis)
            else:
                state = Msg("scenario.route.runs", n=float(sol.x[k, j]), basis=basis)
            routes.append(Msg("scenario.route", who=who, state=state))
        if not routes:
            routes = [Msg("scenario.route.none", date=net.as_of)]
        out.append({"product": p, "label": net.label(p), "share_met": round(float(share), 6),
                    "routes": [str(r) for r in routes], "route_msgs": routes,
                    "msg": Msg("scenario.unmet", product=net.name(p), share=round(float(share), 6),
                               routes=words.joined(routes, ";"))})
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
        d["what"], d["what_msg"] = d["text"], d["msg"]
        d["msg"] = Msg("scenario.limit.row_worth", what=d["what_msg"], pp=_pp(d["shadow_price"]))
        out.append(_said(d))
    for j, v in enumerate(tpl.vars):
        if not bounds[k, j] or v.kind != "arc":
            continue  # source bounds show up through their material/tool rows
        d = describe(tpl, f"bound:{j}")
        d["shadow_price"] = float(sol.ub_dual[k, j])
        d["bound"] = float(batch.ub[k, j])
        d["what"], d["what_msg"] = d["text"], d["msg"]
        d["msg"] = Msg("scenario.limit.bound_worth", what=d["what_msg"], qty=words.quantity(batch.ub[k, j], "wafer_200mm/month"),
                       pp=_pp(d["shadow_price"]))
        out.append(_said(d))
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


def _pp(v: float) -> float:
    """100 units' worth of a shadow price, in percentage points of the objective."""
    return v * 100 * 100


__all__ = ["describe", "limits", "binding_masks", "constraint_ids", "unmet", "source_name"]
