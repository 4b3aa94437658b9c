"""Response models of the REST and yente routes, so /openapi.json types every 200 answer
(and clients generated from it are typed). They document what the routes return; each
allows further fields, so an answer that grows a field stays valid."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Open(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


def ok(model: Any, description: str = "OK") -> dict:
    """`responses=` entry declaring the 200 answer's model."""
    return {200: {"model": model, "description": description}}


# --- the knowledge graph ---------------------------------------------------------------------

class Evidence(Open):
    source: str
    locator: str | None = None
    quote: str | None = Field(None, description="verbatim from the source")
    translation: str | None = None


class Claim(Open):
    id: str
    subject: str
    predicate: str
    object: str | None = None
    value: Any = None
    unit: str | None = None
    approx: bool | None = None
    as_written: str | None = None
    qualifiers: dict[str, Any] = Field(default_factory=dict)
    valid_from: str | None = None
    valid_to: str | None = None
    status: str = Field(description="fact, reported, speculated, planned or disputed")
    tags: list[str] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)


class Name(Open):
    name: str
    lang: str | None = None
    kind: str | None = None


class Identifier(Open):
    scheme: str
    value: str
    source: str | None = None
    locator: str | None = None
    quote: str | None = None


class ListMatch(Open):
    list_: str | None = Field(None, alias="list")
    version: str | None = None
    date: str | None = None
    list_id: str | None = None
    caption: str | None = None
    schema_: str | None = Field(None, alias="schema")
    programs: list[str] = Field(default_factory=list)


class EntityView(Open):
    id: str
    type: str
    country: str | None = None
    label_en: str | None = None
    label_zh: str | None = None
    note: str | None = None
    names: list[Name] = Field(default_factory=list)
    identifiers: list[Identifier] = Field(default_factory=list)
    lists: list[ListMatch] = Field(default_factory=list)
    sanctions_status: str | None = None
    ownership: Any = None
    as_of: str | None = None
    claims: list[Claim] = Field(default_factory=list)


class SearchHit(Open):
    entity_id: str
    label_en: str | None = None
    label_zh: str | None = None
    type: str | None = None
    name: str | None = None
    score: float | None = None


class TimelineEvent(Open):
    date: str | None = None
    event: str | None = None
    claim_id: str
    subject: str
    predicate: str
    object: str | None = None
    value_json: str | None = None
    unit: str | None = None
    status: str
    via: str | None = None
    relation: str | None = None


class Designation(Open):
    subject: str
    authority: str
    claims: list[str] = Field(default_factory=list)
    statuses: list[str] = Field(default_factory=list)
    claimed: list[str | None] = Field(default_factory=list)
    programs: list[Any] = Field(default_factory=list)
    list_id: str | None = None
    listed_on: str | None = None
    not_listed_on: str | None = None
    conflict: str | None = None
    date: str | None = None


class Node(Open):
    id: str
    type: str | None = None
    label_en: str | None = None
    label_zh: str | None = None


class Edge(Open):
    subject: str
    predicate: str
    object: str
    claim: str
    status: str


class Neighbourhood(Open):
    nodes: list[Node]
    edges: list[Edge]
    nodes_left_out: int


class Step(Open):
    claim: str | None = None
    predicate: str | None = None
    status: str | None = None
    subject: str | None = None
    subject_label: str | None = None
    object: str | None = None
    object_label: str | None = None


class Trace(Open):
    product: str
    label: str | None = None
    as_of: str | None = None
    design: list[Step] = Field(default_factory=list)
    architecture: list[Step] = Field(default_factory=list)
    fabrication: list[Step] = Field(default_factory=list)
    equipment_and_materials: list[Step] = Field(default_factory=list)
    domestic_materials: list[Step] = Field(default_factory=list)
    eto_inputs: list[dict[str, Any]] = Field(default_factory=list)
    channels: list[Step] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list)


class Finding(Open):
    kind: str
    subject: str
    sentence: str
    score: float | None = None
    reason: str | None = None
    claims: list[str] = Field(default_factory=list)
    details: dict[str, Any] = Field(default_factory=dict)
    rank: int | None = None


class DependencyLine(Open):
    stage: str | None = None
    item: str | None = None
    providers: list[str] = Field(default_factory=list)
    consumers: list[str] = Field(default_factory=list)
    claims: list[str] = Field(default_factory=list)
    statuses: list[str] = Field(default_factory=list)
    evidence: list[dict[str, Any]] = Field(default_factory=list)


class Dependencies(Open):
    country: str
    on: str
    as_of: str | None = None
    lines: list[DependencyLine]


class Gap(Open):
    kind: str = Field(description="node or purity")
    subject: str
    label: str | None = None
    best: str | None = None
    leading: str | None = None
    years_behind: float | None = None
    sentence: str
    claims: list[str] = Field(default_factory=list)
    reference_claims: list[str] = Field(default_factory=list)
    as_of: str | None = None
    country: str | None = None


class CheckFinding(Open):
    kind: str
    severity: str = Field(description="error, warning or info")
    message: str
    claims: list[str] = Field(default_factory=list)
    details: dict[str, Any] = Field(default_factory=dict)


class ScenarioSummary(Open):
    name: str
    title: str | None = None
    description: str | None = None
    as_of: str | None = None


class Scenario(Open):
    name: str
    title: dict[str, str] | str | None = None
    description: dict[str, str] | str | None = None
    as_of: str | None = None
    assumptions: list[dict[str, Any]] = Field(default_factory=list)


class ScenarioResult(Open):
    scenario: dict[str, Any]
    assumptions: list[dict[str, Any]] = Field(default_factory=list)
    headline: list[str] = Field(default_factory=list)
    montecarlo: dict[str, Any] | None = None
    point: dict[str, Any] | None = None


class ListVersion(Open):
    id: str
    kind: str
    date: str | None = None
    imported_at: str | None = None
    entries: int | None = None


class ScreenHits(Open):
    id: str
    query: str
    hits: list[dict[str, Any]]


class Screening(Open):
    lists: list[ListVersion]
    warnings: list[str]
    results: list[ScreenHits]


class Source(Open):
    id: str
    title: str
    author: str | None = None
    publisher: str | None = None
    date: str | None = None
    language: str | None = None
    kind: str | None = None
    url: str | None = None
    claims: int | None = Field(None, description="how many claims it supports (in the list of sources)")


class SourceView(Open):
    source: Source
    claims: list[Claim]


class Imported(Open):
    version: str
    entries: int
    names: int | None = None
    relations: int | None = None
    skipped: int | None = None
    skipped_examples: list[str] = Field(default_factory=list)


# --- yente's contract --------------------------------------------------------------------------

class YenteEntity(Open):
    id: str
    caption: str
    schema_: str = Field(alias="schema")
    properties: dict[str, list[Any]]
    datasets: list[str] = Field(default_factory=list)
    referents: list[str] = Field(default_factory=list)
    target: bool | None = None
    first_seen: str | None = None
    last_seen: str | None = None
    last_change: str | None = None


class ScoredEntity(YenteEntity):
    score: float
    match: bool
    features: dict[str, float] = Field(default_factory=dict)
    explanations: dict[str, Any] = Field(default_factory=dict)


class Total(Open):
    value: int
    relation: str


class MatchResult(Open):
    status: int
    results: list[ScoredEntity]
    total: Total
    query: dict[str, Any]


class MatchResponse(Open):
    responses: dict[str, MatchResult]
    limit: int


class SearchResponse(Open):
    results: list[YenteEntity]
    total: Total
    limit: int
    offset: int
    facets: dict[str, Any] = Field(default_factory=dict)


class Catalog(Open):
    datasets: list[dict[str, Any]]
    current: list[str]
    outdated: list[str]
    index_stale: bool


class Algorithms(Open):
    algorithms: list[dict[str, Any]]
    default: str
    best: str


class Status(Open):
    status: str
