"""Sources that disagree: claims on the same subject and predicate (and object, if any)
whose values, nodes or statuses differ, side by side."""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import SimpleNamespace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chipwatch.model.records import Claim

_NODES = ("node_nm", "wafer_inch")  # numbers that, for the same thing, should agree
_CONTEXT = ("year", "scope", "item", "segment", "sector", "place", "to", "via")  # a different one: another fact
_FIGURES = ("quantity", "percent", "purity", "date", "integer")  # single-valued: two values disagree


@dataclass(frozen=True)
class Disagreement:
    new: Claim
    old: Claim
    what: str  # value | status | qualifiers

    def says(self, c: Claim) -> str:
        """What one side says on the point they differ on."""
        return {"value": _value(c), "status": c.status, "qualifiers": str(c.qualifiers)}[self.what]

    def describe(self) -> str:
        def side(c: Claim) -> str:
            ev = c.evidence[0]
            return f"{c.id} says {self.says(c)} ({ev.source}, {ev.locator}{', ' + c.valid_from if c.valid_from else ''})"
        return f"{self.new.subject} {self.new.predicate}: {side(self.new)}; {side(self.old)}"

    def side_by_side(self, sources: dict[str, dict]) -> dict:
        """Both claims with what they say, status, dates, and each piece of evidence with its
        source's title and date (`sources`: id -> record), for `show` and the entity page."""
        def side(c: Claim) -> dict:
            return {"claim": c.id, "says": self.says(c), "status": c.status, "valid_from": c.valid_from,
                    "valid_to": c.valid_to,
                    "evidence": [{"source": ev.source, "title": sources.get(ev.source, {}).get("title"),
                                  "date": sources.get(ev.source, {}).get("date"), "locator": ev.locator,
                                  "quote": ev.quote} for ev in c.evidence]}
        return {"subject": self.new.subject, "predicate": self.new.predicate, "object": self.new.object,
                "what": self.what, "sides": [side(self.new), side(self.old)]}


def _value(c: Claim) -> str:
    v = c.value
    if hasattr(v, "min"):
        v = f"{v.min:g}–{v.max:g}" if v.min is not None and v.max is not None else f"{v.min or v.max:g}"
    return f"{v}{' ' + c.unit if c.unit else ''}"


def _bounds(c: Claim) -> list[float | None]:
    v = c.value
    return [v.min, v.max] if hasattr(v, "min") else [v]


def same_value(a: Claim, b: Claim) -> bool:
    """Whether two claims give the same figure, converting units (5,000 200-mm wafers a month
    is 2,222.2 300-mm wafers a month)."""
    if (a.value, a.unit) == (b.value, b.unit):
        return True
    if not (a.unit and b.unit):
        return False
    try:
        pairs = list(zip(_bounds(a), _bounds(b), strict=True))
    except (ValueError, TypeError):
        return False
    if a.unit == b.unit:  # one unit: the figures alone (no unit registry to load, a second of `show`)
        return all(x == y or (x is not None and y is not None and math.isclose(x, y, rel_tol=1e-3)) for x, y in pairs)
    from chipwatch.model.quantity import parse_quantity, same_quantity

    try:
        return all((x is None and y is None) or (x is not None and y is not None and
                   same_quantity(parse_quantity(x, a.unit), parse_quantity(y, b.unit), rel=1e-3)) for x, y in pairs)
    except (ValueError, TypeError):
        return False


def _same_context(a: Claim, b: Claim) -> bool:
    """The same fact: no context qualifier that both give differs, not dated to different times."""
    if any(k in a.qualifiers and k in b.qualifiers and a.qualifiers[k] != b.qualifiers[k] for k in _CONTEXT):
        return False
    return not (a.valid_from and b.valid_from and a.valid_from != b.valid_from)


def disagreements(new: Claim, claims: list[Claim]) -> list[Disagreement]:
    """Existing claims that say otherwise about what `new` is about: another figure for a
    single-valued predicate, another node, or planned against stated as done."""
    kind = _value_kind(new.predicate)
    out = []
    for old in claims:
        if old.id == new.id or (old.subject, old.predicate, old.object) != (new.subject, new.predicate, new.object):
            continue
        if not _same_context(old, new):
            continue
        plan_vs_now = (old.status == "planned") != (new.status == "planned")  # a target is no contradiction
        if kind in _FIGURES and new.value is not None and old.value is not None and not same_value(old, new):
            if not plan_vs_now:
                out.append(Disagreement(new, old, "value"))
        elif not plan_vs_now and any(k in old.qualifiers and k in new.qualifiers and old.qualifiers[k] != new.qualifiers[k]
                                     for k in _NODES):
            out.append(Disagreement(new, old, "qualifiers"))
        elif plan_vs_now and (old.value is None) == (new.value is None) and (old.value is None or same_value(old, new)):
            out.append(Disagreement(new, old, "status"))
    return out


def _value_kind(predicate: str) -> str | None:
    from chipwatch.model.vocabulary import vocabulary

    pred = vocabulary().predicates.get(predicate)
    return pred.value_kind if pred else None


def all_disagreements(claims: list[Claim]) -> list[Disagreement]:
    """Every pair of claims in a dataset that disagree, each pair once (the later claim first)."""
    groups: dict[tuple, list[Claim]] = {}
    for c in claims:
        groups.setdefault((c.subject, c.predicate, c.object), []).append(c)
    out = []
    for group in groups.values():
        for i, new in enumerate(group[1:], 1):
            out.extend(disagreements(new, group[:i]))
    return out


def claim_of(record: dict) -> SimpleNamespace:
    """A claim as the store's views give it (already validated when it was built), with what
    the comparisons read: no model to construct, so `show` needs no pydantic."""
    v = record.get("value")
    if isinstance(v, dict) and ("min" in v or "max" in v):
        v = SimpleNamespace(min=v.get("min"), max=v.get("max"))
    evidence = [SimpleNamespace(source=e.get("source"), locator=e.get("locator"), quote=e.get("quote"))
                for e in record.get("evidence") or []]
    return SimpleNamespace(id=record["id"], subject=record["subject"], predicate=record["predicate"],
                           object=record.get("object"), value=v, unit=record.get("unit"),
                           status=record.get("status") or "fact", qualifiers=record.get("qualifiers") or {},
                           valid_from=record.get("valid_from"), valid_to=record.get("valid_to"), evidence=evidence)


def entity_disagreements(store, claims: list[dict]) -> list[dict]:
    """The claims of an entity view that disagree, side by side with their sources and dates."""
    found = all_disagreements([claim_of(c) for c in claims])
    if not found:
        return []
    ids = sorted({ev.source for d in found for c in (d.new, d.old) for ev in c.evidence})
    sources = {r["id"]: r for r in store.dicts(
        f"SELECT id, title, date, publisher, url FROM sources WHERE id IN ({', '.join('?' * len(ids))})", ids)}
    return [d.side_by_side(sources) for d in found]
