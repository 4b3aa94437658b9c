"""The model: partial dates, quantities and units, purity, the vocabulary."""

import pytest

from chipwatch.model.dates import PartialDate, valid_during
from chipwatch.model.quantity import (
    parse_purity,
    parse_quantity,
    parse_unit,
    purity_quantity,
    same_quantity,
)
from chipwatch.model.vocabulary import vocabulary


@pytest.mark.parametrize("text", ["2022", "2022-02", "2022-02-24", 2022])
def test_partial_dates_round_trip(text):
    assert str(PartialDate.parse(text)) == str(text)


@pytest.mark.parametrize("text,why", [
    ("2022-13", "months run 01-12"), ("0000", "years start at 0001"), ("2022-02-30", "days 01-28"), ("22", "YYYY"), ("2022/02", "YYYY"),
])
def test_bad_dates_say_what_is_right(text, why):
    with pytest.raises(ValueError, match=why):
        PartialDate.parse(text)


def test_partial_date_periods():
    d = PartialDate.parse("2022-02")
    assert (str(d.start), str(d.end)) == ("2022-02-01", "2022-02-28")
    assert str(PartialDate.parse("2024").end) == "2024-12-31"


def test_valid_during_uses_inclusive_partial_periods():
    assert valid_during("2020", "2022", "2021")
    assert valid_during("2020", "2022", "2022-06")
    assert not valid_during("2020", "2022", "2023")
    assert valid_during("2023", None, "2023")
    assert not valid_during("2023", None, "2022-12-31")
    assert valid_during(None, None, "1990")


def test_wafer_capacity_in_chinese_equals_english():
    zh = parse_quantity("5 千片 8 英寸晶圓片/月")
    en = parse_quantity("5000 200 mm wafers per month")
    native = parse_quantity(5000, "wafer_200mm/month")
    assert same_quantity(zh, en) and same_quantity(zh, native)
    assert same_quantity(parse_quantity("月產能大約為 5 千片 8 英寸晶圓片"), en)
    # 8-inch equivalents: a 300 mm wafer is 2.25 of them, a 6-inch wafer 0.5625
    assert parse_quantity("1000 300 mm wafers per month").to("wafer_200mm/month").magnitude == pytest.approx(2250)
    assert not same_quantity(zh, parse_quantity("5000 150 mm wafers per month"))


@pytest.mark.parametrize("text,expected", [
    ("2.5 億美元", (2.5e8, "USD")), ("50 億美元", (5e9, "USD")), ("年產量僅約 500 公噸", (500, "metric_ton / year")),
    ("65 奈米", (65, "nanometer")), ("15 年以上", (15, "year")),
])
def test_written_quantities(text, expected):
    q = parse_quantity(text)
    assert q.magnitude == pytest.approx(expected[0]) and str(q.units) == expected[1]


def test_unknown_unit_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown unit 'widgetz'"):
        parse_unit("widgetz")


def test_currencies_never_convert():
    assert not same_quantity(parse_quantity(1, "USD"), parse_quantity(1, "RUB"))


def test_purity_grades_and_percent_compare():
    assert parse_purity("6N") == 6
    assert parse_purity("99.9999%") == pytest.approx(6)
    assert parse_purity("99.999999%") == pytest.approx(8)  # the article's "6N 級（99.999999%）" is 8 nines
    assert purity_quantity("6N").to("ppm").magnitude == pytest.approx(1)
    with pytest.raises(ValueError, match="N grade"):
        parse_purity("very pure")


def test_vocabulary_has_the_core_predicates_with_labels():
    v = vocabulary()
    core = ["part_of", "owned_by", "controlled_by", "spun_off_from", "successor_of", "taken_over_by", "designs",
            "fabricates", "produces", "process_range", "capacity", "purity", "architecture", "supplies",
            "depends_on", "transits_via", "customer_of", "exports_to", "invested_in", "agreement_with",
            "market_share", "revenue_share", "sanctioned_by", "status", "founded", "member_of", "excluded_from",
            "settles_via"]
    for name in core:
        p = v.predicates[name]
        assert p.en and p.zh_hant, name
    assert v.predicates["fabricates"].allows_subject("company")
    assert not v.predicates["fabricates"].allows_object("country")
    assert v.label("predicate", "fabricates", "zh-Hant") == "代工製造"
