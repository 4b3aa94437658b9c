"""Entity mentions by the knowledge graph's names, in every script.

A sentence and every name are compared in one form: NFKC, case folded, Traditional Chinese
read as Simplified (names.normalize keys are Simplified), so 台積電 finds 台积电 too. Names of
Latin or Cyrillic letters match whole words only; a Cyrillic name may carry a case ending
(Микрона, Микроном). The longest name wins where two overlap."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from chipwatch.names.normalize import has_han, to_simplified

_WORD = r"[A-Za-z0-9\u00c0-\u024f\u0400-\u04ff]"  # letters a Latin or Cyrillic name may not touch
MIN_LEN = 2  # characters in a name's matching form; shorter names (single letters) are ignored
_RU_ENDING = "(?:а|у|ом|е|ы|ов|ам|ами|ах|ой|ую|ая|ое|ого|ому|ым|ых)?"


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


class Gazetteer:
    """Names of entities (id, type, names) compiled into one longest-first expression."""

    def __init__(self, entries: Iterable[tuple[str, str, str]]):
        self.names: dict[str, tuple[str, str]] = {}
        for entity, typ, name in entries:
            form = fold(name.strip())
            if len(form) >= MIN_LEN and not form.isdigit():
                self.names.setdefault(form, (entity, typ))
        parts = [self._pattern(f) for f in sorted(self.names, key=len, reverse=True)]
        self.rx = re.compile("|".join(parts)) if parts else None

    @staticmethod
    def _pattern(form: str) -> str:
        body = re.escape(form)
        if has_han(form[0]) and has_han(form[-1]):
            return body
        ending = _RU_ENDING if re.search(r"[а-я]$", form) else ""
        return rf"(?<!{_WORD}){body}{ending}(?!{_WORD})"

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

    def find(self, sentence: str) -> list[Mention]:
        """The mentions in a sentence, left to right, not overlapping."""
        if self.rx is None:
            return []
        folded = fold(sentence)
        out = []
        for m in self.rx.finditer(folded):
            key = m[0]
            hit = self.names.get(key) or self._stem(key)
            if hit:
                out.append(Mention(hit[0], hit[1], m.start(), m.end(), sentence[m.start():m.end()]))
        return out

    def _stem(self, key: str) -> tuple[str, str] | None:
        for cut in (1, 2, 3):
            if (hit := self.names.get(key[:-cut])) is not None:
                return hit
        return None
