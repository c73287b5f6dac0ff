"""The model applies to an incident only when all its core elements link; out of scope it stores nothing and
refuses scenarios and sweeps, while graph interventions still answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.counterfactual import graph_intervention, run_scenario, sweep
from analysis.model.link_updates import update_links
from analysis.model.links import link_elements, relink
from analysis.model.overview import model_overview
from analysis.model.scope import ModelOutOfScope, graph_scope
from graph.build import ensure_incident
from graph.memory_store import MemoryStore
from graph.schema import ComponentNode, EventNode, IncidentNode, edge, node_id
from ingest.writing.corpus import INDEXES, ingest_text

AWS_REVIEW = (Path(__file__).resolve().parents[2] / "quality" / "corpus" / "dev"
              / "aws-2025-10-dynamodb-dns--official-review.txt")
DNS_ELSEWHERE = (
    "On 4 May 2024 at 10:00 UTC, a DNS misconfiguration at Contoso removed the record of the database host. "
    "The wrong DNS record caused the application servers to lose their database connections. As a result, "
    "the Contoso shop returned errors to customers for two hours. Engineers restored the DNS record at "
    "12:00 UTC and the database connections recovered.")
IID = "contoso"
OUT_OF_SCOPE = ("the executable model of the DynamoDB DNS race and EC2 cascade does not describe incident contoso: "
                "1 of 4 core elements link (missing: race between DNS Enactors, empty DNS record, "
                "droplet leases lost)")


def model_nodes(store: MemoryStore, iid: str) -> int:
    return store.counts(iid).get("ModelElement", 0)


def add_dynamodb_only(store, iid: str = IID):
    """An incident about a DynamoDB table's DNS name and a database: one of the four core elements links."""
    dns, db, down = (node_id(iid, "Event", "DNS misconfiguration"), node_id(iid, "Component", "DynamoDB"),
                     node_id(iid, "Event", "shop errors"))
    store.upsert([IncidentNode(iid, iid, "Contoso outage").to_node(),
                  ComponentNode(db, iid, "dynamodb", "DynamoDB").to_node(),
                  EventNode(dns, iid, "DNS misconfiguration").to_node(), EventNode(down, iid, "shop errors").to_node()],
                 [edge("CAUSES", dns, down, iid), edge("AFFECTS", down, db, iid)])
    return store


@pytest.fixture
def dynamodb_only() -> MemoryStore:
    return add_dynamodb_only(MemoryStore(None))


def test_relink_of_an_incident_out_of_scope_stores_no_model_node(dynamodb_only: MemoryStore) -> None:
    report = relink(dynamodb_only, IID)
    assert (report.applies, report.missing_core) == (False, ["race_condition", "record_empty", "dwfm_leases_lost"])
    assert model_nodes(dynamodb_only, IID) == 0


def test_relink_removes_the_model_nodes_an_out_of_scope_incident_had(store, new_incident) -> None:
    iid = new_incident("scope")
    add_dynamodb_only(store, iid)
    report = link_elements(store.incident_graph(iid), iid)
    store.upsert(report.nodes, report.edges)  # as stored before the model had a scope
    assert model_nodes(store, iid) == 34
    relink(store, iid)
    graph = store.incident_graph(iid)
    assert model_nodes(store, iid) == 0
    assert not any(key == "MODELS" for _, _, key in graph.edges(keys=True))
    assert graph.number_of_nodes() == 4 and graph.number_of_edges() == 2  # the incident's own graph is kept


def test_scenario_out_of_scope_is_refused_naming_the_missing_core_elements(dynamodb_only: MemoryStore) -> None:
    with pytest.raises(ModelOutOfScope) as err:
        run_scenario("dwfm_backoff", graph=dynamodb_only.incident_graph(IID))
    assert str(err.value).startswith(OUT_OF_SCOPE)
    assert err.value.scope.missing == ["race_condition", "record_empty", "dwfm_leases_lost"]


def test_sweep_out_of_scope_is_refused(dynamodb_only: MemoryStore) -> None:
    with pytest.raises(ModelOutOfScope):
        sweep("lease_timeout_min", [5, 10], graph=dynamodb_only.incident_graph(IID))


def test_graph_intervention_out_of_scope_still_answers(dynamodb_only: MemoryStore) -> None:
    result = graph_intervention(dynamodb_only.incident_graph(IID), [node_id(IID, "Event", "DNS misconfiguration")])
    assert result.averted == [node_id(IID, "Component", "DynamoDB"), node_id(IID, "Event", "DNS misconfiguration"),
                              node_id(IID, "Event", "shop errors")]


def test_overview_out_of_scope_links_nothing_and_says_why(dynamodb_only: MemoryStore) -> None:
    data = model_overview(dynamodb_only.incident_graph(IID)).to_dict()
    assert all(link["node_id"] is None for link in data["links"])
    assert data["scope"]["applies"] is False and data["scope"]["reason"] == OUT_OF_SCOPE


def test_a_dns_outage_elsewhere_that_mentions_dns_and_a_database_is_out_of_scope(nlp) -> None:
    store = MemoryStore(None)
    ensure_incident(store, IID, title="Contoso DNS")
    ingest_text(store, nlp, IID, DNS_ELSEWHERE, title="Contoso DNS")
    with INDEXES.hold(store, IID) as index:  # as the API does after an article
        assert update_links(store, index) == 0
    assert model_nodes(store, IID) == 0
    assert graph_scope(store.incident_graph(IID)).applies is False


def test_the_aws_summary_posted_alone_is_in_scope(nlp) -> None:
    store = MemoryStore(None)
    ensure_incident(store, "aws-alone", title="AWS summary")
    ingest_text(store, nlp, "aws-alone", AWS_REVIEW.read_text(), title="AWS summary")
    with INDEXES.hold(store, "aws-alone") as index:
        assert update_links(store, index) == 34
    scope = graph_scope(store.incident_graph("aws-alone"))
    assert scope.applies and scope.reason().endswith("describes incident aws-alone: 4 of 4 core elements link")
    assert model_nodes(store, "aws-alone") == 34
