"""The embedded store under gunicorn with two worker processes: writes made through one are read through the other."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.generated_articles import outage_article
from bench.gunicorn_server import GunicornServer, post_json, request

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]
ARTICLES = 12


@pytest.fixture
def server(tmp_path):
    srv = GunicornServer(tmp_path / "data", workers=2, threads=2)
    srv.start()
    yield srv
    srv.stop()


def test_articles_written_through_one_worker_are_read_through_the_other(server):
    assert post_json(server.port, "/api/incidents", {"id": "workers", "title": "Workers"}).status == 201
    with ThreadPoolExecutor(4) as pool:
        replies = list(pool.map(lambda n: post_json(server.port, "/api/incidents/workers/articles",
                                                    {"text": outage_article(n)}, probe=f"w{n}"), range(ARTICLES)))
    assert [r.status for r in replies] == [201] * ARTICLES, [r.body[:200] for r in replies if r.status != 201]
    writers = {server.served_by(f"w{n}") for n in range(ARTICLES)}
    seen_by: dict[str, set[str]] = {}
    for attempt in range(60):  # bounded: stop once both workers have answered a read
        reply = request(server.port, "GET", "/api/incidents/workers/graph?kind=Source",
                        headers={"X-Probe": f"r{attempt}"})
        assert reply.status == 200
        pid = server.served_by(f"r{attempt}")
        seen_by[pid] = {node["id"] for node in reply.json()["nodes"]}
        if len(seen_by) >= 2:
            break
    assert len(writers) == 2, "both workers should have taken writes"
    assert len(seen_by) == 2, "both workers should have answered reads"
    acknowledged = {r.json()["article_id"] for r in replies}
    for pid, sources in seen_by.items():
        assert sources == acknowledged, f"worker {pid} does not see every article"


def test_same_article_through_both_workers_is_stored_once(server):
    assert post_json(server.port, "/api/incidents", {"id": "dup", "title": "Dup"}).status == 201
    text = outage_article(500)
    replies = [post_json(server.port, "/api/incidents/dup/articles", {"text": text}, probe=f"d{i}") for i in range(6)]
    assert sorted(r.status for r in replies) == [200] * 5 + [201]
    assert len({r.json()["article_id"] for r in replies}) == 1
    graph = request(server.port, "GET", "/api/incidents/dup/graph?kind=Source").json()
    assert [n["id"] for n in graph["nodes"]] == [replies[0].json()["article_id"]]
