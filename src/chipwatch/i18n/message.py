"""Generated sentences that are said in the reader's language.

A module that writes a sentence for people (a finding, a limit, a warning) returns a `Msg`: the
key of a label (`analysis.single_fab` in analysis.yaml, with `{who}`-style placeholders in each
language) and its values. Rendering happens where the reader is known — `msg.text("zh-TW")` on
a page, `str(msg)` (English) in logs — so one computation serves both languages.

Values are formatted for the locale when the sentence is rendered (Babel, CLDR data):
numbers and percentages by their format spec, lists joined the locale's way, `Name`s in the
reader's script first, `Term`s looked up in the vocabulary, dates as the locale writes them, and
nested `Msg`s rendered in the same language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.lists import format_list
from babel.numbers import format_compact_decimal, format_currency, format_decimal, format_percent

from chipwatch.i18n import name_in, norm_lang, t, vocab


class _Locales(dict):
    """CLDR's data for each language, read when first asked for."""

    CODES = {"en": "en_US", "zh-TW": "zh_Hant_TW"}

    def __missing__(self, lang: str) -> Locale:
        self[lang] = loc = Locale.parse(self.CODES[lang])
        return loc


LOCALES = _Locales()


@dataclass(frozen=True)
class Name:
    """A proper name given in both scripts; said in the reader's first (Chinese first in zh-TW)."""

    en: str | None
    zh: str | None = None

    def text(self, lang: str) -> str:
        return name_in(lang, self.en, self.zh)

    def __str__(self) -> str:
        return self.text("en")


@dataclass(frozen=True)
class Term:
    """A word of the model's vocabulary (a type, status, tag or predicate) said by its label."""

    kind: str
    key: str

    def text(self, lang: str) -> str:
        return vocab(self.kind, self.key, lang)

    def __str__(self) -> str:
        return self.text("en")


@dataclass(frozen=True)
class Money:
    """An amount of money, formatted with its currency for the locale ('€4,889,203.64')."""

    amount: float
    currency: str

    def text(self, lang: str) -> str:
        return format_currency(self.amount, self.currency, locale=LOCALES[norm_lang(lang)])

    def __str__(self) -> str:
        return self.text("en")


@dataclass(frozen=True)
class Msg:
    """A sentence: the label `code` and the values of its placeholders."""

    code: str
    values: dict[str, Any] = field(default_factory=dict)

    def __init__(self, code: str, **values: Any):
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "values", values)

    def text(self, lang: str) -> str:
        lang = norm_lang(lang)
        return t(self.code, lang, **{k: _Localised(v, lang) for k, v in self.values.items()})

    def __str__(self) -> str:
        return self.text("en")

    def to_dict(self, lang: str = "en") -> dict:
        """The sentence in `lang` with its code and values, as JSON can carry them."""
        return {"code": self.code, "text": self.text(lang), "values": {k: plain(v) for k, v in self.values.items()}}


def say(x: Any, lang: str) -> str:
    """Any sentence or value in `lang`: a `Msg`, `Name`, `Term` or `Money` rendered, a plain
    string as it is (proper names, quotes and codes are not translated)."""
    if hasattr(x, "text") and callable(x.text):
        return x.text(lang)
    return "" if x is None else str(x)


def plain(v: Any) -> Any:
    """A value as JSON can hold it (messages and names as their English text)."""
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if hasattr(v, "text") and callable(v.text):  # Msg, Name, Term, Money and modules' own sayable values
        return str(v)
    return v


def number(x: float | int, lang: str, spec: str = "") -> str:
    """A number for the locale by a Python-style spec: '' (as it is), ',.0f', '.2f', 'g', '.1%',
    '%' (whole percent), 'compact' (4.9M / 489萬)."""
    loc = LOCALES[norm_lang(lang)]
    if spec == "compact":
        return format_compact_decimal(x, locale=loc, fraction_digits=1)
    if spec.endswith("%"):
        digits = _digits(spec[:-1], default=0)
        return format_percent(x, format="#,##0" + ("." + "0" * digits if digits else "") + "%", locale=loc)
    if spec.endswith("f"):
        digits = _digits(spec[:-1], default=6)
        return format_decimal(x, format="#,##0" + ("." + "0" * digits if digits else ""), locale=loc,
                              group_separator="," in spec or spec == "")
    if spec in ("", "g", "d", ",", ",d", ",g"):
        if isinstance(x, float) and x.is_integer():
            x = int(x)
        return format_decimal(x, locale=loc, group_separator=spec.startswith(",") or spec in ("", "d"))
    return format(x, spec)


def _digits(spec: str, default: int) -> int:
    spec = spec.lstrip(",")
    return int(spec[1:]) if spec.startswith(".") and spec[1:].isdigit() else default


def date(value: dt.date | str, lang: str) -> str:
    """A date (or an ISO year, year-month or day) as the locale writes it."""
    loc = LOCALES[norm_lang(lang)]
    if isinstance(value, str):
        parts = value.split("-")
        if len(parts) == 1 and parts[0].isdigit():
            return value if norm_lang(lang) == "en" else f"{value} 年"
        if len(parts) == 2 and all(p.isdigit() for p in parts):
            return format_skeleton("yMMM", dt.date(int(parts[0]), int(parts[1]), 1), locale=loc) if len(parts[0]) == 4 else value
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    return format_date(value, "medium", locale=loc)


class _Localised:
    """A value that formats itself for one locale when str.format meets it."""

    __slots__ = ("v", "lang")

    def __init__(self, v: Any, lang: str):
        self.v, self.lang = v, lang

    def __format__(self, spec: str) -> str:
        v, lang = self.v, self.lang
        if isinstance(v, bool):
            return format(str(v), spec)
        if isinstance(v, (int, float)):
            return number(v, lang, spec)
        if isinstance(v, (dt.date, dt.datetime)):
            return date(v, lang)
        if isinstance(v, (list, tuple)):
            items = [format(_Localised(x, lang), spec) for x in v]
            return format_list(items, style="standard", locale=LOCALES[lang]) if items else ""
        if spec == "date" and isinstance(v, str):
            return date(v, lang)
        return format(say(v, lang), spec if spec != "date" else "")

    def __str__(self) -> str:
        return self.__format__("")


def jsonable(x: Any, lang: str = "en") -> Any:
    """`x` with every sentence, name, term and amount in it said in `lang` (for JSON and
    plain-text output); dicts, lists, tuples and dataclasses walked, other values as they are."""
    if hasattr(x, "text") and callable(x.text):
        return x.text(lang)
    if isinstance(x, dict):
        return {k: jsonable(v, lang) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [jsonable(v, lang) for v in x]
    return x
