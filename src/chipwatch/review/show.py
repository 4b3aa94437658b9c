"""One candidate as a reviewer sees it, and values as a reviewer types them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from chipwatch.dataset import load_dataset
from chipwatch.model.records import Claim
from chipwatch.review.accept import claim_record
from chipwatch.review.conflicts import disagreements
from chipwatch.review.queue import find


def describe(dataset: Path, candidate_id: str, extra: list[Path] | None = None) -> dict[str, Any]:
    """The candidate's fields, its source, and the claims it disagrees with (of the dataset and
    of those it is built with)."""
    item, cand = find(dataset, candidate_id)
    data = cand.to_dict()
    data["source_title"] = item.source.get("title")
    data["source_url"] = item.source.get("url")
    try:
        claim = Claim(**claim_record(cand, "candidate"))
    except ValidationError:
        claim = None
    from chipwatch.review.together import with_datasets

    claims = [c for d in [dataset, *with_datasets(dataset, extra)] for c in load_dataset(d, claims=True).claims]
    data["disagrees_with"] = [d.describe() for d in disagreements(claim, claims)] if claim else []
    return data


def parse_value(text: str) -> Any:
    """`65-250` -> {min, max}; `5000` -> 5000; `6N` or other text stays text."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*[-–]\s*(\d+(?:\.\d+)?)\s*", text)
    if m:
        lo, hi = sorted((float(m[1]), float(m[2])))
        return {"min": int(lo) if lo.is_integer() else lo, "max": int(hi) if hi.is_integer() else hi}
    try:
        num = float(text.replace(",", ""))
    except ValueError:
        return text
    return int(num) if num.is_integer() else num
