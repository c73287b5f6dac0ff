"""Discrete-event simulation of the cascade over hours: DynamoDB, DWFM leases, Network Manager, NLB, dependent services.

Time is in minutes from ``start`` (the moment the DNS record empties). The queue is a heap of
``(time, priority, seq, kind)`` so equal times resolve by priority, then by scheduling order,
and the same inputs always give the same event log.

Dynamics (each a named parameter, see ``params/parameters.json`` for units, bounds and meaning):

* DynamoDB is unreachable from the empty record until engineers identify the DNS failure
  (``dns_detect_min``), repair it (``dns_repair_min``) and clients' cached failures expire (``dns_cache_ttl_min``).
* DropletWorkflow Manager (DWFM) loses the lease of every droplet over one ``lease_timeout_min`` while
  its state checks against DynamoDB fail. Re-establishing leases is queued work: with ``x`` attempts in
  flight at capacity ``dwfm_capacity_per_min`` an attempt waits ``x / capacity`` minutes, and only the
  share ``1 - wait / lease_timeout`` finishes before its lease times out. Past ``x = capacity * timeout``
  no attempt finishes and the backlog never shrinks: congestive collapse, a metastable state.
* Collapse ends only by intervention: after ``collapse_detect_min`` without progress operators throttle
  the work to ``admission_fraction`` of the collapse point and restart DWFM hosts (``dwfm_restart_min``).
  With ``dwfm_backoff`` DWFM admits work that way from the start and never collapses.
* Every re-leased droplet and every launch that waited (``launch_rate_per_min``) needs a network state
  propagation; Network Manager drains that backlog at ``network_rate_per_min``. Instances without network
  state fail NLB health checks while the backlog exceeds ``nlb_failure_backlog``.
* Operators relax EC2 launch throttles ``throttle_relax_hold_min`` after propagation is back to normal.
* Each dependent service queues work while a dependency is impaired and drains it once all recover.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from analysis.model.dependents import Dependents
from analysis.model.records import CascadeResult, Parameter, ServiceSpec, iso

__all__ = ["RESOURCES", "CascadeResult", "Parameter", "ServiceSpec", "iso", "simulate"]

# Lower priority runs first at equal times: state changes before the processes that read them.
_PRIORITY = {"record_empty": 0, "dns_identified": 0, "dns_repaired": 0, "dynamodb_recovered": 0,
             "intervention": 1, "dwfm_restarted": 1, "throttles_relaxed": 1,
             "dwfm_tick": 2, "network_tick": 3, "service_drained": 4, "sample": 5}
RESOURCES: tuple[str, ...] = ("dynamodb", "ec2", "network", "nlb")


def simulate(params: Mapping[str, float], services: Sequence[ServiceSpec], *, dns_record_empty: bool,
             start: datetime, horizon_min: float = 4320.0) -> CascadeResult:
    """Run the cascade from ``start``; ``params`` must hold every parameter of params/parameters.json."""
    sim = _Sim(params, services, start, horizon_min)
    if dns_record_empty:
        sim.schedule(0.0, "record_empty")
    sim.run()
    return sim.result(dns_record_empty)


class _Sim:
    """The state of one run and one handler per event kind."""

    def __init__(self, params: Mapping[str, float], services: Sequence[ServiceSpec], start: datetime,
                 horizon: float) -> None:
        self.p, self.services, self.start, self.horizon = dict(params), list(services), start, horizon
        self.queue: list[tuple[float, int, int, str, Any]] = []
        self.seq = self.events = 0
        self.now = 0.0
        self.log: list[tuple[float, str, str]] = []
        self.milestones: dict[str, float] = {}
        self.dynamodb_up = True
        self.droplets = float(self.p["droplets"])
        self.leased, self.backlog = self.droplets, 0.0  # droplets with / without a lease
        self.admission_limited = bool(self.p["dwfm_backoff"])
        self.dwfm_down_until = -1.0
        self.stalled_since: float | None = None
        self.pending_launches = self.network_backlog = 0.0
        self.throttled = False
        self.dependents = Dependents(self.services)
        self.ok = {r: True for r in RESOURCES}
        self.impaired_since: dict[str, float] = {}
        self.windows: dict[str, list[float]] = {}
        self.availability: dict[str, list[tuple[float, float]]] = {}
        self.max_backlogs = {"dwfm": 0.0, "network": 0.0, "launches": 0.0}

    # ------------------------------------------------------------------ engine
    def schedule(self, at: float, kind: str, arg: Any = None) -> None:
        self.seq += 1
        heapq.heappush(self.queue, (at, _PRIORITY[kind], self.seq, kind, arg))

    def run(self) -> None:
        handlers = {kind: getattr(self, "_on_" + kind) for kind in _PRIORITY}
        queue, pop = self.queue, heapq.heappop
        while queue:
            at, _, _, kind, arg = pop(queue)
            if at > self.horizon:
                break
            self.now = at
            self.events += 1
            if arg is None:
                handlers[kind]()
            else:
                handlers[kind](arg)

    def note(self, kind: str, detail: str, milestone: str | None = None) -> None:
        self.log.append((round(self.now, 3), kind, detail))
        if milestone and milestone not in self.milestones:
            self.milestones[milestone] = self.now

    # ------------------------------------------------------------------ DNS and DynamoDB
    def _on_record_empty(self) -> None:
        self.dynamodb_up = False
        self.note("record_empty", "regional endpoint's DNS record is empty; DynamoDB unreachable", "record_empty")
        self.note("dynamodb_unavailable", "DNS lookups for the regional endpoint fail", "dynamodb_unavailable")
        self.schedule(self.now + self.p["dns_detect_min"], "dns_identified")
        dt = self.p["tick_min"]
        self.schedule(self.now + dt, "dwfm_tick")
        self.schedule(self.now + dt, "network_tick")
        self.schedule(self.now, "sample")
        self.resources_changed()

    def _on_dns_identified(self) -> None:
        self.note("dns_identified", "engineers identify the DNS record as the source", "dns_identified")
        self.schedule(self.now + self.p["dns_repair_min"], "dns_repaired")

    def _on_dns_repaired(self) -> None:
        self.note("dns_repaired", "DNS record restored", "dns_repaired")
        self.schedule(self.now + self.p["dns_cache_ttl_min"], "dynamodb_recovered")

    def _on_dynamodb_recovered(self) -> None:
        self.dynamodb_up = True
        self.note("dynamodb_recovered", "clients resolve the endpoint again; DynamoDB reachable", "dynamodb_recovered")
        self.resources_changed()

    # ------------------------------------------------------------------ DWFM
    def _on_dwfm_tick(self) -> None:
        dt = self.p["tick_min"]
        if not self.dynamodb_up:
            self._expire_leases(dt)
        elif self.now >= self.dwfm_down_until and self.backlog > 0:
            self._reestablish(dt)
        self.max_backlogs["dwfm"] = max(self.max_backlogs["dwfm"], self.backlog)
        if self.dynamodb_up and self.backlog <= 0:
            if "dwfm_leases_lost" in self.milestones:
                self.note("dwfm_recovered", "DWFM holds leases with every droplet again", "dwfm_recovered")
            return
        self.schedule(self.now + dt, "dwfm_tick")

    def _expire_leases(self, dt: float) -> None:
        # State checks fail, so leases lapse: the whole fleet over one lease timeout.
        lost = min(self.leased, self.droplets * dt / self.p["lease_timeout_min"])
        if lost > 0 and "dwfm_leases_lost" not in self.milestones:
            self.note("dwfm_leases_lost", "DWFM state checks fail; droplet leases start to expire", "dwfm_leases_lost")
            self.leased -= lost
            self.backlog += lost
            self.resources_changed()
            return
        self.leased -= lost
        self.backlog += lost

    def _reestablish(self, dt: float) -> None:
        capacity, timeout = self.p["dwfm_capacity_per_min"], self.p["lease_timeout_min"]
        collapse_point = capacity * timeout
        in_flight = self.backlog
        if self.admission_limited:
            in_flight = min(self.backlog, self.p["admission_fraction"] * collapse_point)
        wait = in_flight / capacity
        done = min(in_flight, capacity * dt * max(0.0, 1.0 - wait / timeout))
        if done <= 0:
            self._stalled()
            return
        self.stalled_since = None
        self.backlog = max(0.0, self.backlog - done)
        self.leased = min(self.droplets, self.leased + done)
        self.network_backlog += done * self.p["network_work_per_droplet"]

    def _stalled(self) -> None:
        if self.stalled_since is None:
            self.stalled_since = self.now
            self.note("dwfm_congestive_collapse", f"{self.backlog:.0f} leases queued; every attempt times out "
                      "before it completes", "dwfm_congestive_collapse")
        if self.now - self.stalled_since >= self.p["collapse_detect_min"] and "intervention" not in self.milestones:
            self.schedule(self.now, "intervention")

    def _on_intervention(self) -> None:
        self.note("intervention", "operators throttle incoming work and restart DWFM hosts", "intervention")
        self.admission_limited = self.throttled = True
        self.dwfm_down_until = self.now + self.p["dwfm_restart_min"]
        self.schedule(self.dwfm_down_until, "dwfm_restarted")

    def _on_dwfm_restarted(self) -> None:
        self.note("dwfm_restarted", "DWFM hosts restarted with queues cleared; admission limited", "dwfm_restarted")

    # ------------------------------------------------------------------ Network Manager, NLB, EC2
    def _on_network_tick(self) -> None:
        p = self.p
        dt = p["tick_min"]
        launches_in = p["launch_rate_per_min"] * dt
        # Launches wait for a droplet with a lease; waiting ones go out as leases come back.
        released = 0.0
        if self._dwfm_ok_for_launches():
            released = (self.pending_launches + launches_in) * self.leased / self.droplets
        self.pending_launches += launches_in - released
        self.network_backlog = max(0.0, self.network_backlog + released - p["network_rate_per_min"] * dt)
        peaks = self.max_backlogs
        peaks["network"] = max(peaks["network"], self.network_backlog)
        peaks["launches"] = max(peaks["launches"], self.pending_launches)
        if self._network_milestones() or (self.network_backlog <= p["nlb_failure_backlog"]) != self.ok["nlb"]:
            self.resources_changed()
        if "throttles_relaxed" in self.milestones or ("dwfm_leases_lost" not in self.milestones and self.dynamodb_up):
            return
        self.schedule(self.now + dt, "network_tick")

    def _dwfm_ok_for_launches(self) -> bool:
        return self.dynamodb_up and self.now >= self.dwfm_down_until and self.stalled_since is None

    def _network_milestones(self) -> bool:
        """Note the backlog and normal milestones when reached; True if one was."""
        reached = len(self.milestones)
        failing = self.network_backlog > self.p["nlb_failure_backlog"]
        if failing and "network_backlog" not in self.milestones:
            self.note("network_backlog", f"network state propagation backlog above {self.p['nlb_failure_backlog']:.0f}",
                      "network_backlog")
            self.note("nlb_health_check_failures", "new instances lack network state; NLB health checks remove them",
                      "nlb_health_check_failures")
        settled = (self.network_backlog <= self.p["network_normal_backlog"] and self.pending_launches < 1
                   and "dwfm_recovered" in self.milestones)
        if settled and "network_normal" not in self.milestones:
            self.note("network_normal", "network state propagation times back to normal", "network_normal")
            self.schedule(self.now + self.p["throttle_relax_hold_min"], "throttles_relaxed")
        return len(self.milestones) != reached

    def _on_throttles_relaxed(self) -> None:
        self.throttled = False
        self.note("throttles_relaxed", "EC2 launch throttles relaxed; EC2 recovered", "throttles_relaxed")
        self.resources_changed()

    # ------------------------------------------------------------------ dependent services and samples
    def resource_ok(self) -> dict[str, bool]:
        lost = "dwfm_leases_lost" in self.milestones
        return {"dynamodb": self.dynamodb_up,
                "ec2": not lost or "throttles_relaxed" in self.milestones,
                "network": not lost or "network_normal" in self.milestones,
                "nlb": self.network_backlog <= self.p["nlb_failure_backlog"]}

    def resources_changed(self) -> None:
        """Called where a resource may change state: update impact windows and the services' queues."""
        ok = self.resource_ok()
        if ok == self.ok:
            return
        self.ok = ok
        for resource, label in (("dynamodb", "DynamoDB"), ("ec2", "EC2"), ("nlb", "NLB")):
            if not ok[resource]:
                self.impaired_since.setdefault(label, self.now)
            elif label in self.impaired_since and label not in self.windows:
                self.windows[label] = [self.impaired_since[label], self.now]
        for name, at, token in self.dependents.update(self.now, ok):
            self.schedule(at, "service_drained", (name, token))
        self._check_full_recovery()

    def _on_service_drained(self, arg: tuple[str, int]) -> None:
        if self.dependents.drained(self.now, *arg):
            self._check_full_recovery()

    def _check_full_recovery(self) -> None:
        if "record_empty" in self.milestones and all(self.ok.values()) and self.dependents.is_clear():
            self.note("full_recovery", "every modelled service has drained its backlog", "full_recovery")

    def _on_sample(self) -> None:
        ok = self.ok
        values = {"DynamoDB": 1.0 if ok["dynamodb"] else 0.0,
                  "EC2": 1.0 if ok["ec2"] else self.leased / self.droplets * (0.5 if self.throttled else 1.0),
                  "NLB": 1.0 if ok["nlb"] else 0.5}
        values.update(self.dependents.availability(self.now))
        for name, value in values.items():
            self.availability.setdefault(name, []).append((round(self.now, 3), round(value, 4)))
        if "full_recovery" not in self.milestones:
            self.schedule(self.now + self.p["sample_min"], "sample")

    # ------------------------------------------------------------------ result
    def result(self, dns_record_empty: bool) -> CascadeResult:
        m = self.milestones
        down = (m.get("dynamodb_recovered", self.now) - m["record_empty"]) if "record_empty" in m else 0.0
        ec2 = m.get("throttles_relaxed")
        spans = {**self.windows, **self.dependents.windows}
        windows = [{"service": name, "start": iso(self.start, a), "end": iso(self.start, b)}
                   for name, (a, b) in sorted(spans.items(), key=lambda kv: (kv[1][0], kv[0]))]
        return CascadeResult(
            dns_record_empty=dns_record_empty, dynamodb_unavailable_minutes=round(down, 3),
            dwfm_congestive_collapse="dwfm_congestive_collapse" in m,
            ec2_recovered_at=None if ec2 is None else iso(self.start, ec2),
            full_recovery_at=iso(self.start, m["full_recovery"]) if "full_recovery" in m else None,
            impact_windows=windows, milestones={k: iso(self.start, v) for k, v in m.items()},
            log=self.log, availability=self.availability, events=self.events, max_backlogs=dict(self.max_backlogs))
