"""The model endpoints: overview, exhaustive check, counterfactuals (graph interventions, scenarios, sweeps)."""

from __future__ import annotations

from tests.conftest import SEEDS
from tests.web.test_errors import assert_problem
from web.schemas import CheckOut, CounterfactualOut, ModelOut


def test_model_overview_lists_scenarios_fixes_and_links(seeded, seed_id):
    model = ModelOut.model_validate(seeded.get(f"/api/model?incident={seed_id}").get_json())
    assert "baseline" in model.scenarios
    assert model.fixes
    ids = {n["id"] for n in seeded.get(f"/api/incidents/{seed_id}/graph").get_json()["nodes"]}
    assert sum(1 for link in model.links if link.node_id in ids) >= 8


def test_model_overview_links_default_to_the_incident_with_most_sources(seeded, seed_id):
    default = seeded.get("/api/model").get_json()["links"]
    assert default == seeded.get(f"/api/model?incident={seed_id}").get_json()["links"]


def test_model_overview_without_incidents_has_no_links(client):
    model = client.get("/api/model").get_json()
    assert model["links"] and all(link["node_id"] is None for link in model["links"])


def test_model_overview_of_unknown_incident_is_404(seeded):
    assert_problem(seeded.get("/api/model?incident=no-such-incident"), 404)


def test_check_without_fixes_finds_the_race(client):
    result = CheckOut.model_validate(client.post("/api/model/check", json={"enactors": 2, "plans": 3}).get_json())
    assert result.holds is False
    assert result.counterexample and len(result.counterexample) == 8


def test_check_with_each_fix_holds(client):
    fixes = client.get("/api/model").get_json()["fixes"]
    for fix in fixes:
        result = client.post("/api/model/check", json={"enactors": 2, "plans": 3, "fixes": [fix]}).get_json()
        assert result["holds"] is True, fix


def test_check_unknown_fix_is_422_naming_the_known_ones(client):
    body = assert_problem(client.post("/api/model/check", json={"fixes": ["reboot"]}), 422)
    assert body["errors"][0]["loc"] == "body.fixes.0"
    assert body["errors"][0]["msg"] == ("Input should be 'generation_check_on_write', 'never_delete_live_plan' "
                                        "or 'single_enactor'")


def test_check_over_the_cap_is_422_saying_the_cap(client):
    body = assert_problem(client.post("/api/model/check", json={"enactors": 9}), 422)
    assert body["errors"] == [{"loc": "body.enactors", "msg": "Input should be less than or equal to 4",
                               "type": "less_than_equal"}]


def test_removing_the_root_cause_averts_the_first_symptom(seeded, seed_id):
    roots = seeded.get(f"/api/incidents/{seed_id}/root-causes").get_json()
    root = roots["root_causes"][0]["id"]
    resp = seeded.post(f"/api/incidents/{seed_id}/counterfactuals", json={"remove": [root]})
    result = CounterfactualOut.model_validate(resp.get_json())
    firsts = {s["id"] for s in roots["first_symptoms"]}
    assert firsts and firsts <= set(result.averted)
    assert root not in result.remaining


def test_remove_unknown_node_is_404(seeded, seed_id):
    resp = seeded.post(f"/api/incidents/{seed_id}/counterfactuals", json={"remove": [f"{seed_id}:e:nothing"]})
    assert_problem(resp, 404)


def test_baseline_scenario_reproduces_the_outage(seeded, seed_id):
    resp = seeded.post(f"/api/incidents/{seed_id}/counterfactuals", json={"scenario": "baseline"})
    run = CounterfactualOut.model_validate(resp.get_json()).counterfactual
    assert run["dns_record_empty"] is True and run["dwfm_congestive_collapse"] is True


def test_no_enactor_delay_averts_the_dns_failure(seeded, seed_id):
    resp = seeded.post(f"/api/incidents/{seed_id}/counterfactuals", json={"scenario": "no_enactor_delay"})
    assert resp.get_json()["counterfactual"]["dns_record_empty"] is False


def test_unknown_scenario_is_422_listing_the_known_ones(seeded, seed_id):
    body = assert_problem(seeded.post(f"/api/incidents/{seed_id}/counterfactuals", json={"scenario": "magic"}), 422)
    assert body["errors"][0]["loc"] == "body.scenario"
    assert "'no_enactor_delay'" in body["errors"][0]["msg"]


def test_parameter_out_of_bounds_is_422_naming_it_and_the_bound(seeded, seed_id):
    resp = seeded.post(f"/api/incidents/{seed_id}/counterfactuals",
                       json={"scenario": "baseline", "params": {"enactor_delay_s": 301}})
    body = assert_problem(resp, 422)
    assert body["errors"] == [{"loc": "body.params.enactor_delay_s",
                               "msg": "enactor_delay_s=301 is outside its bounds [0, 300] s", "type": "out_of_bounds"}]


def test_parameter_below_its_lower_bound_names_both_bounds(seeded, seed_id):
    resp = seeded.post(f"/api/incidents/{seed_id}/counterfactuals",
                       json={"scenario": "baseline", "params": {"lease_timeout_min": 0.5}})
    assert assert_problem(resp, 422)["errors"][0]["msg"] == "lease_timeout_min=0.5 is outside its bounds [1, 240] min"


def test_unknown_parameter_is_422(seeded, seed_id):
    resp = seeded.post(f"/api/incidents/{seed_id}/counterfactuals",
                       json={"scenario": "baseline", "params": {"warp_speed": 9}})
    assert assert_problem(resp, 422)["errors"][0]["loc"] == "body.params.warp_speed"


def test_scenario_with_parameter_override_changes_the_run(seeded, seed_id):
    resp = seeded.post(f"/api/incidents/{seed_id}/counterfactuals",
                       json={"scenario": "baseline", "params": {"enactor_delay_s": 0}})
    assert resp.status_code == 200
    assert resp.get_json()["counterfactual"]["dns_record_empty"] is False


def test_infinite_parameter_is_422(seeded, seed_id):
    resp = seeded.post(f"/api/incidents/{seed_id}/counterfactuals", data=b'{"scenario": "baseline", '
                       b'"params": {"x": Infinity}}', content_type="application/json")
    assert_problem(resp, 422)


def test_sweep_returns_one_outcome_per_point(seeded, seed_id):
    resp = seeded.post(f"/api/incidents/{seed_id}/counterfactuals",
                       json={"sweep": {"parameter": "enactor_delay_s", "start": 0, "stop": 300, "steps": 3}})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    result = CounterfactualOut.model_validate(resp.get_json())
    assert [p["value"] for p in result.points] == [0.0, 150.0, 300.0]
    assert all({"dns_record_empty", "dwfm_congestive_collapse", "ec2_recovered_at", "horizon_reached"} <= set(p)
               for p in result.points)


def test_sweep_over_explicit_values_compares_no_delay_with_the_baseline_delay(seeded, seed_id):
    default = next(p["default"] for p in seeded.get("/api/model").get_json()["parameters"]
                   if p["name"] == "enactor_delay_s")
    resp = seeded.post(f"/api/incidents/{seed_id}/counterfactuals",
                       json={"sweep": {"parameter": "enactor_delay_s", "values": [0, default]}})
    points = resp.get_json()["points"]
    assert [(p["value"], p["dns_record_empty"]) for p in points] == [(0.0, False), (float(default), True)]


def test_counterfactual_with_two_kinds_is_422(seeded, seed_id):
    body = assert_problem(seeded.post(f"/api/incidents/{seed_id}/counterfactuals",
                                      json={"remove": ["a:e:b"], "scenario": "baseline"}), 422)
    assert "exactly one of remove, scenario or sweep" in body["detail"]


def test_sweep_with_values_and_range_is_422(seeded, seed_id):
    resp = seeded.post(f"/api/incidents/{seed_id}/counterfactuals",
                       json={"sweep": {"parameter": "droplets", "values": [1000], "start": 0, "stop": 1, "steps": 2}})
    locs = {e["loc"] for e in assert_problem(resp, 422)["errors"]}
    assert locs == {"body.sweep.start", "body.sweep.stop", "body.sweep.steps"}


def test_sweep_of_unknown_parameter_is_422(seeded, seed_id):
    resp = seeded.post(f"/api/incidents/{seed_id}/counterfactuals",
                       json={"sweep": {"parameter": "warp_speed", "values": [1]}})
    assert assert_problem(resp, 422)["errors"][0]["loc"] == "body.sweep.parameter"


def test_sweep_value_outside_the_bounds_is_422_naming_the_parameter(seeded, seed_id):
    resp = seeded.post(f"/api/incidents/{seed_id}/counterfactuals",
                       json={"sweep": {"parameter": "droplets", "values": [5]}})
    assert "droplets" in assert_problem(resp, 422)["detail"]


def test_sweep_over_the_point_cap_is_422(seeded, seed_id):
    resp = seeded.post(f"/api/incidents/{seed_id}/counterfactuals",
                       json={"sweep": {"parameter": "droplets", "start": 1000, "stop": 2000, "steps": 10_000}})
    body = assert_problem(resp, 422)
    assert body["errors"][0]["loc"] == "body.sweep.steps"
    assert body["errors"][0]["msg"] == "Input should be less than or equal to 200"


def test_check_takes_a_whole_float_as_an_integer(client):
    resp = client.post("/api/model/check", json={"enactors": 2.0, "plans": 3, "endpoints": 1.0})
    assert resp.status_code == 200
    assert resp.get_json()["holds"] is False


def test_check_refuses_a_boolean_bound(client):
    body = assert_problem(client.post("/api/model/check", json={"enactors": True}), 422)
    assert body["errors"][0]["msg"] == "Value error, give a whole number, not bool True"


def test_range_sweep_reaches_the_parameter_bound_exactly(seeded, seed_id):
    resp = seeded.post(f"/api/incidents/{seed_id}/counterfactuals",
                       json={"sweep": {"parameter": "admission_fraction", "start": 0.05, "stop": 0.95, "steps": 3}})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert [p["value"] for p in resp.get_json()["points"]] == [0.05, 0.5, 0.95]


def test_range_sweep_over_a_whole_number_parameter_sweeps_whole_numbers():
    from analysis.model.scenarios import parameters
    from web.schemas import SweepRangeIn

    name = next(n for n, p in parameters().items() if p.integer and p.max - p.min >= 4)
    spec = parameters()[name]
    points = SweepRangeIn(parameter=name, start=spec.min, stop=spec.max, steps=7).points()
    assert all(float(p).is_integer() for p in points)
    assert points[0] == spec.min and points[-1] == spec.max


def test_the_same_model_check_twice_gives_the_same_verdict_without_exploring_again(client, monkeypatch):
    from web import api_model

    def explore_again(**_: object) -> None:
        raise AssertionError("explored again")

    body = {"enactors": 2, "plans": 3, "endpoints": 1, "fixes": ["single_enactor"]}
    first = client.post("/api/model/check", json=body)
    monkeypatch.setattr(api_model, "check", explore_again)
    second = client.post("/api/model/check", json={**body, "fixes": ["single_enactor", "single_enactor"]})
    assert first.status_code == second.status_code == 200
    assert first.get_json() == second.get_json() and first.get_json()["holds"] is True


def test_scenario_longer_than_sim_max_hours_is_422_naming_the_setting(seeded, seed_id):
    resp = seeded.post(f"/api/incidents/{seed_id}/counterfactuals",
                       json={"scenario": "baseline", "params": {"horizon_min": 72 * 60 + 1}})
    body = assert_problem(resp, 422)
    assert body["setting"] == "SIM_MAX_HOURS" and body["limit"] == 72
    assert body["detail"].startswith("the simulation horizon is 72.01")


def test_sweep_of_the_horizon_past_sim_max_hours_is_422(seeded, seed_id):
    resp = seeded.post(f"/api/incidents/{seed_id}/counterfactuals",
                       json={"sweep": {"parameter": "horizon_min", "values": [600, 6000]}})
    assert assert_problem(resp, 422)["setting"] == "SIM_MAX_HOURS"


def test_a_raised_sim_max_hours_lets_a_longer_run_through(make_app, seed_manifest):
    client = make_app(SIM_MAX_HOURS=100).test_client()
    seed = seed_manifest["id"]
    client.post("/api/incidents", json={"id": seed, "title": seed_manifest["title"]})
    # One seed article the model describes on its own: scenarios answer only for incidents in scope.
    text = (SEEDS / seed_manifest["articles"][0]).read_text()
    assert client.post(f"/api/incidents/{seed}/articles", json={"text": text}).status_code == 201
    resp = client.post(f"/api/incidents/{seed}/counterfactuals",
                       json={"scenario": "baseline", "params": {"horizon_min": 90 * 60}})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.get_json()["counterfactual"]["horizon_reached"] is False


def test_a_run_cut_short_by_its_horizon_says_so(seeded, seed_id):
    resp = seeded.post(f"/api/incidents/{seed_id}/counterfactuals",
                       json={"scenario": "baseline", "params": {"horizon_min": 120}})
    run = resp.get_json()["counterfactual"]
    assert run["horizon_reached"] is True and run["full_recovery_at"] is None
    assert resp.get_json()["baseline"]["horizon_reached"] is False


def test_sweep_reports_the_ranges_where_dwfm_collapses(seeded, seed_id):
    resp = seeded.post(f"/api/incidents/{seed_id}/counterfactuals",
                       json={"sweep": {"parameter": "lease_timeout_min", "values": [10, 20, 40, 60]}})
    assert resp.get_json()["collapse_ranges"] == [[10.0, 20.0]]


def test_sweep_against_a_second_parameter_maps_the_collapse_boundary(seeded, seed_id):
    resp = seeded.post(f"/api/incidents/{seed_id}/counterfactuals", json={
        "sweep": {"parameter": "lease_timeout_min", "start": 10, "stop": 60, "steps": 6},
        "against": {"parameter": "droplets", "values": [25000, 200000]}, "params": {"dwfm_capacity_per_min": 3000}})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    result = CounterfactualOut.model_validate(resp.get_json())
    assert result.against == "droplets" and len(result.points) == 12 and result.params == {"dwfm_capacity_per_min": 3000}
    few, many = result.boundary
    assert few["against_value"] == 25000 and many["against_value"] == 200000
    assert many["collapse_ranges"][-1][1] > (few["collapse_ranges"] or [[0, 0]])[-1][1]


def test_a_grid_over_sweep_max_points_is_422(seeded, seed_id):
    resp = seeded.post(f"/api/incidents/{seed_id}/counterfactuals", json={
        "sweep": {"parameter": "lease_timeout_min", "start": 1, "stop": 200, "steps": 20},
        "against": {"parameter": "droplets", "start": 1000, "stop": 200000, "steps": 11}})
    body = assert_problem(resp, 422)
    assert body["setting"] == "SWEEP_MAX_POINTS" and "220 points" in body["detail"]


def test_a_sweep_that_also_fixes_its_parameter_is_422(seeded, seed_id):
    resp = seeded.post(f"/api/incidents/{seed_id}/counterfactuals", json={
        "sweep": {"parameter": "lease_timeout_min", "values": [10]}, "params": {"lease_timeout_min": 20}})
    assert "params fix lease_timeout_min, which the sweep varies" in assert_problem(resp, 422)["detail"]


def test_counterexample_steps_name_the_incidents_graph_nodes(seeded, seed_id):
    steps = seeded.post("/api/model/check", json={"enactors": 2, "plans": 3, "incident": seed_id}).get_json()[
        "counterexample"]
    nodes = {n["id"]: n for n in seeded.get(f"/api/incidents/{seed_id}/graph").get_json()["nodes"]}
    stale = next(s for s in steps if s["element"] == "enactor_delay")
    emptied = next(s for s in steps if s["element"] == "record_empty")
    assert stale["node_id"] in nodes and emptied["node_id"] in nodes
    assert "delay" in stale["node"].lower() and "empty" in emptied["node"].lower()
    # Without an incident named, the one with the most sources is used.
    assert seeded.post("/api/model/check", json={"enactors": 2, "plans": 3}).get_json()["counterexample"] == steps


def test_counterexample_without_any_incident_names_elements_only(client):
    steps = client.post("/api/model/check", json={"enactors": 2, "plans": 3}).get_json()["counterexample"]
    assert steps and all("element" in s and "node_id" not in s for s in steps)


def test_check_of_an_unknown_incident_is_404(seeded):
    assert_problem(seeded.post("/api/model/check", json={"incident": "no-such-incident"}), 404)
