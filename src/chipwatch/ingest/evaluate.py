"""Precision and recall of proposed claims against claims people wrote by hand.

Two kinds of gold:
- a dataset's own claims from chosen chapters (files), each quoted from a text we hold:
  `python -m chipwatch.ingest.evaluate DATASET SOURCE CHAPTER...`; only the sentences some
  gold quote lies in are scored;
- an annotation file (YAML: `language`, `file` (the text, relative to the annotation) or
  `text`, and `claims`: `{sentence, subject, predicate, object}`), written by reading the text,
  not the proposals: `python -m chipwatch.ingest.evaluate --annotated FILE... [--dataset DIR]`;
  every sentence of the text is scored.

A proposal is right when a gold claim of the same subject, predicate and object (value claims:
subject and predicate) lies in its sentence; a gold claim is found when such a proposal exists.
Sentences are read in order, so implied subjects ("the company") resolve as in `ingest`."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from chipwatch.dataset import load_dataset
from chipwatch.dataset.held import squash
from chipwatch.dataset.yamlio import read_yaml
from chipwatch.errors import ChipwatchError
from chipwatch.ingest.gazetteer import Gazetteer, Mention
from chipwatch.ingest.patterns import load_language
from chipwatch.ingest.pipeline import Candidate, _remember, implied, propose
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
    read: int = 0  # sentences read (scored or not: the context of implied subjects)

    @property
    def precision(self) -> float:
        return self.right / self.proposed if self.proposed else 0.0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 0.0

    @property
    def rate(self) -> float:
        """Sentences read per second (mentions and proposals; reading and splitting excluded)."""
        return self.read / self.seconds if self.seconds else 0.0

    def __add__(self, other: Score) -> Score:
        return Score(*(a + b for a, b in zip(self.astuple(), other.astuple(), strict=True)))

    def astuple(self) -> tuple:
        return (self.sentences, self.gold, self.found, self.proposed, self.right, self.seconds, self.read)

    def line(self) -> str:
        return (f"{self.sentences} sentences, {self.gold} gold claims, {self.proposed} proposed: precision "
                f"{self.precision:.2f} ({self.right}/{self.proposed}), recall {self.recall:.2f} ({self.found}/{self.gold}); "
                f"{self.rate:.0f} sentences/s")


@dataclass(frozen=True)
class Gold:
    id: str
    key: tuple  # (subject, predicate, object or None)
    sentence: str  # squashed


def proposals(text: str, lang: str, gaz: Gazetteer, keep: Callable[[str], bool]) -> tuple[list[tuple[str, Candidate]], int, float, int]:
    """(squashed sentence, candidate) for the kept sentences of a text, read in order; the
    number of kept sentences, the seconds spent finding mentions and proposing, and the
    number of sentences read."""
    language = load_language(family(lang))
    last: dict[str, Mention] = {}
    out, kept, seconds, n = [], 0, 0.0, 0
    for para in Document(text, "text").paragraphs():
        for sentence in split(para, lang):
            n += 1
            wanted = keep(sentence)
            t0 = time.perf_counter()
            named = gaz.find(sentence)
            mentions = implied(sentence, named, language, last) if language.refer else named
            found = propose(sentence, gaz, language, "", "", mentions, last)  # every sentence, as ingest does
            _remember(last, named, n)
            seconds += time.perf_counter() - t0
            if wanted:
                kept += 1
                out.extend((squash(sentence), c) for c in found)
    return out, kept, seconds, n


def warm_proposals(text: str, lang: str, gaz: Gazetteer, keep: Callable[[str], bool]):
    """`proposals`, timed on a second reading (the first loads the vocabulary, units and patterns)."""
    proposals(text, lang, gaz, keep)
    return proposals(text, lang, gaz, keep)


def score(proposed: list[tuple[str, Candidate]], gold: list[Gold], sentences: int, seconds: float, read: int) -> Score:
    def match(g: Gold, s: str, c: Candidate) -> bool:
        return g.key == (c.subject, c.predicate, c.object) and (g.sentence in s or s in g.sentence)

    right = sum(1 for s, c in proposed if any(match(g, s, c) for g in gold))
    found = {g.id for g in gold if any(match(g, s, c) for s, c in proposed)}
    return Score(sentences, len({g.id for g in gold}), len(found), len(proposed), right, seconds, read)


def evaluate(dataset: Path, source: str, chapters: list[str]) -> Score:
    """Score the patterns of the source's language on the sentences the chapters quote."""
    from chipwatch.review.files import held_file

    ds = load_dataset(dataset, claims=True)
    src = next((s for s in ds.sources if s.id == source), None)
    path = held_file(Path(dataset), src.held) if src is not None and src.held else None
    if path is None:
        raise ChipwatchError(f"{dataset}: source '{source}' has no held text here; give a source we hold")
    wanted = {f"{c}.yaml" for c in chapters}
    gold = [Gold(c.id, (c.subject, c.predicate, c.object or None), squash(ev.quote))
            for p, batch in ds.loaded or [] if p.name in wanted for c in batch for ev in c.evidence if ev.source == source]
    gaz = Gazetteer.from_entities(ds.entities)
    proposed, kept, seconds, read = warm_proposals(path.read_text(encoding="utf-8"), src.language, gaz,
                                              lambda s: any(g.sentence in squash(s) or squash(s) in g.sentence for g in gold))
    return score(proposed, gold, kept, seconds, read)


def evaluate_annotated(annotation: Path, gaz: Gazetteer) -> Score:
    """Score the patterns on every sentence of an annotated text."""
    doc = read_yaml(annotation)
    if not isinstance(doc, dict) or "language" not in doc or not ({"file", "text"} & set(doc)):
        raise ChipwatchError(f"{annotation}: an annotation needs language, file (or text) and claims")
    text = doc.get("text") or (annotation.parent / doc["file"]).read_text(encoding="utf-8")
    gold = []
    for i, c in enumerate(doc.get("claims") or []):
        if not isinstance(c, dict) or not {"sentence", "subject", "predicate"} <= set(c):
            raise ChipwatchError(f"{annotation}: claims[{i}]: give sentence, subject, predicate (and object)")
        if squash(c["sentence"]) not in squash(text):
            raise ChipwatchError(f"{annotation}: claims[{i}]: sentence is not in the text: {c['sentence'][:40]!r}…")
        gold.append(Gold(f"{annotation.name}#{i}", (c["subject"], c["predicate"], c.get("object")), squash(c["sentence"])))
    proposed, kept, seconds, read = warm_proposals(text, doc["language"], gaz, lambda s: True)
    return score(proposed, gold, kept, seconds, read)


def main(argv: list[str]) -> None:
    if argv[:1] == ["--annotated"]:
        args = argv[1:]
        dataset = None
        if "--dataset" in args:
            i = args.index("--dataset")
            dataset, args = Path(args[i + 1]), args[:i] + args[i + 2:]
        from chipwatch.review.together import known_entities, with_datasets

        ds = load_dataset(dataset or Path("datasets/russia"))
        gaz = Gazetteer.from_entities([*known_entities(with_datasets(ds.root)).values(), *ds.entities])
        total = None
        for a in args:
            s = evaluate_annotated(Path(a), gaz)
            print(f"{a}: {s.line()}")
            total = s if total is None else total + s
        if total is not None and len(args) > 1:
            print(f"all: {total.line()}")
        return
    if len(argv) < 3:
        sys.exit("usage: python -m chipwatch.ingest.evaluate DATASET SOURCE CHAPTER... | --annotated FILE... [--dataset DIR]")
    print(evaluate(Path(argv[0]), argv[1], argv[2:]).line())


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except ChipwatchError as exc:
        sys.exit(f"error: {exc}")
