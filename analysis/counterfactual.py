"""Counterfactuals compared with the baseline: graph interventions, model scenarios, and parameter sweeps.

Graph intervention semantics (on an incident's exported graph):

* removed nodes are averted;
* an Event is averted when it has causes (``CAUSES`` edges into it) and every one of them is averted,
  or when an averted cause's edge is marked ``jointly`` (the text says that cause was jointly
  necessary, so removing it alone is enough);
* an Event with no recorded cause is never averted unless removed (nothing says what else caused it);
* a Component is averted when every Event that ``AFFECTS`` it is averted; components no event
  affects are not counted;
* this is the least fixed point, so events on a causal cycle are averted only through a cause from outside the cycle.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> for n in ("root", "dns", "lambda_errors"):
...     g.add_node(n, label="Event")
>>> g.add_node("lambda", label="Component")
>>> _ = g.add_edge("root", "dns", key="CAUSES", type="CAUSES")
>>> _ = g.add_edge("dns", "lambda_errors", key="CAUSES", type="CAUSES")
>>> _ = g.add_edge("lambda_errors", "lambda", key="AFFECTS", type="AFFECTS")
>>> graph_intervention(g, ["root"]).averted
['dns', 'lambda', 'lambda_errors', 'root']
"""

from __future__ import annotations

import functools
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import networkx as nx

from analysis.model import scenarios
from analysis.model.links import LinkReport, elements, incident_of, stored_links, timepoints_at
from analysis.model.scenarios import UnknownScenario  # noqa: F401  (re-exported: callers catch it from here)
from analysis.model.scope import require_scope
from graph.errors import LimitExceeded, NodeNotFound
from graph.schema import NodeId

SWEEP_CAP = 2000  # points per sweep: 2,000 runs take about 10 s on two cores
PARALLEL_MIN = 64  # below this a process pool costs more than it saves
RUN_CACHE_SIZE = 128  # memoized scenario runs; the baseline run pickles to about 25 kB
HORIZON_SETTING = "SIM_MAX_HOURS"  # what a caller's ``max_hours`` is called where it is configured (web.limits)


class HorizonTooLong(LimitExceeded):
    """A run would simulate longer than the caller's ``max_hours`` allows (checked before anything runs)."""

    def __init__(self, hours: float, limit: int) -> None:
        super().__init__(HORIZON_SETTING, limit, f"the simulation horizon is {hours:g} hours; the limit is {limit} "
                                                 f"({HORIZON_SETTING}): shorten it")


def check_horizon(scenario: str, params: Mapping[str, Any] | None, max_hours: int | None, *,
                  swept: Sequence[float] = ()) -> None:
    """Raise HorizonTooLong if a run of ``scenario`` with ``params`` (or with any ``swept`` value of
    ``horizon_min``) would simulate more than ``max_hours``; a value that is not a number is left to the
    parameter's own validation.

    >>> check_horizon("baseline", {"horizon_min": 73 * 60}, 72)
    Traceback (most recent call last):
    ...
    analysis.counterfactual.HorizonTooLong: the simulation horizon is 73 hours; the limit is 72 (SIM_MAX_HOURS): shorten it
    """
    if max_hours is None:
        return
    minutes = max(swept) if swept else scenarios.parameter_value(scenario, "horizon_min", params)
    if isinstance(minutes, (int, float)) and not minutes / 60 <= max_hours:  # also refuses NaN
        raise HorizonTooLong(minutes / 60, max_hours)


@dataclass
class CounterfactualResult:
    """A counterfactual next to the baseline: both summaries, the nodes averted and those that remain."""

    baseline: dict[str, Any]
    counterfactual: dict[str, Any]
    averted: list[NodeId]
    remaining: list[NodeId]
    scenario: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {"baseline": self.baseline, "counterfactual": self.counterfactual,
               "averted": self.averted, "remaining": self.remaining}
        if self.scenario is not None:
            out["scenario"] = self.scenario
        return out


@dataclass
class SweepResult:
    """One parameter varied over ``values`` (optionally against a second one, on a grid): the outcome at each
    point, and the ranges of values where DWFM falls into congestive collapse."""

    parameter: str
    scenario: str
    points: list[dict[str, Any]]
    seconds: float
    workers: int
    collapse_ranges: list[list[float]] = field(default_factory=list)
    params: dict[str, float] = field(default_factory=dict)
    against: str | None = None
    boundary: list[dict[str, Any]] | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {"parameter": self.parameter, "scenario": self.scenario, "params": self.params, "points": self.points,
               "collapse_ranges": self.collapse_ranges, "seconds": round(self.seconds, 4), "workers": self.workers}
        if self.against is not None:
            out["against"], out["boundary"] = self.against, self.boundary
        return out


def collapse_ranges(points: Sequence[Mapping[str, Any]]) -> list[list[float]]:
    """``[first, last]`` value of each run of neighbouring points (by value) where DWFM collapses.

    A collapse may set in above a value (droplets), below one (lease timeout) or only inside a window
    (Enactor delay), so the runs are reported rather than a single threshold.

    >>> collapse_ranges([{"value": v, "dwfm_congestive_collapse": v in (10, 20, 36)} for v in (0, 5, 10, 20, 36, 60)])
    [[10, 36]]
    """
    out: list[list[float]] = []
    previous = False
    for point in sorted(points, key=lambda p: p["value"]):
        if point["dwfm_congestive_collapse"]:
            if previous:
                out[-1][1] = point["value"]
            else:
                out.append([point["value"], point["value"]])
        previous = point["dwfm_congestive_collapse"]
    return out


# ---------------------------------------------------------------- graph interventions
def graph_intervention(graph: nx.MultiDiGraph, remove: Sequence[NodeId]) -> CounterfactualResult:
    """Remove ``remove`` from the incident's causal graph and report which events and components are averted.

    Raises NodeNotFound for an id not in the graph.
    """
    for nid in remove:
        if nid not in graph:
            raise NodeNotFound(nid)
    events = sorted(n for n, a in graph.nodes(data=True) if a.get("label") == "Event")
    affected = _affected_components(graph)
    averted = _averted_events(graph, events, set(remove))
    gone_components = {c for c, by in affected.items() if c in remove or all(e in averted for e in by)}
    averted_all = sorted((averted & set(events)) | gone_components | set(remove))
    remaining = sorted((set(events) | set(affected)) - set(averted_all))
    baseline = {"events": len(events), "components": len(affected)}
    counterfactual = {"events": len([e for e in events if e not in averted]),
                      "components": len(set(affected) - gone_components), "removed": list(remove)}
    return CounterfactualResult(baseline, counterfactual, averted_all, remaining)


def _causes(graph: nx.MultiDiGraph, event: NodeId) -> list[tuple[NodeId, bool]]:
    return [(src, bool(data.get("jointly"))) for src, _, data in graph.in_edges(event, data=True)
            if data.get("type") == "CAUSES"]


def _averted_events(graph: nx.MultiDiGraph, events: list[NodeId], removed: set[NodeId]) -> set[NodeId]:
    averted = set(removed)
    causes = {e: _causes(graph, e) for e in events}
    changed = True
    while changed:  # least fixed point; each pass can only add
        changed = False
        for event in events:
            if event in averted or not causes[event]:
                continue
            hit = [jointly for src, jointly in causes[event] if src in averted]
            if len(hit) == len(causes[event]) or any(hit):
                averted.add(event)
                changed = True
    return averted


def _affected_components(graph: nx.MultiDiGraph) -> dict[NodeId, list[NodeId]]:
    out: dict[NodeId, list[NodeId]] = {}
    for src, dst, data in graph.edges(data=True):
        if data.get("type") == "AFFECTS" and graph.nodes[dst].get("label") == "Component":
            out.setdefault(dst, []).append(src)
    return out


# ---------------------------------------------------------------- model scenarios
def run_scenario(name: str | None, params: Mapping[str, Any] | None = None, *,
                 graph: nx.MultiDiGraph | None = None, max_hours: int | None = None) -> CounterfactualResult:
    """Run a named scenario (default baseline) with optional overrides and compare it with the baseline.

    ``averted`` are graph nodes the baseline run reaches and this run does not; without a graph they are
    model element names. Raises UnknownScenario or ParameterOutOfBounds (both InputRejected), HorizonTooLong
    past ``max_hours``, or ModelOutOfScope when ``graph`` is an incident the model does not describe.
    """
    name = name or "baseline"
    scenarios.scenario(name)  # validate before running anything
    check_horizon(name, params, max_hours)
    report = None
    if graph is not None:
        require_scope(graph)
        report = stored_links(graph, incident_of(graph))
    base = model_run("baseline")
    other = model_run(name, params)
    reached_base, reached_other = _reached(base, report), _reached(other, report)
    return CounterfactualResult(
        _summary(base, report, graph, reached_base), _summary(other, report, graph, reached_other),
        sorted(set(reached_base) - set(reached_other)), sorted(reached_other), scenario=name)


def model_run(name: str, params: Mapping[str, Any] | None = None) -> scenarios.ScenarioRun:
    """``scenarios.run(name, params)``, memoized: a run is deterministic given its scenario and parameters
    (its randomness is seeded), so equal requests share one run. The result is shared: do not modify it.

    >>> model_run("baseline") is model_run("baseline", {})
    True
    """
    key = tuple(sorted((params or {}).items()))
    try:
        hash(key)
    except TypeError:  # an unhashable value cannot be a key; it still runs (and fails validation) as before
        return scenarios.run(name, params or {})
    return _memo_run(name, key)


@functools.lru_cache(maxsize=RUN_CACHE_SIZE)
def _memo_run(name: str, params: tuple[tuple[str, Any], ...]) -> scenarios.ScenarioRun:
    return scenarios.run(name, dict(params))


def _reached(run: scenarios.ScenarioRun, report: LinkReport | None) -> list[str]:
    """Graph node ids (or element names without a graph) of what a run reached: the DNS race steps it took
    (a stale write, an emptied record), the cascade's milestones and the services it impacted."""
    impacted = {w["service"] for w in run.cascade.impact_windows}
    stepped = {element for _, element, _ in run.dns.moves}
    names = [e.element for e in elements()
             if (e.milestone and e.element in run.cascade.milestones) or (e.service and e.service in impacted)
             or e.element in stepped]
    if report is None:
        return sorted(names)
    return sorted({n for n in (report.node_of(e) for e in names) if n is not None})


def _summary(run: scenarios.ScenarioRun, report: LinkReport | None, graph: nx.MultiDiGraph | None,
             reached: list[str]) -> dict[str, Any]:
    out = run.cascade.to_dict()
    out["scenario"] = run.scenario.name
    out["fixes"] = list(run.scenario.fixes)
    out["reached"] = reached
    out["dns_race"] = {"emptied": run.dns.emptied, "at_s": run.dns.at_s,
                       "trace": [{"second": t, "element": el, "description": d} for t, el, d in run.dns.moves[-8:]]}
    if run.scenario.calibration:
        out["calibration"] = calibration(run, graph)
    return out


def calibration(run: scenarios.ScenarioRun, graph: nx.MultiDiGraph | None = None) -> list[dict[str, Any]]:
    """For each calibration target: the article's time, the model's, the gap in minutes, and the TimePoint nodes used."""
    rows = []
    for milestone, target in run.scenario.calibration.items():
        got = run.cascade.milestones.get(milestone)
        delta = None if got is None else round((_minutes(got) - _minutes(target)), 1)
        points = timepoints_at(graph, target[:16]) if graph is not None else []
        rows.append({"milestone": milestone, "target": target, "model": got, "delta_minutes": delta,
                     "timepoints": points})
    return rows


def _minutes(stamp: str) -> float:
    return datetime.fromisoformat(stamp).timestamp() / 60.0


# ---------------------------------------------------------------- sweeps
def sweep(parameter: str, values: Sequence[float], *, scenario: str = "baseline",
          graph: nx.MultiDiGraph | None = None, workers: int = 2, params: Mapping[str, Any] | None = None,
          against: tuple[str, Sequence[float]] | None = None, max_hours: int | None = None) -> SweepResult:
    """Run ``scenario`` once per value of ``parameter``, with ``params`` held fixed at every point; with
    ``against`` (a second parameter and its values) once per pair, on the grid. Big sweeps use ``workers``
    processes.

    ``graph`` adds, per point, how many of the graph's linked nodes the run reaches. A grid's ``boundary``
    gives, per value of the second parameter, the collapse ranges of the first.
    Raises UnknownScenario, ParameterOutOfBounds (unknown parameter or a value outside its bounds) or ValueError;
    HorizonTooLong past ``max_hours``; ModelOutOfScope when ``graph`` is an incident the model does not describe
    (each before any run).
    """
    scenarios.scenario(scenario)
    swept = dict([(parameter, values), *([against] if against else [])]).get("horizon_min", ())
    check_horizon(scenario, params, max_hours, swept=[v for v in swept if isinstance(v, (int, float))])
    report = None
    if graph is not None:
        require_scope(graph)
        report = stored_links(graph, incident_of(graph))
    fixed = scenarios.validated_overrides(params or {})
    axes = [(parameter, list(values))] + ([(against[0], list(against[1]))] if against else [])
    names = [name for name, _ in axes]
    if len(set(names)) != len(names):
        raise ValueError(f"sweep {parameter} against another parameter, not against itself")
    if set(fixed) & set(names):
        raise ValueError(f"params fix {', '.join(sorted(set(fixed) & set(names)))}, which the sweep varies")
    for name, points in axes:
        if not points:
            raise ValueError(f"give at least one value of {name} to sweep")
        for value in points:
            scenarios.validated_overrides({name: value})
    grid = [(v, None) for v in axes[0][1]] if not against else [(v, w) for w in axes[1][1] for v in axes[0][1]]
    if len(grid) > SWEEP_CAP:
        raise ValueError(f"{len(grid)} points exceed the sweep cap of {SWEEP_CAP}; use fewer values")
    started = time.perf_counter()
    jobs = [(scenario, {**fixed, parameter: v, **({against[0]: w} if against else {})}, v, w) for v, w in grid]
    used = workers if workers > 1 and len(jobs) >= PARALLEL_MIN else 1
    if used > 1:
        with ProcessPoolExecutor(max_workers=used) as pool:
            points = list(pool.map(_sweep_point, jobs, chunksize=max(1, len(jobs) // (used * 4))))
    else:
        points = [_sweep_point(job) for job in jobs]
    if report is not None:
        node_of = {e: report.node_of(e) for e, _ in report.links}
        for point in points:
            point["reached_nodes"] = len({node_of[e] for e in point.pop("reached") if e in node_of})
    else:
        for point in points:
            point.pop("reached")
    boundary = None
    if against:
        boundary = [{"against_value": w, "collapse_ranges": collapse_ranges([p for p in points
                                                                           if p["against_value"] == w])}
                    for w in dict.fromkeys(axes[1][1])]
    return SweepResult(parameter, scenario, points, time.perf_counter() - started, used,
                       [] if against else collapse_ranges(points), fixed, against[0] if against else None, boundary)


def _sweep_point(job: tuple[str, dict[str, float], float, float | None]) -> dict[str, Any]:
    """One sweep point (top-level so a process pool can run it)."""
    scenario, overrides, value, against_value = job
    run = scenarios.run(scenario, overrides)
    c = run.cascade
    point = {"value": value, "dns_record_empty": c.dns_record_empty,
             "dwfm_congestive_collapse": c.dwfm_congestive_collapse, "ec2_recovered_at": c.ec2_recovered_at,
             "full_recovery_at": c.full_recovery_at, "dynamodb_unavailable_minutes": c.dynamodb_unavailable_minutes,
             "horizon_reached": c.horizon_reached, "reached": _reached(run, None)}
    if against_value is not None:
        point["against_value"] = against_value
    return point
