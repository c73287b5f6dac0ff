"""Bad articles: empty, foreign, binary, non-UTF-8, too long for spaCy, duplicated, and unusual unicode."""

from __future__ import annotations

from tests.robustness.conftest import OUTAGE
from tests.robustness.problems import assert_problem, strict_loads

REJECTED = "urn:problem:article-rejected:"
GERMAN = ("Am 20. Oktober fiel der DNS-Dienst von AWS aus. Die Ursache war ein Fehler im System, und viele Kunden "
          "waren davon betroffen, weil die Datenbank nicht erreichbar war.")


def _post(client, incident, text, **meta):
    return client.post(f"/api/incidents/{incident}/articles", json={"text": text, **meta})


def test_invalid_utf8_as_text_plain_is_422_with_the_byte_offset(client, incident, nlp_spy):
    before = nlp_spy.calls
    resp = client.post(f"/api/incidents/{incident}/articles", data=b"DNS failed at \xff\xfe noon",
                       content_type="text/plain")
    body = assert_problem(resp, 422, detail_has=("UTF-8", "byte 14"))
    assert body["offset"] == 14
    assert nlp_spy.calls == before


def test_text_over_spacys_million_characters_is_413_before_nlp(make_app, nlp_spy):
    client = make_app(MAX_CONTENT_LENGTH=8 * 1024 * 1024).test_client()
    client.post("/api/incidents", json={"id": "big", "title": "Big"})
    before = nlp_spy.calls
    resp = client.post("/api/incidents/big/articles", data=b"DNS failed. " * 83_334, content_type="text/plain")
    body = assert_problem(resp, 413, detail_has=("ARTICLE_MAX_CHARS", "1000008 characters"))
    assert body["limit"] == 200_000
    assert nlp_spy.calls == before


def test_article_one_character_over_article_max_chars_is_413(make_app):
    client = make_app(ARTICLE_MAX_CHARS=len(OUTAGE) - 1).test_client()
    client.post("/api/incidents", json={"id": "lim", "title": "Limit"})
    body = assert_problem(_post(client, "lim", OUTAGE), 413, detail_has=("ARTICLE_MAX_CHARS",))
    assert body["limit"] == len(OUTAGE) - 1


def test_only_whitespace_is_422(client, incident):
    body = assert_problem(_post(client, incident, " \n\t\u00a0\u2003 "), 422, type=REJECTED + "empty")
    assert body["reason"] == "empty"


def test_empty_text_is_422(client, incident):
    assert_problem(_post(client, incident, ""), 422)


def test_another_language_is_422(client, incident):
    body = assert_problem(_post(client, incident, GERMAN), 422, type=REJECTED + "not_english",
                          detail_has=("English",))
    assert body["reason"] == "not_english"


def test_nul_byte_in_json_text_is_422(client, incident):
    body = assert_problem(_post(client, incident, OUTAGE.replace("removed", "rem\u0000oved")), 422,
                          type=REJECTED + "binary")
    assert body["reason"] == "binary"


def test_nul_byte_in_text_plain_is_422(client, incident):
    data = OUTAGE.replace("removed", "rem\x00oved").encode()
    resp = client.post(f"/api/incidents/{incident}/articles", data=data, content_type="text/plain")
    assert_problem(resp, 422, type=REJECTED + "binary")


def test_duplicate_article_is_200_and_nothing_is_duplicated(client, incident):
    before = client.get(f"/api/incidents/{incident}/graph").get_json()
    resp = _post(client, incident, OUTAGE, title="Acme outage")
    assert resp.status_code == 200
    assert resp.get_json()["created"] is False and resp.get_json()["added"] == {}
    after = client.get(f"/api/incidents/{incident}/graph").get_json()
    assert len(after["nodes"]) == len(before["nodes"]) and len(after["edges"]) == len(before["edges"])
    assert client.get(f"/api/incidents/{incident}").get_json()["sources"] == 1


def test_article_with_no_incident_content_is_422(client, incident):
    text = "The weather was pleasant and the team went for a long walk in the park after lunch on Tuesday."
    body = assert_problem(_post(client, incident, text), 422, type=REJECTED + "no_incident_content")
    assert body["reason"] == "no_incident_content"


def test_rtl_override_and_zero_width_joiner_in_an_article_are_kept_as_text(client, incident):
    text = OUTAGE.replace("Acme checkout", "Acme \u202echeckout\u202c\u200d")
    resp = _post(client, incident, text)
    assert resp.status_code == 201, resp.get_data(as_text=True)
    graph = strict_loads(client.get(f"/api/incidents/{incident}/graph").get_data(as_text=True))
    assert graph["nodes"]


def test_emoji_in_component_names_round_trip(client, incident):
    text = OUTAGE.replace("Acme checkout service", "Acme 🔥checkout🛒 service")
    assert _post(client, incident, text).status_code == 201
    resp = client.get(f"/api/incidents/{incident}/graph")
    assert resp.status_code == 200
    strict_loads(resp.get_data(as_text=True))


def test_rtl_mark_in_incident_title_round_trips_exactly(client):
    title = "DNS \u200fخطأ\u200f outage 👩\u200d💻"
    resp = client.post("/api/incidents", json={"id": "rtl", "title": title})
    assert resp.status_code == 201
    assert client.get("/api/incidents/rtl").get_json()["title"] == title


def test_bad_published_date_is_422(client, incident):
    body = assert_problem(_post(client, incident, OUTAGE, published="yesterday"), 422)
    assert body["errors"][0]["loc"] == "body.published"


def test_too_many_articles_in_one_incident_names_the_limit(make_app):
    client = make_app(MAX_ARTICLES_PER_INCIDENT=1).test_client()
    client.post("/api/incidents", json={"id": "few", "title": "Few"})
    assert _post(client, "few", OUTAGE).status_code == 201
    second = OUTAGE.replace("40 minutes", "45 minutes")
    body = assert_problem(_post(client, "few", second), 422, detail_has=("MAX_ARTICLES_PER_INCIDENT",))
    assert body["limit"] == 1
    assert client.get("/api/incidents/few").get_json()["sources"] == 1
