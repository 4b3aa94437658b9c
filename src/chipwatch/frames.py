"""Small helpers for pandas results: missing values as None, rows as plain dicts. pandas
is imported only when a DataFrame is at hand (commands that need none start quicker)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


def jsonable(value):
    """NaN and infinities -> None, through dicts, lists and tuples (JSON has neither)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def none_if_missing(value):
    """NaN / NA / NaT -> None; anything else unchanged."""
    if isinstance(value, (list, tuple, dict)):
        return value
    if value is None or isinstance(value, str | int | bool):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    import pandas as pd

    try:
        return None if pd.isna(value) else value
    except (TypeError, ValueError):
        return value


def text(value) -> str:
    """A cell as text for CSV/graph attributes: missing -> ''."""
    value = none_if_missing(value)
    return "" if value is None else str(value)


def rows(df: pd.DataFrame) -> list[dict]:
    """DataFrame -> list of dicts with None for missing values and dates as ISO text."""
    out = []
    for rec in df.to_dict("records"):
        clean = {}
        for k, v in rec.items():
            v = v.tolist() if hasattr(v, "tolist") else v
            v = none_if_missing(v)
            clean[k] = v.isoformat() if hasattr(v, "isoformat") else v
        out.append(clean)
    return out
