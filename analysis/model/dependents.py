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

from analysis.model.records import rounded


class Dependents:
    """Backlog, impact window and availability of each dependent service."""

    def __init__(self, specs: Sequence[Any]) -> None:
        self.specs = list(specs)
        self.backlog = {s.name: 0.0 for s in self.specs}
        self.peak = {s.name: 0.0 for s in self.specs}
        self.impaired: dict[str, bool] = {s.name: False for s in self.specs}
        self.since: dict[str, float] = {}
        self.windows: dict[str, list[float]] = {}
        self.tokens = {s.name: 0 for s in self.specs}
        self.updated = 0.0
        # What availability_values needs between two changes: fixed shares, and the draining services' terms.
        self._plan: tuple[list[float], list[tuple[int, float, float, float]]] | None = None

    def backlog_at(self, name: str, now: float, spec: Any) -> float:
        """Backlog of ``name`` at ``now`` given its slope since the last update."""
        elapsed = now - self.updated
        if self.impaired[name]:
            return self.backlog[name] + spec.backlog_per_min * elapsed
        return max(0.0, self.backlog[name] - spec.drain_per_min * elapsed)

    def update(self, now: float, ok: Mapping[str, bool]) -> list[tuple[str, float, int]]:
        """Settle every backlog up to ``now``, apply the new dependency states; return (service, drained at, token)."""
        to_schedule = []
        for spec in self.specs:
            name = spec.name
            self.backlog[name] = self.backlog_at(name, now, spec)
            self.peak[name] = max(self.peak[name], self.backlog[name])
            impaired = not all(ok.get(d, True) for d in spec.depends_on)
            if impaired and name not in self.since:
                self.since[name] = now
            if self.impaired[name] and not impaired and self.backlog[name] > 0:
                self.tokens[name] += 1
                to_schedule.append((name, now + self.backlog[name] / spec.drain_per_min, self.tokens[name]))
            elif self.impaired[name] and not impaired:
                self.windows.setdefault(name, [self.since[name], now])
            if impaired:
                self.tokens[name] += 1  # any drain in flight is stale now
            self.impaired[name] = impaired
        self.updated = now
        self._plan = None
        return to_schedule

    def drained(self, now: float, name: str, token: int) -> bool:
        """Mark ``name`` drained if ``token`` is still current; True when it was."""
        if token != self.tokens[name]:
            return False
        for other in self.specs:  # settle everyone so backlogs stay consistent with self.updated
            self.backlog[other.name] = self.backlog_at(other.name, now, other)
        self.updated = now
        self._plan = None
        self.backlog[name] = 0.0
        self.windows.setdefault(name, [self.since.get(name, now), now])
        return True

    def is_clear(self) -> bool:
        """True when no service is impaired or still draining."""
        return not any(self.impaired.values()) and all(
            name in self.windows or name not in self.since for name in self.backlog)

    def availability(self, now: float) -> dict[str, float]:
        """Per service: 0 while impaired, then the share of its peak backlog already drained, 1 when clear."""
        return dict(zip(self.backlog, self.availability_values(now)))

    def availability_values(self, now: float, digits: int | None = None) -> list[float]:
        """:meth:`availability`'s values in the order of the specs, rounded to ``digits`` if given."""
        if self._plan is None:
            self._plan = self._sampling_plan()
        fixed, draining = self._plan
        out = fixed.copy()
        elapsed = now - self.updated
        for i, backlog, drain, peak in draining:  # the backlog_at of a draining service, inlined
            left = backlog - drain * elapsed
            share = 1.0 - (left if left > 0.0 else 0.0) / peak
            out[i] = share if digits is None else rounded(share, digits)
        return out

    def _sampling_plan(self) -> tuple[list[float], list[tuple[int, float, float, float]]]:
        # Impaired: 0; never queued or fully drained: 1 (1 - 0/peak); only the others change between updates.
        fixed, draining = [], []
        for i, spec in enumerate(self.specs):
            name = spec.name
            peak, backlog = self.peak[name], self.backlog[name]
            fixed.append(0.0 if self.impaired[name] else 1.0)
            if not self.impaired[name] and peak and backlog > 0:
                draining.append((i, backlog, spec.drain_per_min, peak))
        return fixed, draining
