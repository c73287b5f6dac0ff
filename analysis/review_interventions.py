"""Candidate action items from graph interventions: what removing each cause of the incident would have averted.

Every root cause, trigger and contributing factor (by :func:`analysis.roles.assign_roles`) is
removed in turn with :func:`analysis.counterfactual.graph_intervention`; the events and components
averted are counted, and among them the **customer-facing impacts**: the observed effects (events
in the role of an impact, a first symptom or a symptom: what users and operators saw) and the
components of kind ``customer``. Items are ranked by those impacts weighted by the
confidence of the cause's role, so they need no model: every incident with a causal graph has them.

>>> g = nx.MultiDiGraph()
>>> g.add_node("i:e:push", label="Event", incident="i", summary="config push", kind="action")
>>> g.add_node("i:e:down", label="Event", incident="i", summary="checkout errors", kind="impact")
>>> _ = g.add_edge("i:e:push", "i:e:down", key="CAUSES", type="CAUSES", confidence=0.9)
>>> [(i.node_id, i.role, i.customer_impacts) for i in intervention_items(g)]
[('i:e:push', 'root_cause', 1)]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx

from analysis.counterfactual import graph_intervention
from analysis.node_view import node_label
from analysis.roles import assign_roles
from graph.schema import NodeId

CAUSE_ROLES = ("root_cause", "trigger", "contributing_factor")
FACING_ROLES = frozenset({"impact", "first_symptom", "symptom"})  # observed effects, not inner workings
ROLE_NAMES = {"root_cause": "root cause", "trigger": "trigger", "contributing_factor": "contributing factor"}
MAX_CANDIDATES = 60  # causes tried per review, the most confident first: each try walks the causal graph once
MAX_NAMED = 5  # averted impacts named in one item's effect; the counts say the rest


@dataclass(frozen=True)
class InterventionItem:
    """One cause removed: its role and confidence, and what its removal averts."""

    node_id: NodeId
    label: str
    role: str
    confidence: float
    events: int
    components: int
    impacts: tuple[str, ...]

    @property
    def customer_impacts(self) -> int:
        return len(self.impacts)

    @property
    def score(self) -> float:
        """Customer-facing impacts averted, weighted by the confidence of the cause's role."""
        return round(self.customer_impacts * self.confidence, 2)

    def row(self) -> dict[str, Any]:
        """The item as a row of the review's action items table."""
        role = ROLE_NAMES[self.role]
        named = ", ".join(self.impacts[:MAX_NAMED]) + (" ..." if len(self.impacts) > MAX_NAMED else "")
        return {"Action item": f"Prevent the {role} \u201c{self.label}\u201d", "Basis": "graph intervention",
                "Change": f"remove {self.node_id}",
                "Verdict": f"averts {self.customer_impacts} customer-facing impact"
                           f"{'' if self.customer_impacts == 1 else 's'}",
                "Effect": f"averts {named}" if named else f"averts {self.events} events and {self.components} "
                                                          "components, no customer-facing impact",
                "Averted events": self.events, "Averted components": self.components,
                "Customer impacts averted": self.customer_impacts, "Confidence": round(self.confidence, 2),
                "Score": self.score}


def intervention_items(graph: nx.MultiDiGraph) -> list[InterventionItem]:
    """One item per cause (root cause, trigger, contributing factor) of ``graph``, best first: by score, then more
    customer-facing impacts, more events averted, then node id. At most MAX_CANDIDATES causes are tried."""
    roles = assign_roles(graph)
    causes = sorted((n for n, r in roles.items() if r.role in CAUSE_ROLES),
                    key=lambda n: (CAUSE_ROLES.index(roles[n].role), -roles[n].confidence, n))[:MAX_CANDIDATES]
    facing = _customer_facing(graph, roles)
    items = []
    for node in causes:
        result = graph_intervention(graph, [node])
        averted = [n for n in result.averted if n != node]
        events = sum(1 for n in averted if graph.nodes[n].get("label") == "Event")
        impacts = tuple(node_label(graph, n) for n in averted if n in facing)
        items.append(InterventionItem(node, node_label(graph, node), roles[node].role, roles[node].confidence,
                                      events, len(averted) - events, impacts))
    return sorted(items, key=lambda i: (-i.score, -i.customer_impacts, -i.events, i.node_id))


def _customer_facing(graph: nx.MultiDiGraph, roles: dict[NodeId, Any]) -> set[NodeId]:
    """Events in an observed role (FACING_ROLES) and components of kind ``customer``."""
    return {n for n, a in graph.nodes(data=True)
            if (a.get("label") == "Event" and n in roles and roles[n].role in FACING_ROLES)
            or (a.get("label") == "Component" and a.get("kind") == "customer")}
