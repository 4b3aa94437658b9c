"""Scenario files: the schema (Pydantic), loading with `extends`, and one-line errors.

A scenario file is YAML. Every number the source article does not give is an
*assumption* in the file: a name, a value or a range, a unit and why. Interventions
(removals, channel closures, capacity multipliers, cost shocks, floors) are separate
sections. `extends: baseline` inherits everything but the name, title, description,
citations and interventions from another scenario (a bundled name or a path).

Every problem is a ChipwatchError of one line: `file:line: what is wrong — what would be right`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from chipwatch.dataset.yamlio import LineDict, line_of, read_yaml
from chipwatch.errors import ChipwatchError, excerpt
from chipwatch.i18n import norm_lang
from chipwatch.i18n.message import Msg, Name
from chipwatch.model.dates import PartialDate
from chipwatch.model.quantity import factor as unit_factor_of
from chipwatch.model.quantity import parse_unit

BUNDLED = Path(__file__).with_name("bundled")
STATUSES = ("fact", "reported", "speculated", "planned", "disputed")
SECTORS = ("military", "civil", "government", "space", "nuclear", "medical", "industrial", "research")

Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._/-]*$")]

# Assumption families: name pattern -> (kind of value, unit dimension, bounds, meaning).
# `dimensionless` units are written as words (share, ratio, factor, exponent, weight).
DIMENSIONLESS_UNITS = ("share", "fraction", "ratio", "factor", "exponent", "weight", "1", "dimensionless")
FAMILIES: list[tuple[str, str, str | None, tuple[float, float], str]] = [
    (r"demand\.[a-z0-9][a-z0-9-]*", "number", "wafer_200mm/month", (0, math.inf),
     "demand for a product, in 200 mm wafer-equivalents a month at the product's reference process"),
    (r"capacity\.[a-z0-9][a-z0-9-]*", "number", "wafer_200mm/month", (0, math.inf),
     "a fab's capacity (for a foreign fab: what it would make for Russian customers)"),
    (r"coverage\.[a-z0-9][a-z0-9._/-]*", "number", None, (0, math.inf),
     "share of the need a supply source can cover at full output"),
    (r"partner_loss\.(default|[a-z0-9][a-z0-9._/-]*)", "number", None, (0, 1),
     "share of a source's output left when a foreign partner is cut"),
    (r"relative_yield\.(default|[a-z0-9][a-z0-9-]*)", "number", None, (0, math.inf),
     "good dies per wafer area at a substitute fab relative to the product's original fab"),
    (r"node_area_exponent", "number", None, (0, math.inf),
     "die area scales as (node ratio) to this power"),
    (r"ramp_months\.(substitution|facility|[a-z0-9][a-z0-9._/>-]*)", "number", "month", (0, math.inf),
     "months from a new arc's start to full output"),
    (r"price\.(foundry|material|tools)\.(default|[a-z0-9][a-z0-9-]*)", "number", "USD/wafer_200mm", (0, math.inf),
     "import price per 200 mm wafer-equivalent, before any currency shock"),
    (r"budget\.headroom", "number", None, (0, math.inf),
     "the import budget as a multiple of the reference import bill"),
    (r"weight\.(military|civil|government|space|nuclear|medical|industrial|research)", "number", None, (0, math.inf),
     "weight of an end use in the objective"),
    (r"end_use\.[a-z0-9][a-z0-9-]*", "shares", None, (0, 1),
     "shares of a product's output by end use"),
    (r"end_use_remainder\.(default|[a-z0-9][a-z0-9-]*)", "shares", None, (0, 1),
     "where the part of a designer's revenue the article does not attribute goes"),
]
_FAMILY_RX = [(re.compile(rf"^{rx}$"), kind, unit, bounds, meaning) for rx, kind, unit, bounds, meaning in FAMILIES]
_FAMILY_HINT = "demand.<product>, capacity.<fab>, coverage.<src>, partner_loss.<src>, relative_yield.<fab>, " \
               "node_area_exponent, ramp_months.…, price.<kind>.…, budget.headroom, weight.…, end_use.…, end_use_remainder.…"


FAMILY_KEYS = ("demand", "capacity", "coverage", "partner_loss", "relative_yield", "node_area_exponent", "ramp_months",
               "price", "budget", "weight", "end_use", "end_use_remainder")


def meaning(name: str) -> Msg | None:
    """What an assumption of this name means, as a sentence in either language (None for an unknown name)."""
    if family(name) is None:
        return None
    first = name.split(".", 1)[0]
    return Msg(f"scenario.family.{first}") if first in FAMILY_KEYS else None


def family(name: str) -> tuple[str, str | None, tuple[float, float], str] | None:
    for rx, kind, unit, bounds, meaning in _FAMILY_RX:
        if rx.match(name):
            return kind, unit, bounds, meaning
    return None


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def reason(self, lang: str = "en") -> str | None:
        """The reason given for this part of the scenario in `lang` (zh-TW: the file's `why_zh`
        where it gives one, else its English `why`)."""
        why = getattr(self, "why", None)
        return (getattr(self, "why_zh", None) or why) if norm_lang(lang) == "zh-TW" else why


class Text(_M):
    en: str = Field(min_length=1)
    zh_Hant: str | None = Field(None, alias="zh-Hant")


class Ranged(_M):
    """A number or a range: `value`, or `min`/`max` (uniform) with `mode` (triangular)."""

    value: float | None = None
    min: float | None = None
    max: float | None = None
    mode: float | None = None
    dist: Literal["fixed", "uniform", "triangular"] | None = None

    @model_validator(mode="after")
    def _shape(self):
        if self.value is not None:
            if any(v is not None for v in (self.min, self.max, self.mode)):
                raise ValueError("give either `value` or a range (`min`, `max`, optional `mode`), not both")
            if self.dist not in (None, "fixed"):
                raise ValueError(f"dist {self.dist} needs a range (`min`, `max`), not `value`")
            return self
        if self.min is None or self.max is None:
            raise ValueError("give `value`, or both `min` and `max` (with `mode` for a triangular range)")
        if self.min > self.max:
            raise ValueError(f"min {self.min:g} is above max {self.max:g} — swap them")
        if self.mode is not None and not self.min <= self.mode <= self.max:
            raise ValueError(f"mode {self.mode:g} is outside min..max ({self.min:g}..{self.max:g})")
        if self.dist == "triangular" and self.mode is None:
            raise ValueError("a triangular range needs `mode`")
        if self.dist == "uniform" and self.mode is not None:
            raise ValueError("a uniform range has no `mode`; drop it or write dist: triangular")
        if self.dist == "fixed":
            raise ValueError("dist fixed takes `value`, not a range")
        return self

    @property
    def kind(self) -> str:
        if self.value is not None:
            return "fixed"
        return "triangular" if self.mode is not None else "uniform"

    @property
    def central(self) -> float:
        if self.value is not None:
            return self.value
        return self.mode if self.mode is not None else (self.min + self.max) / 2

    @property
    def low(self) -> float:
        return self.value if self.value is not None else self.min

    @property
    def high(self) -> float:
        return self.value if self.value is not None else self.max

    def describe(self) -> dict:
        if self.value is not None:
            return {"value": self.value}
        out = {"dist": self.kind, "min": self.min, "max": self.max}
        if self.mode is not None:
            out["mode"] = self.mode
        return out


class Assumption(Ranged):
    """A number the article does not give: named, with unit and reason."""

    name: str
    shares: dict[str, float] | None = None
    unit: str = Field(min_length=1)
    why: str = Field(min_length=3)
    why_zh: str | None = None  # the reason in Traditional Chinese (zh-Hant)
    _factor: float = PrivateAttr(default=1.0)

    @model_validator(mode="after")
    def _shape(self):  # overrides Ranged._shape: shares take no value
        if self.shares is not None:
            if any(v is not None for v in (self.value, self.min, self.max, self.mode)):
                raise ValueError("an end-use assumption gives `shares` only, not `value` or a range")
            return self
        return Ranged._shape(self)


class Removal(_M):
    entity: str | None = None
    claim: str | None = None
    arc: dict[Literal["from", "to"], str] | None = None
    why: str = Field(min_length=3)
    why_zh: str | None = None  # the reason in Traditional Chinese (zh-Hant)

    @model_validator(mode="after")
    def _one(self):
        given = [k for k in ("entity", "claim", "arc") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("a removal names exactly one of `entity`, `claim` or `arc: {from, to}`")
        if self.arc is not None and set(self.arc) != {"from", "to"}:
            raise ValueError("an arc removal needs both `from` and `to`")
        return self


class Closure(_M):
    country: str
    why: str = Field(min_length=3)
    why_zh: str | None = None  # the reason in Traditional Chinese (zh-Hant)


class Multiplier(Ranged):
    entity: str
    why: str = Field(min_length=3)
    why_zh: str | None = None  # the reason in Traditional Chinese (zh-Hant)


class CostShock(Ranged):
    """A currency moves by `value` per cent (or a range) against the currencies imports
    are priced in; imports then cost 1/(1 + change) times as much in that currency."""

    name: str
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    applies_to: Literal["imports"] = "imports"
    why: str = Field(min_length=3)
    why_zh: str | None = None  # the reason in Traditional Chinese (zh-Hant)


class Floor(_M):
    product: str | None = None
    end_use: str | None = None
    min_share: float
    why: str = Field(min_length=3)
    why_zh: str | None = None  # the reason in Traditional Chinese (zh-Hant)

    @model_validator(mode="after")
    def _one(self):
        if (self.product is None) == (self.end_use is None):
            raise ValueError("a floor names exactly one of `product` or `end_use`")
        if not 0 <= self.min_share <= 1:
            raise ValueError(f"min_share {self.min_share:g} is not a share — use a number from 0 to 1")
        if self.end_use is not None and self.end_use not in SECTORS:
            raise ValueError(f"end use '{self.end_use}' is not a sector — use one of {', '.join(SECTORS)}")
        return self


class AssumedArc(_M):
    """A fab-product arc the article does not state: labelled, with a probability."""

    id: Id
    fab: str
    product: str
    probability: float
    efficiency: float | None = None
    why: str = Field(min_length=3)
    why_zh: str | None = None  # the reason in Traditional Chinese (zh-Hant)
    context: list[str] = []


class AssumedSource(_M):
    """A supply source the article does not name (e.g. a fab's installed tools)."""

    id: Id
    label: Text | None = None  # what to call it in sentences ({en, zh-Hant}); else its id's last part
    material: str | None = None
    tools_for: str | None = None
    probability: float = 1.0
    why: str = Field(min_length=3)
    why_zh: str | None = None  # the reason in Traditional Chinese (zh-Hant)
    context: list[str] = []

    @model_validator(mode="after")
    def _one(self):
        if (self.material is None) == (self.tools_for is None):
            raise ValueError("an assumed source feeds exactly one of `material` or `tools_for` (a fab)")
        return self


class Probabilities(_M):
    fact: float = 1.0
    reported: float | None = None
    speculated: float | None = None
    planned: float | None = None
    disputed: float | None = None
    claims: dict[str, float] = {}
    why: str | None = None
    why_zh: str | None = None


class Objective(_M):
    kind: Literal["product_share", "volume"] = "product_share"
    why: str | None = None
    why_zh: str | None = None


class Scenario(_M):
    """A scenario, as loaded (after `extends`). `where(loc)` gives the file and line of a field."""

    name: Id
    title: Text
    description: Text
    extends: str | None = None
    as_of: str
    motivated_by: list[str] = []
    home_country: str = "russia"
    objective: Objective = Objective()
    probabilities: Probabilities = Probabilities()
    materials: dict[str, list[str]] = {}
    tool_items: list[str] = []
    claim_roles: dict[str, Literal["coverage", "domestic_supply_share"]] = {}
    assumptions: list[Assumption] = []
    assumed_arcs: list[AssumedArc] = []
    assumed_sources: list[AssumedSource] = []
    remove: list[Removal] = []
    close_channels: list[Closure] = []
    capacity_multipliers: list[Multiplier] = []
    cost_shocks: list[CostShock] = []
    floors: list[Floor] = []

    _where: Any = PrivateAttr(default=None)
    _path: Path | None = PrivateAttr(default=None)

    # -- where things were written ---------------------------------------------------
    @property
    def path(self) -> Path | None:
        return self._path

    def where(self, *loc) -> str:
        """`file:line` of a field (by key/index path), for error messages."""
        if self._where is None:
            return str(self._path or self.name)
        file, line = self._where.locate(tuple(loc))
        return f"{file}:{line}" if line else str(file)

    def error(self, loc: tuple, message: str) -> ChipwatchError:
        return ChipwatchError(f"{self.where(*loc)}: {message}")

    # -- views -----------------------------------------------------------------------
    def assumption(self, name: str) -> Assumption | None:
        return self._by_name().get(name)

    def _by_name(self) -> dict[str, Assumption]:
        return {a.name: a for a in self.assumptions}

    def assumption_index(self, name: str) -> int:
        return next(i for i, a in enumerate(self.assumptions) if a.name == name)

    @property
    def has_interventions(self) -> bool:
        return bool(self.remove or self.close_channels or self.capacity_multipliers or self.cost_shocks)

    def to_dict(self) -> dict:
        """The scenario as JSON-able data (what `chipwatch scenario show` prints)."""
        out = self.model_dump(by_alias=True, exclude_none=True)
        out["file"] = str(self._path) if self._path else None
        return out


# -- loading ----------------------------------------------------------------------------

@dataclass
class _Where:
    """Maps a field path of the merged document to the file and node it came from."""

    key_files: dict[str, Path]
    key_docs: dict[str, Any]
    item_origin: dict[str, list[tuple[Path, Any]]]  # merged lists: per item (file, node)
    dict_origin: dict[str, dict[str, tuple[Path, Any]]]  # merged mappings: per key (file, parent node)

    def locate(self, loc: tuple) -> tuple[Path, int]:
        if not loc:
            file = next(iter(self.key_files.values()), Path("?"))
            return file, 1
        top = loc[0]
        if top in self.item_origin and len(loc) > 1 and isinstance(loc[1], int):
            items = self.item_origin[top]
            if 0 <= loc[1] < len(items):
                file, node = items[loc[1]]
                return file, line_of(node, tuple(loc[2:])) or getattr(node, "line", 0)
        if top in self.dict_origin and len(loc) > 1 and loc[1] in self.dict_origin[top]:
            file, node = self.dict_origin[top][loc[1]]
            return file, line_of(node, tuple(loc[1:]))
        file = self.key_files.get(top) or next(iter(self.key_files.values()), Path("?"))
        doc = self.key_docs.get(top)
        return file, line_of(doc, loc) if doc is not None else 1


_MERGED_LISTS = {"assumptions": "name", "assumed_arcs": "id", "assumed_sources": "id"}
_MERGED_DICTS = ("probabilities", "materials", "claim_roles")
_NOT_INHERITED = {"name", "title", "description", "extends", "motivated_by", "remove", "close_channels",
                  "capacity_multipliers", "cost_shocks", "floors"}


def _exists(path: Path) -> bool:
    """Whether `path` exists; a name the file system cannot hold (too long, a NUL byte) does not."""
    try:
        return path.exists()
    except (OSError, ValueError):
        return False


def _resolve_file(name_or_path: str, relative_to: Path | None = None) -> Path:
    bundled = BUNDLED / f"{name_or_path}.yaml"
    if re.fullmatch(r"[a-z0-9][a-z0-9-]*", name_or_path) and _exists(bundled):
        return bundled
    path = Path(name_or_path)
    if relative_to is not None and not path.is_absolute():
        candidate = relative_to.parent / path
        if _exists(candidate):
            return candidate
    if _exists(path):
        return path
    names = ", ".join(bundled_names())
    raise ChipwatchError(f"no scenario '{excerpt(name_or_path, 60)}': not a bundled scenario ({names}) nor a file")


def bundled_names() -> list[str]:
    return sorted(p.stem for p in BUNDLED.glob("*.yaml"))


def _read(path: Path) -> LineDict:
    doc = read_yaml(path)
    if not isinstance(doc, LineDict):
        kind = type(doc).__name__ if doc is not None else "an empty file"
        raise ChipwatchError(f"{path}:1: a scenario file is a mapping (name, title, as_of, …), got {kind}")
    return doc


def _merge(path: Path, seen: tuple[Path, ...] = ()) -> tuple[dict, _Where]:
    """The document at `path` merged over what it extends, with the origin of every field."""
    doc = _read(path)
    where = _Where({}, {}, {}, {})
    merged: dict = {}
    parent = doc.get("extends")
    if parent is not None:
        if not isinstance(parent, str):
            raise ChipwatchError(f"{path}:{line_of(doc, ('extends',))}: extends must name a scenario — a bundled name or a file path")
        try:
            parent_path = _resolve_file(parent, relative_to=path)
        except ChipwatchError as exc:
            raise ChipwatchError(f"{path}:{line_of(doc, ('extends',))}: {exc}") from None
        if parent_path.resolve() in seen or parent_path.resolve() == path.resolve():
            raise ChipwatchError(f"{path}:{line_of(doc, ('extends',))}: extends '{parent}' loops back to this file — extend a different scenario")
        pdoc, pwhere = _merge(parent_path, (*seen, path.resolve()))
        for key, value in pdoc.items():
            if key in _NOT_INHERITED:
                continue
            merged[key] = value
            if key in pwhere.key_files:
                where.key_files[key] = pwhere.key_files[key]
                where.key_docs[key] = pwhere.key_docs[key]
            if key in pwhere.item_origin:
                where.item_origin[key] = list(pwhere.item_origin[key])
            if key in pwhere.dict_origin:
                where.dict_origin[key] = dict(pwhere.dict_origin[key])
    for key, value in doc.items():
        if key in _MERGED_LISTS and isinstance(value, list) and isinstance(merged.get(key), list):
            ident = _MERGED_LISTS[key]
            items = list(merged[key])
            origin = list(where.item_origin.get(key, [(where.key_files.get(key, path), None)] * len(items)))
            index = {it.get(ident): i for i, it in enumerate(items) if isinstance(it, dict)}
            for j, item in enumerate(value):
                node = item if isinstance(item, LineDict) else None
                entry = (path, node if node is not None else _LineAt(line_of(doc, (key, j))))
                if isinstance(item, dict) and item.get(ident) in index:
                    i = index[item.get(ident)]
                    items[i], origin[i] = item, entry
                else:
                    items.append(item)
                    origin.append(entry)
            merged[key] = items
            where.item_origin[key] = origin
            continue
        if key in _MERGED_DICTS and isinstance(value, dict) and isinstance(merged.get(key), dict):
            combined = dict(merged[key])
            origin = dict(where.dict_origin.get(key, {}))
            for k, v in value.items():
                if key == "probabilities" and k == "claims" and isinstance(v, dict) and isinstance(combined.get(k), dict):
                    combined[k] = {**combined[k], **v}
                else:
                    combined[k] = v
                origin[k] = (path, value)
            merged[key] = combined
            where.dict_origin[key] = origin
            continue
        merged[key] = value
        where.key_files[key] = path
        where.key_docs[key] = doc
        if isinstance(value, list):
            where.item_origin[key] = [(path, v if isinstance(v, LineDict) else _LineAt(line_of(doc, (key, j))))
                                      for j, v in enumerate(value)]
        where.dict_origin.pop(key, None)
        if isinstance(value, dict) and key in _MERGED_DICTS:
            where.dict_origin[key] = {k: (path, value) for k in value}
    for key in merged:
        where.key_files.setdefault(key, path)
        where.key_docs.setdefault(key, doc)
    return merged, where


class _LineAt:
    """A stand-in node for a scalar list item: only its line is known."""

    def __init__(self, line: int):
        self.line = line


def _describe(err: dict) -> str:
    loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith(("function-", "constrained-")))]
    kind = err["type"]
    if kind == "extra_forbidden":
        field = loc[-1] if loc else "?"
        model = _model_at(loc[:-1])
        allowed = ", ".join(f.alias or n for n, f in model.model_fields.items()) if model else "see docs"
        return f"unknown key '{field}' — known keys here: {allowed}"
    if kind == "missing":
        return f"missing key '{loc[-1]}' — add it"
    msg = err["msg"].removeprefix("Value error, ")
    got = err.get("input")
    shown = f" (got {got!r})" if isinstance(got, (str, int, float)) and not isinstance(got, bool) and len(repr(got)) < 60 else ""
    what = ".".join(str(p) for p in loc) or "scenario"
    return f"{what}: {msg}{shown}"


_LIST_MODELS = {"assumptions": Assumption, "assumed_arcs": AssumedArc, "assumed_sources": AssumedSource,
                "remove": Removal, "close_channels": Closure, "capacity_multipliers": Multiplier,
                "cost_shocks": CostShock, "floors": Floor}
_DICT_MODELS = {"title": Text, "description": Text, "objective": Objective, "probabilities": Probabilities}


def _model_at(loc: list) -> type[BaseModel] | None:
    if not loc:
        return Scenario
    if loc[0] in _LIST_MODELS and len(loc) == 2:
        return _LIST_MODELS[loc[0]]
    if loc[0] in _DICT_MODELS and len(loc) == 1:
        return _DICT_MODELS[loc[0]]
    return None


def _item_loc(where: _Where, loc: tuple) -> str:
    file, line = where.locate(loc)
    return f"{file}:{line}"


def load_scenario(name_or_path: str | Path) -> Scenario:
    """A bundled scenario by name (`baseline`, `smic-stops`, …) or a YAML file; every
    problem raises ChipwatchError with `file:line: what is wrong — what would be right`."""
    path = _resolve_file(str(name_or_path))
    merged, where = _merge(path)
    for key, value in merged.items():  # list sections must be lists before pydantic sees them
        if key in _LIST_MODELS and value is not None and not isinstance(value, list):
            raise ChipwatchError(f"{_item_loc(where, (key,))}: '{key}' must be a list (lines starting with '- ')")
    if isinstance(merged.get("close_channels"), list):  # `- kazakhstan` is short for {country: kazakhstan}
        merged["close_channels"] = [{"country": c, "why": "closed by the scenario"} if isinstance(c, str) else c
                                    for c in merged["close_channels"]]
    try:
        scenario = Scenario.model_validate(merged)
    except ValidationError as exc:
        errs = sorted(exc.errors(), key=lambda e: where.locate(tuple(e["loc"]))[1])
        err = errs[0]
        raise ChipwatchError(f"{_item_loc(where, tuple(err['loc']))}: {_describe(err)}") from None
    scenario._where = where
    scenario._path = path
    _check(scenario)
    return scenario


def _check(sc: Scenario) -> None:
    """Checks that need no store: dates, probabilities, assumption names, units and bounds."""
    try:
        PartialDate.parse(sc.as_of)
    except ValueError as exc:
        raise sc.error(("as_of",), f"as_of: {exc}") from None
    probs = sc.probabilities
    for status in STATUSES:
        p = getattr(probs, status)
        if p is not None and not 0 <= p <= 1:
            raise sc.error(("probabilities", status), f"probability {p:g} for '{status}' claims is not a probability — use a number from 0 to 1")
    for cid, p in probs.claims.items():
        if not 0 <= p <= 1:
            raise sc.error(("probabilities", "claims"), f"probability {p:g} for claim '{cid}' is not a probability — use a number from 0 to 1")
    for i, arc in enumerate(sc.assumed_arcs):
        if not 0 <= arc.probability <= 1:
            raise sc.error(("assumed_arcs", i, "probability"), f"probability {arc.probability:g} of assumed arc '{arc.id}' is above 1 or below 0 — use a number from 0 to 1")
        if arc.efficiency is not None and arc.efficiency < 0:
            raise sc.error(("assumed_arcs", i, "efficiency"), f"efficiency {arc.efficiency:g} of assumed arc '{arc.id}' is negative — use 0 or more (1 = as good as the reference)")
    for i, src in enumerate(sc.assumed_sources):
        if not 0 <= src.probability <= 1:
            raise sc.error(("assumed_sources", i, "probability"), f"probability {src.probability:g} of assumed source '{src.id}' is not a probability — use a number from 0 to 1")
    seen: dict[str, int] = {}
    for i, a in enumerate(sc.assumptions):
        fam = family(a.name)
        if fam is None:
            raise sc.error(("assumptions", i, "name"), f"unknown assumption name '{excerpt(a.name)}' — names look like {_FAMILY_HINT}")
        kind, unit, (lo, hi), _ = fam
        if a.name in seen:
            raise sc.error(("assumptions", i, "name"), f"assumption '{a.name}' is given twice — keep one")
        seen[a.name] = i
        if kind == "shares":
            if a.shares is None:
                raise sc.error(("assumptions", i), f"assumption '{a.name}' gives end-use `shares` (e.g. {{military: 0.8, civil: 0.2}}), not a value")
            for sector, share in a.shares.items():
                if sector not in SECTORS:
                    raise sc.error(("assumptions", i, "shares"), f"'{sector}' in {a.name} is not an end use — use one of {', '.join(SECTORS)}")
                if not 0 <= share <= 1:
                    raise sc.error(("assumptions", i, "shares"), f"share {share:g} for {sector} in {a.name} is not a share — use 0 to 1")
            if sum(a.shares.values()) > 1 + 1e-9:
                raise sc.error(("assumptions", i, "shares"), f"shares in {a.name} add up to {sum(a.shares.values()):g} — they must add up to 1 or less")
            continue
        if a.shares is not None:
            raise sc.error(("assumptions", i, "shares"), f"assumption '{a.name}' takes a value or a range, not shares")
        for field in ("value", "min", "max", "mode"):
            v = getattr(a, field)
            if v is None:
                continue
            if v < lo:
                what = "capacity" if a.name.startswith("capacity.") else "value"
                raise sc.error(("assumptions", i, field), f"negative {what} {v:g} for {a.name} — use {lo:g} or more" if v < 0 else
                               f"{field} {v:g} for {a.name} is below {lo:g} — use {lo:g} or more")
            if v > hi:
                raise sc.error(("assumptions", i, field), f"{field} {v:g} for {a.name} is above {hi:g} — it is a share, use {lo:g} to {hi:g}")
        _check_unit(sc, i, a, unit)
    for i, m in enumerate(sc.capacity_multipliers):
        if m.low < 0:
            raise sc.error(("capacity_multipliers", i), f"negative capacity multiplier {m.low:g} for {m.entity} — use 0 (cut) or more")
    for i, s in enumerate(sc.cost_shocks):
        if s.low <= -100:
            raise sc.error(("cost_shocks", i), f"a currency change of {s.low:g}% is impossible — it must be above -100")
    names = [a.id for a in sc.assumed_arcs] + [s.id for s in sc.assumed_sources]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise sc.error(("assumed_arcs",), f"id '{sorted(dup)[0]}' is used twice in assumed_arcs/assumed_sources — ids must be unique")


MAX_UNIT = 200  # characters in a unit; longer ones are not parsed (pint is slow on them)


def _check_unit(sc: Scenario, i: int, a: Assumption, unit: str | None) -> None:
    if a.unit and len(a.unit) > MAX_UNIT:
        raise sc.error(("assumptions", i, "unit"), f"a unit of {len(a.unit):,} characters — write it in at most {MAX_UNIT}, "
                                                   "e.g. wafer_200mm/month")
    if unit is None:
        if a.unit not in DIMENSIONLESS_UNITS:
            try:
                ok = parse_unit(a.unit).dimensionless
            except Exception:  # noqa: BLE001 - pint raises several kinds (tokenize errors too); all mean "not a unit"
                ok = False
            if not ok:
                raise sc.error(("assumptions", i, "unit"), f"unit '{excerpt(a.unit)}' for {excerpt(a.name)} — this is a pure number: write unit: {'share' if a.name.startswith(('coverage', 'partner_loss')) else 'ratio'}")
        return
    try:
        factor = unit_factor_of(a.unit, unit)
    except Exception:  # noqa: BLE001 - pint raises several kinds; all mean "wrong unit"
        raise sc.error(("assumptions", i, "unit"), f"unit '{excerpt(a.unit)}' for {excerpt(a.name)} does not convert to {unit} — write it in {unit} (or e.g. wafer_150mm/month)") from None
    a._factor = factor


def unit_factor(a: Assumption) -> float:
    """Factor from the assumption's unit to its family's canonical unit (1 if none)."""
    return a._factor


def with_values(sc: Scenario, values: dict[str, float]) -> Scenario:
    """The scenario with some assumptions fixed at a value (as the explorer edits them), in
    each assumption's own unit; unknown names, end-use shares and negative values are errors."""
    by_name = {a.name: a for a in sc.assumptions}
    for name, value in values.items():
        a = by_name.get(name)
        if a is None:
            raise ChipwatchError(f"assumption '{name}': not in scenario {sc.name}; "
                                 f"it has {', '.join(x.name for x in sc.assumptions if x.shares is None)}")
        if a.shares is not None:
            raise ChipwatchError(f"assumption '{name}': gives end-use shares, not a value; edit the scenario file")
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not value >= 0 or value == float("inf"):
            raise ChipwatchError(f"assumption '{name}': {value!r} is not a number 0 or more (in {a.unit})")
    out = sc.model_copy(update={"assumptions": [
        a.model_copy(update={"value": float(values[a.name]), "min": None, "max": None, "mode": None, "dist": None,
                             **_set_in_run(a, float(values[a.name]))})
        if a.name in values else a for a in sc.assumptions]})
    out._path, out._where = sc._path, sc._where
    return out


def _set_in_run(a: Assumption, value: float) -> dict:
    """The reasons of an assumption the explorer set: the value for this run, and the file's reason."""
    from chipwatch.scenarios.words import unit_name

    msg = Msg("scenario.set_in_run", v=value, unit=unit_name(a.unit), why=Name(a.why, a.why_zh))
    return {"why": msg.text("en"), "why_zh": msg.text("zh-TW")}


def list_scenarios() -> list[dict]:
    """The bundled scenarios: name, title and description (en, and zh-Hant where given)."""
    out = []
    for name in bundled_names():
        doc = _read(BUNDLED / f"{name}.yaml")
        title, desc = doc.get("title") or {}, doc.get("description") or {}
        out.append({
            "name": name,
            "title": str(title.get("en", "")).strip(),
            "description": " ".join(str(desc.get("en", "")).split()),
            "title_zh-Hant": str(title.get("zh-Hant", "")).strip() or None,
            "description_zh-Hant": "".join(str(desc.get("zh-Hant", "")).split()) or None,
            "as_of": doc.get("as_of") or _inherited_as_of(doc),
        })
    return out


def _inherited_as_of(doc: dict) -> str | None:
    parent = doc.get("extends")
    if isinstance(parent, str) and (BUNDLED / f"{parent}.yaml").exists():
        pdoc = _read(BUNDLED / f"{parent}.yaml")
        return pdoc.get("as_of") or _inherited_as_of(pdoc)
    return None


__all__ = ["Scenario", "Assumption", "load_scenario", "list_scenarios", "bundled_names", "with_values"]
