"""The DNS race state machine, step by step, on the smallest configurations."""

from __future__ import annotations

import pytest

from analysis.model.dns_race import EMPTY, PLANNER, Config, describe, endpoints_of, initial_state, is_violation, step


def run_steps(cfg: Config, actors: list[int]) -> tuple[tuple[int, ...], list[str]]:
    state = initial_state(cfg)
    kinds = []
    for actor in actors:
        move, state = step(cfg, state, actor)
        kinds.append(move[0])
    return state, kinds


def test_initial_state_has_plan_zero_live_everywhere() -> None:
    cfg = Config(enactors=2, plans=3, endpoints=2)
    state = initial_state(cfg)
    assert endpoints_of(cfg, state) == (0, 0)
    assert not is_violation(cfg, state)


def test_planner_stops_at_the_plan_bound() -> None:
    cfg = Config(enactors=1, plans=1)
    state, _ = run_steps(cfg, [PLANNER])
    assert step(cfg, state, PLANNER) is None


def test_enactor_with_nothing_new_cannot_act() -> None:
    cfg = Config(enactors=1, plans=1)
    assert step(cfg, initial_state(cfg), 0) is None


def test_stale_write_then_cleanup_empties_the_record() -> None:
    cfg = Config(enactors=2, plans=3)
    state, kinds = run_steps(cfg, [PLANNER, 0, PLANNER, PLANNER, 1, 1, 0, 1])
    assert kinds == ["emit", "take", "emit", "emit", "take", "write", "stale_write", "empty"]
    assert endpoints_of(cfg, state) == (EMPTY,)
    assert is_violation(cfg, state)


def test_check_is_made_once_so_a_later_newer_plan_does_not_stop_the_write() -> None:
    cfg = Config(enactors=2, plans=3)
    state, kinds = run_steps(cfg, [PLANNER, 0, PLANNER, PLANNER, 1, 1, 0])
    assert kinds[-1] == "stale_write"
    assert endpoints_of(cfg, state) == (1,)


def test_generation_check_on_write_stops_the_stale_enactor() -> None:
    cfg = Config(enactors=2, plans=3, fixes=frozenset({"generation_check_on_write"}))
    state, kinds = run_steps(cfg, [PLANNER, 0, PLANNER, PLANNER, 1, 1, 0, 1])
    assert kinds[-2:] == ["abort", "cleanup"]
    assert endpoints_of(cfg, state) == (3,)


def test_never_delete_live_plan_keeps_the_stale_plan_live() -> None:
    cfg = Config(enactors=2, plans=3, fixes=frozenset({"never_delete_live_plan"}))
    state, kinds = run_steps(cfg, [PLANNER, 0, PLANNER, PLANNER, 1, 1, 0, 1])
    assert kinds[-1] == "cleanup"
    assert endpoints_of(cfg, state) == (1,)


def test_single_enactor_lock_blocks_a_second_enactor() -> None:
    cfg = Config(enactors=2, plans=3, fixes=frozenset({"single_enactor"}))
    state, _ = run_steps(cfg, [PLANNER, 0, PLANNER])
    assert step(cfg, state, 1) is None


def test_enactor_discards_a_plan_not_newer_than_the_applied_one() -> None:
    cfg = Config(enactors=2, plans=1)
    _, kinds = run_steps(cfg, [PLANNER, 0, 0, 0, 1])
    assert kinds == ["emit", "take", "write", "cleanup", "discard"]


def test_without_delay_an_enactor_applies_every_endpoint_at_once() -> None:
    cfg = Config(enactors=1, plans=1, endpoints=3, delayed=False)
    state, kinds = run_steps(cfg, [PLANNER, 0])
    assert kinds == ["emit", "apply"]
    assert endpoints_of(cfg, state) == (1, 1, 1)


def test_describe_names_the_graph_concept_of_a_stale_write() -> None:
    action = describe(("stale_write", 0, 1, 0, 3))
    assert action.description == ("DNS Enactor 1 applies stale plan 1 to endpoint 0 over newer plan 3 "
                                  "→ stale check by delayed DNS Enactor")
    assert action.element == "enactor_delay"


def test_unknown_fix_is_refused_with_the_known_ones() -> None:
    with pytest.raises(ValueError, match="known fixes: generation_check_on_write, never_delete_live_plan"):
        Config(fixes=frozenset({"magic"}))
