"""Part I: the sections that follow the article — overview, materials, design, fabrication,
the four cooperation modes, the outlook and its four limits — each a list of the claims
tagged for it, in the article's order (by the locator of the claim's first quote)."""

from __future__ import annotations

import re

from chipwatch.report.context import Context
from chipwatch.report.document import Items, Paragraph, Section, Text
from chipwatch.report.phrasing import Phrasing

MODES = ("technology-complementarity", "resource-integration", "sanctions-evasion", "strategic-investment")
LIMITS = ("fdpr-risk", "small-civil-market", "brain-drain", "ruble-volatility")
CHINESE_NUMERALS = str.maketrans({c: str(i) for i, c in enumerate("〇一二三四五六七八九")})


def _order(ctx: Context, claim: dict) -> tuple:
    """Where the claim's first quote stands in the article: the article's locators
    (`一、半導體原材料 / 2. 特種氣體 ¶3`) sorted by their numbers, others after them."""
    ev = claim["evidence"][0] if claim["evidence"] else {"source": "", "locator": ""}
    src = ctx.sources.get(ev["source"]) or {}
    locator = (ev.get("locator") or "").translate(CHINESE_NUMERALS)
    key = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", locator) if p)
    return (src.get("kind") != "article", ev["source"], key, claim["id"])


def _tagged(ctx: Context, tag: str, without: tuple[str, ...] = ()) -> list[str]:
    """Ids of the claims tagged `tag` and none starting with a prefix in `without`, in order."""
    def keep(c: dict) -> bool:
        tags = c["tags"] or []
        return tag in tags and not any(t.startswith(p) for t in tags for p in without)

    return [c["id"] for c in sorted(filter(keep, ctx.claims.values()), key=lambda c: _order(ctx, c))]


def _claims_block(ctx: Context, ph: Phrasing, ids: list[str]) -> list:
    if not ids:
        return [Paragraph([Text(ctx.t("report.none"))])]
    return [Items([ph.claim(i) for i in ids])]


def _chapter(ctx: Context, ph: Phrasing, chapter: str) -> Section:
    return Section(chapter, ctx.t(f"report.section.{chapter}"), _claims_block(ctx, ph, _tagged(ctx, f"chapter:{chapter}")))


def article_sections(ctx: Context, ph: Phrasing) -> list[Section]:
    """The article's sections, in its order."""
    out = [_chapter(ctx, ph, ch) for ch in ("overview", "materials", "design", "fabrication")]
    out[0].part = ctx.t("report.part.article")

    coop = Section("cooperation", ctx.t("report.section.cooperation"))
    general = _tagged(ctx, "chapter:cooperation", without=("mode:",))
    coop.subsections.append(Section("cooperation-general", ctx.t("report.section.cooperation.general"),
                                    _claims_block(ctx, ph, general)))
    for mode in MODES:
        coop.subsections.append(Section(f"mode-{mode}", ctx.t(f"report.section.mode.{mode}"),
                                        _claims_block(ctx, ph, _tagged(ctx, f"mode:{mode}"))))
    out.append(coop)

    outlook = Section("conclusion", ctx.t("report.section.conclusion"))
    for limit in LIMITS:
        outlook.subsections.append(Section(f"limit-{limit}", ctx.t(f"report.section.limit.{limit}"),
                                           _claims_block(ctx, ph, _tagged(ctx, f"limit:{limit}"))))
    general = _tagged(ctx, "chapter:conclusion", without=("limit:",))
    outlook.subsections.append(Section("conclusion-general", ctx.t("report.section.conclusion.general"),
                                       _claims_block(ctx, ph, general)))
    out.append(outlook)
    return out
