"""Model elements link to graph nodes by alias and time, never by a written id; relink stores ModelElement/MODELS."""

from __future__ import annotations

import pytest

from analysis.model.links import elements, link_elements, relink, timepoints_at
from analysis.model.overview import model_overview
from analysis.text_match import words
from graph.memory_store import MemoryStore
from graph.schema import ComponentNode, EventNode, IncidentNode, TimePointNode, node_id

IID = "inc"
COMPONENTS = [("DynamoDB", ["Amazon DynamoDB"]), ("DropletWorkflow Manager", ["DWFM"]), ("EC2", ["Amazon EC2"]),
              ("Lambda", ["AWS Lambda"]), ("Network Load Balancer", ["NLB"]), ("DNS Enactor", []),
              ("Network Manager", [])]
EVENTS = ["race condition", "empty DNS record", "DynamoDB outage", "DWFM congestive collapse", "lease expiry",
          "Network Manager backlog", "health check failures", "DNS Enactor delay", "DynamoDB recovery", "EC2 outage"]
TIMES = ["2025-10-20T09:25:00Z", "2025-10-20T17:36:00Z", "2025-10-20T20:50:00Z"]


def cid(name: str) -> str:
    return node_id(IID, "Component", name)


def eid(summary: str) -> str:
    return node_id(IID, "Event", summary)


def tid(utc: str) -> str:
    return node_id(IID, "TimePoint", utc)


@pytest.fixture
def store() -> MemoryStore:
    s = MemoryStore(None)
    nodes = [IncidentNode(IID, IID, "Test outage").to_node()]
    nodes += [ComponentNode(cid(n), IID, cid(n).split(":")[-1], n, aliases=a).to_node() for n, a in COMPONENTS]
    nodes += [EventNode(eid(e), IID, e).to_node() for e in EVENTS]
    nodes += [TimePointNode(tid(t), IID, t, t).to_node() for t in TIMES]
    s.upsert(nodes)
    return s


def test_words_stem_and_drop_stop_words() -> None:
    assert words("The leases expired") == {"lease", "expir"}


def test_elements_link_to_the_nodes_they_stand_for(store: MemoryStore) -> None:
    links = dict(link_elements(store.incident_graph(IID), IID).links)
    assert links["dwfm"] == cid("DropletWorkflow Manager")
    assert links["dynamodb"] == cid("DynamoDB")
    assert links["nlb"] == cid("Network Load Balancer")
    assert links["record_empty"] == eid("empty DNS record")
    assert links["dynamodb_unavailable"] == eid("DynamoDB outage")
    assert links["dwfm_congestive_collapse"] == eid("DWFM congestive collapse")
    assert links["dwfm_leases_lost"] == eid("lease expiry")
    assert links["enactor_delay"] == eid("DNS Enactor delay")
    assert links["network_backlog"] == eid("Network Manager backlog")
    assert links["nlb_health_check_failures"] == eid("health check failures")
    assert links["dynamodb_recovered"] == eid("DynamoDB recovery")
    assert links["network_normal"] == tid("2025-10-20T17:36:00Z")
    assert links["full_recovery"] == tid("2025-10-20T20:50:00Z")
    assert len(links) >= 8


def test_elements_without_a_node_are_reported(store: MemoryStore) -> None:
    report = link_elements(store.incident_graph(IID), IID)
    assert "fargate" in report.unlinked and "dwfm" not in report.unlinked
    assert len(report.links) + len(report.unlinked) == len(elements())
    assert report.table().splitlines()[-1].startswith(f"{len(report.links)} model elements linked")


def test_relink_stores_model_elements_and_models_edges_once(store: MemoryStore) -> None:
    report = relink(store, IID)
    relink(store, IID)
    graph = store.incident_graph(IID)
    model_nodes = [n for n, a in graph.nodes(data=True) if a["label"] == "ModelElement"]
    models = [(s, t) for s, t, a in graph.edges(data=True) if a["type"] == "MODELS"]
    assert len(model_nodes) == len(elements())
    assert sorted(models) == sorted((node_id(IID, "ModelElement", e), n) for e, n in report.links)
    assert graph.nodes[node_id(IID, "ModelElement", "dwfm")]["kind"] == "process"


def test_empty_graph_links_nothing() -> None:
    s = MemoryStore(None)
    s.upsert([IncidentNode(IID, IID, "Empty").to_node()])
    report = link_elements(s.incident_graph(IID), IID)
    assert report.links == [] and len(report.unlinked) == len(elements())


def test_timepoints_at_finds_the_minute(store: MemoryStore) -> None:
    assert timepoints_at(store.incident_graph(IID), "2025-10-20T09:25") == [tid("2025-10-20T09:25:00Z")]
    assert timepoints_at(store.incident_graph(IID), "2025-10-20T09:26") == []


@pytest.fixture
def linked(store: MemoryStore) -> MemoryStore:
    """The store with the model's links stored (what every reader of links reads)."""
    relink(store, IID)
    return store


def test_overview_lists_parts_and_links(linked: MemoryStore) -> None:
    data = model_overview(linked.incident_graph(IID)).to_dict()
    assert {"name": "lease_timeout_min", "unit": "min", "default": 20, "min": 1, "max": 240}.items() <= \
        next(p for p in data["parameters"] if p["name"] == "lease_timeout_min").items()
    assert {"element": "dwfm", "node_id": cid("DropletWorkflow Manager")} in data["links"]
    assert data["fixes"] == ["generation_check_on_write", "never_delete_live_plan", "single_enactor"]


def test_overview_without_graph_has_no_links() -> None:
    data = model_overview().to_dict()
    assert all(link["node_id"] is None for link in data["links"])


def test_readers_follow_the_stored_links_until_a_relink_rewrites_them(linked: MemoryStore) -> None:
    linked.upsert([EventNode(eid("leases time out"), IID, "leases time out").to_node()])  # a better match, not linked
    before = {link["element"]: link["node_id"] for link in model_overview(linked.incident_graph(IID)).links}
    assert before["dwfm_leases_lost"] == eid("lease expiry")
    relink(linked, IID)
    after = {link["element"]: link["node_id"] for link in model_overview(linked.incident_graph(IID)).links}
    assert after["dwfm_leases_lost"] == eid("leases time out")


def test_scenario_reports_averted_graph_nodes_and_calibration_timepoints(linked: MemoryStore) -> None:
    from analysis.counterfactual import run_scenario

    data = run_scenario("fixed_cleanup", graph=linked.incident_graph(IID)).to_dict()
    assert {eid("empty DNS record"), eid("DynamoDB outage"), eid("DWFM congestive collapse"), cid("Lambda"),
            cid("EC2")} <= set(data["averted"])
    assert data["remaining"] == [cid("DNS Enactor"), eid("DNS Enactor delay")]  # the stale write still happens
    rows = {r["milestone"]: r for r in data["baseline"]["calibration"]}
    assert rows["dynamodb_recovered"]["timepoints"] == [tid("2025-10-20T09:25:00Z")]
    assert rows["dwfm_recovered"]["timepoints"] == []


def models_of(store: MemoryStore, element: str) -> list[str]:
    """Targets of the stored MODELS edges of one element, sorted."""
    graph = store.incident_graph(IID)
    return sorted(t for _, t, k in graph.out_edges(node_id(IID, "ModelElement", element), keys=True) if k == "MODELS")


def test_relink_moves_an_element_to_its_new_best_node(store: MemoryStore) -> None:
    relink(store, IID)
    assert models_of(store, "dwfm_leases_lost") == [eid("lease expiry")]
    store.upsert([EventNode(eid("leases time out"), IID, "leases time out").to_node()])  # a longer alias matches
    report = relink(store, IID)
    assert report.node_of("dwfm_leases_lost") == eid("leases time out")
    assert models_of(store, "dwfm_leases_lost") == [eid("leases time out")]


def test_relink_drops_the_edge_of_an_element_that_no_longer_matches(store: MemoryStore) -> None:
    relink(store, IID)
    assert models_of(store, "enactor_delay") == [eid("DNS Enactor delay")]
    store.upsert([EventNode(eid("DNS Enactor delay"), IID, "DNS Enactor stall").to_node()])  # a corrected summary
    report = relink(store, IID)
    assert "enactor_delay" in report.unlinked
    assert models_of(store, "enactor_delay") == []
    graph = store.incident_graph(IID)
    assert sorted((s, t) for s, t, k in graph.edges(keys=True) if k == "MODELS") == sorted(
        (node_id(IID, "ModelElement", e), n) for e, n in report.links)
