"""The common shape of a sanctions-list entry, whatever list it comes from."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


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

    @property
    def caption(self) -> str:
        return self.names[0].name if self.names else self.list_id

    def to_dict(self) -> dict:
        return asdict(self)


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
