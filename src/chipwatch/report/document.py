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
class Quote:
    text: str  # verbatim, in the source's language
    lang: str | None
    translation: str | None


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
    """A claim and every piece of evidence behind it, as the section builders number them
    (one per claim); the report renumbers them into source notes (SourceNote)."""

    number: int
    claim: str
    evidence: list[Evidence]


@dataclass
class SourceNote:
    """One endnote per source and locator: every quote the report cites from that place. The
    first note of a source gives the full citation; later ones the short form."""

    number: int
    source: str  # source id
    first: bool
    by: str  # author or publisher, and date
    title: str
    short: str  # the short form: `by`, with the title when `by` alone is ambiguous
    url: str | None  # http(s) only
    locator: str | None
    footnote: int | None  # the article's own footnote number, for footnote sources
    quotes: list[Quote]
    claims: list[str]


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
    notes: list[SourceNote]
    sources: list[Source]
    figures: list[Figure]
    labels: dict[str, str]  # headings the templates need (contents, notes, sources, badges, …)

    def counts(self) -> dict[str, int]:
        return {"sections": len(self.sections), "footnotes": len(self.notes),
                "sources": len(self.sources), "charts": len(self.figures)}


def ranges(numbers: list[int]) -> list[tuple[int, int]]:
    """[1, 2, 3, 5, 7, 8] -> [(1, 3), (5, 5), (7, 8)]: note numbers as runs."""
    out: list[tuple[int, int]] = []
    for n in sorted(set(numbers)):
        if out and n == out[-1][1] + 1:
            out[-1] = (out[-1][0], n)
        else:
            out.append((n, n))
    return out
