"""CAUSES links from causal verbs, connectives and discourse cues; DEPENDS_ON from dependency cues."""

from __future__ import annotations

import pytest


def links(nlp, text: str) -> list[tuple[str, str, str, str]]:
    doc = nlp(text)
    return [(c.cause, c.effect, c.cue, doc.text[c.start_char:c.end_char]) for c in doc._.causal]


def test_causal_verb_subject_causes_object(nlp):
    assert links(nlp, "The race condition resulted in an empty DNS record.") == [
        ("race condition", "empty dns record", "result in", "race condition resulted in an empty DNS record")]


def test_reverse_verb_swaps_cause_and_effect(nlp):
    assert links(nlp, "The checkout outage stemmed from a race condition.") == [
        ("race condition", "checkout outage", "stem from", "checkout outage stemmed from a race condition")]


def test_passive_trigger_takes_the_when_clause_as_cause(nlp):
    [(cause, effect, cue, _)] = links(
        nlp, "The race condition was triggered when one DNS Enactor experienced unusually high delays.")
    assert (cause, effect, cue) == ("dns enactor delay", "race condition", "trigger")


def test_because_clause_causes_the_main_clause(nlp):
    [(cause, effect, cue, _)] = links(nlp, "New instances failed to launch because DynamoDB went down.")
    assert (cause, effect, cue) == ("dynamodb went down", "instance launch failure", "because")


def test_due_to_phrase_causes_what_it_modifies(nlp):
    [(cause, effect, cue, _)] = links(nlp, "The load balancer faced issues due to delayed health checks.")
    assert (cause, effect, cue) == ("delayed health check", "load balancer issue", "due to")


def test_sentence_connective_links_the_previous_sentence(nlp):
    [(cause, effect, cue, quote)] = links(nlp, "The DNS Planner deleted the old plans. As a result, DNS failures spread.")
    assert (cause, effect, cue) == ("plan deleted", "dns failure", "as a result")
    assert quote.startswith("deleted the old plans") and quote.endswith("DNS failures")


def test_participle_clause_is_caused_by_the_main_clauses_effect(nlp):
    found = {(c, e, cue) for c, e, cue, _ in links(
        nlp, "The DNS failures caused state checks to fail, preventing droplets from acquiring new leases.")}
    assert found == {("dns failure", "state check failure", "cause"),
                     ("state check failure", "droplet lease acquisition failure", "prevent")}


def test_relative_clause_antecedent_is_the_cause(nlp):
    found = links(nlp, "The timing triggered the race condition, which ended up taking out the entire DynamoDB.")
    assert ("race condition", "dynamodb taken out", "take out") in [(c, e, cue) for c, e, cue, _ in found]
    assert ("timing", "race condition", "trigger") in [(c, e, cue) for c, e, cue, _ in found]


def test_anaphor_subject_links_the_earlier_event(nlp):
    found = links(nlp, "A race condition occurred in the DNS Enactor. This flaw resulted in an empty DNS record.")
    assert [(c, e, cue) for c, e, cue, _ in found] == [("race condition", "empty dns record", "result in")]


def test_no_cue_no_link(nlp):
    assert links(nlp, "DynamoDB went down. Leases started to time out.") == []


def depends(nlp, text: str) -> list[tuple[str, str, str]]:
    return [(d.dependent, d.provider, d.cue) for d in nlp(text)._.depends]


def test_uses_makes_the_possessor_depend_on_the_object(nlp):
    assert sorted(depends(nlp, "EC2's control plane uses DynamoDB.")) == [
        ("control-plane", "dynamodb", "use"), ("ec2", "dynamodb", "use")]


def test_depends_on_verb(nlp):
    assert depends(nlp, "Lambda depends on DynamoDB.") == [("lambda", "dynamodb", "depend on")]


def test_passive_storage_takes_the_previous_sentences_subject(nlp):
    text = "The DropletWorkflow Manager checks servers every minute. State check results are stored in DynamoDB."
    assert depends(nlp, text) == [("droplet-workflow-manager", "dynamodb", "store in")]


def test_object_modifier_is_not_a_dependency(nlp):
    assert depends(nlp, "The DNS Enactor uses an old DNS plan.") == []


def test_be_due_to_makes_the_object_the_cause(nlp):
    [(cause, effect, cue, _)] = links(nlp, "The checkout outage was due to a software bug in DynamoDB.")
    assert (cause, effect, cue) == ("dynamodb software bug", "checkout outage", "due to")


def test_connective_inside_a_sentence_links_its_two_clauses(nlp):
    [(cause, effect, cue, quote)] = links(nlp, "The certificate expired, so the handshakes failed.")
    assert (cause, effect, cue, quote) == ("certificate expired", "handshake failed", "so",
                                           "The certificate expired, so the handshakes failed")


def test_relative_clause_with_stranded_preposition_depends_on_its_antecedent(nlp):
    doc = nlp("The identity gateway that the login service depends on failed.")
    [dep] = doc._.depends
    assert (dep.dependent, dep.provider, doc.text[dep.start_char:dep.end_char]) == (
        "login-service", "identity-gateway", "identity gateway that the login service depends")


def test_problems_introducing_a_list_link_to_the_first_item(nlp):
    found = links(nlp, "The DynamoDB outage caused problems:\n1. Leases started to time out.")
    assert [(c, e, cue) for c, e, cue, _ in found] == [("dynamodb outage", "lease timed out", "cause")]


def test_a_causal_sentence_ending_in_a_colon_causes_every_listed_item(nlp):
    found = links(nlp, "The expired certificate caused three problems:\n- Logins failed.\n- Payments were declined.\n"
                       "- The mobile app crashed.\nThe team renewed it at noon.")
    assert [(c, e) for c, e, _, _ in found] == [("expired certificate", "logins failed"),
                                                 ("expired certificate", "payment declined"),
                                                 ("expired certificate", "app crashed")]


def test_with_clause_is_not_a_cause(nlp):
    assert links(nlp, "With the PostgreSQL outage over, the checkout API returned errors.") == []


def test_after_without_a_causal_word_is_only_time(nlp):
    assert links(nlp, "The PostgreSQL outage persisted after the cache was restored.") == []


def test_event_as_subject_of_an_event_verb_causes_it(nlp):
    assert [(c, e, cue) for c, e, cue, _ in links(nlp, "The configuration change withdrew the BGP routes.")] == [
        ("configuration change", "bgp route withdrawn", "withdraw")]


def test_relative_clause_subject_is_its_antecedent_event(nlp):
    found = links(nlp, "The handshake failures triggered a retry storm that overloaded the session cache.")
    assert ("retry storm", "session cache overloaded", "overload") in [(c, e, cue) for c, e, cue, _ in found]


def test_subject_of_a_blocked_action_is_not_its_cause(nlp):
    assert links(nlp, "The PostgreSQL failover couldn't complete.") == []


def test_participle_clause_is_an_effect_of_its_main_clause(nlp):
    found = links(nlp, "The PostgreSQL primary failed, removing the replica from the pool.")
    assert [(c, e, cue) for c, e, cue, _ in found] == [("postgresql primary failed", "replica removed", "removing")]


def test_what_should_or_could_have_happened_links_nothing(nlp):
    assert links(nlp, "The audit tool reviews such commands and should have blocked the bad command.") == []
    assert links(nlp, "A retry storm could overload the cache.") == []


def test_what_a_verb_let_through_is_its_effect(nlp):
    assert [(c, e, cue) for c, e, cue, _ in links(nlp, "A bug in the audit tool let the command through.")] == [
        ("audit tool software bug", "command", "let")]


def test_the_state_a_cause_left_something_in_is_its_effect(nlp):
    found = [(c, e, cue) for c, e, cue, _ in links(nlp, "The failed migration left the orders table locked.")]
    assert found == [("migration failure", "orders table locked", "leave")]
    assert [(c, e) for c, e, _, _ in links(nlp, "The bad push made the cache unusable.")] == [
        ("bad push", "cache unusable")]
    assert [(c, e) for c, e, _, _ in links(nlp, "The outage left customers unable to pay for their orders.")] == [
        ("outage", "pay for order failure")]
    assert links(nlp, "The engineer left the office at noon.") == []


def test_a_which_clause_after_a_prepositional_object_or_hung_on_the_verb_is_an_effect_of_the_clause(nlp):
    found = [(c, e, cue) for c, e, cue, _ in links(
        nlp, "At 9:36 AM engineers disabled automatic health check failover for NLB, which stopped the capacity loss.")]
    assert ("health check failover disabled", "capacity loss stopped", "which") in found
    found = [(c, e, cue) for c, e, cue, _ in links(
        nlp, "The load balancer pulled the servers out of rotation, which took the whole site offline.")]
    assert ("server pulled", "site taken offline", "which") in found


def test_so_much_that_tells_a_cause_and_its_result(nlp):
    found = links(nlp, "The queue was so long that requests timed out.")
    assert [(c, e) for c, e, _, _ in found] == [("long queue", "request timed out")]


def test_trouble_after_a_change_was_caused_by_it_but_not_even_after(nlp):
    found = links(nlp, "Customers lost access after a routine update was deployed.")
    assert [(c, e, cue) for c, e, cue, _ in found] == [("update deployed", "access lost", "after")]
    assert links(nlp, "The queue kept growing even after the cache was restored.") == []
    # a causal verb elsewhere in the sentence does not make "even after" causal
    found = links(nlp, "The scan made each write slower and kept the leader overloaded even after we removed load.")
    assert not [c for c, *_ in found if c == "load removed"]


def test_what_slowed_is_not_the_cause_of_its_own_slowing(nlp):
    assert links(nlp, "Queue processing slowed to a crawl.") == []


@pytest.mark.parametrize("text, pairs", [
    ("The failover did not cause the outage.", []),
    ("The outage was not caused by a power failure.", []),
    ("The outage was not caused by a power failure but by a faulty configuration file.",
     [("faulty configuration file", "outage")]),
    ("Logins failed for two hours. The cause was not the traffic spike.", []),
    ("Logins failed for two hours. The cause was not the traffic spike but an expired certificate.",
     [("expired certificate", "login failed")]),
    ("The bug not only caused the crash but also corrupted the index.",
     [("software bug", "bug crash"), ("software bug", "index corrupted")]),
])
def test_a_denied_cause_links_nothing_and_what_is_named_instead_does(nlp, text, pairs):
    assert sorted((c, e) for c, e, *_ in links(nlp, text)) == pairs


def test_a_relative_clause_without_a_comma_tells_what_its_noun_caused(nlp):
    found = links(nlp, "Writes stalled because of a newly enabled feature that caused lock contention.")
    assert ("newly enabled feature", "lock contention") in [(c, e) for c, e, *_ in found]


def test_what_people_did_while_trouble_went_on_is_no_effect_of_it_but_what_a_system_did_is(nlp):
    assert links(nlp, "While the site was down, engineers pushed a configuration change.") == []
    assert links(nlp, "While the site was down, someone pushed a configuration change.") == []
    assert [(c, e) for c, e, *_ in links(nlp, "When the database failed, the cleanup job deleted the old snapshots.")] \
        == [("database failed", "snapshot deleted")]


def test_people_who_made_it_worse_are_not_a_cause_but_a_thing_that_did_is(nlp):
    assert links(nlp, "The database failed at noon. Support made it worse.") == []
    assert [(c, e) for c, e, *_ in links(nlp, "The database failed at noon. The retry storm made it worse.")] == [
        ("retry storm", "database failed")]


def test_a_relative_clause_on_the_object_is_a_statement_of_its_own(nlp):
    found = [(c, e) for c, e, *_ in links(nlp, "GitHub was down. A bad config push took down the API, which meant "
                                               "every CI job failed.")]
    assert found == [("bad push", "api taken down"), ("api taken down", "ci job failed")]


def test_a_causal_verb_told_with_only_a_time_or_place_acts_on_nothing(nlp):
    # "crashed at 09:12" says when the database crashed, not that the database caused its own crash
    assert links(nlp, "The API went down. The primary database crashed at 09:12.") == []
    assert links(nlp, "The API went down. The old router crashed in us-east-1 during the migration.") == []
    assert [(c, e) for c, e, _, _ in links(nlp, "The bad query crashed the primary database at 09:12.")] == [
        ("bad query", "database crashed")]


def test_a_result_noun_told_as_a_that_clause_follows_from_the_sentence_before(nlp):
    # "The result was that X": X was caused by what the sentence before told
    found = links(nlp, "The API went down. The load on the primary climbed sharply. "
                       "The result was that users could not post comments.")
    assert [(c, e, cue) for c, e, cue, _ in found] == [("load climbed", "comment post failure", "result")]
    found = links(nlp, "The API went down. The load climbed. The cause was that a job deleted rows.")
    assert [(c, e) for c, e, _, _ in found] == [("job row deletion", "load climbed")]


@pytest.mark.parametrize("connective", ["As a result,", "As a consequence,", "For this reason,", "Consequently,"])
def test_a_sentence_connective_links_the_sentence_before_to_its_own(nlp, connective):
    found = links(nlp, f"The API went down. The load on the primary climbed sharply. {connective} users could "
                       "not post comments.")
    assert [(c, e) for c, e, _, _ in found] == [("load climbed", "comment post failure")]


def test_what_people_noticed_when_something_happened_is_no_effect_of_it(nlp):
    # "we noticed the problem when the on-call was paged for high error rates": the errors did not cause the problem
    found = links(nlp, "The remaining pods ran out of database connections. We noticed the problem at 13:07 UTC "
                       "when the on-call engineer was paged for high error rates.")
    assert not any(c == "error rate" for c, _, _, _ in found)


def test_an_instruction_states_no_cause(nlp):
    # lessons and follow-ups are advice: "make sure a switch turns X off" is nothing that happened
    found = links(nlp, "The disk filled up at 09:00. Make sure you have a switch that turns the self-healing off "
                       "without turning the product off. Add an alert on disk usage so that a full disk pages someone.")
    assert found == []
    assert links(nlp, "The bad config crashed the proxies.") != []


def test_what_people_did_meanwhile_is_no_effect_whatever_its_kind(nlp):
    # "engineers debated the rollback" while the site was down: not caused by it; "could not log in" was
    assert links(nlp, "The API went down at 09:00. While the site was down, engineers debated the rollback.") == []
    found = links(nlp, "The API went down at 09:00. While the network was down, engineers could not log in.")
    assert [(c, e) for c, e, _, _ in found] == [("network down", "login failure")]
