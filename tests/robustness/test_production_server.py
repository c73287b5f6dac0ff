"""Over-size bodies through the production server: the client reads a clean 413, not a connection reset."""

from __future__ import annotations

import json

import pytest

from bench.gunicorn_server import GunicornServer, request

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]
LIMIT = 64 * 1024


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = GunicornServer(tmp_path_factory.mktemp("prod") / "data", workers=2, threads=2,
                         env={"MAX_CONTENT_LENGTH": str(LIMIT)})
    srv.start()
    yield srv
    srv.stop()


@pytest.mark.parametrize("size", [LIMIT + 1, 1024 * 1024, 10 * 1024 * 1024], ids=["limit+1", "1MB", "10MB"])
def test_oversize_json_body_is_a_clean_413_naming_the_limit(server, size):
    body = b'{"title": "' + b"x" * size + b'"}'
    reply = request(server.port, "POST", "/api/incidents", body, headers={"Content-Type": "application/json"})
    assert reply.status == 413
    assert reply.headers["content-type"] == "application/problem+json"
    problem = json.loads(reply.body)
    assert problem["limit"] == LIMIT and problem["setting"] == "MAX_CONTENT_LENGTH"


def test_oversize_text_article_is_a_clean_413(server):
    reply = request(server.port, "POST", "/api/incidents/any/articles", b"DNS failed. " * 900_000,
                    headers={"Content-Type": "text/plain"})
    assert reply.status == 413


def test_server_keeps_serving_after_oversize_bodies(server):
    for _ in range(3):
        request(server.port, "POST", "/api/incidents", b"x" * (2 * LIMIT), headers={"Content-Type": "application/json"})
    assert request(server.port, "GET", "/healthz").status == 200
    assert request(server.port, "GET", "/readyz").status == 200
