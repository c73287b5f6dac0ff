"""Four costly posts at once through the production server (gunicorn, 2 workers x 4 threads, the defaults):
``/healthz`` answers every probe within a second meanwhile, reads are served, every post gets an answer,
and no worker is killed."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.costly_shapes import SHAPES
from bench.gunicorn_server import GunicornServer, post_json, request

BUDGET_S = 3
POSTS = ("brackets-20k", "clock-times-192k", "prose-repeated-192k", "short-sentences-10k")


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_four_costly_posts_leave_healthz_answering_within_a_second(tmp_path):
    server = GunicornServer(tmp_path / "data", workers=2, threads=4, env={"INGEST_MAX_SECONDS": str(BUDGET_S)})
    server.start()
    try:
        assert post_json(server.port, "/api/incidents", {"id": "hostile", "title": "Hostile"}).status == 201
        done = threading.Event()
        probes: list[tuple[int, float]] = []

        def probe() -> None:
            while not done.is_set():
                started = time.monotonic()
                status = request(server.port, "GET", "/healthz" if len(probes) % 2 else "/api/incidents",
                                 timeout=10).status
                probes.append((status, time.monotonic() - started))
                time.sleep(0.1)

        prober = threading.Thread(target=probe)
        prober.start()
        try:
            with ThreadPoolExecutor(len(POSTS)) as pool:
                replies = list(pool.map(lambda shape: request(
                    server.port, "POST", "/api/incidents/hostile/articles", SHAPES[shape].encode(),
                    headers={"Content-Type": "text/plain"}, timeout=120), POSTS))
        finally:
            done.set()
            prober.join(30)
        assert [r.status for r in replies if r.status not in (201, 422, 503)] == []
        assert all(r.json().get("setting") in ("INGEST_MAX_SECONDS", "INGEST_MAX_MB", "INGEST_CONCURRENCY")
                   for r in replies if r.status != 201)
        assert len(probes) >= 10
        slow = [(status, round(seconds, 2)) for status, seconds in probes if status != 200 or seconds >= 1.0]
        assert slow == [], slow
        assert "WORKER TIMEOUT" not in server.log_tail(200_000)
    finally:
        server.stop()
