"""Cached answers: served from bytes per incident version, never stale after an ingest; duplicates skip the NLP."""

from __future__ import annotations

from tests.web.conftest import SHORT_ARTICLE
from web.resources import Lazy

IID = "acme-lb-2024"
API = f"/api/incidents/{IID}"
SECOND_ARTICLE = (
    "On 3 March 2024 at 15:10 UTC, a power failure in the Acme data center caused the Acme database to crash. "
    "The database crash caused the Acme payment service to fail for 20 minutes."
)


class RaisingNlp:
    """An nlp pipeline that fails the test if anything tries to parse with it."""

    def __call__(self, *args: object, **kwargs: object) -> None:
        raise AssertionError("the nlp pipeline was called")

    def pipe(self, *args: object, **kwargs: object) -> None:
        raise AssertionError("the nlp pipeline was called")


def _ingest(client, text: str) -> dict:
    resp = client.post(f"{API}/articles", json={"text": text})
    assert resp.status_code == 201, resp.get_data(as_text=True)
    return resp.get_json()


def _new_incident(client) -> None:
    assert client.post("/api/incidents", json={"id": IID, "title": "Acme outage"}).status_code == 201


def test_root_causes_answer_changes_after_an_ingest_and_matches_an_uncached_app(make_app):
    app = make_app()
    client = app.test_client()
    _new_incident(client)
    _ingest(client, SHORT_ARTICLE)
    before = client.get(f"{API}/root-causes").get_json()
    assert client.get(f"{API}/root-causes").get_json() == before  # served from the cache
    _ingest(client, SECOND_ARTICLE)
    after = client.get(f"{API}/root-causes").get_json()
    assert after != before
    fresh = make_app().test_client()  # a new app over the same data: nothing cached yet
    assert fresh.get(f"{API}/root-causes").get_json() == after


def test_incident_list_counts_a_new_article_after_being_cached(client):
    _new_incident(client)
    assert client.get("/api/incidents").get_json()["incidents"][0]["sources"] == 0
    _ingest(client, SHORT_ARTICLE)
    assert client.get("/api/incidents").get_json()["incidents"][0]["sources"] == 1


def test_graph_filter_is_part_of_the_cache_key(client):
    _new_incident(client)
    _ingest(client, SHORT_ARTICLE)
    everything = client.get(f"{API}/graph").get_json()
    components = client.get(f"{API}/graph?kind=Component").get_json()
    assert {n["kind"] for n in everything["nodes"]} > {"Component"}
    assert {n["kind"] for n in components["nodes"]} == {"Component"}


def test_cached_answer_is_served_as_json(client):
    _new_incident(client)
    _ingest(client, SHORT_ARTICLE)
    client.get(f"{API}/timeline")
    resp = client.get(f"{API}/timeline")
    assert resp.mimetype == "application/json"
    assert resp.get_data(as_text=True).endswith("}\n")


def test_duplicate_article_is_200_without_calling_the_nlp(app):
    client = app.test_client()
    _new_incident(client)
    first = _ingest(client, SHORT_ARTICLE)
    app.extensions["nlp"] = Lazy.of(RaisingNlp())
    resp = client.post(f"{API}/articles", data=SHORT_ARTICLE.encode(), content_type="text/plain")
    assert resp.status_code == 200
    assert resp.get_json() == {"article_id": first["article_id"], "created": False, "added": {}, "warnings": []}


def test_duplicate_article_in_a_new_process_is_200_without_calling_the_nlp(make_app):
    client = make_app().test_client()
    _new_incident(client)
    first = _ingest(client, SHORT_ARTICLE)
    other = make_app(NLP=RaisingNlp()).test_client()  # nothing remembered: the store's Source node decides
    resp = other.post(f"{API}/articles", json={"text": SHORT_ARTICLE})
    assert resp.status_code == 200
    assert resp.get_json()["article_id"] == first["article_id"]


def test_remembered_article_is_ingested_again_once_its_incident_was_deleted(app):
    client = app.test_client()
    _new_incident(client)
    _ingest(client, SHORT_ARTICLE)
    app.extensions["graph_store"].delete_incident(IID)
    _new_incident(client)
    assert _ingest(client, SHORT_ARTICLE)["created"] is True


def test_duplicate_article_at_the_article_limit_is_still_200(make_app):
    client = make_app(MAX_ARTICLES_PER_INCIDENT=1).test_client()
    _new_incident(client)
    _ingest(client, SHORT_ARTICLE)
    assert client.post(f"{API}/articles", json={"text": SHORT_ARTICLE}).status_code == 200
    assert client.post(f"{API}/articles", json={"text": SECOND_ARTICLE}).status_code == 422


def test_scenario_answers_are_cached_per_parameters(seeded, seed_id):
    url = f"/api/incidents/{seed_id}/counterfactuals"
    baseline = seeded.post(url, json={"scenario": "baseline"}).get_json()
    no_delay = seeded.post(url, json={"scenario": "baseline", "params": {"enactor_delay_s": 0}}).get_json()
    assert baseline["counterfactual"]["dns_record_empty"] is True
    assert no_delay["counterfactual"]["dns_record_empty"] is False
    assert seeded.post(url, json={"scenario": "baseline"}).get_json() == baseline
