"""The DynamoDB DNS management system as a state machine: one Planner, N Enactors, plan clean-up, endpoint records.

A state is a flat tuple of ints (hashable, cheap to copy)::

    (planner_generation, plans_bitmask, lock, endpoint_0 .. endpoint_{E-1}, e0_phase, e0_plan, e0_pos, e1_phase, ...)

``plans_bitmask`` has bit g set while plan g exists; an endpoint holds the generation of the plan
live on it, or ``EMPTY`` (-1) once that plan was deleted. Plan 0 is live everywhere at the start.
Each actor (the Planner is actor -1, Enactors are 0..N-1) has at most one enabled step in a state,
so :func:`step` is deterministic per actor and the explorer's branching is the choice of actor.

>>> cfg = Config(enactors=1, plans=1, endpoints=1)
>>> s = initial_state(cfg)
>>> describe(step(cfg, s, PLANNER)[0]).description
'DNS Planner emits plan 1'
>>> s = step(cfg, s, PLANNER)[1]
>>> describe(step(cfg, s, 0)[0]).description
'DNS Enactor 1 takes plan 1 (checked newer than applied plan 0)'
"""

from __future__ import annotations

from dataclasses import dataclass

State = tuple[int, ...]
EMPTY = -1
PLANNER = -1
IDLE, WRITE, CLEAN = 0, 1, 2
FIXES: tuple[str, ...] = ("generation_check_on_write", "never_delete_live_plan", "single_enactor")
_HEAD = 3  # planner generation, plans bitmask, lock
ENDPOINT_OFFSET = _HEAD  # where the endpoint records start in a state


@dataclass(frozen=True)
class Config:
    """Bounds and switches of one model instance.

    ``delayed``: an Enactor may be delayed between its one check and its writes (and between
    writes); when False an Enactor checks and writes every endpoint in one atomic step.
    ``cleanup_lag``: clean-up deletes plans more than this many generations older than its own.
    """

    enactors: int = 3
    plans: int = 3
    endpoints: int = 1
    cleanup_lag: int = 1
    fixes: frozenset[str] = frozenset()
    delayed: bool = True

    def __post_init__(self) -> None:
        unknown = set(self.fixes) - set(FIXES)
        if unknown:
            raise ValueError(f"unknown fix {min(unknown)!r}; known fixes: {', '.join(FIXES)}")
        for name in ("enactors", "plans", "endpoints"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        if self.cleanup_lag < 0:
            raise ValueError(f"cleanup_lag must be >= 0, got {self.cleanup_lag}")


# A move is a plain tuple (kind, actor, a, b, c) so exploration stays cheap; describe() spells it out.
Move = tuple


@dataclass(frozen=True)
class Action:
    """One step in words: who acted, what it did, and the model element (and graph concept) it exercises."""

    actor: int
    kind: str
    description: str
    element: str


def initial_state(cfg: Config) -> State:
    """Plan 0 exists and is live on every endpoint; every Enactor is idle having handled plan 0."""
    return (0, 1, -1) + (0,) * cfg.endpoints + (IDLE, 0, 0) * cfg.enactors


def actors(cfg: Config) -> range:
    """Actor ids: the Planner (-1) then each Enactor."""
    return range(-1, cfg.enactors)


def is_violation(cfg: Config, state: State) -> bool:
    """True when some endpoint's record is empty (endpoint 0 is the regional endpoint)."""
    return EMPTY in state[_HEAD:_HEAD + cfg.endpoints]


def endpoints_of(cfg: Config, state: State) -> tuple[int, ...]:
    """The plan generation live on each endpoint (EMPTY = no record)."""
    return state[_HEAD:_HEAD + cfg.endpoints]


def step(cfg: Config, state: State, actor: int) -> tuple[Move, State] | None:
    """The one step ``actor`` can take in ``state`` and the state after it, or None if it cannot act."""
    if actor == PLANNER:
        return _planner_step(cfg, state)
    base = _HEAD + cfg.endpoints + 3 * actor
    phase = state[base]
    if phase == IDLE:
        return _take(cfg, state, actor, base)
    if phase == WRITE:
        return _write(cfg, state, actor, base)
    return _cleanup(cfg, state, actor, base)


def successors(cfg: Config, state: State) -> list[tuple[int, State]]:
    """(actor, next state) for every actor that can act; the explorer's hot loop, so the dispatch is inlined."""
    out = []
    planned = _planner_step(cfg, state)
    if planned is not None:
        out.append((PLANNER, planned[1]))
    newest = state[1].bit_length() - 1
    base = _HEAD + cfg.endpoints
    for actor in range(cfg.enactors):
        phase = state[base]
        if phase == IDLE:
            result = _take(cfg, state, actor, base) if newest > state[base + 1] else None
        elif phase == WRITE:
            result = _write(cfg, state, actor, base)
        else:
            result = _cleanup(cfg, state, actor, base)
        if result is not None:
            out.append((actor, result[1]))
        base += 3
    return out


def _planner_step(cfg: Config, state: State) -> tuple[Move, State] | None:
    gen = state[0]
    if gen >= cfg.plans:
        return None
    new = gen + 1
    nxt = (new, state[1] | (1 << new)) + state[2:]
    return ("emit", PLANNER, new, 0, 0), nxt


def _set(state: State, base: int, enactor: tuple[int, int, int], lock: int) -> State:
    """``state`` with one Enactor's (phase, plan, pos) and the lock replaced."""
    return state[:2] + (lock,) + state[3:base] + enactor + state[base + 3:]


def _take(cfg: Config, state: State, actor: int, base: int) -> tuple[Move, State] | None:
    lock = state[2]
    single = "single_enactor" in cfg.fixes
    if single and lock not in (-1, actor):
        return None
    newest = state[1].bit_length() - 1
    if newest <= state[base + 1]:  # nothing newer than the last plan this Enactor handled
        return None
    applied = state[_HEAD]
    if applied != EMPTY and newest <= applied:
        return ("discard", actor, newest, applied, 0), state[:base] + (IDLE, newest, 0) + state[base + 3:]
    held = actor if single else -1
    if cfg.delayed:
        return ("take", actor, newest, applied, 0), _set(state, base, (WRITE, newest, 0), held)
    n = cfg.endpoints
    nxt = state[:2] + (held,) + (newest,) * n + state[_HEAD + n:base] + (CLEAN, newest, 0) + state[base + 3:]
    return ("apply", actor, newest, applied, 0), nxt


def _write(cfg: Config, state: State, actor: int, base: int) -> tuple[Move, State]:
    plan, pos = state[base + 1], state[base + 2]
    at = _HEAD + pos
    current = state[at]
    newer_live = current != EMPTY and current > plan
    if newer_live and "generation_check_on_write" in cfg.fixes:
        lock = -1 if state[2] == actor else state[2]
        return ("abort", actor, plan, pos, current), _set(state, base, (IDLE, plan, 0), lock)
    enactor = (CLEAN, plan, 0) if pos + 1 == cfg.endpoints else (WRITE, plan, pos + 1)
    nxt = state[:at] + (plan,) + state[at + 1:base] + enactor + state[base + 3:]
    return ("stale_write" if newer_live else "write", actor, plan, pos, current), nxt


def _cleanup(cfg: Config, state: State, actor: int, base: int) -> tuple[Move, State]:
    plan = state[base + 1]
    n = cfg.endpoints
    eps = state[_HEAD:_HEAD + n]
    limit = plan - cfg.cleanup_lag  # plans below this generation go
    old = state[1] & ((1 << limit) - 1) if limit > 0 else 0  # bit g set: plan g exists and is old
    emptied: tuple[int, ...] = ()
    if "never_delete_live_plan" in cfg.fixes:
        for gen in eps:
            if gen != EMPTY:
                old &= ~(1 << gen)
    else:
        # A stale write may have put back a plan that was already deleted; its records go with the clean-up too.
        emptied = tuple(i for i, gen in enumerate(eps) if EMPTY < gen < limit)
        if emptied:
            eps = tuple(EMPTY if EMPTY < gen < limit else gen for gen in eps)
    lock = -1 if state[2] == actor else state[2]
    nxt = (state[0], state[1] & ~old, lock) + eps + state[_HEAD + n:base] + (IDLE, plan, 0) + state[base + 3:]
    return ("empty" if emptied else "cleanup", actor, plan, old, emptied), nxt


def _gen(value: int) -> str:
    return "(empty)" if value == EMPTY else str(value)


def describe(move: Move) -> Action:
    """The readable form of a move, naming the model element it exercises."""
    kind, actor, a, b, c = move
    who = "DNS Planner" if actor == PLANNER else f"DNS Enactor {actor + 1}"
    if kind == "emit":
        return Action(actor, kind, f"{who} emits plan {a}", "dns_planner")
    if kind == "discard":
        return Action(actor, kind, f"{who} discards plan {a} (not newer than applied plan {_gen(b)})", "dns_enactor")
    if kind in ("take", "apply"):
        text = f"{who} takes plan {a} (checked newer than applied plan {_gen(b)})"
        return Action(actor, kind, text + (" and applies it to every endpoint at once" if kind == "apply" else ""),
                      "dns_enactor")
    if kind == "abort":
        return Action(actor, kind, f"{who} finds plan {c} on endpoint {b}, newer than its plan {a}, and stops",
                      "generation_check")
    if kind == "stale_write":
        return Action(actor, kind, f"{who} applies stale plan {a} to endpoint {b} over newer plan {c} "
                      "→ stale check by delayed DNS Enactor", "enactor_delay")
    if kind == "write":
        return Action(actor, kind, f"{who} applies plan {a} to endpoint {b}", "dns_enactor")
    gone = ", ".join(str(g) for g in range(b.bit_length()) if b >> g & 1) or "none"  # b: bitmask of deleted plans
    if kind == "empty":
        return Action(actor, kind, f"{who} cleans up old plans (deletes {gone}); a deleted plan was live, so endpoint "
                      f"{', '.join(map(str, c))} is left with an empty DNS record → empty DNS record", "record_empty")
    return Action(actor, kind, f"{who} cleans up plans older than its own (deletes {gone})", "plan_cleanup")
