"""API benchmarks: throughput under the production server, and each endpoint's in-process cost, against /healthz.

* Throughput: the four seed articles ingested, gunicorn with 2 sync workers on
  loopback, a threaded ``http.client`` load generator (a fresh connection per
  request, as sync workers close them); requests/s of the root-cause answer over
  requests/s of ``/healthz``, measured back to back. Target: at least 0.5.
* In-process: every API endpoint through Flask's test client on the same seeded
  data, median seconds per request over the median of ``/healthz``. Target: at
  most 10x. Answers are cached per incident version as serialized bytes, so a repeated
  request costs a version check and a lookup; the first request after an ingest pays the
  full computation, which these rows do not measure (bench_analysis does).

Run with ``python -m bench api``. Every load loop is bounded in requests and seconds.
"""

from __future__ import annotations

import http.client
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

LOAD_THREADS = 8
LOAD_SECONDS = 3.0
LOAD_MAX_REQUESTS = 20_000
INPROCESS_REPEAT = 30
ROOT = Path(__file__).resolve().parent.parent


def run() -> list[dict[str, Any]]:
    """All rows: throughput under gunicorn, then one row per endpoint in process."""
    with tempfile.TemporaryDirectory(prefix="bench-api-") as tmp:
        data_dir = Path(tmp) / "data"
        app, iid = _seeded_app(data_dir)
        rows = _inprocess_rows(app, iid)
        return [_throughput_row(data_dir, iid)] + rows


def _seeded_app(data_dir: Path) -> tuple[Any, str]:
    import json

    from app import create_app

    iid = json.loads((ROOT / "seeds" / "incident.json").read_text())["id"]
    app = create_app({"DATA_DIR": str(data_dir)})
    result = app.test_cli_runner().invoke(args=["ingest", str(ROOT / "seeds"), "--incident", iid])
    if result.exit_code != 0:
        raise RuntimeError(f"seed ingest failed: {result.output}")
    return app, iid


# ------------------------------------------------------------------ throughput


def requests_per_second(port: int, path: str, *, threads: int = LOAD_THREADS, seconds: float = LOAD_SECONDS,
                        max_requests: int = LOAD_MAX_REQUESTS) -> float:
    """Completed 200 answers per second from ``threads`` clients hitting ``path`` for ``seconds`` (bounded)."""
    done = [0] * threads
    errors: list[str] = []
    end = time.monotonic() + seconds
    per_thread = max_requests // threads

    def client(k: int) -> None:
        while time.monotonic() < end and done[k] < per_thread:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            try:
                conn.request("GET", path)
                resp = conn.getresponse()
                resp.read()
                if resp.status != 200:
                    errors.append(f"{path}: {resp.status}")
                    return
                done[k] += 1
            finally:
                conn.close()

    started = time.monotonic()
    workers = [threading.Thread(target=client, args=(k,)) for k in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(seconds + 30)
    elapsed = time.monotonic() - started
    if errors:
        raise RuntimeError(f"load run failed: {errors[0]}")
    return sum(done) / elapsed


def _throughput_row(data_dir: Path, iid: str) -> dict[str, Any]:
    from bench.gunicorn_server import GunicornServer

    server = GunicornServer(data_dir, workers=2, args=("--worker-class", "sync", "--access-logfile", "/dev/null"),
                            ready_by_log=False)
    server.start()
    try:
        path = f"/api/incidents/{iid}/root-causes"
        requests_per_second(server.port, path, seconds=0.5)  # warm each worker's answer cache
        health = requests_per_second(server.port, "/healthz")
        ours = requests_per_second(server.port, path)
    finally:
        server.stop()
    ratio = ours / health
    return {"name": "API root-causes req/s vs /healthz (gunicorn, 2 sync workers)", "ours": round(ours),
            "baseline": round(health), "ratio": round(ratio, 2), "target": ">= 0.5", "met": ratio >= 0.5}


# ------------------------------------------------------------------ in process


def _endpoints(client: Any, iid: str) -> dict[str, Callable[[], Any]]:
    """Each API endpoint as a zero-argument call on the seeded incident."""
    roles = client.get(f"/api/incidents/{iid}/root-causes").get_json()
    some_node = next(item["id"] for key in ("symptoms", "first_symptoms", "root_causes") for item in roles[key])
    article = (ROOT / "seeds").glob("*.txt").__next__().read_text(encoding="utf-8")
    api = f"/api/incidents/{iid}"
    return {
        "GET /api/incidents": lambda: client.get("/api/incidents"),
        "GET /api/incidents/{iid}": lambda: client.get(api),
        "GET graph": lambda: client.get(f"{api}/graph"),
        "GET root-causes": lambda: client.get(f"{api}/root-causes"),
        "GET classify": lambda: client.get(f"{api}/classify?q=DNS"),
        "GET why": lambda: client.get(f"{api}/why/{some_node}"),
        "GET timeline": lambda: client.get(f"{api}/timeline"),
        "GET conflicts": lambda: client.get(f"{api}/conflicts"),
        "GET blast-radius": lambda: client.get(f"{api}/blast-radius"),
        "GET review csv": lambda: client.get(f"{api}/review?format=csv"),
        "GET /api/model": lambda: client.get("/api/model"),
        "POST model/check 3-3-1": lambda: client.post("/api/model/check", json={}),
        "POST counterfactual remove": lambda: client.post(f"{api}/counterfactuals", json={"remove": [some_node]}),
        "POST counterfactual baseline": lambda: client.post(f"{api}/counterfactuals", json={"scenario": "baseline"}),
        "POST article (already in)": lambda: client.post(f"{api}/articles", data=article.encode(),
                                                         content_type="text/plain"),
    }


def _median_seconds(call: Callable[[], Any], repeat: int = INPROCESS_REPEAT) -> float:
    resp = call()  # warm: caches, lazy nlp
    if resp.status_code >= 400:
        raise RuntimeError(f"benchmark request failed with {resp.status_code}: {resp.get_data(as_text=True)[:200]}")
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _inprocess_rows(app: Any, iid: str) -> list[dict[str, Any]]:
    client = app.test_client()
    health = _median_seconds(lambda: client.get("/healthz"), repeat=INPROCESS_REPEAT * 3)
    rows = []
    for name, call in _endpoints(client, iid).items():
        ours = _median_seconds(call)
        ratio = ours / health
        rows.append({"name": f"in-process {name} vs /healthz (ms)", "ours": round(ours * 1000, 3),
                     "baseline": round(health * 1000, 3), "ratio": round(ratio, 1), "target": "<= 10",
                     "met": ratio <= 10})
    return rows
