"""Properties over random causal DAGs: one role per event, causeless roots, real why-chains and blast paths."""

from __future__ import annotations

import networkx as nx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.blast_radius import blast_radius
from analysis.causal import assign_roles, root_causes, why_chains
from graph.schema import EVENT_KINDS, ROLES
from tests.analysis.graph_builder import IncidentBuilder

CUES = ["led to", "triggered", "caused", "because"]


@st.composite
def incidents(draw) -> nx.MultiDiGraph:
    n = draw(st.integers(1, 10))
    m = draw(st.integers(0, 4))
    b = IncidentBuilder("p")
    for c in range(m):
        b.component(f"c{c}", f"component {c}")
    for i in range(n):
        comps = draw(st.lists(st.sampled_from([f"c{c}" for c in range(m)]), max_size=2, unique=True)) if m else []
        b.event(f"e{i}", f"event {i}", draw(st.sampled_from(EVENT_KINDS)), components=comps,
                **({"unexplained": True} if draw(st.booleans()) and draw(st.booleans()) else {}))
    for i in range(n):
        for j in range(i + 1, n):
            if draw(st.integers(0, 3)) == 0:
                b.causes(f"e{i}", f"e{j}", draw(st.sampled_from(CUES)), draw(st.sampled_from([0.5, 0.7, 0.9])))
    for x in range(m):
        for y in range(x + 1, m):
            if draw(st.booleans()):
                b.depends(f"c{y}", f"c{x}")
    return b.build()


def is_edge(graph: nx.MultiDiGraph, a: str, b: str) -> bool:
    la, lb = graph.nodes[a]["label"], graph.nodes[b]["label"]
    if (la, lb) == ("Event", "Event"):
        return graph.has_edge(a, b, key="CAUSES")
    if (la, lb) == ("Event", "Component"):
        return graph.has_edge(a, b, key="AFFECTS")
    return graph.has_edge(b, a, key="DEPENDS_ON")


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(incidents())
def test_every_event_has_exactly_one_known_role(graph):
    events = {n for n, a in graph.nodes(data=True) if a["label"] == "Event"}
    roles = assign_roles(graph)
    assert set(roles) == events
    assert all(r.role in ROLES and 0.0 <= r.confidence <= 1.0 and r.reason for r in roles.values())


@SETTINGS
@given(incidents())
def test_root_causes_have_no_cause_inside_the_incident_but_their_triggers(graph):
    report = root_causes(graph)
    triggers = {t.id for t in report.triggers}
    for root in report.root_causes:
        causes = {u for u, _, key in graph.in_edges(root.id, keys=True) if key == "CAUSES"}
        assert causes <= triggers


@SETTINGS
@given(incidents())
def test_every_why_chain_is_a_real_causal_path_ending_at_the_node(graph):
    for node, attrs in graph.nodes(data=True):
        if attrs["label"] != "Event":
            continue
        for chain in why_chains(graph, node).chains:
            assert chain.ids[-1] == node
            assert all(is_edge(graph, a, b) for a, b in zip(chain.ids, chain.ids[1:]))


@SETTINGS
@given(incidents())
def test_every_blast_radius_path_is_a_real_path_ending_at_the_component(graph):
    for hit in blast_radius(graph).components:
        assert hit.path[-1] == hit.id
        assert graph.nodes[hit.path[0]]["label"] == "Event"
        assert all(is_edge(graph, a, b) for a, b in zip(hit.path, hit.path[1:]))
