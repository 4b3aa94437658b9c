"""footnote_disagrees: a source known only by its title (a footnote) names another thing of
the same kind as the text citing it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from chipwatch.analysis.check.common import Finding, finding
from chipwatch.analysis.check.context import Context
from chipwatch.analysis.wording import Listed
from chipwatch.i18n.message import Msg


def title_only(ctx: Context) -> dict[str, str]:
    """Sources we know only by their title as another source prints it -> the citing source."""
    return {s["id"]: s["cited_in"] for s in ctx.sources.values() if s["cited_in"] and not s["held"]}


def footnote_disagreements(ctx: Context) -> Iterable[Finding]:
    cited = title_only(ctx)
    if not cited:
        return
    lex = ctx.lexicon
    groups: dict[tuple[str, str], dict] = {}
    for c in ctx.claims.values():
        notes = [e for e in c["evidence"] if e["source"] in cited]
        if not notes:
            continue
        own = ctx.entity_ids(c)
        for note in notes:
            text_quotes = [e["quote"] for e in c["evidence"] if e["source"] == cited[note["source"]]]
            in_note: dict[str, set[str]] = defaultdict(set)
            for m in lex.mentions(note["quote"]):
                in_note[m.concept].add(m.surface)
            in_text: dict[str, set[str]] = defaultdict(set)
            for q in text_quotes:
                for m in lex.mentions(q):
                    in_text[m.concept].add(m.surface)
            text_side = set(in_text) | own
            for f in in_note:
                if f in in_text:
                    continue
                against = sorted(a for a in text_side
                                 if a not in in_note and (f in own or a in own) and lex.contrast(f, a))
                if not against:
                    continue
                g = groups.setdefault((note["source"], f), {"note_surface": set(), "text": {}, "claims": []})
                g["note_surface"] |= in_note[f]
                for a in against:
                    g["text"].setdefault(a, set()).update(in_text.get(a, ()))
                g["claims"].append({"id": c["id"], "status": c["status"], "footnote_quote": note["quote"],
                                    "text_quotes": text_quotes,
                                    "claim_names": sorted(x for x in (f, *against) if x in own)})
    for (source, f), g in sorted(groups.items()):
        s = ctx.sources[source]
        text_names = [Msg("check.named_as", name=ctx.name(a), as_written=_quoted(sf)) if sf else ctx.name(a)
                      for a, sf in sorted(g["text"].items())]
        disputed = [x["id"] for x in g["claims"] if x["status"] == "disputed"]
        msg = Msg("check.footnote.disagrees", source=ctx.source_name(source), name=ctx.name(f),
                  as_written=_quoted(g["note_surface"]), text_names=Listed(text_names, "and"))
        yield finding(
            "footnote_disagrees", "warning", msg,
            [x["id"] for x in g["claims"]],
            {"source": source, "footnote": s["footnote"], "title": s["title"], "cited_in": s["cited_in"],
             "footnote_names": {"id": f, "label": ctx.label(f), "as_written": sorted(g["note_surface"])},
             "text_names": [{"id": a, "label": ctx.label(a), "as_written": sorted(sf)}
                            for a, sf in sorted(g["text"].items())],
             "disputed_claims": disputed, "claims": g["claims"]})


def _quoted(words) -> Listed:
    """“аргона”, “argon”: words as written, each in quotation marks (「」 in Chinese)."""
    return Listed([Msg("check.quoted", text=w) for w in sorted(words)])
