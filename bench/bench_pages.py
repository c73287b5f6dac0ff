"""Page benchmarks: server-side graph page build at 2,000 vs 20,000 nodes, and headless render time.

* Build scaling: our build (linear lists handed to pyvis in bulk, then the page template) at 2k and
  20k nodes, against pyvis's own ``add_node``/``add_edge`` loop at the same sizes, both measured here.
  Target: ours grows at most 15x for 10x the nodes (pyvis's loop grows about 68x: it is quadratic).
* Render: a real incident of 200 and 2,000 events served by the app and opened in headless Chromium;
  time from navigation until vis-network has laid out and drawn it. Target: 2,000 nodes in under 5 s.

Run with ``python -m bench pages``.
"""

from __future__ import annotations

import random
import tempfile
import threading
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, render_template

from web import graph_view

SIZES = (2_000, 20_000)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def synthetic_payload(nodes: int, seed: int = 7) -> dict[str, Any]:
    """A graph payload shaped like an incident's: events caused by earlier events, components they affect."""
    rng = random.Random(seed)
    roles = ("root_cause", "trigger", "symptom", "impact", "recovery", None)
    out_nodes = [{"id": f"n{i}", "kind": "Component" if i % 10 == 0 else "Event", "label": f"event {i}",
                  "role": rng.choice(roles), "confidence": round(rng.random(), 2), "evidence": []}
                 for i in range(nodes)]
    edges = [{"source": f"n{rng.randrange(i)}", "target": f"n{i}", "type": "CAUSES", "confidence": 0.8}
             for i in range(1, nodes)]
    return {"nodes": out_nodes, "edges": edges}


def our_page(app: Flask, payload: dict[str, Any]) -> str:
    """Our server-side build: vis data in linear time, rendered into the graph page template."""
    with app.test_request_context("/incidents/bench"):
        data = graph_view.network_data(payload)
        return render_template("pages/graph.html", iid="bench", data=data, legend=graph_view.legend())


def _seconds(fn: Callable[[], Any], repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def build_rows() -> list[dict[str, Any]]:
    from web.pages import bp

    app = Flask(__name__)
    app.register_blueprint(bp)
    small, large = (synthetic_payload(n) for n in SIZES)
    ours = [_seconds(lambda p=p: our_page(app, p), repeat=5) for p in (small, large)]
    theirs = [_seconds(lambda p=p: graph_view.pyvis_loop_nodes(p)) for p in (small, large)]
    grow_ours, grow_theirs = ours[1] / ours[0], theirs[1] / theirs[0]
    return [
        {"name": "pages: build time growth 2k->20k nodes (x)", "ours": grow_ours, "baseline": grow_theirs,
         "ratio": grow_ours / grow_theirs, "target": "ours <= 15", "met": grow_ours <= 15},
        {"name": "pages: build 20k nodes (s)", "ours": ours[1], "baseline": theirs[1],
         "ratio": ours[1] / theirs[1], "target": "faster than pyvis loop", "met": ours[1] < theirs[1]},
    ]


def _seed_store(store: Any, incident: str, events: int, seed: int = 7) -> None:
    from graph.schema import EventNode, IncidentNode, edge

    rng = random.Random(seed)
    kinds = ("condition", "failure", "symptom", "impact", "recovery")
    nodes = [IncidentNode(incident, incident, f"bench {events}").to_node()]
    nodes += [EventNode(f"{incident}:e:{i}", incident, f"event {i}", kind=rng.choice(kinds)).to_node()
              for i in range(events)]
    edges = [edge("CAUSES", f"{incident}:e:{rng.randrange(i)}", f"{incident}:e:{i}", incident, confidence=0.8)
             for i in range(1, events)]
    store.upsert(nodes, edges)


def _quiet_handler() -> type:
    from werkzeug.serving import WSGIRequestHandler

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, *args: Any, **kwargs: Any) -> None:
            """No access log: the benchmark prints one table."""

    return QuietHandler


def render_rows() -> list[dict[str, Any]]:
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    from app import create_app

    rows = []
    with tempfile.TemporaryDirectory() as data_dir:
        app = create_app({"DATA_DIR": data_dir, "TESTING": True})
        for size in (200, 2_000):
            _seed_store(app.extensions["store"], f"bench-{size}", size)
        server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_quiet_handler())
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                for size in (200, 2_000):
                    page.goto(f"{base}/incidents/bench-{size}")  # warm the server-side caches first
                    start = time.perf_counter()
                    page.goto(f"{base}/incidents/bench-{size}")
                    page.wait_for_function("() => document.body.dataset.graphReady === '1'", timeout=120_000)
                    seconds = time.perf_counter() - start
                    rows.append({"name": f"pages: headless render {size} nodes (s)", "ours": seconds,
                                 "baseline": "", "ratio": "", "target": "< 5 s", "met": seconds < 5})
                browser.close()
        finally:
            server.shutdown()
    return rows


def run() -> list[dict[str, Any]]:
    """Every page benchmark row: build scaling against pyvis's loop, then headless render times."""
    return build_rows() + render_rows()


if __name__ == "__main__":
    for row in run():
        print(row)
