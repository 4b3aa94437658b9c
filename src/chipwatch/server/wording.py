"""How the explorer says values in the reader's language: generated sentences (a `Msg` beside
a module's English text), country and language codes as names, short labels apart from
their definitions, numbers and dates per locale, and text in another script marked with its
language (`lang`), so that a page in Chinese says which of its words are proper names,
quotes or data in English or Russian."""

from __future__ import annotations

import re
from typing import Any

from babel import Locale
from markupsafe import Markup, escape

from chipwatch.i18n import labels, norm_lang, t
from chipwatch.i18n.message import LOCALES, date, number, say

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
PAGE_LANG = {"en": "en", "zh-TW": "zh-Hant-TW"}


def said(x: Any, field: str = "text", lang: str = "en", msg: str = "msg") -> str:
    """A module's sentence in `lang`: its `msg` (a Msg, or already said) if it has one, else
    its English `field` — so a page works before and after its producer gives a `msg`."""
    if isinstance(x, dict):
        return say(x.get(msg) or x.get(field), lang)
    return say(getattr(x, msg, None) or getattr(x, field, None), lang)


LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z'’.-]*(?:[\s,;:()/&+–-]+[A-Za-z][A-Za-z'’.-]*){2,}")


def names_in(x: Any, lang: str) -> list[str]:
    """The proper names and plain-text values a sentence (`Msg`) is made of, as said in `lang`,
    those written in another script than the page's: what its page marks with their `lang`."""
    from chipwatch.i18n.message import Msg, Name

    page = "zh" if norm_lang(lang) == "zh-TW" else "en"
    found: list[str] = []

    def walk(v: Any) -> None:
        if isinstance(v, Msg):
            for w in v.values.values():
                walk(w)
        elif isinstance(v, (list, tuple)):
            for w in v:
                walk(w)
        elif isinstance(v, (Name, str)):
            text = say(v, lang)
            if text and script_of(text) not in (None, page) and text not in found:
                found.append(text)
        elif isinstance(getattr(v, "items", None), (list, tuple)):  # a list said as one (analysis Listed, Joined)
            walk(v.items)

    walk(x)
    return found


def with_names(text: Any, names: list[str] | None, lang: str) -> Markup:
    """`text` escaped, each of `names` in it wrapped as a proper name in its own language."""
    out = escape("" if text is None else str(text))
    if not names:
        return out
    pattern = re.compile("|".join(re.escape(str(escape(n))) for n in sorted(names, key=len, reverse=True)))
    return Markup(pattern.sub(lambda m: str(marked(Markup(m.group(0)).unescape(), lang, name=True)), str(out)))


def script_of(text: str) -> str | None:
    """The language a text is written in, by its script: 'en' for English words (three in a
    row, even with a Chinese gloss inside), 'zh' (CJK), 'ru' (Cyrillic), 'en' (Latin letters),
    None (no letters: numbers, codes of digits, punctuation)."""
    if LATIN_RUN.search(text):
        return "en"
    if CJK.search(text):
        return "zh"
    if CYRILLIC.search(text):
        return "ru"
    if LATIN.search(text):
        return "en"
    return None


def marked(value: Any, lang: str, name: bool = False, tag: str = "span", known: str | None = None) -> Markup:
    """`value` escaped; wrapped in `<span lang=…>` when its script is not the page's language
    (`known`: the language it is written in when the data says so, e.g. a source's), with
    `translate="no"` for a proper name."""
    text = "" if value is None else str(value)
    script = known if known not in (None, "", "und") else script_of(text)
    page = "zh" if norm_lang(lang) == "zh-TW" else "en"
    if not text or script is None or script.split("-")[0].lower() == page:
        return escape(text)
    code = "zh-Hant" if script == "zh" else script
    extra = ' translate="no"' if name else ""
    return Markup(f'<{tag} lang="{escape(code)}"{extra}>{escape(text)}</{tag}>')


def label_or(key: str, lang: str, default: str) -> str:
    """The label `key` in `lang` if ui.yaml has one, else `default`."""
    return t(key, lang) if key in labels() else default


def lang_attr(value: Any, lang: str) -> Markup:
    """` lang="en"` for an element (an <option>, which holds no markup) whose text is in
    another script than the page's; empty otherwise."""
    text = "" if value is None else str(value)
    script, page = script_of(text), "zh" if norm_lang(lang) == "zh-TW" else "en"
    if script is None or script == page:
        return Markup("")
    return Markup(f' lang="{"zh-Hant" if script == "zh" else script}"')


def country(code: str | None, lang: str) -> str:
    """An ISO country code (or EU) as the locale names it: 'CN' -> 中國 / China; codes CLDR
    no longer names (SU) from ui.yaml."""
    if not code:
        return ""
    return label_or(f"country.{code.upper()}", lang, LOCALES[norm_lang(lang)].territories.get(code.upper()) or code)


def unit(code: str | None, lang: str) -> str:
    """A unit as words ('wafer_200mm/month' -> 片 8 吋約當晶圓／月); one without a label as it is."""
    return label_or(f"unit.{code}", lang, code) if code else ""


def qualifier_value(key: str, value: Any, lang: str) -> Any:
    """A qualifier's value for a reader: numbers per locale (a node in nm with its unit),
    dates per locale, lists joined; text as it is."""
    from chipwatch.model.vocabulary import vocabulary

    q = vocabulary().qualifiers.get(key)
    if isinstance(value, list):
        return "、".join(str(qualifier_value(key, v, lang)) for v in value) if norm_lang(lang) == "zh-TW" \
            else ", ".join(str(qualifier_value(key, v, lang)) for v in value)
    kind = q.kind if q is not None else None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{num(value, lang)}%" if kind == "percent" else num(value, lang)
    if kind == "date" and isinstance(value, str):
        return day(value, lang)
    if kind == "enum" and isinstance(value, str):
        return label_or(f"enum.{key}.{value}", lang, value)
    return value


def language(tag: str | None, lang: str) -> str:
    """A language tag as the locale names it: 'zh-Hant' -> 繁體中文, 'und' -> 未指定語言."""
    if not tag:
        return ""
    if tag == "und":
        return t("lang.und", lang)
    loc: Locale = LOCALES[norm_lang(lang)]
    try:
        parsed = Locale.parse(tag.replace("-", "_"))
    except (ValueError, TypeError, Exception):  # babel raises UnknownLocaleError for tags it lacks
        return loc.languages.get(tag.split("-")[0], tag)
    got = parsed.get_display_name(loc) or tag
    return got.replace(" (", "（").replace(")", "）") if norm_lang(lang) == "zh-TW" else got


def short(label: str) -> str:
    """A vocabulary label without its explanation in parentheses: 'faces a constraint or
    risk (value says which, …)' -> 'faces a constraint or risk'."""
    return re.sub(r"\s*\(.*$", "", label).strip() or label


def num(value: Any, lang: str, spec: str = "") -> str:
    """A number per locale ('—' for none); text passes as it is."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return number(value, lang, spec)


def day(value: Any, lang: str) -> str:
    """A date, year-month or year per locale ('' for none)."""
    if value in (None, ""):
        return ""
    return date(str(value), lang)
