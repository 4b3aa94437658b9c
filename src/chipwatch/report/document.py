"""The report as data, before any format: sections of blocks made of plain text pieces that
carry their note numbers and status badges. The HTML and Markdown templates add the markup
(and the escaping); nothing here holds markup."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Text:
    """A piece of plain text with the notes it cites and, for a claim, its status badge.
    `lang` is set when the text is in another language than the report (quotes, messages)."""

    text: str
    notes: list[int] = field(default_factory=list)
    badge: str | None = None  # status key: fact, reported, …, assumed
    badge_label: str | None = None
    lang: str | None = None
    sub: list[Text] = field(default_factory=list)  # lines shown beneath, smaller


@dataclass
class Paragraph:
    parts: list[Text]
    kind: str = "paragraph"


@dataclass
class Items:
    """A bulleted list, optionally under a small heading."""

    items: list[Text]
    heading: str | None = None
    kind: str = "items"


@dataclass
class Table:
    columns: list[str]
    rows: list[list[Text]]
    caption: str | None = None
    numeric: list[int] = field(default_factory=list)  # indexes of right-aligned columns
    nowrap: list[int] = field(default_factory=list)  # indexes of columns kept on one line
    kind: str = "table"


@dataclass
class Figure:
    number: int
    title: str
    caption: str
    svg: str
    notes: list[int] = field(default_factory=list)
    kind: str = "figure"


@dataclass
class Section:
    """A top-level section (h2) or a subsection (h3) with its blocks."""

    id: str
    title: str
    blocks: list = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)
    part: str | None = None  # the part heading that opens before this section, if any


@dataclass
class Evidence:
    source_title: str
    source_by: str  # author or publisher, and date
    url: str | None
    locator: str | None
    quote: str
    quote_lang: str | None
    translation: str | None
    footnote: int | None  # the article's own footnote number, for footnote sources


@dataclass
class Note:
    """One endnote: a claim and every piece of evidence behind it."""

    number: int
    claim: str
    evidence: list[Evidence]


@dataclass
class Source:
    id: str
    title: str
    by: str
    url: str | None
    language: str | None


@dataclass
class Report:
    lang: str
    title: str
    subtitle: str
    meta: list[str]
    reading: list[Text]
    legend: list[Text]  # one badge per status, with its label
    sections: list[Section]
    notes: list[Note]
    sources: list[Source]
    figures: list[Figure]
    labels: dict[str, str]  # headings the templates need (contents, notes, sources, badges, …)

    def counts(self) -> dict[str, int]:
        return {"sections": len(self.sections), "footnotes": len(self.notes),
                "sources": len(self.sources), "charts": len(self.figures)}
