"""Candidate action items of a review: causes removed from the graph, and model runs where the model applies.

Every incident gets the items of :mod:`analysis.review_interventions` (what removing each cause
averts in its graph). Where the model describes the incident, every fix scenario the model offers is run against the incident graph with
:func:`analysis.counterfactual.run_scenario`; its outcome is compared with the
baseline field by field (times earlier or later, minutes more or fewer, flags
switched) and by its service impact windows: a run with none left *prevents*
the outage, one with fewer impact minutes *shortens* it, the others have no
effect in the model. The graph nodes the run averts are counted alongside.

>>> outcome_changes({"full_recovery_at": "2025-10-20T20:50:00Z", "dns_record_empty": True},
...                 {"full_recovery_at": "2025-10-20T12:20:00Z", "dns_record_empty": True})
['full recovery at 2025-10-20 12:20 UTC instead of 20:50 (8 h 30 min earlier)']
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import pandas as pd

from analysis.counterfactual import run_scenario
from analysis.model.scenarios import Scenario, scenario, scenario_names
from analysis.model.scope import graph_scope
from analysis.review_interventions import intervention_items
from analysis.review_tables import parse_utc, span_text

Answer = dict[str, Any]
COLUMNS = ["Action item", "Basis", "Scenario", "Change", "Verdict", "Effect", "Averted events", "Averted components",
           "Customer impacts averted", "Confidence", "Score"]
VERDICT_ORDER = {"prevents the outage": 0, "shortens the outage": 1, "no effect in the model": 2}


def _plain(value: Any) -> Any:
    return value.to_dict() if hasattr(value, "to_dict") else value


def _change(key: str, before: Any, after: Any) -> tuple[str, bool] | None:
    """A sentence for one outcome field that differs, and whether the change is an improvement."""
    name = key.removesuffix("_at").removesuffix("_minutes").replace("_", " ")
    if isinstance(before, bool) or isinstance(after, bool):
        if before == after:
            return None
        return f"{name}: {'yes' if before else 'no'} \u2192 {'yes' if after else 'no'}", before is True
    if key.endswith("_at"):
        old, new = parse_utc(str(before)), parse_utc(str(after))
        if old is not None and after is None:
            return f"{name}: never needed (baseline {old:%Y-%m-%d %H:%M} UTC)", True
        if old is None or new is None or old == new:
            return None
        gap = span_text(abs((new - old).total_seconds()) / 60)
        text = f"{name} at {new:%Y-%m-%d %H:%M} UTC instead of {old:%H:%M} ({gap} {'earlier' if new < old else 'later'})"
        return text, new < old
    if key.endswith("_minutes") and isinstance(before, (int, float)) and isinstance(after, (int, float)) \
            and before != after:
        return f"{name} minutes: {before:g} \u2192 {after:g}", after < before
    return None


def outcome_changes(baseline: Answer, counterfactual: Answer) -> list[str]:
    """Every scalar outcome that differs between the baseline run and the counterfactual, as sentences."""
    out = []
    for key in baseline:
        found = _change(key, baseline.get(key), counterfactual.get(key)) if key in counterfactual else None
        if found:
            out.append(found[0])
    return out


def impact_minutes(run: Answer) -> float | None:
    """Total minutes of service impact in one model run (sum of its impact windows), None if it reports none.

    >>> impact_minutes({"impact_windows": [{"start": "2025-10-20T06:48:00Z", "end": "2025-10-20T07:18:00Z"}]})
    30.0
    """
    windows = run.get("impact_windows")
    if windows is None:
        return None
    total = 0.0
    for window in windows:
        start, end = parse_utc(str(window.get("start"))), parse_utc(str(window.get("end")))
        if start and end:
            total += (end - start).total_seconds() / 60
    return total


def verdict(result: Answer) -> str:
    """"prevents the outage", "shortens the outage" or "no effect in the model" for one scenario run.

    Judged on the model's service impact windows: none left is prevention, fewer impact minutes is
    shortening; runs without impact windows are judged by whether any outcome improved.
    """
    base, cf = result.get("baseline") or {}, result.get("counterfactual") or {}
    before, after = impact_minutes(base), impact_minutes(cf)
    if before is not None and after is not None:
        if before > 0 and after == 0:
            return "prevents the outage"
        return "shortens the outage" if after < before else "no effect in the model"
    improved = [found[1] for key in base if key in cf and (found := _change(key, base[key], cf[key]))]
    return "shortens the outage" if any(improved) else "no effect in the model"


def candidate_scenarios(baseline: str = "baseline") -> list[Scenario]:
    """Every model scenario except the baseline: each is a change someone could make or investigate."""
    return [scenario(name) for name in sorted(scenario_names()) if name != baseline]


def change_text(item: Scenario) -> str:
    """What a scenario changes against the baseline: its fixes and its parameter overrides.

    >>> change_text(Scenario("x", "", "", {"dns_detect_min": 10}, ("single_enactor",)))
    'fix single_enactor; dns_detect_min = 10'
    """
    parts = [f"fix {fix}" for fix in item.fixes]
    parts += [f"{name} = {value:g}" for name, value in sorted(item.parameters.items())]
    return "; ".join(parts) or "no change"


def model_describes(graph: nx.MultiDiGraph) -> bool:
    """Whether the executable model is about this incident: all its core elements link (analysis.model.scope)."""
    return graph_scope(graph).applies


def action_items_table(graph: nx.MultiDiGraph) -> pd.DataFrame:
    """Candidate action items: first one per cause removed from the graph (analysis.review_interventions), ranked
    by customer-facing impacts averted weighted by confidence; then, where the model describes the incident
    (:func:`model_describes`), one per model scenario with the verdict of its run."""
    rows = [item.row() for item in intervention_items(graph)]
    if model_describes(graph):
        rows += scenario_rows(graph)
    return pd.DataFrame(rows, columns=COLUMNS)


def scenario_rows(graph: nx.MultiDiGraph) -> list[dict[str, Any]]:
    """One row per model scenario: the action, what the model run shows it changes, and the verdict, best first."""
    rows = []
    for item in candidate_scenarios():
        result = _plain(run_scenario(item.name, graph=graph))
        changes = outcome_changes(result.get("baseline") or {}, result.get("counterfactual") or {})
        rows.append({"Action item": item.description, "Basis": "model scenario", "Scenario": item.name,
                     "Change": change_text(item), "Verdict": verdict(result),
                     "Effect": "; ".join(changes) or "no outcome changes",
                     "Averted events": len(result.get("averted") or [])})
    rows.sort(key=lambda row: (VERDICT_ORDER[row["Verdict"]], row["Scenario"]))
    return rows
