"""Exhaustive exploration: the race is found, the trace is the shortest, every fix holds; configs in checks.json."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest

from analysis.model.dns_race import Config, initial_state, is_violation, successors
from analysis.model.explore import CAPS, BoundsTooLarge, check

CHECKS = json.loads((Path(__file__).resolve().parents[3] / "analysis/model/params/checks.json").read_text())["checks"]


def violates_within(cfg: Config, steps: int) -> bool:
    """Independent of the explorer: depth-first over every interleaving of at most ``steps`` steps."""
    stack = [(initial_state(cfg), 0)]
    while stack:
        state, depth = stack.pop()
        if is_violation(cfg, state):
            return True
        if depth < steps:
            stack.extend((child, depth + 1) for _, child in successors(cfg, state))
    return False


def test_unfixed_model_reaches_an_empty_record() -> None:
    result = check(enactors=3, plans=3, endpoints=1)
    assert result.holds is False
    assert [s.element for s in result.counterexample] == [
        "dns_planner", "dns_enactor", "dns_planner", "dns_planner", "dns_enactor", "dns_enactor",
        "enactor_delay", "record_empty"]


def test_counterexample_is_the_shortest() -> None:
    result = check(enactors=2, plans=3)
    length = len(result.counterexample)
    cfg = Config(enactors=2, plans=3)
    assert violates_within(cfg, length)
    assert not violates_within(cfg, length - 1)


def test_counterexample_steps_read_as_the_incident() -> None:
    steps = check().counterexample
    assert steps[6].description == ("DNS Enactor 1 applies stale plan 1 to endpoint 0 over newer plan 3 "
                                    "→ stale check by delayed DNS Enactor")
    assert steps[-1].description.endswith("endpoint 0 is left with an empty DNS record → empty DNS record")


@pytest.mark.parametrize("fix", ["generation_check_on_write", "never_delete_live_plan", "single_enactor"])
def test_each_fix_explores_the_whole_space_without_violation(fix: str) -> None:
    result = check(enactors=3, plans=4, endpoints=2, fixes=[fix])
    assert result.holds is True
    assert result.counterexample is None
    assert result.states > 100


@pytest.mark.parametrize("case", CHECKS, ids=[c["name"] for c in CHECKS])
def test_every_declared_check_reaches_its_expected_verdict(case: dict) -> None:
    result = check(fixes=case["fixes"], delayed=case.get("delayed", True), **case["bounds"])
    assert result.holds is case["expect_holds"]
    if "expect_trace_steps" in case:
        assert len(result.counterexample) == case["expect_trace_steps"]


def test_default_bounds_are_fast_and_small() -> None:
    result = check(fixes=["never_delete_live_plan"])
    assert result.states < 1_000_000
    assert result.seconds < 10


def test_unknown_fix_names_the_known_fixes() -> None:
    with pytest.raises(ValueError, match="unknown fix 'retry'; known fixes: generation_check_on_write"):
        check(fixes=["retry"])


def test_bounds_above_the_cap_state_the_cap() -> None:
    with pytest.raises(BoundsTooLarge, match=f"enactors=9 exceeds the cap of {CAPS['enactors']}"):
        check(enactors=9)


def test_state_limit_stops_exploration_with_the_cap() -> None:
    with pytest.raises(BoundsTooLarge, match="more than 100 states explored"):
        check(enactors=3, plans=4, fixes=["never_delete_live_plan"], max_states=100)


def test_zero_enactors_is_refused() -> None:
    with pytest.raises(ValueError, match="enactors must be at least 1"):
        check(enactors=0)


def test_garbage_collector_is_restored_after_a_check() -> None:
    assert gc.isenabled()
    check()
    assert gc.isenabled()


def test_result_dict_holds_the_api_fields() -> None:
    data = check(enactors=2, plans=3).to_dict()
    assert set(data) >= {"holds", "states", "seconds", "counterexample"}
    assert data["counterexample"][0] == {"step": 1, "actor": "DNS Planner", "description": "DNS Planner emits plan 1",
                                         "element": "dns_planner"}
