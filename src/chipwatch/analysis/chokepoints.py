"""Chokepoints: where the supply network is fragile, ranked, each in a plain sentence with
the claims behind it.

Four kinds of finding:
- single source: an item a consumer gets from one provider only (relations in the claims),
  or an input where one provider holds (nearly) the whole market (market shares);
- concentration: the Herfindahl-Hirschman index of an input's market shares;
- foreign dependency: what Russian (or any chosen country's) entities get from abroad, by country;
- centrality: entities that many supply paths pass through (betweenness on the claim graph).

Rank = concentration × certainty × reach × relevance, each in 0..1: concentration (1 for a
single source, HHI/10,000 for shares), certainty (mean status weight of the claims, from
weights.yaml), reach (how central the item or consumer is in the graph), relevance (1 when
the finding touches the home country's entities or what they are supplied with, less for a
world-market fact that does not, as weights.yaml says). The reason string spells the
product out, so every rank can be checked by hand.

Placeholder providers ("Various companies") are no single source and count in no HHI;
dissolved states and customers are no suppliers (see analysis.supply).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

import networkx as nx

from chipwatch import yamldata
from chipwatch.analysis.period import default_as_of
from chipwatch.analysis.supply import demand_claims, dissolved, placeholders, supplies
from chipwatch.errors import ChipwatchError
from chipwatch.frames import text
from chipwatch.graph.project import project
from chipwatch.store.read import Store

WEIGHTS = Path(__file__).with_name("weights.yaml")
KINDS = ("single_source", "concentration", "foreign_dependency", "centrality")


@cache
def weights() -> dict:
    return yamldata.load(WEIGHTS.read_text(encoding="utf-8"))


@dataclass
class Finding:
    kind: str
    subject: str
    sentence: str
    score: float
    reason: str
    claims: list[str]
    details: dict = field(default_factory=dict)
    rank: int = 0
    as_of: str | None = None  # the period the finding is read at

    def to_dict(self) -> dict:
        return asdict(self)


def _certainty(statuses: list[str]) -> float:
    w = weights()["status_weight"]
    return sum(w.get(s, 0.5) for s in statuses) / len(statuses) if statuses else 0.0


def _reach(centrality: dict[str, float], *nodes: str) -> float:
    top = max(centrality.values(), default=0.0) or 1.0
    return 0.5 + 0.5 * max((centrality.get(n, 0.0) for n in nodes), default=0.0) / top


def _score(concentration: float, certainty: float, reach: float) -> tuple[float, str]:
    score = concentration * certainty * reach
    return score, f"concentration {concentration:.2f} × certainty {certainty:.2f} × reach {reach:.2f} = {score:.3f}"


def _weigh(f: Finding, relevance: float) -> None:
    """Multiply the finding's score by its relevance, and say so in its reason."""
    head = f.reason.rsplit(" = ", 1)[0]
    f.score *= relevance
    f.reason = f"{head} × relevance {relevance:.2f} = {f.score:.3f}"
    f.details["relevance"] = relevance


def _touched(f: Finding) -> set[str]:
    d = f.details
    return {f.subject} | {d[k] for k in ("consumer", "item", "provider", "country") if isinstance(d.get(k), str)}


def _single_sources(store: Store, labels: dict, centrality: dict, as_of: str | None, statuses) -> list[Finding]:
    rels = supplies(store, as_of, statuses)
    demanded = {s.item for s in rels if s.predicate != "produces"}
    by_need: dict[tuple[str, str], dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for s in rels:
        if s.predicate != "produces" or s.item in demanded:  # a producer matters where someone needs the item
            by_need[(s.consumer, s.item)][s.provider].append(s)
    out = []
    for (consumer, item), providers in by_need.items():
        if len(providers) != 1:
            continue
        (provider, rels), = providers.items()
        claims = sorted({r.claim for r in rels})
        sts = [r.status for r in rels]
        score, reason = _score(1.0, _certainty(sts), _reach(centrality, consumer, item))
        who, by, how = labels.get(consumer, consumer), labels.get(provider, provider), ", ".join(sorted(set(sts)))
        if item == consumer:
            sentence = f"{who} is made by one known fab only: {by} ({how})."
        elif item == provider:
            sentence = f"{who} depends on {by}, with no alternative named ({how})."
        else:
            sentence = f"{who} has one known source of {labels.get(item, item)}: {by} ({how})."
        out.append(Finding("single_source", item, sentence, score, reason, claims,
                           {"consumer": consumer, "item": item, "provider": provider}))
    return out


def _market_shares(store: Store, labels: dict, types: dict, centrality: dict, as_of: str | None, statuses) -> list[Finding]:
    claims = store.claims(predicate="market_share", as_of=as_of, status=statuses)
    groups: dict[tuple, list] = defaultdict(list)
    unnamed = placeholders(store)
    for c in claims.itertuples():
        if not text(c.object) or c.value_num != c.value_num or c.subject in unnamed:  # no item, a range, "Various …"
            continue
        q = json.loads(c.qualifiers) if text(c.qualifiers) else {}
        if q.get("role"):  # a share of demand met, not of a market
            continue
        level = "country" if types.get(c.subject) in ("country", "country_group") else "company"
        groups[(c.object, q.get("scope", ""), str(q.get("year", "")), level)].append(c)
    w = weights()
    out = []
    for (item, scope, year, level), rows in groups.items():
        shares = {r.subject: float(r.value_num) for r in rows}
        total = sum(shares.values())
        hhi = sum(v * v for v in shares.values())
        claims = sorted(r.id for r in rows)
        certainty = _certainty([r.status for r in rows])
        top, top_share = max(shares.items(), key=lambda kv: kv[1])
        where = f" ({scope}{', ' + year if year else ''})" if scope or year else ""
        name = labels.get(item, item)
        if top_share >= w["single_source_share"]:
            score, reason = _score(top_share / 100, certainty, _reach(centrality, item))
            out.append(Finding("single_source", item,
                               f"{name}: one {level} holds {top_share:g}% of the market{where} — {labels.get(top, top)}.",
                               score, reason, claims, {"item": item, "provider": top, "share": top_share, "level": level}))
        elif len(shares) > 1 and total >= 50 and hhi >= w["hhi"]["moderately_concentrated"]:
            grade = "highly" if hhi >= w["hhi"]["highly_concentrated"] else "moderately"
            leaders = ", ".join(f"{labels.get(k, k)} {v:g}%" for k, v in sorted(shares.items(), key=lambda kv: -kv[1])[:3])
            score, reason = _score(hhi / 10000, certainty, _reach(centrality, item))
            out.append(Finding("concentration", item,
                               f"{name} is {grade} concentrated among {level} providers{where}: HHI {hhi:,.0f} ({leaders}).",
                               score, reason, claims, {"item": item, "hhi": round(hhi), "shares": shares, "level": level}))
    return out


def _foreign(store: Store, labels: dict, country_of: dict, centrality: dict, as_of, statuses, home: str) -> list[Finding]:
    abroad: dict[str, list] = defaultdict(list)
    for s in supplies(store, as_of, statuses):
        if country_of.get(s.consumer) == home and country_of.get(s.provider) not in (home, None):
            abroad[country_of[s.provider]].append(s)
    out = []
    for country, rels in abroad.items():
        items = sorted({labels.get(r.item, r.item) for r in rels if r.item != r.provider})
        providers = sorted({labels.get(r.provider, r.provider) for r in rels})
        share = len(rels) / sum(len(v) for v in abroad.values())
        score, reason = _score(share, _certainty([r.status for r in rels]), 1.0)
        out.append(Finding("foreign_dependency", country,
                           f"{home} entities rely on {country} in {len(rels)} supply relation(s) ({share:.0%} of those abroad)"
                           f" — from {', '.join(providers[:5])}{'…' if len(providers) > 5 else ''}"
                           f"{' for ' + ', '.join(items[:6]) if items else ''}{'…' if len(items) > 6 else ''}.",
                           score, reason, sorted({r.claim for r in rels}),
                           {"country": country, "relations": len(rels), "items": items, "providers": providers}))
    return out


def _central(g: nx.MultiDiGraph, labels: dict, centrality: dict) -> list[Finding]:
    out = []
    for node, c in sorted(centrality.items(), key=lambda kv: -kv[1])[: weights()["centrality_top"]]:
        if c <= 0:
            break
        claims = sorted({d["claim"] for _, _, d in g.in_edges(node, data=True)} | {d["claim"] for _, _, d in g.out_edges(node, data=True)})
        statuses = [d["status"] for _, _, d in g.edges(node, data=True)]
        score, reason = _score(c / max(centrality.values()), _certainty(statuses) if statuses else 1.0, 1.0)
        out.append(Finding("centrality", node,
                           f"{labels.get(node, node)} lies on {c:.1%} of the shortest paths between entities: "
                           f"{g.degree(node)} relations pass through it.", score, reason, claims[:50],
                           {"betweenness": round(c, 4), "degree": g.degree(node)}))
    return out


def chokepoints(store: Store, as_of: str | None = None, statuses: list[str] | None = None,
                home: str = "RU") -> list[Finding]:
    """All chokepoint findings valid at `as_of` (default: the latest year the data covers),
    ranked (1 = most severe)."""
    as_of = default_as_of(store, as_of)
    g = project(store, as_of=as_of, statuses=statuses, predicates=weights()["supply_predicates"])
    demand = demand_claims(store)  # reliance on a customer is no supply path
    g.remove_edges_from([(u, v, k) for u, v, k, d in g.edges(keys=True, data=True) if d.get("claim") in demand])
    g.remove_nodes_from([n for n in placeholders(store) | dissolved(store, as_of) if n in g])
    simple = nx.Graph(g.to_undirected(as_view=True))
    simple.remove_nodes_from([n for n, d in g.nodes(data=True) if d.get("type") in ("country", "country_group")])
    k = min(len(simple), 300) if len(simple) > 300 else None  # sampled betweenness on big graphs
    centrality = nx.betweenness_centrality(simple, k=k, seed=0) if len(simple) else {}
    labels = store.labels()
    rows = store.con.execute("SELECT id, type, country FROM entities").fetchall()
    types = {i: t for i, t, _ in rows}
    country_of = {i: c for i, _, c in rows if c}
    findings = (_single_sources(store, labels, centrality, as_of, statuses)
                + _market_shares(store, labels, types, centrality, as_of, statuses)
                + _foreign(store, labels, country_of, centrality, as_of, statuses, home)
                + _central(g, labels, centrality))
    country_ids = {i for i, t in types.items() if t == "country" and country_of.get(i) == home}
    ours = {i for i, c in country_of.items() if c == home} | country_ids
    used = {s.item for s in supplies(store, as_of, statuses) if s.consumer in ours}
    world = weights()["relevance"]["elsewhere"]
    for f in findings:
        _weigh(f, 1.0 if f.kind == "foreign_dependency" or _touched(f) & (ours | used) else world)
    findings.sort(key=lambda f: (-f.score, f.kind, f.subject))
    for i, f in enumerate(findings, 1):
        f.rank, f.as_of = i, as_of
    return findings


SORTS = {"rank": lambda f: f.rank, "score": lambda f: -f.score, "kind": lambda f: (f.kind, f.rank),
         "subject": lambda f: (f.subject, f.rank)}


def select(findings: list[Finding], kind: str | None = None, q: str | None = None, sort: str = "rank",
           offset: int = 0, limit: int | None = None) -> tuple[list[Finding], int]:
    """One page of findings of `kind` whose sentence contains `q`, sorted; and how many matched."""
    if kind and kind not in KINDS:
        raise ChipwatchError(f"kind '{kind}' is not a kind of chokepoint finding; use one of {', '.join(KINDS)}")
    if sort not in SORTS:
        raise ChipwatchError(f"sort '{sort}' is not known; use one of {', '.join(SORTS)}")
    if offset < 0 or (limit is not None and limit < 1):
        raise ChipwatchError(f"offset {offset} and limit {limit}: the offset must be 0 or more, the limit 1 or more")
    hits = [f for f in findings if (not kind or f.kind == kind) and (not q or q.casefold() in f.sentence.casefold())]
    hits.sort(key=SORTS[sort])
    return hits[offset: None if limit is None else offset + limit], len(hits)
