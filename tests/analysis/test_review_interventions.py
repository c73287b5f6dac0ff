"""Action items from graph interventions: each cause removed, ranked by the customer-facing impacts it averts."""

from __future__ import annotations

import networkx as nx

from analysis.review_interventions import intervention_items

I = "inc"


def outage() -> nx.MultiDiGraph:
    """A bad deploy takes down checkout (and with it the customer portal) and search: three customer-facing
    impacts; a cache flush slows reports (one impact); a disk alarm leads only to paging someone (none)."""
    g = nx.MultiDiGraph()
    g.add_node(I, label="Incident", incident=I, title="Outage")
    for name, kind in [("bad deploy", "action"), ("checkout down", "impact"), ("search down", "impact"),
                       ("cache flush", "action"), ("slow reports", "impact"), ("disk alarm", "condition"),
                       ("on-call page", "mitigation")]:
        g.add_node(f"{I}:e:{name}", label="Event", incident=I, summary=name, kind=kind)
    g.add_node(f"{I}:c:portal", label="Component", incident=I, name="customer portal", kind="customer")
    for cause, effect in [("bad deploy", "checkout down"), ("bad deploy", "search down"),
                          ("cache flush", "slow reports"), ("disk alarm", "on-call page")]:
        g.add_edge(f"{I}:e:{cause}", f"{I}:e:{effect}", key="CAUSES", type="CAUSES", confidence=0.9)
    g.add_edge(f"{I}:e:checkout down", f"{I}:c:portal", key="AFFECTS", type="AFFECTS")
    return g


def test_causes_are_ranked_by_customer_facing_impacts_averted_weighted_by_confidence() -> None:
    items = intervention_items(outage())
    assert [(i.label, i.impacts) for i in items] == [
        ("bad deploy", ("customer portal", "checkout down", "search down")),
        ("cache flush", ("slow reports",)),
        ("disk alarm", ())]
    assert all(i.score == round(i.customer_impacts * i.confidence, 2) for i in items)
    assert [i.score for i in items] == sorted((i.score for i in items), reverse=True)


def test_a_cause_that_averts_no_impact_says_what_it_does_avert() -> None:
    last = intervention_items(outage())[-1].row()
    assert (last["Verdict"], last["Effect"]) == ("averts 0 customer-facing impacts",
                                                 "averts 1 events and 0 components, no customer-facing impact")


def test_an_incident_without_causal_edges_has_no_intervention_items() -> None:
    g = nx.MultiDiGraph()
    g.add_node(f"{I}:e:x", label="Event", incident=I, summary="errors", kind="symptom")
    assert intervention_items(g) == []
