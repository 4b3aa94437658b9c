"""Project the claims valid at a date (and of chosen statuses) into a NetworkX graph.

Nodes are entities (with type and labels); each claim with an object is an edge
subject -> object carrying the claim id, predicate, status and dates. Value claims
(capacity, purity, …) stay on the node as `values`.
"""

from __future__ import annotations

import json

import networkx as nx

from chipwatch.errors import ChipwatchError
from chipwatch.frames import text
from chipwatch.store.read import Store


def project(store: Store, as_of: str | None = None, statuses: list[str] | None = None,
            predicates: list[str] | None = None) -> nx.MultiDiGraph:
    """The graph of claims valid at `as_of` (any time in that period), of `statuses`."""
    g = nx.MultiDiGraph(as_of=as_of or "", statuses=",".join(statuses or []))
    for e in store.entities().itertuples():
        g.add_node(e.id, type=e.type, label_en=e.label_en, label_zh=e.label_zh, country=text(e.country))
    claims = store.claims(status=statuses, as_of=as_of)
    if predicates:
        claims = claims[claims.predicate.isin(predicates)]
    for c in claims.itertuples():
        attrs = {
            "claim": c.id, "predicate": c.predicate, "status": c.status,
            "valid_from": text(c.valid_from), "valid_to": text(c.valid_to), "qualifiers": text(c.qualifiers),
        }
        if text(c.object):
            g.add_edge(c.subject, c.object, key=c.id, **attrs)
        else:
            values = g.nodes[c.subject].setdefault("values", [])
            values.append({**attrs, "value": json.loads(c.value_json) if text(c.value_json) else None, "unit": text(c.unit)})
    return g


def neighbourhood(g: nx.MultiDiGraph, node: str, radius: int = 1) -> nx.MultiDiGraph:
    """The subgraph within `radius` steps of `node`, either direction."""
    if node not in g:
        raise ChipwatchError(f"no entity '{node}' in the graph")
    nodes = nx.single_source_shortest_path_length(g.to_undirected(as_view=True), node, cutoff=radius)
    return g.subgraph(nodes).copy()


def paths(g: nx.MultiDiGraph, source: str, target: str, limit: int = 5, max_length: int = 6) -> list[list[dict]]:
    """Up to `limit` shortest paths between two entities (either direction), each a list of
    claim edges {subject, predicate, object, claim, status}."""
    for n in (source, target):
        if n not in g:
            raise ChipwatchError(f"no entity '{n}' in the graph")
    und = nx.Graph()
    und.add_edges_from(g.edges())
    out: list[list[dict]] = []
    try:
        for node_path in nx.shortest_simple_paths(und, source, target):
            if len(node_path) - 1 > max_length or len(out) >= limit:
                break
            steps = []
            for a, b in zip(node_path, node_path[1:], strict=False):
                u, v = (a, b) if g.has_edge(a, b) else (b, a)
                data = next(iter(g.get_edge_data(u, v).values()))
                steps.append({"subject": u, "predicate": data["predicate"], "object": v,
                              "claim": data["claim"], "status": data["status"]})
            out.append(steps)
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        return out
    return out
