"""The configurable limits: defaults, environment names, refused settings, and the problem each one answers."""

from __future__ import annotations

import pytest

from analysis.counterfactual import HorizonTooLong, check_horizon
from tests.robustness.problems import assert_problem
from web.limits import SPACY_MAX_LENGTH, Limits


def test_defaults_when_nothing_is_configured():
    limits = Limits.from_config({}, environ={})
    assert (limits.max_content_length, limits.article_max_chars, limits.max_articles_per_incident) == (
        2 * 1024 * 1024, 200_000, 1_000)
    assert (limits.model_max_states, limits.model_max_enactors, limits.model_max_plans,
            limits.model_max_endpoints) == (500_000, 4, 5, 3)
    assert (limits.sweep_max_points, limits.sim_max_hours) == (200, 72)


def test_each_limit_reads_its_upper_case_setting_from_strings():
    limits = Limits.from_config({"SWEEP_MAX_POINTS": "7", "SIM_MAX_HOURS": "12"}, environ={"MODEL_MAX_STATES": "99"})
    assert (limits.sweep_max_points, limits.sim_max_hours, limits.model_max_states) == (7, 12, 99)


def test_config_mapping_wins_over_the_environment():
    assert Limits.from_config({"SIM_MAX_HOURS": 6}, environ={"SIM_MAX_HOURS": "9"}).sim_max_hours == 6


def test_create_app_reads_limits_from_the_environment(monkeypatch, make_app):
    monkeypatch.setenv("SWEEP_MAX_POINTS", "9")
    monkeypatch.setenv("SIM_MAX_HOURS", "5")
    app = make_app()
    assert app.extensions["limits"].sweep_max_points == 9
    assert app.extensions["limits"].sim_max_hours == 5


def test_article_limit_above_spacys_maximum_is_refused():
    with pytest.raises(ValueError, match="ARTICLE_MAX_CHARS=1000001 exceeds spaCy's limit"):
        Limits.from_config({"ARTICLE_MAX_CHARS": SPACY_MAX_LENGTH + 1})


def test_model_bound_above_the_models_cap_is_refused():
    with pytest.raises(ValueError, match="MODEL_MAX_ENACTORS=5 exceeds the model's cap of 4"):
        Limits.from_config({"MODEL_MAX_ENACTORS": 5})


def test_zero_and_words_are_refused_naming_the_setting():
    with pytest.raises(ValueError, match="SIM_MAX_HOURS=0 must be at least 1"):
        Limits.from_config({"SIM_MAX_HOURS": "0"})
    with pytest.raises(ValueError, match="SWEEP_MAX_POINTS='many' is not a whole number"):
        Limits.from_config({"SWEEP_MAX_POINTS": "many"})


def test_simulation_horizon_past_sim_max_hours_names_the_setting(make_app):
    client = make_app(SIM_MAX_HOURS=72).test_client()
    client.post("/api/incidents", json={"id": "h", "title": "h"})
    resp = client.post("/api/incidents/h/counterfactuals",
                       json={"scenario": "baseline", "params": {"horizon_min": 73 * 60}})
    assert resp.status_code == 422 and resp.mimetype == "application/problem+json"
    assert resp.get_json() == {
        "type": "urn:problem:limit-exceeded:sim_max_hours", "title": "Limit exceeded", "status": 422,
        "detail": "the simulation horizon is 73 hours; the limit is 72 (SIM_MAX_HOURS): shorten it or "
                  "ask the operator to raise SIM_MAX_HOURS", "limit": 72, "setting": "SIM_MAX_HOURS"}


def test_nan_simulation_horizon_is_refused():
    with pytest.raises(HorizonTooLong):
        check_horizon("baseline", {"horizon_min": float("nan")}, 72)


def test_model_check_over_model_max_enactors_names_it(make_app):
    client = make_app(MODEL_MAX_ENACTORS=2).test_client()
    body = assert_problem(client.post("/api/model/check", json={"enactors": 3}), 422,
                          type="urn:problem:limit-exceeded:model_max_enactors", detail_has=("MODEL_MAX_ENACTORS",))
    assert body["limit"] == 2


def test_model_check_over_model_max_states_names_it(make_app):
    client = make_app(MODEL_MAX_STATES=10).test_client()
    body = assert_problem(client.post("/api/model/check", json={"enactors": 3, "plans": 3}), 422,
                          detail_has=("MODEL_MAX_STATES",))
    assert body["limit"] == 10


def test_sweep_over_sweep_max_points_names_it(make_app):
    client = make_app(SWEEP_MAX_POINTS=5).test_client()
    client.post("/api/incidents", json={"id": "sw", "title": "Sweep"})
    resp = client.post("/api/incidents/sw/counterfactuals",
                       json={"sweep": {"parameter": "enactor_delay_s", "start": 0, "stop": 60, "steps": 6}})
    body = assert_problem(resp, 422, type="urn:problem:limit-exceeded:sweep_max_points",
                          detail_has=("SWEEP_MAX_POINTS",))
    assert body["limit"] == 5
