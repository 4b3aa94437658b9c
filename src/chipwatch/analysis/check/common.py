"""What every check shares: the terms table (terms.yaml), the Finding record, reading rows,
JSON values, and the wording of lists and numbers in messages."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

from chipwatch import yamldata
from chipwatch.store.read import Store

TERMS = Path(__file__).with_name("terms.yaml")


@cache
def terms() -> dict:
    """The terms table (terms.yaml), loaded once."""
    return yamldata.load(TERMS.read_text(encoding="utf-8"))


@dataclass
class Finding:
    """One inconsistency: what kind, how serious, a sentence, the claims and the particulars."""

    kind: str
    severity: str  # error | warning | info
    message: str
    claims: list[str]
    details: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


def fetch(store: Store, query: str) -> list[dict]:
    cur = store.con.execute(query)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


def from_json(text):
    if text is None:
        return None
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return None


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def num(x) -> str:
    if isinstance(x, float) and x.is_integer():
        x = int(x)
    return f"{x:,}" if isinstance(x, int) and abs(x) >= 10000 else str(x)
