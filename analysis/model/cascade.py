"""Discrete-event simulation of the cascade over hours: DynamoDB, DWFM leases, Network Manager, NLB, dependent services.

Time is in minutes from ``start`` (the moment the DNS record empties). Equal times resolve by priority, then by
scheduling order, so the same inputs always give the same event log.

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

Engine: events run in (time, priority, scheduling order). The periodic ones (DWFM and network ticks,
samples: about 1,050 of the baseline's 1,137 events) each keep their next minute in a slot and run inline
in :meth:`_Sim.run` on local variables; the rest go through a heap and run as methods. Parameters are read
once and each per-tick product computed once, by the expression the dynamics use (``bench/bench_model.py``
measures the speed against a bare heapq loop).
"""

# Hot-path clamps are comparisons, not min()/max() calls, which cost a quarter of a tick here.
# ruff: noqa: PLR1730, FURB136
from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from functools import partial
from heapq import heappop, heappush
from itertools import count

from analysis.model.dependents import Dependents
from analysis.model.records import CascadeResult, IsoClock, Parameter, ServiceSpec, iso

__all__ = ["RESOURCES", "CascadeResult", "Parameter", "ServiceSpec", "iso", "simulate"]

# Lower priority runs first at equal times: state changes before the processes that read them.
_PRIORITY = {"record_empty": 0, "dns_identified": 0, "dns_repaired": 0, "dynamodb_recovered": 0,
             "intervention": 1, "dwfm_restarted": 1, "throttles_relaxed": 1,
             "dwfm_tick": 2, "network_tick": 3, "service_drained": 4, "sample": 5}
RESOURCES: tuple[str, ...] = ("dynamodb", "ec2", "network", "nlb")
_SERIES = ("DynamoDB", "EC2", "NLB")  # availability series of the resources, before the services'
_DWFM_TICK, _NETWORK_TICK, _INTERVENTION = _PRIORITY["dwfm_tick"], _PRIORITY["network_tick"], _PRIORITY["intervention"]
_SAMPLE = _PRIORITY["sample"]
# The periodic kinds: each keeps its next minute in one attribute of _Sim instead of a heap entry (see run()).
_SLOTS = {"dwfm_tick": "next_dwfm", "network_tick": "next_network", "sample": "next_sample"}
_NEVER = math.inf  # an empty slot
_END = -1  # priority of the event that ends a run: see run()


def simulate(params: Mapping[str, float], services: Sequence[ServiceSpec], *, dns_record_empty: bool,
             start: datetime) -> CascadeResult:
    """Run the cascade from ``start`` for ``params["horizon_min"]`` minutes; ``params`` must hold every cascade
    parameter of params/parameters.json (the DNS race's are not read).

    Raises ValueError when two services share a name or a service is named like a resource series.
    """
    sim = _Sim(params, services, start)
    if dns_record_empty:
        sim.schedule(0.0, "record_empty")
    sim.run()
    return sim.result(dns_record_empty)


class _Sim:
    """The state of one run and one handler per event kind; each handler takes the event's time."""

    def __init__(self, params: Mapping[str, float], services: Sequence[ServiceSpec], start: datetime) -> None:
        self.p, self.services, self.start = dict(params), list(services), start
        self.horizon, self.horizon_reached = self.p["horizon_min"], False
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
        self.pending_launches = self.network_backlog = 0.0
        self.throttled = False
        self.dependents = Dependents(self.services)
        self.ok = {r: True for r in RESOURCES}
        self.impaired_since: dict[str, float] = {}
        self.windows: dict[str, list[float]] = {}
        self.peak_dwfm = self.peak_network = self.peak_launches = 0.0
        self.series_names = _series_names(self.services)
        self.samples: list[tuple[float, ...]] = []  # (minute, value per series), transposed in result()
        self.handlers = {kind: getattr(self, "_on_" + kind) for kind in _PRIORITY if kind not in _SLOTS}
        self.next_dwfm = self.next_network = self.next_sample = _NEVER

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
        """Queue an event of ``kind`` at minute ``at``; a periodic kind goes into its slot, which must be free."""
        slot = _SLOTS.get(kind)
        if slot is not None:
            if getattr(self, slot) != _NEVER:
                raise RuntimeError(f"{kind} is already scheduled")  # a periodic process runs once at a time
            setattr(self, slot, at)
            return
        self.seq += 1
        heappush(self.queue, (at, _PRIORITY[kind], self.seq, self.handlers[kind]))

    def run(self) -> None:
        """Process events in (time, priority, scheduling order) until none is left or one passes the horizon.

        The periodic events (the DWFM and network ticks and the samples: all but a few dozen of a run's
        events) each have one slot holding the minute of their next occurrence instead of a heap entry,
        and run inline on local copies of the state they change: heap traffic, a method call and
        attribute access per tick were most of a run's time. Their priorities are unique, so the slots
        and the heap merge into the same order a single heap gives. Every other event, and the rare
        step of a tick that notes a milestone or changes a resource (``cold``), ends the inner loop: the
        outer one writes the locals back, runs the step as a method on ``self`` and reloads what it may
        have changed before the inner loop goes on.
        """
        queue, dt, droplets = self.queue, self.dt, self.droplets
        # Module constants as locals: the loop reads them for every event.
        never, end, network_tick, dwfm_tick, sample = _NEVER, _END, _NETWORK_TICK, _DWFM_TICK, _SAMPLE
        expiring, capacity, timeout = self.expiring_per_tick, self.capacity, self.timeout
        capacity_per_tick, admitted, work_per_droplet = self.capacity_per_tick, self.admitted, self.work_per_droplet
        launches_in, propagated = self.launches_per_tick, self.propagated_per_tick
        nlb_failure, normal_backlog = self.nlb_failure_backlog, self.network_normal_backlog
        collapse_detect, on_intervention = self.p["collapse_detect_min"], self.handlers["intervention"]
        sample_every, samples_append, dependents = self.p["sample_min"], self.samples.append, self.dependents
        leased, backlog, network, pending = self.leased, self.backlog, self.network_backlog, self.pending_launches
        peak_dwfm, peak_network, peak_launches = self.peak_dwfm, self.peak_network, self.peak_launches
        now, processed, stalled_since = self.now, 0, None
        next_dwfm, next_network, next_sample, seq = self.next_dwfm, self.next_network, self.next_sample, self.seq
        # The end is an event too: just after the horizon, before anything else at that time, so the slots
        # need no check of their own (an empty slot is never, which the end precedes).
        heappush(queue, (math.nextafter(self.horizon, _NEVER), _END, 0, self._no_handler))
        cold: Callable[[float], None] | None = None
        while True:
            if cold is not None:
                self.now = now
                self.leased, self.backlog, self.network_backlog, self.pending_launches = leased, backlog, network, pending
                self.next_dwfm, self.next_network, self.next_sample, self.seq = next_dwfm, next_network, next_sample, seq
                cold(now)
                processed += 1
                cold = None
            next_dwfm, next_network, next_sample, seq = self.next_dwfm, self.next_network, self.next_sample, self.seq
            (up, down_until, limited, throttled, dynamodb_ok, ec2_ok, nlb_ok, lost, recovered, backlog_noted, normal,
             relaxed, intervened, full) = self._modes()
            # What a network tick checks against: whether the ticks stop; from when launches go out (unless
            # DWFM is stalled); the backlog above which the backlog milestone or an unhealthy NLB is due; at or
            # below which NLB is healthy again; at or below which, with no launch waiting, propagation is normal.
            network_stops = relaxed or (not lost and up)
            release_from = down_until if up else never
            above = nlb_failure if nlb_ok or not backlog_noted else never
            below = -never if nlb_ok else nlb_failure
            normal_below = normal_backlog if recovered and not normal else -never
            plan = None  # the services' sampling plan, fetched by the first sample after a change
            head_at, head_priority = queue[0][:2]
            for processed in count(processed):  # noqa: B020 - events processed before this one, counting on
                # The earliest slot (a tie goes to the lower priority), unless the heap's head comes first.
                at, priority = next_dwfm, dwfm_tick
                if next_network < at:
                    at, priority = next_network, network_tick
                if next_sample < at:
                    at, priority = next_sample, sample
                if head_at < at or (head_at == at and head_priority < priority):
                    at, priority, _, handler = heappop(queue)
                    if priority == end:
                        self.horizon_reached = bool(queue) or min(next_dwfm, next_network, next_sample) < never
                        break
                    head_at, head_priority = queue[0][:2]
                now = at
                if priority == network_tick:
                    # Launches wait for a droplet with a lease; waiting ones go out as leases come back.
                    if stalled_since is None and now >= release_from:
                        released = (pending + launches_in) * leased / droplets
                        pending = pending + (launches_in - released)
                        network = network + released - propagated
                    else:  # nothing released: the same sums without the zero terms
                        pending = pending + launches_in
                        network = network - propagated
                    network = network if network > 0.0 else 0.0
                    if network > peak_network:
                        peak_network = network
                    if pending > peak_launches:
                        peak_launches = pending
                    next_network = never if network_stops else now + dt
                    if network > above or network <= below or (network <= normal_below and pending < 1):
                        cold = self._network_changed
                        break
                elif priority == dwfm_tick:
                    if not up:
                        # State checks fail, so leases lapse: the whole fleet over one lease timeout.
                        lapsed = leased if expiring >= leased else expiring
                        leased -= lapsed
                        backlog += lapsed
                        if lapsed > 0 and not lost:
                            cold = self._leases_lost
                    elif now >= down_until and backlog > 0:
                        # Re-establishing leases: see the module docstring for why past a point none finish.
                        in_flight = backlog
                        if limited and admitted < in_flight:
                            in_flight = admitted
                        share = 1.0 - in_flight / capacity / timeout
                        done = capacity_per_tick * (share if share > 0.0 else 0.0)
                        if in_flight <= done:
                            done = in_flight
                        if done <= 0:
                            if stalled_since is None:
                                stalled_since, cold = now, self._collapsed
                            if now - stalled_since >= collapse_detect and not intervened:
                                seq += 1
                                heappush(queue, (now, _INTERVENTION, seq, on_intervention))
                                head_at, head_priority = queue[0][:2]
                        else:
                            stalled_since = None
                            backlog = backlog - done
                            backlog = backlog if backlog > 0.0 else 0.0
                            leased = leased + done
                            leased = leased if leased < droplets else droplets
                            network += done * work_per_droplet
                    if backlog > peak_dwfm:
                        peak_dwfm = backlog
                    if up and backlog <= 0:
                        next_dwfm = never
                        if lost:
                            cold = self._dwfm_recovered
                    else:
                        next_dwfm = now + dt
                    if cold is not None:
                        break
                elif priority == sample:
                    # One row: the minute, then each series' availability (resources, then services).
                    # Exact values: CascadeResult.availability rounds them when it is read.
                    if plan is None:
                        plan = dependents.sampling_plan()
                    samples_append((now, 1.0 if dynamodb_ok else 0.0,
                                    1.0 if ec2_ok else leased / droplets * (0.5 if throttled else 1.0),
                                    1.0 if nlb_ok else 0.5) + (dependents.availability_values(now) if plan[1] else plan[0]))
                    next_sample = never if full else now + sample_every
                else:
                    cold = handler
                    break
            if cold is None:  # the inner loop ended at the end event
                break
        self.now, self.seq, self.events = now, seq, processed
        self.leased, self.backlog, self.network_backlog, self.pending_launches = leased, backlog, network, pending
        self.next_dwfm, self.next_network, self.next_sample = next_dwfm, next_network, next_sample
        self.peak_dwfm, self.peak_network, self.peak_launches = peak_dwfm, peak_network, peak_launches

    @staticmethod
    def _no_handler(now: float) -> None:
        raise AssertionError("the end of a run has no handler")  # run() stops on it

    def _modes(self) -> tuple[bool, float, bool, bool, bool, bool, bool, bool, bool, bool, bool, bool, bool, bool]:
        """What only a cold step changes and the inline events read: DynamoDB up, DWFM down until, admission
        limited, throttled, DynamoDB, EC2 and NLB healthy, and whether leases were lost, DWFM recovered, the
        backlog and normal propagation noted, throttles relaxed, operators intervened, everything recovered."""
        m, ok = self.milestones, self.ok
        return (self.dynamodb_up, self.dwfm_down_until, self.admission_limited, self.throttled, ok["dynamodb"],
                ok["ec2"], ok["nlb"], "dwfm_leases_lost" in m, "dwfm_recovered" in m, "network_backlog" in m,
                "network_normal" in m, "throttles_relaxed" in m, "intervention" in m, "full_recovery" in m)

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

    # ------------------------------------------------------------------ DWFM (its tick runs inline in run())
    def _leases_lost(self, now: float) -> None:
        self.note("dwfm_leases_lost", "DWFM state checks fail; droplet leases start to expire", "dwfm_leases_lost")
        self.resources_changed()

    def _collapsed(self, now: float) -> None:
        self.note("dwfm_congestive_collapse", f"{self.backlog:.0f} leases queued; every attempt times out "
                  "before it completes", "dwfm_congestive_collapse")

    def _dwfm_recovered(self, now: float) -> None:
        self.note("dwfm_recovered", "DWFM holds leases with every droplet again", "dwfm_recovered")

    def _on_intervention(self, now: float) -> None:
        self.note("intervention", "operators throttle incoming work and restart DWFM hosts", "intervention")
        self.admission_limited = self.throttled = True
        self.dwfm_down_until = now + self.p["dwfm_restart_min"]
        self.schedule(self.dwfm_down_until, "dwfm_restarted")

    def _on_dwfm_restarted(self, now: float) -> None:
        self.note("dwfm_restarted", "DWFM hosts restarted with queues cleared; admission limited", "dwfm_restarted")

    # ------------------------------------------------------------------ Network Manager, NLB, EC2 (tick inline in run())
    def _network_changed(self, now: float) -> None:
        self._network_milestones(now)  # notes only the milestones the tick reached, if any
        self.resources_changed()

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
        self.ok = ok
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

    # ------------------------------------------------------------------ result
    def result(self, dns_record_empty: bool) -> CascadeResult:
        m, clock = self.milestones, IsoClock(self.start)
        down = (m.get("dynamodb_recovered", self.now) - m["record_empty"]) if "record_empty" in m else 0.0
        ec2 = m.get("throttles_relaxed")
        spans = {**self.windows, **self.dependents.windows}
        windows = [{"service": name, "start": clock.iso(a), "end": clock.iso(b)}
                   for name, (a, b) in sorted(spans.items(), key=lambda kv: (kv[1][0], kv[0]))]
        return CascadeResult(
            dns_record_empty=dns_record_empty, dynamodb_unavailable_minutes=round(down, 3),
            dwfm_congestive_collapse="dwfm_congestive_collapse" in m,
            ec2_recovered_at=None if ec2 is None else clock.iso(ec2),
            full_recovery_at=clock.iso(m["full_recovery"]) if "full_recovery" in m else None,
            impact_windows=windows, milestones={k: clock.iso(v) for k, v in m.items()},
            horizon_reached=self.horizon_reached,
            log=self.log, series=self.series_names, samples=self.samples, events=self.events,
            max_backlogs={"dwfm": self.peak_dwfm, "network": self.peak_network, "launches": self.peak_launches})


def _series_names(services: Sequence[ServiceSpec]) -> tuple[str, ...]:
    """The availability series: each resource's, then each service's; names must be distinct."""
    names = (*_SERIES, *(s.name for s in services))
    if len(set(names)) != len(names):
        raise ValueError(f"service names must be distinct and differ from {', '.join(_SERIES)}: {names[3:]}")
    return names
