"""Events from noun and verb phrases, with canonical phrases, kinds, components and the unexplained flag."""

from __future__ import annotations

import pytest


def events(nlp, text: str) -> list[tuple[str, str, list[str]]]:
    return [(e.summary, e.kind, e.components) for e in nlp(text)._.events if not e.anaphor]


def test_noun_phrase_event_keeps_its_specific_words(nlp):
    assert events(nlp, "An empty DNS record was published.") == [("empty DNS record", "condition", ["dns"])]


def test_verb_phrase_event_names_its_subject_component(nlp):
    assert events(nlp, "DynamoDB went down.") == [("DynamoDB went down", "failure", ["dynamodb"])]


def test_verb_through_xcomp_takes_the_outer_subject(nlp):
    assert events(nlp, "Leases started to time out.") == [("lease timed out", "symptom", [])]


def test_verb_told_as_infinitive_or_gerund_keeps_the_texts_own_verb(nlp):
    # the reader saw Windows crash, not an "outage"; a verb that is the label's own word keeps the label
    assert events(nlp, "The update caused Windows to crash.")[-1][0] == "Windows crashed"
    assert events(nlp, "The web servers started crashing.") == [("web server crashed", "failure", ["web-server"])]
    assert events(nlp, "The bug caused the probes to fail.")[-1][0] == "probe failure"


def test_a_verb_told_in_the_texts_own_words_still_merges_with_the_noun_form(nlp):
    # "requests started to time out" in one account and "request timeouts" in another are one event
    told = next(e for e in nlp("Requests started to time out.")._.events if not e.anaphor)
    named = next(e for e in nlp("The request timeouts piled up.")._.events if not e.anaphor)
    assert told.summary == "request timed out" and set(told.terms) == set(named.terms)


def test_light_verb_object_takes_the_subject_component(nlp):
    found = events(nlp, "The DNS Enactor experienced unusually high delays.")
    assert found == [("DNS Enactor delay", "condition", ["dns-enactor"])]


def test_negated_action_is_a_failure_of_that_action(nlp):
    assert events(nlp, "EC2 couldn't launch new instances.") == [
        ("EC2 instance launch failure", "failure", ["ec2"])]


def test_prevented_action_is_a_failure(nlp):
    found = events(nlp, "The errors prevented droplets from acquiring new leases.")
    assert ("droplet lease acquisition failure", "failure", []) in found  # the droplets could not


def test_event_the_text_calls_unexplained_is_flagged(nlp):
    [event] = nlp("The DNS Enactor experienced high delays for some reason.")._.events
    assert event.unexplained is True


def test_event_without_unexplained_marker_is_not_flagged(nlp):
    [event] = nlp("The DNS Enactor experienced high delays.")._.events
    assert event.unexplained is False


def test_low_latency_is_not_an_event(nlp):
    assert events(nlp, "DynamoDB promises low latency.") == []


def test_demonstrative_problem_noun_takes_the_earlier_events_phrase(nlp):
    doc = nlp("A race condition occurred in the DNS Enactor. This flaw resulted in an empty DNS record.")
    anaphor = next(e for e in doc._.events if e.anaphor)
    assert (doc[anaphor.start:anaphor.end].text, anaphor.summary) == ("This flaw", "race condition")


def test_bare_definite_noun_refers_to_the_last_event_of_its_concept(nlp):
    doc = nlp("The TLS certificate expired at midnight. The expiry broke logins.")
    assert [e.summary for e in doc._.events][:2] == ["TLS certificate expired", "TLS certificate expired"]


def test_relative_clause_event_is_about_its_antecedent(nlp):
    found = events(nlp, "The larger file exceeded a limit in the proxy software, which crashed.")
    assert ("proxy software crashed", "failure", []) in found


def test_recovery_told_as_operating_normally(nlp):
    assert events(nlp, "By noon, new EC2 instance launches were operating normally.") == [
        ("EC2 launch operating normally", "recovery", ["ec2"])]


def test_negated_failure_verb_is_no_event(nlp):
    assert events(nlp, "The DNS resolvers did not fail.") == []


def test_pronoun_scope_prefers_the_earlier_subject(nlp):
    found = events(nlp, "Our DNS servers withdrew their BGP routes because they could not reach the data centers.")
    assert ("DNS server data center reachability failure", "failure", ["dns-server", "data-center"]) in found


def test_generic_concept_told_by_a_specific_phrase_keeps_the_phrase(nlp):
    assert events(nlp, "A deploy introduced a memory leak.")[-1] == ("memory leak", "condition", [])


def test_generic_event_with_no_subject_is_dropped(nlp):
    assert events(nlp, "The team announced further mitigations.") == []


def test_vague_qualifier_does_not_make_an_event_specific(nlp):
    assert events(nlp, "Engineers made a system change.") == []


def test_vague_mention_is_the_earlier_event_of_its_concept(nlp):
    found = [(e.summary, e.anaphor) for e in nlp("PostgreSQL went down. The outage lasted two hours.")._.events]
    assert found == [("PostgreSQL went down", False), ("PostgreSQL went down", True)]


def test_bare_specific_concept_stands_as_told(nlp):
    assert events(nlp, "The automatic failover promoted a replica.") == [
        ("failover", "action", []), ("replica promoted", "action", ["replica"])]


def test_problem_acted_on_is_the_scope_of_the_action(nlp):
    assert events(nlp, "Engineers mitigated the latency.") == [("latency mitigated", "mitigation", [])]


def test_missing_thing_is_the_removal_that_took_it(nlp):
    found = [(e.summary, e.anaphor) for e in nlp(
        "A bad push removed the request timeout. The missing timeout caused retries to pile up.")._.events]
    assert found == [("bad push", False), ("request timeout removed", False), ("request timeout removed", True),
                     ("retry pile up", False)]


def test_status_code_names_the_errors(nlp):
    assert events(nlp, "Users saw 503 errors.") == [("503 errors", "symptom", [])]


def test_failed_participle_is_a_failure_of_its_noun(nlp):
    assert events(nlp, "Customers saw failed payments.") == [("payment failure", "failure", [])]


def test_errors_a_thing_returned_are_its_errors(nlp):
    assert events(nlp, "The payment page returned errors.") == [("payment page errors", "symptom", ["payment-page"])]


def test_subject_of_cause_does_not_name_the_effect(nlp):
    found = events(nlp, "The stale replica caused duplicate order numbers.")
    assert ("duplicate number", "condition", []) in found


def test_what_can_happen_is_not_an_event(nlp):
    assert events(nlp, "Load balancers can easily get overloaded.") == []


def test_what_could_not_happen_is_a_failure(nlp):
    assert events(nlp, "EC2 could not launch new instances.") == [("EC2 instance launch failure", "failure", ["ec2"])]


def test_a_system_said_to_be_down_is_out(nlp):
    assert events(nlp, "The checkout service was down for three hours.") == [
        ("checkout service down", "failure", ["checkout-service"])]


def test_the_texts_own_verb_names_what_happened(nlp):
    assert events(nlp, "Engineers reverted the update at 14:00.") == [("update reverted", "mitigation", [])]
    assert events(nlp, "The requests timed out.")[0][0] == "request timed out"


def test_coming_to_a_stop_is_an_outage_told_in_its_own_words(nlp):
    assert events(nlp, "Minutes later the checkout site came to a near stop.")[0][:2] == (
        "checkout site came to stop", "failure")


def test_a_progressive_keeps_its_words(nlp):
    assert events(nlp, "S3 is now operating normally in the region.")[0][:2] == ("S3 operating normally", "recovery")


def test_a_noun_of_a_concept_keeps_the_texts_own_word(nlp):
    assert events(nlp, "The replication lag is growing.") == [("replication lag", "condition", [])]
    assert events(nlp, "There was a surge in traffic.")[0][:2] == ("traffic surge", "condition")
    assert events(nlp, "Facebook downtime lasted hours.")[0][:2] == ("Facebook downtime", "failure")


def test_a_bare_noun_of_a_concept_still_refers_back(nlp):
    found = [e for e in nlp("The database went down at 9:00. The downtime lasted three hours.")._.events]
    assert [e.summary for e in found] == ["database went down", "database went down"] and found[1].anaphor


def test_back_to_normal_and_available_again_are_recoveries(nlp):
    assert events(nlp, "By 2 PM, S3 was back to normal.")[0][:2] == ("S3 back to normal", "recovery")
    assert events(nlp, "The site was broadly available again by noon.")[0][:2] == ("site available again",
                                                                                    "recovery")


def test_what_kept_going_is_no_failure_and_what_stopped_is_one_event(nlp):
    assert events(nlp, "Anonymous Search kept working.") == []
    assert events(nlp, "Internal tools stopped working.") == [("tool stopped working", "failure", [])]


def test_an_amount_lost_names_who_lost_it_and_a_share_names_what_it_is_of(nlp):
    assert events(nlp, "Knight lost $440 million in 45 minutes.")[0][0] == "Knight lost $440 million"
    assert events(nlp, "The cluster lost 30% of its capacity.")[0][0] == "capacity lost"


def test_a_preposition_with_its_own_object_is_no_particle(nlp):
    assert events(nlp, "Knight's shares fell by about three quarters over the next two trading days.")[0][0] \
        == "share fell"
    assert events(nlp, "The database fell over.")[0][:2] == ("database fell over", "failure")


def test_a_stretch_of_time_does_not_name_what_an_event_happens_to(nlp):
    assert events(nlp, "It was the longest outage in a decade.")[0][0] != "decade outage"
    assert events(nlp, "There was a spike in errors.")[0][0] == "error spike"


def test_what_ran_out_stays_in_the_label(nlp):
    assert [e.summary for e in nlp("The hosts ran out of disk space within an hour.")._.events] == [
        "host ran out of disk space"]


def test_a_causal_verb_with_an_object_tells_what_happened_to_the_object(nlp):
    doc = nlp("The retries overloaded the session cache.")
    assert [e.summary for e in doc._.events] == ["retry", "session cache overloaded"]
    assert [(lk.cause, lk.effect) for lk in doc._.causal] == [("retry", "session cache overloaded")]


def test_back_to_baseline_is_a_recovery(nlp):
    events = [(e.summary, e.kind) for e in nlp("Error rates returned to baseline at 15:50.")._.events]
    assert ("error rate returned to baseline", "recovery") in events


def test_what_failed_at_a_place_is_named_with_the_place_not_as_the_place(nlp):
    assert [e.summary for e in nlp("Two chillers at the data centre broke down.")._.events] == [
        "data centre chiller broke down"]
    assert [e.summary for e in nlp("Connections to the database failed.")._.events] == ["database connection failed"]


def test_what_belongs_to_a_component_keeps_its_own_noun(nlp):
    assert [e.summary for e in nlp("The API gateway's certificate expired.")._.events] == [
        "API Gateway certificate expired"]
    assert [e.summary for e in nlp("The PostgreSQL database went down.")._.events] == ["PostgreSQL went down"]


def test_a_participle_before_the_noun_stays_in_the_label(nlp):
    summaries = [e.summary for e in nlp("As cached answers expired, customer connections recovered.")._.events]
    assert "cached answer expired" in summaries


def test_problems_count_when_the_text_says_what_they_were_with(nlp):
    def summaries(text):
        return [e.summary for e in nlp(text)._.events]
    assert summaries("Users began reporting problems with logins shortly after 9 a.m.") == ["login problems"]
    assert summaries("Customers had trouble with the checkout page.") == ["checkout page trouble"]
    assert summaries("There were problems.") == []


def test_a_rise_in_something_general_is_an_event_even_told_first(nlp):
    assert [(e.summary, e.kind) for e in nlp("We saw a rise in latency.")._.events] == [
        ("increased latency", "symptom")]


def test_a_verb_phrase_may_end_in_a_qualified_object(nlp):
    assert ("error rate returned to normal levels", "recovery") in [
        e[:2] for e in events(nlp, "Error rates returned to normal levels at 15:00 UTC.")]


def test_the_longest_verb_phrase_names_the_concept(nlp):
    assert [e[:2] for e in events(nlp, "The database failed over to the replica.")] == [("database failed over", "action")]


@pytest.mark.parametrize("text, state", [
    ("GitHub down for two hours.", "GitHub down"),  # a headline
    ("Big outage today: lots of sites down because their DNS provider fell over.", "site down"),
    ("With the database offline, the checkout service failed.", "database offline"),  # a "with" clause
    ("With the primary database down, all writes failed.", "database down"),
    ("With DNS unavailable, clients could not find the endpoint.", "DNS unavailable"),
])
def test_a_headline_or_with_clause_without_a_verb_tells_the_state_of_its_noun(nlp, text, state):
    assert state in [s for s, _, _ in events(nlp, text)]


@pytest.mark.parametrize("text, summary", [
    ("The API failed at 13:05.\n- 13:57 Latency back within SLO.", "latency back"),
    ("Card payments failed at 09:00. Payments back to normal after two hours.", "payment back"),
])
def test_a_headline_saying_its_noun_came_back_is_a_recovery(nlp, text, summary):
    assert (summary, "recovery") in [(s, k) for s, k, _ in events(nlp, text)]


@pytest.mark.parametrize("text, summary", [
    ("The database exceeded its connection limit and crashed.", "connection limit exceeded"),
    ("The routers exceeded their safety limits.", "safety limit exceeded"),
])
def test_the_text_s_own_verb_keeps_every_word_of_what_it_acted_on(nlp, text, summary):
    assert summary in [s for s, _, _ in events(nlp, text)]


def test_what_was_prevented_from_happening_is_told_of_the_prevented_thing(nlp):
    text = "A misconfigured policy prevented new build runners from starting."
    assert "build runner start failure" in [s for s, _, _ in events(nlp, text)]
