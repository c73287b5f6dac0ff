"""The GraphStore contract, run against the embedded store and the Bolt store alike."""

from __future__ import annotations

import time

import pytest

from graph.errors import IncidentFull, IncidentNotFound, NodeNotFound, SchemaError
from graph.schema import Edge, Node


def event(iid: str, key: str, **props) -> Node:
    return Node("Event", f"{iid}:e:{key}", {"incident": iid, **props})


def component(iid: str, key: str, **props) -> Node:
    return Node("Component", f"{iid}:c:{key}", {"incident": iid, **props})


def causes(iid: str, a: str, b: str, **props) -> Edge:
    return Edge("CAUSES", f"{iid}:e:{a}", f"{iid}:e:{b}", {"incident": iid, **props})


def chain(store, iid: str) -> None:
    """a -> b -> c -> d, and b AFFECTS component x."""
    store.upsert([event(iid, k, summary=f"event {k}") for k in "abcd"] + [component(iid, "x", name="EC2")],
                 [causes(iid, "a", "b"), causes(iid, "b", "c"), causes(iid, "c", "d"),
                  Edge("AFFECTS", f"{iid}:e:b", f"{iid}:c:x", {"incident": iid})])


def tampered(node: Node, **fields) -> Node:
    """A Node whose fields were changed after it was built (so only the store can catch it)."""
    for name, value in fields.items():
        object.__setattr__(node, name, value)
    return node


def test_same_node_twice_is_one_node_with_merged_evidence(store, new_incident):
    iid = new_incident()
    store.upsert([event(iid, "dns", summary="DNS failed", evidence=["m1"])])
    store.upsert([event(iid, "dns", summary="DNS resolution failed", evidence=["m2", "m1"])])
    graph = store.incident_graph(iid)
    assert list(graph.nodes) == [f"{iid}:e:dns"]
    assert graph.nodes[f"{iid}:e:dns"] == {"incident": iid, "summary": "DNS resolution failed",
                                           "evidence": ["m1", "m2"], "label": "Event"}


def test_same_edge_twice_is_one_edge_with_merged_props(store, new_incident):
    iid = new_incident()
    store.upsert([event(iid, "a"), event(iid, "b")], [causes(iid, "a", "b", cue="led to", evidence=["m1"])])
    store.upsert([], [causes(iid, "a", "b", confidence=0.9, evidence=["m2"])])
    edges = list(store.incident_graph(iid).edges(keys=True, data=True))
    assert edges == [(f"{iid}:e:a", f"{iid}:e:b", "CAUSES", {"incident": iid, "cue": "led to", "evidence": ["m1", "m2"],
                                                            "confidence": 0.9, "type": "CAUSES"})]


def test_duplicates_inside_one_batch_merge_in_order(store, new_incident):
    iid = new_incident()
    store.upsert([event(iid, "a", evidence=["m1"], kind="symptom"), event(iid, "a", evidence=["m2"], kind="failure")])
    assert store.get_node(f"{iid}:e:a").props == {"incident": iid, "evidence": ["m1", "m2"], "kind": "failure"}


def test_property_values_come_back_with_their_types(store, new_incident):
    iid = new_incident()
    props = {"incident": iid, "summary": "Überlastung ✓", "confidence": 1.0, "count": 3, "observable": True,
             "scores": [0.5, 2.25], "cues": [], "aliases": ["DWFM"]}
    store.upsert([Node("Event", f"{iid}:e:a", props)])
    stored = store.get_node(f"{iid}:e:a").props
    assert stored == props
    assert [type(stored[k]) for k in ("confidence", "count", "observable")] == [float, int, bool]


def test_ten_thousand_nodes_and_edges_in_one_batch(store, new_incident):
    iid = new_incident("big")
    n = 10_000
    nodes = [event(iid, str(i), summary=f"event {i}", evidence=[f"{iid}:m:{i}"]) for i in range(n)]
    edges = [causes(iid, str(i), str((i * 7 + 1) % n), confidence=0.5) for i in range(n)]
    started = time.monotonic()
    store.upsert(nodes, edges)
    graph = store.incident_graph(iid)
    elapsed = time.monotonic() - started
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (n, n)
    assert graph.nodes[f"{iid}:e:42"]["evidence"] == [f"{iid}:m:42"]
    assert graph.has_edge(f"{iid}:e:42", f"{iid}:e:295", "CAUSES")
    assert elapsed < 30, f"10,000 nodes and edges took {elapsed:.1f} s"


def test_deleting_one_incident_leaves_another_intact(store, new_incident):
    first, second = new_incident(), new_incident()
    chain(store, first)
    chain(store, second)
    assert store.delete_incident(first) == 5
    assert store.delete_incident(first) == 0
    with pytest.raises(IncidentNotFound):
        store.incident_graph(first)
    graph = store.incident_graph(second)
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (5, 4)
    assert first not in store.incident_ids() and second in store.incident_ids()


def test_unknown_label_is_rejected_and_nothing_written(store, new_incident):
    iid = new_incident()
    with pytest.raises(SchemaError, match="unknown node label 'Bogus'"):
        Node("Bogus", f"{iid}:x:a", {"incident": iid})
    bad = tampered(event(iid, "b"), label="Bogus")
    with pytest.raises(SchemaError, match="unknown node label 'Bogus'"):
        store.upsert([event(iid, "a"), bad])
    assert store.get_node(f"{iid}:e:a") is None
    assert iid not in store.incident_ids()


def test_unknown_relationship_type_is_rejected_and_nothing_written(store, new_incident):
    iid = new_incident()
    with pytest.raises(SchemaError, match="unknown relationship type 'KNOWS'"):
        Edge("KNOWS", f"{iid}:e:a", f"{iid}:e:b", {"incident": iid})
    bad = causes(iid, "a", "b")
    object.__setattr__(bad, "type", "KNOWS")
    with pytest.raises(SchemaError, match="unknown relationship type 'KNOWS'"):
        store.upsert([event(iid, "a"), event(iid, "b")], [bad])
    assert store.get_node(f"{iid}:e:a") is None


def test_nested_map_property_is_rejected_and_nothing_written(store, new_incident):
    iid = new_incident()
    with pytest.raises(SchemaError, match="property 'detail': dict is not a legal property value"):
        event(iid, "a", detail={"x": 1})
    bad = tampered(event(iid, "b"), props={"incident": iid, "detail": {"x": 1}})
    with pytest.raises(SchemaError, match="property 'detail'"):
        store.upsert([event(iid, "a"), bad])
    assert store.get_node(f"{iid}:e:a") is None


def test_edge_with_missing_endpoint_is_rejected_and_nothing_written(store, new_incident):
    iid = new_incident()
    with pytest.raises(SchemaError, match=f"node '{iid}:e:ghost' does not exist"):
        store.upsert([event(iid, "a")], [causes(iid, "a", "ghost")])
    assert store.get_node(f"{iid}:e:a") is None
    assert store.version(iid) == 0


def test_edge_between_labels_its_type_forbids_is_rejected(store, new_incident):
    iid = new_incident()
    store.upsert([event(iid, "a"), component(iid, "x")])
    before = store.version(iid)
    with pytest.raises(SchemaError, match="CAUSES may not join Event to Component"):
        store.upsert([], [Edge("CAUSES", f"{iid}:e:a", f"{iid}:c:x", {"incident": iid})])
    assert store.incident_graph(iid).number_of_edges() == 0
    assert store.version(iid) == before


def test_a_node_cannot_change_its_label(store, new_incident):
    iid = new_incident()
    store.upsert([event(iid, "a")])
    with pytest.raises(SchemaError, match="is stored as Event; it cannot become Component"):
        store.upsert([Node("Component", f"{iid}:e:a", {"incident": iid})])
    assert store.get_node(f"{iid}:e:a").label == "Event"


def test_edge_may_point_at_a_node_stored_earlier(store, new_incident):
    iid = new_incident()
    store.upsert([event(iid, "a")])
    store.upsert([event(iid, "b")], [causes(iid, "a", "b")])
    assert list(store.incident_graph(iid).edges()) == [(f"{iid}:e:a", f"{iid}:e:b")]


def test_get_node_returns_the_node_or_none(store, new_incident):
    iid = new_incident()
    store.upsert([component(iid, "ec2", name="EC2", aliases=["Elastic Compute Cloud"])])
    found = store.get_node(f"{iid}:c:ec2")
    assert (found.label, found.id) == ("Component", f"{iid}:c:ec2")
    assert found.props == {"incident": iid, "name": "EC2", "aliases": ["Elastic Compute Cloud"]}
    assert store.get_node(f"{iid}:c:nope") is None


def test_neighbourhood_walks_both_directions_to_the_given_depth(store, new_incident):
    iid = new_incident()
    chain(store, iid)
    one = store.neighbourhood(f"{iid}:e:b", 1)
    assert sorted(one.nodes) == [f"{iid}:c:x", f"{iid}:e:a", f"{iid}:e:b", f"{iid}:e:c"]
    assert sorted((u, v, k) for u, v, k in one.edges(keys=True)) == [
        (f"{iid}:e:a", f"{iid}:e:b", "CAUSES"), (f"{iid}:e:b", f"{iid}:c:x", "AFFECTS"),
        (f"{iid}:e:b", f"{iid}:e:c", "CAUSES")]
    assert sorted(store.neighbourhood(f"{iid}:e:a", 2).nodes) == [f"{iid}:c:x", f"{iid}:e:a", f"{iid}:e:b",
                                                                   f"{iid}:e:c"]
    assert list(store.neighbourhood(f"{iid}:e:a", 0).nodes) == [f"{iid}:e:a"]


def test_neighbourhood_includes_edges_between_nodes_at_the_rim(store, new_incident):
    iid = new_incident()
    store.upsert([event(iid, k) for k in "abc"], [causes(iid, "a", "b"), causes(iid, "a", "c"), causes(iid, "b", "c")])
    assert sorted(store.neighbourhood(f"{iid}:e:a", 1).edges()) == [
        (f"{iid}:e:a", f"{iid}:e:b"), (f"{iid}:e:a", f"{iid}:e:c"), (f"{iid}:e:b", f"{iid}:e:c")]


def test_neighbourhood_of_unknown_node_raises(store, new_incident):
    with pytest.raises(NodeNotFound):
        store.neighbourhood(f"{new_incident()}:e:nope")


def test_search_is_case_insensitive_over_names_summaries_and_aliases(store, new_incident):
    iid = new_incident()
    store.upsert([event(iid, "dns", summary="Empty DNS record for the endpoint"),
                  component(iid, "dwfm", name="DropletWorkflow Manager", aliases=["DWFM"]),
                  component(iid, "nlb", name="Network Load Balancer")])
    assert [n.id for n in store.search("dns record") if n.incident == iid] == [f"{iid}:e:dns"]
    assert [n.id for n in store.search("dwfm") if n.incident == iid] == [f"{iid}:c:dwfm"]
    assert [n.id for n in store.search("E", label="Component") if n.incident == iid] == [f"{iid}:c:dwfm",
                                                                                          f"{iid}:c:nlb"]
    assert [n.id for n in store.search("LOAD BALANCER") if n.incident == iid] == [f"{iid}:c:nlb"]


def test_search_honours_limit_and_rejects_empty_text(store, new_incident):
    iid = new_incident()
    store.upsert([event(iid, str(i), summary=f"zqxj-{iid} {i}") for i in range(5)])
    assert [n.id for n in store.search(f"ZQXJ-{iid}", limit=2)] == [f"{iid}:e:0", f"{iid}:e:1"]
    with pytest.raises(ValueError):
        store.search("   ")


def test_version_changes_on_every_write_and_not_on_reads(store, new_incident):
    iid = new_incident()
    assert store.version(iid) == 0
    store.upsert([event(iid, "a")])
    first = store.version(iid)
    store.incident_graph(iid)
    store.search("a")
    assert store.version(iid) == first
    store.upsert([event(iid, "a", evidence=["m9"])])
    second = store.version(iid)
    store.delete_incident(iid)
    assert len({0, first, second, store.version(iid)}) == 4


def test_health_reports_a_reachable_store(store):
    health = store.health()
    assert health["store"] == store.kind and health["reachable"] is True


def test_unknown_incident_graph_raises(store, new_incident):
    with pytest.raises(IncidentNotFound):
        store.incident_graph(new_incident())


# ------------------------------------------------------------------ replace


def models(iid: str, element: str, target: str, **props) -> Edge:
    return Edge("MODELS", f"{iid}:me:{element}", target, {"incident": iid, **props})


def model_element(iid: str, element: str) -> Node:
    return Node("ModelElement", f"{iid}:me:{element}", {"incident": iid, "element": element, "kind": "process"})


def edges_of(store, iid: str) -> list[tuple[str, str, str, dict]]:
    """(source, target, type, props without ``type``) of every edge of the incident, sorted."""
    return sorted((u, v, k, {x: y for x, y in d.items() if x != "type"})
                  for u, v, k, d in store.incident_graph(iid).edges(keys=True, data=True))


def modelled(store, iid: str) -> None:
    """Element m models event a, element n models event b; a CAUSES b; events c and d are spare."""
    store.upsert([event(iid, k) for k in "abcd"] + [model_element(iid, "m"), model_element(iid, "n")],
                 [models(iid, "m", f"{iid}:e:a", via="alias", evidence=["m1"]),
                  models(iid, "n", f"{iid}:e:b", via="alias"), causes(iid, "a", "b")])


def test_replace_removes_only_that_type_from_that_source(store, new_incident):
    iid = new_incident()
    modelled(store, iid)
    store.upsert([], [models(iid, "m", f"{iid}:e:c", via="time")], replace=[("MODELS", f"{iid}:me:m")])
    assert edges_of(store, iid) == [
        (f"{iid}:e:a", f"{iid}:e:b", "CAUSES", {"incident": iid}),
        (f"{iid}:me:m", f"{iid}:e:c", "MODELS", {"incident": iid, "via": "time"}),
        (f"{iid}:me:n", f"{iid}:e:b", "MODELS", {"incident": iid, "via": "alias"})]


def test_replaced_edge_to_the_same_target_keeps_only_its_own_props(store, new_incident):
    iid = new_incident()
    modelled(store, iid)
    store.upsert([], [models(iid, "m", f"{iid}:e:a", evidence=["m2"])], replace=[("MODELS", f"{iid}:me:m")])
    assert [e for e in edges_of(store, iid) if e[0] == f"{iid}:me:m"] == [
        (f"{iid}:me:m", f"{iid}:e:a", "MODELS", {"incident": iid, "evidence": ["m2"]})]


def test_replace_without_new_edges_removes_and_bumps_the_version(store, new_incident):
    iid = new_incident()
    modelled(store, iid)
    before = store.version(iid)
    store.upsert([], replace=[("MODELS", f"{iid}:me:m"), ("MODELS", f"{iid}:me:gone")])
    assert [e[:3] for e in edges_of(store, iid) if e[2] == "MODELS"] == [(f"{iid}:me:n", f"{iid}:e:b", "MODELS")]
    after = store.version(iid)
    assert after != before
    store.upsert([], replace=[("MODELS", f"{iid}:me:m"), ("MODELS", f"{iid}:me:gone")])  # nothing left to remove
    assert store.version(iid) == after


def test_a_batch_failing_validation_removes_nothing(store, new_incident):
    iid = new_incident()
    modelled(store, iid)
    stored, version = edges_of(store, iid), store.version(iid)
    with pytest.raises(SchemaError, match="does not exist"):
        store.upsert([], [models(iid, "m", f"{iid}:e:ghost")], replace=[("MODELS", f"{iid}:me:m")])
    with pytest.raises(SchemaError, match="unknown relationship type 'KNOWS'"):
        store.upsert([], [models(iid, "m", f"{iid}:e:c")], replace=[("MODELS", f"{iid}:me:m"), ("KNOWS", f"{iid}:e:a")])
    with pytest.raises(SchemaError, match="illegal id"):
        store.upsert([], replace=[("MODELS", "Not An Id")])
    assert edges_of(store, iid) == stored and store.version(iid) == version


def test_replace_and_new_nodes_in_one_batch(store, new_incident):
    iid = new_incident()
    modelled(store, iid)
    store.upsert([event(iid, "e")], [models(iid, "m", f"{iid}:e:e")], replace=[("MODELS", f"{iid}:me:m")])
    assert [e[:2] for e in edges_of(store, iid) if e[0] == f"{iid}:me:m"] == [(f"{iid}:me:m", f"{iid}:e:e")]


def test_replace_is_seen_by_a_store_reopened_on_the_same_data(tmp_path):
    from graph.memory_store import MemoryStore

    first = MemoryStore(tmp_path / "data")
    modelled(first, "r")
    first.upsert([], [models("r", "m", "r:e:c")], replace=[("MODELS", "r:me:m")])
    first.upsert([], replace=[("MODELS", "r:me:n")])
    again = MemoryStore(tmp_path / "data")
    assert edges_of(again, "r") == edges_of(first, "r")
    assert [e[:2] for e in edges_of(again, "r") if e[2] == "MODELS"] == [("r:me:m", "r:e:c")]
    assert again.version("r") == first.version("r") == 3


# ------------------------------------------------------------------ counts and the article cap


def source(iid: str, key: str) -> Node:
    return Node("Source", f"{iid}:s:{key}", {"incident": iid, "title": f"article {key}"})


def test_counts_give_nodes_by_label_and_edges_by_type(store, new_incident):
    iid = new_incident()
    assert store.counts(iid) == {}
    chain(store, iid)
    assert store.counts(iid) == {"Event": 4, "Component": 1, "CAUSES": 3, "AFFECTS": 1}
    store.upsert([event(iid, "a", summary="again")], [causes(iid, "a", "b", cue="led to")])  # merges add nothing
    assert store.counts(iid) == {"Event": 4, "Component": 1, "CAUSES": 3, "AFFECTS": 1}
    store.upsert([], [], replace=[("CAUSES", f"{iid}:e:a")])
    assert store.counts(iid) == {"Event": 4, "Component": 1, "CAUSES": 2, "AFFECTS": 1}
    store.delete_incident(iid)
    assert store.counts(iid) == {}


def test_max_sources_refuses_the_article_over_the_cap_and_writes_nothing(store, new_incident):
    iid = new_incident()
    saved, store.max_sources = store.max_sources, 2
    try:
        store.upsert([source(iid, "a"), source(iid, "b")])
        store.upsert([source(iid, "a")])  # already stored: not a new article
        with pytest.raises(IncidentFull, match="already holds 2 articles"):
            store.upsert([source(iid, "c"), event(iid, "x")])
        assert store.get_node(f"{iid}:s:c") is None and store.get_node(f"{iid}:e:x") is None
        assert store.counts(iid) == {"Source": 2}
    finally:
        store.max_sources = saved
