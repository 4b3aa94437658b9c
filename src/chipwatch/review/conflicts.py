"""Sources that disagree: claims on the same subject and predicate (and object, if any)
whose values, nodes or statuses differ, side by side."""

from __future__ import annotations

from dataclasses import dataclass

from chipwatch.model.records import Claim

_COMPARED = ("node_nm", "wafer_inch", "share_pct", "year", "item", "scope")


@dataclass(frozen=True)
class Disagreement:
    new: Claim
    old: Claim
    what: str  # value | status | qualifiers

    def describe(self) -> str:
        def side(c: Claim) -> str:
            ev = c.evidence[0]
            shown = {"value": _value(c), "status": c.status, "qualifiers": c.qualifiers}[self.what]
            return f"{c.id} says {shown} ({ev.source}, {ev.locator}{', ' + c.valid_from if c.valid_from else ''})"
        return f"{self.new.subject} {self.new.predicate}: {side(self.new)}; {side(self.old)}"


def _value(c: Claim) -> str:
    v = c.value
    if hasattr(v, "min"):
        v = f"{v.min:g}–{v.max:g}" if v.min is not None and v.max is not None else f"{v.min or v.max:g}"
    return f"{v}{' ' + c.unit if c.unit else ''}"


def disagreements(new: Claim, claims: list[Claim]) -> list[Disagreement]:
    """Existing claims that say otherwise about what `new` is about."""
    out = []
    for old in claims:
        if old.id == new.id or (old.subject, old.predicate, old.object) != (new.subject, new.predicate, new.object):
            continue
        if new.value is not None and old.value is not None and (old.value, old.unit) != (new.value, new.unit):
            out.append(Disagreement(new, old, "value"))
        elif {k: old.qualifiers.get(k) for k in _COMPARED} != {k: new.qualifiers.get(k) for k in _COMPARED} \
                and any(k in old.qualifiers and k in new.qualifiers for k in _COMPARED):
            out.append(Disagreement(new, old, "qualifiers"))
        elif (old.status == "planned") != (new.status == "planned"):
            out.append(Disagreement(new, old, "status"))
    return out
