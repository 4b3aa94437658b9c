"""Batch screening input and output: a CSV of names (any encoding the lists accept), one
query per row; results as rows for CSV/JSON."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from chipwatch.errors import ChipwatchError
from chipwatch.screening.lists.text import country_code, read_text
from chipwatch.screening.matcher import Query
from chipwatch.screening.screen import Hit

MAX_ROWS = 1_000_000
OPTIONAL = {"country": "countries", "schema": "schema", "inn": "inn", "ogrn": "ogrn", "id": "id"}


def name_queries(names: list[str]) -> dict[str, Query]:
    """One query per name, keyed 1, 2, … in order."""
    return {str(i): Query([n]) for i, n in enumerate(names, 1)}


def read_queries(path: Path, column: str = "name") -> dict[str, Query]:
    """Queries keyed by the row's `id` column, or by its line number."""
    return parse_queries(read_text(Path(path)), str(path), column)


def parse_queries(text: str, where: str, column: str = "name", max_rows: int = MAX_ROWS) -> dict[str, Query]:
    """Queries from CSV text (`where` names it in errors), at most `max_rows`."""
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    fields = [f.strip().lower() for f in reader.fieldnames or []]
    if column.lower() not in fields:
        raise ChipwatchError(f"{where}:1: no column '{column}'; the header has: {', '.join(reader.fieldnames or [])} "
                             f"(choose one with --column)")
    reader.fieldnames = fields
    out: dict[str, Query] = {}
    for row in reader:
        if len(out) >= max_rows:
            raise ChipwatchError(f"{where}: more than {max_rows:,} rows; split the file")
        name = (row.get(column.lower()) or "").strip()
        if not name:
            continue
        qid = (row.get("id") or "").strip() or str(reader.line_num)
        country = country_code(row.get("country") or "")
        ids = {k: [row[k].strip()] for k in ("inn", "ogrn") if (row.get(k) or "").strip()}
        out[qid] = Query(names=[name], schema=(row.get("schema") or "").strip() or None,
                         countries=[country] if country else None, identifiers=ids or None)
    if not out:
        raise ChipwatchError(f"{where}: no names in column '{column}'")
    return out


def hit_rows(queries: dict[str, Query], results: dict[str, list[Hit]]) -> list[dict]:
    """One row per hit (and one empty row for a query without hits)."""
    rows = []
    for qid, query in queries.items():
        hits = results.get(qid, [])
        if not hits:
            rows.append({"query_id": qid, "query": query.names[0], "list": None, "list_id": None, "name": None,
                         "score": 0.0, "entity": None, "reason": None, "programs": "", "explanation": ""})
        for h in hits:
            rows.append({"query_id": qid, "query": query.names[0], "list": h.list, "list_id": h.list_id, "name": h.name,
                         "score": h.score, "entity": h.entity, "reason": h.reason, "programs": "; ".join(h.programs),
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
