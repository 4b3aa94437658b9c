"""Errors raised through the Python API name the API, not the CLI: the library's messages
say `--target KZ` and `chipwatch lists import`, which a Python caller never typed, so the
API says `target=KZ` and `cw.lists.import_(...)` instead, after the method's name."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from chipwatch.errors import ChipwatchError, one_line

_FLAG = re.compile(r"--([a-z][a-z0-9-]*)( ?)")
_IMPORT = re.compile(r"`?chipwatch (lists|trade) import (\S+?)(?: (?:PATH|FILE))?`?(?=[ ;:,)]|$)")
_SEARCH = re.compile(r"`chipwatch search ([^`]*)`")
_FIXED = {"`chipwatch lists`": "cw.lists.versions()", "(or pass --db PATH)": "(or give chipwatch.open the store's path)"}


def api_message(message: str, where: str = "", renames: dict[str, str] | None = None) -> str:
    """`message` with CLI flags as parameters (`--from EU` -> `origin=EU` given renames
    {"from": "origin"}) and CLI commands as calls, after `where`."""
    text = message
    for cli, api in _FIXED.items():
        text = text.replace(cli, api)
    text = _IMPORT.sub(lambda m: f"cw.{m[1]}.import_({m[2]!r}, path)", text)
    text = _SEARCH.sub(lambda m: f"cw.search({m[1]!r})", text)
    renames = renames or {}

    def flag(m: re.Match) -> str:
        name = renames.get(m[1], m[1].replace("-", "_"))
        return f"{name}=" if m[2] else name

    text = _FLAG.sub(flag, text)
    if where and not text.startswith(where):
        text = f"{where}: {text}"
    return one_line(text)


@contextmanager
def api_errors(where: str, renames: dict[str, str] | None = None) -> Iterator[None]:
    """Re-raise a ChipwatchError from the block with its message in the API's terms."""
    try:
        yield
    except ChipwatchError as exc:
        exc.args = (api_message(str(exc), where, renames), *exc.args[1:])
        raise
