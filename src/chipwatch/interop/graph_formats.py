"""GraphML (via NetworkX) and GEXF 1.3 exports of the (as-of) claim graph."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx

from chipwatch.graph.project import project
from chipwatch.model.dates import PartialDate
from chipwatch.store.read import Store

GEXF_NS = "http://gexf.net/1.3"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
NODE_ATTRS = ("type", "label_en", "label_zh", "country", "values")
EDGE_ATTRS = ("claim", "predicate", "status", "valid_from", "valid_to", "qualifiers")


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


def _attributes(graph: ET.Element, cls: str, names: tuple[str, ...]) -> None:
    el = ET.SubElement(graph, "attributes", {"class": cls, "mode": "static"})
    for name in names:
        ET.SubElement(el, "attribute", {"id": f"{cls}-{name}", "title": name, "type": "string"})


def _attvalues(parent: ET.Element, cls: str, data: dict, names: tuple[str, ...]) -> None:
    values = [(n, data[n]) for n in names if data.get(n) not in (None, "")]
    if values:
        el = ET.SubElement(parent, "attvalues")
        for name, value in values:
            ET.SubElement(el, "attvalue", {"for": f"{cls}-{name}", "value": str(value)})


def _spell(data: dict) -> dict[str, str]:
    """GEXF start/end (dates) of a claim valid from..to: the first and last day they cover."""
    out = {}
    if data.get("valid_from"):
        out["start"] = PartialDate.parse(data["valid_from"]).start.isoformat()
    if data.get("valid_to"):
        out["end"] = PartialDate.parse(data["valid_to"]).end.isoformat()
    return out


def gexf_tree(g: nx.MultiDiGraph, as_of: str | None = None) -> ET.ElementTree:
    """GEXF 1.3: a directed, dynamic graph (edges carry their claim's dates as start/end),
    one edge per claim (id = claim id, label and kind = predicate)."""
    root = ET.Element("gexf", {"xmlns": GEXF_NS, "xmlns:xsi": _XSI, "version": "1.3",
                               "xsi:schemaLocation": f"{GEXF_NS} {GEXF_NS}/gexf.xsd"})
    meta = ET.SubElement(root, "meta")
    ET.SubElement(meta, "creator").text = "chipwatch"
    ET.SubElement(meta, "description").text = (
        f"claims valid at some time in {as_of}" if as_of else "all claims, each edge dated by its claim")
    graph = ET.SubElement(root, "graph", {"defaultedgetype": "directed", "mode": "dynamic", "timeformat": "date"})
    _attributes(graph, "node", NODE_ATTRS)
    _attributes(graph, "edge", EDGE_ATTRS)
    nodes = ET.SubElement(graph, "nodes", {"count": str(g.number_of_nodes())})
    for node, data in g.nodes(data=True):
        el = ET.SubElement(nodes, "node", {"id": node, "label": data.get("label_en") or node})
        _attvalues(el, "node", data, NODE_ATTRS)
    edges = ET.SubElement(graph, "edges", {"count": str(g.number_of_edges())})
    for u, v, key, data in g.edges(keys=True, data=True):
        el = ET.SubElement(edges, "edge", {"id": str(key), "source": u, "target": v, "label": data["predicate"],
                                           "kind": data["predicate"], **_spell(data)})
        _attvalues(el, "edge", data, EDGE_ATTRS)
    ET.indent(root)
    return ET.ElementTree(root)


def write_gexf(store: Store, out: Path, as_of: str | None = None) -> dict:
    g = flat_graph(store, as_of)
    gexf_tree(g, as_of).write(out, encoding="utf-8", xml_declaration=True)
    return {"nodes": g.number_of_nodes(), "edges": g.number_of_edges()}
