"""Dates, quantities with units (the units file) and purity grades in a sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from chipwatch.model.quantity import _units, parse_quantity

_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], 1)}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_RU_MONTHS = {stem: i for i, stem in enumerate(
    ["январ", "феврал", "март", "апрел", "ма", "июн", "июл", "август", "сентябр", "октябр", "ноябр", "декабр"], 1)}


@dataclass(frozen=True)
class Figure:
    """A date or a quantity found in a sentence: span, kind and the value as a claim writes it."""

    kind: str  # date | quantity | percent | purity
    start: int
    end: int
    text: str
    value: Any  # "2022-02" | number | {"min": .., "max": ..} | "6N"
    unit: str | None = None


_ZH_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*年(?:\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?)?")
_EN_DATE = re.compile(r"\b(?:(\d{1,2})\s+)?(January|February|March|April|May|June|July|August|September|October|"
                      r"November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?(?:\s+(\d{1,2}),?)?"
                      r"\s+((?:19|20)\d\d)\b")
_RU_DATE = re.compile(r"(?<!\d)(?:(\d{1,2})\s+)?(январ|феврал|март|апрел|ма|июн|июл|август|сентябр|октябр|ноябр|декабр)"
                      r"[а-я]*\s+((?:19|20)\d\d)", re.I)
_YEAR = re.compile(r"(?<![\d.,])((?:19|20)\d\d)(?![\d%])")
_PURITY = re.compile(r"(?<![A-Za-z0-9.])([3-9]|1[0-2])\s?N(?![A-Za-z])")


def _iso(y: str, m: int | None = None, d: int | None = None) -> str:
    return "-".join([y, *([f"{m:02d}"] if m else []), *([f"{d:02d}"] if m and d else [])])


def dates(sentence: str) -> list[Figure]:
    """Dates (YYYY, YYYY-MM or YYYY-MM-DD) in Chinese, English and Russian forms."""
    found: list[Figure] = []

    def add(m: re.Match, value: str) -> None:
        if not any(f.start <= m.start() < f.end for f in found):
            found.append(Figure("date", m.start(), m.end(), m[0], value))

    for m in _ZH_DATE.finditer(sentence):
        add(m, _iso(m[1], int(m[2]) if m[2] else None, int(m[3]) if m[3] else None))
    for m in _EN_DATE.finditer(sentence):
        day = m[1] or m[3]
        add(m, _iso(m[4], _MONTHS[m[2].lower().rstrip(".")], int(day) if day else None))
    for m in _RU_DATE.finditer(sentence):
        add(m, _iso(m[3], _RU_MONTHS[m[2].lower()], int(m[1]) if m[1] else None))
    for m in _YEAR.finditer(sentence):
        add(m, m[1])
    return sorted(found, key=lambda f: f.start)


# Word forms the units file does not list (Russian cases, English plurals), read as it does.
_EXTRA = {"рублей": "RUB", "рубля": "RUB", "руб.": "RUB", "долларов": "USD", "доллара": "USD", "юаней": "CNY",
          "тонны": "t", "тонн": "t", "dollars": "USD", "rubles": "RUB", "roubles": "RUB", "yuan": "CNY",
          "nanometers": "nm", "nanometres": "nm", "percent": "%", "per cent": "%", "процентов": "%", "процента": "%"}
_RATES = {"month": "/month", "mo": "/month", "月": "/month", "месяц": "/month",
          "year": "/year", "yr": "/year", "年": "/year", "год": "/year"}


@cache
def _quantity_rx() -> re.Pattern:
    table = _units()
    words = [*table["words"], *table["multipliers"], *_EXTRA, *table["counters"], "nm", "mm", "inch", "英寸", "吋",
             "片", "晶圓", "wafers", "wafer", "t", "kt", "USD", "CNY", "RUB", "EUR", "млн", "млрд", "тыс"]
    skip = {"年", "月", "天", "個月", "per month", "per year", "a month", "a year", "/mo", "/yr"}
    unit = "|".join(re.escape(w) for w in sorted(set(words) - skip, key=len, reverse=True))
    size = r"\d+\s*(?:英寸|吋|-?inch|-?mm)"
    num = r"\d+(?:[.,]\d+)*"
    rate = r"(?:\s*(?:/|per|a|每|в)\s*(?P<r>month|year|mo|yr|月|年|месяц|год))?"
    tail = rf"(?:\s*(?:{size}|{unit})(?![A-Za-zА-Яа-я]))+"
    return re.compile(rf"(?<![\dA-Za-z.,])(?P<a>{num})(?:\s*(?:-|–|—|~|至|到|до)\s*(?P<b>{num}))?\s*(?P<u>{tail}){rate}",
                      re.I)


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _read(number: str, unit: str, rate: str | None):
    for word, repl in _EXTRA.items():
        unit = re.sub(rf"(?<![A-Za-zА-Яа-я]){re.escape(word)}", f" {repl} ", unit, flags=re.I)
    return parse_quantity(f"{number.replace(',', '')} {unit.strip()}{_RATES[rate.lower()] if rate else ''}")


def quantities(sentence: str) -> list[Figure]:
    """Quantities with units (nm, wafers/month, t/year, %, currencies), ranges and N grades."""
    out: list[Figure] = []
    for m in _PURITY.finditer(sentence):
        out.append(Figure("purity", m.start(), m.end(), m[0], f"{m[1]}N"))
    for m in _quantity_rx().finditer(sentence):
        if any(f.start <= m.start() < f.end for f in out):
            continue
        try:
            q = _read(m["b"] or m["a"], m["u"], m["r"])
            value: Any = float(q.magnitude)
            if m["b"]:
                factor = value / _number(m["b"])
                lo, hi = sorted((_number(m["a"]) * factor, value))
                value = {"min": _whole(lo), "max": _whole(hi)}
        except (ValueError, TypeError, ZeroDivisionError, KeyError, AttributeError):
            continue
        name = f"{q.units}"
        if name == "dimensionless":
            continue
        kind = "percent" if name == "percent" else "quantity"
        out.append(Figure(kind, m.start(), m.end(), m[0].strip(), _whole(value) if isinstance(value, float) else value,
                          None if kind == "percent" else _short(q.units)))
    return sorted(out, key=lambda f: f.start)


def _whole(x: float) -> float | int:
    return int(x) if float(x).is_integer() else x


def _short(unit) -> str:
    """A unit as a claim writes it: nm, wafer_200mm/month, t/year, USD."""
    text = f"{unit}".replace(" ", "")
    for long, short in (("nanometer", "nm"), ("metric_ton", "t"), ("ruble", "RUB")):
        text = re.sub(rf"\b{long}\b", short, text)
    return text
