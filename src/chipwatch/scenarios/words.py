"""Small pieces of the scenario sentences said in the reader's language: quantities with
their units as words, statuses, end uses, claim references, currencies and lists joined
by semicolons. Each is a `Msg` (labels in chipwatch/i18n/scenario.yaml) or renders like one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from babel.numbers import get_currency_name

from chipwatch.i18n import norm_lang
from chipwatch.i18n.message import LOCALES, Msg, Name, say

# Units written in scenario files and claims -> the label that says an amount in them.
UNITS = {
    "wafer_200mm/month": "scenario.qty.wafer_200mm_month",
    "wafer_150mm/month": "scenario.qty.wafer_150mm_month",
    "wafer_300mm/month": "scenario.qty.wafer_300mm_month",
    "USD/wafer_200mm": "scenario.qty.usd_per_wafer",
    "t/year": "scenario.qty.t_year",
    "month": "scenario.qty.month",
    "share": "scenario.qty.share",
    "ratio": "scenario.qty.plain",
    "exponent": "scenario.qty.plain",
    "weight": "scenario.qty.plain",
    "factor": "scenario.qty.plain",
}
UNIT_NAMES = {
    "wafer_200mm/month": "scenario.unit.wafer_200mm_month", "wafer_150mm/month": "scenario.unit.wafer_150mm_month",
    "wafer_300mm/month": "scenario.unit.wafer_300mm_month", "USD/wafer_200mm": "scenario.unit.usd_per_wafer",
    "t/year": "scenario.unit.t_year", "month": "scenario.unit.month", "share": "scenario.unit.share",
    "ratio": "scenario.unit.ratio", "exponent": "scenario.unit.exponent", "weight": "scenario.unit.weight",
    "factor": "scenario.unit.factor",
}


@dataclass(frozen=True)
class Joined:
    """Several sentences or names joined by a separator the locale writes its own way
    (`;` → `；`, `/` → `／`), where a list would not read right ('A; B' for groups)."""

    items: tuple
    sep: str = ";"

    def text(self, lang: str) -> str:
        zh = norm_lang(lang) == "zh-TW"
        sep = {";": "；" if zh else "; ", "/": "／" if zh else "/", ",": "、" if zh else ", "}[self.sep]
        return sep.join(say(x, lang) for x in self.items)

    def __str__(self) -> str:
        return self.text("en")


def joined(items, sep: str = ";") -> Joined:
    return Joined(tuple(items), sep)


def quantity(amount: float, unit: str | None, spec: str = ",.0f") -> Msg:
    """An amount in its unit, in words: '5,000 wafers (200 mm) a month', '每月 5,000 片 8 吋晶圓'."""
    key = UNITS.get(unit or "")
    if key is None:
        return Msg("scenario.qty.other", n=Spec(amount, spec), unit=unit or "")
    return Msg(key, n=Spec(amount, spec))


def unit_name(unit: str) -> Msg | str:
    """A unit alone, in words (for tables of assumptions); an unknown unit as written."""
    key = UNIT_NAMES.get(unit)
    return Msg(key) if key else unit


@dataclass(frozen=True)
class Spec:
    """A number that carries its own format spec, so one label serves several precisions."""

    value: float
    spec: str

    def text(self, lang: str) -> str:
        from chipwatch.i18n.message import number

        return number(self.value, lang, self.spec)

    def __str__(self) -> str:
        return self.text("en")


def pct(share: float) -> Spec:
    """A share as a percentage with a decimal only when it needs one: 10%, 4.3%."""
    return Spec(share, ".0%" if abs(round(share * 100, 6) - round(share * 100)) < 1e-9 else ".1%")


def status(s: str) -> Msg:
    """A claim status (or 'assumed') as a short word: speculated, 推測."""
    return Msg(f"scenario.status.{s}") if s in STATUS_WORDS else Msg("scenario.word", word=s)


STATUS_WORDS = ("fact", "reported", "speculated", "planned", "disputed", "assumed")
SECTORS = ("military", "civil", "government", "space", "nuclear", "medical", "industrial", "research")


def sector(s: str) -> Msg:
    """An end use by its name: military, 軍用."""
    return Msg(f"scenario.sector.{s}") if s in SECTORS else Msg("scenario.word", word=s)


def claims(ids: list[str] | tuple[str, ...]) -> Msg:
    """'claim a' or 'claims a, b' (ids are codes, said as they are); '—' for none."""
    ids = list(ids)
    if not ids:
        return Msg("scenario.claims.none")
    return Msg("scenario.claims.one" if len(ids) == 1 else "scenario.claims.many", ids=joined(ids, ","))


def currency(code: str) -> Name:
    """A currency's name in each language (Babel): Russian Ruble, 俄羅斯盧布."""
    def name(lang: str) -> str:
        try:
            return get_currency_name(code, locale=LOCALES[lang])
        except Exception:  # noqa: BLE001 - an unknown code is said as written
            return code
    return Name(name("en"), name("zh-TW"))


def plain_text(x: Any) -> Any:
    """English text of a Msg (what the `text` fields keep), anything else as it is."""
    return str(x) if hasattr(x, "text") and callable(x.text) else x


__all__ = ["Joined", "joined", "quantity", "unit_name", "status", "sector", "claims", "currency", "Spec", "pct"]
