"""What the executable model is made of: elements, parameters, scenarios, fixes, and its links to a graph.

>>> data = model_overview().to_dict()
>>> "never_delete_live_plan" in data["fixes"], "baseline" in data["scenarios"]
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx

from analysis.model.dns_race import FIXES
from analysis.model.links import Element, elements, incident_of, stored_links
from analysis.model.scenarios import parameters, scenario_names
from analysis.model.scope import ModelScope, graph_scope


@dataclass
class ModelOverview:
    """The model's parts; ``links`` pairs every element with its graph node (None without a graph or a match)."""

    elements: list[Element]
    parameters: list[dict[str, Any]]
    scenarios: list[str]
    fixes: list[str]
    links: list[dict[str, Any]]
    unlinked: list[str]
    scope: ModelScope | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {"elements": [e.to_dict() for e in self.elements], "parameters": self.parameters,
               "scenarios": self.scenarios, "fixes": self.fixes, "links": self.links, "unlinked": self.unlinked}
        if self.scope is not None:
            out["scope"] = self.scope.to_dict()
        return out


def model_overview(graph: nx.MultiDiGraph | None = None) -> ModelOverview:
    """Describe the model; with an incident's exported graph, each element's stored link (its MODELS edge) if the
    model describes the incident (``scope`` says whether and why)."""
    linked: dict[str, str] = {}
    scope = None
    if graph is not None:
        scope = graph_scope(graph)
        linked = dict(stored_links(graph, incident_of(graph)).links) if scope.applies else {}
    all_elements = list(elements())
    links = [{"element": e.element, "node_id": linked.get(e.element)} for e in all_elements]
    unlinked = [e.element for e in all_elements if e.element not in linked] if graph is not None else []
    return ModelOverview(all_elements, [p.to_dict() for p in parameters().values()], scenario_names(), list(FIXES),
                         links, unlinked, scope)
