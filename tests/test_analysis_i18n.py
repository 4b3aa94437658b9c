"""The analysis modules' sentences in both languages: every finding on the bundled dataset
said in Traditional Chinese without English phrases (proper names and quotes apart), said in
English as the `str` fields give it, every label with both languages."""

from __future__ import annotations

import json
import re

import pytest

from chipwatch.analysis.check import check
from chipwatch.analysis.chokepoints import chokepoints
from chipwatch.i18n import LANGS, labels
from chipwatch.i18n.message import Msg, Name
from chipwatch.store import Store

LATIN_RUN = re.compile(r"[A-Za-z][\w'’&.-]*(?:[\s,;:/()]+[A-Za-z][\w'’&.-]*){2,}")
HOLE = "◆"  # stands where a name or a quote was taken out, so no run spans it


def data_values(m, lang: str) -> list[str]:
    """The texts in a message that are data, not wording: proper names (`Name`) and plain
    strings (quotes, ids, words as printed), at any depth."""
    out = []
    values = m.values.values() if isinstance(m, Msg) else m
    for v in values:
        if isinstance(v, Name):
            out += [x for x in (v.text(lang), v.en, v.zh) if x]
        elif isinstance(v, str):
            out.append(v)
        elif isinstance(v, Msg):
            out += data_values(v, lang)
        elif isinstance(v, (list, tuple)):
            out += data_values(list(v), lang)
    return out


def english_runs(m: Msg, lang: str = "zh-TW") -> list[str]:
    """Runs of three or more Latin-script words in the message said in `lang`, outside its
    proper names and quotes."""
    text = m.text(lang)
    for value in sorted(set(data_values(m, lang)), key=len, reverse=True):
        if value.strip():
            text = text.replace(value, HOLE)
    return LATIN_RUN.findall(text)


def test_the_checker_finds_english_and_spares_names():
    from chipwatch.analysis.wording import Listed

    assert english_runs(Msg("analysis.single_source.fab", who=Name("Baikal Electronics M"), by=Name("Taiwan Semi Co"),
                            how=Listed([Msg("analysis.status.fact")]))) == []
    # a sentence left in English is caught, whatever its values
    assert english_runs(Msg("analysis.single_source.fab", who=Name("X"), by=Name("Y"), how="z"), "en")
    assert english_runs(Msg("check.quoted", text="a quote in English words")) == []


@pytest.fixture(scope="module")
def store(reference_db):
    with Store(reference_db) as s:
        yield s


@pytest.fixture(scope="module")
def findings(store):
    return chokepoints(store, "2024") + chokepoints(store, "2021") + chokepoints(store, "2024", home="CN")


def test_chokepoints_in_chinese(findings):
    assert findings and {f.kind for f in findings} == {"single_source", "foreign_dependency", "centrality"}
    for f in findings:
        for m in (f.msg, f.reason_msg, f.kind_label):
            assert english_runs(m) == [], m.text("zh-TW")
        assert f.sentence == str(f.msg) and f.reason == str(f.reason_msg)
        zh = f.msg.text("zh-TW")
        assert zh.endswith("。") and zh != f.sentence


def test_chokepoints_say_countries_and_statuses_by_name(findings):
    foreign = next(f for f in findings if f.kind == "foreign_dependency" and f.subject == "CN" and f.as_of == "2024")
    assert foreign.sentence.startswith("Entities in Russia rely on China for ")  # was "RU entities rely on CN"
    assert foreign.msg.text("zh-TW").startswith("俄羅斯的實體在境外供應關係中有 ")
    assert "仰賴中國（占 " in foreign.msg.text("zh-TW") and "北方華創" in foreign.msg.text("zh-TW")
    assert (foreign.to_dict()["name"], foreign.to_dict("zh-TW")["name"]) == ("China", "中國")  # a name for "CN"
    smic = next(f for f in findings if f.details.get("consumer") == "elbrus-16s" and f.as_of == "2024")
    assert smic.sentence.endswith("(speculated).") and smic.msg.text("zh-TW").endswith("（推測）。")
    assert smic.reason_msg.text("zh-TW").startswith("集中度 1.00 × 確定性 ")


def test_chokepoints_as_dicts_in_a_language(findings):
    f = findings[0]
    en, zh = f.to_dict(), f.to_dict("zh-TW")
    assert {"kind", "subject", "sentence", "score", "reason", "claims", "details", "rank", "as_of"} <= set(en)
    assert en["sentence"] == zh["sentence"] == f.sentence  # the English field as it was
    assert en["msg"] == f.sentence and zh["msg"] == f.msg.text("zh-TW") and zh["code"] == f.msg.code
    assert zh["reason_msg"] == f.reason_msg.text("zh-TW") and zh["kind_label"] == f.kind_label.text("zh-TW")
    json.dumps(zh, ensure_ascii=False)


def test_chokepoints_are_found_by_chinese_words(findings):
    from chipwatch.analysis.chokepoints import select

    hits, n = select(findings, q="北方華創")
    assert n >= 2 and all("NAURA" in f.sentence for f in hits)


@pytest.fixture(scope="module")
def problems(store, lists_db):
    with Store(lists_db) as s:
        return check(store) + check(s)


def test_check_findings_in_chinese(problems):
    assert {f.kind for f in problems} >= {"internal_contradiction", "conflicting_values", "footnote_disagrees",
                                          "name_variant", "number_not_in_quote", "garbled_text", "wrong_class",
                                          "spelling_variant", "title_url_mismatch", "founding_date_differs"}
    for f in problems:
        for m in (f.msg, f.kind_label, f.severity_label):
            assert english_runs(m) == [], m.text("zh-TW")
        assert f.message == str(f.msg)
        zh = f.msg.text("zh-TW")
        assert zh.endswith("。") and zh != f.message


def test_check_findings_in_chinese_words(problems):
    by_kind = {f.kind: f.msg.text("zh-TW") for f in problems}
    assert by_kind["internal_contradiction"] == ("尼托爾所達到的矽材純度有兩種互相矛盾的寫法：「6N」（6 個 9）和"
                                                 "「99.999999%」（8 個 9）；陳述記錄的是 6N。")
    assert "依文章所述，米克朗成立於 1964 年" in by_kind["founding_date_differs"]
    conflict = next(f for f in problems if f.kind == "conflicting_values" and f.details["field"] == "item")
    assert conflict.msg.text("zh-TW").startswith("關於「諾里爾斯克鎳業與杭氧集團合作」的兩則陳述在相關品項上互相矛盾：一說氫氣（")
    dates = next(f for f in problems if f.kind == "number_not_in_quote")
    assert "（起始日期）" in dates.msg.text("zh-TW") or "（結束日期）" in dates.msg.text("zh-TW")


def test_check_findings_as_dicts_in_a_language(problems):
    f = problems[0]
    d = f.to_dict("zh-TW")
    assert d["message"] == f.message and d["msg"] == f.msg.text("zh-TW") and d["code"] == f.msg.code
    assert d["severity_label"] == "錯誤" and d["kind_label"] == "陳述自相矛盾"
    json.dumps([p.to_dict("zh-TW") for p in problems], ensure_ascii=False)


def codes(m) -> set[str]:
    """Every label key a message and the messages inside it use."""
    out = {m.code} if isinstance(m, Msg) else set()
    values = m.values.values() if isinstance(m, Msg) else m
    for v in values:
        if isinstance(v, (Msg, list, tuple)):
            out |= codes(v)
    return out


def test_every_label_has_both_languages_and_every_code_a_label(findings, problems):
    for part in ("analysis", "check"):
        table = {k: v for k, v in labels().items() if k.startswith(part + ".")}
        assert len(table) > 20, part
        for key, text in table.items():
            assert all(text.get(lang) for lang in LANGS), key
            en, zh = text["en"], text["zh-TW"]
            # the same placeholders, but for a word given in each language (check.element's {en}, {zh})
            assert set(re.findall(r"\{(\w+)", en)) - {"en", "zh"} == set(re.findall(r"\{(\w+)", zh)) - {"en", "zh"}, key
    used = set()
    for f in findings:
        used |= codes(f.msg) | codes(f.reason_msg) | {f.kind_label.code}
    for f in problems:
        used |= codes(f.msg) | {f.kind_label.code, f.severity_label.code}
    assert used - set(labels()) == set()


@pytest.fixture(scope="module")
def gaps(store):
    from chipwatch.analysis.gap import gap

    return gap(store, "2024") + gap(store, "2021") + gap(store, "2024", country="CN")


def test_gap_in_chinese(gaps):
    assert {g.kind for g in gaps} == {"node", "purity", "supplier"}
    for g in gaps:
        for m in (g.msg, g.best_msg, g.leading_msg, g.kind_label):
            if m is not None:
                assert english_runs(m) == [], m.text("zh-TW")
        assert g.sentence == str(g.msg) and g.best == str(g.best_msg)
        assert g.msg.text("zh-TW").startswith(("截至 ", g.msg.text("zh-TW")[:1])) and g.msg.text("zh-TW").endswith("。")
    mikron = next(g for g in gaps if g.subject == "mikron" and g.as_of == "2024")
    assert mikron.msg.text("zh-TW") == ("截至 2024 年，依現有陳述，米克朗的最佳製程節點為 65 奈米，該世代於 2005 年首次量產："
                                        f"比 {mikron.details['leading_year']} 年的 {mikron.details['leading_node_nm']:g} 奈米"
                                        f"領先製程落後 {mikron.years_behind} 年。")
    smic = next(g for g in gaps if g.subject == "smic" and g.kind == "supplier")
    assert smic.sentence.startswith("SMIC (China) is a foreign supplier, not a capability of Russia")  # was "(CN) … RU"
    assert smic.msg.text("zh-TW").startswith("中芯國際（中國）是境外供應商，並非俄羅斯本身的製造能力")
    assert mikron.to_dict("zh-TW")["best_msg"] == "65 奈米" and mikron.to_dict()["best"] == "65 nm"
    assert (mikron.to_dict()["name"], mikron.to_dict("zh-TW")["name"], mikron.label) == ("Mikron", "米克朗", "Mikron")


def test_dependencies_in_chinese(store):
    from chipwatch.analysis.dependencies import dependencies, summary, with_evidence

    period, lines = dependencies(store, "RU", "CN")
    assert lines
    for line in lines:
        assert english_runs(line.msg) == [] and english_runs(line.stage_label) == [], line.msg.text("zh-TW")
    etch = next(x for x in lines if x.item == "etch-equipment")
    assert etch.msg.text("zh-TW") == "安斯特雷姆-T和米克朗自北方華創取得刻蝕設備（推測）。"
    assert str(etch.msg) == "From NAURA Technology Group to Angstrom-T and Mikron: etch equipment (speculated)."
    said = summary("RU", "CN", period, lines)
    assert said.text("zh-TW").startswith("俄羅斯對中國的依賴（截至 2024 年）：共 ") and english_runs(said) == []
    items = with_evidence(store, lines, "zh-TW")
    assert items[0]["msg"] == lines[0].msg.text("zh-TW") and items[0]["stage_label"] == "原材料"


def test_designations_in_chinese(lists_db):
    from chipwatch.analysis.sanctions import designations

    with Store(lists_db) as s:
        found = designations(s)
    assert found
    for d in found:
        for m in (d.msg, d.conflict_msg):
            if m is not None:
                assert english_runs(m) == [], m.text("zh-TW")
    mikron = next(d for d in found if d.subject == "mikron" and d.authority == "ofac")
    assert mikron.msg.text("zh-TW").startswith("米克朗自 2022 年起遭美國財政部海外資產控制辦公室制裁，制裁計畫：")
    assert mikron.to_dict("zh-TW")["msg"] == mikron.msg.text("zh-TW") and mikron.to_dict()["date"] == mikron.date


def test_timeline_events_in_sentences(store):
    from chipwatch.analysis.timeline import sentences, timeline, with_sentences

    everything = timeline(store)
    said = sentences(store, everything)
    assert len(said) == len(everything) > 50
    for m in said:
        assert english_runs(m) == [], m.text("zh-TW")
        assert m.text("zh-TW").endswith("。") and str(m).endswith(".")
    angstrom = sentences(store, timeline(store, "angstrom-t"))
    assert str(angstrom[0]) == "1963 (predecessor): Angstrom plant was founded in 1963 (fact)."
    assert angstrom[0].text("zh-TW") == "1963 年（前身）：安斯特雷姆工廠成立於 1963 年（事實）。"
    bankrupt = next(m for m in angstrom if "bankrupt" in str(m))
    assert bankrupt.text("zh-TW") == "自 2024年12月起：安斯特雷姆-T狀態為破產（事實）。"
    money = next(m.text("zh-TW") for m in said if "invested in China–Russia Technology Innovation Fund" in str(m))
    assert money.endswith("：50億美元（事實）。")
    table = with_sentences(store, everything, "zh-TW")
    assert list(table.msg) == [m.text("zh-TW") for m in said] and list(table.code) == [m.code for m in said]
    assert list(with_sentences(store, everything).msg) == [str(m) for m in said]


def test_trace_steps_in_sentences(store):
    from chipwatch.analysis.trace import trace
    from chipwatch.analysis.wording import claim_sentence, entity_names

    names = entity_names(store)
    en, zh = trace(store, "baikal-m", "2024"), trace(store, "baikal-m", "2024", lang="zh-TW")
    parts = ("design", "architecture", "fabrication", "equipment_and_materials", "domestic_materials", "channels")
    steps = [(a, b) for p in parts for a, b in zip(en[p], zh[p], strict=True)]
    assert len(steps) > 10
    for a, b in steps:
        m = claim_sentence(names, a)
        assert (a["msg"], b["msg"], a["code"]) == (str(m), m.text("zh-TW"), m.code)
        assert english_runs(m) == [], b["msg"]
    mikron = next((a["msg"], b["msg"]) for a, b in steps if a["subject"] == "mikron" and a["predicate"] == "fabricates")
    assert mikron == ("Mikron fabricates Baikal-M at 65 nm (fact)", "米克朗代工製造Baikal-M（65 奈米製程）（事實）")
    assert en["countries"] == sorted(en["countries"]) and len(zh["country_names"]) == len(en["countries"])
    assert "哈薩克" in zh["country_names"] and "Kazakhstan" in en["country_names"] and zh["name"] == "Baikal-M"
