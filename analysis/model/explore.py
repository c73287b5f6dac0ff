"""Exhaustive breadth-first exploration of every interleaving of the DNS race model, with the shortest counterexample.

Breadth-first order means the first violating state found has the fewest steps of any: every state
at a smaller depth was generated (and checked) before it.

>>> result = check(enactors=2, plans=3)
>>> result.holds, len(result.counterexample)
(False, 8)
>>> check(enactors=2, plans=3, fixes=("never_delete_live_plan",)).holds
True
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from itertools import pairwise
from typing import Any

from analysis.model.dns_race import (
    EMPTY,
    ENDPOINT_OFFSET,
    FIXES,
    Config,
    State,
    describe,
    initial_state,
    is_violation,
    step,
    successors,
)
from graph.errors import InputRejected

# The largest bounds a request may ask for; max_states keeps any run to a few seconds (200,000-270,000 states
# per CPU-second measured; under 5 s even at 100,000 states/s on a loaded machine).
CAPS: dict[str, int] = {"enactors": 4, "plans": 5, "endpoints": 3, "cleanup_lag": 4, "max_states": 500_000}


class BoundsTooLarge(InputRejected):
    """A requested bound exceeds CAPS; the message states the cap."""


class StatesExceeded(BoundsTooLarge):
    """The exploration passed ``max_states`` distinct states before finishing."""


@dataclass(frozen=True)
class TraceStep:
    """One step of a counterexample: its number, actor, words, and the model element it exercises."""

    step: int
    actor: str
    description: str
    element: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class CheckResult:
    """The verdict of one exhaustive check, its cost, and the shortest violating trace if any."""

    holds: bool
    states: int
    seconds: float
    states_per_second: float
    counterexample: list[TraceStep] | None
    depth: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"holds": self.holds, "states": self.states, "seconds": round(self.seconds, 4),
                "states_per_second": round(self.states_per_second), "depth": self.depth,
                "counterexample": None if self.counterexample is None else [s.to_dict() for s in self.counterexample]}


def check(*, enactors: int = 3, plans: int = 3, endpoints: int = 1, fixes: Iterable[str] = (),
          cleanup_lag: int = 1, delayed: bool = True, max_states: int = CAPS["max_states"]) -> CheckResult:
    """Explore every interleaving within the bounds; say whether no endpoint record is ever empty.

    Raises ValueError for an unknown fix (naming the known ones) and BoundsTooLarge above CAPS.
    """
    fixes = tuple(fixes)
    unknown = [f for f in fixes if f not in FIXES]
    if unknown:
        raise ValueError(f"unknown fix {unknown[0]!r}; known fixes: {', '.join(FIXES)}")
    bounds = {"enactors": enactors, "plans": plans, "endpoints": endpoints, "cleanup_lag": cleanup_lag,
              "max_states": max_states}
    for name, value in bounds.items():
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError(f"{name} must be an integer, got {value!r}")  # noqa: TRY004 (the API maps ValueError to 422)
        if value > CAPS[name]:
            raise BoundsTooLarge(f"{name}={value} exceeds the cap of {CAPS[name]} (caps: {CAPS})")
    cfg = Config(enactors=enactors, plans=plans, endpoints=endpoints, cleanup_lag=cleanup_lag,
                 fixes=frozenset(fixes), delayed=delayed)
    was_enabled = gc.isenabled()
    gc.disable()  # millions of tuples, no cycles: the cyclic collector would only rescan them
    try:
        started = time.perf_counter()
        parents, bad, depth = _bfs(cfg, max_states)
        seconds = time.perf_counter() - started
    finally:
        if was_enabled:
            gc.enable()
    trace = None if bad is None else _trace(cfg, parents, bad)
    states = len(parents)
    return CheckResult(bad is None, states, seconds, states / seconds if seconds > 0 else float(states), trace, depth)


def _bfs(cfg: Config, max_states: int) -> tuple[dict[State, State | None], State | None, int]:
    """Visited states with their parent; the first violating state; the depth reached."""
    start = initial_state(cfg)
    parents: dict[State, State | None] = {start: None}
    if is_violation(cfg, start):
        return parents, start, 0
    frontier = [start]
    lo, hi = ENDPOINT_OFFSET, ENDPOINT_OFFSET + cfg.endpoints
    depth = 0
    while frontier:
        depth += 1
        nxt: list[State] = []
        for state in frontier:
            for _, child in successors(cfg, state):
                if child in parents:
                    continue
                parents[child] = state
                if EMPTY in child[lo:hi]:
                    return parents, child, depth
                nxt.append(child)
        if len(parents) > max_states:
            raise StatesExceeded(f"more than {max_states} states explored; lower the bounds (caps: {CAPS})")
        frontier = nxt
    return parents, None, depth - 1


def _trace(cfg: Config, parents: dict[State, State | None], bad: State) -> list[TraceStep]:
    """Replay the parent chain from the start to ``bad`` as readable steps (the actor is found by replaying)."""
    chain: list[State] = [bad]
    while parents[chain[-1]] is not None:
        chain.append(parents[chain[-1]])  # type: ignore[arg-type]
    chain.reverse()
    steps = []
    for number, (before, after) in enumerate(pairwise(chain), start=1):
        for actor in range(-1, cfg.enactors):
            result = step(cfg, before, actor)
            if result is not None and result[1] == after:
                action = describe(result[0])
                who = "DNS Planner" if actor < 0 else f"DNS Enactor {actor + 1}"
                steps.append(TraceStep(number, who, action.description, action.element))
                break
    return steps
