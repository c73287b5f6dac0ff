"""Blast radius: every component the incident hit, and the path that explains why.

A component is hit **directly** when an event of the incident (other than a
recovery or mitigation) AFFECTS it or lists it in ``components``; its path is
the shortest causal path from a root cause to that event, then the component.
It is hit **through a dependency** when it DEPENDS_ON a hit component; its path
is that component's path followed by it. Paths are real paths in the graph:
CAUSES edges between events, the AFFECTS link, then DEPENDS_ON edges walked
from the dependency to the dependent.
"""

from __future__ import annotations

from collections import deque

import networkx as nx

from analysis.findings import AffectedComponent, BlastRadius
from analysis.node_view import node_label
from analysis.roles import assignment
from graph.schema import NodeId

HARMLESS_KINDS = frozenset({"recovery", "mitigation"})


def blast_radius(graph: nx.MultiDiGraph) -> BlastRadius:
    """Every affected component with its explaining path, nearest to the root cause first.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("i:e:x", label="Event", incident="i", summary="outage", kind="failure")
    >>> g.add_node("i:c:db", label="Component", incident="i", name="DB", kind="service")
    >>> g.add_node("i:c:app", label="Component", incident="i", name="App", kind="customer")
    >>> _ = g.add_edge("i:e:x", "i:c:db", key="AFFECTS"); _ = g.add_edge("i:c:app", "i:c:db", key="DEPENDS_ON")
    >>> [(c.id, c.path, c.via) for c in blast_radius(g).components]
    [('i:c:db', ['i:e:x', 'i:c:db'], 'AFFECTS'), ('i:c:app', ['i:e:x', 'i:c:db', 'i:c:app'], 'DEPENDS_ON')]
    """
    asg = assignment(graph)
    parent = _root_parents(asg.cg.dag, asg.roots)
    paths: dict[NodeId, tuple[list[NodeId], str]] = {}
    for component, event in _direct_hits(graph, parent).items():
        paths[component] = (_path_to(parent, event) + [component], "AFFECTS")
    queue = deque(sorted(paths, key=lambda c: (len(paths[c][0]), c)))
    while queue:
        hit = queue.popleft()
        for dependent, _, key in sorted(graph.in_edges(hit, keys=True)):
            if key == "DEPENDS_ON" and dependent not in paths:
                paths[dependent] = (paths[hit][0] + [dependent], "DEPENDS_ON")
                queue.append(dependent)
    items = [AffectedComponent(c, node_label(graph, c), str(graph.nodes[c].get("kind", "")), path,
                               [node_label(graph, n) for n in path], via) for c, (path, via) in paths.items()]
    return BlastRadius(sorted(items, key=lambda a: (len(a.path), a.via, a.label, a.id)))


def _root_parents(dag: nx.DiGraph, roots: list[NodeId]) -> dict[NodeId, tuple[NodeId | None, int]]:
    """For every event below the roots: its predecessor on a shortest path from the nearest root, and the depth."""
    parent: dict[NodeId, tuple[NodeId | None, int]] = {r: (None, 0) for r in roots}
    queue = deque(roots)
    while queue:
        node = queue.popleft()
        depth = parent[node][1] + 1
        for nxt in sorted(dag.successors(node)):
            if nxt not in parent:
                parent[nxt] = (node, depth)
                queue.append(nxt)
    return parent


def _path_to(parent: dict[NodeId, tuple[NodeId | None, int]], event: NodeId) -> list[NodeId]:
    path: list[NodeId] = []
    node: NodeId | None = event
    while node is not None:
        path.append(node)
        node = parent[node][0] if node in parent else None
    return path[::-1]


def _direct_hits(graph: nx.MultiDiGraph, parent: dict[NodeId, tuple[NodeId | None, int]]) -> dict[NodeId, NodeId]:
    """Each directly hit component and the event that best explains it (shortest root path, then earliest)."""
    best: dict[NodeId, tuple] = {}
    for event, attrs in graph.nodes(data=True):
        if attrs.get("label") != "Event" or attrs.get("kind") in HARMLESS_KINDS:
            continue
        targets = {v for _, v, k in graph.out_edges(event, keys=True) if k == "AFFECTS"}
        targets |= {c for c in attrs.get("components") or [] if c in graph
                    and graph.nodes[c].get("label") == "Component"}
        rank = (parent[event][1] if event in parent else 10**9, str(attrs.get("at") or "~"), event)
        for component in targets:
            if component not in best or rank < best[component]:
                best[component] = rank
    return {component: rank[2] for component, rank in best.items()}
