"""Corrections stay attached when articles are added and when the incident is read again (``flask reingest``);
a correction whose node the new reading no longer has is reported as orphaned, never dropped."""

from __future__ import annotations

from pathlib import Path

from graph.schema import Node

DATA = Path(__file__).resolve().parents[1] / "data"
IID = "checkout-2024"
SECOND = ("Update from the payments company: the duplicate order numbers were cleaned up overnight, and the "
          "failover controller stays disabled until the replica lag check is fixed.")


def setup_incident(app) -> tuple:
    client = app.test_client()
    assert client.post("/api/incidents", json={"id": IID, "title": "Checkout outage"}).status_code == 201
    text = (DATA / "db_failover.txt").read_text(encoding="utf-8")
    response = client.post(f"/api/incidents/{IID}/articles", data=text, headers={"Content-Type": "text/plain"})
    assert response.status_code == 201, response.get_data(as_text=True)
    return client, text


def event_with(client, words: str) -> str:
    nodes = client.get(f"/api/incidents/{IID}/graph?kind=Event").get_json()["nodes"]
    found = [n["id"] for n in nodes if words in n["label"].lower()]
    assert found, (words, [n["label"] for n in nodes])
    return found[0]


def reingest(app) -> str:
    result = app.test_cli_runner().invoke(args=["reingest", "--incident", IID])
    assert result.exit_code == 0, result.output
    return result.output


def statuses(client) -> dict[str, str]:
    listed = client.get(f"/api/incidents/{IID}/corrections").get_json()
    return {c["action"]: c["status"] for c in listed["corrections"]}


def test_corrections_survive_a_new_article_and_a_reingest(make_app):
    app = make_app()
    client, _ = setup_incident(app)
    stale = event_with(client, "stale replica")
    body = {"action": "set_role", "node": stale, "role": "root_cause", "author": "ana",
            "note": "the lagging replica is where it went wrong"}
    assert client.post(f"/api/incidents/{IID}/corrections", json=body).status_code == 201
    added = client.post(f"/api/incidents/{IID}/articles", data=SECOND, headers={"Content-Type": "text/plain"})
    assert added.status_code == 201, added.get_data(as_text=True)
    assert statuses(client) == {"set_role": "active"}
    reingest(app)
    assert statuses(client) == {"set_role": "active"}
    roots = client.get(f"/api/incidents/{IID}/root-causes").get_json()["root_causes"]
    assert roots[0]["id"] == stale
    assert any("role root_cause set by reviewer ana" in note for note in roots[0]["notes"])


def test_a_correction_whose_event_is_gone_after_reextraction_is_reported_orphaned(make_app):
    app = make_app()
    client, text = setup_incident(app)
    duplicates = event_with(client, "duplicate number")
    body = [{"action": "set_role", "node": duplicates, "role": "impact", "author": "ana", "note": "customers saw it"},
            {"action": "rename_event", "node": event_with(client, "api checkout errors"), "label": "checkout API errors",
             "author": "ana"}]
    assert client.post(f"/api/incidents/{IID}/corrections", json=body).status_code == 201
    # The article's stored text is replaced by its corrected version, which no longer tells of duplicate numbers:
    # re-extraction reads what the Source keeps.
    store = app.extensions["graph_store"]
    [source] = [n for n in store.incident_graph(IID).nodes(data=True) if n[1]["label"] == "Source"]
    corrected = text.replace("The stale replica caused duplicate order numbers. ", "")
    store.upsert([Node("Source", source[0], {"incident": IID, "text": corrected})])
    reingest(app)

    listed = client.get(f"/api/incidents/{IID}/corrections").get_json()
    by_action = {c["action"]: c for c in listed["corrections"]}
    assert by_action["set_role"]["status"] == "orphaned"
    assert duplicates in by_action["set_role"]["reason"]
    assert listed["orphaned"] == [by_action["set_role"]["id"]]
    assert by_action["rename_event"]["status"] == "active"
    review = client.get(f"/api/incidents/{IID}/review?format=json").get_json()
    rows = next(s for s in review["sections"] if s["key"] == "reviewer_changes")["rows"]
    assert [(r["Action"], r["Status"]) for r in rows] == [("set_role", "orphaned"), ("rename_event", "active")]
    assert duplicates in rows[0]["Why"]
