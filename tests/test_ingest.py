"""The ingest pipeline: readers, sentences, gazetteer mentions, figures, cues, patterns."""

from __future__ import annotations

from pathlib import Path

import pytest

from chipwatch.dataset import load_dataset
from chipwatch.errors import ChipwatchError
from chipwatch.ingest.figures import dates, quantities
from chipwatch.ingest.gazetteer import Gazetteer
from chipwatch.ingest.patterns import load_language
from chipwatch.ingest.pipeline import ingest_document, slug
from chipwatch.ingest.readers import Document, read_document
from chipwatch.ingest.sentences import language_of, split
from chipwatch.model.quantity import parse_quantity, same_quantity

DATA = Path(__file__).parent / "data" / "ingest"


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.from_entities(load_dataset(DATA / "dataset").entities)


def _pdf(path: Path, lines: list[str]) -> None:
    """A one-page PDF with a text layer (Helvetica, one line per Tj)."""
    body = "BT /F1 12 Tf 72 720 Td " + " ".join(f"({t}) Tj 0 -16 Td" for t in lines) + " ET"
    objs = ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            f"<< /Length {len(body)} >>\nstream\n{body}\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = b"%PDF-1.4\n", []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{o}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(out)


def test_sentences_per_language():
    assert split("據推測米克朗的製程範圍為250-65奈米。尼托爾生產多晶矽！還有嗎？", "zh-Hant") == [
        "據推測米克朗的製程範圍為250-65奈米。", "尼托爾生產多晶矽！", "還有嗎？"]
    en = split("Nitol produces polysilicon in Jan. 2023 at a capacity of 500 tons. OFAC acted.", "en")
    assert en == ["Nitol produces polysilicon in Jan. 2023 at a capacity of 500 tons.", "OFAC acted."]
    assert split("По данным ТАСС, Микрон планирует выпуск. Это т.е. пример.", "ru") == [
        "По данным ТАСС, Микрон планирует выпуск.", "Это т.е. пример."]
    assert (language_of("米克朗 Mikron"), language_of("Микрон планирует"), language_of("OFAC designated")) == ("zh-Hant", "ru", "en")
    with pytest.raises(ChipwatchError, match="no patterns for this language"):
        split("x", "de")


def test_gazetteer_in_every_script(gaz):
    found = gaz.find("台积电与台積電、Микрона и Микроном, TSMCX, 基於Mikron Group")
    assert [(m.entity, m.text) for m in found] == [
        ("tsmc", "台积电"), ("tsmc", "台積電"), ("mikron", "Микрона"), ("mikron", "Микроном"), ("mikron", "Mikron Group")]


def test_dates_in_three_languages():
    assert [d.value for d in dates("2022年2月24日，2023年9月與2024年")] == ["2022-02-24", "2023-09", "2024"]
    assert [d.value for d in dates("On February 24, 2022 and in Jan. 2023 and 1 March 2024")] == ["2022-02-24", "2023-01", "2024-03-01"]
    assert [d.value for d in dates("24 февраля 2022 года, в марте 2024 года")] == ["2022-02-24", "2024-03"]


def test_quantities_with_units():
    zh = quantities("米克朗的製程範圍為250-65奈米，月產能5 千片 8 英寸晶圓片/月，純度6N，占30%")
    assert [(f.kind, f.value, f.unit) for f in zh] == [
        ("quantity", {"min": 65, "max": 250}, "nm"), ("quantity", 5000, "wafer_200mm/month"),
        ("purity", "6N", None), ("percent", 30, None)]
    en = quantities("5,000 200-mm wafers per month")[0]
    assert same_quantity(parse_quantity(en.value, en.unit), parse_quantity(zh[1].value, zh[1].unit))
    ru = quantities("выпуск 65 нм, 500 тонн в год, 1.5 млрд рублей")
    assert [(f.value, f.unit) for f in ru] == [(65, "nm"), (500, "t/year"), (1_500_000_000, "RUB")]


def test_status_cues_use_the_dataset_mapping():
    zh, en, ru = (load_language(x) for x in ("zh", "en", "ru"))
    assert zh.status("據推測米克朗")[0] == "speculated" and zh.status("據悉米克朗")[0] == "reported"
    assert zh.status("計劃在2025年")[0] == "planned" and zh.status("米克朗生產")[0] == "fact"
    assert en.status("TSMC reportedly made it")[0] == "reported" and en.status("It plans to build")[0] == "planned"
    assert en.status("It is possibly so")[0] == "speculated"
    assert ru.status("По данным ТАСС")[0] == "reported" and ru.status("Микрон планирует")[0] == "planned"


def _said(result) -> set[tuple]:
    return {(c.subject, c.predicate, c.object or repr(c.value), c.status, c.pattern) for c in result.candidates}


def test_chinese_text_to_candidates(gaz):
    r = ingest_document(read_document(DATA / "zh.txt"), "fx-zh", gaz)
    assert r.language == "zh-Hant" and r.sentences == 3
    assert _said(r) == {
        ("mikron", "process_range", "{'min': 65, 'max': 250}", "speculated", "zh-process-range"),
        ("nitol", "produces", "polysilicon", "fact", "zh-produces"),
        ("baikal-electronics", "designs", "baikal-m", "fact", "zh-designs"),
        ("tsmc", "fabricates", "baikal-m", "fact", "zh-fabricates")}
    fab = next(c for c in r.candidates if c.predicate == "fabricates")
    assert fab.qualifiers == {"node_nm": 28} and fab.valid_from == "2020" and fab.locator == "¶2 s2"
    assert fab.quote == "貝加爾電子在 2020 年推出 Baikal-M 處理器，原採用台積電 28 奈米製程代工。"


def test_html_text_to_candidates(gaz):
    doc = read_document(DATA / "en.html")
    assert doc.kind == "html" and "var x" not in doc.text  # scripts are not text
    r = ingest_document(doc, "fx-en", gaz)
    assert _said(r) == {
        ("mikron", "sanctioned_by", "ofac", "fact", "en-designated"),
        ("tsmc", "fabricates", "baikal-m", "reported", "en-fabricated-by"),
        ("nitol", "produces", "polysilicon", "fact", "en-produces"),
        ("nitol", "capacity", "500", "fact", "en-capacity")}
    sanction = next(c for c in r.candidates if c.predicate == "sanctioned_by")
    assert sanction.valid_from == "2022-02-24" and sanction.locator == "¶2 s1"


def test_russian_text_proposes_new_entities(gaz):
    r = ingest_document(read_document(DATA / "ru.txt"), "fx-ru", gaz)
    assert ("nitol", "produces", "polysilicon", "reported", "ru-produces") in _said(r)
    assert ("mikron", "process_node", "65", "planned", "ru-process") in _said(r)
    deal = next(c for c in r.candidates if c.predicate == "agreement_with")
    assert deal.object == "ooo-novyy-zavod" and deal.valid_from == "2024-03"
    assert deal.new_entities == [{"id": "ooo-novyy-zavod", "type": "company", "name": "ООО «Новый Завод»", "lang": "ru"}]


def test_every_quote_is_verbatim_in_the_text(gaz):
    for name in ("zh.txt", "en.html", "ru.txt"):
        doc = read_document(DATA / name)
        squashed = "".join(doc.text.split())
        for c in ingest_document(doc, "x", gaz).candidates:
            assert "".join(c.quote.split()) in squashed, (name, c.quote)


def test_pdf_is_read(tmp_path, gaz):
    _pdf(tmp_path / "rule.pdf", ["OFAC designated Mikron on February 24, 2022."])
    doc = read_document(tmp_path / "rule.pdf")
    assert doc.kind == "pdf"
    assert [(c.subject, c.object, c.valid_from) for c in ingest_document(doc, "pdf", gaz, "en").candidates] == [
        ("mikron", "ofac", "2022-02-24")]


def test_bad_input_is_one_line(tmp_path):
    (tmp_path / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    with pytest.raises(ChipwatchError, match="not UTF-8 text"):
        read_document(tmp_path / "latin1.txt")
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 nothing here")
    with pytest.raises(ChipwatchError, match="not a readable PDF|no text layer"):
        read_document(tmp_path / "broken.pdf")
    with pytest.raises(ChipwatchError, match="no such file"):
        read_document(tmp_path / "absent.txt")
    (tmp_path / "en.yaml").write_text("patterns:\n  - {id: a, predicate: owns, match: '{S} x {O}'}\n", encoding="utf-8")
    with pytest.raises(ChipwatchError, match="unknown predicate 'owns'"):
        load_language("en", tmp_path)
    (tmp_path / "ru.yaml").write_text("patterns:\n  - {id: a, predicate: produces, match: '{S} ) {O}'}\n", encoding="utf-8")
    with pytest.raises(ChipwatchError, match="not a regular expression"):
        load_language("ru", tmp_path)


def test_slug_of_a_new_name():
    assert slug("ООО «Новый Завод»") == "ooo-novyy-zavod" and slug("Acme Ltd.") == "acme-ltd"


def test_document_paragraphs_join_chinese_lines():
    doc = Document("米克朗的製程\n範圍為 65 奈米\n\nSecond   paragraph\nline two", "text")
    assert doc.paragraphs() == ["米克朗的製程範圍為 65 奈米", "Second paragraph line two"]


def test_gazetteer_from_the_store_name_index(tmp_path):
    from chipwatch.store import build_store

    build_store([DATA / "dataset"], tmp_path / "cw.duckdb")
    gaz = Gazetteer.from_store(tmp_path / "cw.duckdb")
    assert [(m.entity, m.type) for m in gaz.find("OFAC 制裁了台积电和 Микрон")] == [
        ("ofac", "state_body"), ("tsmc", "company"), ("mikron", "company")]


def test_russian_ner_proposes_organisations_the_graph_does_not_know(gaz):
    """natasha (its model inside its wheel) finds НМ-Тех, which neither the gazetteer nor the
    name shapes of ru.yaml know: it comes back as a proposed new entity, not a silent one."""
    assert load_language("ru").ner == "natasha"
    r = ingest_document(Document("Микрон и НМ-Тех подписали соглашение в 2024 году.", "text"), "ner", gaz, "ru")
    [c] = r.candidates
    assert (c.subject, c.predicate, c.object, c.valid_from) == ("mikron", "agreement_with", "nm-tekh", "2024")
    assert c.new_entities == [{"id": "nm-tekh", "type": "company", "name": "НМ-Тех", "lang": "ru"}]


def test_listed_mentions_share_the_claim(gaz):
    zh = ingest_document(Document("尼托爾、米克朗及貝加爾電子依賴台積電、Nitol等。", "text"), "l", gaz, "zh-Hant")
    assert {(c.subject, c.object) for c in zh.candidates if c.predicate == "depends_on"} == {
        ("nitol", "tsmc"), ("mikron", "tsmc"), ("mikron", "nitol"), ("baikal-electronics", "tsmc"),
        ("baikal-electronics", "nitol")}
    en = ingest_document(Document("TSMC supplied chips to Mikron, Nitol and Baikal Electronics.", "text"), "l", gaz, "en")
    assert [(c.subject, c.object) for c in en.candidates] == [
        ("tsmc", "mikron"), ("tsmc", "nitol"), ("tsmc", "baikal-electronics")]
    pair = ingest_document(Document("米克朗與尼托爾合作。", "text"), "l", gaz, "zh-Hant")
    assert [(c.subject, c.predicate, c.object) for c in pair.candidates] == [("mikron", "cooperates_with", "nitol")]


def test_aliases_find_short_forms_and_short_capitals_keep_their_case(gaz):
    found = {(m.text, m.entity) for m in gaz.find("Treasury and the U.S. Department of the Treasury sanctioned Mikron; Минфин США тоже.")}
    assert found >= {("Treasury", "ofac"), ("U.S. Department of the Treasury", "ofac"), ("Минфин США", "ofac"), ("Mikron", "mikron")}
    assert [m.entity for m in gaz.find("The US added Mikron.")] == ["united-states", "mikron"]
    assert [m.entity for m in gaz.find("They told us about Mikron.")] == ["mikron"]  # "us" is no mention of the US
    plain = Gazetteer([("arm", "technology", "ARM"), ("x", "company", "Nitol")], with_aliases=False)
    assert [m.entity for m in plain.find("ARM cores, not an arm")] == ["arm"]
    assert Gazetteer([("ofac", "state_body", "OFAC")], with_aliases=False).find("Treasury") == []


def test_implied_subjects_read_as_the_entity_named_last(gaz):
    text = "OFAC designated Mikron on February 24, 2022.\n\nThe company also makes polysilicon. This rule imposes sanctions on Nitol."
    got = {(c.subject, c.predicate, c.object, c.quote.split()[0]) for c in ingest_document(Document(text, "text"), "s", gaz, "en").candidates}
    assert ("mikron", "produces", "polysilicon", "The") in got  # "the company": Mikron, named in the sentence before
    assert ("nitol", "sanctioned_by", "ofac", "This") in got  # "this rule": OFAC's, the state body named last
    alone = {c.subject for c in ingest_document(Document("The company also makes polysilicon.", "text"), "s", gaz, "en").candidates}
    assert alone == set()  # no entity named before: nothing is implied


def test_a_gap_slot_that_names_no_entity_keeps_the_nearest_object(gaz):
    sentence = "After OFAC acted, the United States is adding new Mikron license requirements."
    got = {(c.subject, c.object) for c in ingest_document(Document(sentence, "text"), "s", gaz, "en").candidates}
    assert got == {("mikron", "united-states")}


def test_implied_objects_and_enumerated_subjects(gaz):
    def claims(text: str, lang: str) -> set:
        return {(c.subject, c.object, c.pattern) for c in ingest_document(Document(text, "text"), "s", gaz, lang).candidates}

    en = "The Treasury acted on Thursday.\n\nAlso named were AO Vektor, a software firm, Mikron as well as Nitol, the Treasury said."
    assert claims(en, "en") == {("mikron", "ofac", "en-also-named"), ("nitol", "ofac", "en-also-named")}
    ru = "Минфин США объявил о новых санкциях. Также под санкциями - АО «Микрон» (Зеленоград) и «Нитол»."
    assert claims(ru, "ru") == {("mikron", "ofac", "ru-under-sanctions"), ("nitol", "ofac", "ru-under-sanctions")}
    assert claims("Также под санкциями - АО «Микрон».", "ru") == set()  # no state body named: no object to imply


def test_name_shapes_keep_their_capitals(gaz):
    from chipwatch.ingest.pipeline import _spans

    sentence = "Also named were AO Vektor and Vektor Trading LLC."
    new = [t[3]["name"] for t in _spans(sentence, gaz.find(sentence), load_language("en")) if t[0] == "N"]
    assert new == ["Vektor Trading LLC"]  # not "Also named were AO": lower-case words are no part of a name


def test_a_dropped_chinese_subject_is_the_topic_named_before(gaz):
    text = "尼托爾於 2006 年與台積電簽署協議，產品售予米克朗。\n\n並高度依賴美國的設備，也供應米克朗。"
    got = {(c.subject, c.predicate, c.object, c.pattern) for c in ingest_document(Document(text, "text"), "s", gaz, "zh-Hant").candidates
           if c.pattern.endswith("-dropped")}
    # the topic of the sentence before is 尼托爾 (named first), not 米克朗 (named last)
    assert got == {("nitol", "depends_on", "united-states", "zh-depends-on-dropped"),
                   ("nitol", "supplies", "mikron", "zh-supplies-dropped")}
    assert [c for c in ingest_document(Document("並高度依賴美國的設備。", "text"), "s", gaz, "zh-Hant").candidates] == []


def test_the_nearest_body_lists_an_enumeration(gaz):
    text = "The US said the Treasury has added 21 entities to its list, including Mikron; hardware company Nitol; and others."
    got = {(c.subject, c.object): c.pattern for c in ingest_document(Document(text, "text"), "s", gaz, "en").candidates}
    assert set(got) == {("mikron", "ofac"), ("nitol", "ofac")}  # not the US: the Treasury is nearest the verb
    assert got[("nitol", "ofac")] == "en-listed-including"  # the enumeration goes on past the semicolon
