"""FollowTheMoney entities as JSON lines (OpenSanctions exports): parties become entries,
`Ownership` entities become relations (owner -> asset, percentage), `Sanction` entities
add programs to the party they name. Lines that are not JSON are skipped and counted."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

from chipwatch.errors import excerpt
from chipwatch.screening.dates import normalise
from chipwatch.screening.lists.model import ListEntry, ListName, Parsed, Relation
from chipwatch.screening.lists.text import read_text

PARTIES = {"Person", "Company", "Organization", "LegalEntity", "PublicBody", "Vessel", "Airplane"}
NAMES = (("name", "primary"), ("alias", "aka"), ("previousName", "fka"), ("weakAlias", "weak"))
_SURROGATE = re.compile("[\ud800-\udfff]")
IDS = {"innCode": "inn", "ogrnCode": "ogrn", "leiCode": "lei", "imoNumber": "imo", "registrationNumber": "registration",
       "taxNumber": "tax", "swiftBic": "swift"}


def _share(values: list[str]) -> float | None:
    for v in values:
        try:
            share = float(v.strip().rstrip("%"))
        except ValueError:
            continue
        if math.isfinite(share):
            return share
    return None


def _text(value: str) -> str:
    """`value` with any lone surrogate (JSON can write one, UTF-8 cannot) as U+FFFD."""
    return _SURROGATE.sub("\ufffd", value)


def _values(values: object) -> list[str]:
    """A property's values: FtM writes a list of texts (one text is taken as a list of one)."""
    if isinstance(values, str):
        values = [values]
    return [_text(v) for v in values if isinstance(v, str)] if isinstance(values, list) else []


def _entity(line: str) -> tuple[str, str, dict[str, list[str]]] | str:
    """(schema, id, properties) of one JSON line, or why it is not an FtM entity."""
    try:
        data = json.loads(line)
    except (ValueError, RecursionError) as exc:  # RecursionError: arrays nested past Python's stack
        return f"not JSON ({type(exc).__name__})"
    if not isinstance(data, dict):
        return f"a JSON {type(data).__name__}, not an object"
    schema, eid, props = data.get("schema"), data.get("id"), data.get("properties", {})
    for field, value in (("schema", schema), ("id", eid)):
        if not isinstance(value, str) or not value.strip():
            return f"'{field}' is {'missing' if value is None else 'not a text'}"
    if not isinstance(props, dict):
        return "'properties' is not an object of property: [values]"
    return _text(schema), _text(eid), {_text(k): _values(v) for k, v in props.items()}


def parse(path: Path) -> Parsed:
    entries: dict[str, ListEntry] = {}
    relations, sanctions, skipped = [], [], []
    for n, line in enumerate(read_text(path).splitlines(), 1):
        if not line.strip():
            continue
        entity = _entity(line)
        if isinstance(entity, str):
            skipped.append(f"{path}:{n}: not an FtM entity ({entity})")
            continue
        schema, eid, props = entity
        if schema in PARTIES:
            names = [ListName(v, kind) for prop, kind in NAMES for v in props.get(prop, [])]
            if not names:
                skipped.append(f"{path}:{n}: {excerpt(schema)} {excerpt(eid)} has no name")
                continue
            topics = list(props.get("topics", []))
            entries[eid] = ListEntry(
                list_id=eid, schema=schema, names=names,
                programs=["sanction"] if "sanction" in topics else [],  # sanction.linked is not a designation
                countries=sorted({c.lower() for p in ("country", "jurisdiction", "nationality") for c in props.get(p, [])}),
                identifiers={IDS[p]: v for p, v in props.items() if p in IDS},
                remarks="; ".join(props.get("notes", [])),
                birth_dates=[d for d in (normalise(v) for v in props.get("birthDate", [])) if d], topics=topics)
        elif schema == "Ownership":
            for owner in props.get("owner", []):
                for asset in props.get("asset", []):
                    relations.append(Relation(eid, "ownership", owner, asset, _share(props.get("percentage", [])),
                                              (props.get("startDate") or [None])[0], (props.get("endDate") or [None])[0]))
        elif schema == "Sanction":
            sanctions.append(props)
    for props in sanctions:
        for target in props.get("entity", []):
            if target in entries:
                entry = entries[target]
                if entry.programs == ["sanction"]:  # the topic said so; the Sanction entity says which
                    entry.programs = []
                for p in props.get("programId", []) or props.get("program", []) or props.get("authority", []) or ["sanction"]:
                    if p not in entry.programs:
                        entry.programs.append(p)
                if "sanction" not in entry.topics:
                    entry.topics.append("sanction")
    return Parsed(list(entries.values()), relations, skipped)
