"""The Python API's screening (`cw.screen`), sanctions lists (`cw.lists`) and trade flows
(`cw.trade`): thin calls into chipwatch.screening, chipwatch.store.lists and
chipwatch.trade, with results as Python objects and errors naming these parameters."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from chipwatch.errors import ChipwatchError

if TYPE_CHECKING:
    from chipwatch.api import Chipwatch
    from chipwatch.screening.ownership import Ownership
    from chipwatch.screening.screen import Screening
    from chipwatch.trade.breaks import Break
    from chipwatch.trade.mirror import Mirror
    from chipwatch.trade.spikes import Spikes

Years = str | int | tuple[int, int]
_TRADE_NAMES = {"from": "origin", "source": "sources"}


def _strings(value, where: str, param: str) -> list[str] | None:
    """A string or a list of strings as a list (None stays None)."""
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ChipwatchError(f"{where}: {param}={value!r}: give a string or a list of strings")


def screen(cw: Chipwatch, names: str | list[str] | None = None, *, first_name: str | None = None,
           middle_name: str | None = None, father_name: str | None = None, last_name: str | None = None,
           schema: str | None = None, countries: str | list[str] | None = None, birth_date: str | None = None,
           identifiers: dict[str, str | list[str]] | None = None, file: str | Path | None = None,
           column: str = "name", lists: str | list[str] | None = None, threshold: float = 0.7,
           review_below: float = 0.9, limit: int = 5, engine: str = "duckdb", max_age_days: int = 90,
           today: date | None = None, workers: int = 1) -> Screening:
    """Screen `names` (one query each, keyed "1", "2", …), one person given by name parts,
    or a CSV `file` (a `column` of names) against the latest version of each imported list
    (`lists`: kinds, default all). Returns the library's Screening: `.hits[query]` (best
    first, each with its reason, score, explanation and ownership chain), `.lists`, `.warnings`."""
    from chipwatch.screening.batch import name_queries, read_queries
    from chipwatch.screening.dates import normalise
    from chipwatch.screening.lists.text import country_code
    from chipwatch.screening.matcher import Query, person_names
    from chipwatch.screening.screen import screen as run

    where = "cw.screen"
    for param, value in (("threshold", threshold), ("review_below", review_below)):
        if not isinstance(value, int | float) or not 0 <= value <= 1:
            raise ChipwatchError(f"{where}: {param}={value!r}: give a score between 0 and 1")
    if not isinstance(limit, int) or limit < 1:
        raise ChipwatchError(f"{where}: limit={limit!r}: give a whole number of hits, 1 or more")
    given = _strings(names, where, "names") or []
    parts = [first_name, middle_name, father_name, last_name]
    if (file is None) == (not given and not any(parts)):
        raise ChipwatchError(f"{where}: give names, or first_name= and last_name= (a person), or file= (a CSV), not both")
    dob = None
    if birth_date is not None:
        dob = normalise(str(birth_date))
        if dob is None:
            raise ChipwatchError(f"{where}: birth_date={birth_date!r}: not a date; write 1965, 1965-03 or 1965-03-12")
    codes = None
    for c in _strings(countries, where, "countries") or []:
        code = country_code(c)
        if not code:
            raise ChipwatchError(f"{where}: countries={c!r}: not a country name or ISO code")
        codes = [*(codes or []), code]
    kinds = [k.strip() for k in lists.split(",")] if isinstance(lists, str) else _strings(lists, where, "lists")
    with cw.errors(where, {"lists": "lists", "name": "names"}):
        if file is not None:
            queries = read_queries(Path(file), column)
        else:
            queries = name_queries(given, schema, codes, [dob] if dob else None)
            if any(parts):
                full = person_names(*([x] if x else [] for x in (first_name, last_name, middle_name, father_name)))
                queries[str(len(queries) + 1)] = Query(full, schema or "Person", codes, birth_dates=[dob] if dob else None)
        if identifiers:
            for q in queries.values():
                q.identifiers = dict(identifiers)
        return run(cw.store, queries, kinds, threshold, limit, engine, review_below, max_age_days,
                   workers=workers, today=today)


class Lists:
    """`cw.lists`: the sanctions-list versions in the store."""

    def __init__(self, cw: Chipwatch):
        self._cw = cw

    def versions(self) -> list[dict]:
        """Each imported version: id, kind, date, path, imported_at, entries, relations, skipped."""
        return self._cw.store.dicts("SELECT * FROM list_versions ORDER BY kind, date")

    def import_(self, kind: str, path: str | Path, date: str | None = None) -> dict:
        """Import a list file (ofac, un, bis, ftm) as a dated version, atomically; the store
        is read again after. Returns version, entries, names, relations, skipped."""
        from chipwatch.store.lists import import_list

        with self._cw.errors("cw.lists.import_"):
            result = import_list(self._cw.store.path, kind, path, date)
        self._cw.reopen()
        return result

    def diff(self, old: str, new: str) -> dict:
        """Entries added, removed and changed from version `old` to `new`."""
        from chipwatch.store.lists import diff

        with self._cw.errors("cw.lists.diff"):
            return diff(self._cw.store, old, new)

    def owned(self, version: str, engine: str = "duckdb", as_of: str | None = None) -> list[Ownership]:
        """The 50 % rule over one version's ownership relations on `as_of` (default today):
        the parties owned (or to review), each with its chains, by reason then party."""
        from chipwatch.screening.ownership import owned_in_version
        from chipwatch.store.read import parse_as_of

        with self._cw.errors("cw.lists.owned"):
            day = str(parse_as_of(as_of, f"as_of={as_of!r} is not a day").start) if as_of else None
            found = owned_in_version(self._cw.store, version, engine, day)
        return sorted(found.values(), key=lambda o: (o.reason, o.asset))


def _years(value: Years | None, option: str) -> tuple[int, int] | None:
    from chipwatch.trade import normalise

    if value is None:
        return None
    if isinstance(value, tuple | list) and len(value) == 2 and all(isinstance(v, int) for v in value):
        value = f"{value[0]}-{value[1]}"
    return normalise.years(str(value), option)


class Trade:
    """`cw.trade`: trade flows in the store, and the re-export analyses over them."""

    def __init__(self, cw: Chipwatch):
        self._cw = cw

    def imports(self) -> list[dict]:
        """The trade imports in the store (id, kind, rows, skipped, currency, title, …)."""
        from chipwatch.trade.store import imports

        return imports(self._cw.store)

    def import_(self, kind: str, path: str | Path, progress=None) -> dict:
        """Import trade statistics (eurostat-xlsx, eurostat-csv, comtrade, baci, chpl), atomically;
        `progress(name, done, total)` is called while reading. The store is read again after."""
        from chipwatch.trade.store import import_trade

        with self._cw.errors("cw.trade.import_"):
            result = import_trade(self._cw.store.path, kind, path, progress)
        self._cw.reopen()
        return result

    def _engine(self, name: str):
        from chipwatch.trade.engine import FlowEngine

        return FlowEngine.for_store(self._cw.store.path, name)

    def spikes(self, product: str, target: str, baseline: Years = "2020-2021", period: Years | None = None,
               origin: str | None = None, flow: str = "export", threshold: float = math.log(1.5),
               currency: str | None = None, sources: list[str] | None = None, engine: str = "duckdb") -> Spikes:
        """Growth per destination against the baseline and the roundabout pattern (see chipwatch.trade.spikes)."""
        from chipwatch.trade import normalise
        from chipwatch.trade.spikes import spikes

        with self._cw.errors("cw.trade.spikes", _TRADE_NAMES):
            args = (normalise.product_option(product), normalise.side(target, "--target"), normalise.side(origin, "--from"))
            base, per = _years(baseline, "--baseline"), _years(period, "--period")
            with self._engine(engine) as eng:
                return spikes(eng, *args, flow, base, per, threshold, currency, _strings(sources, "cw.trade.spikes", "sources"))

    def mirror(self, reporter: str, partner: str = "EU", product: str = "TOTAL", years: Years | None = None,
               band: tuple[float, float] = (0.95, 1.15), currency: str | None = None,
               sources: list[str] | None = None, engine: str = "duckdb") -> Mirror:
        """The partner's reported exports against the reporter's imports, by year (see chipwatch.trade.mirror)."""
        from chipwatch.trade import normalise
        from chipwatch.trade.mirror import mirror

        with self._cw.errors("cw.trade.mirror", _TRADE_NAMES):
            sides = normalise.side(reporter, "--reporter"), normalise.side(partner, "--partner")
            span = _years(years, "--years") or (1900, 2100)
            with self._engine(engine) as eng:
                return mirror(eng, *sides, normalise.product_option(product), span, tuple(band), currency,
                              _strings(sources, "cw.trade.mirror", "sources"))

    def breaks(self, product: str, by: str = "product", at: str = "2022-02", years: Years | None = None,
               alpha: float = 0.01, origin: str | None = None, flow: str = "export", currency: str | None = None,
               sources: list[str] | None = None, engine: str = "duckdb") -> list[Break]:
        """A Chow test for a structural break at month `at`, per destination and group (see chipwatch.trade.breaks)."""
        from chipwatch.trade import normalise
        from chipwatch.trade.breaks import breaks

        with self._cw.errors("cw.trade.breaks", _TRADE_NAMES):
            month = normalise.month_option(at, "--at")
            with self._engine(engine) as eng:
                return breaks(eng, normalise.product_option(product), by, normalise.side(origin, "--from"), flow, month,
                              _years(years, "--years"), alpha, currency, _strings(sources, "cw.trade.breaks", "sources"))

    def derive(self, product: str, target: str, baseline: Years = "2020-2021", period: Years | None = None,
               origin: str | None = None, flow: str = "export", threshold: float = math.log(1.5), at: str = "2022-02",
               currency: str | None = None, sources: list[str] | None = None, engine: str = "duckdb") -> dict:
        """Write each roundabout destination of `spikes(...)` as a derived `transits_via` claim
        (dataset 'trade'), with its figures and, on monthly data, a Chow test at `at`; the store
        is read again after. Returns the claims written and the counts."""
        from chipwatch.trade import normalise
        from chipwatch.trade.breaks import breaks
        from chipwatch.trade.claims import data_sources, derive

        result = self.spikes(product, target, baseline, period, origin, flow, threshold, currency, sources, engine)
        with self._cw.errors("cw.trade.derive", _TRADE_NAMES):
            month = normalise.month_option(at, "--at")
            with self._engine(engine) as eng:
                used = data_sources(eng, result, sources)
                found = []
                if result.freq == "M":
                    try:
                        found = breaks(eng, result.product, "product", result.origin, result.flow, month,
                                       (result.baseline[0], result.period[1]), currency=currency, sources=sources,
                                       dests=[g.dest for g in result.roundabout])
                    except ChipwatchError:
                        found = []  # the month lies outside the data: claims go without a Chow test
            written = derive(self._cw.store.path, result, used, found)
        self._cw.reopen()
        return written
