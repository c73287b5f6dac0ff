"""Browser fixtures: the app with the seeds ingested, served by werkzeug on 127.0.0.1, and headless Chromium.

Chromium is Debian's /usr/bin/chromium driven by playwright-python (no browser download). Every page
records the requests it makes and the script errors it raises, so tests can assert nothing left
127.0.0.1 and nothing failed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.conftest import SEEDS

CHROMIUM = "/usr/bin/chromium"
# Where a node is on the screen, after centring the view on it.
NODE_POINT = """(id) => {
  const g = window.incidentGraph;
  g.network.focus(id, {scale: 1.4, animation: false});
  const p = g.network.canvasToDOM(g.network.getPositions([id])[id]);
  const box = document.getElementById('network').getBoundingClientRect();
  return {x: box.left + p.x, y: box.top + p.y};
}"""
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@dataclass
class Tab:
    """A browser page and what it did: every request URL, every uncaught error and console error."""

    page: Any
    base: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def goto(self, path: str) -> Any:
        return self.page.goto(self.base + path, wait_until="load")

    def foreign_requests(self) -> list[str]:
        local = ("http://127.0.0.1:", "data:", "blob:", "about:")
        return [url for url in self.requests if not url.startswith(local)]


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        """No access log lines in the test output."""


def serve(app: Any) -> tuple[Any, str]:
    """Serve ``app`` on a free 127.0.0.1 port in a daemon thread; return the server and its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory, nlp: Any, seed_manifest: dict) -> Any:
    """An app on its own DATA_DIR with the four seed articles ingested once per session."""
    from app import create_app

    data_dir: Path = tmp_path_factory.mktemp("browser") / "data"
    app = create_app({"DATA_DIR": str(data_dir), "NLP": nlp, "TESTING": True})
    result = app.test_cli_runner().invoke(args=["ingest", str(SEEDS), "--incident", seed_manifest["id"]])
    assert result.exit_code == 0, result.output
    return app


@pytest.fixture(scope="session")
def base_url(live_app: Any) -> Iterator[str]:
    server, url = serve(live_app)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (make browser)", pytrace=False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def open_tab(browser: Any, base: str, width: int = 1280, height: int = 800) -> Tab:
    context = browser.new_context(viewport={"width": width, "height": height})
    tab = Tab(context.new_page(), base)
    tab.page.on("request", lambda request: tab.requests.append(request.url))
    tab.page.on("pageerror", lambda error: tab.errors.append(str(error)))
    tab.page.on("console", lambda msg: tab.errors.append(msg.text) if msg.type == "error" else None)
    return tab


@pytest.fixture
def tab(browser: Any, base_url: str) -> Iterator[Tab]:
    """A fresh 1280x800 browser page on the live app."""
    tab = open_tab(browser, base_url)
    yield tab
    tab.page.context.close()


@pytest.fixture
def narrow_tab(browser: Any, base_url: str) -> Iterator[Tab]:
    """A fresh 400 px wide browser page on the live app."""
    tab = open_tab(browser, base_url, width=400, height=800)
    yield tab
    tab.page.context.close()


@pytest.fixture(scope="session")
def seed_id(seed_manifest: dict) -> str:
    return seed_manifest["id"]
