"""Exports checked by real clients: followthemoney, NetworkX, lxml (GEXF 1.3 XSD)."""


import networkx as nx
import pytest
from conftest import assert_user_error, need_shared, run_cli

from chipwatch.store import Store


def export(db, fmt, out):
    r = run_cli("export", "--format", fmt, "-o", str(out), db=db)
    assert r.code == 0, r
    return r


def test_graphml_round_trip_keeps_node_and_edge_counts(russia_db, tmp_path):
    out = tmp_path / "g.graphml"
    export(russia_db, "graphml", out)
    back = nx.read_graphml(out, force_multigraph=True)
    with Store(russia_db) as s:
        n_entities = s.counts()["entities"]
        n_edges = int(s.claims().object.notna().sum())
    assert back.number_of_nodes() == n_entities
    assert back.number_of_edges() == n_edges
    assert back.is_directed()
    data = back.get_edge_data("tsmc", "baikal-m")
    assert any(d["predicate"] == "fabricates" and d["valid_to"] == "2022" for d in data.values())
    assert back.nodes["baikal-electronics"]["label_zh"] == "貝加爾電子"


def test_graphml_as_of_drops_claims_not_valid_then(russia_db, tmp_path):
    out = tmp_path / "g.graphml"
    assert run_cli("export", "-f", "graphml", "-o", str(out), "--as-of", "2023", db=russia_db).code == 0
    back = nx.read_graphml(out, force_multigraph=True)
    assert not back.has_edge("tsmc", "baikal-m") and back.has_edge("mikron", "baikal-m")


def test_gexf_is_valid_gexf_1_3_and_loads_back(russia_db, tmp_path):
    from lxml import etree

    xsd = need_shared("data", "gexf", "1.3", "gexf.xsd")
    out = tmp_path / "g.gexf"
    export(russia_db, "gexf", out)
    schema = etree.XMLSchema(etree.parse(str(xsd)))
    doc = etree.parse(str(out))
    assert schema.validate(doc), schema.error_log
    assert doc.getroot().get("version") == "1.3"
    back = nx.read_gexf(out)
    with Store(russia_db) as s:
        assert back.number_of_nodes() == s.counts()["entities"]
        assert back.number_of_edges() == int(s.claims().object.notna().sum())
    edge = back.get_edge_data("tsmc", "baikal-m")["tsmc-fabricates-baikal-m"]
    assert (edge["predicate"], edge["valid_from"], edge["valid_to"]) == ("fabricates", "2020", "2022")
    assert (edge["start"], edge["end"]) == ("2020-01-01", "2022-12-31")  # the years the claim covers
    assert back.nodes["baikal-electronics"]["label_zh"] == "貝加爾電子"


def test_gexf_schema_check_has_teeth(russia_db, tmp_path):
    """What the old export wrote (a graph `name`, version 1.2draft) fails the same check."""
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(need_shared("data", "gexf", "1.3", "gexf.xsd"))))
    out = tmp_path / "g.gexf"
    export(russia_db, "gexf", out)
    doc = etree.parse(str(out))
    doc.getroot().find("{http://gexf.net/1.3}graph").set("name", "")
    assert not schema.validate(doc)
    doc = etree.parse(str(out))
    doc.getroot().set("version", "1.2draft")
    assert not schema.validate(doc)


def test_export_errors(russia_db, tmp_path):
    assert_user_error(run_cli("export", "-f", "xml", "-o", str(tmp_path / "x"), db=russia_db), "unknown; use one of")
    assert_user_error(run_cli("export", "-f", "json", "-o", str(tmp_path), db=russia_db), "is a directory")
    assert_user_error(run_cli("export", "-f", "json", "-o", str(tmp_path / "no" / "x.json"), db=russia_db), "does not exist")


@pytest.mark.parametrize("fmt", ["json", "ftm", "graphml"])
def test_export_leaves_no_partial_file_on_failure(russia_db, tmp_path, fmt, monkeypatch):
    from chipwatch import interop
    from chipwatch.interop import exports as ex

    def boom(store, out, as_of):
        out.write_text("half")
        raise RuntimeError("disk on fire")

    monkeypatch.setitem(ex.FORMATS, fmt, boom)
    target = tmp_path / "out.file"
    with Store(russia_db) as s, pytest.raises(RuntimeError):
        interop.export(s, fmt, target)
    assert list(tmp_path.iterdir()) == []
