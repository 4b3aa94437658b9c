"""Sanctions list importers: each reads one published format into ListEntry records."""

from chipwatch.screening.lists.model import ListEntry, ListName, Parsed

__all__ = ["ListEntry", "ListName", "Parsed"]
