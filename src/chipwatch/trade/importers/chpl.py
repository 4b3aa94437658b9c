"""The Common High Priority List (CHPL): HS-6 codes in tiers (1, 2, 3.A, 3.B, 4.A, 4.B), read
as product groups `chpl:<tier>` (tier 1: integrated circuits 8542.31/.32/.33/.39), so an
analysis can take `--product chpl:1` or `--product chpl` (every tier)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from chipwatch.errors import ChipwatchError
from chipwatch.trade.normalise import product_code


def parse(path: str | Path) -> list[tuple[str, str, str]]:
    """(group id, HS-6 code, label) for each row of a CHPL CSV with columns tier, hs6."""
    path = Path(path)
    if not path.is_file():
        raise ChipwatchError(f"{path}: no such file; give the CHPL CSV (columns tier, hs6)")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ChipwatchError(f"{path}: not UTF-8 text ({exc.reason}); save it as UTF-8") from None
    reader = csv.DictReader(io.StringIO(text))
    fields = [f.strip().lower() for f in reader.fieldnames or []]
    if "tier" not in fields or "hs6" not in fields:
        raise ChipwatchError(f"{path}:1: the header must have tier and hs6 (got {', '.join(fields) or 'nothing'})")
    out, seen = [], {}
    for line, row in enumerate(reader, 2):
        row = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
        code = product_code(row["hs6"])
        if code is None or len(code) != 6:
            raise ChipwatchError(f"{path}:{line}: hs6 '{row['hs6']}' is not a 6-digit HS code")
        tier = row["tier"].upper()
        if not tier:
            raise ChipwatchError(f"{path}:{line}: empty tier; give 1, 2, 3.A, 3.B, 4.A or 4.B")
        if code in seen and seen[code] != tier:
            raise ChipwatchError(f"{path}:{line}: HS {code} is in tier {tier} and, on an earlier line, in tier {seen[code]}")
        if code not in seen:
            seen[code] = tier
            out.append((f"chpl:{tier}", code, f"CHPL tier {tier}"))
    if not out:
        raise ChipwatchError(f"{path}: no rows; the CHPL CSV lists tier,hs6 pairs")
    return out
