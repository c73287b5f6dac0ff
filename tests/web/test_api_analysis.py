"""The analysis endpoints on the seeded incident, and on a second incident from a short text of our own."""

from __future__ import annotations

import csv
import io
from urllib.parse import quote

from tests.web.conftest import SHORT_ARTICLE
from tests.web.test_errors import assert_problem
from web.schemas import (
    BlastOut,
    ClassifyOut,
    ConflictsOut,
    GraphOut,
    IncidentListOut,
    RootCausesOut,
    TimelineOut,
    WhyOut,
)


def _url(iid: str, path: str) -> str:
    return f"/api/incidents/{iid}{path}"


def test_seed_incident_is_listed_with_four_sources(seeded, seed_id):
    incidents = IncidentListOut.model_validate(seeded.get("/api/incidents").get_json()).incidents
    assert [(i.id, i.sources) for i in incidents] == [(seed_id, 4)]


def test_graph_has_typed_nodes_and_edges(seeded, seed_id):
    graph = GraphOut.model_validate(seeded.get(_url(seed_id, "/graph")).get_json())
    ids = {n.id for n in graph.nodes}
    assert all(e.source in ids and e.target in ids for e in graph.edges)
    assert any(e.type == "CAUSES" for e in graph.edges)


def test_graph_kind_filter_keeps_only_that_kind(seeded, seed_id):
    graph = seeded.get(_url(seed_id, "/graph?kind=Component")).get_json()
    assert graph["nodes"] and {n["kind"] for n in graph["nodes"]} == {"Component"}


def test_graph_kind_filter_takes_comma_separated_kinds(seeded, seed_id):
    graph = seeded.get(_url(seed_id, "/graph?kind=Component,TimePoint")).get_json()
    assert {n["kind"] for n in graph["nodes"]} == {"Component", "TimePoint"}


def test_graph_unknown_kind_is_422(seeded, seed_id):
    body = assert_problem(seeded.get(_url(seed_id, "/graph?kind=Banana")), 422)
    assert body["errors"][0]["loc"] == "query.kind.0"


def test_graph_unknown_query_parameter_is_422(seeded, seed_id):
    body = assert_problem(seeded.get(_url(seed_id, "/graph?colour=red")), 422)
    assert body["errors"][0]["loc"] == "query.colour"


def test_graph_component_filter_keeps_the_component_and_its_events(seeded, seed_id):
    components = seeded.get(_url(seed_id, "/graph?kind=Component")).get_json()["nodes"]
    dynamo = next(n["id"] for n in components if "dynamo" in n["label"].lower())
    graph = seeded.get(_url(seed_id, f"/graph?component={quote(dynamo)}")).get_json()
    ids = {n["id"] for n in graph["nodes"]}
    assert dynamo in ids
    assert any(n["kind"] == "Event" for n in graph["nodes"])


def test_graph_unknown_component_is_404(seeded, seed_id):
    assert_problem(seeded.get(_url(seed_id, f"/graph?component={seed_id}:c:no-such-thing")), 404)


def test_root_causes_put_the_race_first_and_dns_among_symptoms(seeded, seed_id):
    report = RootCausesOut.model_validate(seeded.get(_url(seed_id, "/root-causes")).get_json())
    assert "race" in report.root_causes[0].label.lower()
    assert report.root_causes[0].evidence[0].quote
    symptoms = report.first_symptoms + report.symptoms
    assert any("dns" in s.label.lower() for s in symptoms)


def test_classify_dns_failure_is_a_symptom(seeded, seed_id):
    verdict = ClassifyOut.model_validate(seeded.get(_url(seed_id, "/classify?q=DNS%20failure")).get_json())
    assert verdict.role in ("first_symptom", "symptom")


def test_classify_race_condition_is_the_root_cause(seeded, seed_id):
    verdict = ClassifyOut.model_validate(seeded.get(_url(seed_id, "/classify?q=race%20condition")).get_json())
    assert verdict.role == "root_cause"


def test_classify_without_q_is_422(seeded, seed_id):
    body = assert_problem(seeded.get(_url(seed_id, "/classify")), 422)
    assert body["errors"] == [{"loc": "query.q", "msg": "Field required", "type": "missing"}]


def test_classify_with_overlong_q_is_422(seeded, seed_id):
    assert_problem(seeded.get(_url(seed_id, "/classify?q=" + "x" * 201)), 422)


def test_why_chain_of_a_symptom_starts_at_a_root_cause(seeded, seed_id):
    report = seeded.get(_url(seed_id, "/root-causes")).get_json()
    target = (report["first_symptoms"] or report["symptoms"])[0]["id"]
    roots = {r["id"] for r in report["root_causes"]} | {t["id"] for t in report["triggers"]}
    why = WhyOut.model_validate(seeded.get(_url(seed_id, f"/why/{quote(target)}")).get_json())
    assert why.chains
    for chain in why.chains:
        assert chain["steps"][-1]["id"] == target
        assert chain["steps"][0]["id"] in roots


def test_why_unknown_node_is_404(seeded, seed_id):
    body = assert_problem(seeded.get(_url(seed_id, f"/why/{seed_id}:e:no-such-event")), 404)
    assert f"{seed_id}:e:no-such-event" in body["detail"]


def test_why_node_id_outside_the_pattern_is_404(seeded, seed_id):
    assert_problem(seeded.get(_url(seed_id, "/why/NOT%20AN%20ID")), 404)


def test_timeline_is_in_utc_order_from_0648(seeded, seed_id):
    timeline = TimelineOut.model_validate(seeded.get(_url(seed_id, "/timeline")).get_json())
    times = [e.at for e in timeline.events if e.at]
    assert times == sorted(times)
    assert any(t.startswith("2025-10-20T06:48") for t in times)


def test_timeline_starts_at_0648_and_ends_at_2050_with_the_events_behind_them(seeded, seed_id):
    timeline = TimelineOut.model_validate(seeded.get(_url(seed_id, "/timeline")).get_json())
    assert (timeline.start.at, timeline.end.at, timeline.duration_minutes) == (
        "2025-10-20T06:48:00Z", "2025-10-20T20:50:00Z", 842)
    assert f"{seed_id}:e:website-affected" in timeline.start.ids and timeline.end.ids
    assert all(e.band and e.band.from_ == "2025-10-20T00:00:00Z" for e in timeline.events if e.precision == "day")


def test_review_summary_gives_the_timelines_start_and_end(seeded, seed_id):
    text = seeded.get(_url(seed_id, "/review?format=md")).get_data(as_text=True)
    assert "From 2025-10-20 06:48 UTC to 2025-10-20 20:50 UTC (14 h 2 min)." in text
    assert "00:00 UTC" not in text


def test_conflicts_report_the_wrong_year(seeded, seed_id):
    report = ConflictsOut.model_validate(seeded.get(_url(seed_id, "/conflicts")).get_json())
    assert any("2023" in claim.text for c in report.conflicts for claim in c.claims)


def test_blast_radius_reaches_ec2_and_lambda(seeded, seed_id):
    blast = BlastOut.model_validate(seeded.get(_url(seed_id, "/blast-radius")).get_json())
    labels = " ".join(c.label.lower() for c in blast.components)
    assert "ec2" in labels and "lambda" in labels
    assert all(c.path for c in blast.components)


def test_review_markdown_names_the_root_cause(seeded, seed_id):
    resp = seeded.get(_url(seed_id, "/review?format=md"))
    assert resp.status_code == 200 and resp.mimetype == "text/markdown"
    assert "root cause" in resp.get_data(as_text=True).lower()


def test_review_csv_has_a_header_and_rows(seeded, seed_id):
    resp = seeded.get(_url(seed_id, "/review?format=csv"))
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert len(list(csv.reader(io.StringIO(resp.get_data(as_text=True))))) > 3


def test_review_json_is_json(seeded, seed_id):
    resp = seeded.get(_url(seed_id, "/review?format=json"))
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    assert isinstance(resp.get_json(), (dict, list))


def test_review_unknown_format_is_422(seeded, seed_id):
    body = assert_problem(seeded.get(_url(seed_id, "/review?format=pdf")), 422)
    assert body["errors"][0]["loc"] == "query.format"


def test_analysis_of_unknown_incident_is_404(seeded):
    for path in ("/graph", "/root-causes", "/classify?q=dns", "/timeline", "/conflicts", "/blast-radius",
                 "/review?format=md", "/why/x:e:y"):
        assert_problem(seeded.get(_url("no-such-incident", path)), 404)


def test_second_incident_from_a_short_text_gets_its_own_answers(client):
    assert client.post("/api/incidents", json={"id": "acme", "title": "Acme outage"}).status_code == 201
    assert client.post("/api/incidents/acme/articles", json={"text": SHORT_ARTICLE}).status_code == 201
    events = {n["id"] for n in client.get(_url("acme", "/graph?kind=Event")).get_json()["nodes"]}
    report = client.get(_url("acme", "/root-causes")).get_json()
    RootCausesOut.model_validate(report)
    placed = [item["id"] for key in ("root_causes", "triggers", "contributing_factors", "first_symptoms",
                                     "symptoms", "impacts", "recoveries", "mitigations") for item in report[key]]
    assert events and sorted(placed) == sorted(events), "every event of the incident has exactly one role"
    timeline = TimelineOut.model_validate(client.get(_url("acme", "/timeline")).get_json())
    times = [e.at for e in timeline.events]
    assert any(t.startswith("2024-03-03T14:45") for t in times)
    assert all(t.startswith("2024-03-03") for t in times)


def test_classify_text_matching_nothing_is_404_no_match(seeded, seed_id):
    body = assert_problem(seeded.get(_url(seed_id, "/classify?q=zebra%20migration")), 404)
    assert body["type"] == "urn:problem:no-match"
    assert "zebra migration" in body["detail"]
