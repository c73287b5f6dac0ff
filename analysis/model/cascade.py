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

Speed (the hot path runs ~1,100 events per baseline run): queue entries are plain tuples
``(time, priority, seq, handler)`` holding the bound handler, so dispatch is one call; parameters are
read once into attributes, each per-tick product computed once by the expression the dynamics use
(so every float is bit-identical); a sample is one row, split into per-series lists only in the result.
"""

# Hot-path clamps are comparisons, not min()/max() calls, which cost a quarter of a tick here.
# ruff: noqa: PLR1730, FURB136
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from functools import partial
from heapq import heappop, heappush

from analysis.model.dependents import Dependents
from analysis.model.records import CascadeResult, IsoClock, Parameter, ServiceSpec, iso, rounded

__all__ = ["RESOURCES", "CascadeResult", "Parameter", "ServiceSpec", "iso", "simulate"]

# Lower priority runs first at equal times: state changes before the processes that read them.
_PRIORITY = {"record_empty": 0, "dns_identified": 0, "dns_repaired": 0, "dynamodb_recovered": 0,
             "intervention": 1, "dwfm_restarted": 1, "throttles_relaxed": 1,
             "dwfm_tick": 2, "network_tick": 3, "service_drained": 4, "sample": 5}
RESOURCES: tuple[str, ...] = ("dynamodb", "ec2", "network", "nlb")
_SERIES = ("DynamoDB", "EC2", "NLB")  # availability series of the resources, before the services'
_DWFM_TICK, _NETWORK_TICK = _PRIORITY["dwfm_tick"], _PRIORITY["network_tick"]


def simulate(params: Mapping[str, float], services: Sequence[ServiceSpec], *, dns_record_empty: bool,
             start: datetime, horizon_min: float = 4320.0) -> CascadeResult:
    """Run the cascade from ``start``; ``params`` must hold every parameter of params/parameters.json.

    Raises ValueError when two services share a name or a service is named like a resource series.
    """
    sim = _Sim(params, services, start, horizon_min)
    if dns_record_empty:
        sim.schedule(0.0, "record_empty")
    sim.run()
    return sim.result(dns_record_empty)


class _Sim:
    """The state of one run and one handler per event kind; each handler takes the event's time."""

    def __init__(self, params: Mapping[str, float], services: Sequence[ServiceSpec], start: datetime,
                 horizon: float) -> None:
        self.p, self.services, self.start, self.horizon = dict(params), list(services), start, horizon
        self.queue: list[tuple[float, int, int, Callable[[float], None]]] = []
        self.seq = self.events = 0
        self.now = 0.0
        self.log: list[tuple[float, str, str]] = []
        self.milestones: dict[str, float] = {}
        self._read_params(self.p)
        self.dynamodb_up = True
        self.leased, self.backlog = self.droplets, 0.0  # droplets with / without a lease
        self.admission_limited = bool(self.p["dwfm_backoff"])
        self.dwfm_down_until = -1.0
        self.stalled_since: float | None = None
        self.pending_launches = self.network_backlog = 0.0
        self.throttled = False
        self.dependents = Dependents(self.services)
        self.ok = {r: True for r in RESOURCES}
        self.nlb_ok = True  # self.ok["nlb"], read by every network tick
        self.impaired_since: dict[str, float] = {}
        self.windows: dict[str, list[float]] = {}
        self.peak_dwfm = self.peak_network = self.peak_launches = 0.0
        self.series_names = _series_names(self.services)
        self.samples: list[tuple[float, ...]] = []  # (minute, value per series), transposed in result()
        self.handlers = {kind: getattr(self, "_on_" + kind) for kind in _PRIORITY}
        self.dwfm_tick, self.network_tick = self.handlers["dwfm_tick"], self.handlers["network_tick"]

    def _read_params(self, p: Mapping[str, float]) -> None:
        # Each product is the expression the dynamics would compute every tick, evaluated once.
        self.dt = dt = p["tick_min"]
        self.droplets = float(p["droplets"])
        self.timeout, self.capacity = p["lease_timeout_min"], p["dwfm_capacity_per_min"]
        self.expiring_per_tick = self.droplets * dt / self.timeout
        self.capacity_per_tick = self.capacity * dt
        self.admitted = p["admission_fraction"] * (self.capacity * self.timeout)
        self.work_per_droplet = p["network_work_per_droplet"]
        self.launches_per_tick = p["launch_rate_per_min"] * dt
        self.propagated_per_tick = p["network_rate_per_min"] * dt
        self.nlb_failure_backlog, self.network_normal_backlog = p["nlb_failure_backlog"], p["network_normal_backlog"]

    # ------------------------------------------------------------------ engine
    def schedule(self, at: float, kind: str) -> None:
        self.seq += 1
        heappush(self.queue, (at, _PRIORITY[kind], self.seq, self.handlers[kind]))

    def run(self) -> None:
        queue, horizon = self.queue, self.horizon
        events = 0
        while queue:
            at, _, _, handler = heappop(queue)
            if at > horizon:
                break
            self.now = at
            events += 1
            handler(at)
        self.events = events

    def note(self, kind: str, detail: str, milestone: str | None = None) -> None:
        self.log.append((round(self.now, 3), kind, detail))
        if milestone and milestone not in self.milestones:
            self.milestones[milestone] = self.now

    # ------------------------------------------------------------------ DNS and DynamoDB
    def _on_record_empty(self, now: float) -> None:
        self.dynamodb_up = False
        self.note("record_empty", "regional endpoint's DNS record is empty; DynamoDB unreachable", "record_empty")
        self.note("dynamodb_unavailable", "DNS lookups for the regional endpoint fail", "dynamodb_unavailable")
        self.schedule(now + self.p["dns_detect_min"], "dns_identified")
        self.schedule(now + self.dt, "dwfm_tick")
        self.schedule(now + self.dt, "network_tick")
        self.schedule(now, "sample")
        self.resources_changed()

    def _on_dns_identified(self, now: float) -> None:
        self.note("dns_identified", "engineers identify the DNS record as the source", "dns_identified")
        self.schedule(now + self.p["dns_repair_min"], "dns_repaired")

    def _on_dns_repaired(self, now: float) -> None:
        self.note("dns_repaired", "DNS record restored", "dns_repaired")
        self.schedule(now + self.p["dns_cache_ttl_min"], "dynamodb_recovered")

    def _on_dynamodb_recovered(self, now: float) -> None:
        self.dynamodb_up = True
        self.note("dynamodb_recovered", "clients resolve the endpoint again; DynamoDB reachable", "dynamodb_recovered")
        self.resources_changed()

    # ------------------------------------------------------------------ DWFM
    def _on_dwfm_tick(self, now: float) -> None:
        if not self.dynamodb_up:
            # State checks fail, so leases lapse: the whole fleet over one lease timeout.
            lost = self.expiring_per_tick
            if lost >= self.leased:
                lost = self.leased
            self.leased -= lost
            self.backlog += lost
            if lost > 0 and "dwfm_leases_lost" not in self.milestones:
                self.note("dwfm_leases_lost", "DWFM state checks fail; droplet leases start to expire",
                          "dwfm_leases_lost")
                self.resources_changed()
        elif now >= self.dwfm_down_until and self.backlog > 0:
            self._reestablish(now)
        backlog = self.backlog
        if backlog > self.peak_dwfm:
            self.peak_dwfm = backlog
        if self.dynamodb_up and backlog <= 0:
            if "dwfm_leases_lost" in self.milestones:
                self.note("dwfm_recovered", "DWFM holds leases with every droplet again", "dwfm_recovered")
            return
        self.seq = seq = self.seq + 1
        heappush(self.queue, (now + self.dt, _DWFM_TICK, seq, self.dwfm_tick))

    def _reestablish(self, now: float) -> None:
        # min/max written as comparisons: the same operands and results, without the builtin calls.
        in_flight = self.backlog
        if self.admission_limited and self.admitted < in_flight:
            in_flight = self.admitted
        share = 1.0 - in_flight / self.capacity / self.timeout
        done = self.capacity_per_tick * (share if share > 0.0 else 0.0)
        if in_flight <= done:
            done = in_flight
        if done <= 0:
            self._stalled(now)
            return
        self.stalled_since = None
        backlog = self.backlog - done
        self.backlog = backlog if backlog > 0.0 else 0.0
        leased = self.leased + done
        self.leased = leased if leased < self.droplets else self.droplets
        self.network_backlog += done * self.work_per_droplet

    def _stalled(self, now: float) -> None:
        if self.stalled_since is None:
            self.stalled_since = now
            self.note("dwfm_congestive_collapse", f"{self.backlog:.0f} leases queued; every attempt times out "
                      "before it completes", "dwfm_congestive_collapse")
        if now - self.stalled_since >= self.p["collapse_detect_min"] and "intervention" not in self.milestones:
            self.schedule(now, "intervention")

    def _on_intervention(self, now: float) -> None:
        self.note("intervention", "operators throttle incoming work and restart DWFM hosts", "intervention")
        self.admission_limited = self.throttled = True
        self.dwfm_down_until = now + self.p["dwfm_restart_min"]
        self.schedule(self.dwfm_down_until, "dwfm_restarted")

    def _on_dwfm_restarted(self, now: float) -> None:
        self.note("dwfm_restarted", "DWFM hosts restarted with queues cleared; admission limited", "dwfm_restarted")

    # ------------------------------------------------------------------ Network Manager, NLB, EC2
    def _on_network_tick(self, now: float) -> None:
        launches_in, pending = self.launches_per_tick, self.pending_launches
        # Launches wait for a droplet with a lease; waiting ones go out as leases come back.
        released = 0.0
        if self.dynamodb_up and now >= self.dwfm_down_until and self.stalled_since is None:
            released = (pending + launches_in) * self.leased / self.droplets
        self.pending_launches = pending = pending + (launches_in - released)
        backlog = self.network_backlog + released - self.propagated_per_tick
        self.network_backlog = backlog = backlog if backlog > 0.0 else 0.0
        if backlog > self.peak_network:
            self.peak_network = backlog
        if pending > self.peak_launches:
            self.peak_launches = pending
        m = self.milestones
        if ((backlog > self.nlb_failure_backlog and "network_backlog" not in m)
                or (backlog <= self.network_normal_backlog and pending < 1 and "dwfm_recovered" in m
                    and "network_normal" not in m)):
            self._network_milestones(now)
            self.resources_changed()
        elif (backlog <= self.nlb_failure_backlog) != self.nlb_ok:
            self.resources_changed()
        if "throttles_relaxed" in m or ("dwfm_leases_lost" not in m and self.dynamodb_up):
            return
        self.seq = seq = self.seq + 1
        heappush(self.queue, (now + self.dt, _NETWORK_TICK, seq, self.network_tick))

    def _network_milestones(self, now: float) -> None:
        """Note the backlog and normal milestones the tick reached (the caller checked one was)."""
        m = self.milestones
        if self.network_backlog > self.nlb_failure_backlog and "network_backlog" not in m:
            self.note("network_backlog", f"network state propagation backlog above {self.nlb_failure_backlog:.0f}",
                      "network_backlog")
            self.note("nlb_health_check_failures", "new instances lack network state; NLB health checks remove them",
                      "nlb_health_check_failures")
        if (self.network_backlog <= self.network_normal_backlog and self.pending_launches < 1
                and "dwfm_recovered" in m and "network_normal" not in m):
            self.note("network_normal", "network state propagation times back to normal", "network_normal")
            self.schedule(now + self.p["throttle_relax_hold_min"], "throttles_relaxed")

    def _on_throttles_relaxed(self, now: float) -> None:
        self.throttled = False
        self.note("throttles_relaxed", "EC2 launch throttles relaxed; EC2 recovered", "throttles_relaxed")
        self.resources_changed()

    # ------------------------------------------------------------------ dependent services and samples
    def resource_ok(self) -> dict[str, bool]:
        lost = "dwfm_leases_lost" in self.milestones
        return {"dynamodb": self.dynamodb_up,
                "ec2": not lost or "throttles_relaxed" in self.milestones,
                "network": not lost or "network_normal" in self.milestones,
                "nlb": self.network_backlog <= self.nlb_failure_backlog}

    def resources_changed(self) -> None:
        """Called where a resource may change state: update impact windows and the services' queues."""
        ok = self.resource_ok()
        if ok == self.ok:
            return
        self.ok, self.nlb_ok = ok, ok["nlb"]
        now = self.now
        for resource, label in (("dynamodb", "DynamoDB"), ("ec2", "EC2"), ("nlb", "NLB")):
            if not ok[resource]:
                self.impaired_since.setdefault(label, now)
            elif label in self.impaired_since and label not in self.windows:
                self.windows[label] = [self.impaired_since[label], now]
        for name, at, token in self.dependents.update(now, ok):
            # A drained event carries its service and token, bound into the handler.
            self.seq += 1
            heappush(self.queue, (at, _PRIORITY["service_drained"], self.seq,
                                  partial(self._on_service_drained, name, token)))
        self._check_full_recovery()

    def _on_service_drained(self, name: str, token: int, now: float) -> None:
        if self.dependents.drained(now, name, token):
            self._check_full_recovery()

    def _check_full_recovery(self) -> None:
        if "record_empty" in self.milestones and all(self.ok.values()) and self.dependents.is_clear():
            self.note("full_recovery", "every modelled service has drained its backlog", "full_recovery")

    def _on_sample(self, now: float) -> None:
        ok = self.ok
        self.samples.append((
            rounded(now, 3), 1.0 if ok["dynamodb"] else 0.0,
            1.0 if ok["ec2"] else rounded(self.leased / self.droplets * (0.5 if self.throttled else 1.0), 4),
            1.0 if ok["nlb"] else 0.5, *self.dependents.availability_values(now, 4)))
        if "full_recovery" not in self.milestones:
            self.schedule(now + self.p["sample_min"], "sample")

    # ------------------------------------------------------------------ result
    def result(self, dns_record_empty: bool) -> CascadeResult:
        m, clock = self.milestones, IsoClock(self.start)
        down = (m.get("dynamodb_recovered", self.now) - m["record_empty"]) if "record_empty" in m else 0.0
        ec2 = m.get("throttles_relaxed")
        spans = {**self.windows, **self.dependents.windows}
        windows = [{"service": name, "start": clock.iso(a), "end": clock.iso(b)}
                   for name, (a, b) in sorted(spans.items(), key=lambda kv: (kv[1][0], kv[0]))]
        minutes, *columns = zip(*self.samples) if self.samples else [()]
        availability = {name: list(zip(minutes, column)) for name, column in zip(self.series_names, columns)}
        return CascadeResult(
            dns_record_empty=dns_record_empty, dynamodb_unavailable_minutes=round(down, 3),
            dwfm_congestive_collapse="dwfm_congestive_collapse" in m,
            ec2_recovered_at=None if ec2 is None else clock.iso(ec2),
            full_recovery_at=clock.iso(m["full_recovery"]) if "full_recovery" in m else None,
            impact_windows=windows, milestones={k: clock.iso(v) for k, v in m.items()},
            log=self.log, availability=availability, events=self.events,
            max_backlogs={"dwfm": self.peak_dwfm, "network": self.peak_network, "launches": self.peak_launches})


def _series_names(services: Sequence[ServiceSpec]) -> tuple[str, ...]:
    """The availability series: each resource's, then each service's; names must be distinct."""
    names = (*_SERIES, *(s.name for s in services))
    if len(set(names)) != len(names):
        raise ValueError(f"service names must be distinct and differ from {', '.join(_SERIES)}: {names[3:]}")
    return names
