"""Labels in English and Traditional Chinese (zh-TW) for the explorer and the reports.

UI strings live in this folder's YAML files (`key: {en: …, zh-TW: …}`), one file per part:
`report.*` in report.yaml, `analysis.*` in analysis.yaml, …: a key lives in the file named by
its first part when there is one, else in ui.yaml (the explorer's own keys are `ui.*` there).
Adding a file `<part>.yaml` therefore claims every `<part>.*` key: ui.yaml may hold none of them
(loading says which). Types, statuses, tags and predicates take their labels from the model's
vocabulary; generated sentences are `message.Msg`s over these labels.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from chipwatch.errors import ChipwatchError

LANGS = ("en", "zh-TW")
ALIASES = {"en": "en", "en-us": "en", "en-gb": "en", "zh-tw": "zh-TW", "zh-hant": "zh-TW", "zh": "zh-TW"}


def norm_lang(lang: str | None) -> str:
    """'en' or 'zh-TW' from any common spelling; a clear error otherwise."""
    if lang is None:
        return "en"
    got = ALIASES.get(lang.strip().lower())
    if got is None:
        raise ChipwatchError(f"language '{lang}': use en or zh-TW")
    return got


DEFAULT_PART = "ui"


@cache
def _part(stem: str) -> dict[str, dict[str, str]]:
    """The labels of one file, each with text in every language."""
    from chipwatch import yamldata

    path = Path(__file__).parent / f"{stem}.yaml"
    out = yamldata.load(path.read_text(encoding="utf-8")) or {}
    for key, value in out.items():
        missing = [lang for lang in LANGS if not isinstance(value, dict) or not value.get(lang)]
        if missing:
            raise ChipwatchError(f"{path.name}: label '{key}' has no {', '.join(missing)} text")
        if _stem_of(key) != stem:
            raise ChipwatchError(f"{path.name}: label '{key}' belongs in {_stem_of(key)}.yaml")
    return out


def _stem_of(key: str) -> str:
    return _stem_of_first(key.split(".", 1)[0])


@cache
def _stem_of_first(first: str) -> str:
    """The file a key lives in: the one named by its first part if there is one (report.*
    in report.yaml), else ui.yaml — so one label costs one file, not all of them."""
    return first if first != DEFAULT_PART and (Path(__file__).parent / f"{first}.yaml").is_file() else DEFAULT_PART


@cache
def labels() -> dict[str, dict[str, str]]:
    """Every label of every file."""
    out: dict[str, dict[str, str]] = {}
    for path in sorted(Path(__file__).parent.glob("*.yaml")):
        out.update(_part(path.stem))
    return out


def t(key: str, lang: str, **values) -> str:
    """The label `key` in `lang`, with {placeholders} filled from `values`."""
    entry = _part(_stem_of(key)).get(key)
    if entry is None:
        raise KeyError(f"no label '{key}' in chipwatch/i18n/{_stem_of(key)}.yaml")
    text = entry[norm_lang(lang)]
    return text.format(**values) if values else text


def vocab(kind: str, key: str, lang: str) -> str:
    """The vocabulary's label of a type, status, tag or predicate."""
    from chipwatch.model.vocabulary import vocabulary

    return vocabulary().label(kind, key, "zh-Hant" if norm_lang(lang) == "zh-TW" else "en")


def name_in(lang: str, label_en: str | None, label_zh: str | None) -> str:
    """An entity's display name: Chinese first in zh-TW, English first in en."""
    first, second = (label_zh, label_en) if norm_lang(lang) == "zh-TW" else (label_en, label_zh)
    return first or second or ""
