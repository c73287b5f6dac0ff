"""The review pack's action items over the API: graph interventions for every incident, model scenarios only where
the model applies."""

from __future__ import annotations

from tests.web.conftest import SHORT_ARTICLE


def action_rows(client, iid: str) -> list[dict]:
    resp = client.get(f"/api/incidents/{iid}/review?format=json")
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return next(s["rows"] for s in resp.get_json()["sections"] if s["key"] == "action_items")


def test_an_incident_the_model_does_not_describe_gets_ranked_action_items_from_its_graph(client):
    client.post("/api/incidents", json={"id": "acme", "title": "Acme"})
    assert client.post("/api/incidents/acme/articles", json={"text": SHORT_ARTICLE}).status_code == 201
    rows = action_rows(client, "acme")
    assert rows and {r["Basis"] for r in rows} == {"graph intervention"}
    assert [r["Score"] for r in rows] == sorted((r["Score"] for r in rows), reverse=True)
    assert rows[0]["Customer impacts averted"] >= 1 and rows[0]["Change"].startswith("remove acme:e:")
    csv = client.get("/api/incidents/acme/review?format=csv").get_data(as_text=True)
    assert "graph intervention" in csv


def test_the_seed_incident_gets_graph_items_first_then_model_scenarios(seeded, seed_id):
    rows = action_rows(seeded, seed_id)
    bases = [r["Basis"] for r in rows]
    assert bases == sorted(bases)  # "graph intervention" rows, then "model scenario" rows
    scenarios = {r["Scenario"]: r for r in rows if r["Basis"] == "model scenario"}
    assert scenarios["fixed_cleanup"]["Verdict"] == "prevents the outage"
    assert any(r["Customer impacts averted"] for r in rows if r["Basis"] == "graph intervention")
