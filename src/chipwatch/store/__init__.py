"""The DuckDB store: built from datasets (the only writer), read by everything else."""

from chipwatch.store.build import BuildError, build_store
from chipwatch.store.path import default_db_path
from chipwatch.store.read import Store

__all__ = ["BuildError", "Store", "build_store", "default_db_path"]
