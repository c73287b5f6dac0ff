"""The causal structure of an incident: Events and CAUSES edges, condensed cycles, distances and paths.

Cycles are condensed into strongly connected components so reachability is
well defined; :func:`causal_cycles` reports them so none is silently dropped.
Reachability is a bitmask per component (one bit per component), computed once
in reverse topological order, so "does A lead to B" is a single AND.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import networkx as nx

from graph.schema import NodeId

CYCLE_LIMIT = 100


@dataclass
class CausalGraph:
    """An incident's Events and CAUSES edges, condensed into strongly connected components."""

    graph: nx.MultiDiGraph
    dag: nx.DiGraph
    cond: nx.DiGraph
    scc: dict[NodeId, int]
    topo: list[int]
    down: list[int] = field(default_factory=list)  # bitmask of SCCs reachable from each SCC, itself included

    def bit(self, node: NodeId) -> int:
        return 1 << self.scc[node]

    def reaches(self, source: NodeId, target: NodeId) -> bool:
        return bool(self.down[self.scc[source]] & self.bit(target))

    def has_cause(self, node: NodeId) -> bool:
        return self.dag.in_degree(node) > 0

    def kind(self, node: NodeId) -> str:
        return str(self.graph.nodes[node].get("kind") or "condition")


def causal_graph(graph: nx.MultiDiGraph) -> CausalGraph:
    """The causal graph of an exported incident graph, with reachability precomputed."""
    dag = nx.DiGraph()
    dag.add_nodes_from(sorted(n for n, a in graph.nodes(data=True) if a.get("label") == "Event"))
    for u, v, key, attrs in graph.edges(keys=True, data=True):
        if key == "CAUSES" and u in dag and v in dag:
            dag.add_edge(u, v, **attrs)
    cond, scc = _condensation(dag)
    topo = list(nx.topological_sort(cond))
    down = [0] * len(topo)
    for c in reversed(topo):
        mask = 1 << c
        for d in cond.successors(c):
            mask |= down[d]
        down[c] = mask
    return CausalGraph(graph, dag, cond, scc, topo, down)


def _condensation(dag: nx.DiGraph) -> tuple[nx.DiGraph, dict[NodeId, int]]:
    """Each strongly connected component as one node (with its ``members``), and the node -> component map.

    Same result as ``nx.condensation``, built directly because that one is slow on 10,000-event incidents.
    """
    scc: dict[NodeId, int] = {}
    cond = nx.DiGraph()
    components = list(nx.strongly_connected_components(dag))
    for index, members in enumerate(components):
        for member in members:
            scc[member] = index
    cond.add_nodes_from((index, {"members": members}) for index, members in enumerate(components))
    cond.add_edges_from({(scc[u], scc[v]) for u, v in dag.edges() if scc[u] != scc[v]})
    return cond, scc


def causal_cycles(graph: nx.MultiDiGraph) -> list[list[NodeId]]:
    """Every causal cycle (up to 100), each as the list of its events; empty for a DAG.

    >>> g = nx.MultiDiGraph()
    >>> g.add_nodes_from(["i:e:a", "i:e:b"], label="Event", incident="i")
    >>> _ = g.add_edge("i:e:a", "i:e:b", key="CAUSES"); _ = g.add_edge("i:e:b", "i:e:a", key="CAUSES")
    >>> causal_cycles(g)
    [['i:e:a', 'i:e:b']]
    """
    return cycles_of(causal_graph(graph))


def cycles_of(cg: CausalGraph) -> list[list[NodeId]]:
    """The cycles of an already built causal graph (only strongly connected components can hold one)."""
    if all(len(members) == 1 for _, members in cg.cond.nodes(data="members")) and nx.number_of_selfloops(cg.dag) == 0:
        return []
    cycles = [_rotate(c) for c in itertools.islice(nx.simple_cycles(cg.dag), CYCLE_LIMIT)]
    return sorted(cycles, key=lambda c: (len(c), c))


def _rotate(cycle: list[NodeId]) -> list[NodeId]:
    start = cycle.index(min(cycle))
    return cycle[start:] + cycle[:start]


def breadth_first(cg: CausalGraph, starts: Iterable[NodeId],
                  stop: frozenset[NodeId] | set[NodeId] = frozenset()) -> dict[NodeId, tuple[int, NodeId]]:
    """(causal distance, nearest start) for every event below ``starts``, not expanding past ``stop`` events."""
    starts = list(dict.fromkeys(starts))
    found = {s: (0, s) for s in starts}
    queue = deque(starts)
    while queue:
        node = queue.popleft()
        dist, origin = found[node]
        if node in stop and dist > 0:
            continue
        for nxt in cg.dag.successors(node):
            if nxt not in found:
                found[nxt] = (dist + 1, origin)
                queue.append(nxt)
    return found


def simple_paths(cg: CausalGraph, starts: Iterable[NodeId], target: NodeId, *,
                 limit: int) -> tuple[list[list[NodeId]], bool]:
    """Up to ``limit`` simple causal paths from any of ``starts`` to ``target``, shortest first; and whether capped.

    A path that is the tail of another kept path is dropped (the longer one says more).
    """
    found: list[list[NodeId]] = []
    capped = False
    for start in sorted(set(starts)):
        if start == target:
            found.append([target])
            continue
        if not cg.reaches(start, target):
            continue
        paths = _paths(cg.dag, start, target)
        found.extend(itertools.islice(paths, limit + 1 - len(found)))
        if len(found) > limit:
            capped = True
            found = found[:limit]
            break
    tails = {tuple(p[i:]) for p in found for i in range(1, len(p))}
    kept = [p for p in found if tuple(p) not in tails]
    return sorted(kept, key=lambda p: (len(p), p)), capped


def _paths(dag: nx.DiGraph, start: NodeId, target: NodeId) -> Iterator[list[NodeId]]:
    return nx.all_simple_paths(dag, start, target)
