"""Entities by name in any script: the store's names (a few thousand) are read once per open
store and scored in memory, so a search costs a fraction of a millisecond, not a scan in SQL.

A name's score against the query's key (names.normalize.name_key): 1 when the keys are
equal; 0.7 + 0.25 x (share of the name's key) when the name's key contains the query's (of
two characters or more); 0.6 + 0.25 x (share of the query's key) when the query's contains
the name's (of three or more); otherwise 0.9 x their Jaro-Winkler similarity. An entity
keeps its best name, and comes back when that scores 0.75 or more."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import JaroWinkler

from chipwatch.names.normalize import name_key

FLOOR = 0.75
COLUMNS = ("entity_id", "label_en", "label_zh", "type", "name", "score")


def score(key: str, k: str) -> float:
    """How well a name's key matches the query's key `k` (see the module)."""
    if key == k:
        return 1.0
    if len(k) >= 2 and k in key:
        return 0.7 + 0.25 * len(k) / len(key)
    if len(key) >= 3 and key in k:
        return 0.6 + 0.25 * len(key) / len(k)
    return 0.9 * JaroWinkler.similarity(key, k, score_cutoff=FLOOR / 0.9)


@dataclass(frozen=True)
class NameSearch:
    """The names of a store: (key, name, entity id) in the store's order, and each entity's
    labels and type."""

    names: tuple[tuple[str, str, str], ...]
    entities: dict[str, tuple[str | None, str | None, str | None]]

    @classmethod
    def load(cls, con) -> NameSearch:
        names = tuple((k, n, e) for k, n, e in con.execute(
            "SELECT key, name, entity_id FROM names WHERE key IS NOT NULL AND key <> '' ORDER BY rowid").fetchall())
        entities = {i: (en, zh, t) for i, en, zh, t in con.execute("SELECT id, label_en, label_zh, type FROM entities").fetchall()}
        return cls(names, entities)

    def search(self, text: str, limit: int = 10) -> list[dict]:
        """Entities whose names match `text`, best first: dicts with COLUMNS."""
        k = name_key(text)
        if not k:
            return []
        best: dict[str, tuple[float, str]] = {}
        for key, name, entity in self.names:
            s = score(key, k)
            if s >= FLOOR and (entity not in best or s > best[entity][0]):
                best[entity] = (s, name)
        rows = []
        for entity, (s, name) in best.items():
            if entity in self.entities:
                en, zh, typ = self.entities[entity]
                rows.append({"entity_id": entity, "label_en": en, "label_zh": zh, "type": typ, "name": name,
                             "score": round(s, 3)})
        rows.sort(key=lambda r: (-r["score"], len(r["name"]), r["entity_id"]))
        return rows[:limit]
