"""The API keeps the model to the incidents it describes: 409 for its scenarios elsewhere, graph interventions
always, the incident saying whether the model applies, and the model overview defaulting to an incident in scope."""

from __future__ import annotations

from tests.analysis.model.test_scope import DNS_ELSEWHERE
from tests.conftest import SEEDS
from tests.web.test_errors import assert_problem

MODEL = "the executable model of the DynamoDB DNS race and EC2 cascade"
MISSING = "missing: DynamoDB, race between DNS Enactors, empty DNS record, droplet leases lost"


def add(client, iid: str, *texts: str) -> None:
    client.post("/api/incidents", json={"id": iid, "title": iid})
    for text in texts:
        resp = client.post(f"/api/incidents/{iid}/articles", json={"text": text})
        assert resp.status_code == 201, resp.get_data(as_text=True)


def test_a_scenario_on_a_dns_outage_elsewhere_is_409_naming_the_model_and_what_is_missing(client):
    add(client, "contoso", DNS_ELSEWHERE)
    body = assert_problem(client.post("/api/incidents/contoso/counterfactuals", json={"scenario": "dwfm_backoff"}),
                          409)
    assert body["detail"].startswith(f"{MODEL} does not describe incident contoso: 0 of 4 core elements link "
                                     f"({MISSING})")
    assert body["model"] == MODEL and body["missing"] == ["dynamodb", "race_condition", "record_empty",
                                                          "dwfm_leases_lost"]


def test_a_sweep_on_an_incident_out_of_scope_is_409(client):
    add(client, "contoso", DNS_ELSEWHERE)
    resp = client.post("/api/incidents/contoso/counterfactuals",
                       json={"sweep": {"parameter": "lease_timeout_min", "values": [5, 10]}})
    assert assert_problem(resp, 409)["type"] == "urn:problem:model-out-of-scope"


def test_a_graph_intervention_on_an_incident_out_of_scope_answers(client):
    add(client, "contoso", DNS_ELSEWHERE)
    resp = client.post("/api/incidents/contoso/counterfactuals", json={"remove": ["contoso:e:dns-misconfiguration"]})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert "contoso:e:dns-misconfiguration" in resp.get_json()["averted"]


def test_an_article_about_another_outage_stores_no_model_node(client):
    add(client, "contoso", DNS_ELSEWHERE)
    counts = client.application.extensions["graph_store"].counts("contoso")
    assert counts["Event"] > 0 and "ModelElement" not in counts and "MODELS" not in counts


def test_the_incident_says_whether_the_model_applies_and_why(client, seeded, seed_id):
    add(client, "contoso", DNS_ELSEWHERE)
    out = client.get("/api/incidents/contoso").get_json()["model"]
    assert out["applies"] is False and out["reason"].endswith(f"0 of 4 core elements link ({MISSING})")
    seed = seeded.get(f"/api/incidents/{seed_id}").get_json()["model"]
    assert seed == {"applies": True, "reason": f"{MODEL} describes incident {seed_id}: 4 of 4 core elements link",
                    "core": ["dynamodb", "race_condition", "record_empty", "dwfm_leases_lost"], "missing": []}


def test_the_model_overview_defaults_to_the_in_scope_incident_not_the_one_with_most_sources(client, seed_manifest):
    add(client, "aws", (SEEDS / seed_manifest["articles"][0]).read_text())
    add(client, "contoso", DNS_ELSEWHERE, DNS_ELSEWHERE.replace("Contoso", "Fabrikam"))
    default = client.get("/api/model").get_json()
    assert default["links"] == client.get("/api/model?incident=aws").get_json()["links"]
    assert any(link["node_id"] for link in default["links"])
    contoso = client.get("/api/model?incident=contoso").get_json()
    assert contoso["scope"]["applies"] is False and all(link["node_id"] is None for link in contoso["links"])


def test_the_check_on_an_incident_out_of_scope_links_no_step_and_says_why(client):
    add(client, "contoso", DNS_ELSEWHERE)
    body = client.post("/api/model/check", json={"enactors": 2, "plans": 3, "incident": "contoso"}).get_json()
    assert body["holds"] is False and not any("node_id" in step for step in body["counterexample"])
    assert body["model"]["applies"] is False and body["model"]["reason"].endswith(f"({MISSING})")
