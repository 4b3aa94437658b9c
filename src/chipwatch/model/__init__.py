"""The data model: vocabulary, records, partial dates, quantities. Each name is imported
from its module when first used (`chipwatch.model.dates` alone does not load pint or
pydantic)."""

from importlib import import_module

_WHERE = {"PartialDate": "dates", "parse_purity": "quantity", "parse_quantity": "quantity", "ureg": "quantity",
          "Claim": "records", "Entity": "records", "Evidence": "records", "Identifier": "records", "Source": "records",
          "Predicate": "vocabulary", "Vocabulary": "vocabulary", "vocabulary": "vocabulary"}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(import_module(f"chipwatch.model.{_WHERE[name]}"), name)
    raise AttributeError(name)
