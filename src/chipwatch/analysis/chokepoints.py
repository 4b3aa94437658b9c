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
world-market fact that does not, as weights.yaml says). The reason spells the product out,
so every rank can be checked by hand.

Each finding's sentence and reason are `Msg`s (`msg`, `reason_msg`: labels in
i18n/analysis.yaml), said in English as `sentence` and `reason`; `to_dict(lang)` says them in
another language.

Placeholder providers ("Various companies") are no single source and count in no HHI;
dissolved states and customers are no suppliers (see analysis.supply).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import networkx as nx

from chipwatch import yamldata
from chipwatch.analysis.period import default_as_of
from chipwatch.analysis.supply import demand_claims, dissolved, placeholders, supplies
from chipwatch.analysis.wording import Listed, as_dict, country, entity_names, name_of, status
from chipwatch.errors import ChipwatchError
from chipwatch.frames import text
from chipwatch.graph.project import project
from chipwatch.i18n import labels
from chipwatch.i18n.message import Msg, Name
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
    sentence: str  # the finding in English (str(msg))
    score: float
    reason: str  # how the score is made, in English (str(reason_msg))
    claims: list[str]
    details: dict = field(default_factory=dict)
    rank: int = 0
    as_of: str | None = None  # the period the finding is read at
    msg: Msg | None = None  # the sentence, to say in any language
    reason_msg: Msg | None = None
    factors: dict = field(default_factory=dict)  # concentration, certainty, reach, relevance
    name: Name | None = None  # the subject's name (an entity's, or a country's for a foreign dependency)

    @property
    def kind_label(self) -> Msg:
        """The kind's short label (single source / 單一來源)."""
        return Msg(f"analysis.kind.{self.kind}")

    def to_dict(self, lang: str | None = None) -> dict:
        """Every field; `msg`, `reason_msg` and `kind_label` said in `lang` (default English)."""
        english = {"msg": self.sentence, "reason_msg": self.reason}
        return {**as_dict(self, lang, english), "kind_label": self.kind_label.text(lang or "en")}


def _finding(kind: str, subject: str, msg: Msg, factors: dict, claims: list[str], details: dict,
             name: Name | None = None) -> Finding:
    """A finding scored by the product of its factors, its sentence said in English too (its
    reason is said once `_weigh` has added the last factor)."""
    score = 1.0
    for v in factors.values():
        score *= v
    return Finding(kind, subject, str(msg), score, "", claims, details, msg=msg, factors=dict(factors), name=name)


def _reason(factors: dict, score: float) -> Msg:
    terms = [Msg(f"analysis.reason.{k}", v=v) for k, v in factors.items()]
    return Msg("analysis.reason", terms=Listed(terms, "times"), score=score)


def _certainty(statuses: list[str]) -> float:
    w = weights()["status_weight"]
    return sum(w.get(s, 0.5) for s in statuses) / len(statuses) if statuses else 0.0


def _reach(centrality: dict[str, float], *nodes: str) -> float:
    top = max(centrality.values(), default=0.0) or 1.0
    return 0.5 + 0.5 * max((centrality.get(n, 0.0) for n in nodes), default=0.0) / top


def _factors(concentration: float, certainty: float, reach: float) -> dict:
    return {"concentration": concentration, "certainty": certainty, "reach": reach}


def _weigh(f: Finding, relevance: float) -> None:
    """Multiply the finding's score by its relevance, and say so in its reason."""
    f.score *= relevance
    f.factors["relevance"] = relevance
    f.reason_msg = _reason(f.factors, f.score)
    f.reason = str(f.reason_msg)
    f.details["relevance"] = relevance


def _touched(f: Finding) -> set[str]:
    d = f.details
    return {f.subject} | {d[k] for k in ("consumer", "item", "provider", "country") if isinstance(d.get(k), str)}


def _single_sources(store: Store, names: dict, centrality: dict, as_of: str | None, statuses) -> list[Finding]:
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
        factors = _factors(1.0, _certainty(sts), _reach(centrality, consumer, item))
        said = {"who": name_of(names, consumer), "by": name_of(names, provider),
                "how": Listed([status(x) for x in sorted(set(sts))])}
        if item == consumer:
            msg = Msg("analysis.single_source.fab", **said)
        elif item == provider:
            msg = Msg("analysis.single_source.provider", **said)
        else:
            msg = Msg("analysis.single_source.item", item=name_of(names, item), **said)
        out.append(_finding("single_source", item, msg, factors, claims,
                            {"consumer": consumer, "item": item, "provider": provider}, name_of(names, item)))
    return out


def _where(scope: str, year: str) -> Msg | str:
    """' (global market (ETO), 2025)' after a market: its scope and year as the claims give
    them (a scope an importer writes, by its label)."""
    if f"analysis.scope.{scope}" in labels():
        scope = Msg(f"analysis.scope.{scope}")
    if scope and year:
        return Msg("analysis.market.scope_year", scope=scope, year=year)
    if scope or year:
        return Msg("analysis.market.scope", scope=scope or year)
    return Msg("analysis.market.anywhere")


def _market_shares(store: Store, names: dict, types: dict, centrality: dict, as_of: str | None, statuses) -> list[Finding]:
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
        said = {"name": name_of(names, item), "where": _where(scope, year), "level": Msg(f"analysis.level.{level}")}
        if top_share >= w["single_source_share"]:
            factors = _factors(top_share / 100, certainty, _reach(centrality, item))
            msg = Msg("analysis.single_source.market", share=top_share, top=name_of(names, top), **said)
            out.append(_finding("single_source", item, msg, factors, claims,
                                {"item": item, "provider": top, "share": top_share, "level": level}, said["name"]))
        elif len(shares) > 1 and total >= 50 and hhi >= w["hhi"]["moderately_concentrated"]:
            grade = "highly" if hhi >= w["hhi"]["highly_concentrated"] else "moderately"
            leaders = [Msg("analysis.concentration.leader", who=name_of(names, k), share=v)
                       for k, v in sorted(shares.items(), key=lambda kv: -kv[1])[:3]]
            factors = _factors(hhi / 10000, certainty, _reach(centrality, item))
            msg = Msg(f"analysis.concentration.{grade}", hhi=hhi, leaders=Listed(leaders), **said)
            out.append(_finding("concentration", item, msg, factors, claims,
                                {"item": item, "hhi": round(hhi), "shares": shares, "level": level}, said["name"]))
    return out


def _foreign(store: Store, names: dict, country_of: dict, centrality: dict, as_of, statuses, home: str) -> list[Finding]:
    abroad: dict[str, list] = defaultdict(list)
    for s in supplies(store, as_of, statuses):
        if country_of.get(s.consumer) == home and country_of.get(s.provider) not in (home, None):
            abroad[country_of[s.provider]].append(s)
    out = []
    for code, rels in abroad.items():
        items = sorted({r.item for r in rels if r.item != r.provider}, key=lambda i: str(name_of(names, i)))
        providers = sorted({r.provider for r in rels}, key=lambda i: str(name_of(names, i)))
        share = len(rels) / sum(len(v) for v in abroad.values())
        factors = _factors(share, _certainty([r.status for r in rels]), 1.0)
        said = {"home": country(home), "country": country(code), "n": len(rels), "share": share,
                "providers": Listed([name_of(names, p) for p in providers[:5]], cut=len(providers) > 5)}
        msg = (Msg("analysis.foreign.items", items=Listed([name_of(names, i) for i in items[:6]], cut=len(items) > 6), **said)
               if items else Msg("analysis.foreign", **said))
        out.append(_finding("foreign_dependency", code, msg, factors, sorted({r.claim for r in rels}),
                            {"country": code, "relations": len(rels), "items": [str(name_of(names, i)) for i in items],
                             "providers": [str(name_of(names, p)) for p in providers]}, said["country"]))
    return out


def _central(g: nx.MultiDiGraph, names: dict, centrality: dict) -> list[Finding]:
    out = []
    for node, c in sorted(centrality.items(), key=lambda kv: -kv[1])[: weights()["centrality_top"]]:
        if c <= 0:
            break
        claims = sorted({d["claim"] for _, _, d in g.in_edges(node, data=True)} | {d["claim"] for _, _, d in g.out_edges(node, data=True)})
        statuses = [d["status"] for _, _, d in g.edges(node, data=True)]
        factors = _factors(c / max(centrality.values()), _certainty(statuses) if statuses else 1.0, 1.0)
        msg = Msg("analysis.centrality", who=name_of(names, node), share=c, degree=g.degree(node))
        out.append(_finding("centrality", node, msg, factors, claims[:50],
                            {"betweenness": round(c, 4), "degree": g.degree(node)}, name_of(names, node)))
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
    names = entity_names(store)
    rows = store.con.execute("SELECT id, type, country FROM entities").fetchall()
    types = {i: t for i, t, _ in rows}
    country_of = {i: c for i, _, c in rows if c}
    findings = (_single_sources(store, names, centrality, as_of, statuses)
                + _market_shares(store, names, types, centrality, as_of, statuses)
                + _foreign(store, names, country_of, centrality, as_of, statuses, home)
                + _central(g, names, centrality))
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


def _says(f: Finding, q: str) -> bool:
    return q in f.sentence.casefold() or (f.msg is not None and q in f.msg.text("zh-TW").casefold())


SORTS = {"rank": lambda f: f.rank, "score": lambda f: -f.score, "kind": lambda f: (f.kind, f.rank),
         "subject": lambda f: (f.subject, f.rank)}


def select(findings: list[Finding], kind: str | None = None, q: str | None = None, sort: str = "rank",
           offset: int = 0, limit: int | None = None) -> tuple[list[Finding], int]:
    """One page of findings of `kind` whose sentence (in English or Chinese) contains `q`,
    sorted; and how many matched."""
    if kind and kind not in KINDS:
        raise ChipwatchError(f"kind '{kind}' is not a kind of chokepoint finding; use one of {', '.join(KINDS)}")
    if sort not in SORTS:
        raise ChipwatchError(f"sort '{sort}' is not known; use one of {', '.join(SORTS)}")
    if offset < 0 or (limit is not None and limit < 1):
        raise ChipwatchError(f"offset {offset} and limit {limit}: the offset must be 0 or more, the limit 1 or more")
    hits = [f for f in findings if (not kind or f.kind == kind) and (not q or _says(f, q.casefold()))]
    hits.sort(key=SORTS[sort])
    return hits[offset: None if limit is None else offset + limit], len(hits)
