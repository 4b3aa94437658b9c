"""conflicting_values: claims giving one subject different values where one is expected at a
time, a disputed claim beside the claim it disputes, a node outside the process range."""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable

from chipwatch.analysis.check.common import Field, Finding, as_list, finding, from_json, terms
from chipwatch.analysis.check.context import Context
from chipwatch.analysis.wording import Listed, Num, Predicate, Unit, status, value_said
from chipwatch.i18n.message import Msg, say
from chipwatch.model.dates import PartialDate
from chipwatch.model.quantity import parse_purity


def _period(valid_from: str | None, valid_to: str | None):
    start = PartialDate.parse(valid_from).start if valid_from else None
    end = PartialDate.parse(valid_to).end if valid_to else None
    return start, end


def _overlap(a: dict, b: dict) -> bool:
    try:
        a0, a1 = _period(a["valid_from"], a["valid_to"])
        b0, b1 = _period(b["valid_from"], b["valid_to"])
    except ValueError:
        return True
    return not ((a1 and b0 and a1 < b0) or (b1 and a0 and b1 < a0))


def _side(ctx: Context, c: dict, field_name: str) -> dict:
    return {"claim": c["id"], "status": c["status"], field_name: say(_shown(ctx, c, field_name), "en"),
            "valid_from": c["valid_from"], "valid_to": c["valid_to"], "evidence": ctx.evidence_view(c)}


def _shown(ctx: Context, c: dict, field_name: str):
    """The object, value (about 5000 wafer_200mm/month) or qualifier a claim gives, to say."""
    if field_name == "object":
        return ctx.name(c["object"]) if c["object"] else "—"
    if field_name == "value":
        return value_said(from_json(c["value_json"]), c["unit"], bool(c["approx"]))
    vals = c["q"].get(field_name)
    return Listed([ctx.name(v) if isinstance(v, str) else str(v) for v in as_list(vals)]) if vals is not None else "—"


def _values_differ(a: dict, b: dict, tolerance: float) -> bool:
    va, vb = from_json(a["value_json"]), from_json(b["value_json"])
    if (a["unit"] or "") != (b["unit"] or ""):  # the same figure in another unit is no disagreement
        factor = _factor(b["unit"], a["unit"])
        if factor is None:
            return True
        vb = _scaled(vb, factor)
        if vb is None:
            return True
        tolerance, a = max(tolerance, CONVERTED), {**a, "approx": True}  # a converted figure is written rounded
    if isinstance(va, dict) or isinstance(vb, dict):
        ra = (va.get("min"), va.get("max")) if isinstance(va, dict) else (va, va)
        rb = (vb.get("min"), vb.get("max")) if isinstance(vb, dict) else (vb, vb)
        return any(not _close(x, y, a, b, tolerance) for x, y in zip(ra, rb, strict=True))
    if isinstance(va, (int, float)) and isinstance(vb, (int, float)) and not isinstance(va, bool):
        return not _close(va, vb, a, b, tolerance)
    if isinstance(va, str) and isinstance(vb, str):
        try:
            return abs(parse_purity(va) - parse_purity(vb)) > terms()["purity"]["tolerance"]
        except ValueError:
            pass
        try:
            pa, pb = PartialDate.parse(va), PartialDate.parse(vb)
            return not (pa.start <= pb.start <= pb.end <= pa.end or pb.start <= pa.start <= pa.end <= pb.end)
        except ValueError:
            return va.strip().casefold() != vb.strip().casefold()
    return va != vb


CONVERTED = 1e-3  # how far a figure converted from another unit may be from the other claim's


def _factor(unit_from: str | None, unit_to: str | None) -> float | None:
    """How many `unit_to` one `unit_from` is (5,000 wafer_200mm/month is 2,222.2
    wafer_300mm/month), or None if they do not convert."""
    if not unit_from or not unit_to:
        return None
    from chipwatch.model.quantity import factor

    try:
        return factor(unit_from, unit_to)
    except Exception:  # noqa: BLE001 - pint raises several kinds (tokenize errors too); all mean "does not convert"
        return None


def _scaled(v, factor: float):
    """A number or a {min, max} range times `factor` (None for anything else)."""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return v * factor
    if isinstance(v, dict):
        return {k: (x * factor if isinstance(x, (int, float)) else x) for k, x in v.items()}
    return None


def _close(x, y, a: dict, b: dict, tolerance: float) -> bool:
    if x is None or y is None:
        return x is None and y is None
    rel = tolerance if (a["approx"] or b["approx"]) else 1e-9
    return math.isclose(float(x), float(y), rel_tol=rel)


def _conflict(ctx: Context, a: dict, b: dict, field_name: str, why: str) -> Finding:
    disputed = [c["id"] for c in (a, b) if c["status"] == "disputed"]
    said = {"subject": ctx.name(a["subject"]),
            "sides": Msg("check.conflict.sides", a=_shown(ctx, a, field_name), sa=_support(ctx, a),
                         b=_shown(ctx, b, field_name), sb=_support(ctx, b))}
    if field_name == "object":
        msg = Msg("check.conflict.object", what=Predicate(a["predicate"]), **said)
    elif field_name == "value":
        msg = Msg("check.conflict.value", what=Predicate(a["predicate"], "words"), **said)
    elif a["object"]:
        msg = Msg("check.conflict.field", what=Predicate(a["predicate"], obj=ctx.name(a["object"])),
                  field=Field(field_name), **said)
    else:
        msg = Msg("check.conflict.field", what=Predicate(a["predicate"]), field=Field(field_name), **said)
    if disputed:
        msg = Msg("check.conflict.disputed", first=msg)
    return finding(
        "conflicting_values", "warning" if disputed else "error", msg, [a["id"], b["id"]],
        {"field": field_name, "why": why, "predicate": a["predicate"], "subject": a["subject"],
         "disputed": disputed, "sides": [_side(ctx, a, field_name), _side(ctx, b, field_name)]})


def _support(ctx: Context, c: dict) -> Msg:
    """What backs a claim: its status (unless fact), its id, its sources."""
    names = {}
    for e in c["evidence"]:
        name = ctx.source_name(e["source"], capital=False)
        names.setdefault(str(name), name)
    said = (Msg("check.support.sources", claim=c["id"], sources=Listed(list(names.values()), "and")) if names
            else Msg("check.support", claim=c["id"]))
    return said if c["status"] == "fact" else Msg("check.support.status", status=status(c["status"]), rest=said)


def _differences(ctx: Context, a: dict, b: dict, tolerance: float) -> list[str]:
    """Where two claims of one subject and predicate differ: object, entity qualifiers, value
    (a field one of them leaves out is no difference: unknown is not different)."""
    diffs = []
    if a["object"] and b["object"] and a["object"] != b["object"]:
        diffs.append("object")
    for k in sorted(ctx.vocab.entity_qualifiers & set(a["q"]) & set(b["q"])):
        if a["q"][k] != b["q"][k]:
            diffs.append(k)
    if a["value_json"] and b["value_json"] and _values_differ(a, b, tolerance):
        diffs.append("value")
    return diffs


def _names_the_other(a: dict, b: dict) -> bool:
    """Does either claim's note name the other claim's id (see node-28nm-first-volume-…)?"""
    def notes(c: dict) -> str:
        return " ".join(str(x) for x in (c["note"], c["q"].get("note"), c["q"].get("condition")) if x)
    return bool(re.search(rf"(?<![\w-]){re.escape(b['id'])}(?![\w-])", notes(a))
                or re.search(rf"(?<![\w-]){re.escape(a['id'])}(?![\w-])", notes(b)))


def conflicting_values(ctx: Context) -> Iterable[Finding]:
    rules = ctx.terms["conflicts"]
    asserting = set(rules["asserting_statuses"])
    tol = rules["approx_tolerance"]
    done: set[frozenset] = set()
    # (a) one value at a time
    buckets: dict[tuple, list[dict]] = defaultdict(list)
    for c in ctx.claims.values():
        spec = rules["single_valued"].get(c["predicate"])
        subject = ctx.entities.get(c["subject"])
        if spec and c["status"] in asserting and (
                "subject_types" not in spec or (subject and subject["type"] in spec["subject_types"])):
            key = [c["subject"], c["predicate"]]
            for k in spec["key"]:
                v = c["object"] if k == "object" else c["q"].get(k)
                key.append(json.dumps(v, sort_keys=True, ensure_ascii=False))
            buckets[tuple(key)].append(c)
    for key, claims in buckets.items():
        spec = rules["single_valued"][key[1]]
        for i, a in enumerate(claims):
            for b in claims[i + 1:]:
                if not _overlap(a, b):
                    continue
                if spec["compare"] == "object":
                    differ = a["object"] != b["object"] and not ctx.contained(a["object"] or "", b["object"] or "")
                else:
                    differ = _values_differ(a, b, tol)
                if differ:
                    done.add(frozenset((a["id"], b["id"])))
                    yield _conflict(ctx, a, b, spec["compare"],
                                    f"{key[1]} has one {spec['compare']} at a time for the same "
                                    + ", ".join(["subject", *spec["key"]]))
    # (b) a disputed claim and the claim it disputes: same subject and predicate, overlapping
    # validity, and either one names the other in its notes, or (if no note names one) they
    # differ in exactly one respect (object, an entity qualifier, the value; a missing one is
    # no difference) and share a source, or are the only such pair
    by_sp: dict[tuple, list[dict]] = defaultdict(list)
    for c in ctx.claims.values():
        by_sp[(c["subject"], c["predicate"])].append(c)
    for d in ctx.claims.values():
        if d["status"] != "disputed":
            continue
        one_diff, chosen = [], []
        for c in by_sp[(d["subject"], d["predicate"])]:
            if c is d or c["status"] == "disputed" or not _overlap(c, d):
                continue
            diffs = _differences(ctx, c, d, tol)
            if not diffs:
                continue
            if _names_the_other(c, d):
                chosen.append((c, diffs[0]))
            elif len(diffs) == 1:
                one_diff.append((c, diffs[0]))
        d_sources = {e["source"] for e in d["evidence"]}
        shared = [(c, f) for c, f in one_diff if d_sources & {e["source"] for e in c["evidence"]}]
        if not chosen:  # a note naming the counterpart settles it; else a shared source, else uniqueness
            chosen = shared or (one_diff if len(one_diff) == 1 else [])
        for c, field_name in chosen:
            if frozenset((c["id"], d["id"])) not in done:
                done.add(frozenset((c["id"], d["id"])))
                yield _conflict(ctx, c, d, field_name, "a disputed claim beside the claim it disputes")
    # (c) nodes a company runs inside its process range
    spec = rules["node_within_range"]
    ranges: dict[str, list[dict]] = defaultdict(list)
    for c in ctx.claims.values():
        if c["predicate"] == spec["range_predicate"] and c["status"] in asserting and c["value_min"] is not None \
                and c["value_max"] is not None:
            ranges[c["subject"]].append(c)
    for m in spec["members"]:
        for c in ctx.claims.values():
            if c["predicate"] != m["predicate"] or c["status"] not in asserting or c["subject"] not in ranges:
                continue
            if m["field"] == "value":
                lo = c["value_min"] if c["value_min"] is not None else c["value_num"]
                hi = c["value_max"] if c["value_max"] is not None else c["value_num"]
            else:
                v = c["q"].get(m["field"])
                lo = hi = float(v) if isinstance(v, (int, float)) else None
            if lo is None or hi is None:
                continue
            candidates = [r for r in ranges[c["subject"]] if _overlap(r, c)
                          and (r["q"].get("wafer_inch") is None or c["q"].get("wafer_inch") is None
                               or r["q"].get("wafer_inch") == c["q"].get("wafer_inch"))]
            if not candidates or any(r["value_min"] <= lo and hi <= r["value_max"] for r in candidates):
                continue
            r = candidates[0]
            node = Num(lo) if lo == hi else Msg("analysis.value.range", lo=Num(lo), hi=Num(hi))
            disputed = [x["id"] for x in (c, r) if x["status"] == "disputed"]
            msg = Msg("check.conflict.node_range", subject=ctx.name(c["subject"]), node=node, unit=Unit(r["unit"]),
                      sc=_support(ctx, c), lo=Num(r["value_min"]), hi=Num(r["value_max"]), sr=_support(ctx, r))
            yield finding(
                "conflicting_values", "warning", msg,
                [c["id"], r["id"]],
                {"field": m["field"], "why": "a node the company runs lies outside its process range",
                 "predicate": c["predicate"], "subject": c["subject"], "disputed": disputed,
                 "sides": [_side(ctx, c, "value" if m["field"] == "value" else m["field"]), _side(ctx, r, "value")]})
