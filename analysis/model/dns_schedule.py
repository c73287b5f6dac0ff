"""A timed run of the DNS race state machine: the Planner emits on a clock, Enactors write at their own speeds.

Where :mod:`analysis.model.explore` asks "can the record ever empty?", this asks "does it empty with
these timings?": the same :func:`dns_race.step` moves, scheduled by a deterministic event queue
ordered by (time, actor). Enactor 1 is the delayed one: each of its endpoint writes takes
``write_s + delay_s``. Idle Enactors poll for new plans every ``poll_s`` seconds (staggered).

>>> timed_run(TimedConfig(delay_s=0.0, cleanup_s=5.0, endpoints=3)).emptied
False
>>> run = timed_run(TimedConfig(delay_s=36.0, cleanup_s=5.0, endpoints=3))
>>> run.emptied, run.moves[-1][1]
(True, 'record_empty')
"""

from __future__ import annotations

import heapq
import random
from dataclasses import dataclass, field

from analysis.model.dns_race import CLEAN, PLANNER, WRITE, Config, describe, initial_state, is_violation, step


@dataclass(frozen=True)
class TimedConfig:
    """Timings (seconds) and bounds of one timed run; ``jitter_s`` adds uniform noise drawn from the injected rng."""

    delay_s: float = 0.0
    plan_interval_s: float = 10.0
    write_s: float = 1.0
    cleanup_s: float = 2.0
    poll_s: float = 5.0
    jitter_s: float = 0.0
    enactors: int = 3
    endpoints: int = 1
    plans: int = 12
    cleanup_lag: int = 1
    fixes: frozenset[str] = field(default_factory=frozenset)


@dataclass
class TimedRun:
    """Whether a record emptied, when (seconds from the first plan), and the moves in order."""

    emptied: bool
    at_s: float | None
    moves: list[tuple[float, str, str]]


def timed_run(cfg: TimedConfig, rng: random.Random | None = None) -> TimedRun:
    """Run the state machine with these timings until the Planner is done and every Enactor is idle, or a record empties."""
    rng = rng or random.Random(0)
    model = Config(enactors=cfg.enactors, plans=cfg.plans, endpoints=cfg.endpoints,
                   cleanup_lag=cfg.cleanup_lag, fixes=cfg.fixes)
    state = initial_state(model)
    queue = [(0.0, PLANNER)] + [(cfg.poll_s * (i + 1) / cfg.enactors, i) for i in range(cfg.enactors)]
    heapq.heapify(queue)
    moves: list[tuple[float, str, str]] = []
    horizon = cfg.plan_interval_s * (cfg.plans + 2) + cfg.enactors * cfg.endpoints * (cfg.write_s + cfg.delay_s) * 4
    while queue:
        now, actor = heapq.heappop(queue)
        if now > horizon:
            break
        result = step(model, state, actor)
        if result is None:
            if actor != PLANNER:  # nothing new to take yet: look again later
                heapq.heappush(queue, (now + cfg.poll_s, actor))
            continue
        move, state = result
        action = describe(move)
        moves.append((round(now, 3), action.element, action.description))
        if is_violation(model, state):
            return TimedRun(True, now, moves)
        heapq.heappush(queue, (now + _duration(cfg, state[3 + cfg.endpoints + 3 * actor] if actor >= 0 else -1,
                                                actor, rng), actor))
    return TimedRun(False, None, moves)


def _duration(cfg: TimedConfig, phase: int, actor: int, rng: random.Random) -> float:
    """Time until ``actor``'s next move, given the phase it is now in (WRITE, CLEAN or IDLE)."""
    noise = rng.uniform(0.0, cfg.jitter_s) if cfg.jitter_s else 0.0
    if actor == PLANNER:
        return cfg.plan_interval_s + noise
    if phase == WRITE:  # the delayed Enactor's writes are slow (retries against Route 53 in the incident)
        return cfg.write_s + (cfg.delay_s if actor == 0 else 0.0) + noise
    if phase == CLEAN:
        return cfg.cleanup_s + noise
    return cfg.poll_s + noise
