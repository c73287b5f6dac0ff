"""Named model scenarios loaded from params/: parameters with bounds, overrides, fixes and expected verdicts.

A scenario runs the whole model: the timed DNS race decides whether the record empties, then the
cascade runs from that outcome. Nothing about the outcome is a flag in the scenario file.

>>> sorted(scenario_names())[:3]
['baseline', 'dwfm_backoff', 'faster_dns_repair']
>>> validated_overrides({"lease_timeout_min": 1000})
Traceback (most recent call last):
...
analysis.model.scenarios.ParameterOutOfBounds: lease_timeout_min=1000 is outside its bounds [1, 240] min
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from analysis.model.cascade import simulate
from analysis.model.dns_race import FIXES
from analysis.model.dns_schedule import TimedConfig, TimedRun, timed_run
from analysis.model.records import CascadeResult, Parameter, ServiceSpec
from graph.errors import InputRejected

PARAMS_DIR = Path(__file__).resolve().parent / "params"


class ParameterOutOfBounds(InputRejected):
    """A parameter override is unknown, not a number, or outside its bounds; the message names the bounds."""


class UnknownScenario(InputRejected):
    """No scenario has this name; the message lists the names."""


@dataclass(frozen=True)
class Scenario:
    """A named configuration of the model and the verdict it is expected to reach (data, from params/scenarios)."""

    name: str
    description: str
    start: str
    parameters: dict[str, float] = field(default_factory=dict)
    fixes: tuple[str, ...] = ()
    expect: dict[str, Any] = field(default_factory=dict)
    calibration: dict[str, str] = field(default_factory=dict)


@dataclass
class ScenarioRun:
    """One run: the scenario, the parameters it used, the DNS race's timed run and the cascade's result."""

    scenario: Scenario
    parameters: dict[str, float]
    dns: TimedRun
    cascade: CascadeResult


@cache
def parameters() -> dict[str, Parameter]:
    """Every model parameter by name, with unit, bounds, default (the calibrated baseline) and meaning."""
    raw = json.loads((PARAMS_DIR / "parameters.json").read_text())["parameters"]
    return {p["name"]: Parameter(p["name"], p["unit"], p["default"], p["min"], p["max"], p["description"],
                                 bool(p.get("integer", False)))
            for p in raw}


@cache
def services() -> tuple[ServiceSpec, ...]:
    """The dependent services the cascade models (params/services.json)."""
    raw = json.loads((PARAMS_DIR / "services.json").read_text())["services"]
    return tuple(ServiceSpec(s["name"], tuple(s["depends_on"]), s["backlog_per_min"], s["drain_per_min"]) for s in raw)


@cache
def _scenarios() -> dict[str, Scenario]:
    out = {}
    for path in sorted((PARAMS_DIR / "scenarios").glob("*.json")):
        raw = json.loads(path.read_text())
        out[raw["name"]] = Scenario(raw["name"], raw["description"], raw["start"], dict(raw.get("parameters", {})),
                                    tuple(raw.get("fixes", ())), dict(raw.get("expect", {})),
                                    dict(raw.get("calibration", {})))
    return out


def scenario_names() -> list[str]:
    """Names of every scenario in params/scenarios, sorted."""
    return sorted(_scenarios())


def scenario(name: str) -> Scenario:
    """The scenario called ``name``; raises UnknownScenario listing the names."""
    found = _scenarios().get(name)
    if found is None:
        raise UnknownScenario(f"unknown scenario {name!r}; known scenarios: {', '.join(scenario_names())}")
    return found


def validated_overrides(overrides: Mapping[str, Any]) -> dict[str, float]:
    """Return ``overrides`` as numbers after checking each name and bound; raise ParameterOutOfBounds otherwise."""
    known = parameters()
    out: dict[str, float] = {}
    for name, value in overrides.items():
        spec = known.get(name)
        if spec is None:
            raise ParameterOutOfBounds(f"unknown parameter {name!r}; known parameters: {', '.join(sorted(known))}")
        bounds = f"[{spec.min:g}, {spec.max:g}] {spec.unit}"
        if isinstance(value, bool):  # a flag given as true/false
            value = int(value)
        if not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ParameterOutOfBounds(f"{name}={value!r} is not a number; give a value in {bounds}")
        if not spec.min <= value <= spec.max:
            raise ParameterOutOfBounds(f"{name}={value:g} is outside its bounds {bounds}")
        if spec.integer and value != int(value):
            raise ParameterOutOfBounds(f"{name}={value:g} must be a whole number in {bounds}")
        out[name] = value
    return out


def parameter_value(name: str, parameter: str, overrides: Mapping[str, Any] | None = None) -> float:
    """The value ``parameter`` takes in a run of scenario ``name`` with ``overrides`` (before validation).

    >>> parameter_value("baseline", "horizon_min"), parameter_value("baseline", "horizon_min", {"horizon_min": 60})
    (4320, 60)
    """
    for source in (overrides or {}, scenario(name).parameters):
        if parameter in source:
            return source[parameter]
    return parameters()[parameter].default


def run(name: str, overrides: Mapping[str, Any] | None = None, *, rng: random.Random | None = None) -> ScenarioRun:
    """Run scenario ``name`` with optional parameter overrides: the timed DNS race, then the cascade."""
    chosen = scenario(name)
    params = {n: p.default for n, p in parameters().items()}
    params.update(validated_overrides(chosen.parameters))
    params.update(validated_overrides(overrides or {}))
    dns = timed_run(_timed_config(params, chosen.fixes), rng or random.Random(0))
    start = datetime.fromisoformat(chosen.start)
    cascade = simulate(params, services(), dns_record_empty=dns.emptied, start=start)
    return ScenarioRun(chosen, params, dns, cascade)


def _timed_config(params: Mapping[str, float], fixes: tuple[str, ...]) -> TimedConfig:
    unknown = [f for f in fixes if f not in FIXES]
    if unknown:
        raise ValueError(f"unknown fix {unknown[0]!r}; known fixes: {', '.join(FIXES)}")
    return TimedConfig(delay_s=params["enactor_delay_s"], plan_interval_s=params["plan_interval_s"],
                       write_s=params["dns_write_s"], cleanup_s=params["dns_cleanup_s"], poll_s=params["dns_poll_s"],
                       endpoints=int(params["dns_endpoints"]), plans=int(params["dns_plans"]),
                       cleanup_lag=int(params["cleanup_lag"]), fixes=frozenset(fixes))
