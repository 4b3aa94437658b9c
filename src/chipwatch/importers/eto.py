"""CSET ETO "Supply Chain Explorer: Advanced Chips" CSVs -> chipwatch records.

Inputs (tools, materials, processes, designs) become entities; providers become companies,
or the existing country entities; each provision row becomes a `market_share` claim
(provider -> input, share in %), each sequence row an `input_to` or `kind_of` claim. Every
claim quotes its CSV row verbatim, cited to the ETO source, whose licence is kept.
Providers already in the store (TSMC, SMIC, …) are linked by name, not duplicated.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import rigour.territories as territories
from pydantic import ValidationError

from chipwatch.dataset.load import Dataset
from chipwatch.errors import ChipwatchError, excerpt
from chipwatch.importers import tabular
from chipwatch.model.records import Claim, Entity, Evidence, Source
from chipwatch.names.normalize import name_key

DATASET = "eto"
SOURCE_ID = "eto-chip-explorer"
FILES = {
    "stages.csv": ["stage_id", "stage_name", "description"],
    "inputs.csv": ["input_id", "input_name", "type", "stage_name", "stage_id", "description"],
    "providers.csv": ["provider_name", "alias", "provider_id", "provider_type", "country"],
    "provision.csv": ["provider_name", "provider_id", "provided_name", "provided_id", "share_provided", "year", "source"],
    "sequence.csv": ["input_name", "input_id", "goes_into_name", "goes_into_id", "is_type_of_name", "is_type_of_id"],
}
INPUT_TYPES = {"tool_resource": "equipment", "material_resource": "material", "process": "technology",
               "design_resource": "product", "ultimate_output": "product"}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _read(folder: Path, name: str) -> list[tuple[int, dict, str]]:
    """(line number, row, the row's text as printed) for each data row of a CSV file."""
    path = folder / name
    if not path.is_file():
        raise ChipwatchError(f"{path}: missing; an ETO folder holds {', '.join(FILES)}")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ChipwatchError(f"{path}: not UTF-8 text ({exc.reason}); save it as UTF-8") from None
    lines = tabular.text_lines(text)
    header, body = tabular.records(text, str(path))
    missing = [c for c in FILES[name] if c not in header]
    if missing:
        raise ChipwatchError(f"{path}:1: missing column '{missing[0]}'; the header must have {', '.join(FILES[name])}")
    # a quoted field may span lines: a row is lines first .. last, quoted as printed
    return [(first, row, "\n".join(lines[first - 1:last])) for first, last, row in body]


def _licence(folder: Path) -> str | None:
    """The first line of the folder's LICENSE.md, if it has one."""
    path = folder / "LICENSE.md"
    text = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
    return next((excerpt(line, 200) for line in text.splitlines() if line.strip()), None)


@contextmanager
def _cells(path: Path, line: int) -> Iterator[None]:
    """Cells a record refuses (an empty name or quote, …) as one line naming the file and line."""
    try:
        yield
    except ValidationError as exc:
        err = exc.errors()[0]
        raise ChipwatchError(f"{path}:{line}: {'.'.join(map(str, err['loc'])) or 'row'}: {err['msg']} "
                             f"(got {excerpt(repr(err.get('input')))}); fix the row") from None


def _evidence(name: str, line: int, printed: str) -> Evidence:
    return Evidence(source=SOURCE_ID, locator=f"{name} line {line}", quote=printed)


def _cldr_zh(alpha2: str) -> str | None:
    """A country's name in Traditional Chinese as Taiwan writes it (CLDR, through Babel)."""
    from babel import Locale

    return Locale.parse("zh_Hant_TW").territories.get(alpha2)


def _country_id(code: str, known_countries: dict[str, str], entities: dict[str, Entity]) -> str | None:
    """The entity id of a country given as an ISO code (alpha-2 or -3), created if new."""
    territory = territories.lookup_territory(code) if code else None
    if territory is None or not territory.is_country:
        return None
    alpha2 = territory.code.upper()
    if alpha2 in known_countries:
        return known_countries[alpha2]
    eid = f"country-{alpha2.lower()}"
    names = {"en": territory.name}
    if zh := _cldr_zh(alpha2):
        names["zh-Hant"] = zh
    entities.setdefault(eid, Entity(id=eid, type="country", country=alpha2, names=names))
    known_countries[alpha2] = eid
    return eid


def eto_dataset(folder: str | Path, store_entities: list[Entity]) -> Dataset:
    """Read the ETO CSVs in `folder` into a Dataset (records in memory), linking providers
    and countries to `store_entities` where they are the same."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ChipwatchError(f"{folder}: no such folder; give the folder with the ETO CSV files")
    tables = {name: _read(folder, name) for name in FILES}
    licence = _licence(folder)
    source = Source(id=SOURCE_ID, title="CSET Emerging Technology Observatory: Supply Chain Explorer — Advanced Chips",
                    publisher="Center for Security and Emerging Technology (CSET), Georgetown University",
                    language="en", kind="dataset", url="https://eto.tech/dataset-docs/chipexplorer",
                    licence=licence or "CC BY-NC 4.0", note=f"imported from {folder}")
    known_countries = {e.country: e.id for e in store_entities if e.type == "country" and e.country}
    companies = {}
    for e in store_entities:
        if e.type == "company":
            for n in e.all_names():
                companies.setdefault(name_key(n), e.id)
    entities: dict[str, Entity] = {}
    inputs: dict[str, str] = {}  # ETO id (inputs and stages) -> entity id
    for line, row, _ in tables["stages.csv"]:
        with _cells(folder / "stages.csv", line):
            eid = f"eto-stage-{_slug(row['stage_name'])}"
            inputs[row["stage_id"]] = eid
            entities[eid] = Entity(id=eid, type="technology", names={"en": f"{row['stage_name']} (stage)"},
                                   note=f"ETO supply-chain stage {row['stage_id']}")
    for line, row, _ in tables["inputs.csv"]:
        with _cells(folder / "inputs.csv", line):
            etype = INPUT_TYPES.get(row["type"])
            if etype is None:
                raise ChipwatchError(f"{folder / 'inputs.csv'}:{line}: input {excerpt(row['input_id'])} has type '{excerpt(row['type'])}'; "
                                     f"known types: {', '.join(INPUT_TYPES)}")
            eid = f"eto-{_slug(row['input_name'])}"
            inputs[row["input_id"]] = eid
            note = f"ETO input {row['input_id']}" + (f", stage {row['stage_name']}" if row.get("stage_name") else "")
            entities[eid] = Entity(id=eid, type=etype, names={"en": row["input_name"]}, note=note)
    providers: dict[str, str] = {}
    for line, row, _ in tables["providers.csv"]:
        with _cells(folder / "providers.csv", line):
            if row["provider_type"] == "country":
                eid = _country_id(row["provider_name"], known_countries, entities)
                if eid is None:  # "Various countries", "Europe": keep as a group
                    eid = f"eto-{_slug(row['alias'] or row['provider_name'])}"
                    entities.setdefault(eid, Entity(id=eid, type="country_group", names={"en": row["alias"] or row["provider_name"]}))
            else:
                territory = territories.lookup_territory(row["country"]) if row["country"] else None
                eid = companies.get(name_key(row["provider_name"])) or f"eto-{_slug(row['provider_name'])}"
                if eid not in companies.values():
                    aliases = [row["alias"]] if row.get("alias") else []
                    entities.setdefault(eid, Entity(id=eid, type="company", names={"en": row["provider_name"]}, aliases=aliases,
                                                    country=territory.code.upper() if territory and len(territory.code) == 2 else None))
            providers[row["provider_id"]] = eid
    claims: list[Claim] = []
    for line, row, printed in tables["inputs.csv"]:  # processes belong to a stage
        with _cells(folder / "inputs.csv", line):
            stage = inputs.get(row["stage_id"]) if row["stage_id"] else None  # not a stage without an id
            if stage and row["stage_id"] in printed:
                quote = printed[: printed.index(row["stage_id"]) + len(row["stage_id"])]
                claims.append(Claim(id=f"eto-input-to-{_slug(row['input_id'])}-{_slug(row['stage_id'])}",
                                    subject=inputs[row["input_id"]], predicate="input_to", object=stage,
                                    evidence=[Evidence(source=SOURCE_ID, locator=f"inputs.csv line {line}", quote=quote)]))
    for line, row, printed in tables["provision.csv"]:
        with _cells(folder / "provision.csv", line):
            subject, item = providers.get(row["provider_id"]), inputs.get(row["provided_id"])
            if subject is None or item is None:
                raise ChipwatchError(f"{folder / 'provision.csv'}:{line}: unknown "
                                     f"{'provider ' + excerpt(row['provider_id']) if subject is None else 'input ' + excerpt(row['provided_id'])}; "
                                     f"it must be an id of {'providers' if subject is None else 'inputs'}.csv")
            try:
                share = float(row["share_provided"]) if row["share_provided"] else None
            except ValueError:
                raise ChipwatchError(f"{folder / 'provision.csv'}:{line}: share_provided '{excerpt(row['share_provided'])}' is not a number; "
                                     "give a share in %, e.g. 12.5, or leave it empty") from None
            year = {"year": row["year"]} if row["year"] else {}
            evidence = [_evidence("provision.csv", line, printed)]
            if share is None:  # a provider without a share: it makes or can do the input, share unknown
                predicate = "has_capability" if entities[item].type == "technology" else "produces"
                claims.append(Claim(id=f"eto-provides-{_slug(row['provider_id'])}-{_slug(row['provided_id'])}",
                                    subject=subject, predicate=predicate, object=item, qualifiers=year, evidence=evidence))
                continue
            claims.append(Claim(id=f"eto-share-{_slug(row['provider_id'])}-{_slug(row['provided_id'])}", subject=subject,
                                predicate="market_share", object=item, value=share,
                                qualifiers={"scope": "global market (ETO)", **year}, evidence=evidence))
    for line, row, printed in tables["sequence.csv"]:
        with _cells(folder / "sequence.csv", line):
            a = inputs.get(row["input_id"])
            for pred, target in (("input_to", row["goes_into_id"]), ("kind_of", row["is_type_of_id"])):
                if target and a and target in inputs:
                    claims.append(Claim(id=f"eto-{pred.replace('_', '-')}-{_slug(row['input_id'])}-{_slug(target)}",
                                        subject=a, predicate=pred, object=inputs[target],
                                        evidence=[_evidence("sequence.csv", line, printed)]))
    ds = Dataset(root=folder, meta={"id": DATASET, "title": source.title, "imported": True},
                 sources=[source], entities=list(entities.values()), claim_files=[folder / "provision.csv"])
    ds.loaded = [(folder / "provision.csv", claims)]
    for rec_kind, records in (("source", [source]), ("entity", ds.entities), ("claim", claims)):
        for r in records:
            ds.where[(rec_kind, r.id)] = (folder, 0)
    return ds
