"""A claim written out as a sentence in the report language: subject, verb and object or
value (with its unit), the qualifiers that carry facts (node, share, item, channel, sector …)
and the period it holds. The sentence templates are labels (report.verb.* in
i18n/report.yaml), so both languages read naturally."""

from __future__ import annotations

import re
from collections import Counter

from chipwatch.i18n import labels, vocab
from chipwatch.model.vocabulary import vocabulary
from chipwatch.report.context import Context, fill
from chipwatch.report.document import Text

# qualifiers shown in the sentence, in this order; free-text ones only in English (their
# text is English), entity-valued ones by name
SHOWN = ("node_nm", "wafer_inch", "item", "share_pct", "via", "to", "place", "sector", "year", "trend",
         "program", "list", "according_to", "segment", "scope", "purpose")
ENGLISH_ONLY = ("segment", "scope", "purpose")
CURRENCIES = ("USD", "EUR", "CNY", "RUB", "TWD")
DEMAND_MET = "share of demand met"  # the role of a market_share that is a share of demand met
WAFER_MM = {4: 100, 5: 125, 6: 150, 8: 200, 12: 300}


def number(x: float | int) -> str:
    """5000 -> 5,000; 2.50 -> 2.5."""
    if isinstance(x, bool):
        return str(x)
    if isinstance(x, int) or float(x).is_integer():
        return f"{int(x):,}"
    return f"{float(x):,.3f}".rstrip("0").rstrip(".")


def _has(key: str) -> bool:
    return key in labels()


class Phrasing:
    """Sentences for claims in one language."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.vocab = vocabulary()
        # how many text-valued claims share a subject, predicate and Chinese quote: those
        # need their own (English) value beside the quote to tell them apart
        self._shared = Counter((c["subject"], c["predicate"], self._zh_quote(c)) for c in ctx.claims.values()
                               if isinstance(c.get("value"), str))

    # values ---------------------------------------------------------------------
    def _scalar(self, x, unit: str | None) -> str:
        if isinstance(x, (int, float)) and not isinstance(x, bool):
            if unit in CURRENCIES:
                return self.money(float(x), unit)
            shown = number(x)
        else:
            shown = str(x)
        if unit and _has(f"report.unit.{unit}"):
            return self.ctx.t(f"report.unit.{unit}", v=shown)
        return f"{shown} {unit}" if unit else shown

    def money(self, x: float, currency: str) -> str:
        cur = self.ctx.t(f"report.currency.{currency}") if _has(f"report.currency.{currency}") else currency
        if self.ctx.zh:
            if x >= 1e8:
                return self.ctx.t("report.money.thousand_million", cur=cur, v=number(x / 1e8))
            if x >= 1e4:
                return self.ctx.t("report.money.million", cur=cur, v=number(x / 1e4))
        elif x >= 1e9:
            return self.ctx.t("report.money.thousand_million", cur=cur, v=number(x / 1e9))
        elif x >= 1e6:
            return self.ctx.t("report.money.million", cur=cur, v=number(x / 1e6))
        return self.ctx.t("report.money.plain", cur=cur, v=number(x))

    def value(self, c: dict) -> str | None:
        """The claim's value in words, or None."""
        v, unit = c.get("value"), c.get("unit")
        if v is None:
            return None
        pred = self.vocab.predicates.get(c["predicate"])
        kind = pred.value_kind if pred else None
        if isinstance(v, str) and v in CURRENCIES:
            return self.ctx.t(f"report.currency.{v}")
        if kind == "text":
            return self._text_value(c, str(v))
        if isinstance(v, dict):
            lo, hi = v.get("min"), v.get("max")
            if lo is not None and hi is not None:
                shown = self._scalar_unitless(lo, hi, unit)
            elif lo is not None:
                shown = self.ctx.t("report.value.over", v=self._scalar(lo, unit))
            else:
                shown = self.ctx.t("report.value.under", v=self._scalar(hi, unit))
        elif kind == "percent" and not unit:
            shown = self.ctx.t("report.value.percent", v=number(v) if isinstance(v, (int, float)) else v)
        else:
            shown = self._scalar(v, unit)
        return self.ctx.t("report.value.approx", v=shown) if c.get("approx") else shown

    def _scalar_unitless(self, lo, hi, unit: str | None) -> str:
        span = self.ctx.t("report.value.range", a=number(lo), b=number(hi))
        if unit and _has(f"report.unit.{unit}"):
            return self.ctx.t(f"report.unit.{unit}", v=span)
        return f"{span} {unit}" if unit else span

    def _zh_quote(self, c: dict) -> str | None:
        for e in c.get("evidence", []):
            src = self.ctx.sources.get(e["source"]) or {}
            if str(src.get("language") or "").startswith("zh"):
                return e["quote"]
        return None

    def _text_value(self, c: dict, value: str) -> str:
        """Text values are English. In zh-TW: the Chinese words the value cites from the
        article, if any (`technological discontinuity (技術斷層)`), else the claim's Chinese
        quote — with the English value beside it when other claims share that quote."""
        if not self.ctx.zh:
            return value
        cited = re.findall(r"[（(]([^()（）]*[\u3400-\u9fff][^()（）]*)[)）]", value)
        if len(cited) == 1:
            return self.ctx.t("report.value.quote", v=cited[0])
        quote = self._zh_quote(c)
        if quote is None:
            return value
        shown = self.ctx.t("report.value.quote", v=quote.rstrip("。．.，, "))
        if self._shared[(c["subject"], c["predicate"], quote)] > 1:
            shown = self.ctx.t("report.sentence.object", text=shown, o=value)
        return shown

    # qualifiers and period ------------------------------------------------------
    def _qualifier(self, key: str, value) -> str | None:
        if value in (None, ""):
            return None
        if key in ENGLISH_ONLY and self.ctx.zh:
            return None
        q = self.vocab.qualifiers.get(key)
        if q and q.kind == "entity":
            shown = self.ctx.name(str(value))
        elif key == "sector" and _has(f"report.sector.{value}"):
            shown = self.ctx.t(f"report.sector.{value}")
        elif key == "trend" and _has(f"report.trend.{value}"):
            return self.ctx.t(f"report.trend.{value}")
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            shown = number(value)
        elif isinstance(value, list):
            shown = self.ctx.join([str(v) for v in value])
        else:
            shown = str(value)
        return self.ctx.t(f"report.q.{key}", v=shown)

    def period(self, c: dict) -> str | None:
        a, b = c.get("valid_from"), c.get("valid_to")
        if a and b:
            return self.ctx.t("report.period.both", a=a, b=b) if a != b else a
        if a:
            return self.ctx.t("report.period.since", a=a)
        if b:
            return self.ctx.t("report.period.until", b=b)
        return None

    # the sentence ---------------------------------------------------------------
    def sentence(self, c: dict) -> str:
        ctx = self.ctx
        pred = c["predicate"]
        quals = dict(c.get("qualifiers") or {})
        s, o = ctx.name(c["subject"]), ctx.name(c.get("object")) if c.get("object") else None
        v = self.value(c)
        key = f"report.verb.{pred}"
        fields = {"s": s, "o": o or "", "v": v or "", "i": ""}
        if quals.get("item") and _has(f"{key}.item") and o:
            key, fields["i"] = f"{key}.item", ctx.name(str(quals.pop("item")))
        elif pred == "market_share" and o and quals.get("role") == DEMAND_MET:
            key = f"{key}.demand_met"  # a share of demand met, not of a market
        elif o and _has(f"{key}.obj"):
            key = f"{key}.obj"
        if not _has(key):
            fields["p"] = vocab("predicate", pred, ctx.lang)
            key = "report.verb.generic"
        template = labels()[key][ctx.lang]
        text = fill(template, **fields) if ctx.zh else template.format(**fields)
        if o and "{o}" not in template:
            text = ctx.t("report.sentence.object", text=text, o=o)
        if v and "{v}" not in template:
            text = ctx.t("report.sentence.value", text=text, v=v)
        if str(c.get("unit") or "").startswith(f"wafer_{WAFER_MM.get(quals.get('wafer_inch'), '-')}mm"):
            quals.pop("wafer_inch")  # the unit says it already
        details = [self.period(c)] + [self._qualifier(k, quals.get(k)) for k in SHOWN]
        details = [d for d in details if d]
        if details:
            text = ctx.t("report.sentence.details", text=text, details=ctx.t("report.sentence.sep").join(details))
        text = text.strip().rstrip(".。")
        if not ctx.zh and text[:1].islower():
            text = text[0].upper() + text[1:]
        return ctx.t("report.sentence.end", text=text)

    def claim(self, claim_id: str) -> Text:
        """A claim as a sentence with its badge and note number."""
        c = self.ctx.claims[claim_id]
        return Text(self.sentence(c), self.ctx.notes([claim_id]), c["status"], self.badge(c["status"]))

    def badge(self, status: str) -> str:
        key = f"report.badge.{status}"
        return self.ctx.t(key) if _has(key) else vocab("status", status, self.ctx.lang)
