"""Entity mentions by the knowledge graph's names, in every script.

A sentence and every name are compared in one form: NFKC, case folded, Traditional Chinese
read as Simplified (names.normalize keys are Simplified), so 台積電 finds 台积电 too. Names of
Latin or Cyrillic letters match whole words only; a Cyrillic name may carry a case ending
(Микрона, Микроном). The longest name wins where two overlap. A short name in capitals
(US, ARM, КНР) matches only in capitals, so "us" and "arm" are no mentions. Besides the
entities' own names, the gazetteer knows the short forms in `aliases.yaml` (Treasury, US,
Минфин США) for the entities it holds."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from chipwatch.names.normalize import has_han, to_simplified

ALIASES = Path(__file__).parent / "aliases.yaml"
CAPITALS_UP_TO = 5  # a name of this many letters or fewer, all capitals, matches only as written

_WORD = re.compile(r"[a-z0-9\u00c0-\u024f\u0400-\u04ff]")  # what a Latin or Cyrillic name may not touch
MIN_LEN = 2  # characters in a name's matching form; shorter names (single letters) are ignored
_RU_ENDING = re.compile("(?:ами|ого|ому|ом|ов|ам|ах|ой|ую|ая|ое|ым|ых|а|у|е|ы)(?![а-я])")
_RU_LETTER = re.compile("[а-я]")


@dataclass(frozen=True)
class Mention:
    entity: str
    type: str
    start: int
    end: int
    text: str


def fold(text: str) -> str:
    """The matching form of `text`, of the same length (a character whose NFKC form is
    longer or empty keeps its own folded form, so offsets still point into the sentence)."""
    chars = []
    for ch in text:
        f = unicodedata.normalize("NFKC", ch).casefold()
        chars.append(f if len(f) == 1 else ch.casefold()[:1] or ch)
    folded = "".join(chars)
    if has_han(folded):
        simple = to_simplified(folded)
        if len(simple) == len(folded):
            folded = simple
    return folded.replace("ё", "е")


@cache
def aliases() -> dict[str, tuple[str, ...]]:
    """Entity id -> the short forms other texts call it by (aliases.yaml)."""
    from chipwatch.dataset.yamlio import read_yaml

    return {k: tuple(map(str, v)) for k, v in (read_yaml(ALIASES) or {}).items()}


def _capitals(name: str) -> bool:
    letters = [c for c in name if c.isalpha()]
    return 0 < len(letters) <= CAPITALS_UP_TO and all(c.isupper() for c in letters)


class Gazetteer:
    """Names of entities (id, type, names), indexed by their first character."""

    def __init__(self, entries: Iterable[tuple[str, str, str]], with_aliases: bool = True):
        self.names: dict[str, tuple[str, str]] = {}
        self.cased: dict[str, str] = {}  # folded form -> the only way it may be written
        entries = list(entries)
        if with_aliases:
            types = {e: t for e, t, _ in entries}
            entries += [(e, types[e], a) for e, names in aliases().items() if e in types for a in names]
        for entity, typ, name in entries:
            form = fold(name.strip())
            if len(form) >= MIN_LEN and not form.isdigit() and form not in self.names:
                self.names[form] = (entity, typ)
                if _capitals(name.strip()):
                    self.cased[form] = name.strip()
        self.first: dict[str, list[str]] = {}
        for form in sorted(self.names, key=len, reverse=True):
            self.first.setdefault(form[0], []).append(form)

    @classmethod
    def from_entities(cls, entities) -> Gazetteer:
        """From model Entity records (a dataset's entities.yaml)."""
        return cls((e.id, e.type, n) for e in entities for n in [*e.all_names(), e.id.replace("-", " ")])

    @classmethod
    def from_store(cls, db: Path) -> Gazetteer:
        """From the persistent name index of a built store (every name in every script)."""
        from chipwatch.store.read import Store

        with Store(db) as store:
            con = store.con
            types = dict(con.execute("SELECT id, type FROM entities").fetchall())
            rows = con.execute("SELECT entity_id, name FROM names WHERE name IS NOT NULL").fetchall()
        return cls((e, types.get(e, ""), n) for e, n in rows if e in types)

    def _end(self, folded: str, form: str, end: int) -> int | None:
        """Where a match of `form` ending at `end` really ends, or None if it is no match."""
        if has_han(form[-1]):
            return end
        if _RU_LETTER.match(form[-1]) and (m := _RU_ENDING.match(folded, end)):
            end = m.end()
        return None if _WORD.match(folded, end) else end

    def find(self, sentence: str) -> list[Mention]:
        """The mentions in a sentence, left to right, longest first, not overlapping."""
        folded = fold(sentence)
        out, i, n = [], 0, len(folded)
        while i < n:
            forms = self.first.get(folded[i])
            hit = None
            if forms and (has_han(folded[i]) or i == 0 or not _WORD.match(folded, i - 1)):
                for form in forms:
                    if folded.startswith(form, i) and (end := self._end(folded, form, i + len(form))) is not None \
                            and (form not in self.cased or sentence.startswith(self.cased[form], i)):
                        hit = (form, end)
                        break
            if hit:
                entity, typ = self.names[hit[0]]
                out.append(Mention(entity, typ, i, hit[1], sentence[i:hit[1]]))
                i = hit[1]
            else:
                i += 1
        return out
