"""Seed inputs for the fuzz targets: small slices of the real files in ../shared/data when
they are here, else the small fixtures in tests/fuzz/seeds/ (and tests/data/mini). Each seed
is a dict of file name -> bytes, the files one call of an importer reads."""

from __future__ import annotations

import csv
import io
import os
import re
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARED_DATA = Path(os.environ.get("CHIPWATCH_SHARED", REPO.parent / "shared")) / "data"
FIXTURES = Path(__file__).with_name("seeds")
WINDOWS = 12  # slices taken from each real file

Seed = dict[str, bytes]


def _shared(*parts: str) -> Path | None:
    path = SHARED_DATA.joinpath(*parts)
    return path if path.exists() else None


def _fixture(target: str) -> list[Seed]:
    folder = FIXTURES / target
    return [{p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}]


def _windows(lines: list[bytes], size: int, head: int = 0, count: int = WINDOWS) -> list[bytes]:
    """`count` slices of `size` lines spread over the file, each after the first `head` lines."""
    body = lines[head:]
    step = max(1, (len(body) - size) // max(1, count - 1))
    return [b"".join(lines[:head] + body[i:i + size]) for i in range(0, max(1, len(body) - size + 1), step)][:count]


def _lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def _first_field(line: bytes) -> bytes:
    return line.split(b",", 1)[0]


def ofac() -> list[Seed]:
    sdn, alt, add = _shared("ofac", "sdn-2024-05-03.csv"), _shared("ofac", "alt-2025-02-27.csv"), _shared("ofac", "add-2025-02-27.csv")
    if not (sdn and alt and add):
        return _fixture("ofac")
    by_ent: dict[str, dict[bytes, list[bytes]]] = {"alt": {}, "add": {}}
    for kind, path in (("alt", alt), ("add", add)):
        for line in _lines(path):
            by_ent[kind].setdefault(_first_field(line), []).append(line)
    out = []
    for window in _windows(_lines(sdn), 10):
        ents = [_first_field(line) for line in window.splitlines(keepends=True)]
        extra = {k: b"".join(line for e in ents for line in by_ent[k].get(e, [])[:2]) or b"1,1,\"aka\",\"X\",-0- \r\n"
                 for k in by_ent}
        out.append({"sdn.csv": window, "alt.csv": extra["alt"], "add.csv": extra["add"]})
    return out


def un() -> list[Seed]:
    path = _shared("un", "UN_consolidated-2026-02.xml")
    if not path:
        return _fixture("un")
    root = ET.parse(path).getroot()
    people, bodies = root.findall("INDIVIDUALS/INDIVIDUAL"), root.findall("ENTITIES/ENTITY")
    out = []
    for i in range(WINDOWS):
        doc = ET.Element(root.tag, root.attrib)
        ET.SubElement(doc, "INDIVIDUALS").extend(people[i * len(people) // WINDOWS:][:2])
        ET.SubElement(doc, "ENTITIES").extend(bodies[i * len(bodies) // WINDOWS:][:1])
        out.append({"un.xml": ET.tostring(doc, encoding="UTF-8", xml_declaration=True)})
    return out


def _csv_lines(target: str, parts: tuple[str, ...], name: str, size: int = 10, head: int = 1) -> list[Seed]:
    path = _shared(*parts)
    if not path:
        return _fixture(target)
    return [{name: w} for w in _windows(_lines(path), size, head)]


def bis() -> list[Seed]:
    return _csv_lines("bis", ("bis", "dpl.txt"), "dpl.txt")


def ftm() -> list[Seed]:
    return _csv_lines("ftm", ("opensanctions", "zala.ftm.json"), "entities.ftm.json", size=8, head=0)


def chpl() -> list[Seed]:
    path = _shared("chpl", "chpl-2024-02-23.csv")
    return [{"chpl.csv": path.read_bytes()}] if path else _fixture("chpl")


def screening() -> list[Seed]:
    return _csv_lines("screening", ("name_bench", "cases.csv"), "parties.csv", size=12)


def eurostat_csv() -> list[Seed]:
    folder = _shared("eurostat", "mirror-totals")
    if not folder:
        return _fixture("eurostat-csv")
    return [{"trade.csv": w} for p in sorted(folder.glob("*.csv")) for w in _windows(_lines(p), 10, 1, count=2)]


def _dict_rows(path: Path) -> tuple[list[str], list[dict]]:
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")))
    return list(reader.fieldnames or []), list(reader)


def _csv_bytes(fields: list[str], rows: list[dict]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode()


def eto() -> list[Seed]:
    """Consistent small ETO folders: a window of provision rows with the providers, inputs
    and stages they name, and the sequence rows of those inputs."""
    folder = _shared("eto")
    if not folder:
        return _fixture("eto")
    tables = {name: _dict_rows(folder / name) for name in ("stages.csv", "inputs.csv", "providers.csv", "provision.csv",
                                                            "sequence.csv")}
    provision = tables["provision.csv"][1]
    out = []
    for i in range(WINDOWS):
        rows = provision[i * len(provision) // WINDOWS:][:6]
        providers, inputs = {r["provider_id"] for r in rows}, {r["provided_id"] for r in rows}
        pick = {
            "provision.csv": rows,
            "providers.csv": [r for r in tables["providers.csv"][1] if r["provider_id"] in providers],
            "inputs.csv": [r for r in tables["inputs.csv"][1] if r["input_id"] in inputs],
            "sequence.csv": [r for r in tables["sequence.csv"][1] if r["input_id"] in inputs][:4],
            "stages.csv": tables["stages.csv"][1],
        }
        out.append({name: _csv_bytes(tables[name][0], pick[name]) for name in pick})
    return out


def _grid_tsv(rows: list[list]) -> bytes:
    return "\n".join("\t".join("" if v is None else str(v) for v in row) for row in rows).encode()


@cache
def eurostat_grids() -> tuple[bytes, ...]:
    """Eurostat data-browser sheets cut to 8 periods and 5 data rows, as TSV."""
    path = _shared("eurostat", "19_4623968_spreadsheet.xlsx")
    if not path:
        return tuple(p.read_bytes() for p in sorted((FIXTURES / "eurostat-sheets").glob("*.tsv")))
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    out = []
    for name in [n for n in wb.sheet_names if n.startswith("Sheet ")][:WINDOWS]:
        rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        labels = next(i for i, r in enumerate(rows) if str(r[0]).startswith("REPORTER"))
        kept = rows[:labels + 1] + rows[labels + 1 + 5 * len(out):][:5] + [[""], ["Special value"], [":", "not available"]]
        out.append(_grid_tsv([r[:10] for r in kept]))
    return tuple(out)


def eurostat_sheets() -> list[Seed]:
    return [{"sheet.tsv": g} for g in eurostat_grids()]


def grid(data: bytes) -> list[list]:
    """A TSV grid back to cells as a spreadsheet reader gives them: numbers, text, '' ."""
    rows = []
    for line in data.decode("utf-8", errors="replace").split("\n"):
        cells: list = []
        for text in line.split("\t"):
            try:
                cells.append(float(text) if re.fullmatch(r"-?\d+(\.\d+)?", text) else text)
            except ValueError:
                cells.append(text)
        rows.append(cells)
    return rows


def eurostat_xlsx() -> list[Seed]:
    """Small workbooks (openpyxl) holding the grids above, one data sheet and a notes sheet."""
    import openpyxl

    out = []
    for data in eurostat_grids()[:4]:
        wb = openpyxl.Workbook()
        wb.active.title = "Summary"
        wb.active.append(["Data extracted from [ESTAT]"])
        ws = wb.create_sheet("Sheet 1")
        for row in grid(data):
            ws.append(row)
        buf = io.BytesIO()
        wb.save(buf)
        out.append({"sheet.xlsx": buf.getvalue()})
    return out


def _records(text: bytes) -> tuple[bytes, list[bytes]]:
    """A YAML list file split into its head (comments) and its records (`- ` at column 0)."""
    parts = re.split(rb"(?m)^(?=- )", text)
    return parts[0], parts[1:]


def dataset() -> list[Seed]:
    """tests/data/mini whole, and slices of datasets/russia (a window of entities and claims)."""
    mini = REPO / "tests" / "data" / "mini"
    seeds = [{"dataset.yaml": (mini / "dataset.yaml").read_bytes(), "sources.yaml": (mini / "sources.yaml").read_bytes(),
              "entities.yaml": (mini / "entities.yaml").read_bytes(),
              "claims/design.yaml": (mini / "claims" / "design.yaml").read_bytes()}]
    russia = REPO / "datasets" / "russia"
    if not russia.is_dir():
        return seeds
    head, entities = _records((russia / "entities.yaml").read_bytes())
    sources = (russia / "sources.yaml").read_bytes()
    for i, path in enumerate(sorted((russia / "claims").glob("*.yaml"))):
        chead, claims = _records(path.read_bytes())
        seeds.append({"dataset.yaml": (russia / "dataset.yaml").read_bytes(), "sources.yaml": sources,
                      "entities.yaml": head + b"".join(entities[i * 8:i * 8 + 8]),
                      f"claims/{path.name}": chead + b"".join(claims[:5])})
    return seeds


def dataset_jsonl() -> list[Seed]:
    """The YAML seeds above with sources, entities and claims as JSON lines (machine-made datasets)."""
    import json

    import yaml

    def jsonl(data: bytes) -> bytes:
        return b"".join(json.dumps(r, default=str, ensure_ascii=False).encode() + b"\n" for r in yaml.safe_load(data) or [])

    return [{(name.rsplit(".", 1)[0] + ".jsonl" if name != "dataset.yaml" else name): data if name == "dataset.yaml" else jsonl(data)
             for name, data in seed.items()} for seed in dataset()]


def scenario() -> list[Seed]:
    bundled = REPO / "src" / "chipwatch" / "scenarios" / "bundled"
    return [{"scenario.yaml": p.read_bytes()} for p in sorted(bundled.glob("*.yaml"))]
