"""The consistency findings (chipwatch.analysis.check), most severe first, each with the
notes of the claims concerned. A finding's sentence is said in the report language (its
`msg`); the zh-TW report adds the claims as Chinese sentences, and gives a finding that has
only its English sentence marked as English."""

from __future__ import annotations

from chipwatch.analysis.check import check
from chipwatch.i18n.message import say
from chipwatch.report.context import Context
from chipwatch.report.document import Items, Paragraph, Section, Text
from chipwatch.report.phrasing import Phrasing

SEVERITIES = ("error", "warning", "info")


def _label(ctx: Context, key: str, fallback: str) -> str:
    try:
        return ctx.t(key)
    except KeyError:
        return fallback


def consistency_section(ctx: Context, ph: Phrasing) -> Section:
    section = Section("consistency", ctx.t("report.section.consistency"))
    findings = check(ctx.cw.store)
    counts = {s: sum(f.severity == s for f in findings) for s in SEVERITIES}
    section.blocks.append(Paragraph([Text(ctx.t("report.consistency.intro", errors=counts["error"],
                                                 warnings=counts["warning"], infos=counts["info"]))]))
    for severity in SEVERITIES:
        items = []
        for f in (f for f in findings if f.severity == severity):
            kind = _label(ctx, f"report.consistency.kind.{f.kind}", f.kind.replace("_", " "))
            msg = getattr(f, "msg", None)
            if ctx.zh:
                sentences = "".join(ph.sentence(ctx.claims[c]) for c in f.claims if c in ctx.claims)
                sub = [Text(ctx.t("report.consistency.claims", claims=sentences))] if sentences else []
                said = Text(say(msg, ctx.lang)) if msg is not None else Text(f.message, lang="en")
                items.append(Text(kind, ctx.notes(f.claims), sub=[said] + sub))
            else:
                items.append(Text(f"{kind[:1].upper()}{kind[1:]}: {say(msg or f.message, 'en')}", ctx.notes(f.claims)))
        if items:
            heading = _label(ctx, f"report.consistency.severity.{severity}", severity)
            section.blocks.append(Items(items, heading=f"{heading} ({counts[severity]})"))
    return section
