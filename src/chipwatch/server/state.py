"""What the server holds: the store path, one read-only connection per worker thread, and
a cache of rendered responses (the store is read-only, so a response for a URL stays right
until a write through --allow-write, which clears it). Screening reads the store's name
indexes in place: nothing to build or warm at start-up."""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path

from chipwatch.api import Chipwatch
from chipwatch.store import Store, default_db_path


class State:
    def __init__(self, db: str | Path | None, allow_write: bool = False, token: str | None = None):
        self.db = default_db_path(db)
        Store(self.db).close()  # a clear error now rather than at the first request
        self.allow_write, self.token = allow_write, token
        self.generation = 0
        self._local = threading.local()
        self._lock = threading.Lock()  # the cache, the connections, the generation: held briefly
        self._opened: list[Chipwatch] = []
        self.cache: OrderedDict[str, tuple[int, bytes, str]] = OrderedDict()
        self.cache_size = 2048

    @property
    def cw(self) -> Chipwatch:
        """This thread's connection (DuckDB connections are not shared between threads)."""
        got = getattr(self._local, "cw", None)
        if got is None or self._local.generation != self.generation:
            if got is not None:
                got.close()
            got = self._local.cw = Chipwatch(self.db)
            self._local.generation = self.generation
            with self._lock:
                self._opened.append(got)
        return got

    def changed(self) -> None:
        """The store file was replaced: reopen connections, drop cached pages."""
        with self._lock:
            self.generation += 1
            self.cache.clear()

    def cached(self, key: str) -> tuple[int, bytes, str] | None:
        with self._lock:
            hit = self.cache.get(key)
            if hit is not None:
                self.cache.move_to_end(key)
            return hit

    def remember(self, key: str, value: tuple[int, bytes, str]) -> None:
        with self._lock:
            self.cache[key] = value
            if len(self.cache) > self.cache_size:
                self.cache.popitem(last=False)

    def close(self) -> None:
        """Close every thread's connection (at shutdown)."""
        with self._lock:
            for cw in self._opened:
                cw.close()
            self._opened.clear()
            self.generation += 1
