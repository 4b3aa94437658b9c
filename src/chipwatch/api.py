"""The Python API: `chipwatch.open(path)` returns a Chipwatch whose queries return pandas
DataFrames (or plain dicts for composite views). The CLI and the REST API call these."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pandas as pd

from chipwatch.frames import none_if_missing as _none
from chipwatch.frames import rows
from chipwatch.graph.project import neighbourhood, paths, project
from chipwatch.model.vocabulary import vocabulary
from chipwatch.store.read import Store, parse_as_of


class Chipwatch:
    """A chipwatch store opened for reading."""

    def __init__(self, path: str | Path | None = None):
        self.store = Store(path)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Chipwatch:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # tables ------------------------------------------------------------------
    def entities(self, type: str | None = None) -> pd.DataFrame:  # noqa: A002
        return self.store.entities(type)

    def claims(self, **filters) -> pd.DataFrame:
        """Claims; filters: subject, predicate, object, status, as_of, entity, tag.
        Subject, object and entity accept names in any script."""
        for key in ("subject", "object", "entity"):
            if filters.get(key):
                filters[key] = self.store.require(filters[key])
        return self.store.claims(**filters)

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
        return self.store.require(name)

    def timeline(self, name: str | None = None, predicate: str | None = None) -> pd.DataFrame:
        return self.store.timeline(self.resolve(name) if name else None, predicate)

    def graph(self, as_of: str | None = None, statuses: list[str] | None = None) -> nx.MultiDiGraph:
        return project(self.store, as_of=as_of, statuses=statuses)

    def neighbours(self, name: str, radius: int = 1, as_of: str | None = None,
                   statuses: list[str] | None = None) -> nx.MultiDiGraph:
        return neighbourhood(self.graph(as_of, statuses), self.resolve(name), radius)

    def paths(self, a: str, b: str, as_of: str | None = None, statuses: list[str] | None = None,
              limit: int = 5) -> list[list[dict]]:
        return paths(self.graph(as_of, statuses), self.resolve(a), self.resolve(b), limit=limit)

    # composite views ---------------------------------------------------------
    def claims_with_evidence(self, claims: pd.DataFrame) -> list[dict]:
        """Claim rows as dicts, each with its value decoded and its evidence list."""
        ev = self.store.dicts("SELECT * FROM evidence WHERE list_contains(?, claim_id) ORDER BY claim_id, seq",
                              [list(claims.id)]) if len(claims) else []
        by_claim: dict[str, list] = {}
        for e in ev:
            by_claim.setdefault(e["claim_id"], []).append(
                {k: e[k] for k in ("source", "locator", "quote", "translation")})
        out = []
        for c in rows(claims):
            out.append({
                "id": c["id"], "subject": c["subject"], "predicate": c["predicate"], "object": c["object"],
                "value": json.loads(c["value_json"]) if c["value_json"] else None, "unit": c["unit"],
                "approx": c["approx"], "as_written": c["as_written"],
                "qualifiers": json.loads(c["qualifiers"]) if c["qualifiers"] else {},
                "valid_from": c["valid_from"], "valid_to": c["valid_to"], "status": c["status"],
                "tags": c["tags"], "evidence": by_claim.get(c["id"], []),
            })
        return out

    def entity_view(self, name: str, as_of: str | None = None) -> dict:
        """Everything about one entity: names, identifiers, and its claims (valid at `as_of`)
        as subject, as object, and where a qualifier names it."""
        period = parse_as_of(as_of)
        eid = self.resolve(name)
        ent = self.store.entity(eid)
        claims = self.store.claims(entity=eid, as_of=period)
        items = self.claims_with_evidence(claims)
        labels = self.store.labels([x for c in items for x in (c["subject"], c["object"]) if x])
        vocab = vocabulary()
        for c in items:
            c["role"] = "subject" if c["subject"] == eid else "object" if c["object"] == eid else "mentioned"
            c["subject_label"] = labels.get(c["subject"], c["subject"])
            c["object_label"] = labels.get(c["object"]) if c["object"] else None
            c["predicate_label"] = vocab.label("predicate", c["predicate"])
        from chipwatch.screening.links import kb_ownership, list_links, sanctions_status

        links = list_links(self.store, eid)
        status = sanctions_status(links) if self.store.list_versions() else None
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
        sanctions claims, and an example query: who fabricates Baikal-M in 2021 and 2023."""
        s = self.store
        return {
            "sanctions": self.claims_with_evidence(self.claims(predicate="sanctioned_by")),
            "example": {year: self.claims_with_evidence(self.claims(object="baikal-m", predicate="fabricates", as_of=year))
                        for year in ("2021", "2023")},
            "counts": s.counts(),
            "entities_by_type": dict(s.con.execute("SELECT type, count(*) FROM entities GROUP BY type ORDER BY 2 DESC, 1").fetchall()),
            "claims_by_status": dict(s.con.execute("SELECT status, count(*) FROM claims GROUP BY status ORDER BY 2 DESC").fetchall()),
            "claims_by_chapter": dict(s.con.execute("SELECT chapter, count(*) FROM claims GROUP BY chapter ORDER BY 2 DESC").fetchall()),
            "meta": s.meta(),
        }
