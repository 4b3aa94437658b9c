"""Latin spellings of names written in other scripts.

Cyrillic goes through every applicable table of romanise.yaml (BGN/PCGN, scholarly ISO 9,
Ukrainian BGN/PCGN), ICU's Any-Latin (PyICU, installed with followthemoney) and rigour's
transliteration, so `МЦСТ` reaches both `mtsst` and `mcst` and `Байкал` both `baykal` and
`baikal`. Other scripts (Greek, Arabic, Han, kana, Hangul, ...) go through ICU and rigour.
ICU and rigour are optional: without them the tables still cover Cyrillic.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from importlib import resources

from chipwatch import yamldata
from chipwatch.names.normalize import ascii_fold, clean, has_cyrillic, split_tokens


@cache
def _tables() -> tuple[str, dict[str, dict]]:
    data = yamldata.load(resources.files("chipwatch.names").joinpath("romanise.yaml").read_text("utf-8"))
    return data["vowels"], data["schemes"]


def scheme_names() -> list[str]:
    return list(_tables()[1])


def _apply(text: str, scheme: dict, vowels: str) -> str:
    letters, initial = scheme["letters"], scheme.get("initial", {})
    out = []
    prev = " "
    for ch in text:
        if ch in initial and (not prev.isalpha() or prev in vowels or prev in "ъь"):
            out.append(initial[ch])
        else:
            out.append(letters.get(ch, ch))
        prev = ch
    return "".join(out)


@cache
def _icu():
    """ICU transliterators (Any-Latin then Latin-ASCII), or None when PyICU is absent."""
    try:
        import icu  # PyICU
    except ImportError:  # pragma: no cover - depends on the environment
        return None
    return icu.Transliterator.createInstance("Any-Latin; Latin-ASCII")


@cache
def _rigour():
    try:
        # what rigour.text.translit exports, without normality's import
        from rigour._core import maybe_ascii
    except ImportError:  # pragma: no cover - depends on the environment
        return None
    return maybe_ascii


_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_MARKS = str.maketrans("", "", "'ʹʺ")


def _ascii_words(text: str) -> str | None:
    """Lower-case ASCII words of a romanised text, or None if letters of another script remain."""
    words = [ascii_fold(t) for t in split_tokens(clean(text.translate(_MARKS)))]
    text = " ".join(w for w in words if w)
    return text if text and not _NON_ASCII.search(text) else None


@lru_cache(maxsize=200_000)
def _rigour_word(word: str) -> str:
    return _rigour()(word)  # about 0.1 ms a word it has not seen: cached


@lru_cache(maxsize=100_000)
def romanisations(text: str) -> tuple[tuple[str, str], ...]:
    """(scheme, Latin text) for every way this module knows to spell text in Latin letters,
    duplicates kept (the caller says which schemes agreed). Text already Latin gives ()."""
    if not _NON_ASCII.search(ascii_fold(text)):
        return ()
    out: list[tuple[str, str]] = []
    lower = text.casefold()
    if has_cyrillic(text):
        vowels, schemes = _tables()
        for name, scheme in schemes.items():
            if (req := scheme.get("requires")) and not any(ch in lower for ch in req):
                continue
            if (latin := _ascii_words(_apply(lower, scheme, vowels))) is not None:
                out.append((name, latin))
    if _rigour() is not None:
        if (latin := _ascii_words(" ".join(_rigour_word(w) for w in lower.split()))) is not None:
            out.append(("rigour", latin))
    if (icu := _icu()) is not None:
        if (latin := _ascii_words(icu.transliterate(text))) is not None:
            out.append(("icu_any_latin", latin))
    return tuple(out)
