"""Reviewers correct the seed incident through the API: the answers change, name the reviewer, and return when the
corrections are withdrawn; a list of corrections moves to a fresh incident and reproduces the answers."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from tests.conftest import SEEDS

TODAY = datetime.now(UTC).strftime("%Y-%m-%d")


@pytest.fixture
def seeded_client(make_app, seed_id):
    """A writable app with the four seeds ingested into the seed incident."""
    app = make_app()
    result = app.test_cli_runner().invoke(args=["ingest", str(SEEDS), "--incident", seed_id])
    assert result.exit_code == 0, result.output
    return app.test_client()


def get(client, path: str) -> dict:
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def post(client, iid: str, body, **headers):
    return client.post(f"/api/incidents/{iid}/corrections", json=body, headers=headers)


def event_id(client, iid: str, label: str) -> str:
    nodes = get(client, f"/api/incidents/{iid}/graph?kind=Event")["nodes"]
    found = [n["id"] for n in nodes if n["label"].lower() == label.lower()]
    assert found, f"no event {label!r} in {iid}"
    return found[0]


def findings(report: dict, node: str) -> list[dict]:
    return [f for key, items in report.items() if key not in ("open_questions", "cycles", "disagreements")
            for f in items if f["id"] == node]


def second_root(client, iid: str) -> str:
    """'network propagation delay' when it is a root cause, else whatever second root cause the graph has."""
    roots = [f["id"] for f in get(client, f"/api/incidents/{iid}/root-causes")["root_causes"]]
    named = [r for r in roots if r.endswith(":e:network-propagation-delay")]
    return named[0] if named else roots[1]


def review_json(client, iid: str) -> dict:
    return get(client, f"/api/incidents/{iid}/review?format=json")


def seed_corrections(client, iid: str, target: str) -> list[dict]:
    """The reviewer's corrections of the Done-when list, as one would send them."""
    graph = get(client, f"/api/incidents/{iid}/graph")
    out_links = [e for e in graph["edges"] if e["type"] == "CAUSES" and e["source"] == target]
    assert out_links, "the second root cause leads somewhere"
    body = [{"action": "reject_link", "source": e["source"], "target": e["target"], "type": "CAUSES",
             "note": "the text only lists them together"} for e in out_links]
    body += [
        {"action": "set_role", "node": target, "role": "symptom", "note": "the delay was a symptom of the lock"},
        {"action": "add_link", "source": event_id(client, iid, "congestive collapse"), "target": target,
         "type": "CAUSES", "note": "the collapse backed up network state propagation"},
        {"action": "merge_events", "keep": event_id(client, iid, "DynamoDB failure"),
         "merge": event_id(client, iid, "DynamoDB inaccessible"), "note": "one event told twice"},
        {"action": "rename_event", "node": event_id(client, iid, "DNS failure"), "label": "empty DNS record"},
        {"action": "set_time", "node": event_id(client, iid, "congestive collapse"), "utc": "2025-10-20T11:30:00Z",
         "note": "DWFM status page"},
    ]
    return [{**c, "author": "ana"} for c in body]


def test_reviewer_corrections_change_the_answers_and_withdrawing_them_restores_them(seeded_client, seed_id):
    client, iid = seeded_client, seed_id
    target = second_root(client, iid)
    collapse, dns = event_id(client, iid, "congestive collapse"), event_id(client, iid, "DNS failure")
    duplicate = event_id(client, iid, "DynamoDB inaccessible")
    before = {path: get(client, f"/api/incidents/{iid}/{path}")
              for path in ("root-causes", "timeline", "blast-radius", f"why/{target}")}
    review_before = review_json(client, iid)

    body = seed_corrections(client, iid, target)
    created = post(client, iid, body)
    assert created.status_code == 201, created.get_data(as_text=True)
    assert [c["status"] for c in created.get_json()["corrections"]] == ["active"] * len(body)

    roles = get(client, f"/api/incidents/{iid}/root-causes")
    assert target not in [f["id"] for f in roles["root_causes"]]
    [finding] = findings(roles, target)
    assert finding["role"] == "symptom"
    assert f"role symptom set by reviewer ana on {TODAY}: 'the delay was a symptom of the lock'" in finding["notes"]
    assert any("rejected by reviewer ana" in note for note in finding["notes"])
    assert "empty DNS record" in [f["label"] for f in findings(roles, dns)]
    assert not findings(roles, duplicate)  # merged into "DynamoDB failure"

    chains = get(client, f"/api/incidents/{iid}/why/{target}")["chains"]
    into_target = [c["steps"][-2:] for c in chains if c["steps"][-2]["id"] == collapse]
    assert into_target, "the reviewer's link makes the congestive collapse a cause of the delay"
    last = into_target[0][-1]
    assert last["cue"] == "added by reviewer" and last["confidence"] == 1.0
    assert last["evidence"][0]["source"] == "reviewer ana"
    assert "added by reviewer ana on" in last["evidence"][0]["sentence"]

    timeline = get(client, f"/api/incidents/{iid}/timeline")
    [told] = [e for e in timeline["events"] if e["id"] == collapse]
    assert told["at"] == "2025-10-20T11:30:00Z"
    assert any(e["source"] == "reviewer ana" and "time set to 2025-10-20 11:30 UTC by reviewer ana" in e["sentence"]
               for e in told["evidence"])

    removed = client.post(f"/api/incidents/{iid}/counterfactuals", json={"remove": [collapse]}).get_json()
    assert target in removed["averted"]  # its one remaining cause is the reviewer's link from the collapse

    review = review_json(client, iid)
    changes = next(s for s in review["sections"] if s["key"] == "reviewer_changes")
    assert [row["Reviewer"] for row in changes["rows"]] == ["ana"] * len(body)
    assert {row["Status"] for row in changes["rows"]} == {"active"}
    roles_rows = next(s for s in review["sections"] if s["key"] == "roles")["rows"]
    assert target not in json.dumps([r for r in roles_rows if r.get("Role") == "root_cause"])
    markdown = client.get(f"/api/incidents/{iid}/review?format=md").get_data(as_text=True)
    assert "## Reviewer changes" in markdown and "the delay was a symptom of the lock" in markdown
    csv = client.get(f"/api/incidents/{iid}/review?format=csv").get_data(as_text=True)
    assert "reviewer_changes," in csv

    listed = get(client, f"/api/incidents/{iid}/corrections")
    etag = client.get(f"/api/incidents/{iid}/corrections").headers["ETag"]
    for correction in reversed(listed["corrections"]):
        response = client.delete(f"/api/incidents/{iid}/corrections/{correction['id']}?author=bo",
                                 headers={"If-Match": etag})
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.get_json()["corrections"][0]["status"] == "withdrawn"
        etag = response.headers["ETag"]

    after = {path: get(client, f"/api/incidents/{iid}/{path}") for path in before}
    assert after == before
    removed = client.post(f"/api/incidents/{iid}/counterfactuals", json={"remove": [collapse]}).get_json()
    assert target not in removed["averted"]
    history = get(client, f"/api/incidents/{iid}/corrections")["corrections"]
    assert [(c["status"], c["author"], c["withdrawn_by"]) for c in history] == [("withdrawn", "ana", "bo")] * len(body)
    review_after = review_json(client, iid)
    without = [s for s in review_after["sections"] if s["key"] != "reviewer_changes"]
    assert without == [s for s in review_before["sections"] if s["key"] != "reviewer_changes"]
    assert client.delete(f"/api/incidents/{iid}/corrections/{history[0]['id']}?author=bo").status_code == 409


def test_a_list_exported_from_one_incident_reproduces_its_answers_in_a_fresh_one(seeded_client, seed_id):
    client, iid, fresh = seeded_client, seed_id, "aws-copy"
    app = client.application
    result = app.test_cli_runner().invoke(args=["ingest", str(SEEDS), "--incident", fresh])
    assert result.exit_code == 0, result.output
    body = seed_corrections(client, iid, second_root(client, iid))
    assert post(client, iid, body).status_code == 201
    first = get(client, f"/api/incidents/{iid}/corrections")["corrections"]
    withdrawn = client.delete(f"/api/incidents/{iid}/corrections/{first[-1]['id']}?author=ana")
    assert withdrawn.status_code == 200

    exported = get(client, f"/api/incidents/{iid}/corrections")["corrections"]
    imported = post(client, fresh, exported)
    assert imported.status_code == 201, imported.get_data(as_text=True)
    assert [c["status"] for c in imported.get_json()["corrections"]] == [c["status"] for c in exported]

    def answers(incident: str) -> str:
        text = json.dumps([get(client, f"/api/incidents/{incident}/{path}")
                           for path in ("root-causes", "timeline", "blast-radius")], sort_keys=True)
        return text.replace(f'"{incident}:', '"I:').replace(f"'{incident}:", "'I:")

    assert answers(fresh) == answers(iid)
