"""What one country's entities source from another's: one line per (stage, item), the
providers and consumers, and the claims behind it. Supply relations as analysis.supply
reads them (customers and dissolved states are no suppliers).

Stage: fabrication for a product a fab makes; materials or equipment by what the item is;
otherwise the article's chapter of the claim (materials, design, fabrication), else
technology; a dependence with no item named and no such chapter is `general` (one line
per provider).

Each line says itself in a sentence (`msg`: who gets what from whom, with the claims' statuses),
and `summary` says the whole answer; labels in i18n/analysis.yaml."""

from __future__ import annotations

from dataclasses import dataclass, field

from chipwatch.analysis.period import default_as_of
from chipwatch.analysis.supply import supplies
from chipwatch.analysis.wording import Listed, as_dict, country, entity_names, name_of, status
from chipwatch.errors import ChipwatchError
from chipwatch.i18n.message import Msg
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
    msg: Msg | None = None  # the line in a sentence, to say in any language

    @property
    def stage_label(self) -> Msg:
        return Msg(f"analysis.stage.{self.stage}")

    def to_dict(self, lang: str | None = None) -> dict:
        """Every field; `msg` and `stage_label` said in `lang` (default English)."""
        return {**as_dict(self, lang), "stage_label": self.stage_label.text(lang or "en")}


def _sentence(line: Line, names: dict) -> Msg:
    said = {"consumers": Listed([name_of(names, c) for c in line.consumers], "and"),
            "providers": Listed([name_of(names, p) for p in line.providers], "and"),
            "statuses": Listed([status(s) for s in line.statuses])}
    if line.item is None:
        return Msg("analysis.dependencies.general", **said)
    return Msg("analysis.dependencies.item", item=name_of(names, line.item), **said)


def summary(country_code: str, on: str, as_of: str | None, lines: list[Line]) -> Msg:
    """The answer in one sentence: whose dependence on whom, as of when, how many lines and claims."""
    return Msg("analysis.dependencies.summary", country=country(country_code), on=country(on), as_of=as_of or "—",
               n=len(lines), claims=sum(len(x.claims) for x in lines))


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
    names = entity_names(store)
    for line in out:
        for attr in ("providers", "consumers", "claims", "statuses"):
            getattr(line, attr).sort()
        line.msg = _sentence(line, names)
    return as_of, out


def with_evidence(store: Store, lines: list[Line], lang: str | None = None) -> list[dict]:
    """The lines as dicts (sentences in `lang`), each with its claims' status and first quote
    (source, locator)."""
    ids = sorted({c for line in lines for c in line.claims})
    ev = store.evidence(ids) if ids else None
    first: dict[str, dict] = {}
    if ev is not None:
        for r in ev.sort_values(["claim_id", "seq"]).itertuples():
            first.setdefault(r.claim_id, {"source": r.source, "locator": r.locator, "quote": r.quote})
    status = dict(store.con.execute("SELECT id, status FROM claims WHERE list_contains(?, id)", [ids]).fetchall()) if ids else {}
    return [{**line.to_dict(lang), "evidence": [{"claim": c, "status": status.get(c), **first.get(c, {})} for c in line.claims]}
            for line in lines]
