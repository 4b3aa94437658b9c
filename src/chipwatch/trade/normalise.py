"""Normalising trade statistics: countries to ISO 3166-1 alpha-2 codes (pycountry, then
rigour's territory names, then countries.yaml), groups of countries (EU27 …), product
codes in the HS/CN hierarchy (2, 4, 6 or 8 digits; TOTAL for all goods), periods.

A country name resolves to one of three things: a country (`KZ`), a group (`EU27`, whose
members are summed when a source does not report the group itself), or an aggregate that
is not a country (World, Asia, …), whose rows importers skip and count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pycountry

from chipwatch import yamldata
from chipwatch.errors import ChipwatchError
from chipwatch.i18n.message import Name

_PAREN = re.compile(r"\s*\(.*\)\s*$")
MAX_PLACE = 400  # characters: Eurostat's longest country label has under 200; a longer cell is no country (and
#                  the bracket pattern above backtracks quadratically on one)
_SPACES = re.compile(r"\s+")
MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}


@dataclass(frozen=True)
class Place:
    """What a country name in a trade file means."""

    code: str | None  # ISO alpha-2 or a group code; None for aggregates and unknown names
    kind: str  # country | group | aggregate | unknown


@cache
def _table() -> dict:
    return yamldata.load(Path(__file__).with_name("countries.yaml").read_text(encoding="utf-8"))


def _key(text: str) -> str:
    return _SPACES.sub(" ", text.strip().replace("\u2019", "'")).casefold()


@cache
def _names() -> dict[str, Place]:
    t = _table()
    out: dict[str, Place] = {}
    for name, code in t["aliases"].items():
        out[_key(name)] = Place(code, "country")
    for code, g in t["groups"].items():
        out[_key(code)] = Place(code, "group")
        for name in g["names"]:
            out[_key(name)] = Place(code, "group")
    for name in t["aggregates"]:
        out[_key(name)] = Place(None, "aggregate")
    return out


def groups() -> dict[str, dict]:
    """Group code -> {en, names, members}."""
    return _table()["groups"]


def members(group: str) -> list[str]:
    return list(groups()[group]["members"])


def _iso(texts: list[str]) -> str | None:
    """pycountry on each form of the name first; rigour's wider list of names after."""
    for text in texts:
        try:
            return pycountry.countries.lookup(text).alpha_2
        except LookupError:
            pass
    import rigour.territories as territories

    for text in texts:
        found = territories.lookup_territory(text)
        if found is not None and len(found.code) == 2:
            return found.code.upper()
    return None


@cache
def place(name: str) -> Place:
    """Resolve a country name or code (alpha-2, alpha-3, Comtrade/BACI numeric) as found in a file."""
    text = str(name).strip()
    if not text or len(text) > MAX_PLACE:
        return Place(None, "unknown")
    names = _names()
    stripped = _PAREN.sub("", text)
    for candidate in (text, stripped):
        if (hit := names.get(_key(candidate))) is not None:
            return hit
    if text.isdigit() or (len(text) == 3 and text[0].isalpha() and text[1:].isdigit()):
        return numeric(text)
    code = _iso([c for c in dict.fromkeys((text, stripped)) if c])
    return Place(code, "country") if code else Place(None, "unknown")


@cache
def numeric(code: str) -> Place:
    """A Comtrade or BACI numeric country code (ISO 3166-1 numeric, with Comtrade's exceptions)."""
    text = str(code).strip()
    special = _table()["numeric"]
    if text.lstrip("0") in special or text in special:
        return Place(special.get(text.lstrip("0"), special.get(text)), "country")
    if text.isdigit():
        if int(text) == 0:
            return Place(None, "aggregate")  # World
        found = pycountry.countries.get(numeric=f"{int(text):03d}")
        if found is not None:
            return Place(found.alpha_2, "country")
    return Place(None, "unknown")


@cache
def country_name(code: str) -> str:
    """A short English name: rigour's (Russia, not Russian Federation), else pycountry's."""
    if code in groups():
        return groups()[code]["en"]
    import rigour.territories as territories

    found = territories.get_territory(code.lower())
    if found is not None:
        return found.name
    iso = pycountry.countries.get(alpha_2=code)
    return (getattr(iso, "common_name", None) or iso.name) if iso else code


@cache
def country_label(code: str | None) -> Name:
    """A country or group by name in both languages: Name('Kazakhstan', '哈薩克'). The Chinese
    name is CLDR's (Babel, zh_Hant_TW) for a country, countries.yaml's for a group."""
    if not code:
        return Name("all reporters", "所有申報國")
    if code in groups():
        return Name(groups()[code]["en"], groups()[code].get("zh"))
    from babel import Locale

    return Name(country_name(code), Locale.parse("zh_Hant_TW").territories.get(code.upper()))


def side(text: str | None, option: str) -> str | None:
    """A country or group a user names on the command line (`KZ`, `kazakhstan`, `EU`), as a code."""
    if text is None or text.strip().lower() in ("", "all", "*"):
        return None
    if text.strip().upper() == "EU":
        return "EU27"  # a user's "EU" means the 27 members, not the EU of each period
    found = place(text)
    if found.kind in ("country", "group"):
        return found.code
    raise ChipwatchError(f"{option} {text}: not a country or group I know; give an ISO code (KZ, RU) or EU")


# -- products -----------------------------------------------------------------

TOTAL = "TOTAL"
_TOTALS = {"total", "total-total", "tot", "all", "ag2", "99", "total all products"}


def product_code(text) -> str | None:
    """A product code as digits (leading zeros kept: HS chapters 01-09), or TOTAL; None if not one."""
    if text is None:
        return None
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    s = str(text).strip().replace(".", "").replace(" ", "")
    if s.casefold() in _TOTALS:
        return TOTAL
    m = re.fullmatch(r"(\d{2,10})(?:-.*)?", s)
    if not m:
        return None
    digits = m[1]
    if len(digits) % 2:  # a code read as a number lost its leading zero (10121 -> 010121)
        digits = "0" + digits
    return digits


def level(code: str) -> int:
    """Digits of a product code (2 chapter, 4 heading, 6 HS subheading, 8 CN); 0 for TOTAL."""
    return 0 if code == TOTAL else len(code)


def parent(code: str) -> str | None:
    """The code one level up in the HS/CN hierarchy (8 -> 6 -> 4 -> 2 -> TOTAL)."""
    if code == TOTAL:
        return None
    return code[:-2] if len(code) > 2 else TOTAL


def product_option(text: str) -> str:
    """--product: digits (a chapter, heading, subheading or CN code), TOTAL, all, or a group (chpl:1)."""
    s = text.strip()
    if s.lower() in ("all", "*"):
        return "all"
    if ":" in s or s.lower() == "chpl":
        return s.lower() if s.lower() == "chpl" else s.split(":", 1)[0].lower() + ":" + s.split(":", 1)[1].upper()
    code = product_code(s)
    if code is None:
        raise ChipwatchError(f"--product {text}: give an HS/CN code (85, 8542, 854231, 85423190), TOTAL, all, "
                             "or a product group such as chpl:1")
    return code


# -- periods ------------------------------------------------------------------

def period(text) -> tuple[int, int | None] | None:
    """(year, month or None) from 2022-03, 2022M03, 202203, Mar. 2022, Y2022, 2022; None if not a period."""
    if text is None:
        return None
    if isinstance(text, int | float) and not isinstance(text, bool):
        text = str(int(text))
    s = str(text).strip()
    if m := re.fullmatch(r"Y?(\d{4})", s):
        return int(m[1]), None
    if m := re.fullmatch(r"(\d{4})[-M/]?(\d{2})", s):
        month = int(m[2])
        return (int(m[1]), month) if 1 <= month <= 12 else None
    if m := re.fullmatch(r"([A-Za-z]{3})[a-z]*\.?\s+(\d{4})", s):
        month = MONTHS.get(m[1].lower())
        return (int(m[2]), month) if month else None
    return None


def years(text: str, option: str) -> tuple[int, int]:
    """--baseline 2020-2021 or 2021 -> (first, last)."""
    m = re.fullmatch(r"\s*(\d{4})(?:\s*[-:]\s*(\d{4}))?\s*", text or "")
    if not m:
        raise ChipwatchError(f"{option} {text}: give a year or a range of years, e.g. 2020-2021")
    first, last = int(m[1]), int(m[2] or m[1])
    if first > last:
        raise ChipwatchError(f"{option} {text}: the first year is after the last; write {last}-{first}")
    return first, last


def month_option(text: str, option: str) -> tuple[int, int]:
    found = period(text)
    if found is None or found[1] is None:
        raise ChipwatchError(f"{option} {text}: give a month as YYYY-MM, e.g. 2022-02")
    return found[0], found[1]


def number(value) -> float | None:
    """A value cell as a float: numbers as they are, text with digits (1 234,5 or 1,234.5) parsed.
    Raises ValueError for text that is not a number."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        return float(value)
    s = str(value).strip().replace("\u00a0", "").replace(" ", "")
    if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", s):
        s = s.replace(",", "")
    elif re.fullmatch(r"-?\d+,\d+", s):
        s = s.replace(",", ".")
    if not re.fullmatch(r"-?\d+(\.\d*)?([eE][-+]?\d+)?", s):
        raise ValueError(value)
    return float(s)
