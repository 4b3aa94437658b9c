"""number_not_in_quote: a value, qualifier number or date of a claim that none of its quotes
contains (after the usual equivalences: 5 千 = 5000, 2.5 億 = 250000000)."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from functools import cache, lru_cache

from chipwatch import yamldata
from chipwatch.analysis.check.common import Field, Finding, finding, num, terms
from chipwatch.analysis.check.context import Context
from chipwatch.analysis.wording import Listed
from chipwatch.i18n.message import Msg
from chipwatch.model.dates import PartialDate
from chipwatch.model.quantity import UNITS_FILE


@cache
def _multipliers() -> list[tuple[str, float]]:
    """Number words (千, 億, million …) from units.yaml, longest first."""
    table = yamldata.load(UNITS_FILE.read_text(encoding="utf-8"))["multipliers"]
    return sorted(((w.casefold(), f) for w, f in table.items()), key=lambda kv: -len(kv[0]))


_NUMBER = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?")


@lru_cache(maxsize=65536)
def _quote_numbers(text: str) -> tuple[tuple[float, ...], tuple[tuple[int, int], ...]]:
    """Every number in a text, also multiplied by a following number word (5 千 -> 5000) or
    converted from another unit (0.25 micron -> 250, for figures in nm), Chinese numerals
    (第二 -> 2), and decades (1960年代 -> 1960-1969)."""
    rules = terms()["numbers"]
    text = unicodedata.normalize("NFKC", text)
    nums: list[float] = []
    decades: list[tuple[int, int]] = []
    for m in _NUMBER.finditer(text):
        n = float(m[1].replace(",", "") + (f".{m[2]}" if m[2] else ""))
        nums.append(n)
        if "," in m[1]:  # 130,100.0 in a CSV row is also 130 and 100.0
            parts = m[1].split(",")
            nums.extend(float(x) for x in parts[:-1])
            nums.append(float(parts[-1] + (f".{m[2]}" if m[2] else "")))
        rest = text[m.end():].lstrip().casefold()
        for word, factor in _multipliers():
            if rest.startswith(word):
                nums.append(n * factor)
                break
        for scales in rules["unit_scales"].values():
            factor = next((f for w, f in sorted(scales.items(), key=lambda kv: -len(kv[0]))
                           if rest.startswith(unicodedata.normalize("NFKC", w).casefold())), None)
            if factor:
                nums.append(n * factor)
        after = text[m.end():]
        if m[2] is None and any(after.startswith(s) for s in rules["decade_suffixes"]):
            decades.append((int(n), int(n) + 9))
        nums.extend(float(month) for month, words in rules["month_words"].items()
                    if any(after.startswith(w) for w in words))
    nums.extend(v for ch, v in rules["numerals"].items() if ch in text)
    return tuple(nums), tuple(decades)


def _has_number(x: float, nums: list[float]) -> bool:
    return any(math.isclose(x, n, rel_tol=1e-9, abs_tol=1e-9) for n in nums)


def _date_parts(text) -> list[int] | None:
    try:
        d = PartialDate.parse(str(text))
    except ValueError:
        return None
    return [x for x in (d.year, d.month, d.day) if x is not None]


def _value_numbers(ctx: Context, c: dict) -> list[tuple[str, float | list[int]]]:
    p = ctx.vocab.predicates.get(c["predicate"])
    kind = p.value_kind if p else None
    out: list[tuple[str, float | list[int]]] = []
    for col in ("value_num", "value_min", "value_max"):
        if c[col] is not None:
            out.append((col.replace("value_num", "value"), c[col]))
    if c["value_text"] is not None and kind in ("purity", "date"):
        if kind == "date":
            parts = _date_parts(c["value_text"])
            if parts:
                out.append(("value", parts))
        else:
            out.extend(("value", float(m[0])) for m in re.finditer(r"\d+(?:\.\d+)?", c["value_text"]))
    return out


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


class _NumberPool:
    """The numbers a claim's evidence gives: in its quotes and in the titles of its sources
    (a page titled "28 nm process"), the years of dated list snapshots, value words (最大 = 1)."""

    def __init__(self, ctx: Context, c: dict, rules: dict):
        quotes = [e["quote"] for e in c["evidence"]]
        sources = [s for e in c["evidence"] if (s := ctx.sources.get(e["source"]))]
        self.nums: list[float] = []
        self.decades: list[tuple[int, int]] = []
        for text in dict.fromkeys(quotes + [s["title"] for s in sources if s["title"]]):
            n, d = _quote_numbers(text)
            self.nums += n
            self.decades += d
        self.years = {parts[0] for s in sources
                      if s["kind"] in rules["dated_source_kinds"] and (parts := _date_parts(s["date"]))}
        self.words = {float(k): v for k, v in rules["value_words"].get(c["predicate"], {}).items()}
        self.squashed = [_squash(q) for q in quotes]

    def found(self, x: float | list[int], dated: bool = False) -> bool:
        if isinstance(x, list):  # a date: year, month, day
            if dated and x[0] in self.years:
                return True
            year = _has_number(x[0], self.nums) or any(a <= x[0] <= b for a, b in self.decades)
            return year and all(_has_number(p, self.nums) for p in x[1:])
        if _has_number(x, self.nums):
            return True
        return any(w in q for w in self.words.get(float(x), ()) for q in self.squashed)


def numbers_not_in_quotes(ctx: Context) -> Iterable[Finding]:
    rules = ctx.terms["numbers"]
    number_kinds, date_kinds = set(rules["number_qualifier_kinds"]), set(rules["date_qualifier_kinds"])
    severity = rules["severity"]
    for c in ctx.claims.values():
        if not c["evidence"]:
            continue
        pool = _NumberPool(ctx, c, rules)
        found = pool.found
        missing: dict[str, list[dict]] = defaultdict(list)
        aw = c["as_written"]
        if not (aw and any(_squash(aw) in q for q in pool.squashed)):
            for name, x in _value_numbers(ctx, c):
                if not found(x):
                    missing["value"].append({"field": name, "value": _shown_number(x)})
        for k, v in sorted(c["q"].items()):
            q = ctx.vocab.qualifiers.get(k)
            if q is None:
                continue
            if q.kind in number_kinds and isinstance(v, (int, float)) and not isinstance(v, bool):
                if not found(float(v)):
                    missing["qualifier"].append({"field": k, "value": _shown_number(v)})
            elif q.kind in date_kinds and (parts := _date_parts(v)) and not found(parts, dated=True):
                missing["qualifier"].append({"field": k, "value": str(v)})
        for k in ("valid_from", "valid_to"):
            if c[k] and (parts := _date_parts(c[k])) and not found(parts, dated=True):
                if not (k == "valid_to" and c["valid_from"] == c[k]):
                    missing["date"].append({"field": k, "value": c[k]})
        for group in ("value", "qualifier", "date"):
            if not missing[group]:
                continue
            items = Listed([Msg("check.numbers.item", value=m["value"], field=Field(m["field"]))
                            for m in missing[group]], "and")
            many = "many" if len(missing[group]) > 1 else "one"
            msg = Msg(f"check.numbers.{'date' if group == 'date' else 'figure'}.{many}", claim=c["id"], items=items)
            yield finding(
                "number_not_in_quote", severity[group], msg,
                [c["id"]],
                {"claim": c["id"], "missing": missing[group], "as_written": aw, "evidence": ctx.evidence_view(c)})


def _shown_number(x) -> str:
    if isinstance(x, list):
        return "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(x))
    return num(x)
