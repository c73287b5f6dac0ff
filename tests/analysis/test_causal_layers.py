"""analysis.causal_layers: left-to-right layers of the causal chains, cycles, unlinked events, chains as text."""

from __future__ import annotations

import networkx as nx
import pytest

from analysis.causal_layers import causal_layers


def _graph(events: list[str], causes: list[tuple[str, str]]) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    g.add_nodes_from(events, label="Event")
    for u, v in causes:
        g.add_edge(u, v, key="CAUSES")
    return g


def test_empty_graph_has_no_layers() -> None:
    assert causal_layers(nx.MultiDiGraph()).to_dict() == {"layers": {}, "cycles": [], "unlinked": [], "chains": []}


def test_every_cause_lies_left_of_its_effect() -> None:
    g = _graph(["a", "b", "c", "d"], [("a", "b"), ("b", "c"), ("a", "c"), ("d", "c")])
    assert causal_layers(g).layers == {"a": 0, "d": 0, "b": 1, "c": 2}


def test_impact_is_pushed_right_of_a_later_trigger() -> None:
    g = _graph(["root", "hit", "x", "trig", "y"], [("root", "hit"), ("x", "trig"), ("trig", "y")])
    layers = causal_layers(g, roles={"root": "root_cause", "hit": "impact", "trig": "trigger"}).layers
    assert layers["hit"] > layers["trig"] == 1


def test_cycle_members_share_a_layer_and_are_reported() -> None:
    g = _graph(["a", "b", "c"], [("a", "b"), ("b", "a"), ("b", "c")])
    found = causal_layers(g)
    assert (found.layers, found.cycles) == ({"a": 0, "b": 0, "c": 1}, [["a", "b"]])


def test_events_linked_to_nothing_are_listed_not_layered() -> None:
    g = _graph(["a", "b", "lone"], [("a", "b")])
    g.add_node("comp", label="Component")
    found = causal_layers(g)
    assert (found.unlinked, sorted(found.layers)) == (["lone"], ["a", "b"])


def test_chains_run_from_each_root_cause_to_each_impact() -> None:
    g = _graph(["r", "m", "i1", "i2"], [("r", "m"), ("m", "i1"), ("m", "i2")])
    roles = {"r": "root_cause", "i1": "impact", "i2": "impact"}
    assert causal_layers(g, roles=roles).chains == [["r", "m", "i1"], ["r", "m", "i2"]]


def test_a_non_graph_is_refused() -> None:
    with pytest.raises(TypeError, match="incident graph"):
        causal_layers({"nodes": []})  # type: ignore[arg-type]
