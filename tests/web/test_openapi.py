"""The OpenAPI 3.1 document and the offline API page."""

from __future__ import annotations

import re


def test_openapi_document_is_3_1_and_lists_every_api_route(app, client):
    doc = client.get("/openapi.json").get_json()
    assert doc["openapi"] == "3.1.0"
    api_rules = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", r.rule) for r in app.url_map.iter_rules()
                 if r.rule.startswith("/api/") and r.rule != "/api/docs"}
    assert api_rules == set(doc["paths"])


def test_every_operation_documents_its_success_and_problem_responses(client):
    doc = client.get("/openapi.json").get_json()
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            codes = set(op["responses"])
            assert codes & {"200", "201"}, (method, path)
            assert "422" in codes, (method, path)
            problem = op["responses"]["422"]["content"]["application/problem+json"]["schema"]["$ref"]
            assert problem == "#/components/schemas/ProblemOut"


def test_input_models_forbid_unknown_fields_and_cap_lengths(client):
    schemas = client.get("/openapi.json").get_json()["components"]["schemas"]
    article = schemas["ArticleIn"]
    assert article["additionalProperties"] is False
    assert article["properties"]["text"]["maxLength"] == 2_000_000
    assert schemas["CheckIn"]["properties"]["enactors"]["maximum"] == 4


def test_article_endpoint_documents_text_plain(client):
    doc = client.get("/openapi.json").get_json()
    content = doc["paths"]["/api/incidents/{iid}/articles"]["post"]["requestBody"]["content"]
    assert set(content) == {"application/json", "text/plain"}


def test_api_docs_page_loads_nothing_from_other_hosts(client):
    resp = client.get("/api/docs")
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    html = resp.get_data(as_text=True)
    assert not re.findall(r'(?:src|href)="https?://', html)
    script = re.search(r'<script src="([^"]+)"', html).group(1)
    with client.get(script) as js:
        assert js.status_code == 200
        code = js.get_data(as_text=True)
    assert "fetch(root.dataset.specUrl)" in code
    assert "http://" not in code and "https://" not in code
    assert "script-src 'self'" in resp.headers["Content-Security-Policy"]


def test_every_get_answer_on_the_seeds_matches_its_documented_model(seeded, seed_id):
    from urllib.parse import quote

    from web import correction_schemas, schemas

    doc = seeded.get("/openapi.json").get_json()
    root = seeded.get(f"/api/incidents/{seed_id}/root-causes").get_json()["root_causes"][0]["id"]
    queries = {"/api/incidents/{iid}/classify": "?q=race%20condition", "/api/incidents/{iid}/review": "?format=json"}
    checked = []
    for path, methods in doc["paths"].items():
        if "get" not in methods:
            continue
        url = path.replace("{iid}", seed_id).replace("{node_id}", quote(root)) + queries.get(path, "")
        resp = seeded.get(url)
        assert resp.status_code == 200, (url, resp.get_data(as_text=True)[:300])
        name = methods["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        model = getattr(schemas, name, None) or getattr(correction_schemas, name)
        model.model_validate(resp.get_json())
        checked.append(path)
    assert len(checked) == 12  # incidents, incident, graph, root-causes, classify, why, timeline, conflicts,
    # blast-radius, review, model, corrections


def test_with_an_api_token_writes_are_documented_as_bearer_protected(make_app):
    doc = make_app(API_TOKEN="s3cret").test_client().get("/openapi.json").get_json()
    assert doc["components"]["securitySchemes"] == {"bearer": {"type": "http", "scheme": "bearer"}}
    check = doc["paths"]["/api/model/check"]["post"]
    assert check["security"] == [{"bearer": []}] and "401" in check["responses"]
    assert "security" not in doc["paths"]["/api/incidents"]["get"]
