"""Where the store lives: --db PATH, $CHIPWATCH_DB, or chipwatch.duckdb here."""

from __future__ import annotations

import os
from pathlib import Path

DB_ENV = "CHIPWATCH_DB"
DEFAULT_DB = "chipwatch.duckdb"


def default_db_path(path: str | Path | None = None) -> Path:
    return Path(path or os.environ.get(DB_ENV) or DEFAULT_DB)
