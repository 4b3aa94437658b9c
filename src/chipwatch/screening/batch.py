"""Batch screening input and output: a CSV of parties (any encoding the lists accept, any
newline style), one query per row; results as rows for CSV/JSON.

Columns: the name column (`name`, or the one chosen), and optionally `id`, `schema`,
`country`, `inn`, `ogrn`, `birth_date`, and a person's parts `first_name`, `middle_name`,
`father_name`, `last_name` (combined into full names in both orders). A malformed file
(a field over the size limit, a quote that never closes, a name too long to be one) is
one clear line: which file, which line, what is wrong.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from chipwatch.errors import ChipwatchError
from chipwatch.importers import tabular
from chipwatch.screening.dates import normalise as normalise_date
from chipwatch.screening.lists.text import country_code, read_text
from chipwatch.screening.matcher import Query, person_names

MAX_ROWS = 1_000_000
MAX_FIELD = 4096  # characters in one cell: far more than any name, far less than a file glued into one cell
MAX_NAME = 1000  # characters in a name
PARTS = ("first_name", "middle_name", "father_name", "last_name")


def name_queries(names: list[str], schema: str | None = None, countries: list[str] | None = None,
                 birth_dates: list[str] | None = None) -> dict[str, Query]:
    """One query per name, keyed 1, 2, … in order."""
    for n in names:
        if len(n) > MAX_NAME:
            raise ChipwatchError(f"a name of {len(n):,} characters: the longest a screening takes is {MAX_NAME:,}")
    return {str(i): Query([n], schema=schema, countries=countries, birth_dates=birth_dates) for i, n in enumerate(names, 1)}


def read_queries(path: Path, column: str = "name") -> dict[str, Query]:
    """Queries keyed by the row's `id` column, or by its line number."""
    return parse_queries(read_text(Path(path)), str(path), column)


def _rows(text: str, where: str):
    """The CSV's rows as (line number, fields), in any newline style, with the header's delimiter."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    delimiter = _delimiter(text[:text.find("\n") if "\n" in text else 4096][:4096])
    for start, end, row in tabular.rows(text, where, delimiter, strict=True, why=_why):
        for cell in row:
            if len(cell) > MAX_FIELD:
                raise ChipwatchError(f"{where}:{start}: a field of {len(cell):,} characters (more than {MAX_FIELD:,}); "
                                     f"is a quote left open, or is this not a CSV of names?")
        if end > start and any("\n" in cell for cell in row):
            raise ChipwatchError(f"{where}:{start}: a quoted field runs over lines {start}-{end} "
                                 f"(a quote left open?); put each party on one line")
        yield start, row


def _why(exc: csv.Error, first: int) -> str:
    msg = str(exc)
    if "field larger" in msg:
        msg = f"a field longer than {MAX_FIELD:,} characters"
    elif "end of data" in msg or "EOF" in msg:
        msg = f"a quote opened on line {first} never closes"
    return f"malformed CSV ({msg}); save it again as CSV with one party per line"


def _delimiter(header: str) -> str:
    """The header's delimiter: the most frequent of comma, semicolon and tab (comma on a tie).
    Not csv.Sniffer: it takes an apostrophe opening a name ('ABD AL-RAHMAN) for a quote, and
    its patterns take minutes on some lines."""
    return max(",;\t", key=lambda d: (header.count(d), d == ","))


def parse_queries(text: str, where: str, column: str = "name", max_rows: int = MAX_ROWS) -> dict[str, Query]:
    """Queries from CSV text (`where` names it in errors), at most `max_rows`. The csv
    module's own field limit (128 KB) stays as it is (changing it would change it for every
    thread); a cell over MAX_FIELD is refused as it is read."""
    return _parse(text, where, column, max_rows)


def _parse(text: str, where: str, column: str, max_rows: int) -> dict[str, Query]:
    rows = _rows(text, where)
    header_line = next(rows, None)
    if header_line is None:
        raise ChipwatchError(f"{where}: the file is empty")
    fields = [f.strip().lstrip("\ufeff").lower() for f in header_line[1]]
    col = column.strip().lower()
    has_parts = any(p in fields for p in PARTS)
    if col not in fields and not (has_parts and column == "name"):
        raise ChipwatchError(f"{where}:1: no column '{column}'; the header has: {', '.join(header_line[1])} "
                             f"(choose one with --column)")
    out: dict[str, Query] = {}
    for line, values in rows:
        if len(out) >= max_rows:
            raise ChipwatchError(f"{where}: more than {max_rows:,} rows; split the file")
        row = {f: (values[i].strip() if i < len(values) else "") for i, f in enumerate(fields)}
        names = [row[col]] if row.get(col) else []
        parts = {p: [row[p]] if row.get(p) else [] for p in PARTS}
        if any(parts.values()):
            names += person_names(parts["first_name"], parts["last_name"], parts["middle_name"], parts["father_name"])
        if not names:
            continue
        for n in names:
            if len(n) > MAX_NAME:
                raise ChipwatchError(f"{where}:{line}: a name of {len(n):,} characters; the longest a screening takes "
                                     f"is {MAX_NAME:,}")
        qid = row.get("id") or str(line)
        country = country_code(row.get("country") or "")
        ids = {k: [row[k]] for k in ("inn", "ogrn") if row.get(k)}
        birth = row.get("birth_date") or ""
        dob = normalise_date(birth) if birth else None
        if birth and dob is None:
            raise ChipwatchError(f"{where}:{line}: birth_date '{birth[:40]}' is not a date; write 1965, 1965-03 or 1965-03-12")
        schema = row.get("schema") or ("Person" if any(parts.values()) else None)
        out[qid] = Query(names=names, schema=schema, countries=[country] if country else None, identifiers=ids or None,
                         birth_dates=[dob] if dob else None)
    if not out:
        raise ChipwatchError(f"{where}: no names in column '{column}'")
    return out


def chain_text(chain: list[list[dict]]) -> str:
    """Ownership paths as one line each: listed party (its entry) -> share, dates -> … -> party."""
    out = []
    for path in chain:
        parts = []
        for i, step in enumerate(path):
            if i == 0:
                entry = step.get("owner_entry")
                listed = f" [{entry['version']} {entry['list_id']}: {', '.join(entry['programs'])}]" if entry else ""
                parts.append(f"{step.get('owner_name') or step['owner']}{listed}")
            share = f"{step['share_pct']:g} %" if step.get("share_pct") is not None else "share unknown"
            when = ", ".join(x for x in (f"from {step['start']}" if step.get("start") else "",
                                         f"until {step['end']}" if step.get("end") else "") if x)
            parts.append(f"-({share}{', ' + when if when else ''})-> {step.get('asset_name') or step['asset']}")
        out.append(" ".join(parts))
    return "; ".join(out)


def hit_rows(queries: dict[str, Query], results) -> list[dict]:
    """One row per hit (and one empty row for a query without hits)."""
    hits_of = results.hits if hasattr(results, "hits") else results
    rows = []
    for qid, query in queries.items():
        hits = hits_of.get(qid, [])
        base = {"query_id": qid, "query": query.names[0] if query.names else ""}
        if not hits:
            rows.append({**base, "list": None, "list_version": None, "list_date": None, "list_id": None, "name": None,
                         "score": 0.0, "reason": None, "review": "", "entity": None, "programs": "", "chain": "",
                         "explanation": ""})
        for h in hits:
            rows.append({**base, "list": h.list, "list_version": h.version, "list_date": h.list_date, "list_id": h.list_id,
                         "name": h.name, "score": h.score, "reason": h.reason, "review": "; ".join(h.review),
                         "entity": h.entity, "programs": "; ".join(h.programs), "chain": chain_text(h.chain),
                         "explanation": h.explanation.get("summary") or json.dumps(h.explanation, ensure_ascii=False)[:500]})
    return rows


def write_rows(rows: list[dict], out: Path) -> None:
    if out.suffix == ".json":
        out.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
        return
    with open(out, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]) if rows else ["query_id"])
        w.writeheader()
        w.writerows(rows)
