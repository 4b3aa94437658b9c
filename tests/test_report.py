"""chipwatch report: the article's sections and the computed ones, in en and zh-TW, as HTML,
PDF and Markdown; every note numbered in the body exists and quotes its sources; data is
escaped; mistakes are one-line errors."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from conftest import REPO, assert_user_error, cited_notes, run_cli

from chipwatch.i18n import labels, t

LANGS = ("en", "zh-TW")
FORMATS = ("html", "md", "pdf")
CHART_TITLES = ("report.chart.gap.title", "report.chart.chokepoints.title", "report.chart.scenarios.title")


@pytest.fixture(scope="module")
def report_db(reference_db) -> Path:
    return reference_db


@pytest.fixture(scope="module")
def reports(report_db, tmp_path_factory) -> dict[tuple[str, str], Path]:
    """Every language in every format, written by the command line."""
    folder = tmp_path_factory.mktemp("reports")
    out = {}
    for lang in LANGS:
        for fmt in FORMATS:
            path = folder / f"report-{lang}.{fmt}"
            r = run_cli("report", "--lang", lang, "--format", fmt, "-o", str(path), "--draws", "200", "--seed", "3", db=report_db)
            assert r.code == 0, r
            assert f"wrote {path}" in r.out and "3 charts" in r.out, r
            out[(lang, fmt)] = path
    return out


@pytest.fixture(scope="module")
def claims(report_db) -> dict[str, dict]:
    import chipwatch

    with chipwatch.open(report_db) as cw:
        return {c["id"]: c for c in cw.claims_with_evidence(cw.claims())}


def _html_notes(text: str) -> dict[int, tuple[str, str | None, list[str], str]]:
    """Note number -> (source id, locator, claim ids, the note's text, unescaped)."""
    found = re.findall(r'<li id="note-(\d+)" value="\d+" data-source="([^"]+)" data-claims="([^"]*)"[^>]*>(.*?)</li>', text, re.S)
    out = {}
    for n, source, claims, body in found:
        locator = re.search(r'<span class="locator">(.*?)</span>', body)
        out[int(n)] = (source, html.unescape(locator.group(1)) if locator else None, claims.split(), html.unescape(body))
    return out


def _md_notes(text: str) -> dict[int, str]:
    return {int(n): body for n, body in re.findall(r"^\[\^(\d+)\]: (.*)$", text, re.M)}


# -- every format, both languages --------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_html_notes_exist_and_quote_their_sources(reports, claims, lang):
    """One note per source and locator, each quoting verbatim every passage there that its claims cite."""
    text = reports[(lang, "html")].read_text(encoding="utf-8")
    body, _, back = text.partition('<section class="section back-matter" id="sources">')
    cited = cited_notes(body)
    notes = _html_notes(back)
    assert 80 < len(notes) < len(claims) and cited, "the report cites its sources, a note per place"
    assert cited <= set(notes), f"notes cited but missing: {sorted(cited - set(notes))[:10]}"
    assert set(notes) <= cited, f"notes nobody cites: {sorted(set(notes) - cited)[:10]}"
    assert sorted(notes) == list(range(1, len(notes) + 1))
    places = [(source, locator) for source, locator, _, _ in notes.values()]
    assert len(places) == len(set(places)), "one note per source and locator"
    for n, (source, locator, ids, note) in notes.items():
        assert ids, n
        for claim in ids:
            quoted = [e["quote"] for e in claims[claim]["evidence"] if e["source"] == source and (e["locator"] or None) == locator]
            assert quoted, (n, claim)
            assert all(q in note for q in quoted), (n, claim)
    assert text.count("<svg") == 3 and text.count("<figure") == 3


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_markdown_notes_figures_and_links(reports, claims, lang):
    from chipwatch.report.to_markdown import md

    path = reports[(lang, "md")]
    text = path.read_text(encoding="utf-8")
    body, _, back = text.partition(f"\n## {md(t('report.section.notes', lang))}\n")
    cited = {int(n) for n in re.findall(r"\[\^(\d+)\](?!:)", body)}
    notes = _md_notes(back)
    html_notes = _html_notes(reports[(lang, "html")].read_text(encoding="utf-8"))
    assert cited == set(notes) == set(html_notes)
    for n, (source, locator, ids, _) in html_notes.items():  # the same notes as the HTML, quoted the same
        for claim in ids:
            for e in claims[claim]["evidence"]:
                if e["source"] == source and (e["locator"] or None) == locator:
                    assert str(md(e["quote"])) in notes[n], (n, claim)
    figures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert figures == [f"{path.stem}-fig{i}.svg" for i in (1, 2, 3)]
    for name in figures:
        assert (path.parent / name).read_text(encoding="utf-8").startswith("<svg")
    assert "<" not in re.sub(r"<https?://[^\s>]+>", "", text), "no raw HTML in the Markdown"


@pytest.mark.slow
def test_zh_tw_pdf_has_chinese_text_page_numbers_and_the_charts(reports):
    from pypdf import PdfReader

    pdf = PdfReader(reports[("zh-TW", "pdf")])
    assert len(pdf.pages) > 20
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert "貝加爾電子" in text and "米克朗" in text
    assert t("report.section.scenarios", "zh-TW") in text and t("report.badge.speculated", "zh-TW") in text
    for key in CHART_TITLES:  # the titles are drawn inside the SVG charts only
        assert t(key, "zh-TW") in text, key
    assert f"1 / {len(pdf.pages)}" in text  # page numbers
    assert "「" in text  # Chinese quotes keep their own quotation marks


@pytest.mark.slow
def test_en_pdf_has_english_headings_and_the_charts(reports):
    from pypdf import PdfReader

    text = "\n".join(p.extract_text() for p in PdfReader(reports[("en", "pdf")]).pages)
    for key in ("report.section.materials", "report.section.mode.sanctions-evasion", "report.section.limit.brain-drain",
                "report.section.gap", "report.section.sanctions", "report.section.consistency", *CHART_TITLES):
        assert t(key, "en") in text, key
    assert "Baikal Electronics" in text


@pytest.mark.slow
def test_zh_tw_report_is_in_chinese_en_report_in_english(reports):
    zh = reports[("zh-TW", "html")].read_text(encoding="utf-8")
    en = reports[("en", "html")].read_text(encoding="utf-8")
    assert '<html lang="zh-TW">' in zh and '<html lang="en">' in en
    headings = re.findall(r"<h[234][^>]*>(.*?)</h[234]>", zh)
    assert all(re.search(r"[\u3400-\u9fff]", h) or h.startswith(("P5", "P50")) for h in headings), headings
    for status in ("fact", "reported", "speculated", "planned", "disputed"):
        assert f'badge-{status}">{t(f"report.badge.{status}", "zh-TW")}</span>' in zh
        assert f'badge-{status}">{t(f"report.badge.{status}", "en")}</span>' in en
    assert "台積電代工製造 Baikal-M（2020–2022；28 奈米製程）。" in zh  # Chinese names first
    assert "TSMC fabricates Baikal-M (2020–2022; at 28 nm)." in en
    for mode in ("technology-complementarity", "resource-integration", "sanctions-evasion", "strategic-investment"):
        assert f'id="mode-{mode}"' in zh
    for limit in ("fdpr-risk", "small-civil-market", "brain-drain", "ruble-volatility"):
        assert f'id="limit-{limit}"' in en


@pytest.mark.slow
def test_computed_figures_carry_notes(reports):
    """Every table row with a number in the computed sections cites claims, or is a labelled assumption."""
    text = reports[("en", "html")].read_text(encoding="utf-8")
    computed = text[text.index('id="gap"'):text.index('id="consistency"')]
    rows = re.findall(r"<tr><td.*?</tr>", computed, re.S)
    assert len(rows) > 40
    for row in rows:
        cells = re.sub(r"<[^>]+>", " ", re.sub(r'<sup class="refs">.*?</sup>', "", row))
        if re.search(r"\d", cells):
            assert 'class="ref"' in row or "badge-assumed" in row, cells
    assert "P50" in computed and "SMIC" in computed


# -- escaping, errors ---------------------------------------------------------------------------

@pytest.mark.slow
def test_data_is_escaped_in_html_and_markdown(tmp_path, mini, mini_env):
    evil = "<script>alert(1)</script>"
    with open(mini / "entities.yaml", "a", encoding="utf-8") as fh:
        fh.write(f'- id: evil-corp\n  type: company\n  country: RU\n  names: {{en: "{evil}", zh-Hant: "{evil}"}}\n')
    with open(mini / "claims" / "design.yaml", "a", encoding="utf-8") as fh:
        fh.write("- id: evil-designs-baikal-m\n  subject: evil-corp\n  predicate: designs\n  object: baikal-m\n"
                 "  status: reported\n  evidence:\n    - source: mini-seed\n      locator: ¶1\n"
                 "      quote: 貝加爾電子在 2020 年推出基於 ARM 架構的 Baikal-M 處理器\n")
    db = tmp_path / "mini.duckdb"
    assert run_cli("build", str(mini), db=db, env=mini_env).code == 0
    for lang in LANGS:
        for fmt in ("html", "md"):
            out = tmp_path / f"r-{lang}.{fmt}"
            r = run_cli("report", "--lang", lang, "--format", fmt, "-o", str(out), "--draws", "20", db=db, env=mini_env)
            assert r.code == 0, r
            text = out.read_text(encoding="utf-8")
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
            assert "<script" not in text.lower()
            if fmt == "md":  # and once rendered by a CommonMark renderer
                markdown_it = pytest.importorskip("markdown_it")
                rendered = markdown_it.MarkdownIt("commonmark").enable("table").render(text)
                assert "<script" not in rendered and "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
            # scenarios the small store cannot support say why, in the report
            assert t("report.scenarios.failed", lang, name="baseline", reason="")[:8] in html.unescape(text)


@pytest.mark.parametrize("args, fragment", [
    (("--lang", "xx"), "xx"),
    (("--format", "docx"), "docx"),
    (("--draws", "-5"), "--draws"),
])
def test_bad_options_are_one_line_errors(report_db, tmp_path, args, fragment):
    r = run_cli("report", *args, "-o", str(tmp_path / "r.html"), db=report_db)
    assert_user_error(r, fragment)
    assert len(r.err.strip().splitlines()) == 1, r
    assert not (tmp_path / "r.html").exists()


def test_missing_folder_and_missing_store_are_one_line_errors(report_db, tmp_path):
    r = run_cli("report", "-o", str(tmp_path / "nowhere" / "r.html"), db=report_db)
    assert_user_error(r, "no such folder")
    assert_user_error(run_cli("report", "-o", str(tmp_path / "r.html"), db=tmp_path / "none.duckdb"), "no store")


# -- pieces -------------------------------------------------------------------------------------

def test_every_report_label_used_in_code_exists_in_both_languages():
    package = REPO / "src" / "chipwatch" / "report"
    used = set()
    for path in package.rglob("*.py"):
        used |= set(re.findall(r'"(report\.[a-z0-9_.-]+)"', path.read_text(encoding="utf-8")))
    used -= {"report.html", "report.css", "report.md.j2"}  # the templates' file names
    known = labels()
    assert used and not sorted(k for k in used if k not in known)
    for key, value in known.items():
        if key.startswith("report."):
            assert value["en"] and value["zh-TW"], key


def test_claim_sentences(cw):
    from chipwatch.report.context import Context
    from chipwatch.report.phrasing import Phrasing

    zh, en = Phrasing(Context(cw, "zh-TW")), Phrasing(Context(cw, "en"))
    claim = zh.ctx.claims["mikron-capacity-5000-wafers-month"]
    assert en.sentence(claim) == "Mikron has a production capacity of about 5,000 200-mm wafers a month (monthly capacity (月產能))."
    assert "米克朗的產能為約每月 5,000 片 8 英寸晶圓" in zh.sentence(claim)
    assert zh.sentence(zh.ctx.claims["smic-fabricates-elbrus-16s"]).startswith("中芯國際代工製造 Elbrus-16S（2022 起")
    # 僅足以滿足國內 10% 左右晶片製造的需求: a share of demand met, not a market share
    nitol = en.ctx.claims["nitol-meets-10pct-domestic-chip-demand"]
    assert en.sentence(nitol).startswith("Nitol Group can meet about 10% of the demand for semiconductor-grade polysilicon")
    assert "market share" not in en.sentence(nitol) and "市占率" not in zh.sentence(nitol)
    assert "滿足" in zh.sentence(nitol)
    text = zh.claim("smic-fabricates-elbrus-16s")
    assert text.badge == "speculated" and text.badge_label == "推測" and text.notes == [1]


def test_markdown_escaping():
    from chipwatch.report.to_markdown import anchor, link, md

    assert md("<b>A & B</b> *x* [y](z) a|b") == r"&lt;b&gt;A &amp; B&lt;/b&gt; \*x\* \[y\](z) a\|b"
    assert link("https://example.org/a_b") == "<https://example.org/a_b>"
    assert "<" not in link("javascript:alert(1)<x>").replace("&lt;", "")
    assert anchor("Limit 2: Russia's civil market") == "limit-2-russias-civil-market"


@pytest.mark.parametrize("lang", LANGS)
def test_gap_section_states_its_period_and_lists_foreign_fabs_as_suppliers(report_db, lang):
    """The gap once ranked TSMC and SMIC as Russian laggards; they are suppliers."""
    import chipwatch
    from chipwatch.report.context import Context
    from chipwatch.report.document import Table
    from chipwatch.report.gap_section import gap_section
    from chipwatch.report.phrasing import Phrasing

    with chipwatch.open(report_db) as cw:
        ctx = Context(cw, lang)
        section = gap_section(ctx, Phrasing(ctx), "2021")
        tables = [b for b in section.blocks if isinstance(b, Table)]
        by_caption = {b.caption: b for b in tables}
        suppliers = by_caption[t("report.gap.suppliers_title", lang)]
        assert [r[0].text for r in suppliers.rows] == [ctx.name("tsmc")]
        nodes = next(b for b in tables if b.caption != suppliers.caption and b.caption != t("report.gap.purity_title", lang))
        assert ctx.name("tsmc") not in {r[0].text for r in nodes.rows}
        assert ctx.name("mikron") in {r[0].text for r in nodes.rows}
        assert any("2021" in x.text for b in section.blocks if not isinstance(b, Table) for x in getattr(b, "parts", []))


def test_every_consistency_kind_on_the_bundled_dataset_has_a_label_in_both_languages(cw):
    from chipwatch.analysis.check import check

    kinds = {f.kind for f in check(cw.store)}
    assert {"spelling_variant", "wrong_class", "garbled_text", "title_url_mismatch"} <= kinds
    for kind in kinds:
        label = labels()[f"report.consistency.kind.{kind}"]
        assert label["en"] and label["zh-TW"], kind
