"""Named scenarios: each declared verdict holds; the DNS outcome comes from running the race model; overrides are checked."""

from __future__ import annotations

from datetime import datetime

import pytest

from analysis.model import scenarios
from analysis.model.scenarios import ParameterOutOfBounds, UnknownScenario


def _minutes_between(earlier: str, later: str) -> float:
    return (datetime.fromisoformat(later) - datetime.fromisoformat(earlier)).total_seconds() / 60


@pytest.mark.parametrize("name", scenarios.scenario_names())
def test_every_scenario_reaches_its_declared_verdict(name: str) -> None:
    run = scenarios.run(name)
    result = run.cascade.to_dict()
    expect = dict(run.scenario.expect)
    earlier = expect.pop("ec2_recovered_before_baseline_min", None)
    assert expect, f"{name} declares no verdict"
    for key, value in expect.items():
        assert result[key] == value, (name, key, result[key])
    if earlier is not None:
        baseline = scenarios.run("baseline").cascade.ec2_recovered_at
        assert _minutes_between(result["ec2_recovered_at"], baseline) >= earlier


def test_required_scenarios_exist() -> None:
    assert {"baseline", "no_enactor_delay", "fixed_cleanup", "single_enactor", "dwfm_backoff",
            "faster_dns_repair"} <= set(scenarios.scenario_names())


def test_empty_record_comes_from_the_race_model_not_a_flag() -> None:
    assert scenarios.run("baseline", {"enactor_delay_s": 0}).dns.emptied is False
    delayed = scenarios.run("baseline", {"enactor_delay_s": 36})
    assert delayed.dns.emptied is True
    assert delayed.dns.moves[-1][1] == "record_empty"
    assert any(element == "enactor_delay" for _, element, _ in delayed.dns.moves)


def test_no_enactor_delay_averts_everything_downstream() -> None:
    result = scenarios.run("no_enactor_delay").cascade
    assert result.impact_windows == [] and result.milestones == {}


def test_dwfm_backoff_recovers_ec2_hours_earlier_with_the_same_dns_failure() -> None:
    base = scenarios.run("baseline").cascade
    backoff = scenarios.run("dwfm_backoff").cascade
    assert backoff.dynamodb_unavailable_minutes == base.dynamodb_unavailable_minutes
    assert _minutes_between(backoff.ec2_recovered_at, base.ec2_recovered_at) >= 120


def test_unknown_parameter_is_refused_with_the_known_ones() -> None:
    with pytest.raises(ParameterOutOfBounds, match="unknown parameter 'speed'; known parameters: admission_fraction"):
        scenarios.run("baseline", {"speed": 3})


def test_parameter_out_of_bounds_names_its_bounds() -> None:
    with pytest.raises(ParameterOutOfBounds, match=r"lease_timeout_min=0 is outside its bounds \[1, 240\] min"):
        scenarios.run("baseline", {"lease_timeout_min": 0})


def test_non_numeric_parameter_is_refused() -> None:
    with pytest.raises(ParameterOutOfBounds, match="droplets='many' is not a number"):
        scenarios.validated_overrides({"droplets": "many"})


def test_whole_number_parameter_refuses_fractions() -> None:
    with pytest.raises(ParameterOutOfBounds, match="dns_endpoints=2.5 must be a whole number"):
        scenarios.validated_overrides({"dns_endpoints": 2.5})


def test_flag_parameter_accepts_true() -> None:
    assert scenarios.validated_overrides({"dwfm_backoff": True}) == {"dwfm_backoff": 1}


def test_unknown_scenario_lists_the_names() -> None:
    with pytest.raises(UnknownScenario, match="unknown scenario 'nope'; known scenarios: baseline"):
        scenarios.run("nope")


def test_same_scenario_gives_the_same_trace() -> None:
    assert scenarios.run("baseline").cascade.log == scenarios.run("baseline").cascade.log
