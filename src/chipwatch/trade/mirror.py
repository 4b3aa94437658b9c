"""Mirror gaps: what a partner says it exported to a reporter, against what the reporter
says it imported from that partner, year by year.

Exports are valued FOB (free on board: at the exporter's border), imports CIF (cost,
insurance and freight: at the importer's border), so for the same goods the importer's
figure is normally the larger by the cost of transport and insurance. That margin is a
few per cent to about 10 % of the FOB value: the IMF's Direction of Trade Statistics long
used a uniform CIF/FOB factor of 1.10, and the OECD's International Transport and
Insurance Costs database puts typical margins near 5 %. The default band for the ratio
imports(CIF) / exports(FOB) is therefore **[0.95, 1.15]**: the 1.00-1.10 CIF/FOB margin
widened by 5 % either way for timing (goods shipped in December, declared in January),
exchange rates and revisions. A ratio below the band means the reporter declared less
than its partner shipped to it — goods that did not stay (re-exported, e.g. on to Russia)
or were declared as something else; above the band, more than was shipped — e.g. goods
of EU origin arriving through a third country (the importer records origin, the exporter
the destination it knows). A year with only some months on either side is shown but not
flagged.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from chipwatch.errors import ChipwatchError
from chipwatch.i18n.message import Money, Msg, Name
from chipwatch.trade import normalise, sql
from chipwatch.trade.engine import FlowEngine
from chipwatch.trade.spikes import _one_currency

BAND = (0.95, 1.15)


@dataclass
class MirrorYear:
    year: int
    exports_fob: float | None  # reported by the partner (exporter)
    imports_cif: float | None  # reported by the reporter (importer)
    ratio: float | None  # imports / exports
    gap: float | None  # imports - exports
    export_months: int  # 12 for a full year of monthly data, 0 for a yearly figure
    import_months: int
    complete: bool
    flag: str  # in band | below band | above band | incomplete | one side missing
    hidden: int


@dataclass
class Mirror:
    reporter: str
    partner: str | None
    product: str
    currency: str
    band: tuple[float, float]
    engine: str
    years: list[MirrorYear]

    @property
    def flagged(self) -> list[MirrorYear]:
        return [y for y in self.years if y.flag in ("below band", "above band")]

    @property
    def partner_label(self) -> Name | Msg:
        return normalise.country_label(self.partner) if self.partner else Msg("trade.partner.all")

    def findings(self) -> list[Msg]:
        """Each year outside the band as a sentence (or one saying none is)."""
        out = []
        for y in self.flagged:
            key = "trade.finding.mirror_below" if y.flag == "below band" else "trade.finding.mirror_above"
            out.append(Msg(key, year=str(y.year), reporter=normalise.country_label(self.reporter), partner=self.partner_label,
                           ratio=y.ratio, imports=Money(y.imports_cif, self.currency), exports=Money(y.exports_fob, self.currency)))
        return out or [Msg("trade.finding.mirror_none", low=self.band[0], high=self.band[1])]

    def to_dict(self) -> dict:
        """The comparison as JSON-able data (English names and flags); `msgs`, `*_label` and each
        year's `flag_msg` say the same in either language."""
        return {"reporter": self.reporter, "reporter_name": normalise.country_name(self.reporter),
                "partner": self.partner, "partner_name": normalise.country_name(self.partner) if self.partner else "all",
                "product": self.product, "currency": self.currency, "band": list(self.band), "engine": self.engine,
                "years": [{**asdict(y), "flag_msg": flag_word(y.flag)} for y in self.years],
                "flagged": [y.year for y in self.flagged],
                "reporter_label": normalise.country_label(self.reporter), "partner_label": self.partner_label,
                "msgs": self.findings()}


def flag_word(flag: str) -> Msg:
    """in band, below band, above band, incomplete or one side missing, in either language."""
    return Msg("trade.flag." + flag.replace(" ", "_"))


def _full(months: int, annual: bool) -> bool:
    return annual or months == 12


def mirror(engine: FlowEngine, reporter: str, partner: str | None, product: str = normalise.TOTAL,
           years: tuple[int, int] = (1900, 2100), band: tuple[float, float] = BAND, currency: str | None = None,
           sources: list[str] | None = None) -> Mirror:
    if band[0] <= 0 or band[0] >= band[1]:
        raise ChipwatchError(f"--band {band[0]},{band[1]}: give two ratios, low before high, e.g. 0.95,1.15")
    rows = engine.query(sql.mirror(reporter=reporter, partner=partner, product=product, first_year=years[0],
                                   last_year=years[1], sources=sources))
    rows = _one_currency(rows, currency, 1, f"mirror {reporter}/{partner or 'all'}")
    sides = {r[0] for r in rows}
    who = f"{normalise.country_name(partner) if partner else 'its partners'}"
    if "import" not in sides:
        raise ChipwatchError(f"no imports reported by {normalise.country_name(reporter)} from {who} for product {product}; "
                             "import the reporter's own statistics (e.g. eurostat-csv kazakhstan_import_yearly.csv)")
    if "export" not in sides:
        raise ChipwatchError(f"no exports to {normalise.country_name(reporter)} reported by {who} for product {product}; "
                             "import the partner's statistics (e.g. eurostat-csv eu_exports_to_kazakhstan_monthly.csv)")
    acc: dict[int, dict] = {}
    for side, _cur, year, month, value, hidden, _n, _src in rows:
        a = acc.setdefault(year, {"export": [0.0, set(), False, False], "import": [0.0, set(), False, False], "hidden": 0})
        s = a[side]
        s[0] += value or 0.0
        s[3] = True
        if month is None:
            s[2] = True
        else:
            s[1].add(month)
        a["hidden"] += int(hidden or 0)
    out = []
    for year in sorted(acc):
        a = acc[year]
        x, m = a["export"], a["import"]
        exports = x[0] if x[3] else None
        imports = m[0] if m[3] else None
        complete = x[3] and m[3] and _full(len(x[1]), x[2]) and _full(len(m[1]), m[2])
        ratio = imports / exports if exports and imports is not None else None
        if not (x[3] and m[3]):
            flag = "one side missing"
        elif not complete:
            flag = "incomplete"
        elif ratio is None:
            flag = "one side missing"
        else:
            flag = "below band" if ratio < band[0] else "above band" if ratio > band[1] else "in band"
        out.append(MirrorYear(year, exports, imports, ratio,
                              imports - exports if exports is not None and imports is not None else None,
                              0 if x[2] else len(x[1]), 0 if m[2] else len(m[1]), complete, flag, a["hidden"]))
    return Mirror(reporter, partner, product, rows[0][1], band, engine.name, out)
