"""A generic defect ("a software bug in X") told as the article's specific defect of the same component."""

from __future__ import annotations

from ingest.extract import extract_article
from ingest.sources import article_from_text


def root_cause_targets(nlp, text: str) -> list[str]:
    extraction = extract_article(nlp, article_from_text(text), "inc")
    claims = {n.id for n in extraction.nodes if n.label == "Claim" and n.props["kind"] == "root_cause"}
    return [e.target for e in extraction.edges if e.type == "ABOUT" and e.source in claims]


def event_ids(nlp, text: str) -> list[str]:
    extraction = extract_article(nlp, article_from_text(text), "inc")
    return sorted(n.id for n in extraction.nodes if n.label == "Event")


def test_root_cause_bug_is_the_race_condition_of_the_same_component(nlp):
    text = ("The root cause was a software bug in PostgreSQL. "
            "The race condition resided in the PostgreSQL replication code.")
    assert root_cause_targets(nlp, text) == ["inc:e:race-condition"]
    assert event_ids(nlp, text) == ["inc:e:race-condition"]


def test_bug_of_another_component_stays_a_bug(nlp):
    text = "The root cause was a software bug in PostgreSQL. A race condition in Redis was found later."
    assert event_ids(nlp, text) == ["inc:e:postgresql-software-bug", "inc:e:race-condition"]


def test_bug_without_a_specific_defect_stays_a_bug(nlp):
    assert root_cause_targets(nlp, "The root cause was a software bug in PostgreSQL.") == [
        "inc:e:postgresql-software-bug"]
