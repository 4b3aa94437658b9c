"""`chipwatch ingest`: files (or a folder of them, or stdin's text) into the review queue of
a dataset, with the dataset's entities as the gazetteer."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from chipwatch.dataset import load_dataset
from chipwatch.errors import ChipwatchError
from chipwatch.ingest.gazetteer import Gazetteer
from chipwatch.ingest.pipeline import Result, ingest_document, slug
from chipwatch.ingest.readers import Document, document_files, read_document
from chipwatch.ingest.sentences import language_of

KINDS = ("article", "news", "press_release", "report", "note", "list", "dataset", "book", "web")


@dataclass
class Ingested:
    result: Result
    seconds: float


def ingest(path: Path | None, dataset: Path, source_id: str, lang: str | None = None, text: str | None = None,
           meta: dict | None = None, gazetteer: Gazetteer | None = None,
           extra: list[Path] | None = None) -> list[Ingested]:
    """Ingest a file, a folder (one source per file: `<source-id>-<file name>`) or `text`,
    and queue the candidates for review beside `dataset`; the gazetteer is the names of the
    dataset's entities and of the datasets it is built with (its `builds_on`, and `extra`)."""
    from chipwatch.review.queue import add_source
    from chipwatch.review.together import known_entities, with_datasets

    meta = {k: v for k, v in (meta or {}).items() if v is not None}
    if meta.get("kind", "report") not in KINDS:
        raise ChipwatchError(f"--kind {meta['kind']}: unknown; use one of {', '.join(KINDS)}")
    if not (Path(dataset) / "entities.yaml").exists():
        raise ChipwatchError(f"{dataset}: not a dataset folder (no entities.yaml); give the dataset the claims will join")
    ds = load_dataset(dataset)
    gaz = gazetteer or Gazetteer.from_entities([*known_entities(with_datasets(dataset, extra)).values(), *ds.entities])
    known = {s.id for s in ds.sources}
    if text is not None:
        docs = [(source_id, Document(text, "text"), "stdin")]
    elif path is None:
        raise ChipwatchError("give a FILE or folder to ingest, or '-' to read text from stdin")
    else:
        files = document_files(path)
        many = path.is_dir()
        docs = [(f"{source_id}-{slug(f.stem)}" if many else source_id, read_document(f), f.name) for f in files]
    if taken := [sid for sid, _, _ in docs if sid in known]:
        raise ChipwatchError(f"source '{taken[0]}' is already in {dataset}/sources.yaml; choose another --source-id")
    out = []
    for sid, doc, name in docs:
        tag = lang or language_of(doc.text)
        t0 = time.perf_counter()
        result = ingest_document(doc, sid, gaz, tag)
        seconds = time.perf_counter() - t0
        source = {"id": sid, "title": meta.get("title") or name, "language": tag, "kind": meta.get("kind", "report"),
                  **{k: v for k, v in meta.items() if k not in ("title", "kind")}}
        add_source(dataset, source, doc.text, result.candidates)
        out.append(Ingested(result, seconds))
    return out
