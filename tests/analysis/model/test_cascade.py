"""The cascade simulation: a tiny run's exact event log, the calibrated baseline, and invariants for random parameters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.model import scenarios
from analysis.model.cascade import ServiceSpec, simulate

START = datetime(2025, 10, 20, 6, 48, tzinfo=UTC)
TINY = {"droplets": 1000, "lease_timeout_min": 2, "dwfm_capacity_per_min": 100, "dwfm_backoff": 0,
        "admission_fraction": 0.5, "collapse_detect_min": 2, "dwfm_restart_min": 1, "dns_detect_min": 1,
        "dns_repair_min": 1, "dns_cache_ttl_min": 1, "launch_rate_per_min": 10, "network_work_per_droplet": 1,
        "network_rate_per_min": 200, "network_normal_backlog": 0, "nlb_failure_backlog": 100,
        "throttle_relax_hold_min": 2, "tick_min": 1, "sample_min": 5, "horizon_min": 4320}
LAMBDA = [ServiceSpec("Lambda", ("dynamodb", "ec2"), 10, 20)]
ORDER = ["record_empty", "dynamodb_recovered", "dwfm_congestive_collapse", "intervention", "dwfm_recovered",
         "network_normal", "throttles_relaxed", "full_recovery"]


def test_tiny_cascade_event_log_is_exact() -> None:
    result = simulate(TINY, LAMBDA, dns_record_empty=True, start=START)
    # 1000 leases lapse over 2 min; 1000 queued > 100/min x 2 min, so nothing completes (collapse) until
    # the restart at 5-6; then 100 in flight wait 1 min and half finish: 50/min, done by minute 25.
    assert [(t, kind) for t, kind, _ in result.log] == [
        (0.0, "record_empty"), (0.0, "dynamodb_unavailable"), (1.0, "dns_identified"), (1.0, "dwfm_leases_lost"),
        (2.0, "dns_repaired"), (3.0, "dynamodb_recovered"), (3.0, "dwfm_congestive_collapse"), (5.0, "intervention"),
        (6.0, "dwfm_restarted"), (25.0, "dwfm_recovered"), (25.0, "network_normal"), (27.0, "throttles_relaxed"),
        (40.5, "full_recovery")]
    assert result.impact_windows == [
        {"service": "DynamoDB", "start": "2025-10-20T06:48:00Z", "end": "2025-10-20T06:51:00Z"},
        {"service": "Lambda", "start": "2025-10-20T06:48:00Z", "end": "2025-10-20T07:28:30Z"},
        {"service": "EC2", "start": "2025-10-20T06:49:00Z", "end": "2025-10-20T07:15:00Z"}]
    # Lambda queued 27 minutes x 10 = 270, drains 20/min from minute 27 (done at 40.5): 210 left at minute 30.
    assert result.availability["Lambda"][6] == (30.0, 0.2222)


def test_tiny_cascade_without_empty_record_does_nothing() -> None:
    result = simulate(TINY, LAMBDA, dns_record_empty=False, start=START)
    assert result.log == [] and result.impact_windows == [] and result.full_recovery_at is None
    assert result.dynamodb_unavailable_minutes == 0.0


def test_tiny_cascade_with_backoff_never_collapses() -> None:
    result = simulate({**TINY, "dwfm_backoff": 1}, LAMBDA, dns_record_empty=True, start=START)
    assert result.dwfm_congestive_collapse is False
    assert result.milestones["dwfm_recovered"] == "2025-10-20T07:10:00Z"  # 50 per minute in minutes 3..22


def test_start_given_in_pdt_reports_the_same_utc_times() -> None:
    pdt = datetime(2025, 10, 19, 23, 48, tzinfo=timezone(timedelta(hours=-7)))
    in_pdt = simulate(TINY, LAMBDA, dns_record_empty=True, start=pdt)
    assert in_pdt.milestones["full_recovery"] == "2025-10-20T07:28:30Z"
    assert in_pdt.to_dict() == simulate(TINY, LAMBDA, dns_record_empty=True, start=START).to_dict()


def test_service_named_like_a_resource_series_is_rejected() -> None:
    with pytest.raises(ValueError, match="service names must be distinct"):
        simulate(TINY, [ServiceSpec("EC2", ("dynamodb",), 10, 20)], dns_record_empty=True, start=START)


def test_events_count_only_the_events_the_run_processes() -> None:
    result = simulate(TINY, LAMBDA, dns_record_empty=True, start=START)
    # 7 scheduled changes (record empty, DNS identified and repaired, DynamoDB back, intervention, restart,
    # throttles relaxed), DWFM ticks at minutes 1..25, network ticks at 1..27 (the one at 27 sees the throttles
    # relaxed and stops), samples every 5 minutes from 0 to 45 (the first after full recovery is the last)
    # and Lambda's one drain at 40.5.
    assert result.events == 7 + 25 + 27 + 10 + 1


def test_a_run_stops_after_the_last_event_at_its_horizon() -> None:
    result = simulate({**TINY, "horizon_min": 3.0}, LAMBDA, dns_record_empty=True, start=START)
    # Minute 3 is processed whole (DynamoDB back, then the DWFM tick that finds no lease can finish); minute 4 not.
    assert [(t, kind) for t, kind, _ in result.log][-2:] == [(3.0, "dynamodb_recovered"),
                                                             (3.0, "dwfm_congestive_collapse")]
    # record empty and the first sample at 0; DNS identified, DNS repaired, DynamoDB back; two ticks at 1, 2 and 3.
    assert result.events == 2 + 3 + 2 * 3
    assert result.full_recovery_at is None and result.availability["DynamoDB"] == [(0.0, 0.0)]  # one sample
    assert result.horizon_reached and result.to_dict()["horizon_reached"] is True


def test_an_endless_horizon_runs_until_no_event_is_left() -> None:
    endless = simulate({**TINY, "horizon_min": float("inf")}, LAMBDA, dns_record_empty=True, start=START)
    assert endless.to_dict() == simulate(TINY, LAMBDA, dns_record_empty=True, start=START).to_dict()
    assert endless.horizon_reached is False


def test_a_run_that_ends_exactly_at_its_horizon_has_not_reached_it() -> None:
    # Full recovery is at 40.5 and the last sample at 45: nothing is left after minute 45.
    assert simulate({**TINY, "horizon_min": 45.0}, LAMBDA, dns_record_empty=True, start=START).horizon_reached is False
    assert simulate({**TINY, "horizon_min": 44.9}, LAMBDA, dns_record_empty=True, start=START).horizon_reached


def test_baseline_reproduces_the_order_of_the_milestones() -> None:
    milestones = scenarios.run("baseline").cascade.milestones
    times = [milestones[m] for m in ORDER]
    assert times == sorted(times)


def test_baseline_lands_within_15_minutes_of_every_calibrated_time() -> None:
    run = scenarios.run("baseline")
    for milestone, target in run.scenario.calibration.items():
        got = datetime.fromisoformat(run.cascade.milestones[milestone])
        want = datetime.fromisoformat(target)
        assert abs((got - want).total_seconds()) <= 15 * 60, (milestone, got, want)


def test_baseline_headline_outcome() -> None:
    result = scenarios.run("baseline").cascade
    assert result.dns_record_empty and result.dwfm_congestive_collapse
    assert 137 <= result.dynamodb_unavailable_minutes <= 177
    assert result.ec2_recovered_at == result.milestones["throttles_relaxed"]


def _param_sets() -> st.SearchStrategy[dict[str, float]]:
    specs = scenarios.parameters()
    names = ["lease_timeout_min", "dwfm_capacity_per_min", "droplets", "dns_detect_min", "dns_repair_min",
             "collapse_detect_min", "network_rate_per_min", "launch_rate_per_min", "admission_fraction",
             "dwfm_restart_min", "throttle_relax_hold_min", "dwfm_backoff"]
    fields = {}
    for name in names:
        spec = specs[name]
        top = min(spec.max, spec.default * 4) if spec.default else spec.max
        low = max(spec.min, spec.default / 4) if spec.default else spec.min
        fields[name] = st.integers(int(low), int(top)) if name in ("droplets", "dwfm_backoff") else st.floats(low, top)
    return st.fixed_dictionaries(fields)


@settings(max_examples=25, deadline=None)
@given(_param_sets())
def test_invariants_hold_for_random_parameters_within_bounds(overrides: dict[str, float]) -> None:
    run = scenarios.run("baseline", overrides)
    c = run.cascade
    assert all(value >= 0 for value in c.max_backlogs.values())
    times = [t for t, _, _ in c.log]
    assert times == sorted(times)  # the clock never goes back
    m = c.milestones
    assert m["dynamodb_recovered"] > m["record_empty"]
    for after in ("dwfm_recovered", "network_normal", "throttles_relaxed", "full_recovery"):
        if after in m:  # recovery never before its cause ends
            assert m[after] >= m["dynamodb_recovered"], after
    if "full_recovery" in m:
        assert all(w["end"] <= m["full_recovery"] for w in c.impact_windows)
    for series in c.availability.values():
        assert all(0.0 <= v <= 1.0 for _, v in series)
