"""User-facing errors: one clear line, no traceback."""

from __future__ import annotations

import re

MAX_LINE = 300  # characters in one error line, whatever the input quoted in it


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")  # shown as U+FFFD: a terminal would act on them


def _flat(text: object) -> str:
    return _CONTROL.sub("\ufffd", " ".join(str(text).split()))


def one_line(text: str, limit: int = MAX_LINE) -> str:
    """`text` on one line of at most `limit` characters: runs of white space (newlines too)
    become one space; a longer text keeps its start (file:line) and its end (what would be
    right) around '…'."""
    flat = _flat(text)
    if len(flat) <= limit:
        return flat
    head = (limit - 1) * 2 // 3
    return flat[:head] + "…" + flat[len(flat) - (limit - 1 - head):]


def excerpt(value: object, limit: int = 40) -> str:
    """A piece of the input for a message: one line, cut to `limit` characters with '…'."""
    flat = _flat(value)
    return flat if len(flat) <= limit else flat[:limit - 1] + "…"


def first_line(exc: BaseException, limit: int = 120) -> str:
    """The first non-empty line of an exception's message, or its type's name if it has none."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return excerpt(lines[0], limit) if lines else type(exc).__name__


class ChipwatchError(Exception):
    """A mistake in the user's input (file, option, data). The CLI prints it on one line:
    the message is kept to one line of at most MAX_LINE characters."""

    def __init__(self, message: object = "", *args: object):
        super().__init__(one_line(str(message)), *args)


class BuildError(ChipwatchError):
    """Datasets (or an import) have problems; nothing was written. `problems` lists them."""

    def __init__(self, problems: list):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the dataset; the store was not changed")
