"""The Bolt server goes away and comes back while the app keeps running.

The server here is this module's own FalkorDB (stopped and restarted by the
tests; it keeps no data across a restart), reached through the app's one driver.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from bench.generated_articles import outage_article
from tests.robustness.problems import assert_problem

pytestmark = [pytest.mark.bolt, pytest.mark.slow, pytest.mark.timeout(180)]
# The store gives up after a connect timeout plus a bounded retry; a request must not hang longer than this.
FAIL_FAST_S = 15.0


@pytest.fixture(scope="module")
def server():
    from tests.graph.bolt_server import BoltServer

    srv = BoltServer()
    srv.start()
    yield srv
    srv.stop()


class StopServerOnWrite:
    """A GraphStore proxy that stops the Bolt server just before the first write holding a Source node.

    That is mid-ingest: the request has read the incident and parsed the article, and is about to write it.
    """

    def __init__(self, store: Any, server: Any) -> None:
        self._store, self._server, self.stopped = store, server, False

    def upsert(self, nodes: Any, edges: Any = (), **kwargs: Any) -> None:
        if not self.stopped and any(node.label == "Source" for node in nodes):
            self._server.stop()
            self.stopped = True
        return self._store.upsert(nodes, edges, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


@pytest.fixture
def app(server, tmp_path, nlp):
    from app import create_app

    if server.process is None:
        server.start()
    return create_app({"GRAPH_URI": server.uri, "DATA_DIR": str(tmp_path / "data"), "NLP": nlp})


def _timed(call) -> tuple[Any, float]:
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_server_down_gives_503_fast_and_the_next_request_after_restart_succeeds(server, app):
    client = app.test_client()
    assert client.post("/api/incidents", json={"id": "outage", "title": "Outage"}).status_code == 201
    assert client.post("/api/incidents/outage/articles", json={"text": outage_article(1)}).status_code == 201
    server.stop()
    resp, seconds = _timed(lambda: client.post("/api/incidents/outage/articles", json={"text": outage_article(2)}))
    assert_problem(resp, 503, type="urn:problem:store-unavailable")
    assert resp.headers["Retry-After"] == "5"
    assert seconds < FAIL_FAST_S
    assert client.get("/readyz").status_code == 503
    server.start()
    # The restarted server is empty: the incident comes back with the next write, on the same app and driver.
    resp, seconds = _timed(lambda: client.post("/api/incidents", json={"id": "outage", "title": "Outage"}))
    assert resp.status_code == 201, resp.get_data(as_text=True)
    assert seconds < FAIL_FAST_S
    resp = client.post("/api/incidents/outage/articles", json={"text": outage_article(2)})
    assert resp.status_code == 201, resp.get_data(as_text=True)
    assert client.get("/readyz").status_code == 200
    assert client.get("/api/incidents/outage").get_json()["sources"] == 1


def test_server_stopping_mid_ingest_gives_503_and_leaves_no_article(server, app):
    client = app.test_client()
    assert client.post("/api/incidents", json={"id": "mid", "title": "Mid"}).status_code == 201
    proxy = StopServerOnWrite(app.extensions["graph_store"], server)
    app.extensions["graph_store"] = app.extensions["store"] = proxy
    resp, seconds = _timed(lambda: client.post("/api/incidents/mid/articles", json={"text": outage_article(3)}))
    assert proxy.stopped
    assert_problem(resp, 503, type="urn:problem:store-unavailable")
    assert seconds < FAIL_FAST_S
    server.start()
    assert client.post("/api/incidents", json={"id": "mid", "title": "Mid"}).status_code == 201
    assert client.get("/api/incidents/mid/graph?kind=Source").get_json()["nodes"] == []
    resp = client.post("/api/incidents/mid/articles", json={"text": outage_article(3)})
    assert resp.status_code == 201, resp.get_data(as_text=True)
    sources = client.get("/api/incidents/mid/graph?kind=Source").get_json()["nodes"]
    assert [node["id"] for node in sources] == [resp.get_json()["article_id"]]
