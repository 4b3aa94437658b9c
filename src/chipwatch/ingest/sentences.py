"""Sentences per language: Chinese by its full stops, Russian and English with razdel
(abbreviations that razdel splits after, such as `Jan.` or `Inc.`, are joined back)."""

from __future__ import annotations

import re
from functools import cache

_ZH_END = re.compile(r"[^。！？；!?]*(?:[。！？；!?]+[」』”）)]*|$)")
_ABBREV = re.compile(r"(?:\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Inc|Ltd|Co|Corp|No|Nos|Mr|Ms|Dr|St|"
                     r"U\.S|U\.K|E\.O|Fed|Reg|Sec|approx|vs|ул|г|гг|им|т\.е|т\.к)\.)$", re.I)


def language_of(text: str) -> str:
    """zh-Hant, ru or en, by the script most letters are written in."""
    han = len(re.findall(r"[\u3400-\u9fff]", text))
    cyr = len(re.findall(r"[\u0400-\u04ff]", text))
    lat = len(re.findall(r"[A-Za-z]", text))
    if han and han * 3 >= cyr + lat:
        return "zh-Hant"
    return "ru" if cyr > lat else "en"


def family(lang: str) -> str:
    """The pattern file a language tag uses: zh, ru or en."""
    base = lang.split("-")[0].lower()
    if base not in ("zh", "ru", "en"):
        from chipwatch.errors import ChipwatchError

        raise ChipwatchError(f"--lang {lang}: no patterns for this language; use zh-Hant, zh-Hans, ru or en")
    return base


@cache
def _razdel():
    from razdel import sentenize

    return sentenize


def split(paragraph: str, lang: str) -> list[str]:
    """The sentences of one paragraph, verbatim (each is a substring of the paragraph)."""
    if family(lang) == "zh":
        return [s.strip() for s in _ZH_END.findall(paragraph) if s.strip()]
    out: list[str] = []
    start = None
    for s in _razdel()(paragraph):
        if out and start is not None and _ABBREV.search(out[-1]):
            out[-1] = paragraph[start:s.stop]
            continue
        out.append(s.text)
        start = s.start
    return out
