"""The chipwatch command line (Typer + Rich). Thin: every command calls the library."""


import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from chipwatch.console import err, out, table
from chipwatch.errors import ChipwatchError

app = typer.Typer(help="chipwatch: a sourced, time-aware knowledge graph of semiconductor supply chains.",
                  no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)

AsOf = Annotated[str | None, typer.Option("--as-of", help="only claims valid at some time in this period: YYYY, YYYY-MM or YYYY-MM-DD")]
AsJson = Annotated[bool, typer.Option("--json", help="print JSON instead of tables")]
WithDatasets = Annotated[list[Path] | None, typer.Option("--with", help="a dataset this one is built with (its entities "
                                                         "may be named; repeatable)")]


class State:
    db: Path | None = None
    lang: str = "en"


def _db() -> Path | None:
    return State.db


def _open():
    from chipwatch.api import Chipwatch

    return Chipwatch(_db())


def _json(data) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


@app.callback()
def _main(db: Annotated[Path | None, typer.Option("--db", envvar="CHIPWATCH_DB", help="store file (default chipwatch.duckdb)")] = None,
          no_wait: Annotated[bool, typer.Option("--no-wait", help="a command that changes the store fails at once "
                                                "if another is changing it, instead of waiting")] = False,
          lang: Annotated[str, typer.Option("--lang", envvar="CHIPWATCH_LANG",
                                            help="language of findings, checks, gaps, dependencies and scenario "
                                                 "results: en or zh-TW")] = "en") -> None:
    from chipwatch.i18n import norm_lang

    State.db, State.lang = db, norm_lang(lang)
    if no_wait:
        from chipwatch.store.lock import set_wait

        set_wait(False)


@app.command()
def build(datasets: Annotated[list[Path], typer.Argument(help="dataset folders")]) -> None:
    """Validate datasets and compile them into the store (atomically: all or nothing)."""
    from chipwatch.store import build_store, default_db_path

    db = default_db_path(_db())
    counts = build_store(datasets, db)
    out.print(f"built {db}: " + ", ".join(f"{n} {k}" for k, n in counts.items()))


@app.command()
def validate(dataset: Annotated[Path, typer.Argument(help="dataset folder")], with_: WithDatasets = None,
             json_: AsJson = False) -> None:
    """Check a dataset: references, vocabulary, domain/range, dates, units, verbatim quotes (entities
    of the datasets it builds on, or is given --with, may be named)."""
    from chipwatch.review.together import validate_together

    ds, report = validate_together(dataset, with_ or [])
    if json_:
        _json({"ok": report.ok, "problems": [str(p) for p in report.problems], "notes": report.notes,
               "quotes_checked": report.quotes_checked})
    else:
        for p in report.problems:
            err.line(str(p))
        for n in report.notes:
            err.line(f"note: {n}")
        summary = (f"{dataset}: {len(ds.sources)} sources, {len(ds.entities)} entities, {len(ds.claims)} claims; "
                   f"{report.quotes_checked} quotes checked verbatim; {len(report.problems)} problem(s)")
        (out if report.ok else err).print(summary, markup=False, highlight=False)
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def schema(kind: Annotated[str | None, typer.Option(help="sources, entities or claims (default: all)")] = None) -> None:
    """Print the JSON Schema of the dataset files."""
    from chipwatch.dataset.schema import json_schema

    _json(json_schema(kind))


@app.command()
def show(name: Annotated[str, typer.Argument(help="entity id or a name in any script")],
         as_of: AsOf = None, json_: AsJson = False,
         lang: Annotated[str, typer.Option(help="label language: en or zh-Hant")] = "en") -> None:
    """One entity: names in every script, identifiers, its claims with evidence, and the claims
    that disagree side by side with their sources and dates."""
    from chipwatch.review.conflicts import entity_disagreements

    with _open() as cw:
        view = cw.entity_view(name, as_of)
        view["disagreements"] = entity_disagreements(cw.store, view["claims"])
    if json_:
        _json(view)
        return
    from chipwatch.render import print_entity

    print_entity(out, view, lang)


@app.command()
def search(text: str, limit: int = 10, json_: AsJson = False) -> None:
    """Find entities by name in any script (Traditional/Simplified Chinese, Russian, English)."""
    from chipwatch.api import rows

    with _open() as cw:
        df = cw.search(text, limit)
    if json_:
        _json(rows(df))
        return
    if df.empty:
        err.print(f"no entity matches '{text}'", markup=False)
        raise typer.Exit(1)
    t = table("id", "type", "name (en)", "名稱", "matched", "score")
    for r in df.itertuples():
        t.add_row(r.entity_id, r.type, r.label_en, r.label_zh, r.name, f"{r.score:.2f}")
    out.print(t)


@app.command()
def claims(subject: Annotated[str | None, typer.Option(help="subject: id or name")] = None,
           predicate: str | None = None,
           object: Annotated[str | None, typer.Option("--object", help="object: id or name")] = None,  # noqa: A002
           status: Annotated[list[str] | None, typer.Option(help="fact, reported, speculated, planned, disputed (repeatable)")] = None,
           tag: str | None = None, as_of: AsOf = None, json_: AsJson = False) -> None:
    """List claims, filtered."""
    with _open() as cw:
        df = cw.claims(subject=subject, predicate=predicate, object=object, status=status, as_of=as_of, tag=tag)
        items = cw.claims_with_evidence(df)
        labels = cw.store.labels()
    if json_:
        _json(items)
        return
    from chipwatch.render import claims_table

    out.print(claims_table(items, labels))
    out.print(f"{len(items)} claim(s)")


@app.command()
def timeline(name: Annotated[str | None, typer.Argument(help="an entity (default: all)")] = None,
             predicate: str | None = None, json_: AsJson = False,
             no_follow: Annotated[bool, typer.Option("--no-follow", help="the entity only, not its predecessors and successors")] = False,
             sanctions: Annotated[bool, typer.Option("--sanctions", help="sanctions designations: one row each, claimed dates "
                                                     "and the OFAC snapshots that bound them")] = False) -> None:
    """Dated events in order: when each claim starts and ends (an entity's through its lineage)."""
    from chipwatch.analysis.timeline import timeline as run
    from chipwatch.api import rows

    with _open() as cw:
        if sanctions:
            from chipwatch.analysis.sanctions import designations

            subject = cw.resolve(name) if name else None
            found = [d.to_dict() for d in designations(cw.store) if subject is None or d.subject == subject]
            if json_:
                _json(found)
                return
            from chipwatch.render import designations_table

            out.print(designations_table(found, cw.store.labels()))
            return
        df = run(cw.store, cw.resolve(name) if name else None, predicate, follow=not no_follow)
        labels = cw.store.labels()
    if json_:
        _json(rows(df.drop(columns=["sort_date"])))
        return
    from chipwatch.render import timeline_table

    out.print(timeline_table(rows(df), labels))


@app.command()
def neighbours(name: str, radius: int = 1, as_of: AsOf = None, json_: AsJson = False) -> None:
    """The entities within RADIUS relations of NAME, with the claims that link them."""
    with _open() as cw:
        g = cw.neighbours(name, radius, as_of)
    edges = [{"subject": u, "predicate": d["predicate"], "object": v, "claim": d["claim"], "status": d["status"]}
             for u, v, d in g.edges(data=True)]
    if json_:
        _json({"nodes": [{"id": n, **{k: d.get(k) for k in ("type", "label_en", "label_zh")}} for n, d in g.nodes(data=True)],
               "edges": edges})
        return
    from chipwatch.render import edges_table

    out.print(edges_table(edges, {n: d.get("label_en", n) for n, d in g.nodes(data=True)}))


@app.command()
def path(a: str, b: str, as_of: AsOf = None, json_: AsJson = False) -> None:
    """The shortest chains of claims linking two entities."""
    with _open() as cw:
        found = cw.paths(a, b, as_of)
        labels = cw.store.labels()
    if json_:
        _json(found)
        return
    if not found:
        err.print(f"no path between {a} and {b}", markup=False)
        raise typer.Exit(1)
    for i, steps in enumerate(found, 1):
        chain = " ".join(f"{labels[s['subject']]} —{s['predicate']}→ {labels[s['object']]};" for s in steps)
        out.print(f"{i}. {chain}", markup=False)


@app.command()
def export(format: Annotated[str, typer.Option("--format", "-f", help="json, ftm, graphml, gexf or neo4j-csv")],  # noqa: A002
           output: Annotated[Path, typer.Option("--output", "-o", help="file to write (a folder for neo4j-csv)")],
           as_of: AsOf = None,
           lists: Annotated[list[str] | None, typer.Option(
               "--lists", help="ftm only: add the entries of this imported list version (repeatable; "
               "`chipwatch lists` shows them), or `all` for the newest version of each list")] = None) -> None:
    """Export the store: JSON (the contract), FollowTheMoney, GraphML, GEXF 1.3, Neo4j CSV.
    The ftm export says what it left out and why, counted per reason."""
    from chipwatch.interop import export as run

    with _open() as cw:
        counts = run(cw.store, format, output, as_of, lists)
    left = counts.pop("left out", {})
    out.print(f"wrote {output}: " + ", ".join(f"{n} {k}" for k, n in counts.items()), markup=False)
    if left:
        out.print(f"left out ({sum(left.values())}):", markup=False)
        for reason, n in left.items():
            out.print(f"  {n:5d}  {reason}", markup=False)


@app.command()
def trace(product: Annotated[str, typer.Argument(help="a product: id or name (Elbrus-16S, Baikal-M, …)")],
          as_of: AsOf = None, json_: AsJson = False,
          detail: Annotated[bool, typer.Option("--detail", help="list ETO inputs one provider per line")] = False) -> None:
    """The chain of a product: design -> fabrication (node) -> equipment and materials -> channels."""
    from chipwatch.analysis.trace import trace as run

    with _open() as cw:
        result = run(cw.store, cw.resolve(product), as_of, detail, lang=State.lang)
    if json_:
        _json(result)
        return
    from chipwatch.render import print_trace

    print_trace(out, result)


@app.command()
def chokepoints(as_of: AsOf = None, json_: AsJson = False,
                top: Annotated[int, typer.Option(help="how many findings to print (a page)")] = 25,
                offset: Annotated[int, typer.Option(help="skip this many findings first (the next page)")] = 0,
                kind: Annotated[str | None, typer.Option(help="single_source, concentration, foreign_dependency or centrality")] = None,
                grep: Annotated[str | None, typer.Option("--grep", help="only findings whose sentence contains this text")] = None,
                sort: Annotated[str, typer.Option(help="rank, score, kind or subject")] = "rank",
                home: Annotated[str, typer.Option(help="the country whose dependencies count (ISO alpha-2)")] = "RU") -> None:
    """Where the supply network is fragile: single sources, concentration, foreign dependency, centrality."""
    from chipwatch.analysis.chokepoints import chokepoints as run
    from chipwatch.analysis.chokepoints import select
    from chipwatch.analysis.period import default_as_of

    with _open() as cw:
        as_of = default_as_of(cw.store, as_of)
        findings = run(cw.store, as_of, home=home.upper())
    page, total = select(findings, kind, grep, sort, offset, top)
    if json_:
        _json([f.to_dict(State.lang) for f in page])
        return
    from chipwatch.render import findings_table

    out.print(findings_table(page, State.lang))
    from chipwatch.i18n import t

    shown = f"{offset + 1}–{offset + len(page)}" if page else t("cli.none", State.lang)
    out.print(t("cli.chokepoints.footer", State.lang, as_of=as_of, shown=shown, total=total, all=len(findings)),
              markup=False)


@app.command()
def gap(as_of: AsOf = None, json_: AsJson = False,
        country: Annotated[str, typer.Option(help="whose capability (ISO alpha-2); foreign fabs are its suppliers")] = "RU") -> None:
    """How far behind the leading edge: each fab's best node and each material's purity, in years."""
    from chipwatch.analysis.gap import gap as run
    from chipwatch.analysis.period import default_as_of

    with _open() as cw:
        as_of = default_as_of(cw.store, as_of)
        gaps = run(cw.store, as_of, country.upper())
    if json_:
        _json([g.to_dict(State.lang) for g in gaps])
        return
    from chipwatch.render import gap_table

    out.print(gap_table(gaps, State.lang))
    from chipwatch.analysis.wording import country as country_name
    from chipwatch.i18n import t

    out.print(t("cli.gap.footer", State.lang, country=country_name(country.upper()).text(State.lang), as_of=as_of),
              markup=False)


@app.command()
def dependencies(country: Annotated[str, typer.Option(help="whose dependencies (ISO alpha-2)")] = "RU",
                 on: Annotated[str, typer.Option("--on", help="on which country's providers (ISO alpha-2)")] = "CN",
                 by: Annotated[str | None, typer.Option(help="stage: one table per stage")] = None,
                 as_of: AsOf = None, json_: AsJson = False) -> None:
    """What one country's entities source from another's, by stage, with the claims behind each line."""
    from chipwatch.analysis.dependencies import dependencies as run
    from chipwatch.analysis.dependencies import with_evidence

    if by not in (None, "stage"):
        raise ChipwatchError(f"--by {by}: only 'stage' is known (or leave it out for one table)")
    with _open() as cw:
        period, lines = run(cw.store, country, on, as_of)
        items = with_evidence(cw.store, lines, State.lang)
        labels = cw.store.labels()
    if json_:
        _json({"country": country.upper(), "on": on.upper(), "as_of": period, "lines": items})
        return
    from chipwatch.render import dependencies_tables

    for t in dependencies_tables(items, labels, by == "stage", State.lang):
        out.print(t)
    from chipwatch.analysis.dependencies import summary

    out.print(summary(country, on, period, lines).text(State.lang), markup=False)


@app.command()
def check(json_: AsJson = False,
          severity: Annotated[str, typer.Option(help="lowest severity to print: error, warning or info")] = "info") -> None:
    """Consistency checks: contradictions inside claims, footnotes against the text, conflicting values."""
    from chipwatch.analysis.check import check as run

    with _open() as cw:
        findings = run(cw.store, severity)
    if json_:
        _json([f.to_dict(State.lang) for f in findings])
        return
    from chipwatch.render import check_table

    out.print(check_table(findings, State.lang))
    from chipwatch.i18n import t

    out.print(t("cli.check.footer", State.lang, **{s: sum(f.severity == s for f in findings)
                                                   for s in ("error", "warning", "info")}))


import_app = typer.Typer(help="Import data published by others into the store (kept across rebuilds).",
                        no_args_is_help=True)
app.add_typer(import_app, name="import")


@import_app.command("eto")
def import_eto(folder: Annotated[Path, typer.Argument(help="folder with the CSET ETO CSV files")]) -> None:
    """CSET ETO supply-chain data: inputs, providers, market shares, sequence."""
    from chipwatch.importers.eto import DATASET, eto_dataset
    from chipwatch.store import Store, default_db_path, import_dataset
    from chipwatch.store.imports import known_entities
    from chipwatch.store.lock import writing

    db = default_db_path(_db())
    Store(db).close()  # a clear error if there is no store yet
    with writing(db):  # the entities read here are those the import is written beside
        counts = import_dataset(db, eto_dataset(folder, known_entities(db, DATASET)))
    out.print(f"imported {folder} into {db}: " + ", ".join(f"{n} {k}" for k, n in counts.items()))


@app.command()
def screen(file: Annotated[Path | None, typer.Argument(help="a CSV with a column of names (any script)")] = None,
           name: Annotated[list[str] | None, typer.Option("--name", help="screen this name (repeatable) instead of a file")] = None,
           first_name: Annotated[str | None, typer.Option("--first-name", help="a person's given name (with --last-name)")] = None,
           middle_name: Annotated[str | None, typer.Option("--middle-name", help="a person's middle name")] = None,
           father_name: Annotated[str | None, typer.Option("--father-name", help="a person's patronymic")] = None,
           last_name: Annotated[str | None, typer.Option("--last-name", help="a person's family name")] = None,
           schema: Annotated[str | None, typer.Option(help="what the names are: Person, Company, Organization, Vessel, …")] = None,
           country: Annotated[list[str] | None, typer.Option("--country", help="a country of the party (name or ISO code)")] = None,
           birth_date: Annotated[str | None, typer.Option("--birth-date", help="a person's birth date: 1965, 1965-03 or 1965-03-12")] = None,
           column: Annotated[str, typer.Option(help="the CSV column holding the names")] = "name",
           threshold: Annotated[float, typer.Option(help="lowest score (0-1) to report")] = 0.7,
           review_below: Annotated[float, typer.Option(help="hits scoring less are `review`, not `listed`")] = 0.9,
           limit: Annotated[int, typer.Option(help="hits per query")] = 5,
           lists: Annotated[str | None, typer.Option(help="comma-separated list kinds (default: all imported)")] = None,
           max_age: Annotated[int, typer.Option("--max-age", help="warn when a list's newest version is older (days)")] = 90,
           engine: Annotated[str, typer.Option(help="where candidates are found: duckdb (SQL on the store), spark, "
                                                   "or memory (the index loaded whole)")] = "duckdb",
           output: Annotated[Path | None, typer.Option("--out", help="write results to FILE (.csv or .json)")] = None,
           json_: AsJson = False) -> None:
    """Screen names against the imported sanctions lists: listed, owned (50 % rule) or review, with reasons."""
    from chipwatch.screening.batch import hit_rows, name_queries, read_queries, write_rows
    from chipwatch.screening.dates import normalise
    from chipwatch.screening.lists.text import country_code
    from chipwatch.screening.matcher import Query, person_names
    from chipwatch.screening.screen import screen as run
    from chipwatch.store import Store

    if not 0 <= threshold <= 1 or not 0 <= review_below <= 1:
        raise ChipwatchError(f"--threshold {threshold} / --review-below {review_below}: give scores between 0 and 1")
    parts = [first_name, middle_name, father_name, last_name]
    if (file is None) == (not name and not any(parts)):
        raise ChipwatchError("give a CSV file, or --name NAME / --first-name and --last-name (not both)")
    dob = None
    if birth_date:
        dob = normalise(birth_date)
        if dob is None:
            raise ChipwatchError(f"--birth-date {birth_date}: not a date; write 1965, 1965-03 or 1965-03-12")
    countries = None
    if country:
        countries = [code for c in country if (code := country_code(c))] or None
        if not countries:
            raise ChipwatchError(f"--country {country[0]}: not a country name or ISO code")
    if file:
        queries = read_queries(file, column)
    else:
        queries = name_queries(name or [], schema, countries, [dob] if dob else None)
        if any(parts):
            full = person_names(*([x] if x else [] for x in (first_name, last_name, middle_name, father_name)))
            queries[str(len(queries) + 1)] = Query(full, schema or "Person", countries, birth_dates=[dob] if dob else None)
    with Store(_db()) as store:
        kinds = [k.strip() for k in lists.split(",")] if lists else None
        if len(queries) > 50 and sys.stderr.isatty():
            from rich.progress import Progress

            with Progress(console=err.rich, transient=True) as progress:
                task = progress.add_task("screening", total=len(queries))
                result = run(store, queries, kinds, threshold, limit, engine, review_below, max_age,
                             progress=lambda n: progress.advance(task, n), workers=os.cpu_count())
        else:
            result = run(store, queries, kinds, threshold, limit, engine, review_below, max_age, workers=os.cpu_count())
    for w in result.warnings:
        err.line(f"warning: {w}")
    rows = hit_rows(queries, result)
    if output:
        write_rows(rows, output)
        out.print(f"wrote {output}: {len(queries)} queries, {sum(1 for r in rows if r['list'])} hits", markup=False)
        return
    if json_:
        _json({"lists": [v.__dict__ for v in result.lists], "warnings": result.warnings,
               "results": {qid: [h.to_dict() for h in hits] for qid, hits in result.hits.items()}})
        return
    screened = ", ".join(f"{v.id} ({v.date})" for v in result.lists)
    t = table("query", "list", "list id", "listed as", "score", "reason", "why", title=f"screened against {screened}",
              title_justify="left")
    for r in rows:
        why = "; ".join(x for x in (r["review"], r["chain"], r["explanation"]) if x)
        t.add_row(r["query"], r["list_version"] or "—", r["list_id"] or "", r["name"] or "no hit", f"{r['score']:.2f}",
                  r["reason"] or "", why[:300])
    out.print(t)


@app.command()
def serve(host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="port")] = 8000,
          allow_write: Annotated[bool, typer.Option("--allow-write", help="enable the write endpoint (list imports); needs --token")] = False,
          token: Annotated[str | None, typer.Option(envvar="CHIPWATCH_TOKEN", help="bearer token writes must send")] = None,
          workers: Annotated[int, typer.Option(min=1, max=64, help="server processes sharing the port (one per core "
                                               "for many clients)")] = 1) -> None:
    """Serve the explorer (pages, each with a .json twin) and the REST API; read-only by default."""
    from chipwatch.server import create_app
    from chipwatch.server.serve import run
    from chipwatch.store import default_db_path

    db = default_db_path(_db())
    app = create_app(db, allow_write, token)  # a clear error now rather than at the first request
    out.print(f"chipwatch explorer: http://{host}:{port}/  (REST API docs: http://{host}:{port}/docs; store {db}"
              + ("; writes allowed with the token" if allow_write else "; read-only") + ")", markup=False)
    run(app, host, port, workers, db, allow_write, token)


@app.command()
def report(lang: Annotated[str, typer.Option("--lang", help="en or zh-TW")] = "en",
           fmt: Annotated[str, typer.Option("--format", help="html, pdf or md")] = "html",
           output: Annotated[Path, typer.Option("-o", "--out", help="the file to write")] = Path("report.html"),
           draws: Annotated[int, typer.Option(help="Monte Carlo draws per scenario")] = 2000,
           seed: Annotated[int, typer.Option(help="random seed of the scenario runs")] = 1) -> None:
    """A report that follows the article (materials, design, fabrication, cooperation, limits) with
    computed sections (chokepoints, technology gap, scenarios, sanctions, consistency), every
    number footnoted to its sources."""
    from chipwatch.api import Chipwatch
    from chipwatch.i18n import norm_lang
    from chipwatch.report import FORMATS, write_report

    if fmt not in FORMATS:
        raise ChipwatchError(f"--format {fmt}: use one of {', '.join(FORMATS)}")
    with Chipwatch(_db()) as cw:
        info = write_report(cw, output, lang=norm_lang(lang), fmt=fmt, draws=draws, seed=seed)
    out.print(f"wrote {output} ({fmt}, {norm_lang(lang)}): " + ", ".join(f"{v} {k}" for k, v in info.items()), markup=False)


from chipwatch.trade.cli import trade_app  # noqa: E402 - the trade sub-app lives with its library

app.add_typer(trade_app, name="trade")

scenario_app = typer.Typer(help="What-if scenarios: an LP over the supply network, with Monte Carlo.",
                           no_args_is_help=True)
app.add_typer(scenario_app, name="scenario")


@scenario_app.command("list")
def scenario_list(json_: AsJson = False) -> None:
    """The bundled scenarios."""
    from chipwatch.scenarios import list_scenarios

    items = list_scenarios()
    if json_:
        _json(items)
        return
    t = table("name", "as of", "title", "情境")
    for s in items:
        t.add_row(s["name"], s.get("as_of") or "", s["title"], s.get("title_zh-Hant") or "")
    out.print(t)


@scenario_app.command("show")
def scenario_show(name: Annotated[str, typer.Argument(help="a bundled scenario or a YAML file")], json_: AsJson = False) -> None:
    """A scenario's interventions and assumptions, as the file states them."""
    from chipwatch.scenarios import load_scenario

    data = load_scenario(name).to_dict()
    if json_:
        _json(data)
        return
    import yaml

    out.line(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


@scenario_app.command("run")
def scenario_run(name: Annotated[str, typer.Argument(help="a bundled scenario or a YAML file")],
                 draws: Annotated[int, typer.Option(help="Monte Carlo draws (0: the point solution only)")] = 1000,
                 seed: Annotated[int, typer.Option(help="random seed; the same seed gives the same result")] = 0,
                 json_: AsJson = False) -> None:
    """Solve the scenario: demand met per product and end use (P5/P50/P95) and what limits it."""
    from chipwatch.scenarios import load_scenario, render_result, run_scenario

    if draws < 0 or draws > 1_000_000:
        raise ChipwatchError(f"--draws {draws}: give 0 to 1,000,000")
    scenario = load_scenario(name)
    with _open() as cw:
        result = run_scenario(cw, scenario, draws=draws, seed=seed)
    if json_:
        from chipwatch.i18n.message import jsonable

        _json(jsonable(result, State.lang))
        return
    out.line(render_result(result, State.lang, scenario))


lists_app = typer.Typer(help="Sanctions lists: dated versions of OFAC, UN, BIS and FtM lists in the store.",
                        invoke_without_command=True)
app.add_typer(lists_app, name="lists")


@lists_app.callback()
def lists_main(ctx: typer.Context, json_: AsJson = False) -> None:
    """Without a subcommand: the list versions in the store."""
    if ctx.invoked_subcommand:
        return
    from chipwatch.api import rows
    from chipwatch.store import Store
    from chipwatch.store.lists import versions

    with Store(_db()) as store:
        df = versions(store)
    if json_:
        _json(rows(df))
        return
    t = table("version", "kind", "date", "entries", "relations", "skipped", "file")
    for r in df.itertuples():
        t.add_row(r.id, r.kind, r.date, str(r.entries), str(r.relations), str(r.skipped), r.path)
    out.print(t if len(df) else "no list imported yet: chipwatch lists import ofac ../shared/data/ofac/sdn-2024-05-03.csv")


@lists_app.command("import")
def lists_import(kind: Annotated[str, typer.Argument(help="ofac, un, bis or ftm")],
                 path: Annotated[Path, typer.Argument(help="the list file (OFAC: sdn CSV; alt/add beside it are joined)")],
                 date: Annotated[str | None, typer.Option(help="the list's date, if the file does not give it")] = None) -> None:
    """Import a list file as a dated version (atomically; earlier versions stay)."""
    from chipwatch.store import default_db_path
    from chipwatch.store.lists import import_list

    result = import_list(default_db_path(_db()), kind, path, date)
    out.print(f"imported {result['version']}: {result['entries']} entries, {result['names']} names, "
              f"{result['relations']} relations; {result['skipped']} rows skipped", markup=False)
    for example in result["skipped_examples"]:
        out.print(f"  skipped: {example}", markup=False)


@lists_app.command("diff")
def lists_diff(old: str, new: str, json_: AsJson = False,
               limit: Annotated[int, typer.Option(help="rows to print per kind of change")] = 50) -> None:
    """What was added, removed and changed between two list versions."""
    from chipwatch.store import Store
    from chipwatch.store.lists import diff

    with Store(_db()) as store:
        result = diff(store, old, new)
    if json_:
        _json(result)
        return
    c = result["counts"]
    out.print(f"{old} -> {new}: {c['added']} added, {c['removed']} removed, {c['changed']} changed", markup=False)
    for change in ("added", "removed", "changed"):
        items = [e for e in result["entries"] if e["change"] == change][:limit]
        if items:
            t = table("list id", "name", "programs", title=change, title_justify="left")
            for e in items:
                t.add_row(e["list_id"], e["caption"], ", ".join(e["new_programs"] or e["old_programs"] or []))
            out.print(t)


@lists_app.command("owned")
def lists_owned(version: Annotated[str, typer.Argument(help="a list version with ownership relations (FtM)")],
                engine: Annotated[str, typer.Option(help="duckdb or spark")] = "duckdb",
                as_of: Annotated[str | None, typer.Option("--as-of", help="stakes held on this day (default: today): YYYY-MM-DD")] = None,
                json_: AsJson = False) -> None:
    """The 50 % rule: parties owned 50 % or more by listed ones (or to review), with the chains;
    stakes count on the days the list says they were held."""
    from chipwatch.screening.ownership import captions as list_captions
    from chipwatch.screening.ownership import owned_in_version
    from chipwatch.store import Store
    from chipwatch.store.read import parse_as_of

    day = str(parse_as_of(as_of).start) if as_of else None
    with Store(_db()) as store:
        found = owned_in_version(store, version, engine, day)
        captions = list_captions(store, version)
    items = sorted(found.values(), key=lambda o: (o.reason, o.asset))
    if json_:
        _json([{**o.to_dict(), "caption": captions.get(o.asset)} for o in items])
        return
    t = table("reason", "party", "known share", "unknown owners", "chain (listed party → … → party)")
    for o in items:
        from chipwatch.render import pct

        chains = "; ".join(" → ".join(f"{captions.get(s['owner'], s['owner'])} ({pct(s['share_pct'])})" for s in path)
                           for path in o.chain)
        t.add_row(o.reason, captions.get(o.asset, o.asset), f"{o.known_share:g}%", str(o.unknown_owners), chains)
    out.print(t)


@app.command()
def summary(json_: AsJson = False) -> None:
    """Headline figures, the sanctions timeline and an example query."""
    with _open() as cw:
        data = cw.summary()
        labels = cw.store.labels()
    if json_:
        _json(data)
        return
    from chipwatch.render import print_summary

    print_summary(out, data, labels)


@app.command()
def ingest(path: Annotated[str, typer.Argument(help="a .txt/.html/.pdf file, a folder of them, or '-' for text on stdin")],
           source_id: Annotated[str, typer.Option("--source-id", help="id of the new source (a slug)")],
           dataset: Annotated[Path | None, typer.Option("--dataset", help="the dataset the claims will join (its names are the gazetteer)")] = None,
           lang: Annotated[str | None, typer.Option("--lang", help="zh-Hant, zh-Hans, ru or en (default: by script)")] = None,
           title: Annotated[str | None, typer.Option(help="the source's title")] = None,
           url: Annotated[str | None, typer.Option(help="where the source is published")] = None,
           date: Annotated[str | None, typer.Option(help="its date: YYYY, YYYY-MM or YYYY-MM-DD")] = None,
           kind: Annotated[str, typer.Option(help="press_release, news, report, article, …")] = "report",
           publisher: Annotated[str | None, typer.Option(help="who published it")] = None,
           licence: Annotated[str | None, typer.Option(help="its licence (e.g. public domain (US government work))")] = None,
           from_store: Annotated[bool, typer.Option("--from-store", help="names from the store's name index (--db), not the dataset's")] = False,
           with_: WithDatasets = None,
           json_: AsJson = False) -> None:
    """Read a document into candidate claims (quoted, located, with the pattern that fired) for review."""
    from chipwatch.ingest import ingest as run
    from chipwatch.ingest.gazetteer import Gazetteer
    from chipwatch.store import default_db_path

    dataset = _target(dataset, "ingest")
    text = sys.stdin.read() if path == "-" else None
    meta = {"title": title, "url": url, "date": date, "kind": kind, "publisher": publisher, "licence": licence}
    gaz = Gazetteer.from_store(default_db_path(_db())) if from_store else None
    done = run(None if path == "-" else Path(path), dataset, source_id, lang, text, meta, gaz, with_ or [])
    if json_:
        _json([{"source": d.result.source, "language": d.result.language, "sentences": d.result.sentences,
                "mentions": d.result.mentions, "candidates": [c.to_dict() for c in d.result.candidates],
                "seconds": round(d.seconds, 4)} for d in done])
        return
    for d in done:
        r = d.result
        out.print(f"{r.source} ({r.language}): {r.sentences} sentences, {r.mentions} mentions, "
                  f"{len(r.candidates)} candidate claims queued; see `chipwatch review list --dataset {dataset}`",
                  markup=False, highlight=False)


review_app = typer.Typer(help="Review candidate claims: list, show, accept, edit, reject, add.", no_args_is_help=True)
app.add_typer(review_app, name="review")
ReviewDataset = Annotated[Path | None, typer.Option("--dataset", help="the dataset whose queue to review (required)")]


def _target(dataset: Path | None, command: str) -> Path:
    """The dataset a command writes to or reviews: never a default, always said."""
    if dataset is None:
        raise ChipwatchError(f"{command}: give --dataset DIR, the dataset folder the claims join "
                             "(e.g. --dataset datasets/sources-2022-2024)")
    return dataset


@review_app.command("list")
def review_list(dataset: ReviewDataset = None,
                state: Annotated[str | None, typer.Option(help="pending, accepted or rejected (default: all)")] = None,
                json_: AsJson = False) -> None:
    """Candidates in the queue."""
    from chipwatch.review.queue import items

    rows = [c for item in items(_target(dataset, "review list")) for c in item.candidates if state in (None, c.state)]
    if json_:
        _json([c.to_dict() for c in rows])
        return
    t = table("id", "state", "status", "subject", "predicate", "object / value", "pattern")
    for c in rows:
        what = c.object if c.object else f"{c.value}{' ' + c.unit if c.unit else ''}"
        t.add_row(c.id, c.state, c.status, c.subject, c.predicate, str(what), c.pattern)
    out.print(t)


@review_app.command("show")
def review_show(candidate: str, dataset: ReviewDataset = None, with_: WithDatasets = None, json_: AsJson = False) -> None:
    """One candidate: its quote, locator, pattern, and the claims it would disagree with."""
    from chipwatch.review.show import describe

    data = describe(_target(dataset, "review show"), candidate, with_ or [])
    if json_:
        _json(data)
        return
    for key, val in data.items():
        out.print(f"{key}: {val}", markup=False, highlight=False)


@review_app.command("accept")
def review_accept(candidate: str, dataset: ReviewDataset = None,
                  chapter: Annotated[str, typer.Option(help="claims file to write (claims/CHAPTER.yaml)")] = "ingested",
                  create_entities: Annotated[bool, typer.Option("--create-entities", help="add the new entities it proposes")] = False,
                  disputed: Annotated[bool, typer.Option("--disputed", help="mark the claim disputed (sources disagree)")] = False,
                  with_: WithDatasets = None) -> None:
    """Write a candidate into the dataset as a claim (validated, quote checked)."""
    from chipwatch.review.accept import accept

    dataset = _target(dataset, "review accept")
    claim, found = accept(dataset, candidate, chapter, create_entities, disputed, with_ or [])
    out.print(f"accepted {candidate} as claim {claim.id} in {dataset}/claims/{chapter}.yaml", markup=False, highlight=False)
    for d in found:
        err.line(f"disagrees: {d.describe()}")


@review_app.command("conflicts")
def review_conflicts(dataset: ReviewDataset = None, with_: WithDatasets = None, json_: AsJson = False) -> None:
    """Claims of the dataset (and those it is built with) that disagree: same subject, predicate
    and object; another value, node or status."""
    from chipwatch.dataset import load_dataset
    from chipwatch.review.conflicts import all_disagreements
    from chipwatch.review.together import with_datasets

    dataset = _target(dataset, "review conflicts")
    found = all_disagreements([c for d in [*with_datasets(dataset, with_), dataset] for c in load_dataset(d, claims=True).claims])
    if json_:
        _json([{"claims": [d.new.id, d.old.id], "what": d.what, "text": d.describe()} for d in found])
        return
    for d in found:
        out.print(d.describe(), markup=False, highlight=False)
    out.print(f"{len(found)} disagreement(s) in {dataset}", markup=False, highlight=False)


@review_app.command("edit")
def review_edit(candidate: str, dataset: ReviewDataset = None,
                subject: str | None = None, predicate: str | None = None,
                object_: Annotated[str | None, typer.Option("--object")] = None,
                value: Annotated[str | None, typer.Option(help="a number, min-max, or text")] = None,
                unit: str | None = None, status: str | None = None,
                valid_from: Annotated[str | None, typer.Option("--valid-from")] = None) -> None:
    """Change what a pending candidate says (never its quote)."""
    from chipwatch.review.accept import edit
    from chipwatch.review.show import parse_value

    changes = {k: v for k, v in {"subject": subject, "predicate": predicate, "object": object_, "unit": unit,
                                 "status": status, "valid_from": valid_from}.items() if v is not None}
    if value is not None:
        changes["value"] = parse_value(value)
    c = edit(_target(dataset, "review edit"), candidate, changes)
    out.print(f"edited {c.id}: {c.subject} {c.predicate} {c.object or c.value}", markup=False, highlight=False)


@review_app.command("add")
def review_add(source: Annotated[str, typer.Argument(help="a queued source's id")],
               quote: Annotated[str, typer.Option(help="the words of the text that say it, verbatim")],
               subject: Annotated[str, typer.Option(help="entity id")],
               predicate: Annotated[str, typer.Option(help="a predicate of model/vocabulary.yaml")],
               dataset: ReviewDataset = None,
               object_: Annotated[str | None, typer.Option("--object", help="entity id")] = None,
               value: Annotated[str | None, typer.Option(help="a number, min-max, or text")] = None,
               unit: str | None = None, status: str = "fact",
               valid_from: Annotated[str | None, typer.Option("--valid-from")] = None) -> None:
    """Queue a claim the patterns missed, with its quote from the source's text (then accept it)."""
    from chipwatch.review.add import add
    from chipwatch.review.show import parse_value

    fields = {"subject": subject, "predicate": predicate, "object": object_, "unit": unit, "status": status,
              "valid_from": valid_from, "value": parse_value(value) if value is not None else None}
    c = add(_target(dataset, "review add"), source, quote, fields)
    out.print(f"queued {c.id} ({c.locator}): {c.subject} {c.predicate} {c.object or c.value}; "
              f"`chipwatch review accept {c.id} --dataset {dataset}` to write it", markup=False, highlight=False)


@review_app.command("reject")
def review_reject(candidate: str, dataset: ReviewDataset = None,
                  reason: Annotated[str | None, typer.Option(help="why (kept in the queue)")] = None) -> None:
    """Reject a candidate (it stays in the queue, marked rejected)."""
    from chipwatch.review.accept import reject

    reject(_target(dataset, "review reject"), candidate, reason)
    out.print(f"rejected {candidate}", markup=False, highlight=False)


def main() -> None:
    """Entry point: user mistakes print one line on stderr and exit 1, never a traceback."""
    try:
        app()
    except ChipwatchError as exc:
        problems = getattr(exc, "problems", [])
        for p in problems:
            err.line(str(p))
        err.line(f"error: {exc}")
        sys.exit(1)
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        err.line(f"error: {where}{exc.strerror or exc}")
        sys.exit(1)


if __name__ == "__main__":
    main()
