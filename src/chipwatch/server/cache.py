"""A cache of whole GET responses, as ASGI middleware. The store is read-only while the
server runs, so a page, its JSON twin or an API answer for one URL does not change (a
write through --allow-write clears it); a hit costs no query and no rendering."""

from __future__ import annotations

from chipwatch.server.state import State

MAX_BODY = 2 * 2**20  # bytes: bigger responses are not kept


class ResponseCache:
    def __init__(self, app, state: State):
        self.app, self.state = app, state

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        key = scope["path"] + "?" + scope.get("query_string", b"").decode("latin-1")
        hit = self.state.cached(key)
        if hit is not None:
            status, body, ctype = hit
            await send({"type": "http.response.start", "status": status,
                        "headers": [(b"content-type", ctype.encode()), (b"content-length", str(len(body)).encode()),
                                    (b"x-chipwatch-cache", b"hit")]})
            await send({"type": "http.response.body", "body": body})
            return
        started: dict = {}
        parts: list[bytes] = []
        generation = self.state.generation

        async def keep(message):
            if message["type"] == "http.response.start":
                started.update(message)
            elif message["type"] == "http.response.body" and started.get("status") == 200:
                parts.append(message.get("body", b""))
                if not message.get("more_body") and self.state.generation == generation:
                    body = b"".join(parts)
                    headers = dict(started.get("headers", []))
                    ctype = headers.get(b"content-type", b"application/octet-stream").decode()
                    if len(body) <= MAX_BODY and not scope["path"].startswith("/static"):
                        self.state.remember(key, (200, body, ctype))
            await send(message)

        await self.app(scope, receive, keep)
