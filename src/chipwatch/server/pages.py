"""The explorer's HTML pages. Each has a JSON twin at the same URL with `.json` (Datasette
style) returning the data its template renders (server/views.py). `?lang=zh-TW` switches
every label; links carry it on."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote, urlencode

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi import Query as Param
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from chipwatch.errors import ChipwatchError
from chipwatch.frames import jsonable
from chipwatch.i18n import norm_lang, t, vocab
from chipwatch.i18n.message import Msg, say
from chipwatch.i18n.message import jsonable as said_in
from chipwatch.server import rest, tables, views, wording
from chipwatch.server.state import State

TEMPLATES = Path(__file__).with_name("templates")
NAV = (("/", "nav.home"), ("/graph", "nav.graph"), ("/analysis", "nav.analysis"), ("/dependencies", "nav.dependencies"), ("/scenario", "nav.scenario"),
       ("/screen", "nav.screen"), ("/trade", "nav.trade"), ("/claims", "nav.claims"), ("/lists", "nav.lists"),
       ("/sources", "nav.sources"))
REVIEW_NAV = (("/review", "nav.review"),)  # only on a server that takes writes

# A page's <title> when its route gives none: the page's own heading, never just "chipwatch".
TITLES = {"home.html": "home.title", "search.html": "search.title", "graph.html": "graph.title",
          "analysis.html": "ui.analysis.title", "dependencies.html": "nav.dependencies", "scenario.html": "ui.scenario.title",
          "screen.html": "screen.title", "trade.html": "ui.trade.title", "sources.html": "sources.title"}

env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                  trim_blocks=True, lstrip_blocks=True)
env.filters["cell"] = tables.cell_text


def _in_lang(fn):
    """A filter that takes the page's language from the template's context."""
    return pass_context(lambda ctx, value, *args, **kw: fn(value, ctx.get("lang", "en"), *args, **kw))


env.filters["pct"] = _in_lang(lambda v, lang, spec=".0%": "—" if v is None else wording.num(v, lang, spec))
env.filters["num"] = _in_lang(wording.num)
env.filters["day"] = _in_lang(wording.day)
env.filters["country"] = _in_lang(wording.country)
env.filters["language"] = _in_lang(wording.language)
env.filters["name"] = _in_lang(lambda v, lang, known=None: wording.marked(v, lang, name=True, known=known))
env.filters["foreign"] = _in_lang(lambda v, lang, known=None, tag="span": wording.marked(v, lang, tag=tag, known=known))
env.filters["said"] = _in_lang(lambda v, lang, field="text": wording.said(v, field, lang))
env.filters["short"] = wording.short
env.filters["lang_attr"] = _in_lang(wording.lang_attr)
env.filters["with_names"] = _in_lang(lambda v, lang, names=None: wording.with_names(v, names, lang))
env.filters["tojson_pretty"] = lambda v: json.dumps(v, ensure_ascii=False, indent=1)


def vega_svg(spec: dict) -> Markup:
    """A Vega-Lite spec drawn as SVG, offline (vl-convert); its text is escaped by Vega."""
    import vl_convert

    return Markup(vl_convert.vegalite_to_svg(spec))


env.filters["vega_svg"] = vega_svg


def lang_of(request: Request) -> str:
    try:
        return norm_lang(request.query_params.get("lang"))
    except ChipwatchError:
        return "en"


def own_path(path: str) -> str:
    """The request's path as a link that stays on this server: `//host/x` and `/\\host/x`
    would be links to another host (scheme-relative), so slashes are collapsed and the rest
    quoted."""
    return "/" + re.sub(r"/{2,}", "/", quote(path, safe="/:@!$&'()*+,;=-._~%")).lstrip("/")


def render(request: Request, template: str, data: dict, json_twin: bool, status: int = 200,
           title: str = "") -> Response:
    """The page, or its JSON twin; every generated sentence in `data` (a `Msg`) said in the
    page's language for both."""
    lang = lang_of(request)
    data = said_in(data, lang)
    if json_twin:
        return JSONResponse(data, status_code=status)
    path = own_path(request.url.path)
    title = title or (t(TITLES[template], lang) if template in TITLES else "")

    def url(path: str, **params) -> str:
        params = {k: v for k, v in params.items() if v not in (None, "", [], False)}
        if lang != "en":
            params["lang"] = lang
        return path + ("?" + urlencode(params, doseq=True) if params else "")

    writable = bool(getattr(request.app.state.chipwatch, "allow_write", False))
    other = "en" if lang == "zh-TW" else "zh-TW"
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    switch = path + "?" + urlencode([*query, ("lang", other)])
    twin_query = urlencode(list(request.query_params.multi_items()))
    html = env.get_template(template).render(
        data=data, lang=lang, url=url, nav=(*NAV, *REVIEW_NAV) if writable else NAV, writable=writable, path=path, switch=switch.rstrip("?"),
        twin=(path.rstrip("/") or "/index") + ".json" + ("?" + twin_query if twin_query else ""),
        title=title, t=lambda key, **kw: t(key, lang, **kw), vocab=lambda kind, key: vocab(kind, key, lang),
        other_lang=other, page_lang=wording.PAGE_LANG[lang], other_page_lang=wording.PAGE_LANG[other],
        label=lambda key, default: wording.label_or(key, lang, default), colon="：" if lang == "zh-TW" else ": ", comma="，" if lang == "zh-TW" else ", ")
    return HTMLResponse(html, status_code=status)


def table_page(request: Request, template: str, table: tables.Table, data: dict, twin: bool, title: str = "",
               params: dict | None = None) -> Response:
    """A page around one table (server/tables.py): `?format=csv|json` downloads every
    matching row; otherwise the page of rows goes into `data["table"]` and is rendered."""
    params = dict(request.query_params) if params is None else params
    if params.get("format"):
        body, media, filename = tables.download(table, params, params["format"])
        return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{filename}"'})
    data["table"] = tables.page(table, params)
    return render(request, template, data, twin, title=title)


def error_page(request: Request, status: int, message, json_twin: bool) -> Response:
    """An error in the page's language: its heading says what kind (not found, bad input, …);
    `message` is a `Msg` said in that language, or a library's English line, shown marked as
    English on a Chinese page."""
    lang = lang_of(request)
    if json_twin:
        return JSONResponse({"detail": say(message, lang)}, status_code=status)
    heading = wording.label_or(f"error.title.{status}", lang, t("error.title", lang))
    data = {"status": status, "heading": heading, "message": message, "english": isinstance(message, str)}
    return render(request, "error.html", data, False, status, f"{status} {heading}")


def router() -> APIRouter:
    pages = APIRouter(include_in_schema=False)

    def st(request: Request) -> State:
        return request.app.state.chipwatch

    @pages.get("/")
    @pages.get("/index.json")
    def home(request: Request):
        return render(request, "home.html", views.home(st(request).cw, lang_of(request)),
                      request.url.path.endswith(".json"))

    @pages.get("/entity/{entity_id}")
    def entity(request: Request, entity_id: str, as_of: str | None = Param(None, max_length=10)):
        twin = entity_id.endswith(".json")
        entity_id = entity_id.removesuffix(".json")
        cw = st(request).cw
        if not cw.store.has_entity(entity_id):
            return error_page(request, 404, Msg("error.no_entity", id=entity_id), twin)
        data = views.entity(cw, entity_id, lang_of(request), as_of or None)
        return render(request, "entity.html", data, twin, title=data["name"])

    @pages.get("/search")
    @pages.get("/search.json")
    def search(request: Request, q: str = Param("", max_length=200)):
        found = jsonable(st(request).cw.store.find(q, 50)) if q.strip() else []
        return render(request, "search.html", {"q": q, "results": found}, request.url.path.endswith(".json"))

    @pages.get("/graph")
    @pages.get("/graph.json")
    def graph(request: Request, type: list[str] = Param([]), status: list[str] = Param([]),  # noqa: A002
              as_of: str | None = Param(None, max_length=10), focus: str | None = Param(None, max_length=200),
              radius: int = Param(1, ge=0, le=max(views.RADII)), group: str = Param("stage", pattern="^(stage|none)$")):
        data = views.graph(st(request).cw, lang_of(request), type or None, status or None, as_of or None,
                           focus or None, radius, group == "stage")
        return render(request, "graph.html", data, request.url.path.endswith(".json"))

    @pages.get("/chokepoints")
    @pages.get("/chokepoints.json")
    def chokepoints(request: Request, as_of: str | None = Param(None, max_length=10),
                    country: str = Param("RU", pattern=r"^[A-Za-z]{2}$")):
        lang = lang_of(request)
        table, period = views.chokepoints_table(st(request).cw, lang, as_of or None, country.upper())
        title = t("chokepoints.title", lang, date=wording.day(period, lang))
        return table_page(request, "table.html", table, {"heading": title, "kind": "chokepoints", "as_of": period},
                          request.url.path.endswith(".json"), title=title)

    @pages.get("/dependencies")
    @pages.get("/dependencies.json")
    def dependencies(request: Request, country: str = Param("RU", pattern=r"^[A-Za-z]{2}$"),
                     on: str = Param("CN", pattern=r"^[A-Za-z]{2}$"), as_of: str | None = Param(None, max_length=10)):
        data = views.dependencies(st(request).cw, lang_of(request), country, on, as_of or None)
        return render(request, "dependencies.html", data, request.url.path.endswith(".json"))

    @pages.get("/analysis")
    @pages.get("/analysis.json")
    def analysis(request: Request, as_of: str | None = Param(None, max_length=10),
                 top: int = Param(25, ge=1, le=500), offset: int = Param(0, ge=0),
                 kind: str | None = Param(None, max_length=40), q: str | None = Param(None, max_length=200),
                 sort: str = Param("rank", max_length=20), country: str = Param("RU", pattern=r"^[A-Za-z]{2}$")):
        data = views.analysis(st(request).cw, lang_of(request), as_of or None, top, offset, kind or None, q or None,
                              sort, country.upper())
        return render(request, "analysis.html", data, request.url.path.endswith(".json"))

    @pages.get("/scenario")
    @pages.get("/scenario.json")
    def scenario(request: Request, name: str = Param("baseline", max_length=100), run: bool = False,
                 draws: int = Param(1000, ge=0, le=views.MAX_DRAWS), seed: int = Param(0, ge=0, le=2**31 - 1)):
        values = {}
        for key, value in request.query_params.items():
            if key.startswith("set.") and value.strip():  # the form sends the fields left empty too
                try:
                    values[key[4:]] = float(value)
                except ValueError:
                    raise ChipwatchError(f"{key}={value!r}: not a number") from None
        data = views.scenarios_page(st(request).cw, lang_of(request), name, run, draws, seed, values)
        return render(request, "scenario.html", data, request.url.path.endswith(".json"))

    @pages.get("/screen")
    @pages.get("/screen.json")
    def screen_get(request: Request, q: list[str] = Param([]), name: list[str] = Param([])):
        # ?name=A&name=B is the shareable form (the results page links to it); ?q= as before
        names = [n.strip() for line in [*name, *q] for n in line.splitlines() if n.strip()][: rest.MAX_NAMES]
        return screen_result(request, names, None, request.url.path.endswith(".json"), shared=bool(name))

    @pages.post("/screen")
    @pages.post("/screen.json")
    async def screen_post(request: Request, names: str = Form("", max_length=50_000),
                          file: UploadFile | None = File(None), column: str = Form("name", max_length=100)):
        queries = None
        if file is not None and file.filename:
            data = await rest.read_upload(file, rest.MAX_UPLOAD)
            queries = rest.csv_queries(data, file.filename, column)
        listed = [n.strip() for n in names.splitlines() if n.strip()]
        if len(listed) > rest.MAX_NAMES:
            raise ChipwatchError(f"{len(listed)} names: paste at most {rest.MAX_NAMES}, or upload a CSV "
                                 f"(at most {rest.MAX_UPLOAD_ROWS:,} rows)")
        return await run_in_threadpool(screen_result, request, listed, queries, request.url.path.endswith(".json"))

    def screen_result(request: Request, names: list[str], queries: dict | None, twin: bool,
                      shared: bool = False) -> Response:
        from chipwatch.screening.batch import name_queries

        state = st(request)
        if queries is None and names:
            queries = name_queries(names)
        hits = rest.run_screen(state, queries) if queries else None
        data = views.screening(state.cw, hits, queries, lang_of(request))
        data["names"] = names
        table = views.screening_table(data, names)
        # shared (a GET URL): paged, sorted and filtered like every table; pasted or uploaded:
        # every row on the one page (up to the table limit; POST /screen.json gives them all)
        params = {k: v for k, v in request.query_params.items() if k not in ("q", "name")} if shared else \
            {"per_page": str(min(max(len(table.rows), 1), tables.MAX_PER_PAGE)), "lang": lang_of(request)}
        data["share"] = "?" + urlencode({"name": names}, doseq=True) if names and queries and len(names) == len(queries) else None
        return table_page(request, "screen.html", table, data, twin,
                          title=t("screen.title", lang_of(request)), params=params)

    @pages.get("/claims")
    @pages.get("/claims.json")
    def claims(request: Request):
        lang = lang_of(request)
        return table_page(request, "table.html", views.claims_table(st(request).cw, lang),
                          {"heading": t("claims.title", lang), "kind": "claims"}, request.url.path.endswith(".json"),
                          title=t("claims.title", lang))

    @pages.get("/lists")
    @pages.get("/lists.json")
    def lists(request: Request):
        lang = lang_of(request)
        cw = st(request).cw
        return table_page(request, "table.html", views.lists_table(cw),
                          {"heading": t("lists.title", lang), "kind": "lists", "versions": cw.store.list_versions()},
                          request.url.path.endswith(".json"), title=t("lists.title", lang))

    @pages.get("/lists/diff")
    @pages.get("/lists/diff.json")
    def lists_diff(request: Request, old: str = Param(..., max_length=200), new: str = Param(..., max_length=200)):
        lang = lang_of(request)
        table, counts = views.diff_table(st(request).cw, old, new)
        title = t("lists.diff_title", lang, old=old, new=new)
        return table_page(request, "table.html", table, {"heading": title, "kind": "diff", "counts": counts,
                                                         "old": old, "new": new},
                          request.url.path.endswith(".json"), title=title)

    @pages.get("/lists/{version}")
    def list_entries(request: Request, version: str):
        twin = version.endswith(".json")
        version = version.removesuffix(".json")
        lang = lang_of(request)
        try:
            table = views.list_entries_table(st(request).cw, version)
        except ChipwatchError as exc:
            return error_page(request, 404, str(exc), twin)
        title = t("lists.entries_title", lang, version=version)
        return table_page(request, "table.html", table, {"heading": title, "kind": "entries", "version": version},
                          twin, title=title)

    @pages.get("/trade")
    @pages.get("/trade.json")
    def trade(request: Request, product: str = Param("8542", max_length=20), target: str = Param("RU", max_length=40),
              baseline: str = Param("2020-2021", max_length=9), reporter: str | None = Param(None, max_length=40),
              partner: str | None = Param(None, max_length=40)):
        data = views.trade(st(request).cw, product, target, baseline, reporter or None, partner or None, lang_of(request))
        return render(request, "trade.html", data, request.url.path.endswith(".json"))

    @pages.get("/sources")
    @pages.get("/sources.json")
    def sources(request: Request):
        return render(request, "sources.html", views.sources(st(request).cw), request.url.path.endswith(".json"))

    @pages.get("/source/{source_id}")
    def source(request: Request, source_id: str):
        twin = source_id.endswith(".json")
        source_id = source_id.removesuffix(".json")
        try:
            data = views.source(st(request).cw, source_id, lang_of(request))
        except ChipwatchError as exc:
            return error_page(request, 404, str(exc), twin)
        return render(request, "source.html", data, twin, title=data["source"]["title"])

    return pages
