"""The zh-TW report says the analysis' and the scenario files' sentences in Chinese where
they come with a Chinese form (a `msg`, a `why_zh`), and marks as English only what has
none."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

import chipwatch.report.consistency_section as C
from chipwatch.i18n import t
from chipwatch.i18n.message import Msg
from chipwatch.report.context import Context
from chipwatch.report.phrasing import Phrasing
from chipwatch.report.scenarios_section import unit, why


def _finding(msg: Msg | None, message: str) -> SimpleNamespace:
    return SimpleNamespace(kind="number_mismatch", severity="warning", message=message, claims=[], details={}, msg=msg)


@pytest.mark.parametrize("lang", ["en", "zh-TW"])
def test_a_finding_is_said_in_the_report_language(cw, monkeypatch, lang):
    said = Msg("report.section.scenarios")  # any label with both texts stands for a finding's sentence
    monkeypatch.setattr(C, "check", lambda store: [_finding(said, "English only"), _finding(None, "No Chinese form")])
    ctx = Context(cw, lang)
    section = C.consistency_section(ctx, Phrasing(ctx))
    items = [b for b in section.blocks if hasattr(b, "items")][0].items
    texts = [(x.text, x.lang) for item in items for x in [item, *item.sub]]
    if lang == "zh-TW":
        assert (t("report.section.scenarios", "zh-TW"), None) in texts
        assert ("No Chinese form", "en") in texts  # marked as English, not passed off as Chinese
        assert all("English only" not in text for text, _ in texts)
    else:
        assert any(text.endswith(": " + t("report.section.scenarios", "en")) for text, _ in texts)
        assert any(text.endswith(": No Chinese form") for text, _ in texts)


def test_a_reason_is_in_chinese_when_the_file_gives_one(cw):
    zh, en = Context(cw, "zh-TW"), Context(cw, "en")
    part = {"why": "SMIC stops  serving\nRussian designers", "why_zh": "中芯國際停止\n為俄羅斯設計公司代工"}
    assert (why(zh, part).text, why(zh, part).lang) == ("中芯國際停止為俄羅斯設計公司代工", None)
    assert (why(en, part).text, why(en, part).lang) == ("SMIC stops serving Russian designers", "en")
    only_en = SimpleNamespace(why="no Chinese reason", why_zh=None)
    assert (why(zh, only_en).text, why(zh, only_en).lang) == ("no Chinese reason", "en")


def test_units_are_words_in_the_report_language(cw):
    pytest.importorskip("chipwatch.scenarios.words")
    zh = Context(cw, "zh-TW")
    said = unit(zh, "wafer_200mm/month")
    assert said != "wafer_200mm/month" and any("\u4e00" <= ch <= "\u9fff" for ch in said)
    assert unit(zh, "furlongs") == "furlongs" and unit(zh, None) == ""
