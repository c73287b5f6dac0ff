"""The HTML pages through Flask's test client: what each serves, its headers, and that data stays data."""

from __future__ import annotations

import json
import re
from importlib.util import find_spec
from pathlib import Path

import pytest

PAGES = ("/", "/incidents/{iid}", "/incidents/{iid}?view=all", "/incidents/{iid}/timeline", "/incidents/{iid}/counterfactuals",
         "/incidents/{iid}/review")


def graph_data(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', html, re.DOTALL)
    assert match, "no graph-data block"
    return json.loads(match.group(1))


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_nothing_from_other_hosts(seeded, seed_id: str, path: str) -> None:
    response = seeded.get(path.format(iid=seed_id))
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert re.findall(r'<(?:script|link)[^>]+(?:src|href)="(https?://[^"]+)"', html) == []


@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_inline_script_and_a_self_only_csp(seeded, seed_id: str, path: str) -> None:
    response = seeded.get(path.format(iid=seed_id))
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self';" in csp and "unsafe" not in csp
    for tag in re.findall(r"<script[^>]*>", response.get_data(as_text=True)):
        assert ' src="/' in tag or 'type="application/json"' in tag, tag


def test_graph_page_carries_components_events_and_time_points_with_roles(seeded, seed_id: str) -> None:
    data = graph_data(seeded.get(f"/incidents/{seed_id}").get_data(as_text=True))
    assert {node["kind"] for node in data["nodes"]} == {"Component", "Event", "TimePoint"}
    roots = [node for node in data["nodes"] if node.get("role") == "root_cause"]
    assert roots and all(node["shape"] == "star" and node["color"] == "#d62728" for node in roots)
    race = [node for node in roots if "race" in node["label"].lower()]
    assert race, [node["label"] for node in roots]
    first = race[0]["evidence"][0]
    assert first["quote"] and first["source"] and not first["source"].startswith(f"{seed_id}:src:")
    ids = {node["id"] for node in data["nodes"]}
    assert all(edge["from"] in ids and edge["to"] in ids and edge["arrows"] == "to" for edge in data["edges"])


def test_graph_page_draws_linked_events_in_layers_and_lists_the_rest(seeded, seed_id: str) -> None:
    html = seeded.get(f"/incidents/{seed_id}").get_data(as_text=True)
    data = graph_data(html)
    assert data["options"]["physics"]["enabled"] is False
    events = [node for node in data["nodes"] if node["kind"] == "Event"]
    assert events and all(isinstance(node["level"], int) for node in data["nodes"])
    x = {node["id"]: node["x"] for node in events}
    assert all(x[e["from"]] < x[e["to"]] for e in data["edges"] if e["type"] == "CAUSES" and not e["cycle"])
    unlinked = re.findall(r'<li data-node="([^"]+)">', html)
    assert unlinked and not {node["id"] for node in events} & set(unlinked)
    assert re.search(r"race condition <span[^>]*>→</span> DNS failure", html)  # the chains as text, below
    assert f'href="/incidents/{seed_id}?view=all"' in html


def test_whole_graph_view_keeps_every_event(seeded, seed_id: str) -> None:
    full = graph_data(seeded.get(f"/incidents/{seed_id}?view=all").get_data(as_text=True))
    causal = graph_data(seeded.get(f"/incidents/{seed_id}").get_data(as_text=True))
    kinds = ("Event",)
    assert len([n for n in full["nodes"] if n["kind"] in kinds]) > len([n for n in causal["nodes"] if n["kind"] in kinds])
    assert "hierarchical" not in full["options"]["layout"]


def test_vis_network_is_served_from_the_installed_pyvis(seeded) -> None:
    shipped = Path(find_spec("pyvis").origin).parent / "lib" / "vis-9.1.2"
    script = seeded.get("/assets/vendor/vis/vis-network.min.js")
    assert script.status_code == 200 and script.mimetype == "application/javascript"
    assert script.data == (shipped / "vis-network.min.js").read_bytes()
    assert seeded.get("/assets/vendor/vis/vis-network.css").data == (shipped / "vis-network.css").read_bytes()


def test_vis_route_serves_no_other_file(seeded) -> None:
    assert seeded.get("/assets/vendor/vis/network.py").status_code == 404
    assert seeded.get("/assets/vendor/vis/..%2F..%2Fnetwork.py").status_code == 404


def test_our_scripts_and_styles_are_served(seeded) -> None:
    for name in ("network.js", "graph_page.js", "timeline.js", "counterfactuals.js", "svg.js", "api.js", "index.js",
                 "site.css"):
        with seeded.get(f"/assets/pages/{name}") as response:
            assert response.status_code == 200, name


def test_unknown_incident_page_is_404(seeded) -> None:
    response = seeded.get("/incidents/no-such-incident", headers={"Accept": "text/html"})
    assert response.status_code == 404


def test_index_lists_the_seed_incident_with_links(seeded, seed_id: str) -> None:
    html = seeded.get("/").get_data(as_text=True)
    assert f'href="/incidents/{seed_id}/timeline"' in html
    assert f'href="/incidents/{seed_id}/review"' in html
    assert 'id="article-form"' in html


def test_timeline_page_embeds_the_local_zone(seeded, seed_id: str) -> None:
    html = seeded.get(f"/incidents/{seed_id}/timeline").get_data(as_text=True)
    block = re.search(r'id="timeline-data">(.*?)</script>', html, re.DOTALL)
    data = json.loads(block.group(1))
    assert data["local"] == {"zone": "PDT", "offset_minutes": -420}
    assert any(e["at"].startswith("2025-10-20T06:48") for e in data["timeline"]["events"])


def test_timeline_and_review_pages_say_the_outage_ran_from_0648_to_2050(seeded, seed_id: str) -> None:
    html = seeded.get(f"/incidents/{seed_id}/timeline").get_data(as_text=True)
    data = json.loads(re.search(r'id="timeline-data">(.*?)</script>', html, re.DOTALL).group(1))["timeline"]
    assert (data["start"]["at"], data["end"]["at"], data["duration_text"]) == (
        "2025-10-20T06:48:00Z", "2025-10-20T20:50:00Z", "14 h 2 min")
    assert 'id="outage-span"' in html
    review = seeded.get(f"/incidents/{seed_id}/review").get_data(as_text=True)
    assert "From 2025-10-20 06:48 UTC to 2025-10-20 20:50 UTC (14 h 2 min)." in review


def test_review_page_names_the_race_as_root_cause(seeded, seed_id: str) -> None:
    html = seeded.get(f"/incidents/{seed_id}/review").get_data(as_text=True)
    assert "<h2>Root cause versus symptoms</h2>" in html
    roles = re.search(r"<td>root cause</td>\s*<td>([^<]*)</td>", html)
    assert roles and "race" in roles.group(1).lower()


def test_review_action_items_tie_fixes_to_their_effect(seeded, seed_id: str) -> None:
    pack = seeded.get(f"/api/incidents/{seed_id}/review?format=json").get_json()
    items = {row["Scenario"]: row for s in pack["sections"] if s["key"] == "action_items" for row in s["rows"]}
    assert items["fixed_cleanup"]["Verdict"] == "prevents the outage"
    assert items["dwfm_backoff"]["Verdict"] == "shortens the outage"
    assert "earlier" in items["dwfm_backoff"]["Effect"]


def test_article_text_in_the_graph_data_cannot_close_the_script_block(make_app) -> None:
    app = make_app()
    client = app.test_client()
    text = ("On 4 June 2024 at 09:10 UTC a bad deploy to the Zeta queue service caused a backlog. "
            "The backlog caused timeouts in the Zeta checkout service </script><script>window.pwned=1</script>. "
            "The checkout service recovered at 10:40 UTC.")
    assert client.post("/api/incidents", json={"id": "zeta", "title": "Zeta outage"}).status_code == 201
    assert client.post("/api/incidents/zeta/articles", json={"text": text, "title": "Zeta"}).status_code == 201
    html = client.get("/incidents/zeta").get_data(as_text=True)
    assert "<script>window.pwned" not in html
    data = graph_data(html)
    quotes = [e["sentence"] for n in data["nodes"] for e in n.get("evidence") or []]
    assert any("</script><script>window.pwned=1</script>" in q for q in quotes)


def test_counterfactuals_page_says_why_the_model_is_absent_for_another_outage(app):
    client = app.test_client()
    client.post("/api/incidents", json={"id": "contoso-dns", "title": "Contoso DNS"})
    client.post("/api/incidents/contoso-dns/articles", json={
        "text": "A bad DNS change at Contoso made its customer database unreachable on 3 March 2026, so checkout failed."})
    html = client.get("/incidents/contoso-dns/counterfactuals").get_data(as_text=True)
    assert 'id="model-absent"' in html and "does not describe incident contoso-dns" in html
    assert '<form id="scenario-form" hidden>' in html and '<form id="remove-form">' in html


def test_counterfactuals_page_offers_the_model_where_it_applies(seeded, seed_id):
    html = seeded.get(f"/incidents/{seed_id}/counterfactuals").get_data(as_text=True)
    assert 'id="model-absent"' not in html and '<form id="scenario-form">' in html
