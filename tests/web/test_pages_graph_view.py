"""web.graph_view: payload to vis-network data through pyvis, styles, legend, evidence, vis assets."""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

import pytest

from graph.schema import ROLES
from web import graph_view

PAYLOAD = {
    "nodes": [
        {"id": "i:e:race", "kind": "Event", "label": "race condition", "role": "root_cause", "confidence": 0.9,
         "evidence": ["i:m:1"]},
        {"id": "i:e:dns", "kind": "Event", "label": "DNS failure", "role": "first_symptom"},
        {"id": "i:c:ddb", "kind": "Component", "label": "DynamoDB"},
        {"id": "i:t:1", "kind": "TimePoint", "label": "2025-10-20T06:48:00Z"},
    ],
    "edges": [
        {"source": "i:e:race", "target": "i:e:dns", "type": "CAUSES", "cue": "led to", "evidence": ["i:m:2"]},
        {"source": "i:e:dns", "target": "i:c:ddb", "type": "AFFECTS"},
        {"source": "i:e:dns", "target": "i:m:9", "type": "MENTIONS"},
    ],
}


def test_nodes_are_styled_by_role_then_by_kind() -> None:
    data = graph_view.network_data(PAYLOAD)
    assert [(n["id"], n["shape"], n["color"]) for n in data["nodes"]] == [
        ("i:e:race", "star", "#d62728"), ("i:e:dns", "diamond", "#9467bd"),
        ("i:c:ddb", "box", "#1f77b4"), ("i:t:1", "ellipse", "#e0e0e0")]


def test_edges_point_from_source_to_target_with_their_type_as_label() -> None:
    edges = graph_view.network_data(PAYLOAD)["edges"]
    assert [(e["from"], e["to"], e["label"], e["arrows"]) for e in edges] == [
        ("i:e:race", "i:e:dns", "CAUSES", "to"), ("i:e:dns", "i:c:ddb", "AFFECTS", "to")]


def test_edge_to_a_node_not_shown_is_dropped() -> None:
    edges = graph_view.network_data(PAYLOAD)["edges"]
    assert all(e["to"] != "i:m:9" for e in edges)


def test_greyed_nodes_are_grey_and_flagged() -> None:
    nodes = {n["id"]: n for n in graph_view.network_data(PAYLOAD, greyed=["i:e:dns"])["nodes"]}
    assert (nodes["i:e:dns"]["color"], nodes["i:e:dns"]["greyed"]) == (graph_view.GREYED, True)
    assert nodes["i:e:race"]["greyed"] is False


def test_evidence_ids_are_resolved_to_quotes() -> None:
    quotes = {"i:m:1": {"source": "Ars", "quote": "a latent race"}, "i:m:2": {"source": "AWS", "quote": "led to"}}
    data = graph_view.network_data(PAYLOAD, evidence=lambda ids: [quotes[i] for i in ids])
    assert data["nodes"][0]["evidence"] == [{"source": "Ars", "quote": "a latent race"}]
    assert data["edges"][0]["evidence"] == [{"source": "AWS", "quote": "led to"}]


def test_a_title_field_never_reaches_vis() -> None:
    # vis-network renders a string title as a tooltip; our side panel shows details with textContent instead.
    payload = {"nodes": [{"id": "a", "kind": "Event", "label": "x", "title": "<img src=x onerror=alert(1)>"}],
               "edges": []}
    assert "title" not in graph_view.network_data(payload)["nodes"][0]


def test_big_graphs_get_fewer_layout_iterations() -> None:
    small = graph_view.network_data(PAYLOAD)["options"]
    big = graph_view.network_data({"nodes": [{"id": f"n{i}", "kind": "Event", "label": "e"} for i in range(3000)],
                                   "edges": []})["options"]
    assert small["physics"]["stabilization"]["iterations"] == 300
    assert big["physics"]["stabilization"]["iterations"] == 40
    assert big["layout"]["improvedLayout"] is False


def test_payload_without_nodes_is_refused() -> None:
    with pytest.raises(TypeError, match="'nodes' list"):
        graph_view.network_data({"edges": []})


def test_legend_covers_every_role_in_the_schema() -> None:
    assert [e["key"] for e in graph_view.legend() if e["group"] == "role"] == list(ROLES)


def test_vis_asset_reads_the_file_pyvis_ships() -> None:
    body, mime = graph_view.vis_asset("vis-network.css")
    assert mime == "text/css"
    assert body == (Path(find_spec("pyvis").origin).parent / "lib" / graph_view.VIS_DIR / "vis-network.css").read_bytes()


def test_vis_asset_refuses_other_names() -> None:
    with pytest.raises(KeyError):
        graph_view.vis_asset("../network.py")


CAUSAL = {
    "nodes": [{"id": "a", "kind": "Event", "label": "race", "role": "root_cause"},
              {"id": "b", "kind": "Event", "label": "DNS fails"},
              {"id": "c", "kind": "Event", "label": "DynamoDB down", "role": "impact"},
              {"id": "lone", "kind": "Event", "label": "Slack slow"},
              {"id": "ddb", "kind": "Component", "label": "DynamoDB"}],
    "edges": [{"source": "a", "target": "b", "type": "CAUSES"}, {"source": "b", "target": "a", "type": "CAUSES"},
              {"source": "b", "target": "c", "type": "CAUSES"}, {"source": "c", "target": "ddb", "type": "AFFECTS"}],
}


def test_causal_view_leaves_out_unlayered_events_and_hides_components() -> None:
    view = graph_view.causal_view(graph_view.network_data(CAUSAL), {"a": 0, "b": 0, "c": 1}, [["a", "b"]])
    assert [(n["id"], n["level"], n["hidden"]) for n in view["nodes"]] == [
        ("a", 0, False), ("b", 0, False), ("c", 1, False), ("ddb", 1, True)]
    x = {n["id"]: n["x"] for n in view["nodes"]}
    assert x["a"] == x["b"] < x["c"]  # fixed positions, left to right by layer; physics off draws them as they are
    assert view["options"]["physics"]["enabled"] is False and not view["options"]["layout"]["hierarchical"]["enabled"]


def test_causal_view_marks_a_cycle_and_keeps_role_colours() -> None:
    view = graph_view.causal_view(graph_view.network_data(CAUSAL), {"a": 0, "b": 0, "c": 1}, [["a", "b"]])
    assert [(e["from"], e["to"], e["cycle"]) for e in view["edges"] if e["type"] == "CAUSES"] == [
        ("a", "b", True), ("b", "a", True), ("b", "c", False)]
    race = view["nodes"][0]
    assert (race["color"], race["shape"], race["cycle"]) == ("#d62728", "star", True)


def test_causal_view_edge_labels_wait_for_hover() -> None:
    view = graph_view.causal_view(graph_view.network_data(CAUSAL), {"a": 0, "b": 1, "c": 2}, [])
    assert {e["label"] for e in view["edges"]} == {""} and {e["type"] for e in view["edges"]} == {"CAUSES", "AFFECTS"}
