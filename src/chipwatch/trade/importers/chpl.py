"""The Common High Priority List (CHPL): HS-6 codes in tiers (1, 2, 3.A, 3.B, 4.A, 4.B), read
as product groups `chpl:<tier>` (tier 1: integrated circuits 8542.31/.32/.33/.39), so an
analysis can take `--product chpl:1` or `--product chpl` (every tier)."""

from __future__ import annotations

from pathlib import Path

from chipwatch.errors import ChipwatchError, excerpt
from chipwatch.importers.tabular import records
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
    header, rows = records(text, str(path))
    fields = [f.strip().lower() for f in header]
    if "tier" not in fields or "hs6" not in fields:
        raise ChipwatchError(f"{path}:1: the header must have tier and hs6 (got {excerpt(', '.join(fields), 80) or 'nothing'})")
    out, seen = [], {}
    for line, _, row in rows:
        row = {k.strip().lower(): v.strip() for k, v in row.items()}
        code = product_code(row["hs6"])
        if code is None or len(code) != 6:
            raise ChipwatchError(f"{path}:{line}: hs6 '{excerpt(row['hs6'])}' is not a 6-digit HS code; write it as 854231 or 8542.31")
        tier = row["tier"].upper()
        if not tier:
            raise ChipwatchError(f"{path}:{line}: empty tier; give 1, 2, 3.A, 3.B, 4.A or 4.B")
        if code in seen and seen[code] != tier:
            raise ChipwatchError(f"{path}:{line}: HS {code} is in tier {excerpt(tier, 20)} and, on an earlier line, in tier "
                                 f"{excerpt(seen[code], 20)}; keep one of the two rows")
        if code not in seen:
            seen[code] = tier
            out.append((f"chpl:{tier}", code, f"CHPL tier {tier}"))
    if not out:
        raise ChipwatchError(f"{path}: no rows; the CHPL CSV lists tier,hs6 pairs")
    return out
