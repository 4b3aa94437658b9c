"""Python's cycle collector paused for work that makes millions of short-lived objects and no
reference cycles (building a store, screening a batch): each full collection walks every
object alive, the loaded indexes included, and refcounting frees the rest anyway."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def no_gc() -> Iterator[None]:
    """The collector off inside the block, and as it was after it (also on an error)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
