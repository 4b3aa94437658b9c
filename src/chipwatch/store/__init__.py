"""The DuckDB store: built from datasets (the only writer), read by everything else."""

from chipwatch.errors import BuildError
from chipwatch.store.build import build_store
from chipwatch.store.imports import import_dataset
from chipwatch.store.path import default_db_path
from chipwatch.store.read import Store

__all__ = ["BuildError", "Store", "build_store", "default_db_path", "import_dataset"]
