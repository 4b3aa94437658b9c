"""A scenario result as plain text (for the CLI without --json), in English or Traditional
Chinese: every sentence the scenario modules write is said from its `msg`; text that comes
only in English (what the scenario file's authors wrote, or a part with no `msg`) is shown
as it is."""

from __future__ import annotations

import unicodedata

from chipwatch.errors import ChipwatchError
from chipwatch.i18n import norm_lang
from chipwatch.i18n.message import Msg, Name, say
from chipwatch.scenarios import words
from chipwatch.scenarios.model import Scenario, load_scenario

STATUSES = ("fact", "reported", "speculated", "planned", "disputed")


def _t(code: str, lang: str, **values) -> str:
    return Msg(code, **values).text(lang)


def _pct(v, lang: str) -> str:
    return "—" if v is None else _t("scenario.render.pct", lang, v=v)


def _range(s: dict, lang: str) -> str:
    return _t("scenario.render.mc", lang, mean=_pct(s["mean"], lang), p5=_pct(s["p5"], lang), p50=_pct(s["p50"], lang),
              p95=_pct(s["p95"], lang))


def _said(d: dict, lang: str, key: str = "msg", fallback: str = "text") -> str:
    """A dict's sentence from its Msg, or its English text where it has none."""
    return say(d[key], lang) if d.get(key) is not None else str(d.get(fallback, ""))


def _names(res: dict) -> dict[str, Name]:
    return (res.get("network") or {}).get("names") or {}


def interventions(sc: Scenario, names: dict[str, Name] | None = None) -> list[Msg]:
    """What the scenario changes, each with the file's reason, as sentences in either language
    (entities said by `names`, id -> Name, where given)."""
    names = names or {}

    def who(eid: str) -> Name:
        return names.get(eid) or Name(eid)

    def why(part) -> Name:
        return Name(" ".join(part.why.split()), part.why_zh)

    def ranged(r) -> str:
        return f"{r.value:g}" if r.value is not None else f"{r.min:g}–{r.max:g}"

    out = []
    for r in sc.remove:
        if r.entity:
            out.append(Msg("scenario.iv.remove_entity", who=who(r.entity), why=why(r)))
        elif r.claim:
            out.append(Msg("scenario.iv.remove_claim", claim=r.claim, why=why(r)))
        else:
            out.append(Msg("scenario.iv.remove_arc", a=who(r.arc["from"]), b=who(r.arc["to"]), why=why(r)))
    out += [Msg("scenario.iv.close", who=who(c.country), why=why(c)) for c in sc.close_channels]
    out += [Msg("scenario.iv.multiplier", who=who(m.entity), v=ranged(m), why=why(m)) for m in sc.capacity_multipliers]
    out += [Msg("scenario.iv.shock", currency=words.currency(k.currency), v=ranged(k), name=k.name, why=why(k))
            for k in sc.cost_shocks]
    out += [Msg("scenario.iv.floor", share=f.min_share, why=why(f),
                target=who(f.product) if f.product else Msg("scenario.end_use", sector=words.sector(f.end_use)))
            for f in sc.floors]
    return out


def _scenario_of(res: dict) -> Scenario | None:
    """The scenario a result was run from, read again from its file (None if it is gone)."""
    path = res["scenario"].get("file")
    if not path:
        return None
    try:
        return load_scenario(path)
    except ChipwatchError:
        return None


def render_result(res: dict, lang: str = "en", scenario: Scenario | None = None) -> str:
    """The result of `run_scenario` as text in `lang` (en or zh-TW). In Chinese the reasons
    and interventions come from the scenario (`scenario`, else read again from its file)."""
    lang = norm_lang(lang)
    zh = lang == "zh-TW"
    names = _names(res)
    sc_obj = (scenario or _scenario_of(res)) if zh else None

    def name(eid: str | None) -> str:
        return say(names.get(eid, eid), lang) if eid else ""

    def reason(part: str, row: dict, key: str = "name") -> str:
        """A row's reason in `lang`: its own `why_zh`, else the scenario's, else its English `why`."""
        if zh and row.get("why_zh"):
            return row["why_zh"]
        found = _part_of(sc_obj, part, row.get(key)) if sc_obj else None
        return found.reason(lang) if found is not None else " ".join(str(row.get("why", "")).split())

    sc = res["scenario"]
    title = (sc.get("title_zh-Hant") if zh else None) or sc["title"]
    out = [_t("scenario.render.header", lang, title=title, name=sc["name"], date=sc["as_of"])]
    if not zh and sc.get("title_zh-Hant"):
        out.append(sc["title_zh-Hant"])
    out.append((sc.get("description_zh-Hant") if zh else None) or sc["description"])
    if res["motivated_by"]:
        out.append("\n" + _t("scenario.render.motivated_by", lang))
        out += [f"  {m['claim']}: {m['quote'] or ''}" for m in res["motivated_by"]]
    if res["interventions"]:
        out.append("\n" + _t("scenario.render.interventions", lang))
        msgs = res.get("intervention_msgs") or (interventions(sc_obj, names) if sc_obj else res["interventions"])
        out += [f"  {say(e, lang)}" for e in msgs]

    mc, ref, point = res.get("montecarlo"), res.get("reference_montecarlo"), res["point"]
    heading = (_t("scenario.render.by_product_mc", lang, draws=mc["draws"], seed=mc["seed"]) if mc
               else _t("scenario.render.by_product_point", lang))
    out.append("\n" + heading)

    def line(group: str, key: str, label: str, share: float) -> str:
        text = f"  {_pad(label, 32)} " + _t("scenario.render.point", lang, share=_pct(share, lang))
        if mc:
            text += "   " + _range(mc[group][key], lang)
        if ref:
            text += "   " + _t("scenario.render.without", lang, share=_pct(ref[group][key]["mean"], lang))
        return text

    out += [line("products", p, name(p) if p in names else s["label"], s["share_met"]) for p, s in point["products"].items()]
    out.append("\n" + _t("scenario.render.by_end_use", lang))
    out += [line("end_uses", u, say(words.sector(u), lang), v) for u, v in point["end_uses"].items()]

    if point.get("unmet"):
        out.append("\n" + _t("scenario.render.unmet", lang))
        for u in point["unmet"]:
            out.append("  " + (say(u["msg"], lang) if u.get("msg") is not None else
                               f"{u['label']} ({_pct(u['share_met'], lang)} met): " + "; ".join(u["routes"])))
    out.append("\n" + _t("scenario.render.limits", lang))
    out += [f"  - {_said(d, lang)}" for d in point["limits"][:8]] or ["  " + _t("scenario.render.nothing_binds", lang)]
    if mc and mc["binding"]:
        out.append("\n" + _t("scenario.render.binding", lang))
        out += [f"  {_pct(d['share_of_draws'], lang):>5}  {_said(d, lang)}" for d in mc["binding"][:10]]

    if res["figures"]:
        out.append("\n" + _t("scenario.render.figures", lang))
        out += ["  " + _t("scenario.render.figure", lang, text=_said(f, lang, fallback="used_as"), claim=f["claim"])
                for f in res["figures"]]
    out.append("\n" + _t("scenario.render.assumptions", lang))
    out += [_assumption(a, lang, reason("assumptions", a)) for a in res["assumptions"]]
    for a in res.get("assumed_arcs", []):
        eff = _t("scenario.render.efficiency", lang, e=a["efficiency"]) if a.get("efficiency") is not None else ""
        out.append("  " + _t("scenario.render.assumed_arc", lang, id=a["id"], fab=name(a["fab"]), product=name(a["product"]),
                             p=a["probability"], eff=eff, why=reason("assumed_arcs", a, "id")))
    for a in res.get("assumed_sources", []):
        what = name(a["material"]) if a.get("material") else _t("scenario.tools_for", lang, fab=name(a.get("tools_for")))
        out.append("  " + _t("scenario.render.assumed_source", lang, id=a["id"], what=what, p=a.get("probability", 1),
                             why=reason("assumed_sources", a, "id")))
    p = res["probabilities"]
    shown = [_t("scenario.render.status_p", lang, status=words.status(s), p=p[s]) for s in STATUSES if p[s] is not None]
    why = (sc_obj.probabilities.reason(lang) if sc_obj else None) or p.get("why")
    out.append("  " + _t("scenario.render.probabilities", lang, items=words.joined(shown, ","))
               + (_t("scenario.render.dash", lang, text=" ".join(why.split())) if why else ""))
    if res["notes"]:
        out.append("\n" + _t("scenario.render.notes", lang))
        said = {str(m): m for m in (res.get("network") or {}).get("note_msgs") or []}
        out += [f"  {say(said.get(n, n), lang)}" for n in res.get("note_msgs") or res["notes"]]
    return "\n".join(out)


def _pad(text: str, width: int) -> str:
    """`text` padded to `width` columns as a terminal shows them (a Chinese character takes two)."""
    cols = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - cols)


def _part_of(sc: Scenario, part: str, key: str | None):
    """The assumption (by name) or assumed arc or source (by id) of the scenario."""
    if part == "assumptions":
        return sc.assumption(key) if key else None
    return next((x for x in getattr(sc, part) if x.id == key), None)


def _assumption(a: dict, lang: str, why: str) -> str:
    """One assumption: name = value unit — why [not used here]."""
    if "shares" in a:
        val = say(words.joined([Msg("scenario.render.share_of", sector=words.sector(k), v=v) for k, v in a["shares"].items()],
                               ","), lang)
    elif "value" in a:
        val = _t("scenario.render.value", lang, v=a["value"])
    elif "mode" in a:
        val = _t("scenario.render.range_mode", lang, lo=a["min"], hi=a["max"], mode=a["mode"], dist=Msg(f"scenario.dist.{a['dist']}"))
    else:
        val = _t("scenario.render.range", lang, lo=a["min"], hi=a["max"], dist=Msg(f"scenario.dist.{a['dist']}"))
    text = _t("scenario.render.assumption", lang, name=a["name"], value=val, unit=words.unit_name(a["unit"]), why=why)
    return "  " + text + ("" if a["used"] else "  " + _t("scenario.render.unused", lang))
