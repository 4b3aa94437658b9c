"""Bounded work per request, as ASGI middleware. Each request has a time budget: past it
the client gets 503 and one line, whatever the route is doing. Work that costs seconds
(scenario runs, screening, matching, analysis, trade) also takes one of a few slots (one
per core), so however many such requests arrive, at most that many compute at once; a
request that waits for a slot past its budget is answered 503 and never computed. A
computation past its budget runs out in its slot (a thread cannot be stopped), its answer
dropped; the caps on its size (draws, names, rows, graph nodes) bound how long that is.
Writes (behind the token) have no budget: a big list takes minutes to import."""

from __future__ import annotations

import asyncio
import logging
import os

from fastapi import HTTPException

from chipwatch.server.limits import WRITES, refuse

log = logging.getLogger("chipwatch.server")
BUDGET = 30.0  # seconds a request may take (CHIPWATCH_REQUEST_BUDGET sets another)


def budget() -> float:
    """The seconds a request may take: $CHIPWATCH_REQUEST_BUDGET, else BUDGET."""
    try:
        return float(os.environ.get("CHIPWATCH_REQUEST_BUDGET") or BUDGET)
    except ValueError:
        return BUDGET
HEAVY = ("/api/scenarios/run", "/scenario", "/api/screen", "/screen", "/match/", "/search/", "/analysis", "/trade",
         "/graph", "/api/chokepoints", "/api/check", "/api/gap", "/api/trace/", "/api/neighbours/")


def heavy(scope) -> bool:
    return scope["path"].startswith(HEAVY)


class Budget:
    """ASGI middleware: a time budget for every request and slots for heavy ones."""

    def __init__(self, app, seconds: float | None = None, slots: int | None = None):
        self.app, self.seconds, self.n = app, seconds or budget(), slots or os.cpu_count() or 2
        self._slots: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None

    def slots(self) -> asyncio.Semaphore:
        """The slots of the running loop (a test client may run the app on another)."""
        loop = asyncio.get_running_loop()
        if self._slots is None or self._slots[0] is not loop:
            self._slots = (loop, asyncio.Semaphore(self.n))
        return self._slots[1]

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["path"].startswith(WRITES):  # a write (with the token) takes its time
            await self.app(scope, receive, send)
            return
        state = {"started": False, "late": False}

        async def guarded(message):
            if state["late"]:
                return  # answered already: the late route's response goes nowhere
            state["started"] = state["started"] or message["type"] == "http.response.start"
            await send(message)

        task = asyncio.ensure_future(self._run(scope, receive, guarded, state))
        try:
            done, _ = await asyncio.wait({task}, timeout=self.seconds)
        except asyncio.CancelledError:  # the server is stopping: so is the route
            task.cancel()
            raise
        if task in done or state["started"]:
            await task  # an answer (or a response already streaming) is the route's
            return
        state["late"] = True
        task.add_done_callback(_forget)
        await refuse(send, HTTPException(503, f"the answer took more than {self.seconds:g} s: ask for less "
                                              "(fewer draws, names or rows) or try again when the server is less busy"),
                     [(b"retry-after", b"30")])

    async def _run(self, scope, receive, send, state: dict) -> None:
        if not heavy(scope):
            await self.app(scope, receive, send)
            return
        async with self.slots():
            if not state["late"]:  # nobody waits for it any more: not computed
                await self.app(scope, receive, send)


def _forget(task: asyncio.Task) -> None:
    """The result of a request answered 503: logged if it failed, else dropped."""
    if not task.cancelled() and task.exception() is not None:
        log.warning("a request past its budget failed: %r", task.exception())
