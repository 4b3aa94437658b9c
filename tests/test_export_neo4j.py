"""The Neo4j CSV export, loaded into kuzu (a real graph database) from its typed headers,
and its import.sh run against a recording stand-in for neo4j-admin."""

import csv
import re
import subprocess
from pathlib import Path

import pytest
from conftest import run_cli

from chipwatch.store import Store

KUZU_TYPES = {"string": "STRING", "double": "DOUBLE", "int": "INT64", "long": "INT64", "boolean": "BOOLEAN",
              "date": "DATE"}
_ID = re.compile(r"(\w*):(ID|START_ID|END_ID)\((\w+)\)")


@pytest.fixture(scope="module")
def folder(russia_db, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("neo4j") / "neo4j"
    r = run_cli("export", "--format", "neo4j-csv", "-o", str(out), db=russia_db)
    assert r.code == 0, r
    return out


def _header(path: Path) -> list[str]:
    with open(path, encoding="utf-8") as fh:
        return next(csv.reader(fh))


def load_into_kuzu(folder: Path, db_path: Path):
    """A node table per :ID space and a rel table per relationships file, typed from the
    Neo4j header (`name:double` -> DOUBLE, ...), filled with kuzu's COPY."""
    import kuzu

    con = kuzu.Connection(kuzu.Database(str(db_path)))
    for name, kind in (("entities.csv", "node"), ("values.csv", "node"), ("relations.csv", "rel"),
                       ("has_value.csv", "rel")):
        cols, table, ends = [], Path(name).stem, []
        for h in _header(folder / name):
            if m := _ID.fullmatch(h):
                if m[2] == "ID":
                    table = m[3]
                    cols.append(f"`{m[1]}` STRING PRIMARY KEY")
                else:
                    ends.append(m[3])
            elif h in (":LABEL", ":TYPE"):
                cols.append(f"`{h[1:].lower()}` STRING")
            else:
                prop, _, typ = h.partition(":")
                cols.append(f"`{prop}` {KUZU_TYPES[typ or 'string']}")
        if kind == "node":
            con.execute(f"CREATE NODE TABLE {table}({', '.join(cols)})")
        else:
            assert len(ends) == 2, (name, ends)
            con.execute(f"CREATE REL TABLE {table}(FROM {ends[0]} TO {ends[1]}, {', '.join(cols)})")
        con.execute(f"COPY {table} FROM '{folder / name}' (header=true)")
    return con


def rows(con, query: str) -> list[list]:
    result, out = con.execute(query), []
    while result.has_next():
        out.append(result.get_next())
    return out


def test_kuzu_loads_every_file_with_typed_columns(folder, russia_db, tmp_path):
    from datetime import date

    con = load_into_kuzu(folder, tmp_path / "kuzu.db")
    with Store(russia_db) as s:
        claims = s.claims()
        n_entities = s.counts()["entities"]
    n_rel = int(claims.object.notna().sum())
    assert rows(con, "MATCH (e:Entity) RETURN count(e)") == [[n_entities]]
    assert rows(con, "MATCH ()-[r:relations]->() RETURN count(r)") == [[n_rel]]
    assert rows(con, "MATCH ()-[r:has_value]->(v:Value) RETURN count(r)") == [[len(claims) - n_rel]]
    assert rows(con, "MATCH (a:Entity {id: 'tsmc'})-[r:relations]->(b:Entity {id: 'baikal-m'}) "
                     "RETURN r.type, r.valid_from, r.start, r.`end`") == [
        ["FABRICATES", "2020", date(2020, 1, 1), date(2022, 12, 31)]]
    (market,) = rows(con, "MATCH (:Entity {id: 'russia'})-[:has_value]->(v:Value {predicate: 'market_size'}) "
                          "RETURN v.number, v.unit, v.approx, v.as_written")
    assert market[:3] == [50300000000.0, "USD", False] and "503" in market[3]
    labels = rows(con, "MATCH (e:Entity {id: 'mcst'}) RETURN e.label")
    assert labels == [["Entity;Company"]]


def test_relationship_files_hold_one_kind_each(folder):
    ids = {}
    for name in ("entities.csv", "values.csv"):
        with open(folder / name, encoding="utf-8") as fh:
            ids[name] = {r[0] for r in list(csv.reader(fh))[1:]}
    for name, end in (("relations.csv", "entities.csv"), ("has_value.csv", "values.csv")):
        with open(folder / name, encoding="utf-8") as fh:
            body = list(csv.reader(fh))[1:]
        assert body and all(r[0] in ids["entities.csv"] and r[1] in ids[end] for r in body), name
        assert not any(v == "nan" for r in body for v in r)


def test_import_script_names_every_file_with_its_role(folder, tmp_path):
    recorder = tmp_path / "neo4j-admin"
    log = tmp_path / "args"
    recorder.write_text(f'#!/bin/sh\nfor a in "$@"; do echo "$a"; done > {log}\n')
    recorder.chmod(0o755)
    proc = subprocess.run(["sh", str(folder / "import.sh"), "chips"], env={"NEO4J_ADMIN": str(recorder),
                          "PATH": "/usr/bin:/bin"}, capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    args = log.read_text().split()
    assert args[:4] == ["database", "import", "full", "chips"]
    files = {a.split("=", 1)[1]: a[2:].split("=")[0] for a in args if a.startswith(("--nodes=", "--relationships="))}
    assert sorted(files) == sorted(p.name for p in folder.glob("*.csv"))
    for name, role in files.items():
        first = _header(folder / name)[0]
        assert first.startswith("id:ID(") if role == "nodes" else first.startswith(":START_ID("), (name, first)
