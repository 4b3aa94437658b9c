"""Structural breaks: did a destination's trade in a product group change regime at a
given month (default 2022-02, Russia's invasion of Ukraine and the first sanctions)?

A Chow test per destination and product group on the monthly series y = ln(1 + value):
a line (intercept and trend) fitted to the whole series against one line before and one
after the break; F = ((S - S1 - S2) / k) / ((S1 + S2) / (n - 2k)) with k = 2, and its
p-value from the F(k, n - 2k) distribution (scipy). Months up to and including the break
month are "before". `shift` is the change of the mean level in log points (exp(shift) - 1
as a percentage). The trend model keeps k small, so ten months after the break are enough;
seasonality is not modelled (calendar-month dummies would need more months than 2022 has),
which the 1 % default level partly guards against. Series with too few months or no trade
on one side are reported with no F.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
from scipy import stats

from chipwatch.errors import ChipwatchError
from chipwatch.i18n.message import Msg
from chipwatch.trade import normalise, sql
from chipwatch.trade.engine import FlowEngine
from chipwatch.trade.spikes import _one_currency

BY = ("product", "hs4", "hs6", "chpl")
K = 2


@dataclass
class Break:
    dest: str
    name: str
    group: str
    months_before: int
    months_after: int
    f: float | None
    p: float | None
    mean_before: float  # mean monthly value
    mean_after: float
    shift: float | None  # change of mean log level
    significant: bool
    direction: str  # up | down | none
    at: str = ""  # the break month tested, YYYY-MM


    def msg(self) -> Msg:
        """The test's result as a sentence: a break at its month, its direction and the levels."""
        who, month = normalise.country_label(self.dest), self.at
        if not self.significant:
            return Msg("trade.finding.no_break", who=who, group=self.group, month=month)
        return Msg("trade.finding.break", who=who, group=self.group, month=month, f=self.f, p=f"{self.p:.3g}",
                   direction=Msg(f"trade.direction.{self.direction}"), before=f"{self.mean_before:,.0f}",
                   after=f"{self.mean_after:,.0f}")


def _rss(x: np.ndarray, y: np.ndarray) -> float:
    design = np.column_stack([np.ones_like(x), x])
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    r = y - design @ coef
    return float(r @ r)


def chow(y: np.ndarray, split: int, k: int = K) -> tuple[float, float] | None:
    """(F, p) of a Chow test for a break after index `split - 1` in a linear trend; None if too short."""
    n = len(y)
    if split < k + 1 or n - split < k + 1 or n - 2 * k <= 0:
        return None
    t = np.arange(n, dtype=float)
    whole, before, after = _rss(t, y), _rss(t[:split], y[:split]), _rss(t[split:], y[split:])
    within = before + after
    if within <= 1e-12:
        return (math.inf, 0.0) if whole - within > 1e-12 else None
    f = ((whole - within) / k) / (within / (n - 2 * k))
    return float(f), float(stats.f.sf(f, k, n - 2 * k))


def breaks(engine: FlowEngine, product: str, by: str = "product", origin: str | None = None, flow: str = "export",
           at: tuple[int, int] = (2022, 2), years: tuple[int, int] | None = None, alpha: float = 0.01,
           currency: str | None = None, sources: list[str] | None = None, dests: list[str] | None = None) -> list[Break]:
    if by not in BY:
        raise ChipwatchError(f"--by {by}: use one of {', '.join(BY)}")
    if not 0 < alpha < 1:
        raise ChipwatchError(f"--alpha {alpha}: give a level between 0 and 1, e.g. 0.01")
    first, last = years or (at[0] - 3, at[0] + 3)
    rows = engine.query(sql.by_group(flow=flow, origin=origin, product=product, by=by, first_year=first,
                                     last_year=last, sources=sources))
    rows = _one_currency(rows, currency, 2, f"--product {product}")
    if not rows:
        raise ChipwatchError((f"--at {at[0]}-{at[1]:02d}: " if years is None else "")
                             + f"no monthly {flow} flows of product {product} in {first}-{last}"
                             + (" in the CHPL groups (import them: chipwatch trade import chpl FILE)" if by == "chpl" else "")
                             + "; breaks need monthly data")
    # months with a value somewhere; trailing months the source has not published yet (every
    # cell ':') are missing, not zero, as in spikes
    months = sorted({(r[3], r[4]) for r in rows if r[5] is not None})
    span = [(y, m) for y in range(months[0][0], months[-1][0] + 1) for m in range(1, 13) if months[0] <= (y, m) <= months[-1]]
    if not months[0] <= at < months[-1]:
        raise ChipwatchError(f"--at {at[0]}-{at[1]:02d}: outside the monthly data ({months[0][0]}-{months[0][1]:02d} to "
                             f"{months[-1][0]}-{months[-1][1]:02d})")
    split = sum(1 for k in span if k <= at)
    series: dict[tuple[str, str], dict[tuple[int, int], float]] = {}
    for dest, grp, _cur, year, month, value, *_ in rows:
        if dests and dest not in dests:
            continue
        s = series.setdefault((dest, grp), {})
        s[(year, month)] = s.get((year, month), 0.0) + (value or 0.0)
    out = []
    for (dest, grp), values in series.items():
        v = np.array([values.get(k, 0.0) for k in span])
        y = np.log1p(np.clip(v, 0, None))
        before, after = v[:split], v[split:]
        test = chow(y, split) if before.any() or after.any() else None
        shift = float(y[split:].mean() - y[:split].mean())
        sig = bool(test and test[1] < alpha)
        out.append(Break(dest, normalise.country_name(dest), grp, split, len(span) - split,
                         test[0] if test else None, test[1] if test else None, float(before.mean()),
                         float(after.mean()), shift, sig, ("up" if shift > 0 else "down") if sig else "none",
                         f"{at[0]}-{at[1]:02d}"))
    out.sort(key=lambda b: (b.group, b.p if b.p is not None else 2.0, b.dest))
    return out


def to_dicts(found: list[Break]) -> list[dict]:
    """The tests as JSON-able data; `label` and `msg` say the destination and the result in either language."""
    return [{**asdict(b), "label": normalise.country_label(b.dest), "msg": b.msg()} for b in found]
