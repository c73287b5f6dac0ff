"""An incident graph as JSON nodes and edges for the API and the pages, optionally filtered.

Each node is ``{"id", "kind" (its label, e.g. "Event"), "label" (display text),
"role"?, "confidence"?, ...every property}``; each edge is ``{"source", "target",
"type", ...every property}``. Filters: ``kinds`` keeps nodes of those labels;
``component`` keeps that component, the events that AFFECT it or list it in
``components``, and those events' causal neighbours (one CAUSES hop either way).
Each node's payload is ``analysis.node_view.node_view``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from analysis.findings import RoleAssignment
from analysis.node_view import node_view
from graph.errors import NodeNotFound
from graph.schema import NodeId


@dataclass
class GraphPayload:
    """Nodes and edges ready to serialise."""

    nodes: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"nodes": self.nodes, "edges": self.edges}


def _component_nodes(graph: nx.MultiDiGraph, component: NodeId) -> set[NodeId]:
    if component not in graph or graph.nodes[component].get("label") != "Component":
        raise NodeNotFound(component)
    events = {u for u, _, key in graph.in_edges(component, keys=True) if key == "AFFECTS"}
    events |= {n for n, a in graph.nodes(data=True)
               if a.get("label") == "Event" and component in (a.get("components") or [])}
    neighbours: set[NodeId] = set()
    for event in events:
        neighbours |= {v for _, v, key in graph.out_edges(event, keys=True) if key == "CAUSES"}
        neighbours |= {u for u, _, key in graph.in_edges(event, keys=True) if key == "CAUSES"}
    return {component} | events | neighbours


def graph_payload(graph: nx.MultiDiGraph, *, kinds: set[str] | None = None, component: str | None = None,
                  roles: dict[NodeId, RoleAssignment] | None = None) -> GraphPayload:
    """The incident graph as JSON nodes and edges, filtered by node ``kinds`` and/or a ``component`` id.

    Raises NodeNotFound if ``component`` is given but is not a Component of this graph.
    """
    keep = set(graph.nodes)
    if kinds:
        keep = {n for n in keep if graph.nodes[n].get("label") in kinds}
    if component:
        keep &= _component_nodes(graph, component)
    roles = roles or {}
    nodes = [node_view(graph, n, roles.get(n)) for n in sorted(keep)]
    edges = []
    for u, v, key, attrs in sorted(graph.edges(keys=True, data=True), key=lambda e: (e[2], e[0], e[1])):
        if u in keep and v in keep:
            edges.append({**attrs, "source": u, "target": v, "type": attrs.get("type", key)})
    return GraphPayload(nodes, edges)
