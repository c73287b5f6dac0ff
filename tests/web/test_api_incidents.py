"""Incidents and articles through the API: responses and their stored effect."""

from __future__ import annotations

from tests.web.conftest import SHORT_ARTICLE
from tests.web.test_errors import assert_problem
from web.schemas import ArticleOut, GraphOut, IncidentListOut, IncidentOut


def _create(client, iid: str = "acme-lb-2024", title: str = "Acme load balancer outage") -> dict:
    resp = client.post("/api/incidents", json={"id": iid, "title": title})
    assert resp.status_code == 201, resp.get_data(as_text=True)
    return resp.get_json()


def test_empty_store_lists_no_incidents(client):
    resp = client.get("/api/incidents")
    assert resp.status_code == 200
    assert resp.get_json() == {"incidents": [], "total": 0, "next_cursor": None}


def test_create_incident_then_list_and_get_it(client):
    created = IncidentOut.model_validate(_create(client))
    assert (created.id, created.title, created.sources) == ("acme-lb-2024", "Acme load balancer outage", 0)
    listed = IncidentListOut.model_validate(client.get("/api/incidents").get_json())
    assert [(i.id, i.title) for i in listed.incidents] == [("acme-lb-2024", "Acme load balancer outage")]
    assert client.get("/api/incidents/acme-lb-2024").get_json()["title"] == "Acme load balancer outage"


def test_create_incident_without_id_uses_the_title_slug(client):
    resp = client.post("/api/incidents", json={"title": "Big Outage, 2024!"})
    assert resp.status_code == 201
    assert resp.get_json()["id"] == "big-outage-2024"


def test_create_existing_incident_again_is_200(client):
    _create(client)
    resp = client.post("/api/incidents", json={"id": "acme-lb-2024", "title": "Acme load balancer outage"})
    assert resp.status_code == 200
    assert len(client.get("/api/incidents").get_json()["incidents"]) == 1


def test_create_incident_with_illegal_id_is_422(client):
    body = assert_problem(client.post("/api/incidents", json={"id": "Has Spaces", "title": "x"}), 422)
    assert body["errors"][0]["loc"] == "body.id"


def test_create_incident_without_title_is_422(client):
    body = assert_problem(client.post("/api/incidents", json={"id": "a"}), 422)
    assert body["errors"] == [{"loc": "body.title", "msg": "Field required", "type": "missing"}]


def test_post_article_json_is_201_and_its_nodes_are_in_the_graph(client):
    _create(client)
    resp = client.post("/api/incidents/acme-lb-2024/articles", json={"text": SHORT_ARTICLE, "title": "Acme notes"})
    assert resp.status_code == 201, resp.get_data(as_text=True)
    article = ArticleOut.model_validate(resp.get_json())
    assert article.created is True
    assert article.added.get("Source") == 1
    graph = GraphOut.model_validate(client.get("/api/incidents/acme-lb-2024/graph").get_json())
    ids = {n.id for n in graph.nodes}
    assert article.article_id in ids
    kinds = {n.kind for n in graph.nodes}
    assert {"Source", "Event", "Component"} <= kinds
    assert client.get("/api/incidents/acme-lb-2024").get_json()["sources"] == 1


def test_same_article_again_is_200_and_duplicates_nothing(client):
    _create(client)
    first = client.post("/api/incidents/acme-lb-2024/articles", json={"text": SHORT_ARTICLE})
    before = client.get("/api/incidents/acme-lb-2024/graph").get_json()
    again = client.post("/api/incidents/acme-lb-2024/articles", json={"text": SHORT_ARTICLE})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["article_id"] == first.get_json()["article_id"]
    assert again.get_json()["created"] is False
    after = client.get("/api/incidents/acme-lb-2024/graph").get_json()
    assert len(after["nodes"]) == len(before["nodes"])
    assert len(after["edges"]) == len(before["edges"])


def test_post_article_as_text_plain_with_title_in_query(client):
    _create(client)
    resp = client.post("/api/incidents/acme-lb-2024/articles?title=Plain%20notes", data=SHORT_ARTICLE.encode(),
                       content_type="text/plain; charset=utf-8")
    assert resp.status_code == 201, resp.get_data(as_text=True)
    graph = client.get("/api/incidents/acme-lb-2024/graph?kind=Source").get_json()
    assert [n["title"] for n in graph["nodes"]] == ["Plain notes"]


def test_text_plain_with_invalid_utf8_is_422_naming_the_offset(client):
    _create(client)
    raw = "Réseau ".encode() + b"\xff\xfe broken"
    body = assert_problem(client.post("/api/incidents/acme-lb-2024/articles", data=raw,
                                      content_type="text/plain"), 422)
    assert body["offset"] == 8
    assert "byte 8 (0xff)" in body["detail"]


def test_article_over_article_max_chars_is_413_naming_the_limit(make_app):
    client = make_app(ARTICLE_MAX_CHARS=100).test_client()
    _create(client)
    body = assert_problem(client.post("/api/incidents/acme-lb-2024/articles", json={"text": SHORT_ARTICLE}), 413)
    assert body["limit"] == 100
    assert client.get("/api/incidents/acme-lb-2024").get_json()["sources"] == 0


def test_article_over_max_articles_per_incident_is_422_naming_the_setting(make_app):
    client = make_app(MAX_ARTICLES_PER_INCIDENT=1).test_client()
    _create(client)
    assert client.post("/api/incidents/acme-lb-2024/articles", json={"text": SHORT_ARTICLE}).status_code == 201
    other = SHORT_ARTICLE.replace("40 minutes", "45 minutes")
    body = assert_problem(client.post("/api/incidents/acme-lb-2024/articles", json={"text": other}), 422)
    assert (body["limit"], body["setting"]) == (1, "MAX_ARTICLES_PER_INCIDENT")


def test_empty_article_is_422_with_reason(client):
    _create(client)
    body = assert_problem(client.post("/api/incidents/acme-lb-2024/articles", json={"text": "   \n "}), 422)
    assert body["reason"] == "empty"


def test_non_english_article_is_422_with_reason(client):
    _create(client)
    german = ("Am Montag fiel der Dienst für mehrere Stunden aus, weil die Konfiguration der Lastverteiler "
              "fehlerhaft war und die Techniker den Fehler erst spät bemerkten.")
    body = assert_problem(client.post("/api/incidents/acme-lb-2024/articles", json={"text": german}), 422)
    assert body["reason"] == "not_english"


def test_article_for_unknown_incident_is_404(client):
    assert_problem(client.post("/api/incidents/nope/articles", json={"text": SHORT_ARTICLE}), 404)


def test_article_with_xml_content_type_is_415(client):
    _create(client)
    body = assert_problem(client.post("/api/incidents/acme-lb-2024/articles", data="<a/>",
                                      content_type="application/xml"), 415)
    assert body["accepted"] == ["application/json", "text/plain"]


def test_article_with_bad_published_date_is_422(client):
    _create(client)
    body = assert_problem(client.post("/api/incidents/acme-lb-2024/articles",
                                      json={"text": SHORT_ARTICLE, "published": "last tuesday"}), 422)
    assert body["errors"][0]["loc"] == "body.published"


def test_chunked_article_over_max_content_length_is_413_and_not_ingested_truncated(make_app):
    import io

    client = make_app(MAX_CONTENT_LENGTH=300).test_client()
    _create(client)
    resp = client.post("/api/incidents/acme-lb-2024/articles", input_stream=io.BytesIO(SHORT_ARTICLE.encode()),
                       headers={"Transfer-Encoding": "chunked", "Content-Type": "text/plain"},
                       environ_overrides={"wsgi.input_terminated": True})
    assert assert_problem(resp, 413)["limit"] == 300
    assert client.get("/api/incidents/acme-lb-2024").get_json()["sources"] == 0
