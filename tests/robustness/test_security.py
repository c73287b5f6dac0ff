"""Security: the API token, response headers, no debug mode outside development, article URLs never fetched."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import pytest

from bench.gunicorn_server import ROOT, free_port, request
from tests.robustness.conftest import OUTAGE
from tests.robustness.problems import assert_problem

TOKEN = "s3cret-token"


def test_write_without_token_is_401_with_www_authenticate(make_app):
    client = make_app(API_TOKEN=TOKEN).test_client()
    resp = client.post("/api/incidents", json={"title": "x"})
    body = assert_problem(resp, 401, type="urn:problem:unauthorized", detail_has=("Authorization: Bearer",))
    assert resp.headers["WWW-Authenticate"].startswith("Bearer ")
    assert TOKEN not in body["detail"]


def test_write_with_wrong_token_is_401_and_writes_nothing(make_app):
    client = make_app(API_TOKEN=TOKEN).test_client()
    resp = client.post("/api/incidents", json={"id": "no", "title": "x"}, headers={"Authorization": "Bearer nope"})
    assert_problem(resp, 401)
    assert client.get("/api/incidents").get_json()["incidents"] == []


def test_token_prefix_is_not_enough(make_app):
    client = make_app(API_TOKEN=TOKEN).test_client()
    resp = client.post("/api/incidents", json={"title": "x"}, headers={"Authorization": f"Bearer {TOKEN[:-1]}"})
    assert_problem(resp, 401)


def test_write_with_the_token_succeeds(make_app):
    client = make_app(API_TOKEN=TOKEN).test_client()
    resp = client.post("/api/incidents", json={"id": "yes", "title": "x"}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert resp.status_code == 201
    assert [i["id"] for i in client.get("/api/incidents").get_json()["incidents"]] == ["yes"]


def test_reads_stay_open_when_a_token_is_set(make_app):
    client = make_app(API_TOKEN=TOKEN).test_client()
    assert client.get("/api/incidents").status_code == 200
    assert client.get("/").status_code == 200


def test_api_token_reads_closes_reads_but_not_the_probes(make_app):
    client = make_app(API_TOKEN=TOKEN, API_TOKEN_READS="1").test_client()
    assert_problem(client.get("/api/incidents"), 401, detail_has=("every request",))
    assert client.get("/api/incidents", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    assert client.get("/healthz").status_code == 200


def test_no_token_configured_means_writes_are_open(client):
    assert client.post("/api/incidents", json={"title": "open"}).status_code == 201


def test_pages_send_a_csp_allowing_only_this_origin(client):
    resp = client.get("/")
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    csp = {part.split()[0]: part.split()[1:] for part in resp.headers["Content-Security-Policy"].split("; ")}
    assert csp["default-src"] == ["'self'"] and csp["script-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    sources = {src for values in csp.values() for src in values}
    assert sources <= {"'self'", "'none'", "data:"}, sources
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "no-referrer"


def test_html_error_pages_send_the_page_csp(client):
    resp = client.get("/incidents/no-such-incident", headers={"Accept": "text/html"})
    assert resp.status_code == 404 and resp.mimetype == "text/html"
    assert "script-src 'self'" in resp.headers["Content-Security-Policy"]


def test_api_answers_and_problems_send_security_headers(client):
    for resp in (client.get("/api/incidents"), client.get("/api/incidents/none/graph"), client.get("/healthz")):
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert resp.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"


def test_flask_debug_is_ignored_outside_development(monkeypatch, make_app):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    monkeypatch.delenv("ENV", raising=False)
    app = make_app()
    assert app.debug is False
    assert os.environ["FLASK_DEBUG"] == "0"


def test_flask_debug_is_honoured_in_development(monkeypatch, make_app):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    app = make_app(ENV="development")
    assert os.environ["FLASK_DEBUG"] == "1"
    assert app.config["PROPAGATE_EXCEPTIONS"] is not False


def _debugger_answers(env: dict[str, str], tmp_path) -> bool:
    """Start `flask run` with ``env``; True if the Werkzeug debugger serves its own script (it is active)."""
    port = free_port()
    full_env = {**os.environ, "DATA_DIR": str(tmp_path / "data"), **env}
    proc = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "run", "--no-reload", "--port", str(port)],
                            cwd=ROOT, env=full_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        end = time.monotonic() + 30
        while time.monotonic() < end:
            try:
                reply = request(port, "GET", "/?__debugger__=yes&cmd=resource&f=debugger.js", timeout=5)
                return reply.status == 200 and "javascript" in reply.headers.get("content-type", "")
            except OSError:
                time.sleep(0.1)
        raise AssertionError("flask run did not answer within 30 s")
    finally:
        proc.kill()
        proc.wait(timeout=10)


@pytest.mark.slow
def test_flask_run_has_no_werkzeug_debugger_outside_development(tmp_path):
    env = {"FLASK_DEBUG": "1", "ENV": "production"}
    assert _debugger_answers(env, tmp_path) is False
    assert _debugger_answers({**env, "ENV": "development"}, tmp_path) is True


def test_article_source_url_is_stored_never_fetched(client):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        listener.settimeout(1.0)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/article"
        client.post("/api/incidents", json={"id": "url", "title": "URL"})
        resp = client.post("/api/incidents/url/articles", json={"text": OUTAGE, "source": url})
        assert resp.status_code == 201, resp.get_data(as_text=True)
        with pytest.raises(TimeoutError):
            listener.accept()
    sources = client.get("/api/incidents/url/graph?kind=Source").get_json()["nodes"]
    assert [node.get("url") for node in sources] == [url]
