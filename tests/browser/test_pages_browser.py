"""The pages in headless Chromium: graph, click-for-evidence, timeline, counterfactuals, hostile articles, 400 px."""

from __future__ import annotations

import pytest

from tests.browser.conftest import NODE_POINT, Tab
from tests.browser.png import foreground_pixels

pytestmark = pytest.mark.browser

READY = "() => document.body.dataset.graphReady === '1'"


def test_whole_graph_view_draws_every_node(tab: Tab, seed_id: str) -> None:
    tab.goto(f"/incidents/{seed_id}?view=all")
    tab.page.wait_for_function(READY, timeout=30_000)
    total = tab.page.evaluate("window.incidentGraph.data.nodes.length")
    drawn = tab.page.evaluate("window.incidentGraph.network.body.nodeIndices.length")
    assert total > 20 and drawn == total
    shot = tab.page.locator("#network").screenshot()
    assert foreground_pixels(shot) > 5_000
    assert tab.foreign_requests() == [] and tab.errors == []


def test_clicking_the_root_cause_shows_its_evidence(tab: Tab, seed_id: str) -> None:
    tab.goto(f"/incidents/{seed_id}")
    tab.page.wait_for_function(READY, timeout=30_000)
    root = tab.page.evaluate("window.incidentGraph.data.nodes.find(n => n.role === 'root_cause')")
    point = tab.page.evaluate(NODE_POINT, root["id"])
    tab.page.mouse.click(point["x"], point["y"])
    details = tab.page.locator("#details")
    assert details.locator("h2").inner_text() == root["label"]
    assert "root cause" in details.inner_text()
    quotes = details.locator("blockquote").all_inner_texts()
    assert quotes and quotes[0] == root["evidence"][0]["quote"]
    assert details.locator("cite").first.inner_text() == root["evidence"][0]["source"]


def test_why_mode_highlights_the_chain_to_a_symptom(tab: Tab, seed_id: str) -> None:
    tab.goto(f"/incidents/{seed_id}")
    tab.page.wait_for_function(READY, timeout=30_000)
    target = tab.page.evaluate("""() => {
      const g = window.incidentGraph, roots = new Set(g.data.nodes.filter(n => n.role === 'root_cause').map(n => n.id));
      const e = g.data.edges.find(e => e.type === 'CAUSES' && roots.has(e.from));
      return e.to; }""")
    tab.page.select_option("#why-target", target)
    assert "root cause" in tab.page.locator("#why-status").inner_text()
    bold = tab.page.evaluate("window.incidentGraph.edges.get().filter(e => e.width === 3).length")
    assert bold >= 1


def test_timeline_shows_the_start_in_utc_and_local_time(tab: Tab, seed_id: str) -> None:
    tab.goto(f"/incidents/{seed_id}/timeline")
    table = tab.page.locator("#timeline-table").inner_text()
    assert "2025-10-20 06:48 UTC" in table
    assert "2025-10-19 23:48 PDT" in table
    assert tab.page.locator("#timeline-axis svg circle.milestone").count() >= 3
    conflicts = tab.page.locator("#conflicts").inner_text()
    assert "7:48 AM UTC" in conflicts and "11:48 PM PDT" in conflicts
    assert tab.page.locator("#timeline-axis svg rect.conflict").count() >= 2
    assert tab.foreign_requests() == [] and tab.errors == []


def test_timeline_starts_at_0648_and_draws_the_bare_date_as_a_band(tab: Tab, seed_id: str) -> None:
    tab.goto(f"/incidents/{seed_id}/timeline")
    span = tab.page.locator("#outage-span").inner_text()
    assert span == "The outage ran from 2025-10-20 06:48 UTC to 2025-10-20 20:50 UTC (14 h 2 min)."
    table = tab.page.locator("#timeline-table").inner_text()
    assert "00:00 UTC" not in table and "2025-10-20 (day)" in table
    assert tab.page.locator("#timeline-axis svg rect.band").count() == 1
    last = tab.page.locator("#timeline-table tbody tr").filter(has_text="20:50 UTC").first.inner_text()
    assert "14 h 2 min" in last  # since the start at 06:48, not since midnight
    assert tab.errors == []


def test_counterfactual_no_enactor_delay_greys_out_averted_nodes(tab: Tab, seed_id: str) -> None:
    tab.goto(f"/incidents/{seed_id}/counterfactuals")
    tab.page.wait_for_function("() => document.body.dataset.modelReady === '1'", timeout=30_000)
    tab.page.select_option("#scenario", "no_enactor_delay")
    tab.page.click("#run-scenario")
    tab.page.wait_for_function("() => document.body.dataset.averted !== undefined", timeout=30_000)
    averted = int(tab.page.evaluate("document.body.dataset.averted"))
    assert averted > 0
    assert tab.page.locator("#averted-list li").count() == averted
    grey = tab.page.evaluate("window.incidentGraph.nodes.get().filter(n => n.color === '#dddddd').length")
    assert grey == averted
    assert tab.page.locator("#availability-chart svg path.series").count() >= 2
    assert tab.foreign_requests() == [] and tab.errors == []


def test_removing_the_root_cause_greys_out_its_effects(tab: Tab, seed_id: str) -> None:
    tab.goto(f"/incidents/{seed_id}/counterfactuals")
    tab.page.wait_for_function(READY, timeout=30_000)
    root = tab.page.evaluate("window.incidentGraph.data.nodes.find(n => n.role === 'root_cause' && /race/i.test(n.label))")
    tab.page.select_option("#remove", [root["id"]])
    tab.page.click("#run-remove")
    tab.page.wait_for_function("() => document.body.dataset.averted !== undefined", timeout=30_000)
    averted = tab.page.locator("#averted-list li").all_inner_texts()
    assert any("dns" in label.lower() for label in averted), averted
    assert tab.errors == []


def test_sweep_against_a_second_parameter_draws_a_line_per_value(tab: Tab, seed_id: str) -> None:
    tab.goto(f"/incidents/{seed_id}/counterfactuals")
    tab.page.wait_for_function("() => document.body.dataset.modelReady === '1'", timeout=30_000)
    tab.page.select_option("#sweep-param", "lease_timeout_min")
    tab.page.fill("#sweep-from", "10")
    tab.page.fill("#sweep-to", "60")
    tab.page.fill("#sweep-steps", "4")
    tab.page.select_option("#sweep-against", "droplets")
    tab.page.fill("#sweep-against-values", "25000, 200000")
    tab.page.click("#sweep-form button[type=submit]")
    tab.page.wait_for_selector("#sweep-chart svg circle", timeout=30_000)
    assert tab.page.locator("#sweep-chart svg path.series").count() == 2
    assert tab.page.locator("#sweep-chart svg circle").count() == 8
    caption = tab.page.inner_text("#sweep-caption")
    assert "droplets = 200000: DWFM collapses for lease_timeout_min" in caption, caption
    assert tab.errors == []


def test_sweep_draws_one_point_per_run(tab: Tab, seed_id: str) -> None:
    tab.goto(f"/incidents/{seed_id}/counterfactuals")
    tab.page.wait_for_function("() => document.body.dataset.modelReady === '1'", timeout=30_000)
    tab.page.select_option("#sweep-param", "dns_repair_min")
    tab.page.fill("#sweep-steps", "4")
    tab.page.click("#sweep-form button[type=submit]")
    tab.page.wait_for_selector("#sweep-chart svg circle", timeout=30_000)
    assert tab.page.locator("#sweep-chart svg circle").count() == 4
    assert tab.errors == []


def test_upload_error_shows_the_problem_detail(tab: Tab, seed_id: str) -> None:
    tab.goto("/")
    tab.page.fill("#incident-id", seed_id)
    tab.page.fill("#article-text", "")
    tab.page.click("#article-form button[type=submit]")
    problem = tab.page.wait_for_selector("#upload-result .problem", timeout=30_000)
    assert problem.inner_text().strip() != ""
    assert "not added" in tab.page.locator("#upload-result").inner_text()


def test_model_checker_shows_the_shortest_counterexample(tab: Tab, seed_id: str) -> None:
    tab.goto(f"/incidents/{seed_id}/counterfactuals")
    tab.page.wait_for_function("() => document.body.dataset.modelReady === '1'", timeout=30_000)
    tab.page.click("#check-form button[type=submit]")
    tab.page.wait_for_selector("#check-trace li", timeout=30_000)
    assert "counterexample" in tab.page.locator("#check-summary").inner_text()
    assert tab.page.locator("#check-trace li").count() >= 3
    # Steps name this incident's graph nodes, e.g. the empty record the last step leaves.
    nodes = tab.page.locator("#check-trace li em.trace-node").all_inner_texts()
    assert any("empty" in text.lower() for text in nodes), nodes
    assert tab.errors == []


HOSTILE_TITLE = '<img src="http://203.0.113.9/t.png" onerror="document.title=\'pwned\';window.pwned=1">'
HOSTILE_TEXT = (
    "On 4 June 2024 at 09:10 UTC a bad deploy to the Zeta queue service caused a backlog. "
    "The backlog caused timeouts in the Zeta checkout service <script>window.pwned=2;document.title='pwned'</script>. "
    "Operators saw errors <img src=\"http://203.0.113.9/x.png\" onerror=\"window.pwned=3\"> until 10:40 UTC, "
    "when the deploy was rolled back and the checkout service recovered."
)


def test_hostile_article_renders_as_text_and_runs_nothing(tab: Tab) -> None:
    tab.goto("/")
    tab.page.fill("#incident-id", "hostile-demo")
    tab.page.fill("#incident-title", "Hostile <script>window.pwned=4</script> demo")
    tab.page.fill("#article-title", HOSTILE_TITLE)
    tab.page.fill("#article-text", HOSTILE_TEXT)
    tab.page.click("#article-form button[type=submit]")
    tab.page.wait_for_selector("#upload-result a", timeout=60_000)
    for path in ("/", "/incidents/hostile-demo", "/incidents/hostile-demo?view=all", "/incidents/hostile-demo/timeline",
                 "/incidents/hostile-demo/review"):
        tab.goto(path)
        if path == "/incidents/hostile-demo":
            tab.page.wait_for_function(READY, timeout=30_000)
        if path == "/incidents/hostile-demo?view=all":  # the carrier may be a component, off in the causal view
            tab.page.wait_for_function(READY, timeout=30_000)
            carrier = tab.page.evaluate(
                "window.incidentGraph.data.nodes.find(n => (n.evidence || []).some(e => (e.sentence || '').includes('<script>')))")
            tab.page.mouse.click(**tab.page.evaluate(NODE_POINT, carrier["id"]))
            assert "<script>window.pwned=2" in tab.page.locator("#details").inner_text()
        if path == "/":
            listed = tab.page.locator("[data-incident='hostile-demo']").inner_text()
            assert HOSTILE_TITLE in listed and "Hostile <script>window.pwned=4</script> demo" in listed
        assert tab.page.evaluate("window.pwned") is None
        assert tab.page.title() != "pwned"
    assert tab.foreign_requests() == []


@pytest.mark.parametrize("page", ["/", "/incidents/{iid}", "/incidents/{iid}/timeline",
                                  "/incidents/{iid}/counterfactuals", "/incidents/{iid}/review"])
def test_narrow_window_has_no_horizontal_overflow(narrow_tab: Tab, seed_id: str, page: str) -> None:
    narrow_tab.goto(page.format(iid=seed_id))
    overflow = narrow_tab.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    assert narrow_tab.errors == []  # no script error and no CSP violation on any page

