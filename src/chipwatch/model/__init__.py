"""The data model: vocabulary, records, partial dates, quantities."""

from chipwatch.model.dates import PartialDate
from chipwatch.model.quantity import parse_purity, parse_quantity, ureg
from chipwatch.model.records import Claim, Entity, Evidence, Identifier, Source
from chipwatch.model.vocabulary import Predicate, Vocabulary, vocabulary

__all__ = [
    "Claim", "Entity", "Evidence", "Identifier", "PartialDate", "Predicate", "Source",
    "Vocabulary", "parse_purity", "parse_quantity", "ureg", "vocabulary",
]
