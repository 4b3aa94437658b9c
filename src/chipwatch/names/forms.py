"""All the forms of a name a matcher compares: the name as written (normalised), in
Simplified Chinese, in the Latin spellings of its script, without its legal form, title or
leading article — each with the list of transformations that made it.

    >>> [f.text for f in name_forms("АО «МЦСТ»")]
    ['ао мцст', 'мцст', 'ao mtsst', 'mtsst', 'ao mcst', 'mcst']
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from chipwatch.names.normalize import ascii_fold, clean, has_han, split_tokens, to_simplified
from chipwatch.names.parts import (
    Removed,
    numbers_as_digits,
    strip_article,
    strip_legal_forms,
    strip_titles,
)
from chipwatch.names.romanise import romanisations

PERSON = "person"
ORG = "org"
MAX_TOKENS = 24  # words of a name compared; a longer "name" is cut, so comparing stays cheap


@dataclass(frozen=True, slots=True)
class NameForm:
    """One form of a name: its tokens and how they were made from the name."""

    tokens: tuple[str, ...]
    steps: tuple[str, ...]  # transformations, in the order they were applied
    removed: tuple[Removed, ...] = ()
    script: str = "latin"  # latin | romanised | native (Cyrillic, Han, ... as written)

    @property
    def text(self) -> str:
        return " ".join(self.tokens)

    @property
    def compact(self) -> str:
        return "".join(self.tokens)

    def to_dict(self) -> dict:
        return {"form": self.text, "transformations": list(self.steps),
                "removed": [r.describe() for r in self.removed]}


def kind_of(schema: str | None) -> str | None:
    """person, org, or None (unknown: people and organisations both handled)."""
    if not schema:
        return None
    if schema == "Person":
        return PERSON
    if schema in {"LegalEntity", "Thing"}:
        return None
    return ORG


def _strip(tokens: list[str], kind: str | None) -> tuple[list[str], list[Removed]]:
    removed: list[Removed] = []
    if kind != ORG:
        tokens, r = strip_titles(tokens)
        removed += r
    tokens, r = strip_article(tokens)
    removed += r
    if kind != PERSON or len(tokens) > 1:
        # A person's name can carry a legal form by mistake (Nicolás Maduro LLC).
        tokens, r = strip_legal_forms(tokens)
        removed += r
    return tokens, removed


def _describe(removed: list[Removed]) -> list[str]:
    return [r.describe() + " removed" for r in removed]


@lru_cache(maxsize=200_000)
def name_forms(name: str, kind: str | None = None) -> tuple[NameForm, ...]:
    """The forms of name, the name as written first; kind is 'person', 'org' or None."""
    steps0 = ["normalised (NFKC, case, punctuation)"]
    if has_han(name) and to_simplified(unicodedata.normalize("NFKC", name)) != unicodedata.normalize("NFKC", name):
        steps0.append("Traditional → Simplified")
    raw = split_tokens(clean(name))[:MAX_TOKENS]
    folded = [ascii_fold(t) for t in raw]
    if folded != raw:
        steps0.append("Latin diacritics removed")
    native = not all(t.isascii() for t in folded)
    forms: dict[tuple[str, ...], NameForm] = {}

    def add(tokens: list[str], steps: list[str], removed: list[Removed], script: str) -> None:
        key = tuple(tokens)
        if key and key not in forms:
            forms[key] = NameForm(key, tuple(steps), tuple(removed), script)

    script = "native" if native else "latin"
    add(folded, steps0, [], script)
    stripped, removed = _strip(folded, kind)
    if removed:
        add(stripped, steps0 + _describe(removed), removed, script)
    if not native and (digits := numbers_as_digits(folded)):
        add(digits, steps0 + ["numbers written as digits"], [], script)
        ds, dr = _strip(digits, kind)
        if dr:
            add(ds, steps0 + ["numbers written as digits"] + _describe(dr), dr, script)
    if native:
        variants = [(folded, [])] + ([(stripped, removed)] if removed else [])
        for tokens, gone in variants:
            by_text: dict[str, list[str]] = {}
            for scheme, latin in romanisations(" ".join(tokens)):
                by_text.setdefault(latin, []).append(scheme)
            for latin, schemes in by_text.items():
                steps = steps0 + _describe(gone) + [f"romanised ({', '.join(schemes)})"]
                toks = latin.split()
                add(toks, steps, gone, "romanised")
                rs, rr = _strip(toks, kind)
                if rr:
                    add(rs, steps + _describe(rr), gone + rr, "romanised")
    return tuple(forms.values())


def reduced(forms: tuple[NameForm, ...]) -> tuple[NameForm, ...]:
    """The forms a comparison uses: each form less what could be removed from it (a form
    whose words, in the same script, include all of another form's that lost a legal form,
    title or article gives way to that one). `JSC MCST` -> `mcst`; `MCST` -> `mcst`."""
    if len(forms) < 2:
        return forms
    out = []
    for f in forms:
        words, n = set(f.tokens), len(f.steps)
        if not any(g is not f and g.removed and g.script == f.script
                   and (set(g.tokens) < words or (len(g.steps) > n and g.steps[:n] == f.steps)) for g in forms):
            out.append(f)
    return tuple(out)
