"""The report as GitHub-flavoured Markdown: `[^n]` footnotes, tables, and each chart as an SVG
file beside the .md (FILE stem + `-fig1.svg`, …) linked from it.

Data is untrusted: the `md` filter turns `&`, `<` and `>` into entities (no HTML gets in) and
backslash-escapes Markdown syntax; links are written only for plain http(s) URLs."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from chipwatch.report.document import Report
from chipwatch.report.to_html import TEMPLATES

_SYNTAX = re.compile(r"([\\`*_\[\]|#~])")
_URL = re.compile(r"^https?://[^\s<>()\[\]`\\]+$")


def md(value) -> Markup:
    """Text from data, safe in Markdown: HTML characters as entities, syntax escaped, one line."""
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = " ".join(text.splitlines())
    return Markup(_SYNTAX.sub(r"\\\1", text))


def quote(value, lang: str | None) -> Markup:
    marks = ("「", "」") if (lang or "").startswith("zh") else ("«", "»") if lang == "ru" else ("“", "”")
    return Markup(marks[0]) + md(value) + Markup(marks[1])


def link(url) -> Markup:
    return Markup(f"<{url}>") if _URL.match(str(url)) else md(url)


def anchor(title) -> str:
    """GitHub's heading anchor: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", str(title).lower()).replace(" ", "-")


@cache
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                      keep_trailing_newline=True)
    env.filters.update(md=md, quote=quote, link=link, anchor=anchor)
    return env


def figure_files(report: Report, path: Path) -> dict[int, Path]:
    return {f.number: path.with_name(f"{path.stem}-fig{f.number}.svg") for f in report.figures}


def write_markdown(report: Report, path: Path) -> None:
    files = figure_files(report, path)
    for f in report.figures:
        files[f.number].write_text(f.svg, encoding="utf-8")
    fields = {k: getattr(report, k) for k in report.__dataclass_fields__}
    text = environment().get_template("report.md.j2").render(**fields, figure_files={n: p.name for n, p in files.items()})
    text = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
    path.write_text(text, encoding="utf-8")
