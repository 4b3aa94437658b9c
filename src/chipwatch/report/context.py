"""What every section builder shares: the store's claims, entities and sources (read once),
the report language, the register of notes (one number per claim, in order of first
citation) and the figures so far."""

from __future__ import annotations

import re

from chipwatch.api import Chipwatch
from chipwatch.frames import rows, text
from chipwatch.i18n import labels, name_in, t
from chipwatch.report.document import Evidence, Figure, Note, Source


def _text(value) -> str | None:
    """A cell as text, or None when missing or empty."""
    return text(value) or None


def _ideograph(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def _latin(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "%)")


def fill(template: str, **fields: str) -> str:
    """`template` with its {fields} filled; in Chinese text a space goes between an ideograph
    of the template and Latin letters or digits of a field (在 2023 年, 取得 EDA 軟體), as
    the article writes. Field text itself (quotes) is never changed."""
    out = []
    for i, part in enumerate(re.split(r"(\{[a-z]+\})", template)):
        if i % 2 == 0:
            out.append(part)
            continue
        value = fields.get(part[1:-1], "")
        before = out[-1][-1:] if out and out[-1] else ""
        if value and before and _ideograph(before) and _latin(value[0]):
            value = " " + value
        out.append(value)
        out.append("\0")  # marks the end of a field for the next literal part
    joined = "".join(out)
    return re.sub(r"([A-Za-z0-9%)])\0(?=[\u3400-\u9fff])", r"\1 ", joined).replace("\0", "")


class Context:
    """The store, read once, and the notes cited so far."""

    def __init__(self, cw: Chipwatch, lang: str):
        self.cw = cw
        self.lang = lang
        self.zh = lang == "zh-TW"
        self.claims: dict[str, dict] = {c["id"]: c for c in cw.claims_with_evidence(cw.claims())}
        self.entities: dict[str, dict] = {e["id"]: e for e in rows(cw.store.sql(
            "SELECT id, type, country, label_en, label_zh FROM entities"))}
        self.sources: dict[str, dict] = {s["id"]: s for s in rows(cw.sources())}
        self.country_codes = {e["country"]: i for i, e in self.entities.items()
                              if e["type"] == "country" and _text(e["country"])}
        self._notes: dict[str, int] = {}
        self.figures: list[Figure] = []

    # labels ------------------------------------------------------------------
    def t(self, key: str, **values) -> str:
        """The label `key` filled with `values`; in Chinese, spaced around Latin text."""
        if not self.zh or not values:
            return t(key, self.lang, **values)
        return fill(labels()[key][self.lang], **{k: str(v) for k, v in values.items()})

    def name(self, entity_id: str | None) -> str:
        """An entity's display name in the report language (the id if unknown)."""
        if not entity_id:
            return ""
        e = self.entities.get(entity_id)
        if e is None:
            return entity_id
        return name_in(self.lang, _text(e["label_en"]), _text(e["label_zh"])) or entity_id

    def country(self, code: str) -> str:
        """A country's name from its ISO code (the code if no entity has it)."""
        entity = self.country_codes.get(code)
        return self.name(entity) if entity else code

    def join(self, items: list[str]) -> str:
        return self.t("report.list.sep").join(i for i in items if i)

    def figure(self, title: str, caption: str, chart, notes: list[int]) -> Figure:
        """A numbered figure from an Altair chart (rendered to SVG now)."""
        from chipwatch.report.charts import to_svg

        number = len(self.figures) + 1
        fig = Figure(number, title, caption, to_svg(chart, f"fig{number}"), notes)
        self.figures.append(fig)
        return fig

    # notes -------------------------------------------------------------------
    def notes(self, claim_ids) -> list[int]:
        """Note numbers for these claims (numbered on first citation); ids that are not
        claims in the store (assumptions, list entries) are left out."""
        out = []
        for cid in claim_ids:
            if cid not in self.claims:
                continue
            if cid not in self._notes:
                self._notes[cid] = len(self._notes) + 1
            n = self._notes[cid]
            if n not in out:
                out.append(n)
        return sorted(out)

    def endnotes(self) -> list[Note]:
        """Every note cited, in number order, with the evidence of its claim."""
        out = []
        for cid, number in sorted(self._notes.items(), key=lambda kv: kv[1]):
            out.append(Note(number, cid, [self._evidence(e) for e in self.claims[cid]["evidence"]]))
        return out

    def cited_sources(self) -> list[Source]:
        """The sources the notes quote, the article first, then by id."""
        used = {e["source"] for cid in self._notes for e in self.claims[cid]["evidence"]}
        out = []
        for sid in sorted(used, key=lambda s: (self.sources.get(s, {}).get("kind") != "article", s)):
            s = self.sources.get(sid)
            if s is None:
                continue
            out.append(Source(sid, _text(s["title"]) or sid, self.source_by(sid), _text(s["url"]), _text(s["language"])))
        return out

    def source_by(self, source_id: str) -> str:
        """`author or publisher (date)` of a source."""
        s = self.sources.get(source_id) or {}
        who = _text(s.get("author")) or _text(s.get("publisher")) or ""
        date = _text(s.get("date"))
        return f"{who} ({date})" if who and date else who or date or ""

    def _evidence(self, e: dict) -> Evidence:
        s = self.sources.get(e["source"]) or {}
        footnote = s.get("footnote")
        return Evidence(
            source_title=_text(s.get("title")) or e["source"], source_by=self.source_by(e["source"]),
            url=_text(s.get("url")), locator=_text(e.get("locator")), quote=e["quote"],
            quote_lang=_text(s.get("language")),
            translation=None if self.zh else _text(e.get("translation")),
            footnote=int(footnote) if _text(footnote) else None)
