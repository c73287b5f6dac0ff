"""The causal view of generated incidents (written through the real store, drawn by the real page) in headless
Chromium: a 200-event incident with causal cycles and a 2,000-event one, measured as a reader would see them."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph.schema import EventNode, IncidentNode, edge
from tests.browser.conftest import Tab, open_tab, serve
from tests.browser.png import png_rows

pytestmark = pytest.mark.browser

READY = "() => document.body.dataset.graphReady === '1'"
WORDS = ("DNS failure", "connection pool exhaustion", "lease timeout", "stale routing entry", "config push",
         "health check failures", "retry storm", "certificate expiry", "API errors", "queue backlog")
KINDS = ("condition", "failure", "symptom", "symptom", "impact", "recovery")
# The generated cycles: two events causing each other, and three in a ring.
CYCLES = ((50, 51), (120, 121, 122))


def store_incident(store: Any, iid: str, events: int, cycles: tuple[tuple[int, ...], ...] = (), seed: int = 7) -> None:
    """Write an incident of ``events`` events into ``store``: each caused by one or two events shortly before it
    (so chains are long and branch), the last tenth impacts, plus a CAUSES ring for every member list in ``cycles``."""
    rng = random.Random(seed)
    nodes = [IncidentNode(iid, f"generated {events}", "test").to_node()]
    nodes += [EventNode(f"{iid}:e:{i}", iid, f"{rng.choice(WORDS)} {i}",
                        kind="impact" if i >= events * 0.9 else rng.choice(KINDS)).to_node() for i in range(events)]
    links = {(rng.randrange(max(0, i - 25), i), i) for i in range(1, events)}
    links |= {(rng.randrange(max(0, i - 25), i), i) for i in range(1, events) if rng.random() < 0.3}
    for ring in cycles:
        links |= {(a, b) for a, b in zip(ring, ring[1:] + ring[:1], strict=True)}
    store.upsert(nodes, [edge("CAUSES", f"{iid}:e:{a}", f"{iid}:e:{b}", iid, confidence=0.8) for a, b in sorted(links)])


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An app of its own holding the two generated incidents (no language pipeline: nothing is read from text)."""
    from app import create_app

    app = create_app({"DATA_DIR": str(tmp_path_factory.mktemp("generated") / "data"), "TESTING": True})
    store_incident(app.extensions["store"], "gen-200", 200, CYCLES)
    store_incident(app.extensions["store"], "gen-2000", 2_000)
    server, url = serve(app)
    yield url
    server.shutdown()


@pytest.fixture
def gen_tab(browser: Any, generated: str) -> Iterator[Tab]:
    tab = open_tab(browser, generated)
    yield tab
    tab.page.context.close()


# Every drawn node's place (canvas units) and role, and every CAUSES edge with its ends' places and levels.
GEOMETRY = """() => {
  const g = window.incidentGraph, pos = g.network.getPositions();
  const nodes = g.nodes.get({filter: n => !n.hidden}).map(n => ({id: n.id, role: n.role || 'none',
    level: n.level, cycle: !!n.cycle, x: pos[n.id].x, y: pos[n.id].y}));
  const level = Object.fromEntries(nodes.map(n => [n.id, n.level]));
  const edges = g.edges.get().filter(e => e.type === 'CAUSES').map(e => ({id: e.id, cycle: e.cycle,
    from: pos[e.from].x, to: pos[e.to].x, same: level[e.from] === level[e.to], dashes: !!e.dashes,
    drawn: g.network.body.edges[e.id].connected}));
  return {nodes: nodes, edges: edges, scale: g.network.getScale(), font: g.data.options.nodes.font.size};
}"""


def test_200_events_with_cycles_read_left_to_right_and_the_cycles_show(gen_tab: Tab, tmp_path: Path) -> None:
    gen_tab.goto("/incidents/gen-200")
    gen_tab.page.wait_for_function(READY, timeout=30_000)
    geo = gen_tab.page.evaluate(GEOMETRY)
    first = [n["x"] for n in geo["nodes"] if n["role"] in ("root_cause", "trigger")]
    impacts = [n["x"] for n in geo["nodes"] if n["role"] == "impact"]
    assert len(geo["nodes"]) == 200 and first and impacts and max(first) < min(impacts)
    straight = [e for e in geo["edges"] if not e["cycle"]]
    assert len(straight) > 200 and all(e["from"] < e["to"] for e in straight)
    ring = [e for e in geo["edges"] if e["cycle"]]
    assert len(ring) == sum(len(c) for c in CYCLES)  # every cycle edge, marked, drawn, inside one layer
    assert all(e["dashes"] and e["drawn"] and e["same"] for e in ring)
    assert sorted(n["id"] for n in geo["nodes"] if n["cycle"]) == sorted(f"gen-200:e:{i}" for c in CYCLES for i in c)
    assert geo["font"] * geo["scale"] >= 12
    assert gen_tab.page.locator("#cycle-list li").count() == len(CYCLES)
    # Look at a cycle: centred on it, the canvas shows the red of its dashed edges.
    members = [f"gen-200:e:{i}" for i in CYCLES[1]]
    gen_tab.page.evaluate(f"window.incidentGraph.network.fit({{nodes: {members}, animation: false}})")
    gen_tab.page.evaluate("window.incidentGraph.network.redraw()")
    shot = gen_tab.page.locator("#network").screenshot(path=str(tmp_path / "cycle.png"))
    gen_tab.page.screenshot(path=str(tmp_path / "gen-200.png"), full_page=True)
    assert _red_pixels(shot) > 50, f"no cycle drawn in {tmp_path / 'cycle.png'}"
    assert gen_tab.errors == []


def _red_pixels(png: bytes) -> int:
    """Pixels close to the cycle colour (#d62728) that are not a root cause's star (stars are fitted out of view)."""
    width, bpp, rows = png_rows(png)
    return sum(1 for row in rows for x in range(width)
               if abs(row[x * bpp] - 0xD6) < 40 and row[x * bpp + 1] < 90 and row[x * bpp + 2] < 90)


def test_2000_events_draw_within_5_s_and_a_pan_answers_within_100_ms(gen_tab: Tab, tmp_path: Path) -> None:
    page = gen_tab.page
    page.goto(f"{gen_tab.base}/incidents/gen-2000", wait_until="commit")  # the server's answer cache warms
    page.wait_for_function(READY, timeout=60_000)
    start = time.perf_counter()
    gen_tab.goto("/incidents/gen-2000")
    page.wait_for_function(READY, timeout=60_000)
    seconds = time.perf_counter() - start
    page.screenshot(path=str(tmp_path / "gen-2000.png"))
    assert page.evaluate("window.incidentGraph.network.body.nodeIndices.length") == 2_000
    assert seconds < 5, f"drawn in {seconds:.1f} s"
    # Pan by dragging: from each pointer move to the next frame drawn.
    page.evaluate("""() => {
      const n = window.incidentGraph.network, pan = window.__pan = {moves: [], waits: []};
      document.getElementById('network').addEventListener('pointermove', () => pan.moves.push(performance.now()), true);
      n.on('afterDrawing', () => { const now = performance.now();
        pan.moves.forEach(t => pan.waits.push(now - t)); pan.moves = []; });
      pan.before = n.getViewPosition();
    }""")
    box = page.locator("#network").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(x - 30 * step, y - 10 * step)
        page.wait_for_timeout(30)
    page.mouse.up()
    page.wait_for_timeout(200)
    pan = page.evaluate("() => ({waits: window.__pan.waits, before: window.__pan.before,"
                        " after: window.incidentGraph.network.getViewPosition()})")
    print(f"2,000 events drawn in {seconds:.2f} s; slowest pan frame {max(pan['waits'], default=0):.0f} ms; "
          f"screenshot {tmp_path / 'gen-2000.png'}")
    assert pan["after"]["x"] > pan["before"]["x"] + 100  # the view moved
    assert len(pan["waits"]) >= 5 and max(pan["waits"]) < 100, pan["waits"]
    assert gen_tab.errors == []
