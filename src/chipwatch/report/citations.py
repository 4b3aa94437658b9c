"""Notes as a reader wants them. The section builders number claims (Context.notes); here
the report is renumbered to one note per source and locator, in the order the report first
cites them, each quoting every passage it stands for once; a source's first note gives the
full citation, later ones the short form. Bullets a section repeats are folded into one."""

from __future__ import annotations

import re
from collections.abc import Iterator

from chipwatch.frames import text
from chipwatch.report.context import Context
from chipwatch.report.document import (
    Figure,
    Items,
    Paragraph,
    Quote,
    Section,
    Source,
    SourceNote,
    Table,
    Text,
)

WEB = re.compile(r"^https?://[^\s<>\"']+$")
SHORT_TITLE = {"latin": 32, "cjk": 12}  # characters of a title in a short form
CJK = re.compile(r"[\u3400-\u9fff]")


def web_url(value) -> str | None:
    """The URL if it is an http(s) address (a link); anything else (a local path) is left out."""
    url = text(value).strip()
    return url if WEB.match(url) else None


def _cited(blocks: list) -> Iterator[Text | Figure]:
    """Everything in these blocks that carries note numbers, in reading order."""
    def texts(t: Text) -> Iterator[Text]:
        yield t
        for s in t.sub:
            yield from texts(s)

    for b in blocks:
        if isinstance(b, Paragraph):
            for t in b.parts:
                yield from texts(t)
        elif isinstance(b, Items):
            for t in b.items:
                yield from texts(t)
        elif isinstance(b, Table):
            for row in b.rows:
                for t in row:
                    yield from texts(t)
        elif isinstance(b, Figure):
            yield b


def walk(sections: list[Section]) -> Iterator[Text | Figure]:
    for s in sections:
        yield from _cited(s.blocks)
        yield from walk(s.subsections)


def _key(t: Text) -> tuple:
    return (t.text, t.badge, t.lang, tuple(s.text for s in t.sub))


def _fold_items(items: Items, seen: dict[tuple, Text]) -> None:
    kept = []
    for t in items.items:
        first = seen.get(_key(t))
        if first is None:
            seen[_key(t)] = t
            kept.append(t)
        else:
            first.notes = sorted(set(first.notes) | set(t.notes))
    items.items = kept


def fold_repeats(ctx: Context, section: Section, across: bool, seen: dict | None = None) -> None:
    """Bullets repeated within a list, and (`across`) anywhere in the section and its
    subsections (and before, in `seen`), shown once with the notes of all; a list left empty
    is dropped. Without `across`, a whole list that repeats an earlier one of the section
    says so instead."""
    lists: dict[tuple, str] = {}

    def fold(s: Section, seen: dict) -> None:
        blocks = []
        for b in s.blocks:
            if isinstance(b, Items):
                _fold_items(b, seen if across else {})
                if not b.items:
                    continue
                key = (b.heading, tuple(_key(t) for t in b.items))
                if not across and b.heading and key in lists:
                    notes = sorted({n for t in b.items for n in t.notes})
                    b = Paragraph([Text(ctx.t("report.repeated_list", heading=b.heading, where=lists[key]), notes)])
                else:
                    lists.setdefault(key, s.title)
            blocks.append(b)
        if s.blocks and not blocks:
            blocks = [Paragraph([Text(ctx.t("report.covered_above"))])]
        s.blocks = blocks
        for sub in s.subsections:
            fold(sub, seen)

    fold(section, {} if seen is None else seen)


class Citations:
    """Renumbers a built report from claim notes to source notes."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.claim_of = {n.number: n.claim for n in ctx.endnotes()}
        self.number: dict[tuple[str, str | None], int] = {}
        self.claims: dict[tuple[str, str | None], list[str]] = {}

    def _places(self, claim_id: str) -> list[tuple[str, str | None]]:
        out = []
        for e in self.ctx.claims[claim_id]["evidence"]:
            key = (e["source"], text(e.get("locator")) or None)
            if key not in out:
                out.append(key)
            if claim_id not in self.claims.setdefault(key, []):
                self.claims[key].append(claim_id)
        return out

    def renumber(self, sections: list[Section]) -> None:
        for item in walk(sections):
            numbers = set()
            for old in item.notes:
                for key in self._places(self.claim_of[old]):
                    numbers.add(self.number.setdefault(key, len(self.number) + 1))
            item.notes = sorted(numbers)

    def _quotes(self, key: tuple[str, str | None]) -> list[Quote]:
        src = self.ctx.sources.get(key[0]) or {}
        lang = text(src.get("language")) or None
        out: list[Quote] = []
        for cid in self.claims[key]:
            for e in self.ctx.claims[cid]["evidence"]:
                if (e["source"], text(e.get("locator")) or None) != key:
                    continue
                quote = e["quote"]
                if any(quote in q.text for q in out):
                    continue
                out = [q for q in out if q.text not in quote]  # a longer passage takes in a shorter one
                out.append(Quote(quote, lang, None if self.ctx.zh else text(e.get("translation")) or None))
        return out

    def notes(self) -> list[SourceNote]:
        ctx = self.ctx
        by = {sid: ctx.source_by(sid) for sid, _ in self.number}
        shared = {b for b in by.values() if list(by.values()).count(b) > 1}
        out, seen = [], set()
        for key, n in sorted(self.number.items(), key=lambda kv: kv[1]):
            sid, locator = key
            s = ctx.sources.get(sid) or {}
            title = text(s.get("title")) or sid
            short = by[sid] or title
            if by[sid] in shared or not by[sid]:
                size = SHORT_TITLE["cjk" if CJK.search(title) else "latin"]
                cut = title if len(title) <= size else title[:size].rstrip() + "…"
                short = f"{by[sid]}, {cut}" if by[sid] else cut
            footnote = text(s.get("footnote"))
            out.append(SourceNote(n, sid, sid not in seen, by[sid], title, short, web_url(s.get("url")), locator,
                                  int(footnote) if footnote else None, self._quotes(key), self.claims[key]))
            seen.add(sid)
        return out

    def sources(self) -> list[Source]:
        """The sources the notes quote, the article first, then by id; URLs only when web links."""
        used = {sid for sid, _ in self.number}
        out = []
        for s in self.ctx.cited_sources():
            if s.id in used:
                out.append(Source(s.id, s.title, s.by, web_url(s.url), s.language))
        return out
