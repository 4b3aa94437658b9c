"""Precision and recall of proposed claims against claims people wrote by hand.

The gold claims are a dataset's own claims from chosen chapters (files), each with its
quote from a text we hold. Only sentences of that text that some gold quote lies in are
read. A candidate is right when a gold claim of the same subject, predicate and object
(value claims: subject and predicate) is quoted from its sentence; a gold claim is found
when such a candidate exists. Run: `python -m chipwatch.ingest.evaluate DATASET SOURCE CHAPTER...`."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

from chipwatch.dataset import load_dataset
from chipwatch.dataset.held import find_shared, squash
from chipwatch.errors import ChipwatchError
from chipwatch.ingest.gazetteer import Gazetteer
from chipwatch.ingest.patterns import load_language
from chipwatch.ingest.pipeline import propose
from chipwatch.ingest.readers import Document
from chipwatch.ingest.sentences import family, split


@dataclass
class Score:
    sentences: int
    gold: int
    found: int
    proposed: int
    right: int
    seconds: float

    @property
    def precision(self) -> float:
        return self.right / self.proposed if self.proposed else 0.0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 0.0


def _key(subject: str, predicate: str, obj: str | None) -> tuple:
    return (subject, predicate, obj)


def evaluate(dataset: Path, source: str, chapters: list[str]) -> Score:
    """Score the patterns of the source's language on the sentences the chapters quote."""
    ds = load_dataset(dataset, claims=True)
    src = next((s for s in ds.sources if s.id == source), None)
    shared = find_shared(Path(dataset))
    if src is None or not src.held or shared is None or not (shared / src.held).is_file():
        raise ChipwatchError(f"{dataset}: source '{source}' has no held text here; give a source we hold")
    wanted = {f"{c}.yaml" for c in chapters}
    gold = [(c, squash(ev.quote)) for path, batch in ds.loaded or [] if path.name in wanted
            for c in batch for ev in c.evidence if ev.source == source]
    doc = Document((shared / src.held).read_text(encoding="utf-8"), "text")
    lang = load_language(family(src.language))
    gaz = Gazetteer.from_entities(ds.entities)
    sentences = [s for p in doc.paragraphs() for s in split(p, src.language)
                 if any(q in squash(s) or squash(s) in q for _, q in gold)]
    t0 = time.perf_counter()
    proposed = [(squash(s), c) for s in sentences for c in propose(s, gaz, lang, source, "")]
    seconds = time.perf_counter() - t0

    def same(claim, cand) -> bool:
        obj = claim.object if claim.object else None
        return _key(claim.subject, claim.predicate, obj) == _key(cand.subject, cand.predicate, cand.object)

    def quoted(q: str, s: str) -> bool:
        return q in s or s in q

    right = sum(1 for s, c in proposed if any(same(g, c) and quoted(q, s) for g, q in gold))
    found = {g.id for g, q in gold if any(same(g, c) and quoted(q, s) for s, c in proposed)}
    return Score(len(sentences), len({g.id for g, _ in gold}), len(found), len(proposed), right, seconds)


def main(argv: list[str]) -> None:
    if len(argv) < 3:
        sys.exit("usage: python -m chipwatch.ingest.evaluate DATASET SOURCE CHAPTER...")
    s = evaluate(Path(argv[0]), argv[1], argv[2:])
    print(f"{s.sentences} sentences, {s.gold} gold claims, {s.proposed} proposed: precision {s.precision:.2f} "
          f"({s.right}/{s.proposed}), recall {s.recall:.2f} ({s.found}/{s.gold}); "
          f"{s.sentences / s.seconds if s.seconds else 0:.0f} sentences/s")


if __name__ == "__main__":
    main(sys.argv[1:])
