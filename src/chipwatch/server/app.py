"""The FastAPI app: the explorer's pages (each with a JSON twin), the REST API under /api
and yente's API at the root (`/match/{dataset}`, `/search/{dataset}`, `/entities/{id}`,
`/catalog`, `/algorithms`, `/healthz`, `/readyz`). JSON errors are `{"detail": ...}`, as
FastAPI and yente write them. Read-only unless started with `allow_write` and a token."""

from __future__ import annotations

import json
import os
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from chipwatch import __version__
from chipwatch.errors import ChipwatchError
from chipwatch.i18n.message import Msg, say
from chipwatch.server import pages, rest, review, yente
from chipwatch.server.cache import ResponseCache
from chipwatch.server.limits import BodyLimit
from chipwatch.server.state import PinStore, State
from chipwatch.server.work import Budget

STATIC = Path(__file__).with_name("static")
NOT_FOUND = ("no entity", "no list version", "no source", "no scenario", "no candidate")


def node_modules() -> Path | None:
    """Where npm installed the front-end packages (`make install`): $CHIPWATCH_NODE_MODULES,
    or node_modules/ in the source checkout."""
    for where in (os.environ.get("CHIPWATCH_NODE_MODULES"), Path(__file__).resolve().parents[3] / "node_modules"):
        if where and (Path(where) / "cytoscape" / "dist" / "cytoscape.min.js").is_file():
            return Path(where)
    return None


YENTE = ("/match/", "/search/", "/entities/", "/catalog", "/algorithms", "/healthz", "/readyz")


def wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith(("/api/", *YENTE)) or path.endswith(".json") or path in ("/openapi.json",)


def create_app(db: str | Path | None = None, allow_write: bool = False, token: str | None = None,
               budget: float | None = None, slots: int | None = None) -> FastAPI:
    """The app on the store `db` (screening reads its name indexes in place: nothing to
    build at start-up); `budget` is the seconds a request may take (default: work.budget()),
    `slots` the heavy requests it runs at once (default: one per core)."""
    if allow_write and not token:
        raise ChipwatchError("--allow-write needs --token TOKEN (or CHIPWATCH_TOKEN): writes are refused without one")
    st = State(db, allow_write, token)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        st.close()

    app = FastAPI(title="chipwatch", version=__version__, lifespan=lifespan,
                  description="A sourced, time-aware knowledge graph of semiconductor supply chains under sanctions. "
                              "Explorer pages at /, each with a JSON twin (.json); the REST API under /api; "
                              "yente-compatible matching at POST /match/{dataset}.")
    app.state.chipwatch = st

    def error(request: Request, status: int, message):
        if wants_json(request):
            return JSONResponse({"detail": say(message, pages.lang_of(request))}, status_code=status)
        return pages.error_page(request, status, message, False)

    @app.exception_handler(ChipwatchError)
    async def user_error(request: Request, exc: ChipwatchError):
        return error(request, 404 if str(exc).startswith(NOT_FOUND) else 400, getattr(exc, "msg", None) or str(exc))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        return error(request, exc.status_code, str(exc.detail))

    @app.exception_handler(404)
    async def not_found(request: Request, exc):
        detail = getattr(exc, "detail", None)
        if not detail or detail == "Not Found":  # Starlette's own: no route for this path
            detail = Msg("error.no_page", path=request.url.path)
        return error(request, 404, detail)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError):
        errors = [safe_error(e) for e in exc.errors()]
        first = errors[0] if errors else {}
        where = ".".join(str(x) for x in first.get("loc", ()))
        message = f"{where}: {first.get('msg', 'invalid')}" if where else "the request does not fit its schema"
        if wants_json(request):
            return JSONResponse({"detail": errors, "message": message}, status_code=422)
        return pages.error_page(request, 422, invalid_param(first) or message, False)

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception):  # logged with its traceback by Starlette
        if not wants_json(request):
            try:
                return pages.error_page(request, 500, Msg("error.server_failed"), False)
            except Exception:  # noqa: BLE001 (the page itself failed: the plain answer below)
                pass
        return JSONResponse({"detail": "the server failed on this request; its log says why"}, status_code=500)

    app.include_router(rest.router(allow_write))
    app.include_router(review.router())
    app.include_router(pages.router())

    app.include_router(yente.router(lambda request: st))

    vendor = node_modules()

    @app.get("/static/vendor/cytoscape.min.js", include_in_schema=False)
    def cytoscape():
        if vendor is None:
            raise HTTPException(404, "cytoscape is not installed: run `make install` (npm install) in the checkout")
        return FileResponse(vendor / "cytoscape" / "dist" / "cytoscape.min.js", media_type="text/javascript")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    # outermost last: body limits and the token, then the cache, the time budget, the store's generation
    app.add_middleware(PinStore, state=st)
    app.add_middleware(Budget, seconds=budget, slots=slots)
    app.add_middleware(ResponseCache, state=st)
    app.add_middleware(BodyLimit, token=token if allow_write else None)
    return app


PARAM_ERRORS = {"less_than_equal": "le", "greater_than_equal": "ge", "less_than": "lt", "greater_than": "gt",
                "string_too_long": "max_length", "string_pattern_mismatch": "pattern", "int_parsing": None,
                "float_parsing": None, "bool_parsing": None, "missing": None}


def invalid_param(error: dict) -> Msg | None:
    """A query parameter that does not fit, said in the page's language (the common kinds of
    pydantic error: a bound, a length, a pattern, not a number, missing); None for others."""
    kind, loc = error.get("type"), [str(x) for x in error.get("loc", ())]
    if kind not in PARAM_ERRORS or len(loc) < 2 or loc[0] != "query":
        return None
    limit = PARAM_ERRORS[kind]
    bound = (error.get("ctx") or {}).get(limit, "") if limit else ""
    return Msg(f"error.param.{kind}", name=".".join(loc[1:]), limit=bound if isinstance(bound, (int, float)) else str(bound))


def safe_error(error: dict) -> dict:
    """A validation error that JSON can carry: each part as it is if it encodes (no NaN,
    no lone surrogate), else its repr, shortened."""
    out = {k: encodable(jsonable_encoder(v, custom_encoder={Exception: str})) for k, v in error.items() if k != "url"}
    out["loc"] = [encodable(x) for x in error.get("loc", ())]
    return out


def encodable(value):
    try:
        json.dumps(value, allow_nan=False, ensure_ascii=False).encode("utf-8")
    except (ValueError, TypeError):
        return ascii(value)[:200]
    return value
