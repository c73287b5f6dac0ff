"""Regenerate the README's page screenshots: ingest the seeds into a fresh store, open every page in headless Chromium.

Run with ``make screenshots`` (or ``.venv/bin/python docs/screenshots.py [OUT_DIR]``); writes one PNG per page,
1200 px wide, into ``docs/screenshots/``. Needs Debian's chromium, like the browser tests. Not part of ``make test``.
"""

from __future__ import annotations

import json
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WIDTH, HEIGHT = 1200, 860
READY = "() => document.body.dataset.graphReady === '1'"


@dataclass(frozen=True)
class Shot:
    """One page to photograph: file name, path under the incident (``{iid}``), what to wait for, how tall at most."""

    name: str
    path: str
    wait: str | None = None
    max_height: int = HEIGHT


SHOTS = (
    Shot("index", "/"),
    Shot("graph-causal", "/incidents/{iid}", READY, 1150),
    Shot("graph-all", "/incidents/{iid}?view=all", READY),
    Shot("timeline", "/incidents/{iid}/timeline", "() => document.querySelector('#timeline-axis svg') !== null", 1300),
    Shot("counterfactuals", "/incidents/{iid}/counterfactuals", READY, 1300),
    Shot("review", "/incidents/{iid}/review", None, 1000),
    Shot("api-docs", "/api/docs", None),
)


def _seeded_app(data_dir: str) -> tuple[Any, str]:
    from app import create_app

    manifest = json.loads((ROOT / "seeds" / "incident.json").read_text())
    app = create_app({"DATA_DIR": data_dir, "TESTING": True})
    result = app.test_cli_runner().invoke(args=["ingest", str(ROOT / "seeds"), "--incident", manifest["id"]])
    if result.exit_code != 0:
        raise SystemExit(f"ingesting the seeds failed:\n{result.output}")
    return app, manifest["id"]


def _serve(app: Any) -> tuple[Any, str]:
    from werkzeug.serving import WSGIRequestHandler, make_server

    class Quiet(WSGIRequestHandler):
        def log_request(self, *args: Any, **kwargs: Any) -> None:
            """No access log."""

    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def take(out: Path, shots: tuple[Shot, ...] = SHOTS) -> list[Path]:
    """Photograph every page of ``shots`` for the seed incident into ``out``; return the files written."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as data_dir:
        app, iid = _seeded_app(data_dir)
        server, base = _serve(app)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
                for shot in shots:
                    page.goto(base + shot.path.format(iid=iid), wait_until="load")
                    if shot.wait:
                        page.wait_for_function(shot.wait, timeout=60_000)
                    height = min(page.evaluate("document.documentElement.scrollHeight"), shot.max_height)
                    path = out / f"{shot.name}.png"
                    page.screenshot(path=str(path), full_page=True,
                                    clip={"x": 0, "y": 0, "width": WIDTH, "height": height})
                    written.append(path)
                browser.close()
        finally:
            server.shutdown()
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    for file in take(target):
        print(f"{file.relative_to(ROOT) if file.is_relative_to(ROOT) else file}  {file.stat().st_size // 1024} KB")
