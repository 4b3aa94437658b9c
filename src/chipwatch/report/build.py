"""Assemble the report: the executive summary, the article's sections, then the computed
ones, the notes (one per source and locator) and the sources, in the report language.
Reads the store; never writes it."""

from __future__ import annotations

from chipwatch.analysis.period import default_as_of
from chipwatch.api import Chipwatch
from chipwatch.frames import text
from chipwatch.report.article import article_sections
from chipwatch.report.chokepoints_section import chokepoints_section
from chipwatch.report.citations import Citations, fold_repeats
from chipwatch.report.consistency_section import consistency_section
from chipwatch.report.context import Context
from chipwatch.report.document import Report, Text
from chipwatch.report.gap_section import gap_section
from chipwatch.report.phrasing import Phrasing
from chipwatch.report.sanctions_section import sanctions_section
from chipwatch.report.scenarios_section import scenarios_section
from chipwatch.report.summary import summary_section

STATUSES = ("fact", "reported", "speculated", "planned", "disputed")


def _article(ctx: Context) -> str | None:
    """The article the report follows: the article source most quoted in the store."""
    counts = dict(ctx.cw.store.con.execute(
        "SELECT e.source, count(*) FROM evidence e JOIN sources s ON s.id = e.source "
        "WHERE s.kind = 'article' GROUP BY 1").fetchall())
    if not counts:
        return None
    sid = max(sorted(counts), key=lambda s: counts[s])
    s = ctx.sources[sid]
    return f"{ctx.source_by(sid)}, {s['title']}"


def _labels(ctx: Context) -> dict[str, str]:
    keys = {"contents": "report.contents", "notes": "report.section.notes", "sources": "report.section.sources",
            "badges": "report.badges", "claim": "report.note.claim", "translation": "report.note.translation",
            "language": "report.sources.language", "how_to_read": "report.how_to_read.title",
            "sources_intro": "report.sources.intro"}
    out = {k: ctx.t(v) for k, v in keys.items()}
    out["figure"] = ctx.t("report.figure", n="{n}")
    out["footnote_of"] = ctx.t("report.note.footnote_of", n="{n}")
    return out


def build_report(cw: Chipwatch, lang: str, draws: int, seed: int) -> Report:
    """The report as data (chipwatch.report.document), ready for any format."""
    ctx = Context(cw, lang)
    ph = Phrasing(ctx)
    as_of = default_as_of(cw.store, None)  # as the CLI and the explorer: the latest year the data covers
    article = article_sections(ctx, ph)
    seen: dict = {}  # a claim the article's sections share is shown where it first comes
    for section in article:
        fold_repeats(ctx, section, across=True, seen=seen)
    computed = [gap_section(ctx, ph, as_of), chokepoints_section(ctx, as_of), scenarios_section(ctx, ph, draws, seed),
                sanctions_section(ctx, ph), consistency_section(ctx, ph)]
    for section in computed:
        fold_repeats(ctx, section, across=False)
    sections = [summary_section(ctx, ph, as_of)] + article + computed
    cites = Citations(ctx)
    cites.renumber(sections)
    meta = []
    based_on = _article(ctx)
    if based_on:
        meta.append(ctx.t("report.based_on", source=based_on))
    meta.append(ctx.t("report.as_of", date=as_of))
    built = text(cw.store.meta().get("built_at"))[:10]
    if built:
        meta.append(ctx.t("report.built", date=built))
    reading = [Text(ctx.t("report.how_to_read.by_source"))]
    badges = [Text("", badge=s, badge_label=ph.badge(s)) for s in STATUSES]
    badges.append(Text("", badge="assumed", badge_label=ctx.t("report.badge.assumed")))
    return Report(lang=lang, title=ctx.t("report.title"), subtitle=ctx.t("report.subtitle"), meta=meta,
                  reading=reading, legend=badges, sections=sections, notes=cites.notes(), sources=cites.sources(),
                  figures=ctx.figures, labels=_labels(ctx))
