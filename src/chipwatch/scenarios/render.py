"""A scenario result as plain text (for the CLI without --json)."""

from __future__ import annotations


def _pct(v) -> str:
    return "—" if v is None else f"{v:.0%}"


def _range(s: dict) -> str:
    return f"{_pct(s['mean'])}  (P5 {_pct(s['p5'])}, P50 {_pct(s['p50'])}, P95 {_pct(s['p95'])})"


def render_result(res: dict) -> str:
    sc = res["scenario"]
    out = [f"{sc['title']} — {sc['name']} (as of {sc['as_of']})"]
    if sc.get("title_zh-Hant"):
        out.append(sc["title_zh-Hant"])
    out.append(sc["description"])
    if res["motivated_by"]:
        out.append("\nMotivated by:")
        out += [f"  {m['claim']}: {m['quote'] or ''}" for m in res["motivated_by"]]
    if res["interventions"]:
        out.append("\nInterventions:")
        out += [f"  {e}" for e in res["interventions"]]

    mc, ref, point = res.get("montecarlo"), res.get("reference_montecarlo"), res["point"]
    out.append("\nDemand met by product" + (f" ({mc['draws']} draws, seed {mc['seed']})" if mc else " (point)") + ":")

    def line(group: str, key: str, label: str, share: float) -> str:
        text = f"  {label:<32} point {_pct(share)}"
        if mc:
            text += f"   MC mean {_range(mc[group][key])}"
        if ref:
            text += f"   without changes {_pct(ref[group][key]['mean'])}"
        return text

    out += [line("products", p, s["label"], s["share_met"]) for p, s in point["products"].items()]
    out.append("\nDemand met by end use:")
    out += [line("end_uses", u, u, v) for u, v in point["end_uses"].items()]

    if point.get("unmet"):
        out.append("\nShort of demand in the point solution, and the routes to it:")
        for u in point["unmet"]:
            out.append(f"  {u['label']} ({_pct(u['share_met'])} met): " + "; ".join(u["routes"]))
    out.append("\nWhat limits you (point solution, shadow prices):")
    out += [f"  - {d['text']}" for d in point["limits"][:8]] or ["  nothing binds"]
    if mc and mc["binding"]:
        out.append("\nHow often each constraint binds (Monte Carlo):")
        out += [f"  {d['share_of_draws']:>5.0%}  {d['text']}" for d in mc["binding"][:10]]

    if res["figures"]:
        out.append("\nFigures from the claims:")
        out += [f"  {f['used_as']} [claim {f['claim']}]" for f in res["figures"]]
    out.append("\nAssumptions (numbers the article does not give):")
    for a in res["assumptions"]:
        if "shares" in a:
            val = ", ".join(f"{k} {v:g}" for k, v in a["shares"].items())
        elif "value" in a:
            val = f"{a['value']:g}"
        else:
            val = f"{a['min']:g}–{a['max']:g}" + (f", mode {a['mode']:g}" if "mode" in a else "") + f" ({a['dist']})"
        flag = "" if a["used"] else "  [not used here]"
        out.append(f"  {a['name']} = {val} {a['unit']} — {a['why']}{flag}")
    for a in res.get("assumed_arcs", []):
        eff = f", efficiency {a['efficiency']:g}" if a.get("efficiency") is not None else ""
        out.append(f"  assumed arc {a['id']}: {a['fab']} makes {a['product']} (probability {a['probability']:g}{eff}) — {a['why']}")
    for a in res.get("assumed_sources", []):
        what = a.get("material") or f"tools for {a.get('tools_for')}"
        out.append(f"  assumed source {a['id']} ({what}, probability {a.get('probability', 1):g}) — {a['why']}")
    p = res["probabilities"]
    out.append("  probabilities that an arc is present, by claim status: "
               + ", ".join(f"{s} {p[s]:g}" for s in ("fact", "reported", "speculated", "planned", "disputed") if p[s] is not None)
               + (f" — {p['why']}" if p.get("why") else ""))
    if res["notes"]:
        out.append("\nNotes:")
        out += [f"  {n}" for n in res["notes"]]
    return "\n".join(out)
