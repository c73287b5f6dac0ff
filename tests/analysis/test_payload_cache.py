"""Graph payload filters, incident summaries and the per-incident answer cache."""

from __future__ import annotations

import threading

import pytest

from analysis.answers import AnswerCache
from analysis.causal import assign_roles
from analysis.graph_payload import graph_payload
from analysis.incidents import incident_summaries, incident_summary
from graph.errors import IncidentNotFound, NodeNotFound
from graph.schema import EventNode
from tests.analysis.cases import dns_race


@pytest.fixture(scope="module")
def graph():
    return dns_race().build()


def test_payload_nodes_carry_kind_label_role_and_props(graph):
    data = graph_payload(graph, roles=assign_roles(graph)).to_dict()
    race = next(n for n in data["nodes"] if n["id"] == "aws:e:race")
    assert (race["kind"], race["label"], race["role"], race["summary"]) == (
        "Event", "race condition in the DNS management system", "root_cause",
        "race condition in the DNS management system")
    edge = next(e for e in data["edges"] if e["type"] == "CAUSES" and e["source"] == "aws:e:race")
    assert (edge["target"], edge["cue"]) == ("aws:e:empty-record", "resulted in")


def test_payload_kind_filter_keeps_only_edges_among_kept_nodes(graph):
    data = graph_payload(graph, kinds={"Event"}).to_dict()
    assert {n["kind"] for n in data["nodes"]} == {"Event"}
    assert {e["type"] for e in data["edges"]} == {"CAUSES"}


def test_payload_component_filter_keeps_its_events_and_their_causal_neighbours(graph):
    data = graph_payload(graph, component="aws:c:dwfm", kinds={"Event", "Component"}).to_dict()
    assert sorted(n["id"] for n in data["nodes"]) == [
        "aws:c:dwfm", "aws:e:collapse", "aws:e:dynamo-unreachable", "aws:e:leases", "aws:e:nlb-checks"]


def test_payload_unknown_component_raises_node_not_found(graph):
    with pytest.raises(NodeNotFound):
        graph_payload(graph, component="aws:c:nothing")


def test_incident_summaries_count_what_each_incident_holds():
    store = dns_race().store()
    [summary] = incident_summaries(store)
    assert summary.to_dict() == {"id": "aws", "title": "Regional outage", "sources": 3, "events": 14,
                                 "components": 8, "causal_edges": 10, "conflicts": 1}
    assert incident_summaries(store).to_dict()["incidents"][0]["id"] == "aws"
    with pytest.raises(IncidentNotFound):
        incident_summary(store, "nope")


def test_answer_cache_reuses_answers_until_the_incident_changes():
    store = dns_race().store()
    cache = AnswerCache(store)
    first = cache.root_causes("aws")
    assert cache.root_causes("aws") is first
    store.upsert([EventNode("aws:e:new", "aws", "operator paged", kind="action").to_node()])
    again = cache.root_causes("aws")
    assert again is not first
    assert "aws:e:new" in cache.roles("aws")


def test_answer_cache_is_bounded_and_raises_for_unknown_incidents():
    store = dns_race(iid="one").store()
    b = dns_race(iid="two")
    store.upsert(list(b.nodes.values()), b.edges)
    cache = AnswerCache(store, max_incidents=1)
    cache.timeline("one")
    cache.timeline("two")
    assert list(cache._entries) == ["two"]
    with pytest.raises(IncidentNotFound):
        cache.graph("missing")


def test_answer_cache_serves_threads_the_same_answer():
    cache = AnswerCache(dns_race().store())
    results = []
    threads = [threading.Thread(target=lambda: results.append(cache.blast_radius("aws").to_dict())) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 8 and all(r == results[0] for r in results)
