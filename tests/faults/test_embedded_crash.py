"""The embedded store under SIGKILL and with a corrupt data file.

* gunicorn (2 workers) takes 100 concurrent article writes and is killed with
  SIGKILL part-way: the data file still loads and holds every article the server
  acknowledged (201/200) before it died.
* A data file that is not ours: the app refuses to start, names the file, and
  leaves its bytes untouched.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.generated_articles import outage_article
from bench.gunicorn_server import GunicornServer, post_json
from graph.errors import StoreCorrupt

WRITES = 100
KILL_AFTER_ACKS = 25
KILL_DEADLINE_S = 60.0


def _write_until_killed(server: GunicornServer) -> tuple[set[str], int]:
    """Send WRITES articles from 16 threads; SIGKILL the server after KILL_AFTER_ACKS acks. Return (acked ids, errors)."""
    acked: set[str] = set()
    errors = 0
    lock = threading.Lock()
    enough = threading.Event()

    def write(n: int) -> None:
        nonlocal errors
        try:
            reply = post_json(server.port, "/api/incidents/crash/articles", {"text": outage_article(n)}, timeout=30)
        except OSError:
            with lock:
                errors += 1
            return
        if reply.status in (200, 201):
            with lock:
                acked.add(reply.json()["article_id"])
                if len(acked) >= KILL_AFTER_ACKS:
                    enough.set()

    with ThreadPoolExecutor(16) as pool:
        for n in range(WRITES):
            pool.submit(write, n)
        enough.wait(KILL_DEADLINE_S)
        with lock:
            snapshot = set(acked)  # what was acknowledged before the kill
        server.kill()
    return snapshot, errors


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_sigkill_during_100_concurrent_writes_keeps_every_acknowledged_article(tmp_path, nlp):
    from app import create_app

    data_dir = tmp_path / "data"
    # Writes wait for a reading turn (INGEST_QUEUE) rather than being turned away with 503, so enough are acknowledged.
    server = GunicornServer(data_dir, workers=2, threads=4, env={"INGEST_QUEUE": "16"})
    server.start()
    try:
        assert post_json(server.port, "/api/incidents", {"id": "crash", "title": "Crash"}).status == 201
        acked, errors = _write_until_killed(server)
    finally:
        server.kill()
    assert len(acked) >= KILL_AFTER_ACKS, f"only {len(acked)} writes acknowledged before the deadline"
    assert errors > 0, "the kill should have cut some writes off"
    client = create_app({"DATA_DIR": str(data_dir), "NLP": nlp}).test_client()  # restart: loads or raises
    nodes = client.get("/api/incidents/crash/graph?kind=Source").get_json()["nodes"]
    stored = [node["id"] for node in nodes]
    assert len(stored) == len(set(stored))
    assert acked <= set(stored), f"lost acknowledged articles: {sorted(acked - set(stored))}"
    assert client.post("/api/incidents/crash/articles", json={"text": outage_article(WRITES)}).status_code == 201


def test_corrupt_data_file_stops_the_app_naming_the_file_and_keeps_its_bytes(tmp_path, nlp):
    from app import create_app

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    path = data_dir / "graph.json"
    garbage = b'{"format": 1, "generation": 3, "nodes": [{"id": "x", "lab'
    path.write_bytes(garbage)
    with pytest.raises(StoreCorrupt) as caught:
        create_app({"DATA_DIR": str(data_dir), "NLP": nlp})
    assert str(path) in str(caught.value)
    assert path.read_bytes() == garbage


def test_data_file_of_another_program_stops_the_app_and_keeps_its_bytes(tmp_path, nlp):
    from app import create_app

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    path = data_dir / "graph.json"
    foreign = b'{"users": [1, 2, 3]}'
    path.write_bytes(foreign)
    with pytest.raises(StoreCorrupt, match="graph.json"):
        create_app({"DATA_DIR": str(data_dir), "NLP": nlp})
    assert path.read_bytes() == foreign


def test_binary_data_file_stops_the_app_and_keeps_its_bytes(tmp_path, nlp):
    from app import create_app

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    path = data_dir / "graph.json"
    noise = bytes(range(256)) * 4
    path.write_bytes(noise)
    with pytest.raises(StoreCorrupt, match="graph.json"):
        create_app({"DATA_DIR": str(data_dir), "NLP": nlp})
    assert path.read_bytes() == noise
