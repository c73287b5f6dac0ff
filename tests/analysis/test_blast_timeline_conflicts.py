"""Blast radius, timeline and conflicts on the literal incidents."""

from __future__ import annotations

import pytest

from analysis.blast_radius import blast_radius
from analysis.conflicts import conflicts
from analysis.timeline import timeline
from tests.analysis.cases import dns_race, tls_expiry
from tests.analysis.graph_builder import IncidentBuilder


@pytest.fixture(scope="module")
def graph():
    return dns_race().build()


def test_blast_radius_reaches_customers_through_affects_and_dependencies(graph):
    hits = {c.id.split(":")[-1]: (c.via, [p.split(":")[-1] for p in c.path]) for c in blast_radius(graph).components}
    assert hits["lambda"] == ("AFFECTS", ["race", "empty-record", "dns-failure", "dynamo-unreachable", "leases",
                                          "collapse", "nlb-checks", "lambda-errors", "lambda"])
    assert hits["ec2"] == ("DEPENDS_ON", ["race", "empty-record", "dns-failure", "dynamo-unreachable", "leases",
                                          "dwfm", "ec2"])
    assert hits["dynamodb"] == ("AFFECTS", ["race", "dynamodb"])
    assert set(hits) == {"dynamodb", "dns", "dns-enactor", "dns-planner", "dwfm", "ec2", "nlb", "lambda"}


def test_blast_radius_ignores_components_only_recoveries_touch():
    b = IncidentBuilder("rec")
    b.component("db", "DB")
    b.event("fixed", "DB restored", "recovery", components=["db"])
    assert blast_radius(b.build()).components == []


def test_blast_radius_of_dependents_in_another_incident():
    names = [(c.label, c.via) for c in blast_radius(tls_expiry()).components]
    assert names == [("certificate manager", "AFFECTS"), ("API gateway", "AFFECTS"), ("checkout", "DEPENDS_ON")]


def test_timeline_orders_events_in_utc_with_durations(graph):
    data = timeline(graph).to_dict()
    assert [(e["id"].split(":")[-1], e["at"]) for e in data["events"]] == [
        ("dns-failure", "2025-10-20T06:48:00Z"), ("dynamo-unreachable", "2025-10-20T06:48:00Z"),
        ("empty-record", "2025-10-20T06:48:00Z"), ("dynamo-recovered", "2025-10-20T09:25:00Z"),
        ("all-recovered", "2025-10-20T20:50:00Z")]
    assert [(d["to"].split(":")[-1], d["minutes"], d["text"]) for d in data["durations"]] == [
        ("dynamo-recovered", 157, "2 h 37 min"), ("all-recovered", 842, "14 h 2 min"),
        ("dynamo-unreachable", 157, "2 h 37 min")]
    assert data["events"][0]["role"] == "first_symptom"


def test_timeline_reports_a_time_two_sources_disagree_on(graph):
    [conflict] = timeline(graph).conflicts
    assert conflict.about == "DynamoDB endpoint unreachable"
    assert [c.value for c in conflict.claims] == ["2025-10-20T06:48:00Z", "2025-10-20T07:48:00Z"]
    assert conflict.likely == "aws:e:dynamo-unreachable"


def test_timeline_takes_the_time_point_most_sources_give():
    b = IncidentBuilder("tp")
    b.source("a", "A")
    b.source("b", "B")
    b.event("start", "outage began", "failure")
    b.timepoint("t1", "2024-01-01T10:00:00Z", "10:00 UTC", event="start", says=[("a", "It began at 10:00."),
                                                                            ("b", "Began 10:00.")])
    b.timepoint("t2", "2024-01-01T11:00:00Z", "11:00 UTC", event="start", says=[("a", "Or 11:00.")])
    b.timepoint("t3", "2024-01-01T12:00:00Z", "noon")
    data = timeline(b.build()).to_dict()
    assert [(e["label"], e["at"], e["kind"]) for e in data["events"]] == [
        ("outage began", "2024-01-01T10:00:00Z", "failure"), ("noon", "2024-01-01T12:00:00Z", "time")]
    assert data["conflicts"][0]["likely"] == "tp:t:t1"


def test_timeline_of_empty_incident_is_empty():
    assert timeline(IncidentBuilder("none").build()).to_dict() == {
        "events": [], "durations": [], "conflicts": [], "start": None, "end": None, "duration_minutes": None,
        "duration_text": None}


def test_conflicts_list_both_sides_and_the_likely_one(graph):
    report = conflicts(graph).to_dict()["conflicts"]
    year = next(c for c in report if c["kind"] == "date")
    assert [c["value"] for c in year["claims"]] == ["2023-10-20", "2025-10-20", "2025-10-20"]
    assert year["likely"] == "aws:cl:year-blog"
    assert year["reason"] == "its value is stated by 2 sources, any other by at most 1"
    assert [c["source"] for c in year["claims"]][:2] == ["Cloud outage news report", "How the outage happened"]
    clock = next(c for c in report if c["kind"] == "time")
    assert "7:48 AM UTC" in clock["claims"][1]["text"]


def test_conflict_keeps_the_likely_side_ingestion_decided():
    b = IncidentBuilder("dec")
    b.source("a", "A")
    b.source("b", "B")
    b.claim("x", "duration", "it lasted 3 hours", "dec", "a", "180")
    b.claim("y", "duration", "it lasted 15 hours", "dec", "b", "900")
    b.contradicts("x", "y", likely="y", reason="the status page shows 15 hours")
    [conflict] = conflicts(b.build()).conflicts
    assert (conflict.likely, conflict.reason) == ("dec:cl:y", "the status page shows 15 hours")


def test_conflict_between_equally_supported_claims_is_undecided():
    b = IncidentBuilder("tie")
    b.source("a", "A")
    b.source("b", "B")
    b.claim("x", "date", "in 2023", "tie", "a", "2023")
    b.claim("y", "date", "in 2025", "tie", "b", "2025")
    [conflict] = conflicts(b.build()).conflicts
    assert (conflict.likely, conflict.reason) == (None, "undecided: each value is stated by 1 source(s)")


def test_durations_start_at_the_first_minute_precise_time_and_run_to_the_last():
    b = IncidentBuilder("span")
    b.event("day", "outage day", "failure", at="2024-05-01T00:00:00Z", precision="day")
    b.timepoint("start", "2024-05-01T08:00:00Z", "8:00 AM UTC")
    b.event("fixed", "database restored", "recovery", at="2024-05-01T09:30:00Z")
    b.timepoint("end", "2024-05-01T12:15:00Z", "12:15 PM UTC")
    data = timeline(b.build()).to_dict()
    assert [(d["from_label"], d["to_label"], d["text"]) for d in data["durations"]] == [
        ("8:00 AM UTC", "database restored", "1 h 30 min"), ("8:00 AM UTC", "12:15 PM UTC", "4 h 15 min")]


def test_times_and_durations_about_the_same_incident_are_not_conflicts_by_themselves():
    b = IncidentBuilder("many")
    b.source("a", "A")
    b.source("b", "B")
    b.claim("t1", "time", "began at 06:48 UTC", "many", "a", "2025-10-20T06:48:00Z")
    b.claim("t2", "time", "recovered at 09:25 UTC", "many", "b", "2025-10-20T09:25:00Z")
    b.claim("d1", "duration", "a 14-hour outage", "many", "a", "840")
    b.claim("d2", "duration", "DynamoDB was down 3 hours", "many", "b", "180")
    assert conflicts(b.build()).conflicts == []


THROTTLES = "At 11:23 AM PDT our engineers began relaxing request throttles as they worked towards full recovery."


def test_a_time_no_event_claims_is_labelled_by_the_events_its_sentence_mentions():
    b = IncidentBuilder("ms")
    b.source("a", "A")
    b.event("relax", "request throttles relaxed", "mitigation", says=[("a", THROTTLES, "relaxing request throttles")])
    b.event("other", "database restored", "recovery", says=[("a", "The database was restored.")])
    b.timepoint("t", "2025-10-20T18:23:00Z", "11:23 AM PDT", says=[("a", THROTTLES, "11:23 AM PDT")])
    [point] = timeline(b.build()).to_dict()["events"]
    assert (point["label"], point["raw"], point["at"], point["kind"]) == (
        "request throttles relaxed", "11:23 AM PDT", "2025-10-20T18:23:00Z", "time")


def test_a_time_whose_sentence_names_several_unlinked_events_takes_the_first_in_text_order():
    b = IncidentBuilder("ms2")
    b.source("a", "A")
    sentence = "At 1:50 PM the API errors stopped and instance launches were operating normally."
    b.event("a-launch", "instance launches normal", "recovery", says=[("a", sentence, "instance launches")])
    b.event("b-api", "API errors stopped", "recovery", says=[("a", sentence, "the API errors stopped")])
    b.timepoint("t", "2025-10-20T20:50:00Z", "1:50 PM", says=[("a", sentence, "1:50 PM")])
    [point] = timeline(b.build()).to_dict()["events"]
    assert (point["label"], point["also"]) == ("API errors stopped", ["instance launches normal"])


def test_a_time_whose_sentence_names_no_event_is_labelled_by_the_sentence_cut_short():
    b = IncidentBuilder("ms3")
    b.source("a", "A")
    b.source("b", "B")
    b.event("relax", "request throttles relaxed", "mitigation", says=[("b", THROTTLES, "relaxing request throttles")])
    b.timepoint("t", "2025-10-20T18:23:00Z", "11:23 AM PDT", says=[("a", THROTTLES, "11:23 AM PDT")])
    [point] = timeline(b.build()).to_dict()["events"]
    assert (point["label"], point["raw"]) == (
        "At 11:23 AM PDT our engineers began relaxing request…", "11:23 AM PDT")


def test_a_milestone_label_is_one_event_and_the_others_are_listed_beside_it():
    b = IncidentBuilder("ms4")
    b.source("a", "A")
    sentence = "By noon DNS resolution recovered, queues drained and the backlog of instance launches cleared."
    b.event("a", "DNS resolution for the regional endpoint recovered", "recovery",
            says=[("a", sentence, "DNS resolution recovered")])
    b.event("b", "queues drained", "recovery", says=[("a", sentence, "queues drained")])
    b.timepoint("t", "2025-10-20T12:00:00Z", "noon", says=[("a", sentence, "noon")])
    [point] = timeline(b.build()).to_dict()["events"]
    assert (point["label"], point["also"]) == ("DNS resolution for the regional endpoint recovered", ["queues drained"])


def _day_and_minutes() -> IncidentBuilder:
    """An outage told 'on 1 May' (a bare date) and then to the minute: failure 08:05, recovery 09:30."""
    b = IncidentBuilder("band")
    b.event("day", "outage on 1 May", "failure", at="2024-05-01T00:00:00Z", precision="day")
    b.event("fail", "database unreachable", "failure", at="2024-05-01T08:05:00Z")
    b.event("fixed", "database restored", "recovery", at="2024-05-01T09:30:00Z")
    return b


def test_a_bare_date_is_a_band_over_its_day_and_never_the_start():
    data = timeline(_day_and_minutes().build()).to_dict()
    day = next(e for e in data["events"] if e["id"] == "band:e:day")
    assert day["band"] == {"from": "2024-05-01T00:00:00Z", "to": "2024-05-02T00:00:00Z"}
    assert all("band" not in e for e in data["events"] if e["id"] != "band:e:day")
    assert (data["start"], data["end"], data["duration_minutes"], data["duration_text"]) == (
        {"at": "2024-05-01T08:05:00Z", "ids": ["band:e:fail"]}, {"at": "2024-05-01T09:30:00Z", "ids": ["band:e:fixed"]},
        85, "1 h 25 min")
    assert [(d["from"], d["to"], d["minutes"]) for d in data["durations"]] == [("band:e:fail", "band:e:fixed", 85)]


def test_the_start_a_source_claims_comes_before_the_first_failure_told():
    b = _day_and_minutes()
    b.source("a", "A")
    b.claim("began", "started_at", "The outage began at 7:40 AM UTC.", "band", "a", "2024-05-01T07:40:00Z")
    data = timeline(b.build()).to_dict()
    assert (data["start"], data["duration_minutes"]) == ({"at": "2024-05-01T07:40:00Z", "ids": ["band:cl:began"]}, 110)


def test_a_start_claimed_only_to_the_day_is_not_the_start():
    b = _day_and_minutes()
    b.source("a", "A")
    b.claim("began", "started_at", "The outage began on 1 May.", "band", "a", "2024-05-01")
    assert timeline(b.build()).to_dict()["start"]["at"] == "2024-05-01T08:05:00Z"


def test_a_time_whose_sentence_names_a_cause_and_its_effect_is_labelled_by_the_cause():
    b = IncidentBuilder("up")
    b.source("a", "A")
    sentence = "At 12:28 PM the lease timeouts ended after a congestive collapse."
    b.event("timeouts", "lease timeouts", "symptom", says=[("a", sentence, "lease timeouts")])
    b.event("collapse", "congestive collapse", "failure", says=[("a", sentence, "congestive collapse")])
    b.causes("collapse", "timeouts")
    b.timepoint("t", "2025-10-20T12:28:00Z", "12:28 PM", says=[("a", sentence, "12:28 PM")])
    [point] = timeline(b.build()).to_dict()["events"]
    assert (point["label"], point["also"], point["told"]) == (
        "congestive collapse", ["lease timeouts"], ["up:e:collapse", "up:e:timeouts"])


def test_an_event_told_only_in_brackets_does_not_label_the_time_of_the_sentence():
    b = IncidentBuilder("aside")
    b.source("a", "A")
    sentence = "At 1:50 PM [14 hours after the outage started], all EC2 APIs were operating normally."
    b.event("outage", "DynamoDB inaccessible", "failure", says=[("a", sentence, "the outage")])
    b.event("healthy", "EC2 healthy", "recovery", says=[("a", sentence, "all EC2 APIs were operating normally")])
    b.timepoint("t", "2025-10-20T20:50:00Z", "1:50 PM", says=[("a", sentence, "1:50 PM")])
    data = timeline(b.build()).to_dict()
    [point] = data["events"]
    assert (point["label"], point["also"], point["told"]) == ("EC2 healthy", [], ["aside:e:healthy"])
    assert data["end"] == {"at": "2025-10-20T20:50:00Z", "ids": ["aside:e:healthy", "aside:t:t"]}


def test_an_aside_still_labels_a_time_whose_sentence_tells_nothing_else():
    b = IncidentBuilder("aside2")
    b.source("a", "A")
    sentence = "Engineers were paged at 7:01 AM (the outage had begun)."
    b.event("outage", "outage", "failure", says=[("a", sentence, "the outage")])
    b.timepoint("t", "2025-10-20T07:01:00Z", "7:01 AM", says=[("a", sentence, "7:01 AM")])
    assert timeline(b.build()).to_dict()["events"][0]["label"] == "outage"
