"""Incidents at scale: a cap on their number, pages, deletion of one and only it, ids that cannot take a node's id,
and articles whose cost does not grow with the incident."""

from __future__ import annotations

import statistics
import time

from bench.generated_articles import outage_article
from graph.schema import Node
from tests.robustness.problems import assert_problem


def create(client, *ids: str) -> None:
    for iid in ids:
        assert client.post("/api/incidents", json={"id": iid, "title": iid.upper()}).status_code == 201


def test_max_incidents_refuses_one_more_naming_the_setting(make_app):
    client = make_app(MAX_INCIDENTS=3).test_client()
    create(client, "a", "b", "c")
    body = assert_problem(client.post("/api/incidents", json={"id": "d", "title": "D"}), 422,
                          type="urn:problem:limit-exceeded:max_incidents", detail_has=("MAX_INCIDENTS",))
    assert body["limit"] == 3 and body["setting"] == "MAX_INCIDENTS"
    assert client.post("/api/incidents", json={"id": "a", "title": "A again"}).status_code == 200  # not a new one


def test_incident_list_pages_by_limit_and_cursor(client):
    create(client, "e", "a", "c", "b", "d")
    pages, cursor = [], None
    while True:
        query = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        body = client.get("/api/incidents", query_string=query).get_json()
        pages.append([item["id"] for item in body["incidents"]])
        assert body["total"] == 5
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == [["a", "b"], ["c", "d"], ["e"]]
    assert_problem(client.get("/api/incidents?limit=0"), 422)
    assert_problem(client.get("/api/incidents?limit=1001"), 422)


def test_index_page_shows_one_page_and_links_the_next(client):
    create(client, *(f"inc-{n:02d}" for n in range(25)))
    first = client.get("/").get_data(as_text=True)
    assert first.count('class="incident"') == 20 and "cursor=inc-19" in first and "25 in all" in first
    rest = client.get("/?cursor=inc-19").get_data(as_text=True)
    assert rest.count('class="incident"') == 5 and "Next incidents" not in rest


def test_index_and_list_stay_fast_at_ten_thousand_incidents(make_app):
    app = make_app()
    store = app.extensions["graph_store"]
    store.upsert([Node("Incident", f"inc-{n:05d}", {"incident": f"inc-{n:05d}", "title": f"Outage {n}"})
                  for n in range(10_000)])
    client = app.test_client()
    for path in ("/", "/api/incidents"):
        client.get(path)  # the first request summarises the page once per incident version
        times = []
        for _ in range(5):
            started = time.perf_counter()
            assert client.get(path).status_code == 200
            times.append(time.perf_counter() - started)
        assert statistics.median(times) < 0.05, (path, times)


def test_delete_removes_one_incident_and_only_it(client, incident):
    create(client, "other")
    assert client.post("/api/incidents/other/articles", json={"text": outage_article(1)}).status_code == 201
    other = client.get("/api/incidents/other").get_json()
    resp = client.delete("/api/incidents/rb")
    assert resp.status_code == 200 and resp.get_json()["id"] == "rb" and resp.get_json()["deleted_nodes"] > 10
    assert_problem(client.get("/api/incidents/rb"), 404)
    assert_problem(client.get("/api/incidents/rb/root-causes"), 404)
    assert client.get("/api/incidents/other").get_json() == other
    assert [i["id"] for i in client.get("/api/incidents").get_json()["incidents"]] == ["other"]
    assert_problem(client.delete("/api/incidents/rb"), 404)


def test_delete_needs_the_token_like_every_write(make_app):
    client = make_app(API_TOKEN="s3cret").test_client()
    headers = {"Authorization": "Bearer s3cret"}
    assert client.post("/api/incidents", json={"id": "x", "title": "X"}, headers=headers).status_code == 201
    assert_problem(client.delete("/api/incidents/x"), 401)
    assert client.delete("/api/incidents/x", headers={"Authorization": "bearer s3cret"}).status_code == 200


def test_an_incident_id_cannot_take_a_node_id_so_later_articles_still_fit(client):
    create(client, "aws")
    body = assert_problem(client.post("/api/incidents", json={"id": "aws:c:kinesis", "title": "K"}), 422)
    assert body["errors"][0]["loc"] == "body.id"
    text = "Amazon Kinesis failed in us-east-1 because a capacity limit was exceeded, and CloudWatch was delayed."
    assert client.post("/api/incidents/aws/articles", json={"text": text}).status_code == 201


def test_an_article_costs_no_export_of_its_incident_however_large(client):
    create(client, "grow")
    app_store = client.application.extensions["graph_store"]
    exports = []
    real = app_store.incident_graph
    app_store.incident_graph = lambda iid: exports.append(iid) or real(iid)
    for n in range(3):  # the first articles build this process's index and links of the incident
        assert client.post("/api/incidents/grow/articles", json={"text": outage_article(n)}).status_code == 201
    exports.clear()
    for n in range(3, 6):
        assert client.post("/api/incidents/grow/articles", json={"text": outage_article(n)}).status_code == 201
    assert exports == []
