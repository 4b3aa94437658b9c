"""A cache of whole GET responses, as ASGI middleware, bounded in bytes (least recently
used first out). A response for one URL does not change while the store does not: the key
is the generation of the store, the path and the query parameters in a canonical order;
a new store file empties the cache. A hit costs no query and no rendering. The review pages
(their queue changes without the store, and they are behind the token) are never kept."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode

if TYPE_CHECKING:
    from chipwatch.server.state import State

MAX_BODY = 2 * 2**20  # bytes: bigger responses are not kept
Entry = tuple[int, bytes, str]


class ByteLRU:
    """A least-recently-used map of responses that holds at most `max_bytes` of them."""

    def __init__(self, max_bytes: int):
        self.max_bytes, self.size = max_bytes, 0
        self._items: OrderedDict[tuple, Entry] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    @staticmethod
    def cost(key: tuple, value: Entry) -> int:
        return len(value[1]) + len(value[2]) + sum(len(str(k)) for k in key) + 200  # the tuple and dict overhead

    def get(self, key: tuple) -> Entry | None:
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
            return hit

    def put(self, key: tuple, value: Entry) -> None:
        cost = self.cost(key, value)
        if cost > self.max_bytes:
            return
        with self._lock:
            if key in self._items:
                self.size -= self.cost(key, self._items.pop(key))
            self._items[key] = value
            self.size += cost
            while self.size > self.max_bytes:
                old_key, old = self._items.popitem(last=False)
                self.size -= self.cost(old_key, old)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.size = 0


def cache_key(generation: int, scope) -> tuple:
    """The store's generation, the path and the query (parameters sorted by name, the
    order of a repeated one kept): every part of a GET that changes the answer."""
    query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    return generation, scope["path"], urlencode(sorted(query, key=lambda kv: kv[0]))


class ResponseCache:
    def __init__(self, app, state: State):
        self.app, self.state = app, state

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"].startswith(("/static", "/review")):
            await self.app(scope, receive, send)
            return
        self.state.refresh()
        generation = self.state.generation
        key = cache_key(generation, scope)
        hit = self.state.cache.get(key)
        if hit is not None:
            await replay(send, hit)
            return
        started: dict = {}
        parts: list[bytes] = []

        async def keep(message):
            if message["type"] == "http.response.start":
                started.update(message)
            elif message["type"] == "http.response.body" and started.get("status") == 200:
                parts.append(message.get("body", b""))
                if not message.get("more_body") and self.state.generation == generation:
                    body = b"".join(parts)
                    ctype = dict(started.get("headers", [])).get(b"content-type", b"application/octet-stream").decode()
                    if len(body) <= MAX_BODY:
                        self.state.cache.put(key, (200, body, ctype))
            await send(message)

        await self.app(scope, receive, keep)


async def replay(send, hit: Entry) -> None:
    status, body, ctype = hit
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", ctype.encode()), (b"content-length", str(len(body)).encode()),
                            (b"x-chipwatch-cache", b"hit")]})
    await send({"type": "http.response.body", "body": body})
