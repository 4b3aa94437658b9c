"""What every check shares: the terms table (terms.yaml), the Finding record, reading rows,
JSON values, and the wording of lists and numbers in messages.

A finding's sentence is a `Msg` (`msg`, a label in i18n/check.yaml) said in English as
`message`; `to_dict(lang)` says it, the kind and the severity in another language."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from chipwatch import yamldata
from chipwatch.analysis.wording import Num, as_dict
from chipwatch.i18n import labels, norm_lang, t, vocab
from chipwatch.i18n.message import Msg
from chipwatch.model.vocabulary import vocabulary
from chipwatch.store.read import Store

TERMS = Path(__file__).with_name("terms.yaml")


@cache
def terms() -> dict:
    """The terms table (terms.yaml), loaded once."""
    return yamldata.load(TERMS.read_text(encoding="utf-8"))


@dataclass
class Finding:
    """One inconsistency: what kind, how serious, a sentence, the claims and the particulars."""

    kind: str
    severity: str  # error | warning | info
    message: str  # the sentence in English (str(msg))
    claims: list[str]
    details: dict = field(default_factory=dict)
    msg: Msg | None = None  # the sentence, to say in any language

    @property
    def kind_label(self) -> Msg:
        """The kind's short label (name variant / 名稱拼寫相近)."""
        return Msg(f"check.kind.{self.kind}")

    @property
    def severity_label(self) -> Msg:
        return Msg(f"check.severity.{self.severity}")

    def to_dict(self, lang: str | None = None) -> dict:
        """Every field; `msg`, `kind_label` and `severity_label` said in `lang` (default English)."""
        lang = lang or "en"
        return {**as_dict(self, lang, {"msg": self.message}), "kind_label": self.kind_label.text(lang),
                "severity_label": self.severity_label.text(lang)}


def finding(kind: str, severity: str, msg: Msg, claims: list[str], details: dict) -> Finding:
    """A finding whose message is `msg` said in English."""
    return Finding(kind=kind, severity=severity, message=str(msg), claims=claims, details=details, msg=msg)


class Field(Msg):
    """A claim's field by name: as the data names it in English (valid_from, wafer_inch), by
    its label in Chinese (起始日期, 晶圓尺寸（英寸）)."""

    def __init__(self, name: str):
        super().__init__("check.field", name=name)

    def text(self, lang: str) -> str:
        name = self.values["name"]
        if norm_lang(lang) == "en":
            return name
        key = f"check.field.{name}"
        if key in labels():
            return t(key, lang)
        qualifier = name.removeprefix("qualifiers.")
        return vocab("qualifier", qualifier, lang) if qualifier in vocabulary().qualifiers else name


def fetch(store: Store, query: str) -> list[dict]:
    cur = store.con.execute(query)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


def from_json(text):
    if text is None:
        return None
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return None


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def num(x) -> str:
    """A figure as the details show it: whole numbers as integers, grouped from 10,000 on."""
    return Num(x).text("en")
