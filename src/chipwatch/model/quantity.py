"""Quantities with units (pint), with chipwatch's own units and a parser for written forms.

`5 千片 8 英寸晶圓片/月`, `5000 200 mm wafers per month` and `5000 wafer_200mm/month`
all parse to the same quantity; purity grades `6N` and `99.9999%` compare as nines.
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from chipwatch import yamldata

if TYPE_CHECKING:
    import pint  # imported when a unit is first parsed: a quarter second that most commands never need

UNITS_FILE = Path(__file__).with_name("units.yaml")


@cache
def _units() -> dict:
    return yamldata.load(UNITS_FILE.read_text(encoding="utf-8"))


@cache
def _registry() -> pint.UnitRegistry:
    import pint

    reg = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
    for line in _units()["definitions"]:
        reg.define(line)
    return reg


class _Lazy:
    """`ureg` is built on first use (pint's registry takes a moment to load)."""

    def __getattr__(self, name):
        return getattr(_registry(), name)


ureg = _Lazy()

_RATE_WORDS = {"month": r"月產|月产|每月|monthly|a month", "year": r"年產|年产|每年|annual|yearly|a year"}
_NUMBER = re.compile(r"^\s*([-+]?\d[\d,]*(?:\.\d+)?)\s*")
_WAFER_INCH = re.compile(r"(?<![\d.])(\d+)\s*(?:英寸|英吋|吋|-?\s*inch(?:es)?|in\.|\")\s*(?:晶圓片|晶圓|晶圆片|晶圆|wafers?)", re.I)
_WAFER_MM = re.compile(r"(?<![\d.])(\d+)\s*-?\s*mm\s*(?:晶圓片|晶圓|wafers?)", re.I)


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _wafer_unit(mm: int) -> str:
    return f"wafer_{mm}mm"


def _replace_wafers(text: str) -> str:
    inch_to_mm = _units()["wafer_inch_to_mm"]

    def by_inch(m: re.Match) -> str:
        inch = int(m[1])
        if inch not in inch_to_mm:
            raise ValueError(f"unknown wafer size {inch} inch; known: {sorted(inch_to_mm)}")
        return " " + _wafer_unit(inch_to_mm[inch]) + " "

    def by_mm(m: re.Match) -> str:
        mm = int(m[1])
        if mm not in inch_to_mm.values():
            raise ValueError(f"unknown wafer size {mm} mm; known: {sorted(inch_to_mm.values())}")
        return " " + _wafer_unit(mm) + " "

    return _WAFER_MM.sub(by_mm, _WAFER_INCH.sub(by_inch, text))


@cache
def parse_unit(text: str) -> pint.Unit:
    """Parse a unit written in pint syntax or in words (Chinese, English, Russian)."""
    expr = _replace_wafers(_normalise(text))
    table = _units()
    if "wafer_" in expr:
        for word in table["counters"]:
            expr = expr.replace(word, " ")
    for word, repl in sorted(table["words"].items(), key=lambda kv: -len(kv[0])):
        pattern = re.escape(word)
        if word.isascii() and word[-1].isalpha():  # whole words only: "/mo" is not in "/month"
            pattern = rf"(?<![A-Za-z_]){pattern}(?![A-Za-z_])"
        expr = re.sub(pattern, f" {repl} " if repl else " ", expr, flags=re.I)
    expr = re.sub(r"\s*/\s*/?\s*", "/", expr)  # "/ /month" from "/月" -> "/month"
    expr = re.sub(r"\s+", " ", expr).strip().strip("/").strip()
    expr = re.sub(r"(?<=\w) (?=[A-Za-z_])", " * ", expr)
    if not expr:
        return ureg.dimensionless
    import pint

    try:
        return _registry().parse_units(expr)
    except (pint.UndefinedUnitError, pint.DefinitionSyntaxError, AttributeError, TypeError, ValueError) as exc:
        raise ValueError(f"unknown unit {text!r} (read as {expr!r}): {exc}") from None


def parse_quantity(text: str | int | float, unit: str | None = None) -> pint.Quantity:
    """Parse `5 千片 8 英寸晶圓片/月`, `2.5 億美元`, `約 500 公噸` or a number plus `unit`."""
    if isinstance(text, (int, float)):
        return _registry().Quantity(text, parse_unit(unit) if unit else "dimensionless")
    s = _replace_wafers(_normalise(text))
    # A rate may be named before the figure: 月產能大約為 5 千片 … = per month.
    lead = re.match(r"^\D*", s)[0]
    per = next((f"/{unit}" for unit, rx in _RATE_WORDS.items() if re.search(rx, lead, flags=re.I)), "")
    s = s[len(lead):]
    m = _NUMBER.match(s)
    if not m:
        raise ValueError(f"no number in {text!r}")
    magnitude = float(m[1].replace(",", ""))
    rest = s[m.end():]
    for word, factor in sorted(_units()["multipliers"].items(), key=lambda kv: -len(kv[0])):
        if re.match(re.escape(word), rest, flags=re.I):
            magnitude *= factor
            rest = rest[len(word):]
            break
    rest = re.sub(r"(左右|以上|以下|級)", " ", rest)
    if unit:
        if rest.strip():
            raise ValueError(f"{text!r} has both a written unit and unit {unit!r}")
        rest = unit
    if per and not re.search(r"/|per\b", rest):
        rest = f"({rest}){per}" if rest.strip() else f"1{per}"
    return _registry().Quantity(magnitude, parse_unit(rest))


def factor(unit_from: str, unit_to: str) -> float:
    """How many `unit_to` one `unit_from` is (wafer_200mm/month in wafer_300mm/month: 0.444…);
    ValueError when they do not convert."""
    import pint

    try:
        return float(ureg.Quantity(1, parse_unit(unit_from)).to(parse_unit(unit_to)).magnitude)
    except pint.DimensionalityError as exc:
        raise ValueError(f"{unit_from!r} does not convert to {unit_to!r}") from exc


def same_quantity(a: pint.Quantity, b: pint.Quantity, rel: float = 1e-9) -> bool:
    """True when a and b have the same dimension and magnitude (after conversion)."""
    import pint

    try:
        return math.isclose(a.to(b.units).magnitude, b.magnitude, rel_tol=rel)
    except pint.DimensionalityError:
        return False


_PURITY_N = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*N\b", re.I)
_PURITY_PCT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[%％]")


def parse_purity(text: str | float) -> float:
    """Purity as a number of nines: `6N` -> 6, `99.9999%` -> 6, `99.95%` -> 3.3."""
    s = _normalise(str(text))
    if m := _PURITY_N.match(s):
        return float(m[1])
    if m := _PURITY_PCT.match(s):
        try:
            impurity = (Decimal(100) - Decimal(m[1])) / Decimal(100)
        except InvalidOperation:
            raise ValueError(f"purity {text!r} is not a number") from None
        if impurity <= 0:
            raise ValueError(f"purity {text!r} is 100 % or more; write it as an N grade, e.g. 6N")
        return float(-impurity.log10())
    raise ValueError(f"purity {text!r} is neither an N grade (6N) nor a percentage (99.9999%)")


def purity_quantity(text: str | float) -> pint.Quantity:
    """Purity as a pint quantity in `nines` (logarithmic unit over the impurity fraction)."""
    return _registry().Quantity(parse_purity(text), "nines")
