"""'Was it DNS?' and 'why did this happen?' on the DNS race incident."""

from __future__ import annotations

import pytest

from analysis.causal import classify, why_chains
from analysis.resolve import NoMatch
from graph.errors import NodeNotFound
from tests.analysis.cases import dns_race, tls_expiry


@pytest.fixture(scope="module")
def graph():
    return dns_race().build()


@pytest.mark.parametrize("query, node, role", [
    ("DNS failure", "aws:e:dns-failure", "first_symptom"),
    ("empty DNS record", "aws:e:empty-record", "symptom"),
    ("race condition", "aws:e:race", "root_cause"),
    ("Enactor delay", "aws:e:enactor-delay", "trigger"),
])
def test_classify_answers_with_the_role_of_the_named_event(graph, query, node, role):
    verdict = classify(graph, query)
    assert (verdict.node["id"], verdict.role, verdict.is_root_cause) == (node, role, role == "root_cause")


def test_enactor_delay_is_called_the_deeper_unexplained_cause(graph):
    assert "deeper, unexplained cause" in classify(graph, "Enactor delay").reason


def test_component_query_answers_with_what_went_wrong_with_it(graph):
    verdict = classify(graph, "DNS")
    assert verdict.node["id"] == "aws:e:dns-failure"
    assert verdict.role == "first_symptom"
    assert verdict.reason.startswith("DNS is a component; what went wrong with it was 'DNS resolution failures'")
    assert verdict.to_dict()["is_root_cause"] is False


def test_alternatives_list_other_candidates_with_scores(graph):
    alts = classify(graph, "DNS failure").to_dict()["alternatives"]
    assert alts and all(set(a) == {"id", "label", "role", "score"} for a in alts)
    assert [a["score"] for a in alts] == sorted((a["score"] for a in alts), reverse=True)


def test_empty_query_is_a_value_error(graph):
    with pytest.raises(ValueError, match="empty query"):
        classify(graph, "   ")


def test_unknown_text_is_no_match(graph):
    with pytest.raises(NoMatch, match="nothing in this incident matches 'kubernetes'"):
        classify(graph, "kubernetes")


def test_why_chain_runs_from_the_trigger_through_the_root_with_evidence(graph):
    report = why_chains(graph, "aws:e:collapse")
    assert [c.ids for c in report.chains] == [[
        "aws:e:enactor-delay", "aws:e:race", "aws:e:empty-record", "aws:e:dns-failure",
        "aws:e:dynamo-unreachable", "aws:e:leases", "aws:e:collapse"]]
    steps = report.to_dict()["chains"][0]["steps"]
    assert (steps[1]["cue"], steps[1]["confidence"]) == ("triggered", 0.9)
    assert steps[1]["evidence"][0]["quote"] == "triggered"
    assert report.capped is False


def test_why_chain_of_an_event_joined_by_a_contributing_factor_lists_both_paths(graph):
    report = why_chains(graph, "aws:e:empty-record")
    assert [c.ids for c in report.chains] == [["aws:e:enactor-delay", "aws:e:race", "aws:e:empty-record"]]
    contributing = why_chains(graph, "aws:e:plans-deleted")
    assert [c.ids for c in contributing.chains] == [["aws:e:planner-continued", "aws:e:plans-deleted"]]


def test_why_chain_of_the_root_cause_starts_at_its_trigger(graph):
    assert [c.ids for c in why_chains(graph, "aws:e:race").chains] == [["aws:e:enactor-delay", "aws:e:race"]]


def test_why_chain_cap_is_reported():
    from tests.analysis.graph_builder import IncidentBuilder

    b = IncidentBuilder("many")
    b.event("root", "root", "condition")
    for i in range(3):
        b.event(f"a{i}", f"step a{i}", "condition")
        b.event(f"b{i}", f"step b{i}", "condition")
        b.causes("root" if i == 0 else f"join{i - 1}", f"a{i}")
        b.causes("root" if i == 0 else f"join{i - 1}", f"b{i}")
        b.event(f"join{i}", f"join {i}", "failure")
        b.causes(f"a{i}", f"join{i}")
        b.causes(f"b{i}", f"join{i}")
    report = why_chains(b.build(), "many:e:join2", limit=5)
    assert (len(report.chains), report.capped) == (5, True)  # 8 paths exist


def test_why_chain_of_unknown_node_raises_node_not_found(graph):
    with pytest.raises(NodeNotFound):
        why_chains(graph, "aws:e:nothing")


def test_why_chain_of_a_component_raises_node_not_found(graph):
    with pytest.raises(NodeNotFound):
        why_chains(graph, "aws:c:dns")


def test_classify_in_another_incident():
    verdict = classify(tls_expiry(), "TLS handshake failures")
    assert (verdict.node["id"], verdict.role) == ("tls:e:handshakes", "first_symptom")


def test_classify_in_an_empty_incident_is_no_match():
    from tests.analysis.graph_builder import IncidentBuilder

    with pytest.raises(NoMatch):
        classify(IncidentBuilder("empty").build(), "DNS")


def test_component_no_event_affects_is_no_match():
    from tests.analysis.graph_builder import IncidentBuilder

    b = IncidentBuilder("quiet")
    b.component("dns", "DNS")
    with pytest.raises(NoMatch, match="only components that no event of the incident affects"):
        classify(b.build(), "DNS")


def test_why_chain_limit_below_one_is_a_value_error(graph):
    with pytest.raises(ValueError, match="limit must be at least 1"):
        why_chains(graph, "aws:e:race", limit=0)
