"""The one default period of the computed sections: the latest year the data covers (the
last year a claim that is not a plan starts or ends in), so every section, page and report
reads the same period unless the user names another."""

from __future__ import annotations

from chipwatch.store.read import Store


def latest_year(store: Store) -> str | None:
    """The latest year in which a claim (not a plan) starts or ends, or None for an empty store."""
    year = store.con.execute(
        "SELECT max(y) FROM (SELECT substr(valid_from, 1, 4) AS y FROM claims WHERE status <> 'planned' "
        "UNION ALL SELECT substr(valid_to, 1, 4) FROM claims WHERE status <> 'planned') WHERE y IS NOT NULL").fetchone()[0]
    return str(year) if year else None


def default_as_of(store: Store, as_of: str | None) -> str | None:
    """`as_of` if given, else the latest year the data covers."""
    return as_of or latest_year(store)
