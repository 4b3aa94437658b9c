"""Records of the data model (Pydantic): Source, Entity, Claim and their parts.

These are the edges of the system: dataset files are parsed into them, exports are
written from them. Field names follow DESIGN.md.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from chipwatch.model.dates import PartialDate

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", description="lowercase slug")]
Status = Literal["fact", "reported", "speculated", "planned", "disputed"]
Lang = Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", description="BCP 47 tag")]


def _partial_date(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError("a date must be written YYYY, YYYY-MM or YYYY-MM-DD")
    return str(PartialDate.parse(value))


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CitedIn(_Record):
    source: Slug
    footnote: int | None = None


class Source(_Record):
    """A document that claims cite: the seed article, each of its footnotes, a list snapshot."""

    id: Slug
    title: str
    author: str | None = None
    publisher: str | None = None
    date: str | None = None
    language: Lang
    kind: Literal["article", "news", "press_release", "report", "note", "list", "dataset", "book", "web"]
    url: str | None = None
    held: str | None = Field(None, description="path of a text we hold, relative to the dataset folder (texts/ID.txt) or else to the shared folder (seeds/…)")
    sha256: str | None = Field(None, pattern=r"^[0-9a-f]{64}$")
    cited_in: CitedIn | None = None
    licence: str | None = None
    note: str | None = None

    _date = field_validator("date", mode="before")(_partial_date)


class Identifier(_Record):
    """An identifier (INN, OGRN, OFAC ent_num …) with the evidence that gives it."""

    scheme: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    value: str
    source: Slug
    locator: str
    quote: str

    @field_validator("value", mode="before")
    @classmethod
    def _text(cls, v: Any) -> Any:
        return str(v) if isinstance(v, int) and not isinstance(v, bool) else v


class Entity(_Record):
    """A company, state body, product, material, country … with names in several scripts."""

    id: Slug
    type: str
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] | None = None
    names: dict[Lang, str] = Field(min_length=1)
    legal_names: dict[Lang, str] = Field(default_factory=dict)
    aliases: list[str] = Field(default_factory=list)
    identifiers: list[Identifier] = Field(default_factory=list)
    note: str | None = None

    def all_names(self) -> list[str]:
        """Every name of the entity: primary, legal and aliases, without repeats."""
        seen: dict[str, None] = {}
        for n in [*self.names.values(), *self.legal_names.values(), *self.aliases]:
            seen.setdefault(n, None)
        return list(seen)

    def label(self, lang: str = "en") -> str:
        for key in (lang, "en", "zh-Hant", *self.names):
            if key in self.names:
                return self.names[key]
        return self.id


class Evidence(_Record):
    """Where a claim comes from: source id, locator and the verbatim quote."""

    source: Slug
    locator: str = Field(min_length=1)
    quote: str = Field(min_length=1)
    translation: str | None = None


class Range(_Record):
    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _bounds(self) -> Range:
        if self.min is None and self.max is None:
            raise ValueError("a range needs min, max or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"range min {self.min} is above max {self.max}")
        return self


class Claim(_Record):
    """One statement with provenance, time and certainty."""

    id: Slug
    subject: Slug
    predicate: str
    object: Slug | None = None
    value: bool | int | float | str | Range | None = None
    unit: str | None = None
    approx: bool = False
    as_written: str | None = None
    qualifiers: dict[str, Any] = Field(default_factory=dict)
    valid_from: str | None = None
    valid_to: str | None = None
    status: Status = "fact"
    tags: list[str] = Field(default_factory=list)
    evidence: list[Evidence] = Field(min_length=1)
    note: str | None = None

    _dates = field_validator("valid_from", "valid_to", mode="before")(_partial_date)

    @model_validator(mode="after")
    def _order(self) -> Claim:
        if self.valid_from and self.valid_to:
            if PartialDate.parse(self.valid_from).start > PartialDate.parse(self.valid_to).end:
                raise ValueError(f"valid_from {self.valid_from} is after valid_to {self.valid_to}")
        return self
