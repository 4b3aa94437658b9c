"""The DuckDB store: built from datasets (the only writer), read by everything else.

The names below are imported when first used, so reading a store does not load the
dataset validator (and pydantic) that building needs."""

from chipwatch.errors import BuildError
from chipwatch.store.path import default_db_path
from chipwatch.store.read import Store

__all__ = ["BuildError", "Store", "build_store", "default_db_path", "import_dataset"]


def __getattr__(name: str):
    if name == "build_store":
        from chipwatch.store.build import build_store

        return build_store
    if name == "import_dataset":
        from chipwatch.store.imports import import_dataset

        return import_dataset
    raise AttributeError(name)
