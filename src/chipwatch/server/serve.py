"""`chipwatch serve`: uvicorn with limits for clients that are slow or many. uvicorn closes
a keep-alive connection idle for `KEEP_ALIVE` seconds, caps a request head at `MAX_HEAD`
bytes and answers 503 past `MAX_CONNECTIONS`; it does not time out a client that is slow
to send its request head (or sends none), so the protocol below gives each head `HEAD`
seconds from the connection or the previous response. A stalled body is timed out by
server/limits.py."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from uvicorn.protocols.http.h11_impl import H11Protocol

HEAD = 10.0  # seconds to send a request's head
KEEP_ALIVE = 5  # seconds an idle keep-alive connection stays open
MAX_HEAD = 16 * 1024  # bytes of a request line and headers
MAX_CONNECTIONS = 500  # connections and requests in progress; past it, 503
GRACE = 10  # seconds requests in progress get at shutdown


class HeadTimeoutProtocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for each request head."""

    head_timeout = HEAD
    _head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._await_head()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._await_head()

    def connection_lost(self, exc) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
        super().connection_lost(exc)

    def _await_head(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
        self._head_timer = self.loop.call_later(self.head_timeout, self._head_late)

    def _head_late(self) -> None:
        waiting = self.cycle is None or self.cycle.response_complete  # no request in progress
        if waiting and not self.transport.is_closing():
            self.transport.close()


ENV = ("CHIPWATCH_DB", "CHIPWATCH_ALLOW_WRITE", "CHIPWATCH_TOKEN", "CHIPWATCH_WORKERS")  # what worker processes are told


def run(app, host: str, port: int, workers: int = 1, db: Path | None = None, allow_write: bool = False,
        token: str | None = None) -> None:
    """Serve `app` until interrupted; with `workers` > 1, that many processes (each makes its
    own app on the store `db`, read-only connections to one file) share the socket."""
    import uvicorn

    kw = dict(host=host, port=port, log_level="warning", http=HeadTimeoutProtocol, timeout_keep_alive=KEEP_ALIVE,
              h11_max_incomplete_event_size=MAX_HEAD, limit_concurrency=MAX_CONNECTIONS,
              timeout_graceful_shutdown=GRACE)
    if workers <= 1:
        uvicorn.run(app, **kw)
        return
    app.state.chipwatch.close()  # this process only watches the workers
    os.environ.update(zip(ENV, (str(db), "1" if allow_write else "", token or "", str(workers)), strict=True))
    uvicorn.run("chipwatch.server.serve:worker_app", factory=True, workers=workers, **kw)


def worker_app():
    """The app of one worker process, made from what `run` put in its environment; each
    worker gets its share of the machine's slots for heavy requests."""
    from chipwatch.server import create_app

    db, allow_write, token, workers = (os.environ.get(k, "") for k in ENV)
    slots = max(1, (os.cpu_count() or 2) // int(workers or 1))
    return create_app(db or None, bool(allow_write), token or None, slots=slots)
