"""The small items of the hostile probe: NUL in any text field, HTML in the Markdown export, impossible published
dates, the Bearer scheme's case, and a body with 150,000 unknown keys."""

from __future__ import annotations

import json

import pytest

from tests.robustness.conftest import OUTAGE
from tests.robustness.problems import assert_problem


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/api/incidents", {"id": "n", "title": "Acme\x00outage"}, "body.title"),
    ("/api/incidents", {"id": "n", "title": "Acme", "region": "us-east-1\x00x"}, "body.region"),
    ("/api/incidents/rb/articles", {"text": OUTAGE, "title": "a\x00b"}, "body.title"),
    ("/api/incidents/rb/articles", {"text": OUTAGE, "source": "https://example.com/\x00"}, "body.source"),
], ids=["incident-title", "region", "article-title", "source"])
def test_nul_in_any_text_field_is_422_naming_it_and_nothing_is_stored(client, incident, path, body, field):
    before = client.get("/api/incidents/rb").get_json()
    resp = client.post(path, json=body)
    problem = assert_problem(resp, 422)
    assert problem["errors"][0]["loc"] == field and "NUL" in problem["errors"][0]["msg"]
    assert client.get("/api/incidents/rb").get_json() == before
    assert client.get("/api/incidents/n").status_code == 404


def test_nul_in_a_query_text_is_422(client, incident):
    problem = assert_problem(client.get("/api/incidents/rb/classify", query_string={"q": "DNS\x00"}), 422)
    assert problem["errors"][0]["loc"] == "query.q"


def test_markdown_export_escapes_html_from_titles(client):
    assert client.post("/api/incidents", json={"id": "x", "title": "<img src=x onerror=alert(1)>"}).status_code == 201
    assert client.post("/api/incidents/x/articles", json={"text": OUTAGE, "title": "<script>alert(2)</script>"}
                       ).status_code == 201
    markdown = client.get("/api/incidents/x/review?format=md").get_data(as_text=True)
    assert "<img" not in markdown and "<script" not in markdown
    assert "&lt;img src=x onerror=alert(1)&gt;" in markdown


@pytest.mark.parametrize("published", ["2025-13", "2025-02-30", "2025-00-10"])
def test_impossible_published_date_is_422_naming_the_field(client, incident, published):
    problem = assert_problem(client.post("/api/incidents/rb/articles", json={"text": OUTAGE, "published": published}),
                             422)
    assert problem["errors"][0]["loc"] == "body.published" and "is not a date" in problem["errors"][0]["msg"]
    text = client.post(f"/api/incidents/rb/articles?published={published}", data=OUTAGE.encode(),
                       content_type="text/plain")
    assert assert_problem(text, 422)["errors"][0]["loc"] == "query.published"


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER", "bEaReR"])
def test_the_bearer_scheme_matches_in_any_case(make_app, scheme):
    client = make_app(API_TOKEN="s3cret").test_client()
    resp = client.post("/api/incidents", json={"id": "t", "title": "T"}, headers={"Authorization": f"{scheme} s3cret"})
    assert resp.status_code == 201


def test_a_body_with_150000_unknown_keys_lists_20_errors_and_their_count(client, incident):
    body = json.dumps({"text": OUTAGE, **{f"k{n}": 1 for n in range(150_000)}}).encode()
    assert 1_500_000 < len(body) < 2 * 1024 * 1024
    resp = client.post("/api/incidents/rb/articles", data=body, content_type="application/json")
    problem = assert_problem(resp, 422)
    assert len(problem["errors"]) == 20 and problem["error_count"] == 150_000
    assert len(resp.get_data()) < 10_000
