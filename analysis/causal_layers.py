"""Each event's layer in a left-to-right picture of an incident's causal chains, with its cycles and loose events.

A layer is the longest CAUSES path that reaches the event, counted over the
strongly connected components (so the events of a cycle share one layer and
every other CAUSES edge goes from a lower layer to a higher one). Impacts are
then pushed right of every root cause and trigger, so the picture reads from
what broke first to what people noticed. Events with no CAUSES edge are not
layered: they are listed as mentioned but not linked.

>>> g = nx.MultiDiGraph()
>>> g.add_nodes_from(["i:e:race", "i:e:dns", "i:e:ddb", "i:e:slack"], label="Event")
>>> _ = g.add_edge("i:e:race", "i:e:dns", key="CAUSES"); _ = g.add_edge("i:e:dns", "i:e:ddb", key="CAUSES")
>>> layers = causal_layers(g, roles={"i:e:race": "root_cause", "i:e:ddb": "impact"})
>>> layers.layers
{'i:e:race': 0, 'i:e:dns': 1, 'i:e:ddb': 2}
>>> layers.unlinked, layers.chains
(['i:e:slack'], [['i:e:race', 'i:e:dns', 'i:e:ddb']])
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from analysis.causal_graph import CausalGraph, causal_graph
from graph.schema import NodeId

# Roles drawn in the first layers, and the role drawn right of all of them.
FIRST_ROLES = frozenset({"root_cause", "trigger"})
LAST_ROLES = frozenset({"impact"})
# Chains listed as text: one shortest path per (root cause, impact) pair, from at most this many root causes.
CHAIN_ROOTS = 50


@dataclass
class CausalLayers:
    """Layers of the linked events, the cycles among them, the unlinked events and root-cause-to-impact chains."""

    layers: dict[NodeId, int] = field(default_factory=dict)
    cycles: list[list[NodeId]] = field(default_factory=list)
    unlinked: list[NodeId] = field(default_factory=list)
    chains: list[list[NodeId]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"layers": self.layers, "cycles": self.cycles, "unlinked": self.unlinked, "chains": self.chains}


def causal_layers(graph: nx.MultiDiGraph, *, roles: Mapping[NodeId, str] | None = None) -> CausalLayers:
    """The layer of every event on a CAUSES edge (0 is leftmost); ``roles`` maps events to role names.

    Raises TypeError if ``graph`` is not a networkx graph.
    """
    if not isinstance(graph, nx.Graph):
        raise TypeError("graph must be an incident graph (networkx MultiDiGraph); export it with store.incident_graph")
    return _layers(causal_graph(graph), dict(roles or {}))


def _layers(cg: CausalGraph, roles: dict[NodeId, str]) -> CausalLayers:
    linked = {n for n in cg.dag if cg.dag.degree(n) > 0}
    first = {cg.scc[n] for n in linked if roles.get(n) in FIRST_ROLES}
    last = {cg.scc[n] for n in linked if roles.get(n) in LAST_ROLES} - first
    depth = _longest_paths(cg, {})
    floor = max((depth[c] for c in first), default=-1) + 1
    depth = _longest_paths(cg, {c: floor for c in last})
    layers = {n: depth[cg.scc[n]] for n in sorted(linked, key=lambda n: (depth[cg.scc[n]], n))}
    cycles = sorted(sorted(members) for _, members in cg.cond.nodes(data="members")
                    if len(members) > 1 or cg.dag.has_edge(next(iter(members)), next(iter(members))))
    unlinked = sorted(n for n in cg.dag if n not in linked)
    return CausalLayers(layers, cycles, unlinked, _chains(cg, roles, linked))


def _longest_paths(cg: CausalGraph, floors: dict[int, int]) -> dict[int, int]:
    """Longest path into each component, never below its floor (one pass in topological order)."""
    depth: dict[int, int] = {}
    for c in cg.topo:
        above = [depth[p] + 1 for p in cg.cond.predecessors(c)]
        depth[c] = max([floors.get(c, 0), *above])
    return depth


def _chains(cg: CausalGraph, roles: dict[NodeId, str], linked: set[NodeId]) -> list[list[NodeId]]:
    """The shortest CAUSES path from each root cause to each impact it reaches."""
    roots = sorted(n for n in linked if roles.get(n) == "root_cause")[:CHAIN_ROOTS]
    impacts = sorted(n for n in linked if roles.get(n) in LAST_ROLES)
    chains = []
    for root in roots:
        paths = nx.single_source_shortest_path(cg.dag, root)
        chains.extend(paths[impact] for impact in impacts if impact in paths and impact != root)
    return chains
