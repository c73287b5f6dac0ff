"""A reviewer corrects the seed graph from the graph page in headless Chromium and sees it on the review page.

The app is this module's own (seeds ingested into a fresh DATA_DIR), so the corrections never reach the app
the other browser tests share.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import NODE_POINT, Tab, open_tab, serve
from tests.conftest import SEEDS

pytestmark = pytest.mark.browser

READY = "() => document.body.dataset.graphReady === '1' && document.getElementById('corrections').dataset.loaded === '1'"
NOTE = "the delay was a symptom of the lock"


@pytest.fixture(scope="module")
def review_base(tmp_path_factory: pytest.TempPathFactory, nlp: Any, seed_manifest: dict) -> Iterator[str]:
    from app import create_app

    data_dir: Path = tmp_path_factory.mktemp("corrections-browser") / "data"
    app = create_app({"DATA_DIR": str(data_dir), "NLP": nlp, "TESTING": True})
    result = app.test_cli_runner().invoke(args=["ingest", str(SEEDS), "--incident", seed_manifest["id"]])
    assert result.exit_code == 0, result.output
    server, url = serve(app)
    yield url
    server.shutdown()


@pytest.fixture
def review_tab(browser: Any, review_base: str) -> Iterator[Tab]:
    tab = open_tab(browser, review_base)
    yield tab
    tab.page.context.close()


def test_a_role_set_on_the_graph_page_shows_on_the_review_page(review_tab: Tab, seed_id: str,
                                                                  tmp_path: Path) -> None:
    tab = review_tab
    tab.goto(f"/incidents/{seed_id}")
    tab.page.wait_for_function(READY, timeout=30_000)
    target = tab.page.evaluate("""() => {
      const roots = window.incidentGraph.data.nodes.filter(n => n.role === 'root_cause');
      return roots.find(n => /network propagation delay/i.test(n.label)) || roots[1];
    }""")
    tab.page.mouse.click(**tab.page.evaluate(NODE_POINT, target["id"]))
    assert tab.page.locator("#details h2").inner_text() == target["label"]
    tab.page.fill("#reviewer-name", "ana")
    tab.page.select_option("#role-choice", "symptom")
    tab.page.fill("#correction-note", NOTE)
    with tab.page.expect_navigation(wait_until="load", timeout=30_000):  # the page reloads with the corrected graph
        tab.page.click("#set-role")
    tab.page.wait_for_function(READY, timeout=30_000)
    listed = tab.page.locator("#correction-list li").first
    assert "role symptom set by reviewer ana" in listed.inner_text() and "active" in listed.inner_text()
    role = tab.page.evaluate("(id) => window.incidentGraph.data.nodes.find(n => n.id === id).role", target["id"])
    assert role == "symptom"
    tab.page.screenshot(path=str(tmp_path / "graph-corrected.png"), full_page=True)

    tab.goto(f"/incidents/{seed_id}/review")
    changes = tab.page.locator("section#reviewer_changes")
    text = changes.inner_text()
    assert "ana" in text and NOTE in text and "set_role" in text and "active" in text
    roles = tab.page.locator("section#roles").inner_text()
    assert "role symptom set by reviewer ana" in roles
    changes.scroll_into_view_if_needed()
    tab.page.screenshot(path=str(tmp_path / "review-reviewer-changes.png"))
    assert tab.foreign_requests() == [] and tab.errors == []
