"""The report as one self-contained HTML page (Jinja2, autoescaped; CSS and SVG inline)."""

from __future__ import annotations

from dataclasses import fields
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from chipwatch.report.document import Report, ranges

TEMPLATES = Path(__file__).with_name("templates")


@cache
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=False, lstrip_blocks=False)
    env.filters["ranges"] = ranges
    return env


def render_html(report: Report) -> str:
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    values = {f.name: getattr(report, f.name) for f in fields(report)}
    return environment().get_template("report.html").render(**values, css=css)
