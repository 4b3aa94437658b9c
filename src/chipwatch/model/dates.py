"""Partial dates: `2022`, `2022-02`, `2022-02-24`, as the sources give them."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the year, month or day. `start`/`end` give the period it covers."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, text: str | int) -> PartialDate:
        """Parse `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; ValueError says what would be right."""
        return _parse(str(text).strip())

    @property
    def start(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)

    @property
    def end(self) -> date:
        month = self.month or 12
        return date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])

    def __str__(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


@lru_cache(maxsize=65536)
def _parse(s: str) -> PartialDate:
    m = _PATTERN.match(s)
    if not m:
        raise ValueError(f"date {s!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = int(m[1]), m[2] and int(m[2]), m[3] and int(m[3])
    if year < 1:
        raise ValueError(f"date {s!r} has year {year:04d}; years start at 0001")
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"date {s!r} has month {month:02d}; months run 01-12")
    if day is not None:
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            raise ValueError(f"date {s!r} has day {day:02d}; {year}-{month:02d} has days 01-{last}")
    return PartialDate(year, month or None, day or None)


def valid_during(valid_from: str | None, valid_to: str | None, as_of: str | PartialDate) -> bool:
    """True if a claim valid from..to (inclusive, partial) held at some time in `as_of`'s period."""
    period = as_of if isinstance(as_of, PartialDate) else PartialDate.parse(as_of)
    if valid_from and PartialDate.parse(valid_from).start > period.end:
        return False
    if valid_to and PartialDate.parse(valid_to).end < period.start:
        return False
    return True
