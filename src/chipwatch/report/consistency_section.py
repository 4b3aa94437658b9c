"""The consistency findings (chipwatch.analysis.check), most severe first, each with the
notes of the claims concerned. The analysis words its findings in English; the zh-TW report
gives the kind and severity in Chinese and the claims as Chinese sentences, with the English
finding beside them."""

from __future__ import annotations

from chipwatch.analysis.check import check
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
            if ctx.zh:
                sentences = "".join(ph.sentence(ctx.claims[c]) for c in f.claims if c in ctx.claims)
                sub = [Text(ctx.t("report.consistency.claims", claims=sentences))] if sentences else []
                items.append(Text(kind, ctx.notes(f.claims), sub=sub + [Text(f.message, lang="en")]))
            else:
                items.append(Text(f"{kind[:1].upper()}{kind[1:]}: {f.message}", ctx.notes(f.claims)))
        if items:
            heading = _label(ctx, f"report.consistency.severity.{severity}", severity)
            section.blocks.append(Items(items, heading=f"{heading} ({counts[severity]})"))
    return section
