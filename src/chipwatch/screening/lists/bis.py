"""US BIS Denied Persons List, tab separated with a header row. The list has no ids: an
entry's id is its name and effective date, stable across versions."""

from __future__ import annotations

import hashlib
from pathlib import Path

from chipwatch.errors import ChipwatchError
from chipwatch.importers.tabular import records
from chipwatch.screening.lists.model import ListEntry, ListName, Parsed
from chipwatch.screening.lists.text import country_code, read_text

FIELDS = ["Name", "Street_Address", "City", "State", "Country", "Postal_Code", "Effective_Date", "Expiration_Date",
          "Standard_Order", "Last_Update", "Action", "FR_Citation"]


def parse(path: Path) -> Parsed:
    header, rows = records(read_text(path), str(path), delimiter="\t")
    missing = [f for f in ("Name", "Effective_Date", "Country") if f not in header]
    if missing:
        raise ChipwatchError(f"{path}:1: missing column '{missing[0]}'; a BIS DPL file has {', '.join(FIELDS)}")
    entries: dict[str, ListEntry] = {}
    skipped = []
    for line, _, row in rows:
        name = row["Name"].strip()
        if not name:
            skipped.append(f"{path}:{line}: row without a name")
            continue
        key = hashlib.sha1(f"{name}|{row['Effective_Date']}".encode()).hexdigest()[:12]
        address = ", ".join(v.strip() for v in (row.get(f, "") for f in ("Street_Address", "City", "State", "Postal_Code")) if v.strip())
        if key in entries:  # the same party at another address
            entries[key].addresses.append(address)
            continue
        code = country_code(row["Country"])
        entries[key] = ListEntry(list_id=key, schema="LegalEntity", names=[ListName(name)], programs=["BIS-DPL"],
                                 countries=[code] if code else [], addresses=[address] if address else [],
                                 remarks=row.get("FR_Citation", "").strip(), listed_on=row["Effective_Date"],
                                 topics=["export.control"])
    return Parsed(list(entries.values()), skipped=skipped)
