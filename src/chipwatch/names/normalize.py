"""Name keys: the form two names share when a reader would call them the same.

NFKC, case folding, Traditional -> Simplified Chinese (OpenCC; keys are Simplified),
quotes, guillemets, punctuation and white space removed.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import opencc

_DROP = re.compile(r"[\s\"'«»“”„‘’`´·・.,，、。:;!?()（）\[\]{}<>《》〈〉「」『』/\\|_\-–—]+")


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@cache
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def has_han(text: str) -> bool:
    return _HAN.search(text) is not None


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
