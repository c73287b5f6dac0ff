"""graph.build: idempotent upserts, component alias merge and event similarity merge across sources."""

from __future__ import annotations

import pytest

from graph.build import IncidentIndex, IndexCache, apply_extraction, ensure_incident, is_same_event
from graph.memory_store import MemoryStore
from graph.schema import (
    ComponentNode,
    EventNode,
    Extraction,
    MentionNode,
    Node,
    SourceNode,
    TimePointNode,
    edge,
    node_id,
)


def extraction(source_hash: str, component: tuple[str, str, list[str]], event: tuple[str, str, list[str]],
               kind: str = "condition", **times: str):
    iid = "inc"
    src = SourceNode(f"inc:src:{source_hash}", iid, source_hash, "t")
    mid = f"inc:m:{source_hash}-0-0-4"
    mention = MentionNode(mid, iid, src.id, "text", 0, 4, "text").to_node()
    slug, name, aliases = component
    comp = ComponentNode(f"inc:c:{slug}", iid, slug, name, aliases=aliases, evidence=[mid]).to_node()
    key, concept, terms = event
    ev = EventNode(f"inc:e:{key}", iid, key, kind, components=[comp.id], evidence=[mid], **times).to_node()
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


# ------------------------------------------------ one event, several told times

DNS = ("dns", "DNS", [])


def merged_times(*accounts: tuple[str, str, dict[str, str]], kind: str = "condition") -> dict[str, str]:
    """Ingest one article per (source hash, event key, times) telling the same DNS failure; return its times."""
    store = MemoryStore(None)
    for source_hash, key, times in accounts:
        apply_extraction(store, extraction(source_hash, DNS, (key, "failure", ["dns", "failure", "resolution"]),
                                           kind, **times))
    [event] = [d for _, d in store.incident_graph("inc").nodes(data=True) if d["label"] == "Event"]
    return {k: event[k] for k in ("at", "precision", "until") if k in event}


HOUR = {"at": "2025-10-20T07:00:00Z", "precision": "hour"}
MINUTE = {"at": "2025-10-20T07:48:00Z", "precision": "minute"}
EARLY = {"at": "2025-10-20T06:48:00Z", "precision": "minute"}
DAY = {"at": "2025-10-20T00:00:00Z", "precision": "day"}


@pytest.mark.parametrize("order", [1, -1], ids=["told-first", "told-last"])
def test_the_most_precise_time_wins_in_either_order(order):
    accounts = [("a", "dns-resolution-failure", HOUR), ("b", "dns-resolution-failure", MINUTE)][::order]
    assert merged_times(*accounts) == MINUTE


@pytest.mark.parametrize("order", [1, -1], ids=["told-first", "told-last"])
def test_among_equally_precise_times_the_earliest_wins(order):
    accounts = [("a", "dns-resolution-failure", MINUTE), ("b", "dns-resolution-failure", EARLY)][::order]
    assert merged_times(*accounts) == EARLY


@pytest.mark.parametrize("order", [1, -1], ids=["told-first", "told-last"])
def test_a_recovery_keeps_the_latest_of_equally_precise_times(order):
    accounts = [("a", "dns-resolution-failure", MINUTE), ("b", "dns-resolution-failure", EARLY)][::order]
    assert merged_times(*accounts, kind="recovery") == MINUTE


@pytest.mark.parametrize("order", [1, -1], ids=["told-first", "told-last"])
def test_a_day_never_replaces_a_clock_time(order):
    accounts = [("a", "dns-resolution-failure", EARLY), ("b", "dns-resolution-failure", DAY)][::order]
    assert merged_times(*accounts) == EARLY


@pytest.mark.parametrize("order", [1, -1], ids=["told-first", "told-last"])
def test_the_latest_until_wins(order):
    accounts = [("a", "dns-resolution-failure", {**EARLY, "until": "2025-10-20T09:25:00Z"}),
                ("b", "dns-resolution-failure", {"until": "2025-10-20T08:00:00Z"})][::order]
    assert merged_times(*accounts) == {**EARLY, "until": "2025-10-20T09:25:00Z"}


@pytest.mark.parametrize("order", [1, -1], ids=["told-first", "told-last"])
def test_times_of_similar_events_merged_under_another_phrase_follow_the_rule(order):
    accounts = [("a", "dns-resolution-failure", HOUR), ("b", "dns-name-resolution-failure", EARLY)][::order]
    assert merged_times(*accounts) == EARLY


def test_an_article_without_a_time_keeps_the_stored_one():
    assert merged_times(("a", "dns-resolution-failure", EARLY), ("b", "dns-resolution-failure", {})) == EARLY


def timed_article(iid: str, source_hash: str, *utcs: str) -> Extraction:
    """An article that names only the given UTC times (each a TimePoint the Source mentions)."""
    src = SourceNode(node_id(iid, "Source", source_hash), iid, source_hash, "t")
    points = [TimePointNode(node_id(iid, "TimePoint", u), iid, u, u[11:16], evidence=[f"{iid}:m:{source_hash}"])
              .to_node() for u in utcs]
    return Extraction(iid, src, points, [edge("MENTIONS", src.id, p.id, iid) for p in points])


def before_edges(store, iid: str) -> list[tuple[str, str]]:
    """The stored BEFORE edges as (from HH:MM, to HH:MM), sorted."""
    graph = store.incident_graph(iid)
    return sorted((graph.nodes[a]["raw"], graph.nodes[b]["raw"]) for a, b, k in graph.edges(keys=True) if k == "BEFORE")


def test_a_time_landing_between_two_others_replaces_their_before_edge(store, new_incident):
    iid = new_incident()
    cache = IndexCache()
    for source_hash, utcs in (("a", ["2025-10-20T06:48:00Z", "2025-10-20T09:25:00Z"]), ("b", ["2025-10-20T07:30:00Z"])):
        with cache.hold(store, iid) as index:
            apply_extraction(store, timed_article(iid, source_hash, *utcs), index=index)
    assert before_edges(store, iid) == [("06:48", "07:30"), ("07:30", "09:25")]
    with cache.hold(store, iid) as index:  # the cached index is still current and holds no removed edge
        assert index.version == store.version(iid)
        fresh = IncidentIndex(store, iid)
        assert {k for k in index.edge_keys if k[0] == "BEFORE"} == {k for k in fresh.edge_keys if k[0] == "BEFORE"}
        assert len({k for k in index.edge_keys if k[0] == "BEFORE"}) == 2
    # an earlier and a later time: the chain grows at both ends, still one edge per TimePoint
    apply_extraction(store, timed_article(iid, "c", "2025-10-20T05:00:00Z", "2025-10-20T08:00:00Z"))
    assert before_edges(store, iid) == [("05:00", "06:48"), ("06:48", "07:30"), ("07:30", "08:00"), ("08:00", "09:25")]
