"""The one error path: every failure is an RFC 9457 problem (or the HTML error page), never a stack trace."""

from __future__ import annotations

import json

from graph.errors import StoreCorrupt, StoreUnavailable

PROBLEM = "application/problem+json"


def assert_problem(resp, status: int) -> dict:
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.mimetype == PROBLEM
    body = json.loads(resp.get_data(as_text=True))
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == status
    return body


def _add_route(app, rule: str, view) -> None:
    """Register a test-only route on an app (the app itself has no route that fails on purpose)."""
    app.add_url_rule(rule, rule.strip("/").replace("/", "_"), view)


def test_unhandled_error_is_500_without_stack_trace(app):
    def boom():
        raise RuntimeError("secret detail at /srv/app/internal.py")

    _add_route(app, "/test-only/boom", boom)
    resp = app.test_client().get("/test-only/boom")
    body = assert_problem(resp, 500)
    text = resp.get_data(as_text=True)
    assert "Traceback" not in text and "secret" not in text and "internal.py" not in text
    assert body["detail"] == "an unexpected error occurred on the server; it has been logged"


def test_non_finite_number_in_a_response_is_500_not_invalid_json(app):
    _add_route(app, "/test-only/nan", lambda: {"value": float("nan")})
    resp = app.test_client().get("/test-only/nan")
    assert_problem(resp, 500)
    assert "NaN" not in resp.get_data(as_text=True)


def test_store_unavailable_is_503_with_retry_after(app):
    def down():
        raise StoreUnavailable("connection refused")

    _add_route(app, "/test-only/down", down)
    resp = app.test_client().get("/test-only/down")
    assert_problem(resp, 503)
    assert resp.headers["Retry-After"] == "5"


def test_store_corrupt_is_500_without_the_server_path(app):
    def corrupt():
        raise StoreCorrupt("/very/private/graph.json", "bad JSON")

    _add_route(app, "/test-only/corrupt", corrupt)
    resp = app.test_client().get("/test-only/corrupt")
    body = assert_problem(resp, 500)
    assert "/very/private" not in resp.get_data(as_text=True)
    assert body["type"] == "urn:problem:store-corrupt"


def test_unknown_api_path_is_404_problem(client):
    assert_problem(client.get("/api/no-such-thing"), 404)


def test_wrong_method_is_405_problem_with_allow(client):
    resp = client.get("/api/model/check")
    assert_problem(resp, 405)
    assert "POST" in resp.headers["Allow"]


def test_browser_gets_html_error_page_outside_api(client):
    resp = client.get("/no-such-page", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert resp.status_code == 404
    assert resp.mimetype == "text/html"
    assert "<h1><span class=\"status-err\">404</span> Not Found</h1>" in resp.get_data(as_text=True)


def test_browser_gets_json_problem_inside_api(client):
    resp = client.get("/api/incidents/nope", headers={"Accept": "text/html,*/*;q=0.8"})
    assert_problem(resp, 404)


def test_unknown_incident_is_404_naming_it(client):
    body = assert_problem(client.get("/api/incidents/no-such-incident"), 404)
    assert "no-such-incident" in body["detail"]


def test_incident_id_outside_the_id_pattern_is_404(client):
    assert_problem(client.get("/api/incidents/UPPER%20case/root-causes"), 404)


def test_body_over_max_content_length_is_413_naming_the_limit(make_app):
    client = make_app(MAX_CONTENT_LENGTH=1000).test_client()
    resp = client.post("/api/model/check", data=b"{" + b" " * 2000 + b"}", content_type="application/json")
    body = assert_problem(resp, 413)
    assert (body["limit"], body["setting"]) == (1000, "MAX_CONTENT_LENGTH")
    assert "the limit is 1000 (MAX_CONTENT_LENGTH)" in body["detail"]


def test_wrong_content_type_is_415(client):
    resp = client.post("/api/model/check", data="enactors=3", content_type="application/x-www-form-urlencoded")
    body = assert_problem(resp, 415)
    assert body["accepted"] == ["application/json"]


def test_missing_content_type_is_415(client):
    assert_problem(client.post("/api/model/check", data=b'{"enactors": 2}'), 415)


def test_nan_in_body_is_422(client):
    resp = client.post("/api/model/check", data=b'{"enactors": NaN}', content_type="application/json")
    body = assert_problem(resp, 422)
    assert body["detail"] == "NaN is not allowed: JSON numbers must be finite"


def test_infinity_in_body_is_422(client):
    resp = client.post("/api/model/check", data=b'{"enactors": -Infinity}', content_type="application/json")
    assert assert_problem(resp, 422)["detail"] == "-Infinity is not allowed: JSON numbers must be finite"


def test_json_nested_65_levels_is_422_with_the_limit(client):
    deep = b'{"fixes": ' + b"[" * 64 + b"]" * 64 + b"}"
    body = assert_problem(client.post("/api/model/check", data=deep, content_type="application/json"), 422)
    assert body["limit"] == 64


def test_json_nested_100000_levels_is_422_not_a_crash(client):
    deep = b"[" * 100_000 + b"]" * 100_000
    assert_problem(client.post("/api/model/check", data=deep, content_type="application/json"), 422)


def test_invalid_json_is_422_with_position(client):
    body = assert_problem(client.post("/api/model/check", data=b'{"enactors": 2,}',
                                      content_type="application/json"), 422)
    assert body["detail"] == "the body is not valid JSON: Expecting property name enclosed in double quotes " \
                             "at line 1 column 16"


def test_empty_json_body_is_422(client):
    assert_problem(client.post("/api/model/check", data=b"", content_type="application/json"), 422)


def test_unknown_field_is_422_naming_it(client):
    body = assert_problem(client.post("/api/model/check", json={"enactors": 2, "turbo": True}), 422)
    assert body["errors"] == [{"loc": "body.turbo", "msg": "Extra inputs are not permitted",
                               "type": "extra_forbidden"}]


def test_out_of_range_field_is_422_naming_the_bound(client):
    body = assert_problem(client.post("/api/model/check", json={"enactors": 0}), 422)
    assert body["errors"][0]["loc"] == "body.enactors"
    assert body["errors"][0]["msg"] == "Input should be greater than or equal to 1"


def test_api_token_guards_writes_but_not_reads(make_app):
    client = make_app(API_TOKEN="s3cret").test_client()
    assert client.get("/api/incidents").status_code == 200
    body = assert_problem(client.post("/api/incidents", json={"title": "A"}), 401)
    assert "Authorization" in body["detail"]
    resp = client.post("/api/incidents", json={"title": "A"}, headers={"Authorization": "Bearer s3cret"})
    assert resp.status_code == 201


def test_chunked_body_over_max_content_length_is_413_naming_the_limit(make_app):
    import io

    client = make_app(MAX_CONTENT_LENGTH=1000).test_client()
    # No Content-Length: the limit is enforced while the body is read.
    resp = client.post("/api/model/check", input_stream=io.BytesIO(b"[" + b" " * 5000 + b"]"),
                       headers={"Transfer-Encoding": "chunked", "Content-Type": "application/json"},
                       environ_overrides={"wsgi.input_terminated": True})
    body = assert_problem(resp, 413)
    assert (body["limit"], body["setting"]) == (1000, "MAX_CONTENT_LENGTH")


def test_chunked_body_at_max_content_length_is_read_whole(make_app):
    import io

    client = make_app(MAX_CONTENT_LENGTH=1000).test_client()
    body = b'{"enactors": 2, "plans": 3, "fixes": []' + b" " * (999 - 39) + b"}"
    assert len(body) == 1000
    resp = client.post("/api/model/check", input_stream=io.BytesIO(body),
                       headers={"Transfer-Encoding": "chunked", "Content-Type": "application/json"},
                       environ_overrides={"wsgi.input_terminated": True})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.get_json()["holds"] is False
