"""Rich rendering of library views for the terminal (no logic: formatting only)."""

from __future__ import annotations

import json

from rich.console import Console
from rich.table import Table
from rich.text import Text

from chipwatch.model.vocabulary import vocabulary

STATUS_STYLE = {"fact": "green", "reported": "cyan", "speculated": "yellow", "planned": "magenta", "disputed": "red"}


def pct(share: float | None) -> str:
    """A share for display: 75%, or ? when the source gives none."""
    return "?" if share is None else f"{share:g}%"


def value_text(c: dict) -> str:
    v = c.get("value")
    if v is None:
        return ""
    if isinstance(v, dict):
        lo, hi = v.get("min"), v.get("max")
        v = f"{_num(lo)}–{_num(hi)}" if lo is not None and hi is not None else (f"≥ {_num(lo)}" if lo is not None else f"≤ {_num(hi)}")
    else:
        v = _num(v) if isinstance(v, (int, float)) else str(v)
    unit = c.get("unit") or ""
    return f"{'~' if c.get('approx') else ''}{v} {unit}".strip()


def _num(x) -> str:
    return f"{x:,.0f}" if isinstance(x, float) and x.is_integer() else f"{x:,}" if isinstance(x, (int, float)) else str(x)


def _dates(c: dict) -> str:
    f, t = c.get("valid_from"), c.get("valid_to")
    return f"{f or '…'} – {t or '…'}" if (f or t) else ""


def _quals(c: dict, labels: dict) -> str:
    q = c.get("qualifiers") or {}
    return ", ".join(f"{k}={labels.get(v, v) if isinstance(v, str) else v}" for k, v in q.items())


def claims_table(items: list[dict], labels: dict, title: str | None = None) -> Table:
    t = Table("claim", "subject", "predicate", "object / value", "when", "status", "qualifiers", title=title)
    for c in items:
        obj = labels.get(c["object"], c["object"]) if c.get("object") else value_text(c)
        t.add_row(c["id"], labels.get(c["subject"], c["subject"]), c["predicate"], obj, _dates(c),
                  Text(c["status"], style=STATUS_STYLE.get(c["status"], "")), _quals(c, labels))
    return t


def print_entity(console: Console, view: dict, lang: str = "en") -> None:
    vocab = vocabulary()
    console.rule(f"[bold]{view['label_en']}[/]  {view['label_zh']}  ({view['type']}{', ' + view['country'] if view['country'] else ''})  id: {view['id']}")
    names = Table("kind", "lang", "name", title="Names", title_justify="left")
    for n in view["names"]:
        names.add_row(n["kind"], n["lang"], n["name"])
    console.print(names)
    if view["identifiers"]:
        ids = Table("scheme", "value", "source", "locator", title="Identifiers", title_justify="left")
        for i in view["identifiers"]:
            ids.add_row(i["scheme"], i["value"], i["source"], i["locator"])
        console.print(ids)
    if view.get("sanctions_status") and not view["lists"]:
        console.print(f"Sanctions lists: {view['sanctions_status']}", markup=False)
    if view["lists"]:
        lists = Table("list", "version", "list id", "listed as", "programs", "linked by",
                      title=f"Sanctions lists: {view['sanctions_status']}", title_justify="left")
        for link in view["lists"]:
            lists.add_row(link["list"], link["version"], link["list_id"], link["caption"], ", ".join(link["programs"]),
                          ", ".join(f"{v['scheme']} {v['value']}" for v in link["via"]))
        console.print(lists)
    if view.get("ownership"):
        o = view["ownership"]
        for path in o["chain"]:
            steps = " → ".join(f"{s['owner']} ({pct(s['share_pct'])}; {', '.join(s.get('claims', [])) or 'list'})"
                               for s in path)
            console.print(f"  {o['reason']}: {steps} → {view['id']}", markup=False)
    if view.get("note"):
        console.print(f"note: {view['note']}", markup=False)
    heading = "Claims" + (f" valid in {view['as_of']}" if view["as_of"] else "")
    by_pred: dict[str, list] = {}
    for c in view["claims"]:
        by_pred.setdefault(c["predicate"], []).append(c)
    console.print(f"\n[bold]{heading}[/] ({len(view['claims'])})")
    for pred, items in by_pred.items():
        console.print(f"\n[bold]{pred}[/] — {vocab.label('predicate', pred, lang)}")
        for c in items:
            other = c["object_label"] if c["role"] == "subject" else c["subject_label"]
            arrow = "→" if c["role"] == "subject" else "←"
            what = f"{arrow} {other}" if c.get("object") or c["role"] != "subject" else ""
            what = ": ".join(x for x in (what, value_text(c)) if x)
            line = Text("  ")
            line.append(f"[{c['status']}]", style=STATUS_STYLE.get(c["status"], ""))
            line.append(f" {what}")
            if d := _dates(c):
                line.append(f"  ({d})", style="dim")
            if q := _quals(c, {}):
                line.append(f"  {q}", style="dim")
            line.append(f"  #{c['id']}", style="dim")
            console.print(line)
            for ev in c["evidence"]:
                console.print(Text(f"      “{ev['quote']}” — {ev['source']}, {ev['locator']}", style="italic"))
    for d in view.get("disagreements") or []:
        console.print(disagreement_table(d, lang))


def disagreement_table(d: dict, lang: str = "en") -> Table:
    """Two claims that disagree, side by side: what each says, its status and dates, and its
    evidence with the source's title and date."""
    vocab = vocabulary()
    what = f"{d['subject']} {vocab.label('predicate', d['predicate'], lang)}{' ' + d['object'] if d['object'] else ''}"
    t = Table("", *(s["claim"] for s in d["sides"]), title=f"Sources disagree ({d['what']}): {what}",
              title_justify="left", show_lines=True)
    t.add_row("says", *(Text(s["says"], style="bold") for s in d["sides"]))
    t.add_row("status", *(Text(s["status"], style=STATUS_STYLE.get(s["status"], "")) for s in d["sides"]))
    t.add_row("valid", *(_dates(s) or "(undated)" for s in d["sides"]))
    t.add_row("source", *("\n".join(f"{e['source']}{' (' + e['date'] + ')' if e['date'] else ''}: {e['title'] or ''}"
                                    for e in s["evidence"]) for s in d["sides"]))
    t.add_row("quote", *(Text("\n".join(f"“{e['quote']}” ({e['locator']})" for e in s["evidence"]), style="italic")
                         for s in d["sides"]))
    return t


def timeline_table(events: list[dict], labels: dict) -> Table:
    lineage = any(e.get("relation") not in (None, "itself") for e in events)
    t = Table("date", "event", "subject", "predicate", "object / value", "status", "claim", *(["lineage"] if lineage else []))
    for e in events:
        obj = labels.get(e["object"], e["object"]) if e.get("object") else value_text(
            {"value": json.loads(e["value_json"]) if e.get("value_json") else None, "unit": e.get("unit")})
        t.add_row(e["date"], e["event"], labels.get(e["subject"], e["subject"]), e["predicate"], obj,
                  Text(e["status"], style=STATUS_STYLE.get(e["status"], "")), e["claim_id"],
                  *([e.get("relation") or ""] if lineage else []))
    return t


def designations_table(found: list[dict], labels: dict) -> Table:
    """One row per designation (Designation.to_dict()): the dates the claims give and what
    the OFAC snapshots say."""
    t = Table("claimed", "entity", "by", "program", "OFAC SDN snapshots", "status", "claims", title="Sanctions designations",
              title_justify="left")
    for d in found:
        snap = "—"
        if d["listed_on"]:
            snap = (f"added between {d['not_listed_on']} and {d['listed_on']}" if d["not_listed_on"]
                    else f"listed by {d['listed_on']} (earliest held)")
        if d["conflict"]:
            snap += f"; {d['conflict']}"
        t.add_row(", ".join(d["claimed"]) or "undated", labels.get(d["subject"], d["subject"]),
                  labels.get(d["authority"], d["authority"]), ", ".join(d["programs"]), snap, ", ".join(d["statuses"]),
                  ", ".join(d["claims"]))
    return t


def edges_table(edges: list[dict], labels: dict) -> Table:
    t = Table("subject", "predicate", "object", "status", "claim")
    for e in edges:
        t.add_row(labels.get(e["subject"], e["subject"]), e["predicate"], labels.get(e["object"], e["object"]),
                  Text(e["status"], style=STATUS_STYLE.get(e["status"], "")), e["claim"])
    return t


def print_summary(console: Console, data: dict, labels: dict) -> None:
    c = data["counts"]
    console.rule("[bold]chipwatch[/] — store summary")
    console.print(f"{c['entities']} entities, {c['claims']} claims, {c['sources']} sources, "
                  f"{c['evidence']} evidence quotes, {c['names']} names, {c['identifiers']} identifiers")
    types = Table("entity type", "count", title="Entities by type", title_justify="left")
    for k, v in data["entities_by_type"].items():
        types.add_row(k, str(v))
    status = Table("status", "claims", title="Claims by status", title_justify="left")
    for k, v in data["claims_by_status"].items():
        status.add_row(Text(k, style=STATUS_STYLE.get(k, "")), str(v))
    chapters = Table("chapter", "claims", title="Claims by chapter", title_justify="left")
    for k, v in data["claims_by_chapter"].items():
        chapters.add_row(str(k), str(v))
    from rich.columns import Columns

    console.print(Columns([types, status, chapters]))
    console.print(designations_table(data["sanctions"], labels))
    console.print("\n[bold]Example query[/]: who fabricates Baikal-M? "
                  "(chipwatch claims --object Baikal-M --predicate fabricates --as-of YEAR)")
    for year, items in data["example"].items():
        fabs = ", ".join(f"{labels.get(c['subject'], c['subject'])} {c['qualifiers'].get('node_nm', '?')} nm ({c['status']})"
                         for c in items)
        console.print(f"  as of {year}: {fabs or 'nobody known'}", markup=False)


def print_trace(console: Console, t: dict) -> None:
    """The supply chain of a product as a tree: design, fabrication, needs, channels."""
    from rich.tree import Tree

    def leaf(step: dict, text: str) -> Text:
        line = Text(text + "  ")
        line.append(f"[{step['status']}]", style=STATUS_STYLE.get(step["status"], ""))
        when = _dates(step)
        line.append(f"  {when}  #{step['claim']}" if when else f"  #{step['claim']}", style="dim")
        return line

    root = Tree(f"[bold]{t['label']}[/]" + (f"  as of {t['as_of']}" if t["as_of"] else ""))
    branch = root.add("design")
    for s in t["design"]:
        branch.add(leaf(s, f"{s['subject_label']} designs it"))
    for s in t["architecture"]:
        branch.add(leaf(s, f"architecture: {s['object_label']}"))
    branch = root.add("fabrication")
    for s in t["fabrication"]:
        node = s["qualifiers"].get("node_nm")
        branch.add(leaf(s, f"{s['subject_label']}" + (f" at {node} nm" if node else "")))
    branch = root.add("equipment, materials and other needs")
    for s in t["equipment_and_materials"]:
        item = f" {s['item_label']}" if s.get("item_label") else ""
        branch.add(leaf(s, f"{s['subject_label']} {s['predicate']}{item} {s['object_label'] or ''}".strip()))
    if t["domestic_materials"]:
        sub = branch.add("domestic materials for semiconductor use")
        for s in t["domestic_materials"]:
            sub.add(leaf(s, f"{s['subject_label']} produces {s['object_label']}"))
    if t.get("eto_inputs"):
        sub = branch.add("ETO inputs the fabs' countries provide, by stage and type (--detail: one line per provider)")
        for g in t["eto_inputs"]:
            share = g["share_pct_by_input"]
            top = max(share.items(), key=lambda kv: kv[1]) if share else None
            summed = (f"; world-market share of those countries: mean {sum(share.values()) / len(share):.1f} % over "
                      f"{len(share)} input(s), most {top[1]:g} % ({top[0]})") if top else ""
            names = ", ".join(g["input_labels"][:4]) + ("…" if len(g["input_labels"]) > 4 else "")
            node = sub.add(Text(f"{g['stage_label']} / {g['input_type']}: {g['inputs']} input(s) from {g['providers']} "
                                f"provider(s){summed} ({names})  {len(g['claims'])} claim(s)"))
            for line in g.get("lines", []):
                value = f" {line['value']:g} %" if line.get("value") == line.get("value") and line.get("value") is not None else ""
                node.add(Text(f"{line['subject_label']} {line['predicate']} {line['object_label']}{value}  #{line['claim']}"))
    branch = root.add("channels")
    for s in t["channels"]:
        item = s["qualifiers"].get("item")
        branch.add(leaf(s, f"{s['subject_label']} via {s['object_label']}" + (f" ({item})" if item else "")))
    root.add(f"countries: {', '.join(t['countries']) or '—'}")
    console.print(root)


def _claims(ids: list[str]) -> str:
    return ", ".join(ids[:3]) + (f" +{len(ids) - 3}" if len(ids) > 3 else "")


def _header(lang: str, *keys: str) -> list[str]:
    from chipwatch.i18n import t

    return [t(f"cli.col.{k}", lang) for k in keys]


def findings_table(findings, lang: str = "en") -> Table:
    t = Table(*_header(lang, "rank", "kind", "finding", "score", "why_rank", "claims"))
    for f in findings:
        if lang == "en":
            t.add_row(str(f.rank), f.kind, f.sentence, f"{f.score:.2f}", f.reason, _claims(f.claims))
        else:
            d = f.to_dict(lang)
            t.add_row(str(f.rank), d["kind_label"], d["msg"], f"{f.score:.2f}", d["reason_msg"], _claims(f.claims))
    return t


def gap_table(gaps, lang: str = "en") -> Table:
    t = Table(*_header(lang, "kind", "who", "best", "leading", "years_behind", "plain", "claims"))
    for g in gaps:
        years = "" if g.years_behind is None else f"{g.years_behind:g}"
        if lang == "en":
            t.add_row(g.kind, g.label, g.best, g.leading, years, g.sentence, ", ".join(g.claims + g.reference_claims))
        else:
            d = g.to_dict(lang)
            t.add_row(d["kind_label"], d["name"], d["best_msg"], d["leading_msg"], years, d["msg"],
                      ", ".join(g.claims + g.reference_claims))
    return t


SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}


def check_table(findings, lang: str = "en") -> Table:
    t = Table(*_header(lang, "severity", "kind", "finding", "claims"))
    for f in findings:
        d = f.to_dict(lang) if lang != "en" else {"severity_label": f.severity, "kind_label": f.kind, "msg": f.message}
        t.add_row(Text(d["severity_label"], style=SEVERITY_STYLE.get(f.severity, "")), d["kind_label"], d["msg"],
                  _claims(f.claims))
    return t


def dependencies_tables(lines: list[dict], labels: dict, by_stage: bool, lang: str = "en") -> list[Table]:
    """Dependency lines: one table, or one per stage; each line with its claims and statuses
    (in another language than English, each line as its sentence)."""
    def table(title: str | None) -> Table:
        if lang != "en":
            return Table(*_header(lang, *(() if by_stage else ("stage",)), "finding", "claims"), title=title,
                         title_justify="left")
        cols = (() if by_stage else ("stage",)) + ("item", "from", "for", "status", "claims")
        return Table(*cols, title=title, title_justify="left")

    tables: dict[str, Table] = {}
    for x in lines:
        stage = x.get("stage_label", x["stage"]) if lang != "en" else x["stage"]
        t = tables.setdefault(x["stage"] if by_stage else "", table(stage if by_stage else None))
        if lang != "en":
            t.add_row(*([] if by_stage else [stage]), x["msg"], ", ".join(x["claims"]))
            continue
        cells = [labels.get(x["item"], x["item"]) if x["item"] else "(no item named)",
                 ", ".join(labels.get(p, p) for p in x["providers"]), ", ".join(labels.get(c, c) for c in x["consumers"]),
                 Text(", ".join(x["statuses"]), style=STATUS_STYLE.get(x["statuses"][0], "") if len(x["statuses"]) == 1 else ""),
                 ", ".join(x["claims"])]
        t.add_row(*([] if by_stage else [x["stage"]]), *cells)
    return list(tables.values()) or [table(None)]
