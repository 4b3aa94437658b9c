"""US BIS Denied Persons List, tab separated with a header row. The list has no ids: an
entry's id is its name and effective date, stable across versions."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

from chipwatch.errors import ChipwatchError
from chipwatch.screening.lists.model import ListEntry, ListName, Parsed
from chipwatch.screening.lists.text import country_code, read_text

FIELDS = ["Name", "Street_Address", "City", "State", "Country", "Postal_Code", "Effective_Date", "Expiration_Date",
          "Standard_Order", "Last_Update", "Action", "FR_Citation"]


def parse(path: Path) -> Parsed:
    reader = csv.DictReader(io.StringIO(read_text(path)), delimiter="\t")
    missing = [f for f in ("Name", "Effective_Date", "Country") if f not in (reader.fieldnames or [])]
    if missing:
        raise ChipwatchError(f"{path}:1: missing column '{missing[0]}'; a BIS DPL file has {', '.join(FIELDS)}")
    entries: dict[str, ListEntry] = {}
    skipped = []
    for row in reader:
        name = (row.get("Name") or "").strip()
        if not name:
            skipped.append(f"{path}:{reader.line_num}: row without a name")
            continue
        key = hashlib.sha1(f"{name}|{row['Effective_Date']}".encode()).hexdigest()[:12]
        address = ", ".join(v.strip() for v in (row.get(f) or "" for f in ("Street_Address", "City", "State", "Postal_Code")) if v.strip())
        if key in entries:  # the same party at another address
            entries[key].addresses.append(address)
            continue
        code = country_code(row.get("Country") or "")
        entries[key] = ListEntry(list_id=key, schema="LegalEntity", names=[ListName(name)], programs=["BIS-DPL"],
                                 countries=[code] if code else [], addresses=[address] if address else [],
                                 remarks=(row.get("FR_Citation") or "").strip(), listed_on=row.get("Effective_Date"),
                                 topics=["export.control"])
    return Parsed(list(entries.values()), skipped=skipped)
