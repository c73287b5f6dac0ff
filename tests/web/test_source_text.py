"""A posted article's Source keeps its text in the store; the graph API leaves that text out."""

from __future__ import annotations

from tests.web.conftest import SHORT_ARTICLE


def test_the_source_keeps_the_text_and_the_graph_api_leaves_it_out(app, client):
    assert client.post("/api/incidents", json={"id": "acme", "title": "Acme"}).status_code == 201
    posted = client.post("/api/incidents/acme/articles", json={"text": SHORT_ARTICLE, "title": "Acme postmortem"})
    assert posted.status_code == 201
    source = app.extensions["graph_store"].get_node(posted.get_json()["article_id"])
    assert (source.props["text"], source.props["order"]) == (SHORT_ARTICLE, 0)
    nodes = client.get("/api/incidents/acme/graph?kind=Source").get_json()["nodes"]
    assert [(n["label"], "text" in n) for n in nodes] == [("Acme postmortem", False)]
