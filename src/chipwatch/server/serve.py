"""`chipwatch serve`: uvicorn with limits for clients that are slow or many. uvicorn closes
a keep-alive connection idle for `KEEP_ALIVE` seconds, caps a request head at `MAX_HEAD`
bytes and answers 503 past `MAX_CONNECTIONS`; it does not time out a client that is slow
to send its request head (or sends none), so the protocol below gives each head `HEAD`
seconds from the connection or the previous response. A stalled body is timed out by
server/limits.py."""

from __future__ import annotations

import asyncio

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


def run(app, host: str, port: int) -> None:
    """Serve `app` until interrupted."""
    import uvicorn

    uvicorn.run(app, host=host, port=port, log_level="warning", http=HeadTimeoutProtocol,
                timeout_keep_alive=KEEP_ALIVE, h11_max_incomplete_event_size=MAX_HEAD,
                limit_concurrency=MAX_CONNECTIONS, timeout_graceful_shutdown=GRACE)
