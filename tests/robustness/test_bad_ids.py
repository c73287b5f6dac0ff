"""Ids and query strings from the URL: unknown ids, path traversal, characters outside the id pattern, bad filters."""

from __future__ import annotations

import pytest

from tests.robustness.problems import assert_problem


def test_unknown_incident_is_404(client):
    assert_problem(client.get("/api/incidents/no-such-incident/root-causes"), 404, type="urn:problem:not-found",
                   detail_has=("no-such-incident",))


def test_unknown_node_id_in_why_is_404(client, incident):
    assert_problem(client.get(f"/api/incidents/{incident}/why/{incident}:e:no-such-event"), 404,
                   type="urn:problem:not-found")


@pytest.mark.parametrize("path", [
    "/api/incidents/../../etc/passwd",
    "/api/incidents/..%2F..%2Fetc%2Fpasswd/root-causes",
    "/api/incidents/%2e%2e%2f%2e%2e%2fetc%2fpasswd/timeline",
    "/api/incidents/..%5C..%5Cwindows/graph",
], ids=["raw-dot-dot", "encoded-slash", "encoded-dot-dot-slash", "backslash"])
def test_path_traversal_in_incident_ids_is_404(client, path):
    body = assert_problem(client.get(path), 404)
    assert "root:" not in body["detail"]


def test_path_traversal_in_node_id_is_404(client, incident):
    assert_problem(client.get(f"/api/incidents/{incident}/why/%2e%2e%2f%2e%2e%2fetc%2fpasswd"), 404)


def test_zero_width_joiner_in_incident_id_is_422(client):
    body = assert_problem(client.post("/api/incidents", json={"id": "dns\u200dplanner", "title": "x"}), 422)
    assert body["errors"][0]["loc"] == "body.id"


def test_cypher_text_as_incident_id_is_404(client):
    assert_problem(client.get("/api/incidents/x'})%20DETACH%20DELETE%20n%20RETURN%201/graph"), 404)


def test_graph_kind_outside_the_schema_is_422(client, incident):
    body = assert_problem(client.get(f"/api/incidents/{incident}/graph?kind=Secret"), 422)
    assert body["errors"][0]["loc"] == "query.kind.0"


def test_classify_without_question_is_422(client, incident):
    body = assert_problem(client.get(f"/api/incidents/{incident}/classify"), 422)
    assert body["errors"] == [{"loc": "query.q", "msg": "Field required", "type": "missing"}]


def test_classify_question_over_200_characters_is_422(client, incident):
    assert_problem(client.get(f"/api/incidents/{incident}/classify?q={'dns' * 100}"), 422)


def test_unknown_review_format_is_422(client, incident):
    assert_problem(client.get(f"/api/incidents/{incident}/review?format=xlsx"), 422)


def test_unknown_fix_is_422_listing_the_known_ones(client):
    body = assert_problem(client.post("/api/model/check", json={"fixes": ["no_such_fix"]}), 422,
                          detail_has=("single_enactor", "never_delete_live_plan"))
    assert body["errors"][0]["loc"] == "body.fixes.0"


def test_unknown_scenario_is_422_listing_the_known_ones(client, incident):
    resp = client.post(f"/api/incidents/{incident}/counterfactuals", json={"scenario": "no_such_scenario"})
    body = assert_problem(resp, 422, detail_has=("baseline",))
    assert body["errors"][0]["loc"] == "body.scenario"


def test_removing_an_unknown_node_is_404_or_422(client, incident):
    resp = client.post(f"/api/incidents/{incident}/counterfactuals", json={"remove": [f"{incident}:e:nothing"]})
    assert resp.status_code in (404, 422)
    assert_problem(resp, resp.status_code)
