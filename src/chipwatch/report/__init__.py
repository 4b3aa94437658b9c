"""Reports: `chipwatch report --lang zh-TW|en --format html|pdf|md -o FILE`.

The report follows the article (materials, design, fabrication, the four cooperation modes,
the limits) and adds computed sections (technology gap, chokepoints, scenarios, sanctions
timeline, consistency findings). Every statement is a claim written out as a sentence with
its status badge and a note; the notes quote the sources verbatim. Charts are Altair specs
rendered offline to SVG; the PDF is the HTML printed by WeasyPrint.

    build.py      the report as data (document.py), from the store, in one language
    article.py, gap_section.py, chokepoints_section.py, scenarios_section.py,
    sanctions_section.py, consistency_section.py   one builder per section kind
    phrasing.py   claims as sentences; context.py the store read once and the notes
    charts.py     Altair -> SVG; to_html.py, to_pdf.py, to_markdown.py the formats
    templates/    report.html, report.md.j2, report.css
"""

from __future__ import annotations

from pathlib import Path

from chipwatch.api import Chipwatch
from chipwatch.errors import ChipwatchError
from chipwatch.i18n import norm_lang

FORMATS = ("html", "pdf", "md")
MAX_DRAWS = 1_000_000


def write_report(cw: Chipwatch, path: str | Path, lang: str = "en", fmt: str = "html", draws: int = 2000,
                 seed: int = 1) -> dict[str, int]:
    """Write the report to `path` in `fmt` (html, pdf or md) and `lang` (en or zh-TW);
    `draws` Monte Carlo draws per scenario (0: point solutions only) with `seed`.
    Returns counts to print: sections, footnotes, sources, charts."""
    from chipwatch.report.build import build_report

    lang = norm_lang(lang)
    if fmt not in FORMATS:
        raise ChipwatchError(f"--format {fmt}: use one of {', '.join(FORMATS)}")
    if not 0 <= draws <= MAX_DRAWS:
        raise ChipwatchError(f"--draws {draws}: give 0 to {MAX_DRAWS:,}")
    path = Path(path)
    if path.is_dir():
        raise ChipwatchError(f"{path}: is a directory; give a file name, e.g. {path / ('report.' + fmt)}")
    if not path.parent.exists():
        raise ChipwatchError(f"{path.parent}: no such folder")
    report = build_report(cw, lang, draws, seed)
    if fmt == "html":
        from chipwatch.report.to_html import render_html

        path.write_text(render_html(report), encoding="utf-8")
    elif fmt == "md":
        from chipwatch.report.to_markdown import write_markdown

        write_markdown(report, path)
    else:
        from chipwatch.report.to_pdf import write_pdf

        write_pdf(report, path)
    return report.counts()
