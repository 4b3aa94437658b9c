"""FastAPI app: entities, search, claims and the yente-compatible `/match/{dataset}`.
Read-only: nothing here writes the store."""

from __future__ import annotations

from contextlib import asynccontextmanager
from functools import cached_property
from pathlib import Path

from fastapi import FastAPI, HTTPException
from fastapi import Query as Param
from fastapi.responses import JSONResponse

from chipwatch import __version__
from chipwatch.errors import ChipwatchError
from chipwatch.server.match import MatchRequest, result, to_query


class State:
    """The open store and, built on first use, the list indexes for matching."""

    def __init__(self, db: str | Path | None):
        from chipwatch.api import Chipwatch

        self.cw = Chipwatch(db)

    @cached_property
    def indexes(self):
        from chipwatch.screening.screen import list_indexes

        return list_indexes(self.cw.store)


def create_app(db: str | Path | None = None) -> FastAPI:
    holder: dict[str, State] = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        holder["state"] = State(db)
        yield
        holder["state"].cw.close()

    app = FastAPI(title="chipwatch", version=__version__, lifespan=lifespan,
                  description="A sourced, time-aware knowledge graph of semiconductor supply chains under sanctions.")

    @app.exception_handler(ChipwatchError)
    async def user_error(request, exc: ChipwatchError):
        status = 404 if str(exc).startswith(("no entity", "no list version")) else 400
        return JSONResponse({"error": str(exc)}, status_code=status)

    def state() -> State:
        return holder["state"]

    @app.get("/entities/{entity_id}", summary="An entity: names, identifiers, list entries, claims with evidence")
    def entity(entity_id: str, as_of: str | None = None):
        if not state().cw.store.has_entity(entity_id):
            raise HTTPException(404, f"no entity with id '{entity_id}'")
        return state().cw.entity_view(entity_id, as_of)

    @app.get("/search", summary="Entities by name in any script")
    def search(q: str = Param(..., min_length=1, max_length=200), limit: int = Param(10, ge=1, le=100)):
        from chipwatch.frames import rows

        return rows(state().cw.search(q, limit))

    @app.post("/match/{dataset}", summary="yente-compatible matching against the imported sanctions lists")
    def match(dataset: str, body: MatchRequest, threshold: float = Param(0.7, ge=0, le=1),
              limit: int = Param(5, ge=1, le=50)):
        from chipwatch.screening.screen import screen

        kinds = {i.kind for i in state().indexes}
        if dataset not in ("default", "all", *kinds):
            raise HTTPException(404, f"no dataset '{dataset}'; use default or one of: {', '.join(sorted(kinds))}")
        indexes = [i for i in state().indexes if dataset in ("default", "all") or i.kind == dataset]
        queries = {qid: to_query(ex) for qid, ex in body.queries.items()}
        empty = [qid for qid, q in queries.items() if not q.names]
        if empty:
            raise HTTPException(400, f"query '{empty[0]}' has no name (properties.name)")
        hits = screen(state().cw.store, queries, threshold=threshold, limit=limit, indexes=indexes, sql_blocking=False)
        return {
            "responses": {qid: {"status": 200, "results": [result(h, threshold) for h in hits[qid]],
                                "total": {"value": len(hits[qid]), "relation": "eq"},
                                "query": body.queries[qid].model_dump(by_alias=True)}
                          for qid in queries},
            "limit": limit,
            "matcher": {"name": "chipwatch", "version": __version__, "threshold": threshold},
        }

    return app
