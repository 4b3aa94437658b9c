"""OFAC SDN list, official CSV layout (no header): sdn.csv joined with alt.csv (aliases)
and add.csv (addresses) by ent_num. Alias or address rows for an ent_num the SDN file
lacks are counted and skipped, not fatal."""

from __future__ import annotations

import re
from pathlib import Path

from chipwatch.errors import ChipwatchError, excerpt
from chipwatch.importers.tabular import rows
from chipwatch.screening.dates import ofac_dates
from chipwatch.screening.lists.model import ListEntry, ListName, Parsed
from chipwatch.screening.lists.text import country_code, read_text

NULL = "-0-"
SDN_FIELDS = ["ent_num", "name", "type", "program", "title", "call_sign", "vess_type", "tonnage", "grt",
              "vess_flag", "vess_owner", "remarks"]
SCHEMA = {"individual": "Person", "vessel": "Vessel", "aircraft": "Airplane", "": "Organization"}
# Identifiers OFAC prints in remarks: "Tax ID No. 7707767484 (Russia)" -> inn for Russia.
_IDS = [
    (re.compile(r"Tax ID No\. (\d{10,12}) \(Russia\)"), "inn"),
    (re.compile(r"Registration (?:Number|ID) (\d{13,15}) \(Russia\)"), "ogrn"),
    (re.compile(r"Vessel Registration Identification IMO (\d{7})"), "imo"),
    (re.compile(r"Legal Entity Number ([0-9A-Z]{20})"), "lei"),
    (re.compile(r"SWIFT/BIC ([A-Z0-9]{8,11})"), "swift"),
]
_AKA = re.compile(r"\b(a\.k\.a\.|f\.k\.a\.|n\.k\.a\.) '([^']+)'")


def _clean(value: str) -> str:
    value = value.strip()
    return "" if value == NULL else value


def _rows(path: Path, width: int) -> list[tuple[int, list[str]]]:
    out = []
    for n, _, row in rows(read_text(path), str(path)):
        if not row or (len(row) == 1 and not row[0].strip("\x1a \t")):  # OFAC ends its files with ^Z
            continue
        if len(row) < width:
            raise ChipwatchError(f"{path}:{n}: {len(row)} fields, expected {width} (is this an OFAC {path.stem.split('-')[0]} CSV?)")
        out.append((n, [_clean(v) for v in row]))
    return out


def parse(sdn: Path, alt: Path | None = None, add: Path | None = None) -> Parsed:
    """Read the SDN CSV and, when given, its alt and add files."""
    entries: dict[str, ListEntry] = {}
    for n, row in _rows(sdn, 12):
        rec = dict(zip(SDN_FIELDS, row, strict=False))
        if not rec["ent_num"].isdigit():
            raise ChipwatchError(f"{sdn}:{n}: ent_num '{excerpt(rec['ent_num'])}' is not a number (is this an OFAC SDN CSV?)")
        names = [ListName(rec["name"], "primary")]
        for kind, alias in _AKA.findall(rec["remarks"]):
            names.append(ListName(alias, {"a.k.a.": "aka", "f.k.a.": "fka", "n.k.a.": "aka"}[kind]))
        ids: dict[str, list[str]] = {}
        for rx, scheme in _IDS:
            for value in rx.findall(rec["remarks"]):
                ids.setdefault(scheme, []).append(value)
        programs = [p.strip() for p in rec["program"].replace("] [", "|").strip("[]").split("|") if p.strip()]
        entries[rec["ent_num"]] = ListEntry(list_id=rec["ent_num"], schema=SCHEMA.get(rec["type"].lower(), "LegalEntity"),
                                            names=names, programs=programs, identifiers=ids, remarks=rec["remarks"],
                                            birth_dates=ofac_dates(rec["remarks"]), topics=["sanction"])
    skipped = []
    if alt:
        for n, row in _rows(alt, 5):
            ent, _, kind, name = row[:4]
            if ent not in entries:
                skipped.append(f"{alt}:{n}: alias for unknown ent_num {ent}")
                continue
            known = {x.name for x in entries[ent].names}
            if name and name not in known:
                entries[ent].names.append(ListName(name, {"aka": "aka", "fka": "fka", "nka": "aka"}.get(kind.lower(), "weak")))
    if add:
        for n, row in _rows(add, 6):
            ent = row[0]
            if ent not in entries:
                skipped.append(f"{add}:{n}: address for unknown ent_num {ent}")
                continue
            address = ", ".join(v for v in row[2:5] if v)
            if address:
                entries[ent].addresses.append(address)
            if (code := country_code(row[4])) and code not in entries[ent].countries:
                entries[ent].countries.append(code)
    return Parsed(list(entries.values()), skipped=skipped)
