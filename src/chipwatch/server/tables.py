"""One table helper for the explorer's tables (claims, lists, list diffs, screening
results): paging (`?page=&per_page=`), sorting (`?sort=&desc=1`), filters (`?q=` for text
anywhere in a row, `?<column>=` for one column's exact value) and downloads
(`?format=csv|json`: every matching row, sorted, not just the page). All GET, so every
view has a URL that can be shared. The page's `.json` twin carries the page of rows and
the paging state; the templates render them with `_table.html`."""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass, field
from urllib.parse import urlencode

from chipwatch.errors import ChipwatchError

PER_PAGE = 50
MAX_PER_PAGE = 1_000
FORMATS = ("csv", "json")
RESERVED = ("page", "per_page", "sort", "desc", "q", "format", "lang")
MAX_CHOICES = 30  # a filter with at most this many distinct values is offered as a list


@dataclass
class Table:
    """Rows (dicts) and the columns a user may see, sort and filter by."""

    name: str  # the download's file name, without extension
    columns: list[str]
    rows: list[dict]
    filters: tuple[str, ...] = ()  # columns with an exact-value filter
    default_sort: str | None = None
    extra: dict = field(default_factory=dict)  # other query parameters the page's links carry on


def cell_text(value) -> str:
    """A cell as text: lists joined with '; ', dicts as JSON, None empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(cell_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def sort_key(value):
    """Empty cells last; numbers by value before text; text case-insensitively."""
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return (2, 0, "")
    if isinstance(value, bool):
        return (0, int(value), "")
    if isinstance(value, (int, float)):
        return (0, value, "")
    return (1, 0, cell_text(value).casefold())


def int_param(params, key: str, default: int, low: int, high: int) -> int:
    raw = params.get(key)
    if raw in (None, ""):
        return default
    try:
        got = int(raw)
    except ValueError:
        raise ChipwatchError(f"{key}={raw!r}: give a whole number from {low} to {high}") from None
    if not low <= got <= high:
        raise ChipwatchError(f"{key}={got}: give a whole number from {low} to {high}")
    return got


def select(table: Table, params) -> tuple[list[dict], dict]:
    """The rows matching `params`' filters, sorted; and the state (filters, sort) used."""
    sort = params.get("sort") or table.default_sort
    if sort and sort not in table.columns:
        raise ChipwatchError(f"sort={sort!r}: sort by one of {', '.join(table.columns)}")
    desc = params.get("desc") in ("1", "true", "yes")
    q = (params.get("q") or "").strip()
    wanted = {c: params.get(c) for c in table.filters if params.get(c) not in (None, "")}
    got = table.rows
    for col, value in wanted.items():
        folded = value.casefold()
        got = [r for r in got if any(cell_text(v).casefold() == folded
                                     for v in (r.get(col) if isinstance(r.get(col), (list, tuple)) else [r.get(col)]))]
    if q:
        needle = q.casefold()
        got = [r for r in got if any(needle in cell_text(r.get(c)).casefold() for c in table.columns)]
    if sort:
        got = sorted(got, key=lambda r: sort_key(r.get(sort)), reverse=desc)
        if desc:  # empty cells stay last either way
            got = [r for r in got if sort_key(r.get(sort))[0] != 2] + [r for r in got if sort_key(r.get(sort))[0] == 2]
    return got, {"sort": sort, "desc": desc, "q": q, "filters": wanted}


def page(table: Table, params) -> dict:
    """A page of `table` as JSON-able data: its rows, the paging and sorting state and the
    query strings of the links a page shows (other pages, each column's sort, downloads)."""
    matching, state = select(table, params)
    per_page = int_param(params, "per_page", PER_PAGE, 1, MAX_PER_PAGE)
    pages = max(1, math.ceil(len(matching) / per_page))
    number = int_param(params, "page", 1, 1, 10**9)
    if number > pages:
        raise ChipwatchError(f"page={number}: there are {pages} pages of {per_page} rows")
    first = (number - 1) * per_page
    keep = {**table.extra, **state["filters"], "q": state["q"],
            "per_page": per_page if per_page != PER_PAGE else None}
    base = {k: v for k, v in keep.items() if v not in (None, "")}
    lang = params.get("lang")
    if lang and lang != "en":
        base["lang"] = lang
    sorted_by = {"sort": state["sort"], "desc": "1" if state["desc"] else None}

    def query(**kw) -> str:
        merged = {k: v for k, v in {**base, **sorted_by, **kw}.items() if v not in (None, "")}
        return "?" + urlencode(merged, doseq=True) if merged else ""

    return {
        "choices": choices(table),
        "name": table.name, "columns": table.columns, "rows": matching[first:first + per_page],
        "total": len(table.rows), "matching": len(matching), "page": number, "pages": pages, "per_page": per_page,
        "first": first + 1 if matching else 0, "last": min(first + per_page, len(matching)),
        "sort": state["sort"], "desc": state["desc"], "q": state["q"], "filters": state["filters"],
        "filterable": list(table.filters), "hidden": {k: v for k, v in base.items() if k not in ("q", *table.filters)},
        "links": {
            "previous": query(page=number - 1 if number > 2 else None) if number > 1 else None,
            "next": query(page=number + 1) if number < pages else None,
            "sort": {c: query(sort=c, desc="1" if state["sort"] == c and not state["desc"] else None, page=None)
                     for c in table.columns},
            "csv": query(format="csv"), "json": query(format="json"),
        },
    }


def choices(table: Table) -> dict[str, list[str]]:
    """The distinct values of each filter column that has few (list cells counted by item)."""
    out = {}
    for col in table.filters:
        seen: dict[str, str] = {}  # the filter ignores case, so one spelling per value (the first met)
        for r in table.rows:
            for v in (r.get(col) if isinstance(r.get(col), (list, tuple)) else [r.get(col)]):
                if cell_text(v):
                    seen.setdefault(cell_text(v).casefold(), cell_text(v))
        if len(seen) <= MAX_CHOICES:
            out[col] = sorted(seen.values(), key=str.casefold)
    return out


def download(table: Table, params, fmt: str) -> tuple[str, str, str]:
    """Every row matching `params`, sorted, as (body, media type, file name)."""
    if fmt not in FORMATS:
        raise ChipwatchError(f"format={fmt!r}: use one of {', '.join(FORMATS)}")
    matching, _ = select(table, params)
    if fmt == "json":
        body = json.dumps([{c: r.get(c) for c in table.columns} for r in matching], ensure_ascii=False, default=str)
        return body, "application/json", f"{table.name}.json"
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(table.columns)
    for r in matching:
        w.writerow([cell_text(r.get(c)) for c in table.columns])
    return out.getvalue(), "text/csv; charset=utf-8", f"{table.name}.csv"
