"""Birth dates: read from what lists print, kept as ISO text, and compared as a feature.

A birth date is kept as an ISO date (`1965-03-12`), month (`1965-03`), year (`1965`) or an
interval of years (`1964/1966`, for "circa 1965" and "1964 to 1966"). Comparing the dates
of a query with those of a list entry gives one outcome, in the spirit of nomenklatura's
logic-v2 (`dob_day_disjoint`, `dob_year_disjoint`):

- `same_day`: a full date on both sides, equal — raises the score;
- `same_year`: the years agree and nothing finer disagrees — raises it a little;
- `within`: a year falls inside the other side's interval — no change;
- `day_differs`: same year, but month or day differ — lowers it;
- `year_differs`: no year of one side is within a year of any of the other's — a veto:
  the score is capped below the match threshold, whatever the names say;
- `unknown`: one side has no date — no change.
"""

from __future__ import annotations

import re
from datetime import date

_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_ONE = r"(?:(\d{1,2}) )?(?:([A-Z][a-z]{2}) )?(\d{4})"
_OFAC = re.compile(rf"\bDOB (circa )?{_ONE}(?:(?: to |-){_ONE})?")
_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_INTERVAL = re.compile(r"^(\d{4})/(\d{4})$")
YEAR_SLACK = 1  # years apart that still count as the same (a birth year is often given a year off)
MAX_INTERVAL = 20  # years: a wider interval says nothing


def _one(day: str | None, month: str | None, year: str) -> str | None:
    if month and month.lower() not in _MONTHS:
        return None
    if not month:
        return year
    m = _MONTHS[month.lower()]
    if not day:
        return f"{year}-{m:02d}"
    try:
        return date(int(year), m, int(day)).isoformat()
    except ValueError:
        return f"{year}-{m:02d}"


def ofac_dates(remarks: str) -> list[str]:
    """Birth dates in OFAC remarks: `DOB 12 Jan 1965`, `DOB 1965`, `DOB circa 1965`,
    `DOB 1958 to 1960`, `alt. DOB Dec 1960`."""
    out: list[str] = []
    for m in _OFAC.finditer(remarks):
        circa, d1, m1, y1, d2, m2, y2 = m.groups()
        first = _one(d1, m1, y1)
        if first is None:
            continue
        if y2:
            if y2 == y1 and _one(d2, m2, y2) == first:
                value = first
            else:
                value = f"{y1}/{y2}" if int(y2) >= int(y1) else f"{y2}/{y1}"
        elif circa:
            value = f"{int(y1) - 1}/{int(y1) + 1}"
        else:
            value = first
        if value not in out:
            out.append(value)
    return out


def normalise(value: str) -> str | None:
    """An ISO date, month, year or year interval from a property value, or None."""
    value = str(value).strip()[:10] if "/" not in str(value) else str(value).strip()
    if (m := _ISO.match(value)) or _INTERVAL.match(value):
        if m and m.group(2):
            try:
                date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
            except ValueError:
                return m.group(1)
        return value
    return None


def _years(value: str) -> tuple[int, int]:
    if m := _INTERVAL.match(value):
        return int(m.group(1)), int(m.group(2))
    return int(value[:4]), int(value[:4])


def compare(query: list[str], entry: list[str]) -> str:
    """The outcome of comparing two sets of birth dates (see the module text)."""
    if not query or not entry:
        return "unknown"
    best = "year_differs"
    order = ("year_differs", "day_differs", "within", "same_year", "same_day")
    for q in query:
        for e in entry:
            (qa, qb), (ea, eb) = _years(q), _years(e)
            if qb - qa > MAX_INTERVAL or eb - ea > MAX_INTERVAL:
                return "unknown"
            if "/" in q or "/" in e:
                outcome = "within" if qa - YEAR_SLACK <= eb and ea - YEAR_SLACK <= qb else "year_differs"
            elif abs(qa - ea) > YEAR_SLACK:
                outcome = "year_differs"
            elif qa != ea:
                outcome = "within"
            elif len(q) == len(e) == 10:
                outcome = "same_day" if q == e else "day_differs"
            elif len(q) >= 7 and len(e) >= 7 and q[:7] != e[:7]:
                outcome = "day_differs"
            else:
                outcome = "same_year"
            if order.index(outcome) > order.index(best):
                best = outcome
    return best
