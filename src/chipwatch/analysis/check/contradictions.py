"""internal_contradiction: a purity claim that states its grade two ways that disagree."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from chipwatch.analysis.check.common import Finding, finding, from_json, terms
from chipwatch.analysis.check.context import Context
from chipwatch.analysis.wording import Listed
from chipwatch.i18n.message import Msg
from chipwatch.model.quantity import parse_purity

_PURITY_EXPR = re.compile(r"(\d+(?:\.\d+)?)\s*N(?![A-Za-z])|(\d+(?:\.\d+)?)\s*[%％]")


def _purity_expressions(text: str) -> list[tuple[str, float, int, int]]:
    """Purity grades (6N) and purity-like percentages (99.9999 %) in a text, as nines."""
    text = unicodedata.normalize("NFKC", text)
    out = []
    for m in _PURITY_EXPR.finditer(text):
        if m[2] is not None and float(m[2]) < terms()["purity"]["percent_min"]:
            continue
        try:
            out.append((m[0].strip(), parse_purity(m[0]), m.start(), m.end()))
        except ValueError:
            continue
    return out


def _restatements(exprs: list[tuple[str, float, int, int]], max_gap: int) -> list[list]:
    """Runs of expressions standing next to each other (6N 級（99.999999%）)."""
    runs: list[list] = []
    for e in exprs:
        if runs and e[2] - runs[-1][-1][3] <= max_gap:
            runs[-1].append(e)
        else:
            runs.append([e])
    return [r for r in runs if len(r) > 1]


def internal_contradictions(ctx: Context) -> Iterable[Finding]:
    """Purity claims whose as_written, or a restatement of the claim's grade in a quote (a grade
    with its percentage beside it), gives grades that disagree with each other or with the
    claim's value. Grades far apart in a quote (6N … compared with 11N) are a comparison, not a
    restatement; a restatement of another grade in the same quote is another claim's business."""
    rules = ctx.terms["purity"]
    for c in ctx.claims.values():
        p = ctx.vocab.predicates.get(c["predicate"])
        if not p or p.value_kind != "purity":
            continue
        value = from_json(c["value_json"])
        try:
            nines = parse_purity(value) if value is not None else None
        except ValueError:
            nines = None
        groups = []
        if c["as_written"]:
            exprs = _purity_expressions(c["as_written"])
            if len(exprs) > 1:
                groups.append(("as_written", exprs))
        for e in c["evidence"]:
            for run in _restatements(_purity_expressions(e["quote"]), rules["max_gap"]):
                # a restatement in a quote is this claim's only if it gives the claim's grade
                if nines is None or any(abs(x[1] - nines) <= rules["tolerance"] for x in run):
                    groups.append((f"quote ({e['source']})", run))
        seen: set[tuple] = set()
        for where, exprs in groups:
            grades = [x[1] for x in exprs] + ([nines] if nines is not None else [])
            if max(grades) - min(grades) <= rules["tolerance"]:
                continue
            key = tuple(sorted((x[0], round(x[1], 3)) for x in exprs))
            if key in seen:
                continue
            seen.add(key)
            what = (Msg("check.purity.of_by", what=ctx.name(c["object"]), who=ctx.name(c["subject"])) if c["object"]
                    else Msg("check.purity.of", what=ctx.name(c["subject"])))
            stated = Listed([Msg("check.purity.expression", text=x[0], nines=_nines_words(x[1])) for x in exprs], "and")
            msg = (Msg("check.purity.two_ways.recorded", what=what, stated=stated, value=str(value)) if value is not None
                   else Msg("check.purity.two_ways", what=what, stated=stated))
            yield finding(
                "internal_contradiction", "error", msg,
                [c["id"]],
                {"claim": c["id"], "predicate": c["predicate"], "value": value, "value_nines": nines,
                 "as_written": c["as_written"], "found_in": where,
                 "expressions": [{"text": x[0], "nines": round(x[1], 3)} for x in exprs],
                 "evidence": ctx.evidence_view(c), "note": c["q"].get("note") or c["note"]})


def _nines_words(n: float) -> Msg:
    """Six nines (6 個 9): a grade in words, whole nines from one to twelve, else to two decimals."""
    r = round(n)
    if abs(n - r) < 0.01 and 1 <= r <= 12:
        return Msg(f"check.nines.{r}")
    return Msg("check.nines.fraction", n=n)
