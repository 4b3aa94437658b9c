"""One writer at a time: an OS lock (flock) on a file beside the store, `.<db>.lock`,
which exists only while a writer holds or waits for it.

Every writer (build, imports) holds it from its first read of the store to the rename of
its new copy, so two writers never start from the same store and lose one another's rows.
A second writer waits, saying so on stderr, or with `--no-wait` fails at once. Readers
never take it. Under the lock, temp stores left by writers that died are removed.
"""

from __future__ import annotations

import fcntl
import glob
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from chipwatch.errors import ChipwatchError

_held = threading.local()  # the stores this thread holds, so nested writers do not deadlock
_wait = True


def set_wait(wait: bool) -> None:
    """False: a writer that finds the store locked fails at once (`--no-wait`) instead of waiting."""
    global _wait
    _wait = wait


def lock_path(db: Path) -> Path:
    return db.with_name(f".{db.name}.lock")


def _temp_prefix(db: Path) -> str:
    return f".{db.name}.building-"


def temp_path(db: Path) -> Path:
    """Where this process builds its new copy of the store (DuckDB adds `.wal` beside it)."""
    return db.with_name(f"{_temp_prefix(db)}{os.getpid()}")


@contextmanager
def writing(db: str | Path) -> Iterator[None]:
    """Hold the store's write lock for the block (re-entrant within a thread); temp files of
    dead writers are removed once it is taken."""
    db = Path(db)
    key = os.path.abspath(db)
    held: set[str] = _held.__dict__.setdefault("dbs", set())
    if key in held:
        yield
        return
    fd = _acquire(db)
    held.add(key)
    try:
        remove_stale(db)
        yield
    finally:
        held.discard(key)
        _release(fd, lock_path(db))


def _acquire(db: Path) -> int:
    """Lock `.<db>.lock`, retrying if the file was removed by the writer before (its
    release unlinks it while still holding it, so no lock file outlives a write)."""
    path, said = lock_path(db), False
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise ChipwatchError(f"{path}: cannot open the store's lock file ({exc.strerror}); "
                                 f"the folder must be writable to change {db.name}") from None
        try:
            said = _take(fd, db, said) or said
            if _same_file(fd, path):
                os.ftruncate(fd, 0)  # a writer killed before its release left its pid here
                os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)  # for the message of the next writer
                return fd
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except FileNotFoundError:
        return False


def _take(fd: int, db: Path, said: bool) -> bool:
    """Lock `fd`: at once, or after saying once that this writer waits. True if it said so."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        pid = _holder(fd)
    who = f"another writer (pid {pid})" if pid else "another writer"
    if not _wait:
        raise ChipwatchError(f"{db}: {who} is changing the store; run again when it has finished, "
                             f"or without --no-wait to wait for it")
    if not said:
        print(f"waiting for {who} to finish with {db} …", file=sys.stderr, flush=True)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return True


def _holder(fd: int) -> int | None:
    text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    return int(text) if text.isdigit() else None


def _release(fd: int, path: Path) -> None:
    with suppress(FileNotFoundError):
        path.unlink()  # while still locked: a writer waiting on this file sees it is gone and retries
    os.close(fd)  # closing the last descriptor releases the flock


def remove_stale(db: Path) -> list[Path]:
    """Remove temp stores (and their WALs) of writers that are no longer running. Call only
    with the lock held: then no live writer of this store has a temp file in use."""
    prefix = _temp_prefix(db)
    removed = []
    for found in db.parent.glob(glob.escape(prefix) + "*"):
        pid = found.name[len(prefix):].split(".")[0]
        if pid.isdigit() and int(pid) != os.getpid() and not pid_alive(int(pid)):
            with suppress(FileNotFoundError):
                found.unlink()
                removed.append(found)
    return removed


def pid_alive(pid: int) -> bool:
    """Whether a process runs under this pid (a zombie does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"  # a zombie is dead, only not yet reaped
