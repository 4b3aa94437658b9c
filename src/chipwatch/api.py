"""The Python API: `chipwatch.open(path)` returns a Chipwatch whose queries return pandas
DataFrames (or plain dicts for composite views), with values and qualifiers decoded to
Python objects; `cw.screen(...)`, `cw.lists` and `cw.trade` reach screening, sanctions
lists and trade flows. The CLI and the REST API call these.

pandas, networkx and the screening and trade code load on first use, so opening a store
costs little more than DuckDB."""

from __future__ import annotations

import json
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

from chipwatch.apierrors import api_errors
from chipwatch.frames import none_if_missing as _none
from chipwatch.frames import rows
from chipwatch.model.dates import PartialDate
from chipwatch.store.read import Store, parse_as_of

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd

    from chipwatch.namespaces import Lists, Trade
    from chipwatch.screening.screen import Screening

__all__ = ["Chipwatch", "rows"]


def _loads(text):
    return json.loads(text) if isinstance(text, str) and text else None


def decoded(df: pd.DataFrame) -> pd.DataFrame:
    """Claim or event rows with `value_json` as `value` (a Python object) and `qualifiers`
    as a dict (empty when there are none)."""
    df = df.copy()
    if "value_json" in df.columns:
        df.insert(df.columns.get_loc("value_json"), "value", [_loads(v) for v in df["value_json"]])
        df = df.drop(columns=["value_json"])
    if "qualifiers" in df.columns:
        df["qualifiers"] = [q if isinstance(q, dict) else (_loads(q) or {}) for q in df["qualifiers"]]
    return df


class Chipwatch:
    """A chipwatch store opened for reading (list and trade imports replace it, then reopen).
    Opened by `chipwatch.open` (python_names), errors name the API's parameters; opened by
    the CLI or the server, the library's own words (CLI options) stand."""

    def __init__(self, path: str | Path | None = None, *, python_names: bool = False):
        self.python_names = python_names
        with self.errors("chipwatch.open"):
            self.store = Store(path)
        self._lists: Lists | None = None
        self._trade: Trade | None = None

    def errors(self, where: str, renames: dict[str, str] | None = None) -> AbstractContextManager:
        """Errors raised in the block, in the API's terms when opened by `chipwatch.open`."""
        return api_errors(where, renames) if self.python_names else nullcontext()

    def _period(self, as_of):
        """`as_of` as a period (None stays None), or an error naming the parameter."""
        if as_of is None or isinstance(as_of, PartialDate):
            return as_of
        return parse_as_of(str(as_of), f"as_of={as_of!r} is not an as-of period" if self.python_names else "--as-of")

    def close(self) -> None:
        self.store.close()

    def reopen(self) -> None:
        """Read the store file again (after an import replaced it)."""
        path = self.store.path
        self.store.close()
        with self.errors("chipwatch.open"):
            self.store = Store(path)

    def __enter__(self) -> Chipwatch:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # tables ------------------------------------------------------------------
    def entities(self, type: str | None = None) -> pd.DataFrame:  # noqa: A002
        return self.store.entities(type)

    def claims(self, **filters) -> pd.DataFrame:
        """Claims, `value` and `qualifiers` as Python objects; filters: subject, predicate,
        object, status, as_of, entity, tag. Subject, object and entity accept names in any script."""
        with self.errors("cw.claims"):
            return decoded(self.store.claims(**self._filters(filters)))

    def _filters(self, filters: dict) -> dict:
        for key in ("subject", "object", "entity"):
            if filters.get(key):
                filters[key] = self.store.require(filters[key])
        if filters.get("as_of") is not None:
            filters["as_of"] = self._period(filters["as_of"])
        return filters

    def evidence(self, claim_ids: list[str] | None = None) -> pd.DataFrame:
        return self.store.evidence(claim_ids)

    def sources(self) -> pd.DataFrame:
        return self.store.sources()

    def names(self) -> pd.DataFrame:
        return self.store.names()

    def identifiers(self) -> pd.DataFrame:
        return self.store.identifiers()

    def search(self, text: str, limit: int = 10) -> pd.DataFrame:
        return self.store.search(text, limit)

    def resolve(self, name: str) -> str:
        """The entity id for a name in any script; ChipwatchError lists candidates if ambiguous."""
        with self.errors("cw.resolve"):
            return self.store.require(name)

    def timeline(self, name: str | None = None, predicate: str | None = None) -> pd.DataFrame:
        """Dated events (each claim's start and end), `value` as a Python object."""
        return decoded(self.store.timeline(self.resolve(name) if name else None, predicate))

    def graph(self, as_of: str | None = None, statuses: list[str] | None = None) -> nx.MultiDiGraph:
        from chipwatch.graph.project import project

        return project(self.store, as_of=as_of, statuses=statuses)

    def neighbours(self, name: str, radius: int = 1, as_of: str | None = None,
                   statuses: list[str] | None = None) -> nx.MultiDiGraph:
        from chipwatch.graph.project import neighbourhood

        return neighbourhood(self.graph(as_of, statuses), self.resolve(name), radius)

    def paths(self, a: str, b: str, as_of: str | None = None, statuses: list[str] | None = None,
              limit: int = 5) -> list[list[dict]]:
        from chipwatch.graph.project import paths

        return paths(self.graph(as_of, statuses), self.resolve(a), self.resolve(b), limit=limit)

    # screening, lists, trade -------------------------------------------------------------
    def screen(self, names: str | list[str] | None = None, **options) -> Screening:
        """Screen names (or one person by first_name/last_name…, or a CSV `file`) against the
        imported sanctions lists; see chipwatch.namespaces.screen for the options."""
        from chipwatch.namespaces import screen

        return screen(self, names, **options)

    @property
    def lists(self) -> Lists:
        """Sanctions lists: versions(), import_(kind, path), diff(old, new), owned(version)."""
        if self._lists is None:
            from chipwatch.namespaces import Lists

            self._lists = Lists(self)
        return self._lists

    @property
    def trade(self) -> Trade:
        """Trade flows: imports(), import_(kind, path), spikes(...), mirror(...), breaks(...), derive(...)."""
        if self._trade is None:
            from chipwatch.namespaces import Trade

            self._trade = Trade(self)
        return self._trade

    # composite views ---------------------------------------------------------
    def claims_with_evidence(self, claims: pd.DataFrame | list[dict]) -> list[dict]:
        """Claim rows (a DataFrame or dicts) as dicts, each with its value decoded and its evidence list."""
        items = claims if isinstance(claims, list) else rows(claims)
        ev = self.store.dicts("SELECT * FROM evidence WHERE list_contains(?, claim_id) ORDER BY claim_id, seq",
                              [[c["id"] for c in items]]) if items else []
        by_claim: dict[str, list] = {}
        for e in ev:
            by_claim.setdefault(e["claim_id"], []).append(
                {k: e[k] for k in ("source", "locator", "quote", "translation")})
        out = []
        for c in items:
            quals = c["qualifiers"]
            out.append({
                "id": c["id"], "subject": c["subject"], "predicate": c["predicate"], "object": c["object"],
                "value": _loads(c["value_json"]) if "value_json" in c else c["value"], "unit": c["unit"],
                "approx": c["approx"], "as_written": c["as_written"],
                "qualifiers": quals if isinstance(quals, dict) else (_loads(quals) or {}),
                "valid_from": c["valid_from"], "valid_to": c["valid_to"], "status": c["status"],
                "tags": list(c["tags"]) if c["tags"] is not None else None, "evidence": by_claim.get(c["id"], []),
            })
        return out

    def entity_view(self, name: str, as_of: str | None = None) -> dict:
        """Everything about one entity: names, identifiers, and its claims (valid at `as_of`)
        as subject, as object, and where a qualifier names it."""
        from chipwatch.model.vocabulary import vocabulary

        with self.errors("cw.entity_view"):
            period = self._period(as_of)
        eid = self.resolve(name)
        ent = self.store.entity(eid)
        items = self.claims_with_evidence(self.store.claim_rows(entity=eid, as_of=period))
        labels = self.store.labels([x for c in items for x in (c["subject"], c["object"]) if x])
        vocab = vocabulary()
        for c in items:
            c["role"] = "subject" if c["subject"] == eid else "object" if c["object"] == eid else "mentioned"
            c["subject_label"] = labels.get(c["subject"], c["subject"])
            c["object_label"] = labels.get(c["object"]) if c["object"] else None
            c["predicate_label"] = vocab.label("predicate", c["predicate"])
        links, status, owned = [], None, None
        if self.store.list_versions():
            from chipwatch.screening.links import kb_ownership, list_links, sanctions_status

            links = list_links(self.store, eid)
            status = sanctions_status(links)
            owned = kb_ownership(self.store).get(eid) if status == "not listed" else None
        return {
            "id": eid, "type": ent["type"], "country": _none(ent["country"]),
            "lists": links, "sanctions_status": owned.reason if owned else status,
            "ownership": owned.to_dict() if owned else None,
            "label_en": ent["label_en"], "label_zh": ent["label_zh"], "note": _none(ent["note"]),
            "names": ent["names"], "identifiers": ent["identifiers"],
            "as_of": str(period) if period else None, "claims": items,
        }

    def summary(self) -> dict:
        """Headline figures (counts by entity type, claims by status and chapter), the
        sanctions designations (one per entity and authority, analysis.sanctions), and an
        example query: who fabricates Baikal-M in 2021 and 2023."""
        from chipwatch.analysis.sanctions import designations

        s = self.store
        baikal = s.require("baikal-m") if s.has_entity("baikal-m") else None
        return {
            "sanctions": [d.to_dict() for d in designations(s)],
            "example": {year: self.claims_with_evidence(s.claim_rows(object=baikal, predicate="fabricates", as_of=year))
                        if baikal else [] for year in ("2021", "2023")},
            "counts": s.counts(),
            "entities_by_type": dict(s.con.execute("SELECT type, count(*) FROM entities GROUP BY type ORDER BY 2 DESC, 1").fetchall()),
            "claims_by_status": dict(s.con.execute("SELECT status, count(*) FROM claims GROUP BY status ORDER BY 2 DESC").fetchall()),
            "claims_by_chapter": dict(s.con.execute("SELECT chapter, count(*) FROM claims GROUP BY chapter ORDER BY 2 DESC").fetchall()),
            "meta": s.meta(),
        }
