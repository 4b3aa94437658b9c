"""Read access to a built store. Every query returns a pandas DataFrame or plain dicts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from chipwatch.errors import ChipwatchError
from chipwatch.model.dates import PartialDate
from chipwatch.names.normalize import name_key
from chipwatch.store.path import default_db_path

if TYPE_CHECKING:
    import pandas as pd

STATUSES = ("fact", "reported", "speculated", "planned", "disputed")
_MENTIONS = "id IN (SELECT claim_id FROM claim_entities WHERE entity_id = ?)"  # subject, object or qualifier


@dataclass
class Resolution:
    """The outcome of resolving a name: one entity, or the candidates to choose from."""

    query: str
    entity_id: str | None
    found: pd.DataFrame | None = None  # the candidates, when a search was needed

    @property
    def candidates(self) -> pd.DataFrame:
        if self.found is None:  # an id or an exact name: no search, no pandas
            import pandas as pd

            return pd.DataFrame()
        return self.found

    @property
    def ambiguous(self) -> bool:
        return self.entity_id is None and not self.candidates.empty


def parse_as_of(as_of: str | None, option: str = "--as-of") -> PartialDate | None:
    """A period (YYYY, YYYY-MM or YYYY-MM-DD); a bad one is an error naming `option`."""
    if as_of is None:
        return None
    try:
        return PartialDate.parse(as_of)
    except ValueError as exc:
        raise ChipwatchError(f"{option}: {exc}") from None


class Store:
    """A read-only connection to a chipwatch DuckDB store."""

    def __init__(self, path: str | Path | None = None):
        self.path = default_db_path(path)
        if self.path.is_dir():
            raise ChipwatchError(f"{self.path}: is a directory, not a chipwatch store; give the .duckdb file")
        if not self.path.exists():
            raise ChipwatchError(f"{self.path}: no store here; run `chipwatch build datasets/russia` first (or pass --db PATH)")
        try:
            self.con = duckdb.connect(str(self.path), read_only=True)
            self.con.execute("SET enable_progress_bar = false")  # a library: no bars on the caller's terminal
            self.con.execute("SELECT count(*) FROM claims").fetchone()
        except (duckdb.IOException, duckdb.CatalogException, duckdb.InvalidInputException, duckdb.SerializationException) as exc:
            raise ChipwatchError(f"{self.path}: not a chipwatch store ({str(exc).splitlines()[0]}); rebuild it with `chipwatch build`") from None

    def close(self) -> None:
        self.con.close()

    def memo(self, key, compute):
        """A value computed once per open store: the store is read-only, so it cannot change."""
        cache = self.__dict__.setdefault("_memo", {})
        if key not in cache:
            cache[key] = compute()
        return cache[key]

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def sql(self, query: str, params: list | None = None) -> pd.DataFrame:
        """Run a read-only SQL query against the store."""
        return self.con.execute(query, params or []).df()

    def dicts(self, query: str, params: list | None = None) -> list[dict]:
        """The rows of a query as dicts (no DataFrame: a millisecond less per query, for pages)."""
        cur = self.con.execute(query, params or [])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    # -- entities ------------------------------------------------------------
    def meta(self) -> dict[str, str]:
        return dict(self.con.execute("SELECT key, value FROM meta").fetchall())

    def counts(self) -> dict[str, int]:
        return {t: self.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608
                for t in ("entities", "claims", "sources", "evidence", "names", "identifiers")}

    def entities(self, type: str | None = None) -> pd.DataFrame:  # noqa: A002
        q = "SELECT * FROM entities" + (" WHERE type = ?" if type else "") + " ORDER BY type, id"
        return self.sql(q, [type] if type else [])

    def has_entity(self, entity_id: str) -> bool:
        return self.con.execute("SELECT 1 FROM entities WHERE id = ?", [entity_id]).fetchone() is not None

    def entity(self, entity_id: str) -> dict:
        """An entity with its names (by kind and language) and identifiers."""
        row = self.dicts("SELECT * FROM entities WHERE id = ?", [entity_id])
        if not row:
            raise ChipwatchError(f"no entity with id '{entity_id}'; try `chipwatch search`")
        out = row[0]
        out["names"] = self.dicts("SELECT name, lang, kind FROM names WHERE entity_id = ? ORDER BY kind, lang", [entity_id])
        out["identifiers"] = self.dicts("SELECT scheme, value, source, locator, quote FROM identifiers WHERE entity_id = ? ORDER BY scheme", [entity_id])
        return out

    def labels(self, ids: list[str] | None = None, lang: str = "en") -> dict[str, str]:
        """Entity id -> label, for `ids` (default: every entity)."""
        col = "label_zh" if lang.startswith("zh") else "label_en"
        if ids is None:
            return dict(self.con.execute(f"SELECT id, {col} FROM entities").fetchall())  # noqa: S608
        return dict(self.con.execute(f"SELECT id, {col} FROM entities WHERE list_contains(?, id)",  # noqa: S608
                                     [sorted(set(ids))]).fetchall())

    def records(self, table: str) -> list[dict]:
        """Sources, entities or claims exactly as validated (for lossless exports)."""
        if table not in ("sources", "entities", "claims"):
            raise ValueError(table)
        return [json.loads(r) for (r,) in self.con.execute(f"SELECT record FROM {table} ORDER BY id").fetchall()]  # noqa: S608

    # -- names ---------------------------------------------------------------
    def search(self, text: str, limit: int = 10) -> pd.DataFrame:
        """Entities whose names match `text` in any script, best first (score 0-1)."""
        import pandas as pd

        from chipwatch.store.search import COLUMNS

        return pd.DataFrame(self.find(text, limit), columns=list(COLUMNS))

    def find(self, text: str, limit: int = 10) -> list[dict]:
        """search() as dicts, without pandas (store.search: names scored in memory)."""
        from chipwatch.store.search import NameSearch

        return self.memo("name-search", lambda: NameSearch.load(self.con)).search(text, limit)

    def resolve(self, text: str) -> Resolution:
        """An entity id, or a name in any script (貝加爾電子, 贝加尔电子, Байкал Электроникс,
        Baikal Electronics). Several equally good matches -> candidates, no entity."""
        if self.has_entity(text):
            return Resolution(text, text)
        exact = self.con.execute("SELECT DISTINCT entity_id FROM names WHERE key = ?", [name_key(text)]).fetchall()
        if len(exact) == 1:
            return Resolution(text, exact[0][0])
        cands = self.search(text, limit=8)
        if cands.empty:
            return Resolution(text, None, cands)
        exact = cands[cands.score >= 1.0]
        if len(exact) == 1:
            return Resolution(text, str(exact.iloc[0].entity_id), cands)
        if exact.empty and len(cands) == 1 and cands.iloc[0].score >= 0.85:
            return Resolution(text, str(cands.iloc[0].entity_id), cands)
        return Resolution(text, None, cands)

    def require(self, text: str) -> str:
        """Resolve or raise a one-line error listing the candidates."""
        res = self.resolve(text)
        if res.entity_id:
            return res.entity_id
        listed = "; ".join(f"{r.entity_id} ({r.label_en})" for r in res.candidates.itertuples())
        if res.candidates.empty:
            raise ChipwatchError(f"no entity matches '{text}'; try `chipwatch search {text}`")
        if res.candidates.score.max() < 0.85:
            raise ChipwatchError(f"no entity matches '{text}'; closest: {listed}")
        raise ChipwatchError(f"'{text}' is ambiguous: {listed}; give one of these ids")

    # -- claims --------------------------------------------------------------
    def claims(self, subject: str | None = None, predicate: str | None = None, object: str | None = None,  # noqa: A002
               status: str | list[str] | None = None, as_of: str | PartialDate | None = None,
               entity: str | None = None, tag: str | None = None) -> pd.DataFrame:
        """Claims filtered by subject, predicate, object, status, validity on a date, an entity
        on either side (or named in a qualifier), or a tag."""
        return self.sql(*_claims_query(subject, predicate, object, status, as_of, entity, tag))

    def claim_rows(self, subject: str | None = None, predicate: str | None = None, object: str | None = None,  # noqa: A002
                   status: str | list[str] | None = None, as_of: str | PartialDate | None = None,
                   entity: str | None = None, tag: str | None = None) -> list[dict]:
        """The claims of `claims()` as dicts (no DataFrame, so no pandas to load)."""
        return self.dicts(*_claims_query(subject, predicate, object, status, as_of, entity, tag))

    def evidence(self, claim_ids: list[str] | None = None) -> pd.DataFrame:
        if claim_ids is None:
            return self.sql("SELECT * FROM evidence ORDER BY claim_id, seq")
        return self.sql("SELECT * FROM evidence WHERE list_contains(?, claim_id) ORDER BY claim_id, seq", [list(claim_ids)])

    def sources(self) -> pd.DataFrame:
        return self.sql("SELECT * FROM sources ORDER BY id")

    def list_versions(self) -> list[str]:
        """Ids of the sanctions-list versions imported (`chipwatch lists import`)."""
        return [r[0] for r in self.con.execute("SELECT id FROM list_versions ORDER BY id").fetchall()]

    def identifiers(self) -> pd.DataFrame:
        return self.sql("SELECT * FROM identifiers ORDER BY entity_id, scheme")

    def names(self) -> pd.DataFrame:
        return self.sql("SELECT * FROM names ORDER BY entity_id, kind, lang")

    def timeline(self, entity: str | None = None, predicate: str | None = None) -> pd.DataFrame:
        """Dated events: each claim's start (`from`) and end (`until`), in order."""
        where, params = ["1=1"], []
        for condition, value in ((_MENTIONS, entity), ("predicate = ?", predicate)):
            if value:
                where.append(condition)
                params.append(value)
        cond = " AND ".join(where)
        q = f"""
        SELECT valid_from AS date, from_date AS sort_date, 'from' AS event, id AS claim_id, subject, predicate, object,
               value_json, unit, status FROM claims WHERE valid_from IS NOT NULL AND {cond}
        UNION ALL
        SELECT valid_to, to_date, 'until', id, subject, predicate, object, value_json, unit, status
        FROM claims WHERE valid_to IS NOT NULL AND {cond}
        ORDER BY sort_date, event, claim_id
        """  # noqa: S608 - cond is built from fixed strings
        return self.sql(q, params + params)


def _claims_query(subject, predicate, object, status, as_of, entity, tag) -> tuple[str, list]:  # noqa: A002
    where, params = [], []
    for condition, value in (("subject = ?", subject), ("object = ?", object), (_MENTIONS, entity),
                             ("predicate = ?", predicate), ("list_contains(tags, ?)", tag)):
        if value:
            where.append(condition)
            params.append(value)
    if status:
        statuses = [status] if isinstance(status, str) else list(status)
        bad = [s for s in statuses if s not in STATUSES]
        if bad:
            raise ChipwatchError(f"--status {bad[0]}: not a status; use one of {', '.join(STATUSES)}")
        where.append(f"status IN ({', '.join('?' * len(statuses))})")
        params += statuses
    period = as_of if isinstance(as_of, PartialDate) or as_of is None else parse_as_of(as_of)
    if period:
        where.append("(from_date IS NULL OR from_date <= ?) AND (to_date IS NULL OR to_date >= ?)")
        params += [period.end, period.start]
    return "SELECT * FROM claims" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY chapter, id", params
