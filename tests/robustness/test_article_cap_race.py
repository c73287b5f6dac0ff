"""MAX_ARTICLES_PER_INCIDENT holds against parallel posts through two gunicorn workers: the store checks it
under the write lock both share, so an incident never ends over its cap."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.generated_articles import outage_article
from bench.gunicorn_server import GunicornServer, post_json, request

CAP = 20
STORED_FIRST = 18
PARALLEL = 16


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_sixteen_parallel_posts_never_take_an_incident_over_its_cap(tmp_path):
    # Every post is let in (INGEST_QUEUE): the cap, not the admission gate, must be what refuses.
    server = GunicornServer(tmp_path / "data", workers=2, threads=8,
                            env={"MAX_ARTICLES_PER_INCIDENT": str(CAP), "INGEST_QUEUE": str(PARALLEL)})
    server.start()
    try:
        assert post_json(server.port, "/api/incidents", {"id": "cap", "title": "Cap"}).status == 201
        for n in range(STORED_FIRST):
            assert post_json(server.port, "/api/incidents/cap/articles", {"text": outage_article(n)}).status == 201
        with ThreadPoolExecutor(PARALLEL) as pool:
            replies = list(pool.map(lambda n: post_json(server.port, "/api/incidents/cap/articles",
                                                        {"text": outage_article(100 + n)}), range(PARALLEL)))
        statuses = sorted(reply.status for reply in replies)
        assert statuses == [201] * (CAP - STORED_FIRST) + [422] * (PARALLEL - CAP + STORED_FIRST), statuses
        assert all(r.json()["setting"] == "MAX_ARTICLES_PER_INCIDENT" for r in replies if r.status == 422)
        assert request(server.port, "GET", "/api/incidents/cap").json()["sources"] == CAP
    finally:
        server.stop()
