"""The values the analysis modules' sentences are made of, said in the reader's language:
entities by name (`Name`), countries by their CLDR name, lists joined as the sentences have
always joined them, statuses by their short label, numbers shown as data; and a finding as
a dict in a language (`as_dict`).

The sentences themselves are labels in i18n/analysis.yaml and i18n/check.yaml."""

from __future__ import annotations

import dataclasses
import json
import re
from functools import cache
from typing import Any

from babel import Locale

from chipwatch.i18n import labels, norm_lang, t, vocab
from chipwatch.i18n.message import Money, Msg, Name, jsonable, number, say
from chipwatch.model.vocabulary import vocabulary
from chipwatch.store.read import Store

_TERRITORIES = {"en": "en_US", "zh-TW": "zh_Hant_TW"}


@cache
def _territories(lang: str) -> dict[str, str]:
    return dict(Locale.parse(_TERRITORIES[lang]).territories)


def country(code: str | None) -> Name:
    """A country by its ISO code, named as CLDR names it in each language (CN: China, 中國);
    an unknown code stays as it is."""
    if not code:
        return Name("?", "?")
    code = code.upper()
    return Name(_territories("en").get(code, code), _territories("zh-TW").get(code, code))


def entity_names(store: Store) -> dict[str, Name]:
    """Entity id -> its name in both scripts. A country the data names only in English (as
    the ETO import does) takes its Chinese name from CLDR."""
    out = {}
    for i, typ, en, zh, code in store.con.execute(
            "SELECT id, type, label_en, label_zh, country FROM entities").fetchall():
        if typ == "country" and code and (not zh or zh == en):
            zh = _territories("zh-TW").get(code.upper(), zh)
        out[i] = Name(en or i, zh)
    return out


def name_of(names: dict[str, Name], entity: str | None) -> Name:
    """The entity's name, or its id as it is when the store does not know it."""
    if entity is None:
        return Name("?", "?")
    return names.get(entity) or Name(entity, entity)


def status(s: str) -> Msg:
    """A claim status by its short label (speculated / 推測), not its definition."""
    return Msg(f"analysis.status.{s}")


class Listed(Msg):
    """Items joined the way the English sentences always have: 'A, B, C' (`comma`), 'A, B
    and C' (`and`), 'a × b' (`times`), '40 nm / 65 nm' (`slash`); with the ideographic comma
    (、) in Chinese. A trailing `…` says the list was cut."""

    def __init__(self, items, style: str = "comma", cut: bool = False):
        super().__init__(f"analysis.list.{style}", items=tuple(items), cut=cut)

    def text(self, lang: str) -> str:
        lang = norm_lang(lang)
        items = [say(x, lang) for x in self.values["items"]]
        style = self.code.rsplit(".", 1)[1]
        sep = labels()[f"analysis.list.{style}" if style in ("times", "slash") else "analysis.list.comma"][lang]
        if style == "and" and len(items) > 1:
            body = sep.join(items[:-1]) + labels()["analysis.list.and"][lang] + items[-1]
        else:
            body = sep.join(items)
        return body + ("…" if self.values["cut"] else "")


class Num(Msg):
    """A figure as the data gives it: a whole number as an integer, grouped from 10,000 on
    (5000, 12,500), a fraction as it is."""

    def __init__(self, x: float | int):
        super().__init__("analysis.number", x=x)

    def text(self, lang: str) -> str:
        x = self.values["x"]
        if isinstance(x, float) and x.is_integer():
            x = int(x)
        if isinstance(x, int):
            return number(x, lang, "," if abs(x) >= 10000 else "g")
        return str(x)


class Unit(Msg):
    """A unit as the data writes it (nm, wafer_200mm/month) in English; by its label in
    Chinese (奈米), where analysis.yaml has one."""

    def __init__(self, code: str | None):
        super().__init__("analysis.unit", unit=code or "")

    def text(self, lang: str) -> str:
        code = self.values["unit"]
        key = f"analysis.unit.{code}"
        return t(key, lang) if norm_lang(lang) != "en" and key in labels() else code


class Predicate(Msg):
    """A predicate in a sentence, with its object if it has one: in English its meaning
    without remarks ("is located in Siberia"), or its name in words (`words`: "first volume
    production"); its label in Chinese, the object in its place (與杭氧集團合作)."""

    def __init__(self, predicate: str, how: str = "phrase", obj: Any = None):
        super().__init__("analysis.predicate", predicate=predicate, how=how, obj=obj)

    def text(self, lang: str) -> str:
        p, how, obj = self.values["predicate"], self.values["how"], self.values["obj"]
        if norm_lang(lang) != "en":
            label = vocab("predicate", p, lang)
            if obj is None:
                return label
            return label.replace("…", say(obj, lang), 1) if "…" in label else label + say(obj, lang)
        if how == "words":
            return p.replace("_", " ")
        known = vocabulary().predicates.get(p)
        phrase = re.sub(r"\s*\([^)]*\)", "", known.en).strip() if known else p
        return f"{phrase} {say(obj, lang)}" if obj is not None else phrase


def value_said(v: Any, unit: str | None = None, approx: bool = False, kind: str | None = None):
    """A claim's value to say: a figure (Num), a range (65–250), at least / at most, a list,
    a percentage or date by the predicate's value kind, words as the data gives them; about
    and its unit beside."""
    if isinstance(v, dict):
        lo, hi = v.get("min"), v.get("max")
        shown: Any = (Msg("analysis.value.range", lo=Num(lo), hi=Num(hi)) if lo is not None and hi is not None
                      else Msg("analysis.value.at_least", v=Num(lo)) if lo is not None
                      else Msg("analysis.value.at_most", v=Num(hi)))
    elif isinstance(v, (int, float)) and not isinstance(v, bool):
        if unit and unit in _currencies():  # an amount: in millions and billions compact (50.3B / 503億)
            money = Msg("analysis.value.money", v=v, unit=Unit(unit)) if abs(v) >= 1e6 else Money(v, unit)
            return Msg("analysis.value.about", v=money) if approx else money
        shown = Msg("analysis.value.percent", v=Num(v)) if kind == "percent" else Num(v)
    elif isinstance(v, list):
        shown = Listed([value_said(x) for x in v])
    elif kind == "date":
        shown = Msg("analysis.value.date", d=str(v))
    else:  # words as the data gives them; a status word by its label (bankrupt / 破產)
        shown = Msg(f"analysis.status_value.{v}") if f"analysis.status_value.{v}" in labels() else str(v)
    if approx:
        shown = Msg("analysis.value.about", v=shown)
    return Msg("analysis.value.unit", v=shown, unit=Unit(unit)) if unit else shown


@cache
def _currencies() -> frozenset[str]:
    from babel.numbers import list_currencies

    return frozenset(list_currencies())


def claim_sentence(names: dict[str, Name], c: dict) -> Msg:
    """A claim in a sentence: its subject, what its predicate says of its object (or value),
    the item or node it is about, and its status (Mikron fabricates Baikal-M at 65 nm (fact))."""
    p = c["predicate"]
    value = c.get("value")
    if value is None and c.get("value_json"):
        value = json.loads(c["value_json"])
    known = vocabulary().predicates.get(p)
    said = value_said(value, c.get("unit"), bool(c.get("approx")), known.value_kind if known else None) \
        if value is not None else None
    obj = name_of(names, c["object"]) if c.get("object") else said
    key = f"analysis.phrase.{p}"
    what = Msg(key, obj=obj if obj is not None else "—") if key in labels() else Predicate(p, obj=obj)
    q = c.get("qualifiers") or {}
    q = json.loads(q) if isinstance(q, str) else q
    if c.get("object") and said is not None:
        extra: Any = Msg("analysis.claim.value", value=said)
    elif isinstance(q.get("item"), str):
        extra = Msg("analysis.claim.item", item=name_of(names, q["item"]))
    elif isinstance(q.get("node_nm"), (int, float)):
        extra = Msg("analysis.claim.node", node=q["node_nm"])
    else:
        extra = ""
    return Msg("analysis.claim", subject=name_of(names, c["subject"]), what=what, extra=extra, status=status(c["status"]))


def as_dict(obj: Any, lang: str | None = None, english: dict[str, str] | None = None) -> dict:
    """A dataclass as a dict: every field as it is, each `Msg` field said in `lang` (English
    without one; `english` gives fields already said in English, not to say them again), the
    `msg` field's label key beside it as `code`; sentences nested in dicts and lists said too."""
    lang = norm_lang(lang)
    said = english if lang == "en" and english else {}
    out: dict = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if isinstance(value, Msg) and f.name == "msg":
            out["code"] = value.code
        out[f.name] = said[f.name] if f.name in said else jsonable(value, lang)  # new dicts and lists
    return out
