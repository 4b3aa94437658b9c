"""Neo4j bulk-import CSV (`neo4j-admin database import full`), a folder of:

- entities.csv   nodes `Entity;<Type>`, id space Entity
- values.csv     nodes `Value`: value claims (a figure, a date, a phrase), id space Value
- relations.csv  Entity -> Entity, one row per relation claim, :TYPE = the predicate
- has_value.csv  Entity -> Value, one row per value claim, :TYPE = the predicate
- import.sh      the `neo4j-admin database import full` command for these files

Columns are typed in the header (`name:double`, `name:date`, `name:boolean`); a partial
date stays as written (`valid_from`, `2022`) beside the day it starts or ends (`start:date`).
Empty cells are absent properties.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pandas as pd

from chipwatch.frames import text
from chipwatch.store.read import Store

ENTITY_HEADER = ["id:ID(Entity)", ":LABEL", "type", "label_en", "label_zh", "country", "note"]
CLAIM_COLUMNS = ["claim", "predicate", "status", "valid_from", "valid_to", "start:date", "end:date", "qualifiers"]
VALUE_HEADER = ["id:ID(Value)", ":LABEL", "value", "number:double", "min:double", "max:double", "unit",
                "approx:boolean", "as_written", *CLAIM_COLUMNS]
RELATION_HEADER = [":START_ID(Entity)", ":END_ID(Entity)", ":TYPE", *CLAIM_COLUMNS]
HAS_VALUE_HEADER = [":START_ID(Entity)", ":END_ID(Value)", ":TYPE", *CLAIM_COLUMNS]
FILES = {"entities.csv": "nodes", "values.csv": "nodes", "relations.csv": "relationships",
         "has_value.csv": "relationships"}


def _label(type_: str) -> str:
    return "".join(part.capitalize() for part in type_.split("_"))


def _day(value) -> str:
    return "" if value is None or pd.isna(value) else pd.Timestamp(value).date().isoformat()


def _number(value) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else repr(float(value))


def _claim(c) -> list[str]:
    return [c.id, c.predicate, c.status, text(c.valid_from), text(c.valid_to), _day(c.from_date),
            _day(c.to_date), text(c.qualifiers)]


def _value(c) -> str:
    return text(c.value_text) or text(c.value_json)


def import_script() -> str:
    """The shell script that loads the folder into a (new, stopped) Neo4j 5 database."""
    args = " ".join(f"--{kind}={name}" for name, kind in FILES.items())
    return ("#!/bin/sh\n"
            "# Load this folder into Neo4j 5.19+ (the database must not exist yet):\n"
            "#   sh import.sh [database]        (NEO4J_ADMIN=path/to/neo4j-admin if not on PATH)\n"
            'cd "$(dirname "$0")" || exit 1\n'
            'exec "${NEO4J_ADMIN:-neo4j-admin}" database import full "${1:-neo4j}" '
            f"--multiline-fields=true {args}\n")


def _write(path: Path, header: list[str], rows) -> int:
    n = 0
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for row in rows:
            w.writerow(row)
            n += 1
    return n


def write(store: Store, out: Path, as_of: str | None = None) -> dict:
    out.mkdir(parents=True)
    ents = store.entities()
    claims = store.claims(as_of=as_of)
    has_object = claims.object.map(lambda v: bool(text(v)))
    rel, val = claims[has_object], claims[~has_object]
    counts = {
        "entities": _write(out / "entities.csv", ENTITY_HEADER, (
            [e.id, f"Entity;{_label(e.type)}", e.type, e.label_en, e.label_zh, text(e.country), text(e.note)]
            for e in ents.itertuples())),
        "values": _write(out / "values.csv", VALUE_HEADER, (
            [c.id, "Value", _value(c), _number(c.value_num), _number(c.value_min), _number(c.value_max),
             text(c.unit), "true" if c.approx else "false", text(c.as_written), *_claim(c)]
            for c in val.itertuples())),
        "relations": _write(out / "relations.csv", RELATION_HEADER, (
            [c.subject, c.object, c.predicate.upper(), *_claim(c)] for c in rel.itertuples())),
        "value links": _write(out / "has_value.csv", HAS_VALUE_HEADER, (
            [c.subject, c.id, c.predicate.upper(), *_claim(c)] for c in val.itertuples())),
    }
    script = out / "import.sh"
    script.write_text(import_script(), encoding="utf-8")
    script.chmod(0o755)
    return counts
