"""chipwatch: a sourced, time-aware knowledge graph of semiconductor supply chains."""

from chipwatch.errors import ChipwatchError

__version__ = "0.1.0"
__all__ = ["ChipwatchError", "open", "__version__"]


def open(path: str | None = None):  # noqa: A001 - mirrors duckdb.connect / sqlite3 style
    """Open a built store (default: $CHIPWATCH_DB or chipwatch.duckdb) and return a
    :class:`chipwatch.api.Chipwatch`: tables as pandas DataFrames, `.screen(...)`, `.lists`, `.trade`."""
    from chipwatch.api import Chipwatch

    return Chipwatch(path, python_names=True)
