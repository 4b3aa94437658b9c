"""The review page: the queue of candidate claims of the datasets the store was built from
(`chipwatch ingest` puts them in `<dataset>.review/`), each shown with its quote, locator,
pattern and the claims it would disagree with, and accepted, edited or rejected through the
library (chipwatch.review) — only on a server started with `--allow-write --token T`.

A browser signs in once with the token (a form; the token is kept in an HttpOnly, SameSite
strict cookie scoped to /review); a script sends `Authorization: Bearer T`. Every page has its
JSON twin (`.json`), and every action answers JSON at its `.json` address."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from fastapi import APIRouter, Form, Request
from fastapi import Query as Param
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from chipwatch.errors import ChipwatchError
from chipwatch.i18n.message import Msg
from chipwatch.server import pages
from chipwatch.server.limits import authorized

COOKIE = "chipwatch_review"
PREFIX = "/review"
FIELDS = ("subject", "predicate", "object", "value", "unit", "status", "valid_from")  # what the edit form changes


def datasets(request: Request) -> list[Path]:
    """The dataset folders the store was built from (its meta), those that exist here."""
    raw = request.app.state.chipwatch.cw.store.meta().get("datasets") or "[]"
    return [Path(d["path"]) for d in json.loads(raw) if Path(d["path"]).is_dir()]


def signed_in(request: Request) -> bool:
    """The request carries the write token: as a bearer header or the sign-in cookie."""
    token = request.app.state.chipwatch.token if request.app.state.chipwatch.allow_write else None
    if not token:
        return False
    if authorized(request.headers.get("authorization"), token):
        return True
    cookie = request.cookies.get(COOKIE, "")
    return bool(cookie) and secrets.compare_digest(cookie.encode(), token.encode())


def dataset_of(request: Request, candidate_id: str) -> Path:
    """The dataset whose queue holds the candidate (a clear error naming the queues otherwise)."""
    from chipwatch.review.queue import items

    roots = datasets(request)
    for root in roots:
        if any(c.id == candidate_id for item in items(root) for c in item.candidates):
            return root
    raise ChipwatchError(f"no candidate '{candidate_id}' in the review queues of {', '.join(map(str, roots)) or 'no dataset'}")


def queue(request: Request, state: str | None) -> dict:
    """Every queued candidate of the store's datasets (optionally one state), with counts."""
    from chipwatch.review.queue import STATES, items

    if state and state not in STATES:
        raise ChipwatchError(f"state={state!r}: use one of {', '.join(STATES)}")
    rows, counts = [], dict.fromkeys(STATES, 0)
    lang = pages.lang_of(request)
    for root in datasets(request):
        for item in items(root):
            for c in item.candidates:
                counts[c.state] += 1
                if state in (None, c.state):
                    rows.append(said(request, {**c.to_dict(), "dataset": root.name, "source_title": item.source.get("title"),
                                               "source_lang": item.source.get("language") or "und"}, lang))
    return {"candidates": rows, "counts": counts, "state": state, "states": list(STATES),
            "datasets": [str(p) for p in datasets(request)]}


def said(request: Request, c: dict, lang: str) -> dict:
    """A candidate with what a reader sees: its entities by name (those the store knows), its
    predicate's short label, its value per locale with its unit in words."""
    from chipwatch.server import views

    names = views.names_of(request.app.state.chipwatch.cw, lang)
    c["subject_name"] = names.get(c["subject"], c["subject"])
    c["object_name"] = names.get(c["object"], c["object"]) if c.get("object") else None
    c["predicate_label"] = views.predicate_label(c["predicate"], lang)
    c["value_shown"] = views.value_text({"value": c.get("value"), "unit": c.get("unit")}, lang)
    return c


def answer(request: Request, template: str, data: dict, twin: bool, title: str = "", status: int = 200) -> Response:
    response = pages.render(request, template, data, twin, status, title)
    response.headers["Cache-Control"] = "no-store"
    return response


def refused(request: Request, twin: bool) -> Response:
    """Without the write token: 404 where writes are off, else 401 with the sign-in form."""
    lang = pages.lang_of(request)
    if not request.app.state.chipwatch.allow_write:
        return pages.error_page(request, 404, Msg("review.needs_write"), twin)
    if twin:
        return JSONResponse({"detail": Msg("review.sign_in_needed").text(lang)}, status_code=401,
                            headers={"WWW-Authenticate": "Bearer"})
    return answer(request, "review_login.html", {"failed": request.method == "POST"}, False,
                  pages.t("review.sign_in", lang), 401)


def back(request: Request, candidate_id: str, done: str) -> Response:
    lang = pages.lang_of(request)
    query = f"?done={done}" + (f"&lang={lang}" if lang != "en" else "")
    return RedirectResponse(f"{PREFIX}/{candidate_id}{query}", status_code=303)


def router() -> APIRouter:
    r = APIRouter(include_in_schema=False)

    @r.post(PREFIX + "/login")
    def login(request: Request, token: str = Form("", max_length=500)):
        st = request.app.state.chipwatch
        if not (st.allow_write and st.token and secrets.compare_digest(token.encode(), st.token.encode())):
            return refused(request, False)
        lang = pages.lang_of(request)
        response = RedirectResponse(PREFIX + (f"?lang={lang}" if lang != "en" else ""), status_code=303)
        response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path=PREFIX)
        return response

    @r.post(PREFIX + "/logout")
    def logout(request: Request):
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(COOKIE, path=PREFIX)
        return response

    @r.get(PREFIX)
    @r.get(PREFIX + ".json")
    def listing(request: Request, state: str | None = None):
        twin = request.url.path.endswith(".json")
        if not signed_in(request):
            return refused(request, twin)
        lang = pages.lang_of(request)
        return answer(request, "review.html", queue(request, state or None), twin, pages.t("review.title", lang))

    @r.get(PREFIX + "/{candidate_id}")
    def show(request: Request, candidate_id: str, done: str | None = Param(None, pattern="^(accepted|rejected|edited)$")):
        from chipwatch.review.show import describe

        twin = candidate_id.endswith(".json")
        candidate_id = candidate_id.removesuffix(".json")
        if not signed_in(request):
            return refused(request, twin)
        from chipwatch.review.queue import find

        root = dataset_of(request, candidate_id)
        item, _ = find(root, candidate_id)
        data = said(request, {**describe(root, candidate_id), "dataset": str(root), "done": done, "fields": list(FIELDS),
                              "source_lang": item.source.get("language") or "und"}, pages.lang_of(request))
        data["value_text"] = "" if data.get("value") is None else (
            f"{data['value']['min']}-{data['value']['max']}" if isinstance(data["value"], dict) else str(data["value"]))
        return answer(request, "review_item.html", data, twin, candidate_id)

    async def act(request: Request, candidate_id: str, do) -> Response:
        twin = request.url.path.endswith(".json")  # /review/ID/accept.json answers JSON
        if not signed_in(request):
            return refused(request, twin)
        root = dataset_of(request, candidate_id)
        result = await run_in_threadpool(do, root, candidate_id)
        if twin:
            return JSONResponse(result)
        return back(request, candidate_id, result["done"])

    @r.post(PREFIX + "/{candidate_id}/accept")
    @r.post(PREFIX + "/{candidate_id}/accept.json")
    async def accept_(request: Request, candidate_id: str, chapter: str = Form("ingested", max_length=100),
                      create_entities: bool = Form(False), disputed: bool = Form(False)):
        from chipwatch.review.accept import accept

        def do(root: Path, cid: str) -> dict:
            claim, found = accept(root, cid, chapter, create_entities, disputed)
            return {"done": "accepted", "claim": claim.id, "dataset": str(root), "chapter": chapter,
                    "disagrees_with": [d.describe() for d in found]}
        return await act(request, candidate_id, do)

    @r.post(PREFIX + "/{candidate_id}/reject")
    @r.post(PREFIX + "/{candidate_id}/reject.json")
    async def reject_(request: Request, candidate_id: str, reason: str = Form("", max_length=2000)):
        from chipwatch.review.accept import reject

        def do(root: Path, cid: str) -> dict:
            reject(root, cid, reason.strip() or None)
            return {"done": "rejected", "candidate": cid}
        return await act(request, candidate_id, do)

    @r.post(PREFIX + "/{candidate_id}/edit")
    @r.post(PREFIX + "/{candidate_id}/edit.json")
    async def edit_(request: Request, candidate_id: str):
        from chipwatch.review.accept import edit
        from chipwatch.review.show import parse_value

        form = await request.form()
        changes = {k: str(form[k]).strip() for k in FIELDS if k in form and str(form[k]).strip()}
        if "value" in changes:
            changes["value"] = parse_value(changes["value"])

        def do(root: Path, cid: str) -> dict:
            if not changes:
                raise ChipwatchError(f"edit {cid}: give at least one of {', '.join(FIELDS)}")
            c = edit(root, cid, changes)
            return {"done": "edited", "candidate": c.to_dict()}
        return await act(request, candidate_id, do)

    return r
