"""Who may correct an incident, concurrent reviewers, and bad corrections refused with nothing stored."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.web.conftest import SHORT_ARTICLE

IID = "acme-lb-2024"
TODAY = datetime.now(UTC).strftime("%Y-%m-%d")


def ingest(client, **headers) -> None:
    made = client.post("/api/incidents", json={"id": IID, "title": "Acme load balancer outage"}, headers=headers)
    assert made.status_code == 201, made.get_data(as_text=True)
    response = client.post(f"/api/incidents/{IID}/articles", data=SHORT_ARTICLE,
                           headers={"Content-Type": "text/plain", **headers})
    assert response.status_code == 201, response.get_data(as_text=True)


def events(client) -> dict[str, str]:
    nodes = client.get(f"/api/incidents/{IID}/graph?kind=Event").get_json()["nodes"]
    return {n["label"]: n["id"] for n in nodes}


def a_link(client) -> dict:
    edges = client.get(f"/api/incidents/{IID}/graph").get_json()["edges"]
    return next(e for e in edges if e["type"] == "CAUSES")


def post(client, body, **headers):
    return client.post(f"/api/incidents/{IID}/corrections", json=body, headers=headers)


def etag(client) -> str:
    return client.get(f"/api/incidents/{IID}").headers["ETag"]


@pytest.fixture
def tokens(tmp_path: Path) -> Path:
    path = tmp_path / "reviewers.txt"
    path.write_text("# one reviewer a line\nana:ana-token-1\nbo:bo-token-2\n", encoding="utf-8")
    return path


@pytest.fixture
def shared(make_app, tokens):
    """An app for a shared deployment: reviewers' tokens in a file; the incident ingested with ana's token."""
    client = make_app(API_TOKENS_FILE=str(tokens)).test_client()
    ingest(client, Authorization="Bearer ana-token-1")
    return client


def test_without_a_token_the_author_field_is_required(client):
    ingest(client)
    node = next(iter(events(client).values()))
    missing = post(client, {"action": "set_role", "node": node, "role": "symptom"})
    assert missing.status_code == 422
    assert missing.mimetype == "application/problem+json"
    assert missing.get_json()["errors"][0]["loc"] == "body.author"
    done = post(client, {"action": "set_role", "node": node, "role": "symptom", "author": "ana"})
    assert done.status_code == 201
    assert done.get_json()["corrections"][0]["author"] == "ana"


def test_api_token_guards_writes_and_the_author_is_still_the_field(make_app):
    client = make_app(API_TOKEN="s3cret").test_client()
    ingest(client, Authorization="Bearer s3cret")
    node = next(iter(events(client).values()))
    body = {"action": "set_role", "node": node, "role": "impact", "author": "ana"}
    assert post(client, body).status_code == 401
    done = post(client, body, Authorization="Bearer s3cret")
    assert done.status_code == 201 and done.get_json()["corrections"][0]["author"] == "ana"


def test_the_token_file_names_the_author_and_refuses_another_name(shared):
    node = next(iter(events(shared).values()))
    body = {"action": "set_role", "node": node, "role": "symptom", "note": "seen by users"}
    assert post(shared, body, **{"If-Match": etag(shared)}).status_code == 401
    assert post(shared, body, Authorization="Bearer not-a-token", **{"If-Match": etag(shared)}).status_code == 401
    conflicting = post(shared, {**body, "author": "bo"}, Authorization="Bearer ana-token-1",
                       **{"If-Match": etag(shared)})
    assert conflicting.status_code == 403
    assert conflicting.get_json()["errors"][0]["loc"] == "body.author"
    assert shared.get(f"/api/incidents/{IID}/corrections").get_json()["corrections"] == []
    done = post(shared, body, Authorization="Bearer bo-token-2", **{"If-Match": etag(shared)})
    assert done.status_code == 201
    assert done.get_json()["corrections"][0]["author"] == "bo"
    same = post(shared, {**body, "author": "ana"}, Authorization="Bearer ana-token-1", **{"If-Match": etag(shared)})
    assert same.status_code == 201


def test_the_token_file_is_read_again_when_it_changes(shared, tokens):
    node = next(iter(events(shared).values()))
    body = {"action": "set_role", "node": node, "role": "symptom"}
    assert post(shared, body, Authorization="Bearer bo-token-2", **{"If-Match": etag(shared)}).status_code == 201
    tokens.write_text("ana:ana-token-1\ncy:cy-token-3\n", encoding="utf-8")
    stat = tokens.stat()
    os.utime(tokens, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert post(shared, body, Authorization="Bearer bo-token-2", **{"If-Match": etag(shared)}).status_code == 401
    done = post(shared, body, Authorization="Bearer cy-token-3", **{"If-Match": etag(shared)})
    assert done.status_code == 201 and done.get_json()["corrections"][0]["author"] == "cy"


def test_a_stale_if_match_is_412_and_none_is_428_under_the_token_file(shared):
    node = next(iter(events(shared).values()))
    body = {"action": "set_role", "node": node, "role": "symptom"}
    seen = etag(shared)
    assert seen == shared.get(f"/api/incidents/{IID}/root-causes").headers["ETag"]
    required = post(shared, body, Authorization="Bearer ana-token-1")
    assert required.status_code == 428 and required.mimetype == "application/problem+json"
    first = post(shared, body, Authorization="Bearer ana-token-1", **{"If-Match": seen})
    assert first.status_code == 201
    assert first.headers["ETag"] != seen and first.headers["ETag"] == etag(shared)
    stale = post(shared, {**body, "role": "impact"}, Authorization="Bearer bo-token-2", **{"If-Match": seen})
    assert stale.status_code == 412
    assert f'"{stale.get_json()["version"]}"' == first.headers["ETag"] == stale.headers["ETag"]
    assert len(shared.get(f"/api/incidents/{IID}/corrections").get_json()["corrections"]) == 1
    cid = first.get_json()["corrections"][0]["id"]
    gone = shared.delete(f"/api/incidents/{IID}/corrections/{cid}", headers={"Authorization": "Bearer bo-token-2",
                                                                           "If-Match": seen})
    assert gone.status_code == 412


@pytest.mark.parametrize(("change", "loc"), [
    ({"node": "acme-lb-2024:e:no-such-event"}, "body.node"),
    ({"role": "culprit"}, "body.role"),
    ({"action": "delete_everything"}, "body.action"),
    ({"note": "x" * 61}, "body.note"),
    ({"author": None}, "body.author"),
])
def test_bad_role_corrections_are_422_naming_the_field_and_store_nothing(make_app, change, loc):
    client = make_app(CORRECTION_NOTE_MAX_CHARS=60).test_client()
    ingest(client)
    node = next(iter(events(client).values()))
    body = {k: v for k, v in {"action": "set_role", "node": node, "role": "symptom", "author": "ana",
                              **change}.items() if v is not None}
    before = etag(client)
    response = post(client, body)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["errors"][0]["loc"].startswith(loc)
    assert etag(client) == before
    assert client.get(f"/api/incidents/{IID}/corrections").get_json()["corrections"] == []


def test_bad_links_events_and_times_are_422_naming_the_field(client):
    ingest(client)
    link, ids = a_link(client), events(client)
    node = next(iter(ids.values()))
    cases = [
        ({"action": "add_link", "source": node, "target": node, "type": "CAUSES"}, "body.target"),
        ({"action": "add_link", "source": link["source"], "target": link["target"], "type": "CAUSES"}, "body.target"),
        ({"action": "reject_link", "source": link["target"], "target": link["source"], "type": "CAUSES"},
         "body.target"),
        ({"action": "accept_link", "source": link["source"], "target": link["target"], "type": "PART_OF"},
         "body.type"),
        ({"action": "add_event", "label": "health checks paged", "kind": "disaster"}, "body.kind"),
        ({"action": "add_event", "label": "checks", "kind": "symptom", "component": node}, "body.component"),
        ({"action": "set_time", "node": node, "utc": "March 3, 14:05"}, "body.utc"),
        ({"action": "set_time", "node": node, "utc": "2024-03-03"}, "body.utc"),
        ({"action": "merge_events", "keep": node, "merge": node}, "body.merge"),
        ([{"action": "set_role", "node": node, "role": "impact"},
          {"action": "rename_event", "node": "acme-lb-2024:e:nothing", "label": "x"}], "body.1.node"),
    ]
    before = etag(client)
    for body, loc in cases:
        body = [{**b, "author": "ana"} for b in body] if isinstance(body, list) else {**body, "author": "ana"}
        response = post(client, body)
        assert response.status_code == 422, (body, response.get_data(as_text=True))
        assert response.get_json()["errors"][0]["loc"] == loc, (body, response.get_json())
    assert etag(client) == before
    assert client.get(f"/api/incidents/{IID}/corrections").get_json()["corrections"] == []


def test_an_added_event_can_be_linked_in_the_same_list_and_shows_in_the_answers(client):
    ingest(client)
    [root] = client.get(f"/api/incidents/{IID}/root-causes").get_json()["root_causes"]
    link = a_link(client)
    body = [{"action": "add_event", "label": "health check config unreviewed", "kind": "condition",
             "note": "no review step for load balancer config", "author": "ana"},
            {"action": "add_link", "source": f"{IID}:e:health-check-config-unreviewed", "target": root["id"],
             "type": "CAUSES", "author": "ana"},
            {"action": "accept_link", "source": link["source"], "target": link["target"], "type": "CAUSES",
             "author": "ana"}]
    response = post(client, body)
    assert response.status_code == 201, response.get_data(as_text=True)
    [added] = client.get(f"/api/incidents/{IID}/root-causes").get_json()["root_causes"]
    assert added["id"] == f"{IID}:e:health-check-config-unreviewed"  # one 'why' further than the text goes
    assert f"event added by reviewer ana on {TODAY}: 'no review step for load balancer config'" in added["notes"]
    edges = client.get(f"/api/incidents/{IID}/graph").get_json()["edges"]
    confirmed = next(e for e in edges if (e["source"], e["target"], e["type"]) ==
                     (link["source"], link["target"], "CAUSES"))
    assert confirmed["confidence"] == 1.0 and confirmed["confirmed_by"] == "ana"
    added_link = next(e for e in edges if e["source"] == f"{IID}:e:health-check-config-unreviewed")
    assert added_link["added_by"] == "ana" and added_link["target"] == root["id"]
