"""Claims the patterns missed, added by hand: a reviewer gives a quote from a queued text and
what it says; it joins the queue as a candidate (pattern `by-hand`) with the locator of the
sentence it lies in, to be accepted like any other. A quote not verbatim in the text is refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chipwatch.dataset.held import squash
from chipwatch.errors import ChipwatchError
from chipwatch.ingest.pipeline import Candidate
from chipwatch.ingest.readers import Document
from chipwatch.ingest.sentences import split
from chipwatch.review.queue import items

BY_HAND = "by-hand"


def locate(text: str, quote: str, lang: str) -> str | None:
    """The locator (`¶<paragraph> s<sentence>`) of the first sentence the quote lies in, or of
    its paragraph (`¶<paragraph>`) when it spans sentences; None if it is not in the text."""
    q = squash(quote)
    for pi, para in enumerate(Document(text, "text").paragraphs(), 1):
        if q not in squash(para):
            continue
        for si, sentence in enumerate(split(para, lang), 1):
            if q in squash(sentence):
                return f"¶{pi} s{si}"
        return f"¶{pi}"
    return None


def add(dataset: Path, source_id: str, quote: str, fields: dict[str, Any]) -> Candidate:
    """Queue a claim a reviewer read in a queued source; returns the new candidate."""
    item = next((i for i in items(dataset) if i.source["id"] == source_id), None)
    if item is None:
        known = ", ".join(i.source["id"] for i in items(dataset)) or "none (run chipwatch ingest)"
        raise ChipwatchError(f"no source '{source_id}' in the review queue of {dataset}; queued: {known}")
    if not {"subject", "predicate"} <= {k for k, v in fields.items() if v is not None}:
        raise ChipwatchError("review add: give --subject and --predicate (and --object or --value)")
    text = item.text_path.read_text(encoding="utf-8")
    locator = locate(text, quote, item.source.get("language", "en"))
    if locator is None:
        raise ChipwatchError(f"review add: the quote is not verbatim in the text of '{source_id}': {quote[:40]!r}…; "
                             "copy it exactly as the text prints it")
    n = max((int(c.id.rsplit("-", 1)[1]) for c in item.candidates if c.id.rsplit("-", 1)[-1].isdigit()), default=0) + 1
    cand = Candidate(f"{source_id}-{n:04d}", source_id, locator, quote.strip(), BY_HAND,
                     **{k: v for k, v in fields.items() if v is not None})
    item.candidates.append(cand)
    item.save()
    return cand
