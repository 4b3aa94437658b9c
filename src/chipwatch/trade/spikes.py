"""Spikes: for each destination, trade against a baseline, and the "roundabout" pattern.

For a product (HS/CN code or group) and a target (RU), flows from the origin (all
reporters, or e.g. EU) to every destination are summed by month in SQL; then for each
destination:

- **log growth** `ln(current / baseline)`: the mean monthly value over the period's months
  against the mean over the baseline years (partial years count by their months, so
  Jan–Aug 2024 compares fairly). `rising` when it is at least `threshold` (default ln 1.5:
  +50 %), `falling` at most `-threshold` (a third less); `new` / `stopped` when one side is 0.
- **seasonal z-score** (monthly data only): y = ln(1 + value); each calendar month's
  baseline mean is its seasonal level; the baseline residuals give one pooled standard
  deviation (n - 12 degrees of freedom, so two baseline years at least); a period month's
  z is its distance from its calendar month's level in those deviations. `z_mean` over the
  period, `z_max`, and `z_months` (months with z >= 2) are reported.
- **roundabout**: the target's flows fall while a third country's rise — goods that used
  to go straight to Russia now going to its neighbours. `offset_pct` says how much of the
  target's fall those rises make up.

Months with no row count as 0 (Eurostat leaves out flows that did not happen); values
withheld as confidential are NULL, not 0, and counted in `hidden`. Trailing months with no
value anywhere (not yet published) are left out of the period, not counted as 0.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np

from chipwatch.errors import ChipwatchError
from chipwatch.i18n.message import Money, Msg, Name
from chipwatch.trade import normalise, sql
from chipwatch.trade.engine import FlowEngine

THRESHOLD = math.log(1.5)


@dataclass
class Growth:
    dest: str
    name: str
    base: float  # mean monthly value over the baseline (yearly data: mean per year / 12)
    current: float
    log_growth: float | None
    change_pct: float | None
    trend: str  # rising | falling | stable | new | stopped | none
    z_mean: float | None
    z_max: float | None
    z_months: int
    hidden: int
    yearly: dict[int, float]
    is_target: bool = False
    roundabout: bool = False

    @property
    def base_year(self) -> float:
        return self.base * 12

    @property
    def label(self) -> Name:
        """The destination by name in both languages."""
        return normalise.country_label(self.dest)

    def msg(self, currency: str, baseline: str, period: str) -> Msg:
        """This destination's growth as a sentence."""
        lg = f"{self.log_growth:+.2f}" if self.log_growth is not None else "—"
        return Msg("trade.finding.growth", who=self.label, current=Money(self.current_year, currency),
                   base=Money(self.base_year, currency), period=period, baseline=baseline, trend=trend_word(self.trend), lg=lg)

    @property
    def current_year(self) -> float:
        return self.current * 12


@dataclass
class Spikes:
    product: str
    target: str
    origin: str | None
    flow: str
    baseline: tuple[int, int]
    period: tuple[int, int]
    currency: str
    threshold: float
    engine: str
    freq: str
    months: list[tuple[int, int]]
    growth: list[Growth]
    series: list[dict] = field(default_factory=list)  # {dest, period, value (None: unpublished), cells, confidential}
    sources: int = 0

    @property
    def target_growth(self) -> Growth | None:
        return next((g for g in self.growth if g.is_target), None)

    @property
    def roundabout(self) -> list[Growth]:
        return [g for g in self.growth if g.roundabout]

    @property
    def offset_pct(self) -> float | None:
        t = self.target_growth
        if t is None or t.base <= t.current:
            return None
        rise = sum(g.current - g.base for g in self.roundabout)
        return 100 * rise / (t.base - t.current)

    def finding(self) -> Msg:
        """The roundabout pattern (or why there is none) as a sentence."""
        t = self.target_growth
        if self.roundabout:
            who = [g.label for g in self.roundabout]
            offset = self.offset_pct
            if offset is None:
                return Msg("trade.finding.roundabout", who=who, target=t.label)
            return Msg("trade.finding.roundabout_offset", who=who, target=t.label, offset=offset / 100)
        return Msg("trade.finding.target_steady" if t is None or t.trend not in ("falling", "stopped") else "trade.finding.no_rise")

    def to_dict(self) -> dict:
        """The result as JSON-able data (English names and words); `msg`, `*_label`, and each
        partner's `label`, `trend_msg` and `msg` say the same in either language."""
        out = {k: v for k, v in asdict(self).items() if k not in ("growth", "series", "months")}
        out["baseline"] = f"{self.baseline[0]}-{self.baseline[1]}"
        out["period"] = f"{self.period[0]}-{self.period[1]}"
        out["target_name"] = normalise.country_name(self.target)
        out["origin_name"] = normalise.country_name(self.origin) if self.origin else "all reporters"
        out["offset_pct"] = self.offset_pct
        out["roundabout"] = [g.dest for g in self.roundabout]
        base, period = _span(self.baseline), _span(self.period)
        out["partners"] = [{**asdict(g), "base_per_year": g.base_year, "current_per_year": g.current_year,
                            "label": g.label, "trend_msg": trend_word(g.trend), "msg": g.msg(self.currency, base, period)}
                           for g in self.growth]
        out["target_label"] = normalise.country_label(self.target)
        out["origin_label"] = normalise.country_label(self.origin)
        out["msg"] = self.finding()
        out["series"] = self.series
        return out


def _span(years: tuple[int, int]) -> str:
    """Years as a reader writes them: 2022, or 2020-2021."""
    return str(years[0]) if years[0] == years[1] else f"{years[0]}-{years[1]}"


def trend_word(trend: str) -> Msg:
    """rising, falling, stable, new, stopped or none, as a word in either language."""
    return Msg(f"trade.trend.{trend}")


def _z_scores(values: dict[tuple[int, int], float], base_months: list[tuple[int, int]],
              period_months: list[tuple[int, int]]) -> tuple[float | None, float | None, int]:
    y = {k: math.log1p(max(values.get(k, 0.0), 0.0)) for k in base_months + period_months}
    by_month: dict[int, list[float]] = {}
    for (yy, mm) in base_months:
        by_month.setdefault(mm, []).append(y[(yy, mm)])
    level = {m: float(np.mean(v)) for m, v in by_month.items()}
    resid = [y[k] - level[k[1]] for k in base_months]
    dof = len(resid) - len(level)
    if dof <= 0:
        return None, None, 0
    sd = math.sqrt(sum(r * r for r in resid) / dof)
    if sd == 0:
        return None, None, 0
    z = [(y[k] - level[k[1]]) / sd for k in period_months if k[1] in level]
    if not z:
        return None, None, 0
    return float(np.mean(z)), float(max(z)), sum(1 for v in z if v >= 2)


def _trend(base: float, current: float, threshold: float) -> tuple[float | None, str]:
    if base <= 0 and current <= 0:
        return None, "none"
    if base <= 0:
        return None, "new"
    if current <= 0:
        return None, "stopped"
    lg = math.log(current / base)
    return lg, "rising" if lg >= threshold else "falling" if lg <= -threshold else "stable"


def spikes(engine: FlowEngine, product: str, target: str, origin: str | None = None, flow: str = "export",
           baseline: tuple[int, int] = (2020, 2021), period: tuple[int, int] | None = None,
           threshold: float = THRESHOLD, currency: str | None = None, sources: list[str] | None = None) -> Spikes:
    """Growth of flows of `product` to each destination against the baseline, and the roundabout pattern."""
    if flow not in ("export", "import"):
        raise ChipwatchError(f"--flow {flow}: use export (rows reported by the origin) or import (reported by destinations)")
    period = period or (baseline[1] + 1, baseline[1] + 1)
    if period[0] <= baseline[1]:
        raise ChipwatchError(f"--period {period[0]}-{period[1]}: must come after the baseline {baseline[0]}-{baseline[1]}")
    rows = engine.query(sql.by_destination(flow=flow, origin=origin, product=product, first_year=baseline[0],
                                           last_year=period[1], sources=sources))
    rows = _one_currency(rows, currency, 1, f"--product {product}")
    if not rows:
        raise ChipwatchError(f"no {flow} flows of product {product} in {baseline[0]}-{period[1]}"
                             + (f" from {origin}" if origin else "") + "; `chipwatch trade` lists what was imported")
    monthly = any(r[3] is not None for r in rows)
    rows = [r for r in rows if (r[3] is not None) == monthly]
    years_seen = sorted({r[2] for r in rows})
    if not any(period[0] <= y <= period[1] for y in years_seen):
        raise ChipwatchError(f"--period {period[0]}-{period[1]}: no data in those years (the data covers "
                             f"{years_seen[0]}-{years_seen[-1]})")
    if not any(baseline[0] <= y <= baseline[1] for y in years_seen):
        raise ChipwatchError(f"--baseline {baseline[0]}-{baseline[1]}: no data in those years (the data covers "
                             f"{years_seen[0]}-{years_seen[-1]})")
    cur_code = rows[0][1]
    if monthly:
        # months with a value somewhere: a month the source has not published yet (every cell
        # ':', as Eurostat's December 2022 in the 2023 extract) is missing, not zero
        seen = sorted({(r[2], r[3]) for r in rows if r[4] is not None})
        first_seen = min(y for y, _ in seen)
        base_months = [(y, m) for y in range(max(baseline[0], first_seen), baseline[1] + 1) for m in range(1, 13)]
        last = max(seen)
        period_months = [(y, m) for y in range(period[0], period[1] + 1) for m in range(1, 13) if (y, m) <= last]
    else:
        base_months = [(y, 0) for y in range(baseline[0], baseline[1] + 1) if y in years_seen]
        period_months = [(y, 0) for y in range(period[0], period[1] + 1) if y in years_seen]
    per_dest: dict[str, dict[tuple[int, int], float]] = {}
    hidden: dict[str, int] = {}
    cells: dict[tuple, list] = {}  # (dest, period) -> [cells, confidential cells, any value published]
    for dest, _cur, year, month, value, n_hidden, n, _src in rows:
        key = (year, month if monthly else 0)
        per_dest.setdefault(dest, {})[key] = per_dest.get(dest, {}).get(key, 0.0) + (value or 0.0)
        hidden[dest] = hidden.get(dest, 0) + int(n_hidden or 0)
        c = cells.setdefault((dest, key), [0, 0, False])
        c[0], c[1], c[2] = c[0] + int(n or 0), c[1] + int(n_hidden or 0), c[2] or value is not None
    if target not in per_dest:
        raise ChipwatchError(f"--target {target}: no {flow} flows of product {product} to {normalise.country_name(target)} "
                             "in the data; check the target, the product and `chipwatch trade`")
    scale = 1 if monthly else 1 / 12
    growth = []
    for dest, values in per_dest.items():
        base = sum(values.get(k, 0.0) for k in base_months) / max(len(base_months), 1) * scale
        current = sum(values.get(k, 0.0) for k in period_months) / max(len(period_months), 1) * scale
        lg, trend = _trend(base, current, threshold)
        z_mean, z_max, z_months = _z_scores(values, base_months, period_months) if monthly else (None, None, 0)
        yearly: dict[int, float] = {}
        for (y, _), v in sorted(values.items()):
            yearly[y] = yearly.get(y, 0.0) + v
        growth.append(Growth(dest, normalise.country_name(dest), base, current, lg,
                             100 * (current / base - 1) if base > 0 else None, trend, z_mean, z_max, z_months,
                             hidden.get(dest, 0), yearly, is_target=dest == target))
    t = next(g for g in growth if g.is_target)
    target_falls = t.trend in ("falling", "stopped")
    for g in growth:
        g.roundabout = target_falls and not g.is_target and g.trend in ("rising", "new")
    growth.sort(key=lambda g: (not g.is_target, not g.roundabout, -(g.log_growth if g.log_growth is not None else
                                                                   (99 if g.trend == "new" else -99))))
    series = [{"dest": dest, "name": normalise.country_name(dest),
               "period": f"{y}-{m:02d}" if monthly else str(y),
               "value": v if cells[(dest, (y, m))][2] else None,  # nothing published: a gap, not 0
               "cells": cells[(dest, (y, m))][0], "confidential": cells[(dest, (y, m))][1]}
              for dest, values in per_dest.items() for (y, m), v in sorted(values.items())]
    return Spikes(product, target, origin, flow, baseline, period, cur_code, threshold, engine.name,
                  "M" if monthly else "A", period_months, growth, series, max(r[7] for r in rows))


def _one_currency(rows: list[tuple], currency: str | None, col: int, what: str) -> list[tuple]:
    found = sorted({r[col] for r in rows})
    if currency:
        rows = [r for r in rows if r[col] == currency.upper()]
        if not rows and found:
            raise ChipwatchError(f"--currency {currency}: the data selected is in {', '.join(found)}")
        return rows
    if len(found) > 1:
        raise ChipwatchError(f"{what}: the flows selected are in {' and '.join(found)}, which cannot be summed; "
                             f"choose one with --currency {found[0]} (or pick imports with --source)")
    return rows
