"""Explicit claims: root cause, not the root cause, first symptom, unexplained, questions, times and durations."""

from __future__ import annotations

import pytest

from ingest.claims.assertions import ClaimRecord, extract_claims, time_claims
from ingest.timing.times import TimeContext, extract_times


def claims(nlp, text: str, **ctx) -> list[tuple[str, str | None, str, bool]]:
    found = extract_claims(nlp(text), ctx=TimeContext(**ctx))
    return [(c.kind, c.value, c.about_text, c.polarity) for c in found]


def test_root_cause_was_x(nlp):
    text = ("The root cause was a race condition in an internal DynamoDB microservice that automates DNS "
            "record management for the regional cells of DynamoDB.")
    assert claims(nlp, text) == [("root_cause", None, "a race condition in an internal DynamoDB microservice", True)]


def test_issue_stemmed_from_x(nlp):
    text = "A detailed postmortem revealed that the issue stemmed from a race condition within the DNS system."
    assert claims(nlp, text) == [("root_cause", None, "a race condition within the DNS system", True)]


def test_reported_root_cause(nlp):
    text = "Amazon said the root cause of the outage was a latent defect in the DNS automation."
    assert claims(nlp, text) == [("root_cause", None, "a latent defect in the DNS automation", True)]


def test_first_symptom_not_the_root_cause(nlp):
    text = "The DNS failure was the first symptom, not the root cause of the recent AWS outage."
    assert claims(nlp, text) == [("first_symptom", None, "The DNS failure", True),
                                 ("not_root_cause", None, "The DNS failure", False)]


def test_pronoun_it_wasnt_the_root_cause_resolves_to_the_subject(nlp):
    text = "So yeah, DNS was the first symptom of the problem, but it wasn't the root cause of the outage."
    assert claims(nlp, text) == [("first_symptom", None, "DNS", True), ("not_root_cause", None, "DNS", False)]


def test_hypothetical_attribution_that_was_not_explained_is_unexplained_only(nlp):
    text = ("You can also go further and attribute the root cause to whatever caused the unusual high delay "
            "in the enactors, but it wasn't explained in the post mortem.")
    assert claims(nlp, text) == [("unexplained", None, "the unusual high delay in the enactors", True)]


def test_for_some_reason_marks_the_clause_unexplained(nlp):
    text = "Updating DNS took unusually long for one DNS Enactor for some reason."
    assert claims(nlp, text) == [("unexplained", None, "Updating DNS took unusually long for one DNS Enactor", True)]


def test_questions_the_article_asks(nlp):
    text = "Key details were omitted.\nWhy did DNS Enactor #1 slow down in updating DNS?\nWas this the first time?"
    assert claims(nlp, text) == [
        ("question", None, "Why did DNS Enactor #1 slow down in updating DNS", True),
        ("question", None, "Was this the first time", True)]


def test_a_quoted_why_is_not_a_question(nlp):
    assert [c for c in claims(nlp, 'You can go a "why?" further here.') if c[0] == "question"] == []


def test_disruption_began_at_gives_started_at_and_date_and_time_claims(nlp):
    text = "The disruption began at 11:48 PM PDT on October 19, 2023 (7:48 AM UTC on October 20)."
    assert claims(nlp, text, published="2025-10") == [
        ("started_at", "2023-10-20T06:48:00Z", "The disruption", True),
        ("date", "2023-10-19", "11:48 PM PDT on October 19, 2023", True),
        ("time", "2023-10-20T06:48:00Z;local=2023-10-19T23:48 PDT", "11:48 PM PDT on October 19, 2023", True),
        ("time", "2023-10-20T07:48:00Z;converts=2023-10-19T23:48 PDT", "11:48 PM PDT on October 19, 2023", True),
    ]


def test_date_claim_keeps_the_written_year_when_the_incident_year_corrects_it(nlp):
    text = "The disruption began at 11:48 PM PDT on October 19, 2023 (7:48 AM UTC on October 20)."
    assert claims(nlp, text, published="2025-10", incident_year=2025) == [
        ("started_at", "2025-10-20T06:48:00Z", "The disruption", True),
        ("date", "2023-10-19", "11:48 PM PDT on October 19, 2023", True),
        ("time", "2025-10-20T06:48:00Z;local=2025-10-19T23:48 PDT", "11:48 PM PDT on October 19, 2023", True),
        ("time", "2025-10-20T07:48:00Z;converts=2025-10-19T23:48 PDT", "11:48 PM PDT on October 19, 2023", True),
    ]


def test_offset_phrase_is_not_a_start_claim(nlp):
    text = "At 1:50 PM UTC on 20 October 2025 [14 hours after the outage started], all EC2 APIs worked."
    assert [c[0] for c in claims(nlp, text)] == ["date", "time"]


def test_hyphenated_duration_of_the_outage(nlp):
    assert claims(nlp, "The cause was a 14-hour-long AWS outage in the us-east-1 region.") == [
        ("duration", "840", "14-hour-long AWS outage", True)]


def test_lasted_around_hours(nlp):
    assert claims(nlp, "The DynamoDB outage lasted around 3 hours.") == [
        ("duration", "180", "The DynamoDB outage", True)]


def test_phase_durations_are_not_outage_durations(nlp):
    assert claims(nlp, "It took engineers 3 more hours to come up with mitigations.") == []


def test_weekday_and_date_named_apart_make_one_date_claim(nlp):
    text = "Monday was an interesting day. Updates were slow on 20 October."
    assert claims(nlp, text, published="2025-10-23") == [
        ("date", "2025-10-20;weekday=Monday", "20 October", True)]


def test_text_without_claims(nlp):
    assert claims(nlp, "DynamoDB is a serverless NoSQL database built for durability.") == []


def test_unknown_claim_kind_is_refused():
    with pytest.raises(ValueError, match="unknown claim kind"):
        ClaimRecord("guess", "x", None, 0, 1, "x")


def test_time_claims_from_expressions_alone():
    text = "At 09:00 CET on January 31, 2024 the API failed."
    assert [(c.kind, c.value) for c in time_claims(extract_times(text, TimeContext()), text)] == [
        ("time", "2024-01-31T08:00:00Z;local=2024-01-31T09:00 CET"), ("date", "2024-01-31")]


def test_a_root_cause_section_names_the_root_cause_in_its_first_sentence(nlp):
    text = ("Summary\n\nLogins failed for two hours.\n\nRoot cause\n\nThe token service did not renew its signing "
            "key before it expired, and the result was a wave of rejected logins.\n")
    found = [c for c in claims(nlp, text) if c[0] == "root_cause"]
    assert len(found) == 1 and "did not renew its signing key" in found[0][2] and "result" not in found[0][2]


def test_a_root_cause_section_that_sets_the_scene_first_names_the_first_thing_wrong(nlp):
    from ingest.claims.assertions import section_claims
    doc = nlp("Root cause\n\nDuring every build, the worker writes its output to a scratch directory on the "
              "local disk. Nothing ever cleaned that scratch directory up between builds. The disk filled.")
    assert [c.about_text for c in section_claims(doc)] == ["Nothing ever cleaned that scratch directory up between builds"]


def test_a_root_cause_section_names_what_was_done_without_something(nlp):
    from ingest.claims.assertions import section_claims
    doc = nlp("Root cause\n\nThe release changed the cache key format without a migration plan. Our canary "
              "stage did not catch the problem because it ran with a warm cache.")
    assert [c.about_text for c in section_claims(doc)] == [
        "The release changed the cache key format without a migration plan"]


def test_a_root_cause_section_that_only_narrates_makes_no_claim(nlp):
    from ingest.claims.assertions import section_claims
    doc = nlp("What went wrong\n\nThe network needs regular maintenance on weekends. During one routine job an "
              "engineer ran a script to measure spare bandwidth across the world.")
    assert section_claims(doc) == []


def _roots(nlp, text: str) -> list[str]:
    from analysis.causal import root_causes
    from graph.memory_store import MemoryStore
    from ingest.writing.corpus import ingest_text
    store = MemoryStore(None)
    ingest_text(store, nlp, "q", text, title="report", keep_empty=True)
    return [f.label for f in root_causes(store.incident_graph("q")).root_causes]


def test_a_root_cause_lead_in_names_the_clause_after_its_colon(nlp):
    text = ("Root cause: the certificate renewal job had been silently failing since March, and the "
            "certificate expired on Friday.")
    assert [c for c in claims(nlp, text) if c[0] == "root_cause"] == [
        ("root_cause", None, "the certificate renewal job had been silently failing since March", True)]
    assert _roots(nlp, text)[:1] == ["certificate renewal job failing"]


def test_the_answer_to_a_question_about_the_cause_is_the_root_cause(nlp):
    text = "What caused it? A single typo in a deployment script, which deleted the production database."
    assert [c for c in claims(nlp, text) if c[0] == "root_cause"] == [
        ("root_cause", None, "A single typo in a deployment script", True)]
    assert _roots(nlp, text)[:1] == ["deployment script typo"]


def test_a_question_about_something_else_names_no_root_cause(nlp):
    text = "What did customers see? Checkout pages returned errors for forty minutes."
    assert [c for c in claims(nlp, text) if c[0] == "root_cause"] == []


def test_a_root_cause_the_writer_does_not_believe_in_is_denied(nlp):
    assert claims(nlp, "I don't think the deletion is the real root cause here.") == [
        ("not_root_cause", None, "the deletion", False)]
    assert claims(nlp, "I think the deletion is the real root cause here.") == [
        ("root_cause", None, "the deletion", True)]


def test_what_was_first_noticed_is_the_first_symptom(nlp):
    found = claims(nlp, "Customers first noticed elevated error rates on the checkout page.")
    assert ("first_symptom", None, "elevated error rates on the checkout page", True) in found


def test_that_is_the_root_of_it_names_what_the_sentence_before_told(nlp):
    from analysis.causal import root_causes
    from graph.memory_store import MemoryStore
    from ingest.writing.corpus import ingest_text
    store = MemoryStore(None)
    ingest_text(store, nlp, "q", "Someone pushed a bad BGP config change and yanked their own routes. "
                "That's the root of it.", title="thread", keep_empty=True)
    assert [f.label for f in root_causes(store.incident_graph("q")).root_causes][:1] == ["bad BGP config change"]


def test_the_real_failure_is_that_names_the_clause(nlp):
    from analysis.causal import root_causes
    from graph.memory_store import MemoryStore
    from ingest.writing.corpus import ingest_text
    store = MemoryStore(None)
    ingest_text(store, nlp, "q", "The database was deleted by mistake. The real failure is that the backups had "
                "been broken for a long time.", title="blog", keep_empty=True)
    assert [f.label for f in root_causes(store.incident_graph("q")).root_causes][:1] == ["backup broken"]


def test_a_root_cause_section_that_opens_with_a_report_names_what_was_reported(nlp):
    from ingest.claims.assertions import section_claims
    doc = nlp("What caused the outage\n\nA detailed postmortem revealed that the issue stemmed from a stale "
              "routing table in the edge proxy fleet.")
    assert [c.about_text for c in section_claims(doc)] == [
        "the issue stemmed from a stale routing table in the edge proxy fleet"]


@pytest.mark.parametrize("text, about", [
    ("The outage was caused by a misconfigured load balancer.", "a misconfigured load balancer"),
    ("A faulty network switch triggered the outage on Monday.", "A faulty network switch"),
    ("A bug in the deploy tool was responsible for the outage.", "A bug in the deploy tool"),
    ("An expired certificate led to Tuesday's disruption.", "An expired certificate"),
    ("Engineers traced the problem to a memory leak in the session service.", "a memory leak in the session service"),
    ("Investigators later traced the outage back to a faulty firmware update.", "a faulty firmware update"),
    ("The outage was blamed on a misconfigured load balancer.", "a misconfigured load balancer"),
    ("Microsoft attributed the outage to a bad network change.", "a bad network change"),
    ("The company blamed a bad network change for the outage.", "a bad network change for the outage"),
])
def test_what_caused_the_incident_as_a_whole_is_its_root_cause(nlp, text, about):
    assert claims(nlp, text) == [("root_cause", None, about, True)]


def test_an_incident_traced_to_a_phrase_no_lexicon_knows_still_has_it_as_root_cause(nlp):
    assert _roots(nlp, "The team identified the issue as a misconfigured cache policy.") == [
        "misconfigured cache policy"]
    assert _roots(nlp, "Investigators traced the outage back to a faulty firmware update on the storage arrays. "
                       "Thousands of customers lost access.") == ["storage array update"]


@pytest.mark.parametrize("text", [
    "The database failure was caused by a full disk on the primary.",  # one failure among many, not the incident
    "A faulty switch did not cause the outage.",
    "It caused the outage.",
    "The company blamed the storm for the delays in restoring power.",  # blamed for a part, not the incident
    "You could blame the cache for the outage.",  # an option the writer offers, not a claim
])
def test_a_cause_of_one_part_or_a_denied_or_unnamed_cause_is_no_root_cause_claim(nlp, text):
    assert [c for c in claims(nlp, text) if c[0] == "root_cause"] == []


def test_what_the_subject_is_said_to_be_is_after_it_not_the_clause_before(nlp):
    text = ("Most readers agreed that the deploy was only the trigger; the real fault was an unbounded retry loop "
            "in the client.")
    assert ("root_cause", None, "an unbounded retry loop in the client", True) in claims(nlp, text)


def test_the_issue_identified_as_x_names_the_root_cause(nlp):
    found = claims(nlp, "The issue has been identified as a bad configuration change to our search cluster.")
    assert found == [("root_cause", None, "a bad configuration change to our search cluster", True)]


def test_what_the_text_calls_just_the_trigger_is_not_the_root_cause(nlp):
    found = claims(nlp, "The root cause was the missing cache limit. The image update was just the trigger.")
    assert found == [("root_cause", None, "the missing cache limit", True),
                     ("trigger", None, "The image update", True)]


def test_it_wasnt_x_it_was_y_names_y_the_root_cause(nlp):
    assert claims(nlp, "The root cause was not the deploy; it was the missing timeout.") == [
        ("not_root_cause", None, "the deploy", False), ("root_cause", None, "the missing timeout", True)]


def test_a_root_cause_section_that_first_says_the_cause_was_found_names_it_later(nlp):
    doc = nlp("Root cause\n\nWe found the trigger afterwards by reading the logs our agent kept. "
              "A stale routing table sent traffic to a dead host.")
    claims = [c for c in extract_claims(doc) if c.kind == "root_cause"]
    assert [c.text for c in claims] == ["A stale routing table sent traffic to a dead host."]


@pytest.mark.parametrize("said, root", [
    ("The problem started with a configuration change that removed a required header.", "configuration change"),
    ("It all came down to an expired certificate on the payment gateway.", "payment gateway expired certificate"),
    ("At the heart of the outage was a bug in the retry logic.", "retry logic software bug"),
    ("Investigators pointed to a faulty network switch in the main data center.", "faulty network switch"),
    ("The company said a software update was behind the disruption.", "software update"),
    ("The culprit turned out to be a misconfigured load balancer.", "misconfigured load balancer"),
    ("A power failure in the data center was the source of the problem.", "data center failure"),
    ("A power failure in the data center was the cause of the problem.", "data center failure"),
    ("The company blamed a faulty database migration.", "faulty database migration"),
    ("The company pinned the blame on a faulty database migration.", "faulty database migration"),
    ("A spokesperson said a faulty database migration was responsible.", "faulty database migration"),
    ("The company traced the failure to a faulty database migration.", "faulty database migration"),
    ("The issue was a faulty database migration, the company said.", "faulty database migration"),
    ("The company said a faulty database migration was at fault.", "faulty database migration"),
    ("The problem was that the certificate had expired.", "certificate expired"),
    ("The cause: a database migration that locked the orders table.", "database migration"),
    ("What caused the outage was a faulty database migration.", "faulty database migration"),
    ("What went wrong was a faulty database migration.", "faulty database migration"),
    ("What caused it was a database migration that locked the orders table.", "database migration"),
    # status updates hedge: "appears to be", "seems to be", "is believed to be"
    ("The root cause appears to be an expired certificate on the payment gateway.", "payment gateway expired certificate"),
    ("The issue seems to be a misconfigured load balancer.", "misconfigured load balancer"),
    ("The cause is believed to be a faulty network switch.", "faulty network switch"),
])
def test_news_prose_names_the_root_cause_in_many_words(nlp, said, root):
    assert _roots(nlp, f"Checkout failed for two hours on Monday. {said}")[:1] == [root]


@pytest.mark.parametrize("said", [
    "The rollout started with the EU region.",
    "The problem started with a handful of customers in Ohio.",
    "He pointed to the dashboard.",
    "The team behind the product was praised.",
    "The outage began at 09:00 UTC.",
    "The outage started with a spike in errors.",
    "The problems started with login errors.",
    "Customers blamed the company.",
    "The problem was slow logins.",
    "The problem was widespread.",
    "The issue was resolved at noon.",
    "Nobody was at fault.",
    "The problem was not the database migration.",
    "The issue was a spike in errors.",
    "Cause and effect: we do not know yet.",
    "What caused the delay was a slow disk.",
    "What we saw was a spike in errors.",
])
def test_words_near_those_name_no_root_cause(nlp, said):
    text = f"Checkout failed for two hours on Monday. {said}"
    assert [c for c in claims(nlp, text) if c[0] == "root_cause"] == []


def test_identifying_the_cause_as_something_names_the_root_cause(nlp):
    text = ("Builds were queued for hours.\n\nIdentified - We have identified the cause as a misconfigured autoscaling "
            "policy that prevented new build runners from starting.")
    assert _roots(nlp, text)[:1] == ["misconfigured autoscaling policy"]


def test_a_day_counted_from_publication_on_a_written_date_is_no_weekday_claim(nlp):
    found = claims(nlp, "On June 8, 2021 the CDN failed worldwide. Yesterday at 10:00 UTC its edge servers crashed.",
                   published="2021-06-09")
    assert not any(kind == "date" and "weekday" in (value or "") for kind, value, *_ in found)


@pytest.mark.parametrize("said, first", [
    ("Customers first noticed slow page loads.", "slow page load"),
    ("The first sign of trouble was a blank dashboard.", "blank dashboard"),
    ("A blank dashboard was the first symptom.", "blank dashboard"),
    ("The outage started with a spike in payment errors.", "payment error spike"),
    ("It started with login errors on the checkout page.", "checkout page errors"),
    ("The first reports of failed card payments came in at 09:12 UTC.", "card payment failure"),
    ("Initial complaints about slow page loads appeared on social media.", "slow page load"),
])
def test_what_was_noticed_first_is_an_event_and_the_first_symptom(nlp, said, first):
    from analysis.causal import root_causes
    from graph.memory_store import MemoryStore
    from ingest.writing.corpus import ingest_text
    store = MemoryStore(None)
    ingest_text(store, nlp, "q", f"A bad deploy broke the payments service at 09:00. {said}", title="report",
                keep_empty=True)
    assert [f.label for f in root_causes(store.incident_graph("q")).first_symptoms][:1] == [first]


@pytest.mark.parametrize("said, roots", [
    ("The root cause was a combination of a stale cache entry and an expired certificate.",
     {"stale cache entry", "expired certificate"}),
    ("The root cause was a mix of an overloaded queue and a misconfigured load balancer.",
     {"overloaded queue", "misconfigured load balancer"}),
    (("The root cause was two issues in the cluster: a newly enabled feature that caused contention, and a slow "
      "database."), {"newly enabled feature", "slow database"}),
])
def test_a_root_cause_told_as_several_items_names_each_of_them(nlp, said, roots):
    assert set(_roots(nlp, f"Logins failed for two hours. {said}")) == roots


def test_not_x_but_y_names_y_the_root_cause_and_x_not(nlp):
    found = claims(nlp, "The root cause was not the traffic spike but an expired certificate.")
    assert found == [("not_root_cause", None, "the traffic spike", False),
                     ("root_cause", None, "an expired certificate", True)]
    assert _roots(nlp, "Logins failed for two hours. The root cause was not the traffic spike but an expired "
                       "certificate.") == ["expired certificate"]


@pytest.mark.parametrize("said, roots", [
    ("The outage was not caused by a power failure.", []),
    ("The outage was not caused by a power failure but by a faulty configuration file.",
     ["faulty configuration file"]),
    ("The outage was caused not by a cyberattack but by a faulty update.", ["faulty update"]),
])
def test_a_denied_cause_is_no_root_cause_and_the_one_named_instead_is(nlp, said, roots):
    assert [c[2] for c in claims(nlp, said) if c[0] == "root_cause"] == [f"a {r}" for r in roots]
    assert _roots(nlp, said) == roots


def _triggers(nlp, text: str) -> list[str]:
    from analysis.causal import root_causes
    from graph.memory_store import MemoryStore
    from ingest.writing.corpus import ingest_text
    store = MemoryStore(None)
    ingest_text(store, nlp, "q", text, title="report", keep_empty=True)
    return [f.label for f in root_causes(store.incident_graph("q")).triggers]


def test_what_the_text_calls_the_trigger_is_the_trigger_of_the_root_cause(nlp):
    text = "Checkout failed for two hours. The root cause was the missing cache limit. The image update was just the trigger."
    assert _roots(nlp, text) == ["missing cache limit"]
    assert _triggers(nlp, text) == ["image update"]


def test_a_trigger_field_of_an_incident_template_names_the_trigger(nlp):
    text = ("Impact: About 30% of card payments failed.\n"
            "Root cause: An expired intermediate certificate on the payment gateway's outbound proxy.\n"
            "Trigger: The certificate reached its expiry date; the renewal job had silently failed for weeks.\n")
    assert ("trigger", None, "The certificate reached its expiry date", True) in claims(nlp, text)
    assert _triggers(nlp, text) == ["expiry date reached"]
