"""Which event a time expression times: the event of its own clause, clock times before dates."""

from __future__ import annotations

from ingest.extraction.extract import extract_article
from ingest.reading.sources import article_from_text
from ingest.timing.times import TimeContext


def timed(nlp, text: str, ctx: TimeContext | None = None) -> dict[str, tuple[str | None, str | None]]:
    extraction = extract_article(nlp, article_from_text(text), "inc", ctx=ctx)
    return {n.props["summary"]: (n.props.get("at"), n.props.get("until")) for n in extraction.nodes
            if n.label == "Event"}


def test_clock_time_with_its_date_times_the_event(nlp):
    assert timed(nlp, "At 09:10 UTC on 4 June 2024 the PostgreSQL database went down.") == {
        "PostgreSQL went down": ("2024-06-04T09:10:00Z", None)}


def test_date_before_the_clock_does_not_take_the_minute(nlp):
    assert timed(nlp, "On 4 June 2024 at 09:10 UTC the PostgreSQL database went down.") == {
        "PostgreSQL went down": ("2024-06-04T09:10:00Z", None)}


def test_time_of_another_clause_leaves_the_event_untimed(nlp):
    found = timed(nlp, "PostgreSQL went down, and the cache recovered at 14:05 UTC on 4 June 2024.")
    assert found == {"PostgreSQL went down": (None, None), "cache recovered": ("2024-06-04T14:05:00Z", None)}


def test_weekday_does_not_time_an_event(nlp):
    found = timed(nlp, "On Monday the PostgreSQL database went down.", TimeContext(published="2024-06-05"))
    assert found == {"PostgreSQL went down": (None, None)}


def test_time_after_until_ends_the_event(nlp):
    assert timed(nlp, "The congestive collapse lasted until 5:28 AM UTC on 4 June 2024.") == {
        "congestive collapse": (None, "2024-06-04T05:28:00Z")}


def test_a_clock_opening_a_timeline_line_times_the_first_event_of_the_line(nlp):
    text = ("Timeline (UTC)\n\nOn 14 May 2024:\n- 13:02: A scheduled migration started on the orders database.\n"
            "- 13:31 The migration was cancelled and the lock released.\n")
    found = timed(nlp, text)
    assert found["scheduled migration start on orders database"] == ("2024-05-14T13:02:00Z", None)
    assert found["migration cancelled"] == ("2024-05-14T13:31:00Z", None)
    assert found["lock released"] == (None, None)


def test_a_timeline_heading_declares_the_zone_of_its_clocks(nlp):
    text = "Timeline (PDT)\n\nOn 14 May 2024:\n- 23:40 Error rates on the checkout service began to rise.\n"
    assert timed(nlp, text)["checkout service error rate"] == ("2024-05-15T06:40:00Z", None)


def test_a_status_page_stamp_under_its_entry_times_that_entry(nlp):
    text = ("Resolved - This incident has been resolved.\nJun 12, 2024, 16:40 UTC\n\n"
            "Investigating - We are investigating elevated error rates for the Search API.\nJun 12, 2024, 14:58 UTC\n")
    found = timed(nlp, text)
    assert found["incident resolved"] == ("2024-06-12T16:40:00Z", None)
    assert found["Search error rate"] == ("2024-06-12T14:58:00Z", None)
