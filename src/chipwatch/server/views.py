"""The data of each explorer page, as JSON-able dicts: the page's `.json` twin returns
exactly this, and its HTML template renders it. Everything is read from the library."""

from __future__ import annotations

from chipwatch.api import Chipwatch, rows
from chipwatch.errors import ChipwatchError
from chipwatch.frames import jsonable
from chipwatch.i18n import name_in, vocab
from chipwatch.i18n import t as t_
from chipwatch.model.vocabulary import vocabulary
from chipwatch.server import tables, wording
from chipwatch.server.tables import Table

STATUSES = ("fact", "reported", "speculated", "planned", "disputed")
STAGES = ("materials", "design", "fabrication", "cooperation")
MAX_DRAWS = 5_000  # Monte Carlo draws in one request (a few seconds; the command line runs more)
MAX_NODES = 2_000  # graph nodes in one answer: the best connected, the rest counted


def names_of(cw: Chipwatch, lang: str) -> dict[str, str]:
    """Entity id -> display name in `lang` (memoised per open store)."""
    def compute() -> dict[str, str]:
        got = cw.store.con.execute("SELECT id, label_en, label_zh FROM entities").fetchall()
        return {i: name_in(lang, en, zh) or i for i, en, zh in got}
    return cw.store.memo(("display-names", lang), compute)


def source_titles(cw: Chipwatch) -> dict[str, str]:
    def compute() -> dict[str, str]:
        got = cw.store.con.execute("SELECT id, title, author, date FROM sources").fetchall()
        def joined(*parts: str | None) -> str:  # a Chinese citation with the full-width comma
            sep = "，" if wording.script_of(parts[1] or "") == "zh" else ", "
            return sep.join(x for x in parts if x)
        return {i: joined(author, title, date) for i, title, author, date in got}
    return cw.store.memo("source-titles", compute)


def source_langs(cw: Chipwatch) -> dict[str, str]:
    """Source id -> the language its text (and so its quotes and title) is written in."""
    def compute() -> dict[str, str]:
        return dict(cw.store.con.execute("SELECT id, coalesce(language, 'und') FROM sources").fetchall())
    return cw.store.memo("source-langs", compute)


def predicate_label(predicate: str, lang: str) -> str:
    """A predicate's short label (its definition, in parentheses, left for a tooltip)."""
    return wording.short(vocab("predicate", predicate, lang))


def value_text(c: dict, lang: str) -> str | None:
    """A claim's value as a reader sees it: the article's own words if it gives them, else
    the number or range per locale with its unit's label, else the value's text."""
    if c.get("as_written"):
        return c["as_written"]
    v, unit = c.get("value"), wording.unit(c.get("unit"), lang)
    if v is None or v in ({}, []):
        return None
    if isinstance(v, dict) and ("min" in v or "max" in v):
        lo, hi = v.get("min"), v.get("max")
        shown = (f"{wording.num(lo, lang)}–{wording.num(hi, lang)}" if lo is not None and hi is not None
                 else wording.num(lo if lo is not None else hi, lang))
    elif isinstance(v, (int, float)) and not isinstance(v, bool):
        shown = wording.num(v, lang)
    else:
        return v if isinstance(v, str) else tables.cell_text(v)
    return f"{shown} {unit}".strip() if unit else shown


def claim_rows(cw: Chipwatch, items: list[dict], lang: str) -> list[dict]:
    """Claims with evidence, each with the display names, labels and source titles a page shows."""
    names, titles, langs = names_of(cw, lang), source_titles(cw), source_langs(cw)
    ents = vocabulary().entity_qualifiers
    for c in items:
        c["subject_name"] = names.get(c["subject"], c["subject"])
        c["object_name"] = names.get(c["object"]) if c.get("object") else None
        c["predicate_label"] = predicate_label(c["predicate"], lang)
        c["predicate_definition"] = vocab("predicate", c["predicate"], lang)
        c["value_text"] = value_text(c, lang)
        # a label with a slot for the object ("遭…制裁") reads around it: subject 遭 object 制裁
        c["predicate_before"], _, c["predicate_after"] = c["predicate_label"].partition("…")
        c["status_label"] = vocab("status", c["status"], lang)
        quals = (c.get("qualifiers") or {}).items()
        c["qualifier_links"] = [{"key": k, "label": wording.short(vocab("qualifier", k, lang)), "id": v,
                                 "name": names.get(v, v)} for k, v in quals if k in ents and isinstance(v, str)]
        c["qualifier_text"] = [{"key": k, "label": wording.short(vocab("qualifier", k, lang)),
                                "value": wording.qualifier_value(k, v, lang)}
                               for k, v in quals if not (k in ents and isinstance(v, str))]
        for e in c["evidence"]:
            e["source_title"] = titles.get(e["source"], e["source"])
            e["source_lang"] = langs.get(e["source"], "und")
    return items


# --- pages ------------------------------------------------------------------------------

def home(cw: Chipwatch, lang: str) -> dict:
    """Headline numbers, the chain by stage and the sanctions designations (one row each)."""
    s = cw.summary()
    names = names_of(cw, lang)
    stages = []
    for stage in STAGES:
        got = cw.store.con.execute(
            """SELECT e.id, e.type, count(*) AS n FROM claims c JOIN entities e ON e.id = c.subject
               WHERE c.chapter = ? GROUP BY e.id, e.type ORDER BY n DESC, e.id LIMIT 12""", [stage]).fetchall()
        stages.append({"stage": stage, "label": vocab("tag", f"chapter:{stage}", lang),
                       "claims": s["claims_by_chapter"].get(stage, 0),
                       "entities": [{"id": i, "name": names.get(i, i), "type": t, "type_label": vocab("type", t, lang),
                                     "claims": n} for i, t, n in got]})
    sanctions = [{**d, "subject_name": names.get(d["subject"], d["subject"]),
                  "authority_name": names.get(d["authority"], d["authority"])}
                 for d in s["sanctions"]]  # in date order already (analysis.sanctions.designations)
    return jsonable({
        "counts": s["counts"],
        "entities_by_type": [{"type": t, "label": vocab("type", t, lang), "n": n} for t, n in s["entities_by_type"].items()],
        "claims_by_status": [{"status": k, "label": vocab("status", k, lang), "n": n} for k, n in s["claims_by_status"].items()],
        "stages": stages,
        "sanctions": sanctions,
        "lists": cw.store.list_versions(),
        "example": {year: claim_rows(cw, items, lang) for year, items in s["example"].items()},
    })


def entity(cw: Chipwatch, entity_id: str, lang: str, as_of: str | None = None) -> dict:
    """One entity: names, identifiers, list entries, sanctions status and its claims by predicate."""
    from chipwatch.review.conflicts import entity_disagreements

    view = cw.entity_view(entity_id, as_of)
    found = entity_disagreements(cw.store, view["claims"])  # on the claims as the library gives them
    items = claim_rows(cw, view.pop("claims"), lang)
    view["disagreements"] = disagreements_of(found, items, lang)
    groups: dict[str, dict] = {}
    for c in items:
        g = groups.setdefault(c["predicate"], {"predicate": c["predicate"], "label": c["predicate_label"], "claims": []})
        g["claims"].append(c)
    view["name"] = name_in(lang, view["label_en"], view["label_zh"]) or view["id"]
    view["type_label"] = vocab("type", view["type"], lang)
    titles, langs, names = source_titles(cw), source_langs(cw), names_of(cw, lang)
    for i in view["identifiers"]:
        i["source_title"], i["source_lang"] = titles.get(i["source"], i["source"]), langs.get(i["source"], "und")
    for path in (view.get("ownership") or {}).get("chain", []):
        for step in path:
            step["owner_name"], step["asset_name"] = names.get(step["owner"], step["owner"]), names.get(step["asset"], step["asset"])
    view["groups"] = sorted(groups.values(), key=lambda g: (-len(g["claims"]), g["predicate"]))
    view["claim_count"] = len(items)
    view["status_counts"] = {s: sum(c["status"] == s for c in items) for s in STATUSES}
    return jsonable(view)


def disagreements_of(found: list[dict], claims: list[dict], lang: str) -> list[dict]:
    """Claims that disagree (review.conflicts.entity_disagreements, as `show` gives them), each
    pair side by side: what differs, and each claim as the page shows claims (value, dates,
    sources and quotes in the page's language), the earlier first."""
    by_id = {c["id"]: c for c in claims}
    return [{**d, "what_label": t_(f"entity.differs.{d['what']}", lang),
             "predicate_label": predicate_label(d["predicate"], lang),
             "claims": [by_id[s["claim"]] for s in reversed(d["sides"]) if s["claim"] in by_id]} for d in found]


def bounded(g, limit: int = MAX_NODES):
    """The graph, or its `limit` best-connected nodes and the edges between them."""
    if g.number_of_nodes() <= limit:
        return g
    return g.subgraph(sorted(g, key=lambda n: (-g.degree(n), str(n)))[:limit])


RADII = (0, 1, 2, 3)  # steps from the focus entity; 0: the whole graph
# Cytoscape node shape per entity type (the legend draws the same shapes in CSS)
SHAPES = {"company": "ellipse", "country": "round-rectangle", "country_group": "pentagon", "equipment": "triangle",
          "facility": "barrel", "financial_system": "vee", "fund": "octagon", "industry_body": "round-triangle",
          "material": "hexagon", "place": "tag", "product": "diamond", "program": "rhomboid",
          "research_institute": "round-diamond", "state_body": "rectangle", "technology": "star"}


def stages_of(cw: Chipwatch) -> dict[str, str]:
    """Entity id -> the chain stage (STAGES) whose claims it appears in most, as subject
    (counted twice) or object; 'other' for an entity in none (memoised per open store)."""
    def compute() -> dict[str, str]:
        got = cw.store.con.execute(
            """SELECT e, chapter, sum(w) FROM (SELECT subject AS e, chapter, 2 AS w FROM claims
                   UNION ALL SELECT object, chapter, 1 FROM claims WHERE object IS NOT NULL)
               WHERE list_contains(?, chapter) GROUP BY e, chapter""", [list(STAGES)]).fetchall()
        best: dict[str, tuple] = {}
        for e, chapter, w in got:
            rank = (w, -STAGES.index(chapter))
            if e not in best or rank > best[e][0]:
                best[e] = (rank, chapter)
        return {e: chapter for e, (_, chapter) in best.items()}
    return cw.store.memo("entity-stages", compute)


def default_focus(g) -> str | None:
    """The best-connected company (else node): where the graph page opens."""
    nodes = sorted(g, key=lambda n: (g.nodes[n].get("type") != "company", -g.degree(n), str(n)))
    return nodes[0] if nodes else None


def graph(cw: Chipwatch, lang: str, types: list[str] | None = None, statuses: list[str] | None = None,
          as_of: str | None = None, focus: str | None = None, radius: int = 1, group: bool = True) -> dict:
    """The claims between entities as Cytoscape elements: by default the neighbourhood of one
    entity (`focus`, a name in any script or an id; default the best-connected company)
    within `radius` steps (0: the whole graph), filtered by entity type and claim status,
    every node with at least one edge (the focus excepted), grouped by chain stage, with a
    legend and the same edges as table rows."""
    from chipwatch.graph.project import neighbourhood

    for s in statuses or []:
        if s not in STATUSES:
            raise ChipwatchError(f"status '{s}': use one of {', '.join(STATUSES)}")
    known = set(vocabulary().entity_types)
    for t in types or []:
        if t not in known:
            raise ChipwatchError(f"type '{t}': use one of {', '.join(sorted(known))}")
    if radius not in RADII:
        raise ChipwatchError(f"radius {radius}: use one of {', '.join(map(str, RADII))} (0: the whole graph)")
    whole = cw.graph(as_of, statuses or None)
    if focus:
        focus = cw.store.require(focus)
        if focus not in whole:
            raise ChipwatchError(f"'{focus}' has no relation to another entity with these filters")
    elif radius:
        focus = default_focus(whole)
    g = bounded(neighbourhood(whole, focus, radius) if radius and focus else whole)
    names, stage_of = names_of(cw, lang), stages_of(cw)
    keep = {n for n, d in g.nodes(data=True) if not types or d.get("type") in types or n == focus}
    edges = [{"data": {"id": d["claim"], "source": u, "target": v, "predicate": d["predicate"], "status": d["status"],
                       "label": predicate_label(d["predicate"], lang)}}
             for u, v, d in g.edges(data=True) if u in keep and v in keep]
    linked = {e["data"][k] for e in edges for k in ("source", "target")} | ({focus} if focus else set())
    stage_label = {**{st: vocab("tag", f"chapter:{st}", lang) for st in STAGES}, "other": t_("graph.stage_other", lang)}
    nodes = []
    for n, d in g.nodes(data=True):
        if n not in keep or n not in linked:
            continue
        stage = stage_of.get(n, "other")
        nodes.append({"data": {"id": n, "label": names.get(n, n), "type": d.get("type"),
                               "shape": SHAPES.get(d.get("type"), "ellipse"),
                               "type_label": vocab("type", d.get("type"), lang) if d.get("type") else None,
                               "degree": whole.degree(n), "stage": stage, "focus": n == focus,
                               **({"parent": f"stage:{stage}"} if group else {})}})
    present = {n["data"]["stage"] for n in nodes}
    groups = [{"data": {"id": f"stage:{st}", "label": stage_label[st], "stage": st}}
              for st in (*STAGES, "other") if group and st in present]
    by_id = {n["data"]["id"]: n["data"] for n in nodes}
    table = sorted(({"claim": e["data"]["id"], "source": e["data"]["source"], "source_name": by_id[e["data"]["source"]]["label"],
                     "predicate": e["data"]["predicate"], "predicate_label": e["data"]["label"],
                     "target": e["data"]["target"], "target_name": by_id[e["data"]["target"]]["label"],
                     "status": e["data"]["status"]} for e in edges),
                   key=lambda r: (r["source"] != focus and r["target"] != focus, r["source_name"], r["predicate"], r["target_name"]))
    return {"nodes": nodes, "edges": edges, "groups": groups, "rows": table,
            "focus": focus, "focus_name": names.get(focus, focus) if focus else None, "radius": radius, "group": group,
            "nodes_left_out": whole.number_of_nodes() - len(nodes), "as_of": as_of,
            "types": types or [], "statuses": statuses or [], "radii": list(RADII),
            "legend": {"statuses": [{"status": s, "label": vocab("status", s, lang)} for s in STATUSES
                                    if any(e["data"]["status"] == s for e in edges)],
                       "types": [{"type": t, "label": vocab("type", t, lang), "shape": SHAPES.get(t, "ellipse")}
                                 for t in sorted({n["data"]["type"] for n in nodes if n["data"]["type"]})],
                       "stages": [{"stage": st, "label": stage_label[st]} for st in (*STAGES, "other") if st in present]},
            "choices": sorted(({"id": n, "name": names.get(n, n)} for n in whole), key=lambda c: c["name"].casefold()),
            "all_types": [{"type": t, "label": vocab("type", t, lang)} for t in sorted(known)],
            "all_statuses": [{"status": s, "label": vocab("status", s, lang)} for s in STATUSES]}


def analysis(cw: Chipwatch, lang: str, as_of: str | None = None, top: int = 25, offset: int = 0,
             kind: str | None = None, q: str | None = None, sort: str = "rank", country: str = "RU") -> dict:
    """Chokepoints (a page of them, filtered and sorted), the technology gap and the
    consistency findings, all read as of one period (default: the latest year the data covers)."""
    from chipwatch.analysis.check import check
    from chipwatch.analysis.chokepoints import KINDS, SORTS, chokepoints, select
    from chipwatch.analysis.gap import gap
    from chipwatch.analysis.period import default_as_of

    names = names_of(cw, lang)
    as_of = default_as_of(cw.store, as_of)

    def named(d: dict) -> dict:
        d["subject_name"] = names.get(d.get("subject"), d.get("subject")) if d.get("subject") else None
        return d

    def sentences(f, d: dict) -> dict:
        """The finding's sentence and reason in `lang` beside the module's English fields."""
        d["text"] = wording.said(f, "sentence", lang)
        d["names"] = wording.names_in([getattr(f, "msg", None), getattr(f, "reason_msg", None)], lang)
        d["reason_text"] = wording.said(f, "reason", lang, msg="reason_msg") if hasattr(f, "reason") else None
        return d

    found = chokepoints(cw.store, as_of, home=country)
    page, matching = select(found, kind, q, sort, offset, top)
    try:
        gaps, gap_error = [sentences(g, named(g.to_dict())) for g in gap(cw.store, as_of, country)], None
    except ChipwatchError as exc:  # a store built without datasets/reference
        gaps, gap_error = [], str(exc)
    return jsonable({
        "as_of": as_of, "country": country,
        "chokepoints": [sentences(f, named(f.to_dict())) for f in page], "chokepoint_count": len(found),
        "chokepoint_matching": matching, "offset": offset, "top": top, "kind": kind, "q": q, "sort": sort,
        "kinds": list(KINDS), "sorts": list(SORTS),
        "next_offset": offset + top if offset + top < matching else None,
        "previous_offset": max(offset - top, 0) if offset else None,
        "gap": gaps, "gap_error": gap_error,
        "check": [{**f.to_dict(), "text": wording.said(f, "message", lang), "names": wording.names_in(getattr(f, "msg", None), lang)}
                  for f in check(cw.store, "info")],
    })


def dependencies(cw: Chipwatch, lang: str, country: str = "RU", on: str = "CN", as_of: str | None = None) -> dict:
    """What `country` sources from `on`'s providers, by stage, each line with its claims' quotes."""
    from chipwatch.analysis.dependencies import STAGES, with_evidence
    from chipwatch.analysis.dependencies import dependencies as run

    names = names_of(cw, lang)
    period, lines = run(cw.store, country, on, as_of)
    items = with_evidence(cw.store, lines)
    langs = source_langs(cw)
    for x in items:
        for e in x["evidence"]:
            e["source_lang"] = langs.get(e.get("source"), "und")
        x["item_name"] = names.get(x["item"], x["item"]) if x["item"] else None
        x["provider_names"] = [{"id": p, "name": names.get(p, p)} for p in x["providers"]]
        x["consumer_names"] = [{"id": c, "name": names.get(c, c)} for c in x["consumers"]]
    stages = [{"stage": st, "lines": [x for x in items if x["stage"] == st]} for st in STAGES]
    return jsonable({"country": country.upper(), "on": on.upper(), "as_of": period,
                     "stages": [s for s in stages if s["lines"]], "count": len(items)})


def scenarios_page(cw: Chipwatch, lang: str, name: str | None = None, run: bool = False, draws: int = 1000,
                   seed: int = 0, values: dict[str, float] | None = None) -> dict:
    """The bundled scenarios; the chosen one's assumptions; with `run`, its result."""
    from chipwatch.scenarios import list_scenarios, load_scenario, run_scenario, with_values

    listed = list_scenarios()
    zh = lang == "zh-TW"
    for s in listed:
        s["label"] = (s.get("title_zh-Hant") if zh else None) or s["title"]
    name = name or "baseline"
    if name not in {s["name"] for s in listed}:
        raise ChipwatchError(f"no scenario '{name}'; bundled: {', '.join(s['name'] for s in listed)}")
    if not 0 <= draws <= MAX_DRAWS:
        raise ChipwatchError(f"draws {draws}: give 0 to {MAX_DRAWS:,} (the command line runs more)")
    sc = load_scenario(name)
    if values:
        sc = with_values(sc, values)
    assumptions = [{"name": a.name, "unit": a.unit, "why": a.why, "editable": a.shares is None,
                    "why_text": a.reason(lang) if hasattr(a, "reason") else a.why, "unit_label": wording.unit(a.unit, lang),
                    **({"shares": a.shares} if a.shares is not None else a.describe()),
                    "central": a.central if a.shares is None else None} for a in sc.assumptions]
    out: dict = {"scenarios": listed, "name": name, "draws": draws, "max_draws": MAX_DRAWS, "seed": seed, "values": values or {},
                 "assumptions": assumptions, "result": None}
    if run:
        res = run_scenario(cw, sc, draws=draws, seed=seed)
        for x in res.get("assumptions", []):  # the file's reason in the reader's language where it gives one
            x["why_text"] = (x.get("why_zh") if lang == "zh-TW" else None) or x.get("why")
            x["unit_label"] = wording.unit(x.get("unit"), lang)
        from chipwatch.scenarios.render import interventions

        res["intervention_msgs"] = res.get("intervention_msgs") or interventions(sc, (res.get("network") or {}).get("names"))
        out["result"] = res
        mc, point = res.get("montecarlo"), res["point"]
        names = names_of(cw, lang)
        out["bars"] = [{"product": p, "label": names.get(p, s["label"]), "point": s["share_met"],
                        **({k: mc["products"][p][k] for k in ("p5", "p50", "p95", "mean")} if mc else {})}
                       for p, s in point["products"].items()]
    return jsonable(out)


def screening(cw: Chipwatch, result, queries: dict | None, lang: str) -> dict:
    """The lists in the store and, after a search, the list versions screened (with their
    dates), warnings, and the hits per query with their ownership chains as text."""
    from chipwatch.screening.batch import chain_text

    out: dict = {"lists": cw.store.list_versions(), "results": None, "screened": [], "warnings": []}
    if result is not None and queries is not None:
        names = names_of(cw, lang)
        out["screened"] = [{"id": v.id, "kind": v.kind, "date": v.date} for v in result.lists]
        out["warnings"] = result.warnings
        out["stale"] = result.stale
        out["results"] = [{"id": qid, "query": " / ".join(q.names[:3]),
                           "hits": [{**h.to_dict(), "entity_name": names.get(h.entity) if h.entity else None,
                                     "chain_text": chain_text(h.chain)} for h in result.hits.get(qid, [])]}
                          for qid, q in queries.items()]
    return jsonable(out)


def sources(cw: Chipwatch) -> dict:
    df = cw.sources().drop(columns=["record"])
    counts = dict(cw.store.con.execute("SELECT source, count(DISTINCT claim_id) FROM evidence GROUP BY source").fetchall())
    items = rows(df)
    for s in items:
        s["claims"] = counts.get(s["id"], 0)
    return jsonable({"sources": items})


def source(cw: Chipwatch, source_id: str, lang: str) -> dict:
    got = cw.sources()
    got = got[got["id"] == source_id]
    if got.empty:
        raise ChipwatchError(f"no source with id '{source_id}'")
    ids = [r[0] for r in cw.store.con.execute(
        "SELECT DISTINCT claim_id FROM evidence WHERE source = ? ORDER BY claim_id", [source_id]).fetchall()]
    claims = cw.claims()
    items = claim_rows(cw, cw.claims_with_evidence(claims[claims["id"].isin(ids)]), lang)
    return jsonable({"source": rows(got.drop(columns=["record"]))[0], "claims": items})


def trade(cw: Chipwatch, product: str = "8542", target: str = "RU", baseline: str = "2020-2021",
          reporter: str | None = None, partner: str | None = None, lang: str = "en") -> dict:
    """Trade flows: growth per destination against a baseline (the roundabout pattern) and,
    with a reporter, the mirror gap; each with its Vega-Lite chart."""
    from chipwatch.trade import normalise
    from chipwatch.trade.charts import mirror_chart, spikes_chart
    from chipwatch.trade.engine import FlowEngine
    from chipwatch.trade.mirror import mirror
    from chipwatch.trade.spikes import spikes
    from chipwatch.trade.store import has_tables, imports

    out: dict = {"imports": imports(cw.store) if has_tables(cw.store.con) else [], "product": product, "target": target,
                 "baseline": baseline, "reporter": reporter, "partner": partner, "spikes": None, "mirror": None,
                 "claims": claim_rows(cw, cw.claims_with_evidence(cw.claims(predicate="transits_via")), lang)}
    if not out["imports"]:
        return jsonable(out)
    with FlowEngine.for_store(cw.store.path) as eng:
        found = spikes(eng, normalise.product_option(product), normalise.side(target, "target"), None, "export",
                       normalise.years(baseline, "baseline"))
        out["spikes"], out["spikes_chart"] = found.to_dict(), spikes_chart(found, lang=lang)
        if reporter:
            gap = mirror(eng, normalise.side(reporter, "reporter"), normalise.side(partner or "EU", "partner"))
            out["mirror"], out["mirror_chart"] = gap.to_dict(), mirror_chart(gap, lang=lang)
    return jsonable(out)


# --- tables (paged, sorted, filtered, downloadable: server/tables.py) ---------------------

def claims_table(cw: Chipwatch, lang: str, extra: dict | None = None) -> Table:
    """Every claim, one row each: who, what, whom or what value, when, how sure, which sources."""
    names, titles, langs = names_of(cw, lang), source_titles(cw), source_langs(cw)
    sources: dict[str, list[str]] = {}
    for cid, src in cw.store.con.execute("SELECT DISTINCT claim_id, source FROM evidence ORDER BY claim_id, source").fetchall():
        sources.setdefault(cid, []).append(src)
    out = []
    for c in jsonable(rows(cw.claims())):
        value = c.get("as_written") or c.get("value_text") or c.get("value")
        out.append({"id": c["id"], "subject": c["subject"], "subject_name": names.get(c["subject"], c["subject"]),
                    "predicate": c["predicate"], "predicate_label": predicate_label(c["predicate"], lang),
                    "predicate_definition": vocab("predicate", c["predicate"], lang),
                    "value_text": value_text(c, lang), "unit_label": wording.unit(c.get("unit"), lang),
                    "chapter_label": chapter_label(c.get("chapter"), lang),
                    "source_names": [{"id": s, "title": titles.get(s, s), "lang": langs.get(s, "und")}
                                     for s in sources.get(c["id"], [])],
                    "object": c.get("object"), "object_name": names.get(c["object"]) if c.get("object") else None,
                    "value": value if value not in ({}, []) else None, "unit": c.get("unit"), "status": c["status"],
                    "valid_from": c.get("valid_from"), "valid_to": c.get("valid_to"), "chapter": c.get("chapter"),
                    "sources": sources.get(c["id"], [])})
    return Table("claims", ["id", "subject", "predicate", "object", "value", "unit", "status", "valid_from", "valid_to",
                            "chapter", "sources"], out, ("subject", "predicate", "object", "status", "chapter", "sources"),
                 "id", extra or {})


def chokepoints_table(cw: Chipwatch, lang: str, as_of: str | None = None, country: str = "RU") -> tuple[Table, str]:
    """Every chokepoint finding as of a period (default: the latest year the data covers),
    one row each, its sentence in `lang`; and the period."""
    from chipwatch.analysis.chokepoints import chokepoints
    from chipwatch.analysis.period import default_as_of

    as_of = default_as_of(cw.store, as_of)
    names = names_of(cw, lang)
    got = []
    for f in chokepoints(cw.store, as_of, home=country):
        d = f.to_dict()
        got.append({"rank": d["rank"], "kind": d["kind"], "kind_label": t_(f"chokepoint.{d['kind']}", lang),
                    "subject": d.get("subject"), "subject_name": names.get(d.get("subject"), d.get("subject")),
                    "finding": wording.said(f, "sentence", lang), "score": round(d["score"], 3),
                    "scoring": wording.said(f, "reason", lang, msg="reason_msg"), "claims": d.get("claims") or []})
    return (Table(f"chokepoints-{country.lower()}-{as_of}", ["rank", "kind", "subject", "finding", "score", "scoring", "claims"],
                  got, ("kind",), "rank", {"as_of": as_of, "country": country}), as_of)


def chapter_label(chapter: str | None, lang: str) -> str | None:
    """A chapter of the dataset by its heading (the vocabulary's chapter tag, else ui.yaml)."""
    if not chapter:
        return None
    got = vocab("tag", f"chapter:{chapter}", lang)
    return got if got != f"chapter:{chapter}" else wording.label_or(f"chapter.{chapter}", lang, chapter)


def lists_table(cw: Chipwatch) -> Table:
    """The imported sanctions list versions."""
    got = jsonable(rows(cw.store.sql("SELECT id, kind, date, entries, relations, skipped, imported_at FROM list_versions")))
    return Table("list-versions", ["id", "kind", "date", "entries", "relations", "skipped", "imported_at"], got,
                 ("kind",), "date")


def list_entries_table(cw: Chipwatch, version: str) -> Table:
    """One list version's entries."""
    if version not in set(cw.store.list_versions()):
        raise ChipwatchError(f"no list version '{version}'; imported: {', '.join(cw.store.list_versions()) or 'none yet'}")
    got = cw.store.memo(("list-entries", version), lambda: jsonable(rows(cw.store.sql(
        """SELECT list_id, schema, caption, programs, countries, listed_on, remarks FROM list_entries
           WHERE version = ? ORDER BY list_id""", [version]))))
    return Table(version, ["list_id", "schema", "caption", "programs", "countries", "listed_on", "remarks"], got,
                 ("schema", "programs", "countries"), None)


def diff_table(cw: Chipwatch, old: str, new: str) -> tuple[Table, dict]:
    """Entries added, removed and changed from list version `old` to `new`, and the counts."""
    from chipwatch.store.lists import diff

    got = diff(cw.store, old, new)
    return (Table(f"diff-{old}-{new}", ["list_id", "change", "schema", "caption", "old_caption", "new_caption",
                                        "old_programs", "new_programs", "old_remarks", "new_remarks"],
                  jsonable(got["entries"]), ("change", "schema"), None, {"old": old, "new": new}),
            got["counts"])


def screening_table(data: dict, names: list[str]) -> Table:
    """Screening results (views.screening's), one row per hit or per query without one."""
    out = []
    for r in data.get("results") or []:
        for h in r["hits"] or [None]:
            h = h or {}
            out.append({"query": r["query"], "list": h.get("version") or h.get("list"), "list_date": h.get("list_date"),
                        "list_id": h.get("list_id"), "name": h.get("name"), "entity": h.get("entity"),
                        "entity_name": h.get("entity_name"), "score": h.get("score"), "reason": h.get("reason"),
                        "chain": h.get("chain_text"), "hit": h or None})  # the hit itself, for the page's details
    return Table("screening", ["query", "list", "list_date", "list_id", "name", "entity", "score", "reason", "chain"],
                 out, ("reason", "list"), None, {"name": names})
