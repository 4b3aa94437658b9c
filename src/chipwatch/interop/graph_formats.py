"""GraphML and GEXF exports of the (as-of) claim graph, via NetworkX."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx

from chipwatch.graph.project import project
from chipwatch.store.read import Store


def flat_graph(store: Store, as_of: str | None = None) -> nx.MultiDiGraph:
    """The claim graph with scalar attributes only (value claims as a JSON string)."""
    g = project(store, as_of=as_of)
    for _, data in g.nodes(data=True):
        if "values" in data:
            data["values"] = json.dumps(data["values"], ensure_ascii=False)
    return g


def write_graphml(store: Store, out: Path, as_of: str | None = None) -> dict:
    g = flat_graph(store, as_of)
    nx.write_graphml(g, out, encoding="utf-8")
    return {"nodes": g.number_of_nodes(), "edges": g.number_of_edges()}


def write_gexf(store: Store, out: Path, as_of: str | None = None) -> dict:
    g = flat_graph(store, as_of)
    for _, data in g.nodes(data=True):
        data["label"] = data.get("label_en", "")
    nx.write_gexf(g, out, encoding="utf-8")
    return {"nodes": g.number_of_nodes(), "edges": g.number_of_edges()}
