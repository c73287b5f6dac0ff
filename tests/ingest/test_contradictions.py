"""Claims that disagree: UTC conversion, year, start time, duration."""

from __future__ import annotations

import pytest

from ingest.claims.contradictions import find_contradictions


def claim(cid: str, kind: str, value: str, source: str = "s1", text: str = "", published: str | None = None) -> dict:
    out = {"id": cid, "kind": kind, "value": value, "source": source, "text": text or value}
    if published:
        out["published"] = published
    return out


WRONG_CONVERSION = [
    claim("a", "time", "2025-10-20T06:48:00Z;local=2025-10-19T23:48 PDT", text="11:48 PM PDT (7:48 AM UTC)"),
    claim("b", "time", "2025-10-20T07:48:00Z;converts=2025-10-19T23:48 PDT", text="7:48 AM UTC"),
]


def test_wrong_utc_conversion_is_reported_as_a_dst_error():
    (found,) = find_contradictions(WRONG_CONVERSION)
    assert (found.a_id, found.b_id, found.likely, found.kind) == ("a", "b", "a", "utc_conversion")
    assert "06:48 UTC" in found.reason and "07:48 UTC" in found.reason and "daylight" in found.reason


def test_correct_conversion_is_no_conflict():
    assert find_contradictions([
        claim("a", "time", "2025-10-20T09:25:00Z;local=2025-10-20T02:25 PDT"),
        claim("b", "time", "2025-10-20T09:25:00Z;converts=2025-10-20T02:25 PDT"),
    ]) == []


def test_conversion_off_by_other_than_dst_is_reported_without_dst_reason():
    (found,) = find_contradictions([
        claim("a", "time", "2024-03-31T18:00:00Z;local=2024-03-31T23:30 IST"),
        claim("b", "time", "2024-03-31T18:30:00Z;converts=2024-03-31T23:30 IST"),
    ])
    assert found.kind == "utc_conversion" and "+30 min" in found.reason and "daylight" not in found.reason


def test_year_contradicted_by_weekday_and_publication():
    (found,) = find_contradictions([
        claim("old", "date", "2023-10-19", "s1", "October 19, 2023", published="2025-10"),
        claim("new", "date", "2025-10-20;weekday=Monday", "s2", "Monday … 20 October", published="2025-10-23"),
    ])
    assert (found.kind, found.likely, found.about) == ("year", "new", "the year of the incident")
    assert "2023" in found.reason and "2025" in found.reason


def test_same_year_dates_do_not_conflict():
    assert find_contradictions([claim("a", "date", "2025-10-19", "s1"), claim("b", "date", "2025-10-20", "s2")]) == []


def test_distant_dates_in_other_years_are_other_events():
    assert find_contradictions([claim("a", "date", "2023-03-01", "s1"), claim("b", "date", "2025-10-20", "s2")]) == []


def test_two_start_times_for_the_same_incident():
    (found,) = find_contradictions([
        claim("s-a", "started_at", "2025-10-20T06:48:00Z", "s1"),
        claim("s-b", "started_at", "2025-10-20T08:10:00Z", "s2"),
        claim("t", "time", "2025-10-20T06:48:00Z;local=2025-10-19T23:48 PDT", "s3"),
    ])
    assert (found.kind, found.likely) == ("time", "s-a")
    assert "82 min apart" in found.reason


def test_start_times_within_tolerance_agree():
    assert find_contradictions([claim("a", "started_at", "2025-10-20T06:48:00Z", "s1"),
                                claim("b", "started_at", "2025-10-20T06:55:00Z", "s2")]) == []


TIMES = [
    claim("start", "started_at", "2025-10-20T06:48:00Z", "s1"),
    claim("t1", "time", "2025-10-20T09:25:00Z;local=2025-10-20T02:25 PDT", "s1"),
    claim("t2", "time", "2025-10-20T20:50:00Z;local=2025-10-20T13:50 PDT", "s2"),
]


@pytest.mark.parametrize("minutes,text", [("840", "a 14-hour-long AWS outage"),
                                          ("180", "The DynamoDB outage lasted around 3 hours")],
                         ids=["14h-vs-06:48-20:50", "around-3h-vs-2h37"])
def test_durations_that_match_the_timestamps_within_tolerance(minutes, text):
    assert find_contradictions(TIMES + [claim("d", "duration", minutes, "s2", text)]) == []


def test_duration_matching_no_interval_is_reported():
    (found,) = find_contradictions(TIMES + [claim("d", "duration", "1800", "s2", "a 30-hour outage")])
    assert (found.kind, found.a_id, found.b_id) == ("duration", "d", "start")


def test_claim_without_id_is_refused():
    with pytest.raises(ValueError, match="'id', 'kind' and 'source'"):
        find_contradictions([{"kind": "date", "value": "2025-10-20"}])


def test_seed_claims_yield_the_year_and_conversion_conflicts(nlp):
    from pathlib import Path

    from ingest.claims.assertions import extract_claims
    from ingest.reading.sources import read_article
    from ingest.timing.times import TimeContext

    seeds = Path(__file__).resolve().parents[2] / "seeds"
    claims = []
    for path in sorted(seeds.glob("*.txt")):
        article = read_article(path)
        for i, rec in enumerate(extract_claims(nlp(article.text), ctx=TimeContext(published=article.published))):
            claims.append({"id": f"{path.name[:3]}-{i}", "kind": rec.kind, "value": rec.value or "",
                           "text": rec.text, "source": path.name[:3], "published": article.published})
    found = sorted((c.kind, c.likely[:3] if c.likely else None) for c in find_contradictions(claims))
    assert found == [("utc_conversion", "000"), ("year", "003")]
