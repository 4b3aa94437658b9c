"""The report reads like one: an executive summary computed from the store, one note per
source and locator (full citation first, short form after), no repeated bullets, URLs as
links, no local file paths, chart labels in full."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from conftest import REPO, SHARED, cited_notes, run_cli

from chipwatch.i18n import t
from chipwatch.report.document import Figure, Items, Paragraph, Section, Text, ranges

LANGS = ("en", "zh-TW")


@pytest.fixture(scope="module")
def db(reference_db) -> Path:
    return reference_db


@pytest.fixture(scope="module")
def built(db):
    """The report as data in both languages (point solutions only: the notes do not depend on draws)."""
    import chipwatch
    from chipwatch.report.build import build_report

    with chipwatch.open(db) as cw:
        yield {lang: build_report(cw, lang, 0, 1) for lang in LANGS}


def _texts(blocks) -> list[Text]:
    out = []
    for b in blocks:
        out += getattr(b, "parts", []) + getattr(b, "items", []) + [c for row in getattr(b, "rows", []) for c in row]
    return out


def _all(section: Section) -> list[Text]:
    return _texts(section.blocks) + [x for s in section.subsections for x in _all(s)]


@pytest.mark.parametrize("lang", LANGS)
def test_the_summary_comes_first_and_is_computed_from_the_store(db, built, lang):
    import chipwatch
    from chipwatch.analysis.chokepoints import chokepoints
    from chipwatch.analysis.gap import gap
    from chipwatch.analysis.period import default_as_of
    from chipwatch.report.phrasing import number

    report = built[lang]
    summary = report.sections[0]
    assert summary.id == "summary" and summary.title == t("report.section.summary", lang)
    items = next(b for b in summary.blocks if isinstance(b, Items)).items
    with chipwatch.open(db) as cw:
        as_of = default_as_of(cw.store, None)  # the period the CLI and the explorer default to
        nodes = [g for g in gap(cw.store, as_of) if g.kind == "node"]
        top = chokepoints(cw.store, as_of)[:3]
        n_claims = len(cw.claims())
    best = min(nodes, key=lambda g: g.details["node_nm"])
    gap_item = next(i for i in items if f"{number(best.details['node_nm'])} " in i.text and str(best.years_behind) in i.text)
    assert str(best.details["node_year"]) in gap_item.text and gap_item.notes
    assert f"{n_claims:,}" in items[0].text  # the scope: every claim in the store
    # every note the summary cites quotes a claim the analysis rests on
    by_number = {n.number: n for n in report.notes}

    def quoted(item: Text) -> set[str]:
        return {c for n in item.notes for c in by_number[n].claims}

    assert set(best.claims) <= quoted(gap_item)
    for f in top:
        item = next(i for i in items if i.text.startswith(t("report.summary.chokepoint", lang, rank=f.rank, text="")))
        assert set(f.claims) <= quoted(item), item.text


@pytest.mark.parametrize("lang", LANGS)
def test_one_note_per_source_and_locator_full_then_short(built, lang):
    from chipwatch.report.to_html import render_html

    report = built[lang]
    notes = report.notes
    assert [n.number for n in notes] == list(range(1, len(notes) + 1))
    places = [(n.source, n.locator) for n in notes]
    assert len(places) == len(set(places))
    first: dict[str, int] = {}
    for n in notes:
        first.setdefault(n.source, n.number)
        assert n.first == (first[n.source] == n.number)
        assert n.quotes and len({q.text for q in n.quotes}) == len(n.quotes)  # each passage once
    text = render_html(report)
    repeated = next(n for n in notes if not n.first and n.url)
    full = next(n for n in notes if n.first and n.source == repeated.source)
    li = {int(m.group(1)): m.group(0) for m in re.finditer(r'<li id="note-(\d+)".*?</li>', text, re.S)}
    assert f'<a class="url" href="{html.escape(full.url)}">' in li[full.number]
    assert 'class="short"' in li[repeated.number] and full.url not in li[repeated.number]
    assert html.escape(repeated.short) in li[repeated.number]
    # every number cited in the body is a note; none is left uncited
    body = text[:text.index('id="sources"')]
    assert cited_notes(body) == set(li)


@pytest.mark.parametrize("lang", LANGS)
def test_every_placeholder_is_filled(built, lang):
    texts = [x for s in built[lang].sections for x in _all(s)]
    texts += [s for x in texts for s in x.sub]
    assert len(texts) > 300
    assert not [x.text for x in texts if re.search(r"\{[a-z_]+\}", x.text)]


def test_refs_are_ranges():
    assert ranges([8, 1, 2, 3, 5, 7, 2]) == [(1, 3), (5, 5), (7, 8)]
    from chipwatch.report.to_html import environment

    macro = environment().from_string('{% for a, b in ns | ranges %}{{ a }}{% if b > a %}–{{ b }}{% endif %} {% endfor %}')
    assert macro.render(ns=[4, 5, 6, 9]) == "4–6 9 "


@pytest.mark.parametrize("lang", LANGS)
def test_no_bullet_repeats_in_the_article_part(built, lang):
    report = built[lang]
    article = [s for s in report.sections if s.id in ("overview", "materials", "design", "fabrication", "cooperation",
                                                         "conclusion")]
    assert len(article) == 6
    bullets = [(x.text, x.badge) for s in article for x in _all(s) if x.badge]
    assert len(bullets) > 100 and len(bullets) == len(set(bullets))
    # a list a scenario repeats whole from an earlier one says so instead
    scenarios = next(s for s in report.sections if s.id == "scenarios")
    middle = t("report.repeated_list", lang, heading="\0", where="\0").split("\0")[1]  # `: the same as in “`
    said = [p for sub in scenarios.subsections for b in sub.blocks if isinstance(b, Paragraph) for p in b.parts
            if middle in p.text]
    assert said and all(p.notes for p in said)


def test_folding_merges_notes_and_drops_emptied_lists(db):
    import chipwatch
    from chipwatch.report.citations import fold_repeats
    from chipwatch.report.context import Context

    with chipwatch.open(db) as cw:
        ctx = Context(cw, "en")
    a, b = Text("X.", [1], "fact", "fact"), Text("X.", [3], "fact", "fact")
    first = Section("s1", "One", [Items([a, Text("Y.", [2], "fact", "fact")])])
    second = Section("s2", "Two", [Items([b])])
    seen: dict = {}
    fold_repeats(ctx, first, across=True, seen=seen)
    fold_repeats(ctx, second, across=True, seen=seen)
    assert a.notes == [1, 3] and [x.text for x in first.blocks[0].items] == ["X.", "Y."]
    assert second.blocks == [Paragraph([Text(t("report.covered_above", "en"))])]
    # without `across`, a whole repeated list under a heading is named, with its notes
    s = Section("s", "S", subsections=[Section("a", "Alpha", [Items([Text("Z.", [4])], heading="H")]),
                                       Section("b", "Beta", [Items([Text("Z.", [5])], heading="H")])])
    fold_repeats(ctx, s, across=False)
    assert isinstance(s.subsections[1].blocks[0], Paragraph)
    assert s.subsections[1].blocks[0].parts[0].text == "H: the same as in “Alpha”." and s.subsections[1].blocks[0].parts[0].notes == [5]


def test_urls_are_links_and_no_local_paths(lists_db, tmp_path):
    """With sanctions lists imported from files on this machine, the report names the files, not their paths."""
    for fmt in ("html", "md"):
        out = tmp_path / f"r.{fmt}"
        r = run_cli("report", "--format", fmt, "-o", str(out), "--draws", "0", db=lists_db)
        assert r.code == 0, r
        text = out.read_text(encoding="utf-8")
        for local in (str(SHARED), str(SHARED.resolve()), str(lists_db.parent), str(REPO), "/tmp/", "file:"):
            assert local not in text, local
        assert "sdn-2024-05-03.csv" in text  # the list file, by name
        if fmt == "html":
            links = re.findall(r'<a class="url" href="([^"]+)">', text)
            assert links and all(u.startswith(("http://", "https://")) for u in links)
            assert "https://tass.ru/ekonomika/18256741" in links
        else:
            assert "<https://tass.ru/ekonomika/18256741>" in text


def test_chart_labels_in_full(built):
    from chipwatch.report.charts import chokepoint_chart, to_svg

    label = "7. Angstrom-T／second-hand semiconductor equipment from third countries via Kazakhstan"
    svg = to_svg(chokepoint_chart([{"label": label, "score": 0.5, "kind": "single source"}], "T", "x", "k"), "t")
    assert html.escape(label, quote=False) in svg or label in html.unescape(svg)
    for report in built.values():
        for fig in (b for s in report.sections for b in s.blocks if isinstance(b, Figure)):
            drawn = [html.unescape(x) for x in re.findall(r"<text[^>]*>([^<]*)</text>", fig.svg)]
            assert drawn and not [x for x in drawn if x.endswith("…")], fig.title
