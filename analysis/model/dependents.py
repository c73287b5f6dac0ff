"""The services that depend on DynamoDB, EC2, Network Manager and NLB, as piecewise-linear work queues.

A service queues ``backlog_per_min`` while any dependency is impaired and drains ``drain_per_min``
once all are healthy, so its backlog only changes slope when a dependency changes state. The
cascade calls :meth:`Dependents.update` at those moments and schedules one "drained" event per
service instead of ticking every minute. Tokens make a stale drained event a no-op.

>>> from analysis.model.cascade import ServiceSpec
>>> d = Dependents([ServiceSpec("Lambda", ("dynamodb",), 10.0, 20.0)])
>>> d.update(0.0, {"dynamodb": False})
[]
>>> d.update(6.0, {"dynamodb": True})
[('Lambda', 9.0, 2)]
>>> d.drained(9.0, "Lambda", 2), d.windows
(True, {'Lambda': [0.0, 9.0]})
"""

# The clamp at every sample is a comparison, not a max() call: it runs for every draining service.
# ruff: noqa: FURB136
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


class Dependents:
    """Backlog, impact window and availability of each dependent service.

    Per-service state is kept in lists in the order of the specs (the cascade settles every service at
    each change and samples them every few minutes); ``since`` and ``windows`` are keyed by name.
    """

    def __init__(self, specs: Sequence[Any]) -> None:
        self.specs = list(specs)
        self.names = [s.name for s in self.specs]
        self._index = {name: i for i, name in enumerate(self.names)}
        self._terms = [(i, s.name, tuple(s.depends_on), s.backlog_per_min, s.drain_per_min)
                       for i, s in enumerate(self.specs)]
        self.backlogs = [0.0] * len(self.specs)
        self.peaks = [0.0] * len(self.specs)
        self.impaired = [False] * len(self.specs)
        self.tokens = [0] * len(self.specs)
        self.since: dict[str, float] = {}
        self.windows: dict[str, list[float]] = {}
        self.updated = 0.0
        # What availability_values needs between two changes: fixed shares, and the draining services' terms.
        self._plan: tuple[tuple[float, ...], list[tuple[int, float, float, float]]] | None = None

    def _settle(self, now: float) -> None:
        """Bring every backlog up to ``now`` along its slope since the last change."""
        elapsed, backlogs = now - self.updated, self.backlogs
        for i, _, _, per_min, drain in self._terms:
            if self.impaired[i]:
                backlogs[i] = backlogs[i] + per_min * elapsed
            else:
                left = backlogs[i] - drain * elapsed
                backlogs[i] = left if left > 0.0 else 0.0
        self.updated = now
        self._plan = None

    def update(self, now: float, ok: Mapping[str, bool]) -> list[tuple[str, float, int]]:
        """Settle every backlog up to ``now``, apply the new dependency states; return (service, drained at, token)."""
        self._settle(now)
        to_schedule = []
        backlogs, peaks, was_impaired, tokens, since = self.backlogs, self.peaks, self.impaired, self.tokens, self.since
        for i, name, depends_on, _, drain in self._terms:
            backlog = backlogs[i]
            peaks[i] = max(peaks[i], backlog)
            impaired = False
            for dependency in depends_on:
                if not ok.get(dependency, True):
                    impaired = True
                    break
            if impaired:
                if name not in since:
                    since[name] = now
                tokens[i] += 1  # any drain in flight is stale now
            elif was_impaired[i]:
                if backlog > 0:
                    tokens[i] += 1
                    to_schedule.append((name, now + backlog / drain, tokens[i]))
                else:
                    self.windows.setdefault(name, [since[name], now])
            was_impaired[i] = impaired
        return to_schedule

    def drained(self, now: float, name: str, token: int) -> bool:
        """Mark ``name`` drained if ``token`` is still current; True when it was."""
        i = self._index[name]
        if token != self.tokens[i]:
            return False
        self._settle(now)  # everyone, so backlogs stay consistent with self.updated
        self.backlogs[i] = 0.0
        self.windows.setdefault(name, [self.since.get(name, now), now])
        return True

    def is_clear(self) -> bool:
        """True when no service is impaired or still draining."""
        return not any(self.impaired) and all(name in self.windows or name not in self.since for name in self.names)

    def availability_values(self, now: float) -> tuple[float, ...]:
        """Each service's availability at ``now``, in the order of the specs: 0 while impaired, then the share
        of its peak backlog already drained, 1 when clear."""
        fixed, draining = self.sampling_plan()
        if not draining:
            return fixed
        out = list(fixed)
        elapsed = now - self.updated
        for i, backlog, drain, peak in draining:  # a draining service's backlog, as _settle computes it
            left = backlog - drain * elapsed
            share = 1.0 - (left if left > 0.0 else 0.0) / peak
            out[i] = share
        return tuple(out)

    def sampling_plan(self) -> tuple[tuple[float, ...], list[tuple[int, float, float, float]]]:
        """Until the next change: every service's availability if none is draining (impaired 0, clear 1),
        and the (index, backlog, drain rate, peak) of each draining one, whose share grows with time."""
        if self._plan is None:
            self._plan = self._new_plan()
        return self._plan

    def _new_plan(self) -> tuple[tuple[float, ...], list[tuple[int, float, float, float]]]:
        # Impaired: 0; never queued or fully drained: 1 (1 - 0/peak); only the others change between updates.
        fixed, draining = [], []
        for i, _, _, _, drain in self._terms:
            peak, backlog, impaired = self.peaks[i], self.backlogs[i], self.impaired[i]
            fixed.append(0.0 if impaired else 1.0)
            if not impaired and peak and backlog > 0:
                draining.append((i, backlog, drain, peak))
        return tuple(fixed), draining
