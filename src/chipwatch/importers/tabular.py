"""CSV records for the importers (OFAC, BIS, ETO, CHPL): a malformed file — a field over the
csv module's size limit, a NUL byte — is one ChipwatchError line naming the file and line,
never a traceback. Bare carriage returns (old Mac files) end lines like newlines do, and a
short row reads its missing cells as ''."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator

from chipwatch.errors import ChipwatchError

_NEWLINE = re.compile(r"\r\n?")


def text_lines(text: str) -> list[str]:
    """The lines of `text` as the readers below count them (\\n, \\r\\n and \\r end a line)."""
    return _NEWLINE.sub("\n", text).split("\n")


def _why(exc: csv.Error) -> str:
    msg = str(exc)
    if "field larger" in msg:
        return (f"a field longer than {csv.field_size_limit():,} characters — a quote left open, "
                "or not a CSV file? close the quote or save it again as CSV")
    if "NUL" in msg:
        return "a NUL byte — is this a binary file? save it as CSV text"
    return f"malformed CSV ({msg[:80]}); save it again as CSV"


def rows(text: str, where: str, delimiter: str = ",", strict: bool = False,
         why: Callable[[csv.Error, int], str] | None = None) -> Iterator[tuple[int, int, list[str]]]:
    """(first line, last line, fields) of each record of CSV `text`; `where` names it in errors.
    `strict`: the csv module's strict quoting; `why(error, first line of the record)`: the
    error's words, when a caller says it in its own."""
    reader = csv.reader(io.StringIO(_NEWLINE.sub("\n", text)), delimiter=delimiter, strict=strict)
    last = 0
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            said = why(exc, last + 1) if why else _why(exc)
            raise ChipwatchError(f"{where}:{reader.line_num}: {said}") from None
        first, last = last + 1, reader.line_num
        yield first, last, fields


def records(text: str, where: str, delimiter: str = ",") -> tuple[list[str], Iterator[tuple[int, int, dict[str, str]]]]:
    """The header and (first line, last line, row) of each record after it; a row maps each
    header field to its cell, '' when the row is short (cells past the header are dropped)."""
    it = rows(text, where, delimiter)
    header = next(it, (1, 1, []))[2]

    def body() -> Iterator[tuple[int, int, dict[str, str]]]:
        for first, last, fields in it:
            if fields:  # a blank line
                yield first, last, {f: fields[i] if i < len(fields) else "" for i, f in enumerate(header)}

    return header, body()
