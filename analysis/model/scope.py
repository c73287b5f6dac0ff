"""Whether the executable model describes an incident: all of its core elements link to the incident's nodes.

The model describes one failure mechanism (the DynamoDB DNS race and the EC2 cascade). Its core
elements (``core`` in params/elements.json) are those without which it is not about an incident;
a single matching alias ("DNS", "database") is not enough. Out of scope, its scenarios and sweeps
would answer with DynamoDB and EC2 numbers about some other outage, so they are refused.

>>> from analysis.model.links import LinkReport
>>> scope = model_scope(LinkReport([("dynamodb", "i:c:dynamodb")], ["race_condition"]), "i")
>>> scope.applies, scope.linked, scope.missing
(False, 3, ['race_condition'])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx

from analysis.model.links import LinkReport, elements, has_model_nodes, incident_of, link_elements, stored_links
from graph.errors import Conflict

MODEL_NAME = "the executable model of the DynamoDB DNS race and EC2 cascade"


@dataclass(frozen=True)
class ModelScope:
    """One incident against the model's core elements: how many link and which do not."""

    incident_id: str
    core: list[str]
    missing: list[str]

    @property
    def applies(self) -> bool:
        return not self.missing

    @property
    def linked(self) -> int:
        return len(self.core) - len(self.missing)

    def reason(self) -> str:
        """Why the model applies or not, in one sentence naming the core elements that found no node."""
        counted = f"{self.linked} of {len(self.core)} core elements link"
        if self.applies:
            return f"{MODEL_NAME} describes incident {self.incident_id}: {counted}"
        names = ", ".join(_name(e) for e in self.missing)
        return f"{MODEL_NAME} does not describe incident {self.incident_id}: {counted} (missing: {names})"

    def to_dict(self) -> dict[str, Any]:
        return {"applies": self.applies, "reason": self.reason(), "core": list(self.core),
                "missing": list(self.missing)}


class ModelOutOfScope(Conflict):
    """A model scenario or sweep was asked of an incident the model does not describe (web: 409)."""

    def __init__(self, scope: ModelScope) -> None:
        super().__init__(f"{scope.reason()}; graph interventions ({{\"remove\": [node ids]}}) still answer for it")
        self.scope = scope


def model_scope(report: LinkReport, incident_id: str) -> ModelScope:
    """The scope of the model for the incident whose links are ``report``."""
    return ModelScope(incident_id, [e.element for e in elements() if e.core], report.missing_core)


def graph_scope(graph: nx.MultiDiGraph) -> ModelScope:
    """The scope of the model for one incident's exported graph, from its stored links (``links.stored_links``).

    An incident with no model node stored is out of scope; which core elements its text lacks is then found
    by matching (the reason names them), but only to explain: nothing links that the store does not hold.
    """
    iid = incident_of(graph)
    stored = stored_links(graph, iid)
    if stored.applies or has_model_nodes(graph):
        return model_scope(stored, iid)
    matched = link_elements(graph, iid)
    return model_scope(stored if matched.applies else matched, iid)


def require_scope(graph: nx.MultiDiGraph) -> None:
    """Raise ModelOutOfScope unless the model applies to the incident of ``graph`` (its stored links)."""
    scope = graph_scope(graph)
    if not scope.applies:
        raise ModelOutOfScope(scope)


def _name(element: str) -> str:
    """An element's name in params/elements.json, for messages."""
    return next(e.name for e in elements() if e.element == element)
