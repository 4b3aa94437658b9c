"""Names across scripts: keys for matching, Simplified forms, resolution of user input."""

from chipwatch.names.normalize import name_key, to_simplified

__all__ = ["name_key", "to_simplified"]
