"""The in-memory DuckDB an importer stages a file in: a new one per import by default, or
one the caller keeps open and passes again (the fuzz suite reuses one across cases; each
import replaces the tables it writes)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from chipwatch.trade.model import connect


@contextmanager
def staging(con: duckdb.DuckDBPyConnection | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """`con` as it is (left open), or a new staging connection closed at the end."""
    if con is not None:
        yield con
        return
    own = connect()
    try:
        yield own
    finally:
        own.close()


def reset(con: duckdb.DuckDBPyConnection) -> None:
    """Drop every table and view on `con`, temporary ones too: a reused connection as new."""
    for kind, database, schema, name in con.execute(
            "SELECT 'TABLE', database_name, schema_name, table_name FROM duckdb_tables() WHERE NOT internal UNION ALL "
            "SELECT 'VIEW', database_name, schema_name, view_name FROM duckdb_views() WHERE NOT internal").fetchall():
        con.execute(f"DROP {kind} IF EXISTS {'.'.join(_quoted(x) for x in (database, schema, name))}")


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
