"""Generated sentences in both languages: values formatted per locale (Babel)."""

import datetime as dt

import pytest

from chipwatch.i18n import _part
from chipwatch.i18n.message import Money, Msg, Name, date, number, say


@pytest.fixture
def label(monkeypatch):
    """A label added to ui.yaml's labels for the test."""
    labels = _part("ui")

    def add(key: str, en: str, zh: str) -> str:
        monkeypatch.setitem(labels, key, {"en": en, "zh-TW": zh})
        return key
    return add


def test_numbers_per_locale():
    assert number(4889203.64, "en", ",.2f") == "4,889,203.64"
    assert number(0.049, "en", ".1%") == "4.9%"
    assert number(0.049, "zh-TW", ".1%") == "4.9%"
    assert number(70.0, "en", "g") == "70"
    assert number(12500, "en") == "12,500"
    assert number(4_900_000, "zh-TW", "compact") == "490萬"


def test_money_and_dates_per_locale():
    assert Money(4889203.64, "EUR").text("en") == "€4,889,203.64"
    assert "4,889,203.64" in Money(4889203.64, "EUR").text("zh-TW")
    assert date("2022-12", "zh-TW") == "2022年12月"
    assert date("2022", "zh-TW") == "2022 年"
    assert date(dt.date(2024, 2, 23), "en") == "Feb 23, 2024"
    assert date("2024-02-23", "zh-TW") == "2024年2月23日"
    assert date("not a date", "en") == "not a date"


def test_message_renders_each_language(label):
    key = label("test.share", "{who} holds {share:.0%} of {items}.", "{who}持有{items}的 {share:.0%}。")
    m = Msg(key, who=Name("Mikron", "微米"), share=0.75, items=["wafers", "masks"])
    assert m.text("en") == "Mikron holds 75% of wafers and masks."
    assert m.text("zh-TW") == "微米持有wafers和masks的 75%。"
    assert str(m) == m.text("en")
    assert m.to_dict("zh-TW") == {"code": key, "text": m.text("zh-TW"),
                                  "values": {"who": "Mikron", "share": 0.75, "items": ["wafers", "masks"]}}


def test_nested_message_and_say(label):
    inner = label("test.inner", "one fab", "一座晶圓廠")
    outer = label("test.outer", "made by {how}", "由{how}製造")
    m = Msg(outer, how=Msg(inner))
    assert m.text("zh-TW") == "由一座晶圓廠製造"
    assert say(m, "en") == "made by one fab"
    assert say("SMIC", "zh-TW") == "SMIC" and say(None, "en") == ""


def test_jsonable_says_every_sentence(label):
    from chipwatch.i18n.message import jsonable

    key = label("test.j", "{n:,} rows", "{n:,} 列")
    out = jsonable({"findings": [{"msg": Msg(key, n=12500), "score": 0.5}], "who": Name("SMIC", "中芯國際")}, "zh-TW")
    assert out == {"findings": [{"msg": "12,500 列", "score": 0.5}], "who": "中芯國際"}
