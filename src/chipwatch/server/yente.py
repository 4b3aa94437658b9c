"""yente's HTTP contract (yente 5.5), so existing yente clients — nomenklatura's
YenteEnricher, OpenSanctions' notebooks, compliance tools — work against chipwatch
unchanged: `POST /match/{dataset}`, `GET /search/{dataset}`, `GET /entities/{id}`,
`GET /catalog`, `GET /algorithms`, `GET /healthz`, `GET /readyz`. Errors are
`{"detail": ...}`. Entities are FollowTheMoney-shaped (every property a list, only
properties the schema has); each result also carries chipwatch's own verdict under
`chipwatch` (reason, review, list version and date, ownership chain, claims), which
yente's models ignore.

Datasets are the list kinds imported (`ofac`, `un`, `bis`, `ftm`) and `default` (all of
them); an entity's id is `<kind>-<list id>` (FtM entities keep their own id), for the
newest version of that list that holds it.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Request
from fastapi import Query as Param
from pydantic import BaseModel, ConfigDict, Field

from chipwatch import __version__
from chipwatch.screening.lists.model import ListEntry
from chipwatch.server import models as M  # noqa: N812

MAX_BATCH = 100  # queries in one /match request (yente's default)
MAX_MATCHES = 500  # yente's MAX_MATCHES
MAX_VALUE = 1000  # characters in one property value
MAX_VALUES = 50  # values of one property in one query
MAX_NAMES = 500  # names in one request, all queries together
MAX_EXCLUDE = 50
TS_PATTERN = r"^\d{4}-\d{2}-\d{2}(T\d{2}(:\d{2}(:\d{2})?)?)?$"
ALGORITHM = "chipwatch"
RISKS = {"sanction", "sanction.linked", "sanction.counter", "export.control", "debarment", "crime", "wanted",
         "role.pep", "poi"}
MATCHABLE = {"Airplane", "LegalEntity", "Organization", "Company", "BankAccount", "Security", "Vessel", "PublicBody",
             "UserAccount", "CryptoWallet", "Address", "Vehicle", "Territory", "Position", "Person", "Thing"}
KNOWN = MATCHABLE | {"Sanction", "Ownership", "Directorship", "Family", "Passport", "Asset", "Interval", "Interest",
                     "Associate", "Representation", "Membership", "Employment", "Occupancy", "Note", "Event"}
NAME_PROPS = ("name", "alias", "previousName", "weakAlias")
PART_PROPS = ("firstName", "secondName", "middleName", "fatherName", "motherName", "lastName")
COUNTRY_PROPS = ("country", "jurisdiction", "nationality", "citizenship", "mainCountry", "registrationCountry")
ID_PROPS = {"innCode": "inn", "ogrnCode": "ogrn", "leiCode": "lei", "imoNumber": "imo", "registrationNumber": "registration",
            "taxNumber": "tax", "swiftBic": "swift", "idNumber": "id", "passportNumber": "passport"}
NAME_KINDS = {"primary": "name", "legal": "name", "aka": "alias", "fka": "previousName", "weak": "weakAlias"}
# Properties chipwatch writes, by schema (FollowTheMoney 4; a test checks them against it).
_PARTY = ["name", "alias", "previousName", "weakAlias", "country", "topics", "notes", "address", "program", "innCode",
          "ogrnCode", "leiCode", "registrationNumber", "taxNumber", "swiftBic", "idNumber"]
PROPERTIES = {"LegalEntity": _PARTY, "Organization": [*_PARTY, "imoNumber"], "Company": [*_PARTY, "imoNumber"],
              "PublicBody": [*_PARTY, "imoNumber"], "Person": [*_PARTY, "birthDate"],
              "Vessel": ["name", "alias", "previousName", "weakAlias", "country", "topics", "notes", "address", "program",
                         "registrationNumber", "imoNumber"],
              "Airplane": ["name", "alias", "previousName", "weakAlias", "country", "topics", "notes", "address", "program",
                           "registrationNumber"]}
SCHEMES = {"inn": "innCode", "ogrn": "ogrnCode", "lei": "leiCode", "imo": "imoNumber", "registration": "registrationNumber",
           "tax": "taxNumber", "swift": "swiftBic"}
FEATURES = {  # explanation features and what they weigh (see chipwatch.screening.matcher)
    "name_match": ("the best pair of name forms (words paired exactly, by edit distance, as one given name, or joined)", 1.0),
    "identifier_match": ("an identifier (INN, OGRN, LEI, IMO, …) shared with the entry: the score is at least 0.98", 0.98),
    "identifier_mismatch": ("identifiers of one scheme on both sides, none equal: x0.75", -0.25),
    "weak_alias_match": ("the name matched is a weak alias: x0.9", -0.1),
    "rests_on_little": ("only common words pair (at most 0.6), one word pairs and others are left over (0.8), "
                        "or the names are made of common words (0.85)", -0.2),
    "dob_match": ("birth dates agree (same day: halfway to 1; same year: a fifth of the way)", 0.5),
    "dob_day_disjoint": ("same birth year, another day: -0.25", -0.25),
    "dob_year_disjoint": ("birth years more than a year apart: -0.4 (a veto)", -0.4),
    "country_match": ("a country shared with the entry: +0.03", 0.03),
    "country_mismatch": ("countries on both sides, none shared: -0.1", -0.1),
    "knowledge_graph": ("found through the knowledge graph's party: at most the query's score against the graph", 1.0),
    "ownership": ("owned 50 % or more by listed parties (or in unknown shares: review)", 1.0),
    "review_band": ("a score below the review band: the hit is `review`, not `listed`", 0.0),
    "kb_claim": ("the knowledge graph's sourced sanctioned_by claim, where no list version screened holds the party", 1.0),
}


# --- requests --------------------------------------------------------------------------------

class EntityExample(BaseModel):
    """yente's EntityExample: a schema and properties (a string or a list of values each)."""

    model_config = ConfigDict(populate_by_name=True, allow_inf_nan=False)
    id: str | None = Field(None, max_length=200)
    schema_: str = Field(..., alias="schema", max_length=100)
    properties: dict[str, str | list[Any]] = Field(default_factory=dict, max_length=100)


class MatchRequest(BaseModel):
    model_config = ConfigDict(allow_inf_nan=False)
    queries: dict[str, EntityExample] = Field(...)
    weights: dict[str, float] = Field(default_factory=dict, max_length=50)
    config: dict[str, str | int | float | bool | None] = Field(default_factory=dict, max_length=50)


def _values(example: EntityExample, prop: str) -> list[str]:
    raw = example.properties.get(prop)
    if raw is None:
        return []
    items = [raw] if isinstance(raw, str) else raw
    out = []
    for v in items:
        if v is None or isinstance(v, dict | list):
            continue
        text = str(v).strip()
        if len(text) > MAX_VALUE:
            raise HTTPException(400, f"properties.{prop}: a value of {len(text):,} characters; at most {MAX_VALUE:,}")
        if not text.isascii() and not _encodes(text):
            raise HTTPException(400, f"properties.{prop}: a value that is not Unicode text (a lone surrogate escape)")
        if text:
            out.append(text)
    if len(out) > MAX_VALUES:
        raise HTTPException(400, f"properties.{prop}: {len(out)} values; at most {MAX_VALUES}")
    return out


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def to_query(qid: str, example: EntityExample):
    """A chipwatch Query from a yente example, and the example's cleaned properties (the
    echo yente sends back: lists, countries as codes, names made from name parts)."""
    from chipwatch.screening.dates import normalise
    from chipwatch.screening.lists.text import country_code
    from chipwatch.screening.matcher import Query, person_names

    schema = example.schema_
    if schema not in KNOWN:
        raise HTTPException(400, f"Cannot parse example entity: Unknown schema: '{schema}'")
    if schema not in MATCHABLE:
        raise HTTPException(400, f"Cannot parse example entity: Non-matchable schema for query: {schema}")
    cleaned: dict[str, list[str]] = {}
    for prop in example.properties:
        if vals := _values(example, prop):
            cleaned[prop] = vals
    names = [n for p in NAME_PROPS for n in cleaned.get(p, [])]
    if not names and any(cleaned.get(p) for p in PART_PROPS):
        made = person_names(cleaned.get("firstName", []) + cleaned.get("secondName", []), cleaned.get("lastName", []),
                            cleaned.get("middleName", []), cleaned.get("fatherName", []) + cleaned.get("motherName", []))
        cleaned["alias"] = made
        names = made
    countries = [c for c in dict.fromkeys(country_code(x) for p in COUNTRY_PROPS for x in cleaned.get(p, [])) if c]
    for p in COUNTRY_PROPS:
        if p in cleaned:
            cleaned[p] = [c for c in (country_code(x) for x in cleaned[p]) if c]
    ids = {scheme: cleaned[p] for p, scheme in ID_PROPS.items() if cleaned.get(p)}
    births = [d for d in (normalise(v) for v in cleaned.get("birthDate", [])) if d]
    query = Query(names=names, schema=None if schema in ("LegalEntity", "Thing") else schema, countries=countries or None,
                  identifiers=ids or None, birth_dates=births or None)
    return query, {"id": example.id, "schema": schema, "properties": cleaned}


# --- responses --------------------------------------------------------------------------------

def entity_id(kind: str, list_id: str) -> str:
    return list_id if kind == "ftm" else f"{kind}-{list_id}"


def split_id(eid: str, kinds: list[str]) -> tuple[str, str]:
    for kind in sorted(kinds, key=len, reverse=True):
        if kind != "ftm" and eid.startswith(kind + "-"):
            return kind, eid[len(kind) + 1:]
    return "ftm", eid


def ftm_schema(schema: str) -> str:
    return schema if schema in PROPERTIES else "LegalEntity"


def properties(entry: dict, schema: str, topics: list[str]) -> dict[str, list[str]]:
    """A list entry's FollowTheMoney properties (only those the schema has)."""
    allowed = set(PROPERTIES[schema])
    out: dict[str, list[str]] = {}

    def add(prop: str, values) -> None:
        if prop in allowed:
            for v in values:
                if v and v not in out.setdefault(prop, []):
                    out[prop].append(str(v))

    for n in entry.get("names", []):
        add(NAME_KINDS.get(n["kind"], "alias"), [n["name"]])
    add("country", entry.get("countries", []))
    add("topics", topics)
    add("program", entry.get("programs", []))
    add("address", entry.get("addresses", []))
    add("birthDate", [d for d in entry.get("birth_dates", []) if "/" not in d])
    for scheme, values in (entry.get("identifiers") or {}).items():
        add(SCHEMES.get(scheme, "idNumber"), values)
    if entry.get("remarks"):
        add("notes", [entry["remarks"]])
    return {k: v for k, v in out.items() if v}


def _iso(day: str | None) -> str | None:
    return f"{day[:10]}T00:00:00" if day else None


def features(hit) -> dict[str, dict]:
    """The hit's explanation as yente FeatureResults: {detail, score, query, candidate}."""
    ex = hit.explanation or {}
    out: dict[str, dict] = {}

    def f(name: str, score: float, detail: str | None, query: str | None = None, candidate: str | None = None) -> None:
        out[name] = {"detail": detail, "score": round(float(score), 4), "query": query, "candidate": candidate}

    if n := ex.get("name"):
        f("name_match", n["score"], f"'{n['query_form']}' ~ {n['entry_name_kind']} '{n['entry_form']}' ({n['how']})",
          n["query_name"], n["entry_name"])
        if n.get("weak_alias_factor", 1.0) < 1.0:
            f("weak_alias_match", 1.0, "the entry's name matched is a weak alias", n["query_name"], n["entry_name"])
        if n.get("rests_on"):
            from chipwatch.screening.matcher import RESTS

            f("rests_on_little", 1.0, RESTS[n["rests_on"]], n["query_name"], n["entry_name"])
    ids = ex.get("identifiers") or {}
    for i in ids.get("shared", []):
        f("identifier_match", 1.0, f"{i['scheme']} {i['value']}", i["value"], i["value"])
    if ids.get("differ"):
        f("identifier_mismatch", 1.0, ", ".join(f"{d['scheme']}: {d['query']} vs {d['entry']}" for d in ids["differ"]))
    if ident := ex.get("identifier"):
        f("identifier_match", 1.0, f"{ident['scheme']} {ident['value']} from the {ident.get('from', 'query')}")
    if (d := ex.get("birth_dates")) and d.get("effect"):
        name = {"same_day": "dob_match", "same_year": "dob_match", "day_differs": "dob_day_disjoint",
                "year_differs": "dob_year_disjoint"}[d["outcome"]]
        f(name, 1.0, f"birth dates {d['query']} vs {d['entry']}: {d['outcome'].replace('_', ' ')}")
    if (c := ex.get("countries")) and c.get("adjustment"):
        f("country_match" if c["adjustment"] > 0 else "country_mismatch", 1.0, f"{c['query']} vs {c['entry']}")
    if via := ex.get("via"):
        f("knowledge_graph", via.get("score", 1.0), f"through the knowledge graph's {via.get('kb_entity')}: {via.get('matched', '')}")
    if hit.chain:
        from chipwatch.screening.batch import chain_text

        f("ownership", 1.0 if hit.reason == "owned" else 0.5, chain_text(hit.chain))
    if hit.claims:
        c = hit.claims[0]
        quote = c["evidence"][0]["quote"] if c.get("evidence") else None
        f("kb_claim", 1.0, f"{c['id']}: sanctioned by {c['object_label']} ({c['status']}); {quote}")
    if any(r.startswith("score ") for r in hit.review):
        f("review_band", hit.score, next(r for r in hit.review if r.startswith("score ")))
    return out


def result(hit, threshold: float, seen: dict[tuple[str, str], tuple[str, str, str]]) -> dict:
    """A hit as yente's ScoredEntityResponse (plus `chipwatch`: its own verdict)."""
    schema = ftm_schema(hit.schema or ("Company" if hit.list == "kb" else "LegalEntity"))
    entry = hit.entry.to_dict() if hit.entry is not None else {}
    topics = list(dict.fromkeys([*(entry.get("topics") or []), *hit.topics]))
    props = properties(entry, schema, topics) if entry else {"name": [hit.name], "topics": topics}
    first, last, change = seen.get((hit.list, hit.list_id), (hit.list_date,) * 3)
    return {
        "id": entity_id(hit.list, hit.list_id), "caption": hit.name or hit.list_id, "schema": schema,
        "properties": props, "datasets": [hit.list], "referents": [], "target": bool(RISKS & set(topics)),
        "first_seen": _iso(first), "last_seen": _iso(last), "last_change": _iso(change),
        "score": hit.score, "match": hit.score >= threshold, "explanations": features(hit),
        "chipwatch": {"reason": hit.reason, "review": hit.review, "list_version": hit.version, "list_date": hit.list_date,
                      "entity": hit.entity, "chain": hit.chain, "claims": hit.claims,
                      "summary": (hit.explanation or {}).get("summary")},
    }


# First seen, last seen, last changed: over the imported versions of each list that hold an entry.
SEEN = """
WITH held AS (
  SELECT v.kind, e.list_id, v.date, e.record,
         lag(e.record) OVER (PARTITION BY v.kind, e.list_id ORDER BY v.date) AS before
  FROM list_entries e JOIN list_versions v ON v.id = e.version
  WHERE list_contains($keys, v.kind || chr(31) || e.list_id)
)
SELECT kind, list_id, min(date), max(date), max(CASE WHEN before IS NULL OR before <> record THEN date END)
FROM held GROUP BY kind, list_id
"""


def seen_dates(store, hits) -> dict[tuple[str, str], tuple[str, str, str]]:
    keys = sorted({f"{h.list}\x1f{h.list_id}" for h in hits if h.list != "kb"})
    if not keys:
        return {}
    return {(k, lid): (a, b, c) for k, lid, a, b, c in store.con.execute(SEEN, {"keys": keys}).fetchall()}


# --- the routes -------------------------------------------------------------------------------

def _kinds(store) -> list[str]:
    return [k for (k,) in store.con.execute("SELECT DISTINCT kind FROM list_versions ORDER BY kind").fetchall()]


def _scope(store, dataset: str, include: list[str], exclude: list[str]) -> list[str]:
    """The datasets a request reaches: list kinds, and `kb` (the knowledge graph's own
    evidence) within `default`."""
    kinds = _kinds(store)
    if dataset == "default":
        scope = [*kinds, "kb"]
    elif dataset in kinds:
        scope = [dataset]
    else:
        raise HTTPException(404, "No such dataset.")
    if include:
        scope = [k for k in scope if k in include]
    return [k for k in scope if k not in exclude]


def _keep(res: dict, exclude_schema: list[str], topics: list[str], changed_since: str | None, exclude_ids: set[str]) -> bool:
    if res["schema"] in exclude_schema or res["id"] in exclude_ids:
        return False
    if topics and not set(topics) & set(res["properties"].get("topics", [])):
        return False
    return not (changed_since and res["last_change"] and res["last_change"] <= changed_since)


ListParam = Annotated[list[str], Param(max_length=50)]


class Error(BaseModel):
    detail: str | list = Field(description="what is wrong; for 422, each invalid field")


ERRORS = {400: {"model": Error, "description": "a query yente would refuse"},
          404: {"model": Error, "description": "no such dataset or entity"},
          413: {"model": Error, "description": "the request body is too large"},
          422: {"model": Error, "description": "a parameter or the body does not fit its schema"}}


def router(state_of) -> APIRouter:
    api = APIRouter(tags=["yente"], responses=ERRORS)

    @api.post("/match/{dataset}", summary="Match entities against the imported lists (yente's /match)", responses=M.ok(M.MatchResponse))
    def match(request: Request, dataset: str, body: MatchRequest,
              limit: int = Param(5, ge=0, le=MAX_MATCHES), threshold: float = Param(0.7, ge=0, le=1),
              cutoff: float = Param(0.7, ge=0, le=1), algorithm: str = Param("best", max_length=50),
              include_dataset: ListParam = [], exclude_dataset: ListParam = [], exclude_schema: ListParam = [],  # noqa: B006
              topics: ListParam = [], changed_since: str | None = Param(None, pattern=TS_PATTERN),  # noqa: B006
              exclude_entity_ids: ListParam = []):  # noqa: B006
        from chipwatch.screening.screen import screen

        st = state_of(request)
        store = st.cw.store
        scope = _scope(store, dataset, include_dataset, exclude_dataset)
        if algorithm.lower() not in ("best", "default", ALGORITHM):
            raise HTTPException(400, f"Invalid algorithm: {algorithm} (this server has: {ALGORITHM}; 'best' chooses it)")
        if bad := [k for k in body.config if k]:
            raise HTTPException(400, f"Invalid configuration parameter: {bad[0]} for algorithm {ALGORITHM}")
        if len(body.queries) > MAX_BATCH:
            raise HTTPException(400, f"Too many queries in one batch (limit: {MAX_BATCH})")
        if not body.queries:
            raise HTTPException(400, "No queries provided.")
        parsed = {qid: to_query(qid, ex) for qid, ex in body.queries.items()}
        queries = {qid: q for qid, (q, _) in parsed.items()}
        if (n := sum(len(c["properties"].get(p, [])) for _, c in parsed.values() for p in NAME_PROPS)) > MAX_NAMES:
            raise HTTPException(400, f"{n} names in one request; at most {MAX_NAMES} (send more requests)")
        floor = min(cutoff, threshold)
        lists = [k for k in scope if k != "kb"]
        found = screen(store, queries, lists, threshold=floor, limit=MAX_MATCHES, workers=1) \
            if lists and any(q.names or q.identifiers for q in queries.values()) else None
        hits = {qid: [h for h in (found.hits.get(qid, []) if found else []) if h.score > floor and h.list in scope]
                for qid in queries}
        seen = seen_dates(store, [h for hs in hits.values() for h in hs])
        excluded = set(exclude_entity_ids)
        responses = {}
        for qid in queries:
            results = [r for r in (result(h, threshold, seen) for h in hits[qid])
                       if _keep(r, exclude_schema, topics, changed_since, excluded)]
            responses[qid] = {"status": 200, "results": results[:limit],
                              "total": {"value": sum(r["match"] for r in results), "relation": "eq"},
                              "query": parsed[qid][1]}
        return {"responses": responses, "limit": limit,
                "chipwatch": {"lists": [v.__dict__ for v in found.lists] if found else [],
                              "warnings": found.warnings if found else []}}

    @api.get("/search/{dataset}", summary="Entities of the imported lists by name (yente's /search)", responses=M.ok(M.SearchResponse))
    def search(request: Request, dataset: str, q: str = Param("", max_length=MAX_VALUE), schema: str = Param("Thing"),
               include_dataset: ListParam = [], exclude_dataset: ListParam = [], exclude_schema: ListParam = [],  # noqa: B006
               changed_since: str | None = Param(None, pattern=TS_PATTERN), countries: ListParam = [],  # noqa: B006
               topics: ListParam = [], datasets: ListParam = [],  # noqa: B006
               limit: int = Param(10, ge=0, le=MAX_MATCHES), offset: int = Param(0, ge=0, le=9499)):
        from chipwatch.screening.matcher import Query
        from chipwatch.screening.screen import screen

        st = state_of(request)
        store = st.cw.store
        if schema not in KNOWN:
            raise HTTPException(400, "Invalid schema")
        scope = [k for k in _scope(store, dataset, include_dataset, exclude_dataset) if not datasets or k in datasets]
        lists = [k for k in scope if k != "kb"]
        found = screen(store, {"q": Query([q], schema=None if schema in ("Thing", "LegalEntity") else schema)}, lists,
                       threshold=0.5, limit=MAX_MATCHES, workers=1) if q.strip() and lists else None
        hits = [h for h in (found.hits.get("q", []) if found else []) if h.list in scope]
        seen = seen_dates(store, hits)
        results = []
        for h in hits:
            r = result(h, 1.0, seen)
            if not _keep(r, exclude_schema, topics, changed_since, set()):
                continue
            if countries and not set(countries) & set(r["properties"].get("country", [])):
                continue
            results.append({k: v for k, v in r.items() if k not in ("score", "match", "explanations")})
        facets = {}
        for facet, prop in (("countries", "country"), ("topics", "topics"), ("datasets", None)):
            counts: dict[str, int] = {}
            for r in results:
                for v in (r["datasets"] if prop is None else r["properties"].get(prop, [])):
                    counts[v] = counts.get(v, 0) + 1
            facets[facet] = {"label": facet, "values": [{"name": k, "label": k, "count": n} for k, n in sorted(counts.items())]}
        return {"results": results[offset:offset + limit], "total": {"value": len(results), "relation": "eq"},
                "limit": limit, "offset": offset, "facets": facets}

    @api.get("/entities/{entity_id}", summary="One entity of the imported lists, with its sanctions (yente's /entities)", responses=M.ok(M.YenteEntity))
    def entity(request: Request, entity_id: str, nested: bool = True):
        st = state_of(request)
        store = st.cw.store
        kind, list_id = split_id(entity_id, _kinds(store))
        row = store.con.execute(
            "SELECT e.record, v.id, v.date FROM list_entries e JOIN list_versions v ON v.id = e.version "
            "WHERE v.kind = ? AND e.list_id = ? ORDER BY v.date DESC LIMIT 1", [kind, list_id]).fetchone()
        if row is None:
            raise HTTPException(404, "No such entity!")
        return expand(store, ListEntry.from_record(row[0]), kind, row[1], row[2], nested)

    @api.get("/catalog", summary="The datasets this server holds (yente's /catalog)", responses=M.ok(M.Catalog))
    def catalog(request: Request):
        store = state_of(request).cw.store
        rows = store.con.execute(
            "SELECT id, kind, date, imported_at, entries FROM list_versions v "
            "WHERE date = (SELECT max(date) FROM list_versions w WHERE w.kind = v.kind) ORDER BY kind").fetchall()
        sets = [{"name": kind, "title": f"{kind.upper()} sanctions list, version {vid}", "summary": f"{n:,} entries",
                 "updated_at": imported, "version": vid, "last_export": _iso(day), "entity_count": n, "children": [],
                 "load": True, "index_version": vid, "index_current": True} for vid, kind, day, imported, n in rows]
        sets.append({"name": "default", "title": "Every list imported", "children": [s["name"] for s in sets],
                     "entity_count": sum(s["entity_count"] for s in sets), "load": True, "index_current": True})
        return {"datasets": sets, "current": [s["name"] for s in sets], "outdated": [], "index_stale": False}

    @api.get("/algorithms", summary="The scoring algorithm and its features (yente's /algorithms)", responses=M.ok(M.Algorithms))
    def algorithms():
        docs = {name: {"description": text, "coefficient": weight, "url": "chipwatch/screening/matcher.py"}
                for name, (text, weight) in FEATURES.items()}
        algo = {"name": ALGORITHM, "description": f"chipwatch {__version__}: name forms across scripts, "
                                                  "blocking on a persistent index, scores with reasons",
                "features": docs, "docs": {"name": ALGORITHM, "description": None, "config": {}, "features": docs}}
        return {"algorithms": [algo], "default": ALGORITHM, "best": ALGORITHM}

    @api.get("/healthz", summary="The server is up", responses=M.ok(M.Status))
    def healthz():
        return {"status": "ok"}

    @api.get("/readyz", summary="The server answers from its store",
             responses={**M.ok(M.Status), 503: {"model": Error, "description": "the store cannot be read"}})
    def readyz(request: Request):
        try:
            state_of(request).cw.store.con.execute("SELECT 1").fetchone()
        except Exception:  # noqa: BLE001 - any failure means not ready
            raise HTTPException(503, "Index not ready.") from None
        return {"status": "ok"}

    return api


def _nested(eid: str, schema: str, caption: str, props: dict, datasets: list[str], day: str | None) -> dict:
    return {"id": eid, "caption": caption, "schema": schema, "properties": props, "datasets": datasets, "referents": [],
            "target": False, "first_seen": _iso(day), "last_seen": _iso(day), "last_change": _iso(day)}


def expand(store, entry: ListEntry, kind: str, version: str, day: str, nested: bool) -> dict:
    """An entry as yente's EntityResponse; with `nested`, its Sanction entities (one per
    program) and, for FtM lists, its Ownership relations (owners and assets one edge away)."""
    schema = ftm_schema(entry.schema)
    topics = entry.topics or (["sanction"] if entry.programs else [])
    props: dict[str, list] = properties(entry.to_dict(), schema, topics)
    eid = entity_id(kind, entry.list_id)
    if nested:
        sanctions = [_nested(f"{eid}-sanction-{i}", "Sanction", program,
                             {"program": [program], "authority": [kind.upper()], "listingDate": [entry.listed_on]
                              if entry.listed_on else [], **({"country": entry.countries[:1]} if entry.countries else {})},
                             [kind], day) for i, program in enumerate(entry.programs)]
        if sanctions:
            props["sanctions"] = [{**s, "properties": {k: v for k, v in s["properties"].items() if v}} for s in sanctions]
        owners, assets = [], []
        for rid, owner, asset, share, start, end in store.con.execute(
                "SELECT id, owner, asset, share_pct, start_date, end_date FROM list_relations "
                "WHERE version = ? AND (owner = ? OR asset = ?)", [version, entry.list_id, entry.list_id]).fetchall():
            other = asset if owner == entry.list_id else owner
            row = store.con.execute("SELECT caption, schema FROM list_entries WHERE version = ? AND list_id = ?",
                                    [version, other]).fetchone()
            ref = _nested(entity_id(kind, other), ftm_schema(row[1]), row[0], {"name": [row[0]]}, [kind], day) \
                if row else entity_id(kind, other)
            own = {k: v for k, v in {"percentage": [f"{share:g}"] if share is not None else [],
                                     "startDate": [start] if start else [], "endDate": [end] if end else []}.items() if v}
            side = "asset" if owner == entry.list_id else "owner"
            link = _nested(entity_id(kind, rid), "Ownership", f"{row[0] if row else other}", {**own, side: [ref]},
                           [kind], day)
            (owners if side == "owner" else assets).append(link)
        if owners and "ownershipAsset" in _REVERSE.get(schema, ()):
            props["ownershipAsset"] = owners
        if assets and "ownershipOwner" in _REVERSE.get(schema, ()):
            props["ownershipOwner"] = assets
    return {**_nested(eid, schema, entry.caption, props, [kind], day), "target": bool(RISKS & set(topics))}


# Reverse properties each schema has (FollowTheMoney 4): where nested Ownerships go.
_REVERSE = {"LegalEntity": ("ownershipOwner",), "Person": ("ownershipOwner",), "Organization": ("ownershipOwner",),
            "PublicBody": ("ownershipOwner",), "Company": ("ownershipOwner", "ownershipAsset"),
            "Vessel": ("ownershipAsset",), "Airplane": ("ownershipAsset",)}
