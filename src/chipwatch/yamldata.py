"""The package's own YAML data files (vocabulary, units, name tables, labels), read with
libyaml's safe loader where PyYAML has it (several times quicker than the pure-Python one)."""

from __future__ import annotations

from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(text: str) -> Any:
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader
