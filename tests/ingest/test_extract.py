"""extract_article and ingest_text: evidence that resolves to the text, empty articles, idempotency."""

from __future__ import annotations

import pytest

from graph.memory_store import MemoryStore
from ingest.extraction.extract import NO_CONTENT, extract_article
from ingest.reading.sources import ArticleRejected, article_from_text
from ingest.timing.times import TimeContext
from ingest.writing.corpus import ingest_text

TEXT = ("The race condition resulted in an empty DNS record at 11:48 PM PDT on October 19, 2025. "
        "EC2's control plane uses DynamoDB, so DynamoDB went down.")


def test_every_node_and_edge_has_evidence_quoting_the_text(nlp):
    article = article_from_text(TEXT)
    extraction = extract_article(nlp, article, "inc")
    mentions = {n.id: n.props for n in extraction.nodes if n.label == "Mention"}
    for item in [n for n in extraction.nodes if n.label in ("Component", "Event", "TimePoint", "Claim")] + [
            e for e in extraction.edges if e.type in ("CAUSES", "DEPENDS_ON", "AFFECTS", "AT")]:
        assert item.props["evidence"], item
        for mid in item.props["evidence"]:
            m = mentions[mid]
            assert article.text[m["start"]:m["end"]] == m["quote"] and m["quote"] in m["sentence"]


def test_extraction_holds_the_causal_edge_with_cue_and_quote(nlp):
    extraction = extract_article(nlp, article_from_text(TEXT), "inc")
    [causes] = [e for e in extraction.edges if e.type == "CAUSES" and e.source == "inc:e:race-condition"]
    assert (causes.target, causes.props["cue"], causes.props["confidence"]) == ("inc:e:empty-dns-record", "result in", 0.85)
    quote = next(n.props["quote"] for n in extraction.nodes if n.id == causes.props["evidence"][0])
    assert quote == "race condition resulted in an empty DNS record"


def test_event_is_at_the_time_told_in_its_sentence(nlp):
    extraction = extract_article(nlp, article_from_text(TEXT), "inc")
    at = [(e.source, e.target) for e in extraction.edges if e.type == "AT" and ":e:" in e.source]
    assert at == [("inc:e:empty-dns-record", "inc:t:2025-10-20t06-48-00z")]


def test_text_without_incident_content_yields_only_its_source(nlp):
    text = "The committee met on Tuesday to discuss the new library opening hours for the summer."
    extraction = extract_article(nlp, article_from_text(text), "inc")
    assert [n.label for n in extraction.nodes] == ["Source"]
    assert extraction.warnings == [NO_CONTENT]


def test_ingest_text_rejects_text_without_incident_content(nlp):
    with pytest.raises(ArticleRejected) as err:
        ingest_text(MemoryStore(None), nlp, "inc", "The committee met on Tuesday to discuss library hours.")
    assert err.value.reason == "no_incident_content"


def test_ingest_text_keeps_empty_article_as_source_when_asked(nlp):
    store = MemoryStore(None)
    result = ingest_text(store, nlp, "inc", "The committee met on Tuesday to discuss library hours.", keep_empty=True)
    assert result.created and result.warnings == [NO_CONTENT]
    assert store.get_node(result.article_id).props["warnings"] == [NO_CONTENT]


def test_same_text_twice_changes_nothing(nlp):
    store = MemoryStore(None)
    first = ingest_text(store, nlp, "inc", TEXT, title="t")
    version = store.version("inc")
    second = ingest_text(store, nlp, "inc", TEXT, title="t")
    assert (first.created, second.created, second.added) == (True, False, {})
    assert first.article_id == second.article_id and store.version("inc") == version


def test_ingest_text_rejects_empty_text(nlp):
    with pytest.raises(ArticleRejected):
        ingest_text(MemoryStore(None), nlp, "inc", "   ")


def test_same_event_at_a_second_time_leaves_that_time_to_its_claim(nlp):
    text = ("By 10:36 AM PDT on October 20, 2025, EC2 instance launches were operating normally. "
            "At 1:50 PM, all EC2 instance launches were operating normally.")
    extraction = extract_article(nlp, article_from_text(text), "inc")
    at = sorted((e.source, e.target) for e in extraction.edges if e.type == "AT" and ":e:" in e.source)
    assert at == [("inc:e:ec2-launch-operating-normally", "inc:t:2025-10-20t17-36-00z")]
    assert "inc:t:2025-10-20t20-50-00z" in {n.id for n in extraction.nodes}


def test_date_claim_keeps_the_written_year_when_the_incident_year_places_it(nlp):
    article = article_from_text("The PostgreSQL outage began at 11:48 PM PDT on October 19, 2023.")
    extraction = extract_article(nlp, article, "inc", ctx=TimeContext(incident_year=2025))
    values = sorted((n.props["kind"], n.props["value"]) for n in extraction.nodes if n.label == "Claim")
    assert ("date", "2023-10-19") in values
    assert [n.props["utc"] for n in extraction.nodes if n.label == "TimePoint"] == ["2025-10-20T06:48:00Z"]


def test_event_only_asked_about_is_not_an_event(nlp):
    article = article_from_text("PostgreSQL went down at noon. Why did the operator delete the replica?")
    extraction = extract_article(nlp, article, "inc")
    assert [n.id for n in extraction.nodes if n.label == "Event"] == ["inc:e:postgresql-went-down"]


def test_plans_policies_and_bare_weekdays_are_not_time_points(nlp):
    text = ("On 3 March 2026 at 14:05 UTC the signing key expired and logins failed. On Monday the team "
            "met. We will renew signing keys two weeks before they expire, and the review will be done by "
            "March 20, 2026.")
    extraction = extract_article(nlp, article_from_text(text), "keys")
    points = sorted(n.props["utc"] for n in extraction.nodes if n.label == "TimePoint")
    assert points == ["2026-03-03T14:05:00Z"]


def test_datelines_and_publication_dates_are_not_time_points(nlp):
    text = ("AUSTIN, Texas, July 24, 2024 -- The sensor update crashed Windows hosts at 04:09 UTC on July 19, 2024.\n"
            "Published July 25, 2024")
    extraction = extract_article(nlp, article_from_text(text), "dl")
    assert sorted(n.props["utc"] for n in extraction.nodes if n.label == "TimePoint") == ["2024-07-19T04:09:00Z"]


def _time_points(nlp, text: str) -> list[str]:
    store = MemoryStore(None)
    ingest_text(store, nlp, "q", text, title="report", published="2024-03-12", keep_empty=True)
    return sorted(d["utc"] for _, d in store.incident_graph("q").nodes(data=True) if d.get("label") == "TimePoint")


def test_routines_plans_and_counterfactuals_are_no_moments_of_the_incident(nlp):
    assert _time_points(nlp, "The Acme database failed at 14:05 UTC on March 8, 2024. A cleanup job runs every day "
                             "at 03:00 UTC and normally finishes by 03:20. The team had planned the migration for "
                             "13:00 UTC but started it at 13:40 UTC. Had the change been rolled back at 14:10, the "
                             "outage would have lasted five minutes.") == ["2024-03-08T13:40:00Z",
                                                                          "2024-03-08T14:05:00Z"]


def test_a_retrospective_dates_its_incident_in_the_year_it_names(nlp):
    # published in 2024 about "the 2017 S3 outage": the dates it writes without a year are in 2017
    text = ("Looking back at the 2017 S3 outage, it is still a lesson. On February 28, an engineer ran a command "
            "to remove a few servers. At 9:37 a.m. PST a typo removed far more capacity than intended.")
    store = MemoryStore(None)
    ingest_text(store, nlp, "q", text, title="Lessons", published="2024-05-01", keep_empty=True)
    points = sorted(d["utc"] for _, d in store.incident_graph("q").nodes(data=True) if d.get("label") == "TimePoint")
    assert points == ["2017-02-28T00:00:00Z", "2017-02-28T17:37:00Z"]
    # "Back in 2017" names no outage, but the weekday written with the date fits 2017, not the last Feb 28
    store = MemoryStore(None)
    ingest_text(store, nlp, "q", "Back in 2017, S3 went down. On Tuesday, February 28, at 9:37 a.m. PST an engineer "
                "removed too many servers.", title="Lessons", published="2024-05-01", keep_empty=True)
    assert [d["utc"] for _, d in store.incident_graph("q").nodes(data=True) if d.get("label") == "TimePoint"] == [
        "2017-02-28T17:37:00Z"]
    # a fresh account names no other year: "March 3" is the last one before it was published
    assert _time_points(nlp, "The 2024 outage began on March 3 at 09:10 UTC.") == ["2024-03-03T09:10:00Z"]


def _timed(nlp, text: str) -> dict[str, str]:
    extraction = extract_article(nlp, article_from_text(text, published="2024-05-12"), "inc")
    return {n.props["summary"]: n.props.get("at") for n in extraction.nodes if n.label == "Event"}


def test_the_time_something_was_found_is_not_when_it_happened(nlp):
    timed = _timed(nlp, "Checkout failed. At 08:52 UTC we found the configuration change and reverted it.")
    assert timed["configuration change"] is None
    assert timed["reverted"] == "2024-05-12T08:52:00Z"
