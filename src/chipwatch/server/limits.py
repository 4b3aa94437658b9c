"""Request bodies bounded while they are read, before any route (or the token check)
parses them: a client that announces (Content-Length) or sends more than its address takes
gets 413 and one line, and the rest of its body is never read."""

from __future__ import annotations

import json

MB = 2**20
LIMITS = (  # path prefix -> bytes a request body may have (the first prefix that fits)
    ("/api/lists/", 256 * MB),  # a list upload (behind --allow-write)
    ("/api/screen/csv", 3 * MB),  # a 2 MB CSV and its multipart wrapping
    ("/screen", 3 * MB),
    ("/match/", 2 * MB),
    ("/", 1 * MB),
)


def limit_for(path: str) -> int:
    return next(n for prefix, n in LIMITS if path.startswith(prefix))


class BodyLimit:
    """ASGI middleware: 413 for a body over its path's limit. The body is read here (to the
    limit, no further) and handed on whole, so no route ever sees part of one."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope["path"])
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await _refuse(send, limit)
            return
        chunks, seen = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            seen += len(message.get("body", b""))
            if seen > limit:
                await _refuse(send, limit)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        sent = False

        async def replay():
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _refuse(send, limit: int) -> None:
    body = json.dumps({"detail": f"the request body is larger than the {limit // MB} MB this address takes"}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
