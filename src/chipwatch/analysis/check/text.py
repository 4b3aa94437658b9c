"""Free text: folding, words, Russian stems, and the lexicon that finds entity names and
contrast terms in quotes."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from chipwatch.analysis.check.common import terms
from chipwatch.names.normalize import name_key

if TYPE_CHECKING:
    from chipwatch.analysis.check.context import Context

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
WORD = re.compile(r"[^\W_]+")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def fold(text: str) -> str:
    """Case- and width-folded text, one character for one (so spans map back to the text)."""
    out = []
    for ch in text:
        f = unicodedata.normalize("NFKC", ch).casefold()
        out.append(f if len(f) == 1 else ch.lower())
    return "".join(out).replace("ё", "е")


def _words(text: str) -> list[tuple[str, int, int]]:
    """Runs of letters and digits in a folded text, with their spans (Han excluded)."""
    return [(m[0], m.start(), m.end()) for m in WORD.finditer(text) if not HAN.search(m[0])]


@cache
def _endings() -> tuple[str, ...]:
    return tuple(sorted(terms()["inflection"]["ru"]["endings"], key=len, reverse=True))


def _stem(word: str) -> str:
    rules = terms()["inflection"]["ru"]
    for ending in _endings():
        if word.endswith(ending) and len(word) - len(ending) >= rules["min_stem"]:
            return word[: -len(ending)]
    return word


def _word_matches(text_word: str, name_word: str) -> bool:
    """Equal, or (Russian) the same word inflected: аргона ~ аргон, кремния ~ кремний."""
    if text_word == name_word:
        return True
    if not (CYRILLIC.search(text_word) and CYRILLIC.search(name_word)):
        return False
    rules = terms()["inflection"]["ru"]
    if (len(name_word) >= rules["min_stem"] and text_word.startswith(name_word)
            and len(text_word) - len(name_word) <= rules["max_suffix"]):
        return True
    stem = _stem(text_word)
    return len(stem) >= rules["min_stem"] and stem == _stem(name_word)


@dataclass(frozen=True)
class _Mention:
    concept: str  # an entity id, or term:<group>:<term>
    surface: str  # as written in the text
    start: int
    end: int


class Lexicon:
    """Entity names (any script, aliases included) and contrast terms, found in free text."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.han: dict[str, dict[str, set[str]]] = defaultdict(dict)  # first char -> name -> entities
        self.words: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)  # prefix -> names
        self.term_han: dict[str, dict[str, set[str]]] = defaultdict(dict)
        self.term_words: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
        self.group: dict[str, str] = {}  # concept -> contrast group
        for n in ctx.names:
            if n["entity_id"] in ctx.entities:
                self._add(n["name"], n["entity_id"], self.han, self.words)
        by_key: dict[str, set[str]] = defaultdict(set)
        for n in ctx.names:
            by_key[n["key"]].add(n["entity_id"])
        for group, spec in ctx.terms["footnotes"]["contrast_groups"].items():
            for term, words in spec["terms"].items():
                linked = sorted({e for w in words for e in by_key.get(name_key(w), ()) if e in ctx.entities})
                concept = linked[0] if linked else f"term:{group}:{term}"
                self.group[concept] = group
                for w in words:
                    self._add(w, concept, self.term_han, self.term_words)

    @staticmethod
    def _add(name: str, concept: str, han: dict, words: dict) -> None:
        folded = fold(name)
        if HAN.search(folded):
            squashed = re.sub(r"\s+", "", folded)
            if squashed:
                han[squashed[0]].setdefault(squashed, set()).add(concept)
            return
        toks = tuple(w for w, _, _ in _words(folded))
        if toks:
            words[toks[0][:3]].append((toks, concept))

    def _find(self, text: str, han: dict, words: dict) -> list[_Mention]:
        folded = fold(text)
        found: list[_Mention] = []
        keep = [i for i, ch in enumerate(folded) if not ch.isspace()]
        squashed = "".join(folded[i] for i in keep)
        if HAN.search(squashed):
            for start, ch in enumerate(squashed):
                for name, concepts in han.get(ch, {}).items():
                    if squashed.startswith(name, start):
                        a, b = keep[start], keep[start + len(name) - 1] + 1
                        found.extend(_Mention(c, text[a:b], a, b) for c in concepts)
        toks = _words(folded)
        for i, (tok, _, _) in enumerate(toks):
            for name_toks, concept in words.get(tok[:3], ()):
                if i + len(name_toks) <= len(toks) and all(
                        _word_matches(toks[i + j][0], w) for j, w in enumerate(name_toks)):
                    a, b = toks[i][1], toks[i + len(name_toks) - 1][2]
                    found.append(_Mention(concept, text[a:b], a, b))
        return found

    def mentions(self, text: str) -> list[_Mention]:
        """Entities named in `text` (longest name wins where names overlap: 俄羅斯電子集團 is
        Ruselectronics, not Russia) plus contrast terms (found inside names too: 氫 in
        高純度氫精煉廠)."""
        chosen: list[_Mention] = []
        for m in sorted(self._find(text, self.han, self.words), key=lambda m: (m.start - m.end, m.start)):
            if all(m.end <= c.start or m.start >= c.end or (m.start, m.end) == (c.start, c.end) for c in chosen):
                chosen.append(m)
        extra = [t for t in self._find(text, self.term_han, self.term_words)
                 if not any(c.concept == t.concept and c.start <= t.start and t.end <= c.end for c in chosen)]
        return chosen + extra

    def contrast(self, a: str, b: str) -> bool:
        """Do a and b exclude one another (different members of one group, or two places
        neither of which lies inside the other)?"""
        if a == b:
            return False
        ga, gb = self.group.get(a), self.group.get(b)
        if ga and ga == gb:
            return True
        ea, eb = self.ctx.entities.get(a), self.ctx.entities.get(b)
        if ea and eb and ea["type"] == eb["type"] and ea["type"] in self.ctx.terms["footnotes"]["contrast_types"]:
            return not self.ctx.contained(a, b)
        return False
