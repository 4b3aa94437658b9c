"""UN Security Council consolidated list, official XML (parsed with defusedxml: entity
expansion and external references are refused, so an XML bomb fails cleanly)."""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as DET
from defusedxml import DefusedXmlException

from chipwatch.errors import ChipwatchError, excerpt, first_line
from chipwatch.screening.dates import normalise
from chipwatch.screening.lists.model import ListEntry, ListName, Parsed
from chipwatch.screening.lists.text import MAX_BYTES, country_code

QUALITY = {"good": "aka", "a.k.a.": "aka", "low": "weak", "f.k.a.": "fka", "": "aka"}


def _text(el: Element | None) -> str:
    return (el.text or "").strip() if el is not None else ""


def _entry(el: Element, schema: str, prefix: str) -> ListEntry:
    full = " ".join(t for t in (_text(el.find(f)) for f in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")) if t)
    names = [ListName(full, "primary")] if full else []
    if original := _text(el.find("NAME_ORIGINAL_SCRIPT")):
        names.append(ListName(original, "aka"))
    for alias in el.findall(f"{prefix}_ALIAS"):
        name = _text(alias.find("ALIAS_NAME"))
        if name and name not in {n.name for n in names}:
            names.append(ListName(name, QUALITY.get(_text(alias.find("QUALITY")).lower(), "aka")))
    countries = []
    for path in ("NATIONALITY/VALUE", f"{prefix}_ADDRESS/COUNTRY"):
        for c in el.findall(path):
            if (code := country_code(_text(c))) and code not in countries:
                countries.append(code)
    addresses = [", ".join(t for t in (_text(a.find(f)) for f in ("STREET", "CITY", "STATE_PROVINCE", "COUNTRY")) if t)
                 for a in el.findall(f"{prefix}_ADDRESS")]
    return ListEntry(list_id=_text(el.find("REFERENCE_NUMBER")) or _text(el.find("DATAID")), schema=schema,
                     names=names, programs=[p for p in [_text(el.find("UN_LIST_TYPE"))] if p], countries=countries,
                     addresses=[a for a in addresses if a], remarks=_text(el.find("COMMENTS1")),
                     listed_on=_text(el.find("LISTED_ON")) or None, birth_dates=_births(el), topics=["sanction"])


def _births(el: Element) -> list[str]:
    """INDIVIDUAL_DATE_OF_BIRTH: EXACT (DATE or YEAR), APPROXIMATELY (a year either side),
    BETWEEN (FROM_YEAR, TO_YEAR)."""
    out: list[str] = []
    for dob in el.findall("INDIVIDUAL_DATE_OF_BIRTH"):
        how = _text(dob.find("TYPE_OF_DATE")).upper()
        day, year = _text(dob.find("DATE"))[:10], _text(dob.find("YEAR"))
        low, high = _text(dob.find("FROM_YEAR")), _text(dob.find("TO_YEAR"))
        value = None
        if how == "BETWEEN" and low.isdigit() and high.isdigit():
            value = f"{low}/{high}"
        elif how == "APPROXIMATELY" and (year or day[:4]).isdigit():
            y = int(year or day[:4])
            value = f"{y - 1}/{y + 1}"
        elif day:
            value = normalise(day)
        elif year.isdigit():
            value = year
        if value and value not in out:
            out.append(value)
    return out


def parse(path: Path) -> Parsed:
    if not path.is_file():
        raise ChipwatchError(f"{path}: file not found")
    if path.stat().st_size > MAX_BYTES:
        raise ChipwatchError(f"{path}: more than the 1 GiB a list may have")
    try:
        root = DET.parse(str(path), forbid_dtd=True).getroot()
    except DefusedXmlException as exc:
        raise ChipwatchError(f"{path}: refused: the XML declares entities or a DTD ({type(exc).__name__}); "
                             "a sanctions list has none — is this an XML bomb?") from None
    except ParseError as exc:
        line, col = exc.position
        raise ChipwatchError(f"{path}:{line}: malformed or truncated XML at column {col}: {str(exc).split(':')[0]}") from None
    except (LookupError, ValueError) as exc:  # the declaration names an encoding expat does not read
        raise ChipwatchError(f"{path}:1: the XML declaration names an encoding the XML reader cannot read "
                             f"({first_line(exc, 60)}); save the list as UTF-8") from None
    if root.tag != "CONSOLIDATED_LIST":
        raise ChipwatchError(f"{path}:1: root element is <{excerpt(root.tag)}>, expected <CONSOLIDATED_LIST> (the UN list XML)")
    entries = [_entry(el, "Person", "INDIVIDUAL") for el in root.iter("INDIVIDUAL")]
    entries += [_entry(el, "Organization", "ENTITY") for el in root.iter("ENTITY")]
    skipped = [f"{path}: entry {excerpt(e.list_id)} has no name" for e in entries if not e.names]
    return Parsed([e for e in entries if e.names], skipped=skipped, date=root.get("dateGenerated", "")[:10] or None)
