"""Chokepoints: where the supply network is fragile, ranked, each in a plain sentence with
the claims behind it.

Four kinds of finding:
- single source: an item a consumer gets from one provider only (relations in the claims),
  or an input where one provider holds (nearly) the whole market (market shares);
- concentration: the Herfindahl-Hirschman index of an input's market shares;
- foreign dependency: what Russian (or any chosen country's) entities get from abroad, by country;
- centrality: entities that many supply paths pass through (betweenness on the claim graph).

Rank = concentration × certainty × reach, each in 0..1: concentration (1 for a single
source, HHI/10,000 for shares), certainty (mean status weight of the claims, from
weights.yaml), reach (how central the item or consumer is in the graph). The reason
string spells the product out, so every rank can be checked by hand.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

import networkx as nx

from chipwatch import yamldata
from chipwatch.analysis.supply import supplies
from chipwatch.frames import text
from chipwatch.graph.project import project
from chipwatch.store.read import Store

WEIGHTS = Path(__file__).with_name("weights.yaml")


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
    for c in claims.itertuples():
        if not text(c.object) or c.value_num != c.value_num:  # no item, or a range
            continue
        q = json.loads(c.qualifiers) if text(c.qualifiers) else {}
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
    """All chokepoint findings valid at `as_of`, ranked (1 = most severe)."""
    g = project(store, as_of=as_of, statuses=statuses, predicates=weights()["supply_predicates"])
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
    findings.sort(key=lambda f: (-f.score, f.kind, f.subject))
    for i, f in enumerate(findings, 1):
        f.rank = i
    return findings
