"""Root cause versus symptom on small literal incidents: exact roles, one test per edge case."""

from __future__ import annotations

import pytest

from analysis.causal import assign_roles, causal_cycles, root_causes
from tests.analysis.cases import dns_race, tls_expiry
from tests.analysis.graph_builder import IncidentBuilder


def roles_of(graph) -> dict[str, str]:
    return {node.split(":", 2)[2]: r.role for node, r in assign_roles(graph).items()}


def ids(findings) -> list[str]:
    return [f.id.split(":", 2)[2] for f in findings]


def test_dns_race_roles_follow_claims_and_structure():
    assert roles_of(dns_race().build()) == {
        "race": "root_cause", "enactor-delay": "trigger",
        "planner-continued": "contributing_factor", "plans-deleted": "contributing_factor",
        "dns-failure": "first_symptom", "empty-record": "symptom", "dynamo-unreachable": "symptom",
        "leases": "symptom", "collapse": "symptom", "nlb-checks": "symptom", "lambda-errors": "impact",
        "dynamo-recovered": "recovery", "all-recovered": "recovery", "automation-off": "mitigation",
    }


def test_structure_alone_uses_the_trigger_cue_and_picks_the_earliest_symptom():
    roles = roles_of(dns_race(claims=False).build())
    assert roles["race"] == "root_cause"
    assert roles["enactor-delay"] == "trigger"
    assert roles["empty-record"] == "first_symptom"  # one step below the race; DNS failures are two
    assert roles["dns-failure"] == "symptom"


def test_claim_structure_disagreement_is_reported_not_hidden():
    report = root_causes(dns_race().build())
    assert ids(report.root_causes) == ["race"]
    assert ids(report.triggers) == ["enactor-delay"]
    [dis] = report.disagreements
    assert (dis.id.endswith("enactor-delay"), dis.structural_role, dis.claimed_role) == (True, "root_cause", "trigger")
    assert "one 'why' further lies 'unusually high delays in a DNS Enactor' (unexplained)" in report.root_causes[0].notes
    assert "unexplained" in report.triggers[0].reason


def test_open_questions_hold_the_unexplained_delay_and_the_sources_questions():
    report = root_causes(dns_race().build())
    asked = {(q.id.split(":", 2)[2], q.question) for q in report.open_questions}
    assert asked == {("enactor-delay", "What caused unusually high delays in a DNS Enactor?"),
                     ("why-delay", "Why did the Enactor slow down?")}


def test_root_cause_carries_evidence_from_each_source():
    root = root_causes(dns_race().build()).root_causes[0]
    assert [(e.source, e.quote) for e in root.evidence] == [
        ("How the outage happened", "The root cause was a race condition."),
        ("Cloud outage news report", "A race condition took out DynamoDB."),
    ]
    assert root.confidence == 1.0  # two sources, strong cue, two agreeing claims


def test_second_incident_about_another_system():
    assert roles_of(tls_expiry()) == {
        "renewal-failed": "root_cause", "cert-expired": "symptom", "handshakes": "first_symptom",
        "api-errors": "impact", "renewed": "recovery",
    }


def test_empty_incident_has_no_findings():
    report = root_causes(IncidentBuilder("empty").build())
    assert report.to_dict() == {name: [] for name in report.to_dict()}


def test_cycle_is_reported_and_every_event_still_has_a_role():
    b = IncidentBuilder("cyc")
    b.event("bug", "config bug", "condition")
    b.event("load", "retry load", "condition")
    b.event("timeouts", "request timeouts", "symptom")
    b.event("errors", "user-facing errors", "impact")
    b.causes("bug", "load")
    b.causes("load", "timeouts")
    b.causes("timeouts", "load", "worsened")
    b.causes("timeouts", "errors")
    g = b.build()
    assert causal_cycles(g) == [["cyc:e:load", "cyc:e:timeouts"]]
    assert roles_of(g) == {"bug": "root_cause", "load": "symptom", "timeouts": "first_symptom", "errors": "impact"}
    assert [c.nodes for c in root_causes(g).cycles] == [["cyc:e:load", "cyc:e:timeouts"]]


def test_cycle_with_no_cause_outside_it_is_still_explained():
    b = IncidentBuilder("loop")
    b.event("a", "queue growth", "condition")
    b.event("b", "slow workers", "condition")
    b.event("c", "user errors", "symptom")
    b.causes("a", "b")
    b.causes("b", "a")
    b.causes("b", "c")
    roles = roles_of(b.build())
    assert roles["c"] == "first_symptom"
    assert sorted(roles.values()).count("root_cause") == 1


def test_not_root_cause_claim_forces_a_causeless_event_away_from_root():
    b = IncidentBuilder("forced")
    b.source("s", "Report")
    b.event("dns", "DNS failures", "failure")
    b.event("errors", "API errors", "impact")
    b.causes("dns", "errors")
    b.claim("c1", "not_root_cause", "DNS was not the root cause.", b.id("Event", "dns"), "s")
    report = root_causes(b.build())
    assert report.root_causes == []
    assert roles_of(b.build())["dns"] != "root_cause"
    assert [(d.structural_role, d.claimed_role) for d in report.disagreements] == [("root_cause", "symptom")]


def test_claimed_root_below_another_claimed_root_is_a_disagreement():
    b = IncidentBuilder("two")
    b.source("s", "A")
    b.source("t", "B")
    b.event("bug", "software bug", "condition")
    b.event("race", "race condition", "condition")
    b.event("down", "service down", "failure")
    b.causes("bug", "race")
    b.causes("race", "down")
    b.claim("c1", "root_cause", "The root cause was a software bug.", b.id("Event", "bug"), "s")
    b.claim("c2", "root_cause", "The root cause was a race condition.", b.id("Event", "race"), "t")
    report = root_causes(b.build())
    assert ids(report.root_causes) == ["bug"]
    assert [(d.id, d.claimed_role) for d in report.disagreements] == [("two:e:race", "root_cause")]


def test_event_linked_to_nothing_takes_its_kinds_role_with_an_open_question():
    b = IncidentBuilder("lone")
    b.event("x", "power fluctuation", "condition")
    g = b.build()
    assert roles_of(g) == {"x": "contributing_factor"}
    assert [q.question for q in root_causes(g).open_questions] == ["How does power fluctuation relate to the outage?"]


def test_effect_without_cause_is_an_open_question():
    b = IncidentBuilder("orphan")
    b.event("errors", "checkout errors", "symptom")
    report = root_causes(b.build())
    assert ids(report.symptoms) == ["errors"]
    assert [q.question for q in report.open_questions] == ["What caused checkout errors?"]


def test_two_independent_roots_are_both_found():
    b = IncidentBuilder("pair")
    b.event("disk", "disk full", "condition")
    b.event("logs", "log writes failed", "failure")
    b.event("cert", "certificate expired", "condition")
    b.event("tls", "TLS errors", "symptom")
    b.causes("disk", "logs")
    b.causes("cert", "tls")
    assert sorted(ids(root_causes(b.build()).root_causes)) == ["cert", "disk"]


@pytest.mark.parametrize("role", ["root_causes", "symptoms", "first_symptoms"])
def test_report_lists_serialise_with_the_contract_keys(role):
    item = root_causes(dns_race().build()).to_dict()[role][0]
    assert {"id", "label", "kind", "role", "confidence", "evidence", "reason", "notes"} <= item.keys()
    assert 0.0 <= item["confidence"] <= 1.0


def test_with_no_root_reaching_a_symptom_the_earliest_timed_symptom_is_the_first_seen():
    b = IncidentBuilder()
    b.source("s", "status page")
    b.event("deploy", "config deploy", "action", says=[("s", "A config deploy went out.")])
    b.event("errors", "API 503 errors", "symptom", at="2024-03-14T09:12:00Z",
            says=[("s", "The API returned 503 errors at 09:12.")])
    b.event("paged", "on-call paged", "symptom", at="2024-03-14T09:15:00Z", says=[("s", "On-call was paged.")])
    b.event("slow", "slow pages", "symptom", says=[("s", "Pages were slow.")])
    roles = roles_of(b.build())
    assert roles["errors"] == "first_symptom"
    assert roles["paged"] == roles["slow"] == "symptom"


def test_the_earliest_timed_symptom_is_a_first_symptom_even_when_no_link_reaches_it():
    b = IncidentBuilder("q", "Checkout outage")
    b.source("s", "Status updates")
    b.event("push", "bad configuration push", "action", at="2026-03-03T14:00:00Z")
    b.event("errors", "checkout errors", "symptom", at="2026-03-03T14:20:00Z")
    b.event("slow", "login pages slow", "symptom", at="2026-03-03T14:05:00Z")
    b.causes("push", "errors")
    report = root_causes(b.build())
    assert ids(report.root_causes) == ["push"]
    assert ids(report.first_symptoms) == ["slow", "errors"]  # the first one seen comes first
    assert report.first_symptoms[0].reason.startswith("the earliest symptom the sources time (14:05 UTC)")


def test_an_outage_nothing_is_said_to_cause_is_no_root_cause(nlp):
    from graph.memory_store import MemoryStore
    from ingest.writing.corpus import ingest_text
    store = MemoryStore(None)
    ingest_text(store, nlp, "q", "The Acme outage took the checkout service offline for two hours.", title="t",
                keep_empty=True)
    graph = store.incident_graph("q")
    assert root_causes(graph).root_causes == []
    assert {graph.nodes[n]["summary"]: r.role for n, r in assign_roles(graph).items()}["Acme outage"] == "symptom"


def test_with_no_observed_effect_the_start_of_a_told_chain_is_the_root_cause():
    b = IncidentBuilder("chain")
    b.event("errors", "checkout failed", "failure")
    b.event("migration", "faulty database migration", "action")
    b.event("lock", "orders table locked", "condition")
    b.causes("migration", "lock", cue="locked")
    report = root_causes(b.build())
    assert ids(report.root_causes) == ["migration"]
    assert "none observed" in report.root_causes[0].reason


def test_the_earliest_symptom_timed_to_the_hour_is_a_first_symptom_too():
    b = IncidentBuilder("hour")
    b.event("push", "bad configuration push", "action")
    b.event("broken", "payments service broken", "failure")
    b.event("cards", "card payment failure", "failure", at="2024-03-04T09:00:00Z")
    b.causes("push", "broken", cue="broke")
    g = b.build()
    g.nodes[b.id("Event", "cards")]["precision"] = "hour"
    assert "cards" in ids(root_causes(g).first_symptoms)


@pytest.mark.parametrize("cue", ["exposed", "tripped", "activated"])
def test_what_exposed_or_tripped_a_latent_fault_is_its_trigger(cue):
    b = IncidentBuilder("latent")
    b.event("change", "customer configuration change", "action")
    b.event("bug", "latent software bug", "condition")
    b.event("errors", "edge errors", "symptom")
    b.causes("change", "bug", cue=cue)
    b.causes("bug", "errors", cue="caused")
    roles = roles_of(b.build())
    assert (roles["change"], roles["bug"]) == ("trigger", "root_cause")


def test_a_cue_that_only_contains_a_trigger_word_is_no_trigger():
    b = IncidentBuilder("deactivated")
    b.event("change", "failover deactivation", "action")
    b.event("errors", "edge errors", "symptom")
    b.causes("change", "errors", cue="deactivated")
    assert roles_of(b.build())["change"] == "root_cause"
