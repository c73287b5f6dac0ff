"""graph.build: idempotent upserts, component alias merge and event similarity merge across sources."""

from __future__ import annotations

from graph.build import apply_extraction, ensure_incident, is_same_event
from graph.memory_store import MemoryStore
from graph.schema import ComponentNode, EventNode, Extraction, MentionNode, Node, SourceNode, edge


def extraction(source_hash: str, component: tuple[str, str, list[str]], event: tuple[str, str, list[str]]):
    iid = "inc"
    src = SourceNode(f"inc:src:{source_hash}", iid, source_hash, "t")
    mid = f"inc:m:{source_hash}-0-0-4"
    mention = MentionNode(mid, iid, src.id, "text", 0, 4, "text").to_node()
    slug, name, aliases = component
    comp = ComponentNode(f"inc:c:{slug}", iid, slug, name, aliases=aliases, evidence=[mid]).to_node()
    key, concept, terms = event
    ev = EventNode(f"inc:e:{key}", iid, key, "condition", components=[comp.id], evidence=[mid]).to_node()
    ev = Node("Event", ev.id, {**ev.props, "concept": concept, "terms": terms})
    edges = [edge("PART_OF", mid, src.id, iid), edge("AFFECTS", ev.id, comp.id, iid, evidence=[mid])]
    return Extraction(iid, src, [mention, comp, ev], edges)


def test_components_sharing_an_alias_key_merge_into_the_first_stored():
    store = MemoryStore(None)
    ensure_incident(store, "inc", title="t")
    apply_extraction(store, extraction("a", ("droplet-workflow-manager", "Droplet Workflow Manager", ["DWFM"]),
                                       ("x", "delay", ["delay"])))
    report = apply_extraction(store, extraction("b", ("dwfm", "DWFM", []), ("y", "outage", ["outage"])))
    comps = [n for n, d in store.incident_graph("inc").nodes(data=True) if d["label"] == "Component"]
    assert comps == ["inc:c:droplet-workflow-manager"] and report.merged["components"] == 1


def test_similar_events_from_two_sources_are_one_node_with_both_evidences():
    store = MemoryStore(None)
    apply_extraction(store, extraction("a", ("nm", "Network Manager", []),
                                       ("network-propagation-delay", "delay", ["delay", "network", "propagation"])))
    apply_extraction(store, extraction("b", ("nm", "Network Manager", []), (
        "network-state-propagation-delay", "delay", ["delay", "network", "propagation", "state"])))
    graph = store.incident_graph("inc")
    events = [(n, d["summary"], d["evidence"]) for n, d in graph.nodes(data=True) if d["label"] == "Event"]
    assert events == [("inc:e:network-propagation-delay", "network-propagation-delay",
                       ["inc:m:a-0-0-4", "inc:m:b-0-0-4"])]


def test_same_extraction_twice_is_a_no_op():
    store = MemoryStore(None)
    first = apply_extraction(store, extraction("a", ("s3", "S3", []), ("s3-outage", "outage", ["outage", "s3"])))
    version = store.version("inc")
    second = apply_extraction(store, extraction("a", ("s3", "S3", []), ("s3-outage", "outage", ["outage", "s3"])))
    assert (first.created, second.created, second.added) == (True, False, {})
    assert store.version("inc") == version


def test_events_of_different_concepts_never_merge():
    assert not is_same_event({"concept": "delay", "terms": ["dns", "delay"]},
                             {"concept": "outage", "terms": ["dns", "delay"]})


def test_events_with_few_shared_terms_do_not_merge():
    assert not is_same_event({"concept": "failure", "terms": ["connection", "dynamodb", "failure"]},
                             {"concept": "failure", "terms": ["dynamodb", "failure", "instance", "launch"]})
