"""Bad request bodies: malformed, deep, non-finite, wrongly typed or sized JSON, and wrong content types.

Each case names the status and the problem+json body a client gets; none may be a 500.
"""

from __future__ import annotations

from tests.robustness.problems import assert_problem

JSON = "application/json"
INVALID = "urn:problem:invalid-request"


def test_json_nested_5000_arrays_deep_is_422_not_a_recursion_500(client):
    resp = client.post("/api/incidents", data=b"[" * 5000 + b"]" * 5000, content_type=JSON)
    assert_problem(resp, 422, type=INVALID, detail_has=("nested deeper than",))


def test_json_nested_5000_objects_deep_is_422(client):
    body = b'{"a":' * 5000 + b"1" + b"}" * 5000
    resp = client.post("/api/model/check", data=body, content_type=JSON)
    assert_problem(resp, 422, type=INVALID, detail_has=("nested deeper than",))


def test_unclosed_json_nested_5000_deep_is_422(client):
    resp = client.post("/api/incidents", data=b"[" * 5000, content_type=JSON)
    assert_problem(resp, 422, type=INVALID)


def test_malformed_json_is_422_with_its_position(client):
    resp = client.post("/api/incidents", data=b'{"title": ', content_type=JSON)
    assert_problem(resp, 422, type=INVALID, detail_has=("not valid JSON", "line 1 column 11"))


def test_nan_in_json_body_is_422(client):
    resp = client.post("/api/model/check", data=b'{"enactors": NaN}', content_type=JSON)
    assert_problem(resp, 422, type=INVALID, detail_has=("NaN",))


def test_infinity_in_json_body_is_422(client):
    resp = client.post("/api/model/check", data=b'{"enactors": Infinity}', content_type=JSON)
    assert_problem(resp, 422, type=INVALID, detail_has=("Infinity",))


def test_negative_infinity_in_scenario_params_is_422(client, incident):
    body = b'{"scenario": "baseline", "params": {"enactor_delay_s": -Infinity}}'
    resp = client.post(f"/api/incidents/{incident}/counterfactuals", data=body, content_type=JSON)
    assert_problem(resp, 422, type=INVALID)


def test_number_1e400_for_a_count_is_422(client):
    resp = client.post("/api/model/check", data=b'{"enactors": 1e400}', content_type=JSON)
    body = assert_problem(resp, 422, type=INVALID)
    assert [e["loc"] for e in body["errors"]] == ["body.enactors"]


def test_number_1e400_which_python_reads_as_infinity_is_422_for_a_parameter(client, incident):
    body = b'{"scenario": "baseline", "params": {"enactor_delay_s": 1e400}}'
    resp = client.post(f"/api/incidents/{incident}/counterfactuals", data=body, content_type=JSON)
    problem = assert_problem(resp, 422, type=INVALID)
    assert "finite_number" in {e["type"] for e in problem["errors"]}


def test_integer_10_to_the_100_is_422(client):
    resp = client.post("/api/model/check", data=b'{"plans": 1' + b"0" * 100 + b"}", content_type=JSON)
    body = assert_problem(resp, 422, type=INVALID)
    assert [e["loc"] for e in body["errors"]] == ["body.plans"]


def test_negative_bound_is_422(client):
    body = assert_problem(client.post("/api/model/check", json={"enactors": -1}), 422, type=INVALID)
    assert body["errors"][0]["loc"] == "body.enactors"
    assert body["errors"][0]["type"] == "greater_than_equal"


def test_wrong_type_is_422_naming_the_field(client):
    body = assert_problem(client.post("/api/incidents", json={"title": 5}), 422, type=INVALID)
    assert body["errors"] == [{"loc": "body.title", "msg": "Input should be a valid string", "type": "string_type"}]


def test_boolean_for_a_count_is_422(client):
    body = assert_problem(client.post("/api/model/check", json={"enactors": True}), 422, type=INVALID)
    assert body["errors"][0]["loc"] == "body.enactors"


def test_unknown_field_is_422(client):
    body = assert_problem(client.post("/api/incidents", json={"title": "x", "owner": "me"}), 422, type=INVALID)
    assert body["errors"] == [{"loc": "body.owner", "msg": "Extra inputs are not permitted",
                               "type": "extra_forbidden"}]


def test_missing_field_is_422(client):
    body = assert_problem(client.post("/api/incidents", json={"region": "us-east-1"}), 422, type=INVALID)
    assert body["errors"] == [{"loc": "body.title", "msg": "Field required", "type": "missing"}]


def test_json_array_instead_of_object_is_422(client):
    assert_problem(client.post("/api/incidents", json=[{"title": "x"}]), 422, type=INVALID)


def test_empty_body_is_422(client):
    assert_problem(client.post("/api/incidents", data=b"", content_type=JSON), 422, type=INVALID,
                   detail_has=("empty",))


def test_invalid_utf8_in_json_is_422_with_the_byte_offset(client):
    resp = client.post("/api/incidents", data=b'{"title": "caf\xe9"}', content_type=JSON)
    body = assert_problem(resp, 422, type=INVALID, detail_has=("UTF-8", "byte 14"))
    assert body["offset"] == 14


def test_form_encoded_body_is_415(client):
    resp = client.post("/api/incidents", data="title=x", content_type="application/x-www-form-urlencoded")
    body = assert_problem(resp, 415)
    assert body["accepted"] == ["application/json"]


def test_body_without_content_type_is_415(client):
    assert_problem(client.post("/api/incidents", data=b'{"title": "x"}'), 415, detail_has=("no Content-Type",))


def test_xml_article_is_415(client, incident):
    resp = client.post(f"/api/incidents/{incident}/articles", data=b"<a>DNS failed</a>", content_type="text/xml")
    body = assert_problem(resp, 415)
    assert body["accepted"] == ["application/json", "text/plain"]


def test_body_over_max_content_length_is_413_naming_the_limit(make_app):
    client = make_app(MAX_CONTENT_LENGTH=1024).test_client()
    resp = client.post("/api/incidents", data=b'{"title": "' + b"x" * 2000 + b'"}', content_type=JSON)
    body = assert_problem(resp, 413, detail_has=("MAX_CONTENT_LENGTH",))
    assert body["limit"] == 1024
    assert body["setting"] == "MAX_CONTENT_LENGTH"


def test_10_mb_text_is_413_at_the_default_limit(client, incident, nlp_spy):
    before = nlp_spy.calls
    resp = client.post(f"/api/incidents/{incident}/articles", data=b"DNS failed. " * 900_000,
                       content_type="text/plain")
    body = assert_problem(resp, 413, detail_has=("MAX_CONTENT_LENGTH",))
    assert body["limit"] == 2 * 1024 * 1024
    assert nlp_spy.calls == before


def test_method_not_allowed_is_405_with_allow(client):
    resp = client.delete("/api/incidents")
    assert_problem(resp, 405)
    assert set(resp.headers["Allow"].split(", ")) >= {"GET", "POST"}


def test_unknown_path_is_404_problem(client):
    assert_problem(client.get("/api/no-such-thing"), 404)
