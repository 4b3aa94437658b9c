"""What one country's entities source from another's: one line per (stage, item), the
providers and consumers, and the claims behind it. Supply relations as analysis.supply
reads them (customers and dissolved states are no suppliers).

Stage: fabrication for a product a fab makes; materials or equipment by what the item is;
otherwise the article's chapter of the claim (materials, design, fabrication), else
technology; a dependence with no item named and no such chapter is `general` (one line
per provider)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from chipwatch.analysis.period import default_as_of
from chipwatch.analysis.supply import supplies
from chipwatch.errors import ChipwatchError
from chipwatch.store.read import Store

STAGES = ("materials", "equipment", "design", "fabrication", "technology", "general")
BY_TYPE = {"material": "materials", "equipment": "equipment", "product": "fabrication", "technology": "technology"}
CHAPTERS = ("materials", "design", "fabrication")


@dataclass
class Line:
    stage: str
    item: str | None  # None: a dependence with no item named
    providers: list[str] = field(default_factory=list)
    consumers: list[str] = field(default_factory=list)
    claims: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def _stage(predicate: str, chapter: str | None, item_type: str | None, general: bool) -> str:
    if predicate == "fabricates":
        return "fabrication"
    if not general and item_type in ("material", "equipment"):
        return BY_TYPE[item_type]
    if chapter in CHAPTERS:
        return chapter
    return "general" if general else BY_TYPE.get(item_type or "", "technology")


def dependencies(store: Store, country: str = "RU", on: str = "CN", as_of: str | None = None) -> tuple[str | None, list[Line]]:
    """(the period read, the lines) of what `country`'s entities source from `on`'s, by stage then item."""
    country, on = country.upper(), on.upper()
    known = {c for (c,) in store.con.execute("SELECT DISTINCT country FROM entities WHERE country IS NOT NULL").fetchall()}
    for code, option in ((country, "--country"), (on, "--on")):
        if code not in known:
            raise ChipwatchError(f"{option} {code}: no entity in the store has this country; "
                                 f"use an ISO alpha-2 code the store holds, e.g. {', '.join(sorted(known)[:8])}")
    as_of = default_as_of(store, as_of)
    rows = store.con.execute("SELECT id, type, country FROM entities").fetchall()
    types = {i: t for i, t, _ in rows}
    country_of = {i: c for i, _, c in rows if c}
    chapters = dict(store.con.execute("SELECT id, chapter FROM claims").fetchall())
    lines: dict[tuple[str, str], Line] = {}
    for s in supplies(store, as_of):
        if country_of.get(s.consumer) != country or country_of.get(s.provider) != on:
            continue
        general = s.item == s.provider
        item = None if general else s.item
        stage = _stage(s.predicate, chapters.get(s.claim), types.get(s.item), general)
        key = (stage, item or f"provider:{s.provider}")  # no item named: one line per provider
        line = lines.setdefault(key, Line(stage, item))
        for attr, value in (("providers", s.provider), ("consumers", s.consumer), ("claims", s.claim), ("statuses", s.status)):
            if value not in getattr(line, attr):
                getattr(line, attr).append(value)
    out = sorted(lines.values(), key=lambda x: (STAGES.index(x.stage), x.item is None, x.item or ""))
    for line in out:
        for attr in ("providers", "consumers", "claims", "statuses"):
            getattr(line, attr).sort()
    return as_of, out


def with_evidence(store: Store, lines: list[Line]) -> list[dict]:
    """The lines as dicts, each with its claims' status and first quote (source, locator)."""
    ids = sorted({c for line in lines for c in line.claims})
    ev = store.evidence(ids) if ids else None
    first: dict[str, dict] = {}
    if ev is not None:
        for r in ev.sort_values(["claim_id", "seq"]).itertuples():
            first.setdefault(r.claim_id, {"source": r.source, "locator": r.locator, "quote": r.quote})
    status = dict(store.con.execute("SELECT id, status FROM claims WHERE list_contains(?, id)", [ids]).fetchall()) if ids else {}
    return [{**line.to_dict(), "evidence": [{"claim": c, "status": status.get(c), **first.get(c, {})} for c in line.claims]}
            for line in lines]
