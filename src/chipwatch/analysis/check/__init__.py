"""Consistency checks over a built store: what the claims, their quotes and their sources
say that does not fit together, each finding in one plain sentence with the claims behind it.

Kinds of finding:
- internal_contradiction: one claim states its value two ways that disagree (a purity given
  as 6N and, in the same breath, as 99.999999 %, which is eight nines);
- footnote_disagrees: a source we know only by its title (a footnote) names another thing of
  the same kind as the text citing it (argon where the sentence says hydrogen; the Urals
  where it says Irkutsk Oblast);
- name_variant: a quote spells an entity of its claim as a near miss of that entity's names
  (Nitel for Nitol, Hanyang for Hangyang);
- conflicting_values: claims that give one subject different values where one is expected at a
  time, a disputed claim beside the claim it disputes, a node outside the process range;
- number_not_in_quote: a value, qualifier number or date of a claim that none of its quotes
  contains (after the usual equivalences: 5 千 = 5000, 2.5 億 = 250000000);
- dangling_reference: a claim, evidence row, name or identifier pointing at nothing in the store;
- the article's own slips (article.py): spelling variants, things put in the wrong class,
  garbled characters, a footnote title that does not match its URL, a founding year against
  the linked list entry's establishment date.

Severity: `error` when the store itself is inconsistent (a claim contradicting itself, two
undisputed claims asserting incompatible facts, a reference to nothing); `warning` when sources
disagree (known, i.e. marked disputed, or not) or a figure is not in its quotes; `info` for
dates that come from the surrounding text rather than the quote.

Everything is driven by the store and by terms.yaml (words, groups, tolerances); nothing here
knows a claim id. Entry point: `check(store)`.
"""

from __future__ import annotations

from chipwatch.analysis.check.article import article_slips
from chipwatch.analysis.check.common import TERMS, Finding, terms
from chipwatch.analysis.check.context import Context
from chipwatch.analysis.check.contradictions import internal_contradictions
from chipwatch.analysis.check.footnotes import footnote_disagreements
from chipwatch.analysis.check.names import name_variants
from chipwatch.analysis.check.numbers import numbers_not_in_quotes
from chipwatch.analysis.check.references import dangling_references
from chipwatch.analysis.check.values import conflicting_values
from chipwatch.errors import ChipwatchError
from chipwatch.store.read import Store

__all__ = ["TERMS", "Finding", "check", "terms"]


def check(store: Store, min_severity: str | None = None) -> list[Finding]:
    """Run every consistency check over the store; findings sorted by severity, then kind.
    With `min_severity` (error, warning, info), only findings at least that severe."""
    severities = terms()["severities"]
    if min_severity is not None and min_severity not in severities:
        raise ChipwatchError(f"severity {min_severity}: use one of {', '.join(severities)}")
    ctx = Context(store)
    findings = [
        *dangling_references(ctx),
        *internal_contradictions(ctx),
        *footnote_disagreements(ctx),
        *name_variants(ctx),
        *conflicting_values(ctx),
        *numbers_not_in_quotes(ctx),
        *article_slips(ctx),
    ]
    order = {s: i for i, s in enumerate(severities)}
    if min_severity is not None:
        findings = [f for f in findings if order.get(f.severity, len(order)) <= order[min_severity]]
    return sorted(findings, key=lambda f: (order.get(f.severity, len(order)), f.kind,
                                           f.claims[0] if f.claims else "", f.message))
