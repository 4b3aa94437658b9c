"""Importers: turn data published by others into chipwatch records, then into the store."""
