"""Names across scripts: keys for resolving knowledge-base names (normalize), and for
screening the forms of a name (forms: romanised, Simplified, without legal form), the
tables they use (romanise.yaml, legal_forms.yaml, name_parts.yaml) and their comparison
(compare)."""

from chipwatch.names.normalize import name_key, to_simplified

__all__ = ["name_key", "to_simplified"]
