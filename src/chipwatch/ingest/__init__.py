"""New documents into candidate claims: readers, sentences, gazetteer mentions, figures,
status cues and predicate patterns kept as data (see docs/ingest.md)."""

from chipwatch.ingest.pipeline import Candidate, Result, ingest_document, propose
from chipwatch.ingest.run import ingest

__all__ = ["Candidate", "Result", "ingest", "ingest_document", "propose"]
