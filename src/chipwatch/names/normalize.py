"""Name keys and tokens: the forms two names share when a reader would call them the same.

`name_key` (resolution of knowledge-base names): NFKC, case folding, Traditional -> Simplified
Chinese (OpenCC; keys are Simplified), quotes, guillemets, punctuation and white space removed.

`clean_tokens` (screening): the same normalisation, but the words are kept apart, dots and
apostrophes are dropped inside words (`A.B.C.` -> `abc`, `Qa'ida` -> `qaida`), `&` reads
`and`, and runs of Chinese characters are split from the other scripts around them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

_DROP = re.compile(r"[\s\"'«»“”„‘’`´·・.,，、。:;!?()（）\[\]{}<>《》〈〉「」『』/\\|_\-–—]+")


@cache
def _t2s():
    import opencc  # only for text with Chinese characters

    return opencc.OpenCC("t2s")


@cache
def _s2t():
    import opencc

    return opencc.OpenCC("s2t")


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CYRILLIC = re.compile(r"[\u0400-\u052f]")
# Scripts written without spaces, where one character carries a syllable (Han, kana, Hangul).
_DENSE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\u1100-\u11ff]")
_HAN_RUN = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)")


def has_han(text: str) -> bool:
    return _HAN.search(text) is not None


def has_cyrillic(text: str) -> bool:
    return _CYRILLIC.search(text) is not None


def is_dense(token: str) -> bool:
    """A token in a script of syllables written without spaces (Han, kana, Hangul)."""
    return _DENSE.search(token) is not None


def to_simplified(text: str) -> str:
    """Traditional -> Simplified Chinese; other scripts unchanged."""
    return _t2s().convert(text) if has_han(text) else text


def to_traditional(text: str) -> str:
    return _s2t().convert(text) if has_han(text) else text


@cache
def name_key(name: str) -> str:
    """The matching key of a name: `貝加爾電子`, `贝加尔电子` -> `贝加尔电子`;
    `JSC «MCST»` -> `jscmcst`; `Baikal Electronics` -> `baikalelectronics`."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = text.replace("ё", "е")
    return _DROP.sub("", to_simplified(text))


# --- tokens ---------------------------------------------------------------------------------

_JOINERS = ".'’ʼ`´‘ʻ"  # dropped inside words: A.B.C. -> abc, Qa'ida -> qaida


class _PunctTable(dict):
    """str.translate's table, filled as characters are met: punctuation, symbols,
    separators and control characters -> space; apostrophes and dots -> nothing; & -> ' and '."""

    def __missing__(self, cp: int) -> str | None:
        ch = chr(cp)
        if ch in _JOINERS:
            value = None
        elif ch == "&":
            value = " and "
        elif unicodedata.category(ch)[0] in "PSZC":
            value = " "
        else:
            value = ch  # left as it is
        self[cp] = value
        return value


_PUNCT = _PunctTable()


def _punct_table() -> dict[int, str | None]:
    return _PUNCT


_POSSESSIVE = re.compile(r"(?<=[a-z])['’]s\b")


def clean(name: str) -> str:
    """NFKC, case-folded, Simplified, punctuation as spaces (see the module text); an
    English possessive goes (`Deutsche Bank's` -> `deutsche bank`)."""
    text = unicodedata.normalize("NFKC", name).casefold().replace("ё", "е")
    if has_han(text):
        text = _t2s().convert(text)
    if "'" in text or "’" in text:
        text = _POSSESSIVE.sub("", text)
    return text.translate(_punct_table())


def split_tokens(text: str) -> list[str]:
    """Words of cleaned text; a run of Chinese characters is a word of its own."""
    if not has_han(text):
        return text.split()
    out: list[str] = []
    for word in text.split():
        if has_han(word) and not _HAN_RUN.fullmatch(word):
            out.extend(p for p in _HAN_RUN.split(word) if p)
        else:
            out.append(word)
    return out


def clean_tokens(name: str) -> list[str]:
    return split_tokens(clean(name))


# --- ASCII folding of Latin letters -----------------------------------------------------------

_LATIN_SPECIAL = {"ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "đ": "d", "ð": "d", "ł": "l", "þ": "th",
                  "ı": "i", "ħ": "h", "ŧ": "t", "ŋ": "ng", "ĸ": "k", "ſ": "s"}


def _is_latin(ch: str) -> bool:
    cp = ord(ch)
    return cp < 0x250 or 0x1E00 <= cp <= 0x1EFF or 0x2C60 <= cp <= 0x2C7F or 0xA720 <= cp <= 0xA7FF


@lru_cache(maxsize=200_000)
def ascii_fold(token: str) -> str:
    """Latin letters without their diacritics (`erdoğan` -> `erdogan`, `ß` -> `ss`); letters
    of other scripts, and their combining marks, are left as they are (`й` stays `й`)."""
    if token.isascii():
        return token
    out = []
    for ch in token:
        if ch in _LATIN_SPECIAL:
            out.append(_LATIN_SPECIAL[ch])
        elif _is_latin(ch) and not ch.isascii():
            out.append("".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)))
        else:
            out.append(ch)
    return "".join(out)


def is_latin_text(text: str) -> bool:
    """Every letter of text is Latin (digits and spaces allowed)."""
    return all(_is_latin(ch) or not ch.isalpha() for ch in text)

