"""The vocabulary (entity types, predicates, qualifiers, tags, statuses), read from YAML."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from chipwatch import yamldata

VOCABULARY_FILE = Path(__file__).with_name("vocabulary.yaml")


@dataclass(frozen=True)
class Predicate:
    """One predicate: what it links, whether it takes an object and/or a value."""

    name: str
    domain: tuple[str, ...] | None  # None = any type
    range: tuple[str, ...] | None
    object: str  # required | optional | forbidden
    value: str
    value_kind: str | None
    dimension: str | None
    qualifiers: frozenset[str]
    en: str
    zh_hant: str

    def allows_subject(self, type_: str) -> bool:
        return self.domain is None or type_ in self.domain

    def allows_object(self, type_: str) -> bool:
        return self.range is None or type_ in self.range


@dataclass(frozen=True)
class Qualifier:
    name: str
    kind: str  # entity | text | number | percent | date | enum
    values: tuple[str, ...] = ()
    en: str = ""
    zh_hant: str = ""


@dataclass(frozen=True)
class Vocabulary:
    entity_types: dict[str, dict]
    statuses: dict[str, dict]
    tags: dict[str, dict]
    qualifiers: dict[str, Qualifier]
    common_qualifiers: frozenset[str]
    predicates: dict[str, Predicate] = field(default_factory=dict)

    def label(self, kind: str, key: str, lang: str = "en") -> str:
        """The label of a type, status, tag, predicate or qualifier in `lang` (en or zh-Hant)."""
        table = {"type": self.entity_types, "status": self.statuses, "tag": self.tags}.get(kind)
        if kind in ("predicate", "qualifier"):
            p = (self.predicates if kind == "predicate" else self.qualifiers).get(key)
            return ((p.zh_hant if lang.startswith("zh") else p.en) or key) if p else key
        if table is None or key not in table:
            return key
        return table[key].get("zh-Hant" if lang.startswith("zh") else "en", key)

    @property
    def entity_qualifiers(self) -> frozenset[str]:
        """Qualifiers whose values are entity ids (item, place, via, …)."""
        return frozenset(k for k, q in self.qualifiers.items() if q.kind == "entity")

    def allowed_qualifiers(self, predicate: str) -> frozenset[str]:
        p = self.predicates.get(predicate)
        return self.common_qualifiers | (p.qualifiers if p else frozenset())


def _types(value) -> tuple[str, ...] | None:
    if value in (None, "any"):
        return None
    return tuple(value)


@cache
def vocabulary(path: Path = VOCABULARY_FILE) -> Vocabulary:
    """Load (once) and return the vocabulary."""
    raw = yamldata.load(path.read_text(encoding="utf-8"))
    quals = {
        k: Qualifier(k, v["kind"], tuple(v.get("values", ())), v.get("en", ""), v.get("zh-Hant", ""))
        for k, v in raw["qualifiers"].items()
    }
    preds = {
        k: Predicate(
            name=k,
            domain=_types(v.get("domain")),
            range=_types(v.get("range")),
            object=v.get("object", "forbidden"),
            value=v.get("value", "forbidden"),
            value_kind=v.get("value_kind"),
            dimension=v.get("dimension"),
            qualifiers=frozenset(v.get("qualifiers", ())),
            en=v["en"],
            zh_hant=v["zh-Hant"],
        )
        for k, v in raw["predicates"].items()
    }
    return Vocabulary(
        entity_types=raw["entity_types"],
        statuses=raw["statuses"],
        tags=raw["tags"],
        qualifiers=quals,
        common_qualifiers=frozenset(raw["common_qualifiers"]),
        predicates=preds,
    )
