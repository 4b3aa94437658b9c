"""The report as PDF: the HTML page printed by WeasyPrint (A4, page numbers, Noto CJK fonts
so Chinese renders). Nothing is fetched: the page is self-contained and any URL is refused."""

from __future__ import annotations

import logging
from pathlib import Path

from chipwatch.errors import ChipwatchError
from chipwatch.report.document import Report
from chipwatch.report.to_html import render_html


def _no_fetch(url: str, *args, **kwargs):
    raise ChipwatchError(f"the report does not fetch {url}: it is self-contained")


def write_pdf(report: Report, path: Path) -> None:
    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # its warnings about CSS it ignores are noise here
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    HTML(string=render_html(report), url_fetcher=_no_fetch).write_pdf(path)
