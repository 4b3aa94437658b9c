"""What the server holds: the store path, its current generation (one read-only connection
per worker thread) and a cache of rendered responses. `build` and every import replace the
store file by a rename; between requests the server notices (a stat: inode, size, mtime)
and switches to the new file. Each request is pinned to the generation it started on, so
in-flight requests finish on the old store, whose connections close when the last ends."""

from __future__ import annotations

import contextvars
import logging
import os
import threading
from pathlib import Path

import duckdb

from chipwatch.api import Chipwatch
from chipwatch.errors import ChipwatchError
from chipwatch.server.cache import ByteLRU
from chipwatch.store import Store, default_db_path
from chipwatch.store.lock import pid_alive

log = logging.getLogger("chipwatch.server")
CURRENT: contextvars.ContextVar[Generation] = contextvars.ContextVar("chipwatch_generation")
CACHE_BYTES = 64 * 2**20


def file_key(path: Path) -> tuple[int, int, int, int] | None:
    """What changes when the file is replaced or rewritten (None: no file)."""
    try:
        s = path.stat()
    except OSError:
        return None
    return s.st_dev, s.st_ino, s.st_size, s.st_mtime_ns




class Generation:
    """One version of the store file, with a connection per thread that reads it. DuckDB
    keeps one database per path in a process, so a later version is opened through a hard
    link of its own (`.<store>.serving-<pid>-<n>`, removed when the version is closed)."""

    def __init__(self, db: Path, number: int, key: tuple | None):
        self.db, self.number, self.key = db, number, key
        self.link = self._link() if number else None
        self.inflight, self.retired = 0, False
        self._local = threading.local()
        self._opened: list[Chipwatch] = []
        self._lock = threading.Lock()

    def _link(self) -> Path | None:
        link = self.db.with_name(f".{self.db.name}.serving-{os.getpid()}-{self.number}")
        try:
            link.unlink(missing_ok=True)
            os.link(self.db, link)
        except OSError as exc:  # no hard links here: the path (DuckDB may keep the old file open)
            log.warning("cannot link %s (%s): the store may switch only when the old connections close", link, exc)
            return None
        return link

    def cw(self) -> Chipwatch:
        """This thread's connection (DuckDB connections are not shared between threads)."""
        got = getattr(self._local, "cw", None)
        if got is None:
            got = self._local.cw = Chipwatch(self.link or self.db)
            with self._lock:
                self._opened.append(got)
        return got

    def close(self) -> None:
        with self._lock:
            for cw in self._opened:
                cw.close()
            self._opened.clear()
        if self.link is not None:
            self.link.unlink(missing_ok=True)


def remove_stale_links(db: Path) -> None:
    """Links left by a server that was killed (its pid is gone)."""
    for link in db.parent.glob(f".{db.name}.serving-*-*"):
        pid = link.name.rsplit("-", 2)[-2]
        if pid.isdigit() and not pid_alive(int(pid)):
            link.unlink(missing_ok=True)


class State:
    def __init__(self, db: str | Path | None, allow_write: bool = False, token: str | None = None,
                 cache_bytes: int = CACHE_BYTES):
        self.db = default_db_path(db)
        Store(self.db).close()  # a clear error now rather than at the first request
        remove_stale_links(self.db)
        self.allow_write, self.token = allow_write, token
        self.cache = ByteLRU(cache_bytes)
        self._lock = threading.Lock()  # the generations: held briefly
        self.current = Generation(self.db, 0, file_key(self.db))
        self._refused: tuple | None = None  # a replacement that could not be opened

    @property
    def generation(self) -> int:
        return self.current.number

    @property
    def cw(self) -> Chipwatch:
        """The connection of this request's generation (the current one outside a request)."""
        return CURRENT.get(self.current).cw()

    def refresh(self) -> None:
        """Switch to the store file if it was replaced (cheap when it was not)."""
        key = file_key(self.db)
        if key is None or key == self.current.key or key == self._refused:
            return
        with self._lock:
            if key == self.current.key:
                return
            old = self.current
            new = Generation(self.db, old.number + 1, key)
            try:
                new.cw()  # a store that cannot be read is refused here, and the old one kept
            except (ChipwatchError, duckdb.Error) as exc:
                log.warning("the store was replaced by one that cannot be read; still serving the old: %s", exc)
                new.close()
                self._refused = key
                return
            self.current, old.retired = new, True
            self.cache.clear()
            idle = old.inflight == 0
        if idle:
            old.close()

    def enter(self) -> Generation:
        """A request starts: pin it to the current generation."""
        self.refresh()
        with self._lock:
            gen = self.current
            gen.inflight += 1
        return gen

    def leave(self, gen: Generation) -> None:
        with self._lock:
            gen.inflight -= 1
            idle = gen.retired and gen.inflight == 0
        if idle:
            gen.close()

    def close(self) -> None:
        """At shutdown: close the connections now, or when the requests still running end."""
        with self._lock:
            gen = self.current
            gen.retired = True
            idle = gen.inflight == 0
        if idle:
            gen.close()


class PinStore:
    """ASGI middleware: each request reads one generation of the store, start to end."""

    def __init__(self, app, state: State):
        self.app, self.state = app, state

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        gen = self.state.enter()
        token = CURRENT.set(gen)
        try:
            await self.app(scope, receive, send)
        finally:
            CURRENT.reset(token)
            self.state.leave(gen)
