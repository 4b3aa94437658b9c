"""Request bodies bounded while they are read, before any route (or the token check)
parses them. A Content-Length over the path's limit is refused before a byte of the body
is read; a body sent without one (chunked) is counted as the route reads it and refused
at the first byte over. A write is refused before its body is read unless it carries
`Authorization: Bearer <token>`. A client that stops sending its body is timed out."""

from __future__ import annotations

import asyncio
import json
import secrets

from fastapi import HTTPException

MB = 2**20
LIMITS = (  # path prefix -> bytes a request body may have (the first prefix that fits)
    ("/api/lists/", 256 * MB),  # a list upload (behind --allow-write)
    ("/api/screen/csv", 3 * MB),  # a 2 MB CSV and its multipart wrapping
    ("/screen", 3 * MB),
    ("/match/", 2 * MB),
    ("/", 1 * MB),
)
WRITES = "/api/lists/"  # the paths that need the token
BODY_IDLE = 20.0  # seconds a client may pause between two parts of its body


def limit_for(path: str) -> int:
    return next(n for prefix, n in LIMITS if path.startswith(prefix))


def authorized(header: str | None, token: str | None) -> bool:
    """`Authorization: Bearer <token>` exactly (the scheme in any case, as RFC 7235 has it)."""
    scheme, _, given = (header or "").partition(" ")
    return bool(token) and scheme.lower() == "bearer" and secrets.compare_digest(given.encode(), token.encode())


UNAUTHORIZED = ("a write needs the token given to `chipwatch serve --allow-write`: "
                "send it as 'Authorization: Bearer TOKEN'")


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int):
        super().__init__(413, f"the request body is larger than the {limit // MB} MB this address takes")


class BodyTimeout(HTTPException):
    def __init__(self):
        super().__init__(408, f"the request body stopped for more than {BODY_IDLE:.0f} s; send it again")


def content_length(headers: dict[bytes, bytes]) -> int | None:
    """The announced length; -1 for one that is not a number."""
    raw = headers.get(b"content-length")
    if raw is None:
        return None
    return int(raw) if raw.strip().isdigit() else -1


class BodyLimit:
    """ASGI middleware: 413 for a body over its path's limit, 401 for a write without the
    token (`token` is None when writes are off: there is no write route then), 408 for a
    body that stalls; the body itself streams through to the route."""

    def __init__(self, app, token: str | None = None, idle: float = BODY_IDLE):
        self.app, self.token, self.idle = app, token, idle

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope["path"])
        headers = dict(scope.get("headers") or [])
        length = content_length(headers)
        if length is not None and not 0 <= length <= limit:
            await refuse(send, BodyTooLarge(limit))
            return
        if self.token and scope["path"].startswith(WRITES) and \
                not authorized(headers.get(b"authorization", b"").decode("latin-1"), self.token):
            await refuse(send, HTTPException(401, UNAUTHORIZED), [(b"www-authenticate", b"Bearer")])
            return
        seen, done, started = 0, False, False

        async def counted():
            nonlocal seen, done
            if done:
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.idle)
            except TimeoutError:
                raise BodyTimeout() from None
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                done = not message.get("more_body")
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

        async def watched(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except (BodyTooLarge, BodyTimeout) as exc:  # raised where no handler turned it into a response
            if started:
                raise
            await refuse(send, exc)


async def refuse(send, exc: HTTPException, headers: list[tuple[bytes, bytes]] = ()) -> None:
    """A one-line JSON error, `{"detail": ...}` as FastAPI and yente write them."""
    body = json.dumps({"detail": exc.detail}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": exc.status_code,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close"), *headers]})
    await send({"type": "http.response.body", "body": body})
