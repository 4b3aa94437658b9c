"""The common shape of a sanctions-list entry, whatever list it comes from."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ListName:
    name: str
    kind: str = "primary"  # primary | aka | fka | weak | legal


@dataclass
class ListEntry:
    """One listed party: its id on the list, names, programs, and what identifies it."""

    list_id: str  # the list's own id (OFAC ent_num, UN reference number, BIS row key, FtM id)
    schema: str  # Person | Organization | Company | Vessel | Aircraft | LegalEntity …
    names: list[ListName]
    programs: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)  # ISO alpha-2, lower case
    identifiers: dict[str, list[str]] = field(default_factory=dict)  # inn, ogrn, imo, …
    addresses: list[str] = field(default_factory=list)
    remarks: str = ""
    listed_on: str | None = None
    birth_dates: list[str] = field(default_factory=list)  # ISO dates or years ("1965-03-12", "1965")
    topics: list[str] = field(default_factory=list)  # FtM topics: sanction, export.control, …

    @classmethod
    def from_record(cls, record: str | dict) -> ListEntry:
        """An entry from the JSON record the store keeps of it."""
        import json

        data = json.loads(record) if isinstance(record, str) else dict(record)
        data["names"] = [ListName(**n) for n in data["names"]]
        return cls(**data)

    @property
    def caption(self) -> str:
        return self.names[0].name if self.names else self.list_id

    def to_dict(self) -> dict:
        """As a plain dict (hand-written: dataclasses.asdict deep-copies, 40 times slower)."""
        return {"list_id": self.list_id, "schema": self.schema,
                "names": [{"name": n.name, "kind": n.kind} for n in self.names],
                "programs": list(self.programs), "countries": list(self.countries),
                "identifiers": {k: list(v) for k, v in self.identifiers.items()}, "addresses": list(self.addresses),
                "remarks": self.remarks, "listed_on": self.listed_on, "birth_dates": list(self.birth_dates),
                "topics": list(self.topics)}


@dataclass
class Relation:
    """An ownership (or other) link between two entries of an FtM list."""

    id: str
    kind: str  # ownership | …
    owner: str
    asset: str
    share_pct: float | None
    start: str | None = None
    end: str | None = None


@dataclass
class Parsed:
    """What an importer read: entries, relations, and the rows it skipped (with why)."""

    entries: list[ListEntry]
    relations: list[Relation] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    date: str | None = None  # the date the list gives itself, if any

    @property
    def listed(self) -> list[ListEntry]:
        """Entries that are sanctioned themselves (FtM lists also hold owners and relatives)."""
        return [e for e in self.entries if e.programs]
