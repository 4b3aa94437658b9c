"""The REST API under /api: JSON for everything the command line does, read-only. The one
write endpoint (importing a sanctions list) exists only with --allow-write and a token."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, Header, HTTPException, Request, UploadFile
from fastapi import Query as Param
from pydantic import BaseModel, ConfigDict, Field

from chipwatch.api import rows
from chipwatch.errors import ChipwatchError
from chipwatch.frames import jsonable
from chipwatch.server import models as M  # noqa: N812
from chipwatch.server import views
from chipwatch.server.limits import UNAUTHORIZED, authorized
from chipwatch.server.state import State

MAX_UPLOAD = 2 * 2**20  # bytes of an uploaded CSV
MAX_UPLOAD_ROWS = 5_000
MAX_NAMES = 500  # names in one JSON screening request

Status = Literal["fact", "reported", "speculated", "planned", "disputed"]
AS_OF = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"
AsOf = Annotated[str | None, Param(description="keep claims valid at some time in this period: 2022, 2022-03, 2022-03-31",
                                   max_length=10, pattern=AS_OF)]


async def state(request: Request) -> State:
    """The app's state (async: a sync dependency would cost each request a thread hop)."""
    return request.app.state.chipwatch


St = Annotated[State, Depends(state)]


class ErrorBody(BaseModel):
    detail: str | list = Field(description="what is wrong and what would be right; for 422, each invalid field")
    message: str | None = Field(None, description="for 422: the first problem, in one line")


ERRORS = {400: {"model": ErrorBody, "description": "bad input"}, 404: {"model": ErrorBody, "description": "not found"},
          422: {"model": ErrorBody, "description": "a parameter does not fit its schema"}}


class ScenarioRun(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    name: str = Field("baseline", max_length=100, description="a bundled scenario (GET /api/scenarios)")
    draws: int = Field(1000, ge=0, le=views.MAX_DRAWS, description="Monte Carlo draws")
    seed: int = Field(0, ge=0, le=2**31 - 1)
    assumptions: dict[str, Annotated[float, Field(ge=0, le=1e12)]] = Field(
        default_factory=dict, max_length=50, description="assumption name -> value in its unit (fixed for this run)")


class ScreenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    names: list[Annotated[str, Field(min_length=1, max_length=500)]] = Field(..., min_length=1, max_length=MAX_NAMES)
    threshold: float = Field(0.7, ge=0, le=1, description="lowest score reported")
    review_below: float = Field(0.9, ge=0, le=1, description="hits scoring less are `review`, not `listed`")
    limit: int = Field(5, ge=1, le=50)


async def read_upload(file: UploadFile, limit: int) -> bytes:
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise ChipwatchError(f"{file.filename}: more than {limit // 2**20} MB; upload at most {limit // 2**20} MB "
                             f"or use `chipwatch screen FILE` on the command line")
    return data


def run_screen(st: State, queries: dict, threshold: float = 0.7, limit: int = 5, review_below: float = 0.9):
    """Screening on this worker thread's connection (SQL on the store's name indexes)."""
    from chipwatch.screening.screen import screen

    return screen(st.cw.store, queries, threshold=threshold, limit=limit, review_below=review_below, workers=1)


def as_json(queries: dict, result) -> dict:
    """A screening as JSON: the lists screened (with dates), warnings, and the hits per query."""
    from dataclasses import asdict

    return {"lists": [asdict(v) for v in result.lists], "warnings": result.warnings,
            "results": [{"id": qid, "query": q.names[0] if q.names else "", "hits": [h.to_dict() for h in result[qid]]}
                        for qid, q in queries.items()]}


def csv_queries(data: bytes, filename: str, column: str) -> dict:
    from chipwatch.screening.batch import parse_queries
    from chipwatch.screening.lists.text import decode

    return parse_queries(decode(data, filename), filename, column, max_rows=MAX_UPLOAD_ROWS)


def router(allow_write: bool) -> APIRouter:
    api = APIRouter(prefix="/api", tags=["api"], responses=ERRORS)

    @api.get("/entities/{entity_id}", summary="An entity: names, identifiers, list entries, claims with evidence", responses=M.ok(M.EntityView))
    def entity(st: St, entity_id: str, as_of: AsOf = None):
        if not st.cw.store.has_entity(entity_id):
            raise HTTPException(404, f"no entity with id '{entity_id}'")
        return jsonable(st.cw.entity_view(entity_id, as_of))

    @api.get("/search", summary="Entities by name in any script", responses=M.ok(list[M.SearchHit]))
    def search(st: St, q: str = Param(..., min_length=1, max_length=200), limit: int = Param(10, ge=1, le=100)):
        return jsonable(st.cw.store.find(q, limit))

    @api.get("/claims", summary="Claims with evidence, filtered as `chipwatch claims` does", responses=M.ok(list[M.Claim]))
    def claims(st: St, subject: str | None = Param(None, max_length=200), predicate: str | None = Param(None, max_length=100),
               object: str | None = Param(None, max_length=200),  # noqa: A002
               status: list[Status] | None = Param(None), tag: str | None = Param(None, max_length=100),
               as_of: AsOf = None, limit: int = Param(500, ge=1, le=5000)):
        df = st.cw.claims(subject=subject, predicate=predicate, object=object, status=status, as_of=as_of, tag=tag)
        return jsonable(st.cw.claims_with_evidence(df.head(limit)))

    @api.get("/timeline", summary="Dated events in order", responses=M.ok(list[M.TimelineEvent]))
    def timeline(st: St, entity: str | None = Param(None, max_length=200), predicate: str | None = Param(None, max_length=100),
                 follow: bool = Param(True, description="an entity's predecessors and successors too (successor_of chains)")):
        from chipwatch.analysis.timeline import timeline as run

        df = run(st.cw.store, st.cw.resolve(entity) if entity else None, predicate, follow)
        return jsonable(rows(df.drop(columns=["sort_date"])))

    @api.get("/sanctions/designations", summary="One row per designation: claimed dates and the list snapshots that bound them", responses=M.ok(list[M.Designation]))
    def designations(st: St):
        from chipwatch.analysis.sanctions import designations as run

        return jsonable([d.to_dict() for d in run(st.cw.store)])

    @api.get("/neighbours/{entity_id}", summary="The graph neighbourhood of an entity", responses=M.ok(M.Neighbourhood))
    def neighbours(st: St, entity_id: str, radius: int = Param(1, ge=1, le=3), as_of: AsOf = None):
        whole = st.cw.neighbours(entity_id, radius, as_of)
        g = views.bounded(whole)
        return {"nodes": [{"id": n, **{k: d.get(k) for k in ("type", "label_en", "label_zh")}} for n, d in g.nodes(data=True)],
                "edges": [{"subject": u, "predicate": d["predicate"], "object": v, "claim": d["claim"], "status": d["status"]}
                          for u, v, d in g.edges(data=True)],
                "nodes_left_out": whole.number_of_nodes() - g.number_of_nodes()}

    @api.get("/trace/{product}", summary="A product's chain: design, fab (node), equipment, materials, channels", responses=M.ok(M.Trace))
    def trace(st: St, product: str, as_of: AsOf = None,
              detail: bool = Param(False, description="ETO inputs one provider per line, not only by stage and type")):
        from chipwatch.analysis.trace import trace as run

        return jsonable(run(st.cw.store, st.cw.resolve(product), as_of, detail))

    @api.get("/chokepoints", summary="Single sources, concentration, foreign dependency, centrality", responses=M.ok(list[M.Finding]))
    def chokepoints(st: St, as_of: AsOf = None, top: int = Param(100, ge=1, le=1000),
                    offset: int = Param(0, ge=0, description="skip this many findings first (the next page)"),
                    kind: Literal["single_source", "concentration", "foreign_dependency", "centrality"] | None = None,
                    q: str | None = Param(None, max_length=200, description="only findings whose sentence contains this"),
                    sort: Literal["rank", "score", "kind", "subject"] = "rank",
                    home: str = Param("RU", pattern=r"^[A-Za-z]{2}$", description="the country whose dependencies count")):
        from chipwatch.analysis.chokepoints import chokepoints as run
        from chipwatch.analysis.chokepoints import select

        page, _ = select(run(st.cw.store, as_of, home=home.upper()), kind, q, sort, offset, top)
        return jsonable([f.to_dict() for f in page])

    @api.get("/dependencies", summary="What one country sources from another's providers, by stage, with the claims", responses=M.ok(M.Dependencies))
    def dependencies(st: St, country: str = Param("RU", pattern=r"^[A-Za-z]{2}$"), on: str = Param("CN", pattern=r"^[A-Za-z]{2}$"),
                     as_of: AsOf = None):
        from chipwatch.analysis.dependencies import dependencies as run
        from chipwatch.analysis.dependencies import with_evidence

        period, lines = run(st.cw.store, country, on, as_of)
        return jsonable({"country": country.upper(), "on": on.upper(), "as_of": period,
                         "lines": with_evidence(st.cw.store, lines)})

    @api.get("/gap", summary="Years behind the leading edge: nodes and purity", responses=M.ok(list[M.Gap]))
    def gap(st: St, as_of: AsOf = None,
            country: str = Param("RU", pattern=r"^[A-Za-z]{2}$", description="whose capability; foreign fabs are its suppliers")):
        from chipwatch.analysis.gap import gap as run

        return jsonable([g.to_dict() for g in run(st.cw.store, as_of, country.upper())])

    @api.get("/check", summary="Consistency findings", responses=M.ok(list[M.CheckFinding]))
    def check(st: St, severity: Literal["error", "warning", "info"] = "info"):
        from chipwatch.analysis.check import check as run

        return jsonable([f.to_dict() for f in run(st.cw.store, severity)])

    @api.get("/scenarios", summary="The bundled scenarios", responses=M.ok(list[M.ScenarioSummary]))
    def scenarios():
        from chipwatch.scenarios import list_scenarios

        return list_scenarios()

    @api.get("/scenarios/{name}", summary="A bundled scenario's interventions and assumptions", responses=M.ok(M.Scenario))
    def scenario(name: str):
        from chipwatch.scenarios import bundled_names, load_scenario

        if name not in bundled_names():
            raise HTTPException(404, f"no scenario '{name}'; bundled: {', '.join(bundled_names())}")
        return jsonable(load_scenario(name).to_dict())

    @api.post("/scenarios/run", summary=f"Run a bundled scenario (parameters in the body, at most {views.MAX_DRAWS:,} draws)", responses=M.ok(M.ScenarioResult))
    def scenario_run(st: St, body: ScenarioRun):
        from chipwatch.scenarios import bundled_names, load_scenario, run_scenario, with_values

        if body.name not in bundled_names():
            raise HTTPException(404, f"no scenario '{body.name}'; bundled: {', '.join(bundled_names())}")
        sc = load_scenario(body.name)
        if body.assumptions:
            sc = with_values(sc, body.assumptions)
        from chipwatch.i18n.message import jsonable as said

        return jsonable(said(run_scenario(st.cw, sc, draws=body.draws, seed=body.seed), "en"))  # sentences as English text

    @api.post("/screen", summary="Screen names (any script) against the imported lists", responses=M.ok(M.Screening))
    def screen_names(st: St, body: ScreenRequest):
        from chipwatch.screening.batch import name_queries

        queries = name_queries(body.names)
        return as_json(queries, run_screen(st, queries, body.threshold, body.limit, body.review_below))

    @api.post("/screen/csv", summary=f"Screen a CSV upload (at most {MAX_UPLOAD // 2**20} MB, {MAX_UPLOAD_ROWS:,} rows)", responses=M.ok(M.Screening))
    async def screen_csv(st: St, file: UploadFile = File(...), column: str = Form("name", max_length=100),
                         threshold: float = Form(0.7, ge=0, le=1)):
        from starlette.concurrency import run_in_threadpool

        queries = csv_queries(await read_upload(file, MAX_UPLOAD), file.filename or "upload.csv", column)
        return as_json(queries, await run_in_threadpool(run_screen, st, queries, threshold))

    @api.get("/sources", summary="The sources, with how many claims each supports", responses=M.ok(list[M.Source]))
    def sources(st: St):
        return views.sources(st.cw)["sources"]

    @api.get("/sources/{source_id}", summary="A source and all its claims", responses=M.ok(M.SourceView))
    def source(st: St, source_id: str):
        return views.source(st.cw, source_id, "en")

    if allow_write:
        @api.post("/lists/{kind}", summary="Import a sanctions list (needs --allow-write and the bearer token)",
                  responses={**M.ok(M.Imported), 401: {"model": ErrorBody, "description": "no or wrong token"}})
        async def import_list(st: St, kind: Literal["ofac", "un", "bis", "ftm"], file: UploadFile = File(...),
                              date: str | None = Form(None, pattern=r"^\d{4}-\d{2}-\d{2}$"),
                              authorization: str | None = Header(None)):
            from starlette.concurrency import run_in_threadpool

            from chipwatch.store.lists import import_list as run

            if not authorized(authorization, st.token):  # BodyLimit refused it before its body; this is the route's own check
                raise HTTPException(401, UNAUTHORIZED, headers={"WWW-Authenticate": "Bearer"})
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / (Path(file.filename or "").name or f"{kind}.upload")
                with path.open("wb") as out:  # the upload is spooled to disk already (at most LIMITS' 256 MB)
                    await run_in_threadpool(shutil.copyfileobj, file.file, out, 2**20)
                counts = await run_in_threadpool(run, st.db, kind, path, date)
            st.refresh()
            return counts

    return api
