"""Links between the model's elements and an incident's graph nodes, found by matching aliases, never by hand-written ids.

Each element of params/elements.json lists aliases and the node labels it may stand for. An alias
matches a node when every word of the alias (``analysis.text_match.words``: the one matcher, shared
with questions) occurs in one of the node's texts (``text_match.node_texts``). An element with a
``utc`` also matches a TimePoint at that minute. The best match wins: the earlier label in
``targets``, then the longer alias, then the larger share of the node's words the alias explains.

The links are stored (ModelElement nodes, MODELS edges) by ``relink`` and
``link_updates.update_links``; readers take them from the store (``stored_links``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import networkx as nx

from analysis.model.scenarios import PARAMS_DIR
from analysis.text_match import node_texts, words
from graph.schema import Edge, ModelElementNode, Node, NodeId, edge, node_id
from graph.store import GraphStore


@dataclass(frozen=True)
class Element:
    """A model element: its name in the model, kind (process, variable, event, parameter) and how to find its node."""

    element: str
    kind: str
    name: str
    aliases: tuple[str, ...]
    targets: tuple[str, ...]
    utc: str | None = None
    milestone: bool = False
    service: str | None = None
    parameter: str | None = None
    core: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"element": self.element, "kind": self.kind, "name": self.name, "aliases": list(self.aliases),
                "targets": list(self.targets), "utc": self.utc, "milestone": self.milestone,
                "service": self.service, "parameter": self.parameter, "core": self.core}


@dataclass
class LinkReport:
    """Links made (element, node id), elements left without a node, and the ModelElement nodes and MODELS edges."""

    links: list[tuple[str, NodeId]]
    unlinked: list[str]
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)

    def node_of(self, element: str) -> NodeId | None:
        return dict(self.links).get(element)

    @property
    def missing_core(self) -> list[str]:
        """The core elements (params/elements.json ``core``) left without a node, in the params' order."""
        return [e.element for e in elements() if e.core and e.element in self.unlinked]

    @property
    def applies(self) -> bool:
        """Whether the model describes the incident: every core element links to a node."""
        return not self.missing_core

    def to_dict(self) -> dict[str, Any]:
        return {"links": [{"element": e, "node_id": n} for e, n in self.links], "unlinked": list(self.unlinked)}

    def table(self) -> str:
        """A plain-text report: one line per link, then the elements left without a node."""
        width = max((len(e) for e, _ in self.links), default=7)
        lines = [f"{e.ljust(width)}  ->  {n}" for e, n in self.links]
        lines.append(f"{len(self.links)} model elements linked, {len(self.unlinked)} without a node"
                     + (f": {', '.join(self.unlinked)}" if self.unlinked else ""))
        return "\n".join(lines)


@cache
def elements() -> tuple[Element, ...]:
    """Every model element (params/elements.json)."""
    raw = json.loads((PARAMS_DIR / "elements.json").read_text())["elements"]
    return tuple(Element(e["element"], e["kind"], e["name"], tuple(e["aliases"]), tuple(e["targets"]), e.get("utc"),
                         bool(e.get("milestone")), e.get("service"), e.get("parameter"), bool(e.get("core")))
                 for e in raw)


def _best_node(element: Element, candidates: dict[str, list[tuple[NodeId, list[set[str]], int]]],
               timepoints: list[tuple[NodeId, str]]) -> NodeId | None:
    """The node ``element`` stands for: first label in its targets with a match; candidates come sorted by id,
    so among equal matches the first id wins."""
    for label in element.targets:
        if label == "TimePoint":
            hits = sorted(n for n, utc in timepoints if element.utc and utc.startswith(element.utc))
            if hits:
                return hits[0]
            continue
        best: tuple[tuple[int, float], NodeId] | None = None
        for alias in element.aliases:
            need = words(alias)
            for nid, texts, size in candidates.get(label, []) if need else []:
                if any(need <= text for text in texts):
                    key = (len(need), len(need) / max(size, 1))
                    if best is None or key > best[0]:
                        best = (key, nid)
        if best is not None:
            return best[1]
    return None


def link_elements(graph: nx.MultiDiGraph, incident_id: str) -> LinkReport:
    """Link every model element to its best-matching node of ``graph`` (one incident's exported subgraph)."""
    candidates: dict[str, list[tuple[NodeId, list[set[str]], int]]] = {}
    timepoints: list[tuple[NodeId, str]] = []
    for nid, attrs in graph.nodes(data=True):
        if attrs.get("incident", incident_id) != incident_id:
            continue
        if attrs.get("label") == "TimePoint" and attrs.get("utc"):
            timepoints.append((nid, str(attrs["utc"])))
            continue
        texts = [words(t) for t in node_texts(attrs) if t]
        if texts:
            size = len(words(" ".join(node_texts(attrs)[:1])))
            candidates.setdefault(attrs["label"], []).append((nid, texts, size))
    for found in candidates.values():
        found.sort()
    links, unlinked, nodes, edges = [], [], [], []
    for element in elements():
        me = ModelElementNode(node_id(incident_id, "ModelElement", element.element), incident_id, element.element,
                              element.kind, element.name, list(element.aliases))
        nodes.append(me.to_node())
        target = _best_node(element, candidates, timepoints)
        if target is None:
            unlinked.append(element.element)
            continue
        links.append((element.element, target))
        edges.append(edge("MODELS", me.id, target, incident_id, via="alias"))
    return LinkReport(links, unlinked, nodes, edges)


def stored_links(graph: nx.MultiDiGraph, incident_id: str) -> LinkReport:
    """The links stored in ``graph`` (one incident's export): each ModelElement node's MODELS edge, in the order of
    params/elements.json. Relinking writes them (``relink``, ``link_updates.update_links``); every reader of links
    reads them here, so an answer never links what the store does not hold."""
    model_nodes = {attrs.get("element"): nid for nid, attrs in graph.nodes(data=True)
                   if attrs.get("label") == "ModelElement" and attrs.get("incident", incident_id) == incident_id}
    targets: dict[NodeId, NodeId] = {}
    for source, target, key in sorted(graph.edges(keys=True)):
        if key == "MODELS":
            targets.setdefault(source, target)
    links = [(e.element, targets[model_nodes[e.element]]) for e in elements()
             if model_nodes.get(e.element) in targets]
    linked = {element for element, _ in links}
    return LinkReport(links, [e.element for e in elements() if e.element not in linked])


def has_model_nodes(graph: nx.MultiDiGraph) -> bool:
    """Whether ``graph`` holds any ModelElement node (a relink found the model in scope and stored its links)."""
    return any(attrs.get("label") == "ModelElement" for _, attrs in graph.nodes(data=True))


def relink(store: GraphStore, incident_id: str) -> LinkReport:
    """Link the model to one incident's graph and store the ModelElement nodes and MODELS edges (idempotent).

    Only an incident the model applies to (``LinkReport.applies``) holds them: each element's stored MODELS
    edges are replaced in the same batch, so afterwards it has exactly the edge of its current link, or none
    if it has no node any more. An incident out of scope loses any ModelElement node and MODELS edge it had
    (one whole-incident write, only when there is one to remove).
    """
    graph = store.incident_graph(incident_id)
    report = link_elements(graph, incident_id)
    if report.applies:
        replace = [("MODELS", n.id) for n in report.nodes if n.label == "ModelElement"]
        store.upsert(report.nodes, report.edges, replace=replace)
    else:
        _drop_model_nodes(store, graph, incident_id)
    return report


def _drop_model_nodes(store: GraphStore, graph: nx.MultiDiGraph, incident_id: str) -> None:
    """Rewrite the incident without its ModelElement nodes (and so without their MODELS edges), if it has any."""
    model_nodes = {n for n, a in graph.nodes(data=True) if a.get("label") == "ModelElement"}
    if not model_nodes:
        return
    nodes = [Node(a["label"], n, {k: v for k, v in a.items() if k != "label"})
             for n, a in graph.nodes(data=True) if n not in model_nodes]
    edges = [Edge(key, s, t, {k: v for k, v in a.items() if k != "type"})
             for s, t, key, a in graph.edges(keys=True, data=True) if s not in model_nodes and t not in model_nodes]
    store.replace_incident(incident_id, nodes, edges)


def steps_on_graph(steps: list[dict[str, Any]], graph: nx.MultiDiGraph, incident_id: str) -> list[dict[str, Any]]:
    """``steps`` (a model trace, each naming its ``element``) with the ``node_id`` and ``node`` (name or
    summary) of the graph node that element links to (its stored MODELS edge), for the steps whose element has
    one; unchanged when the model does not apply to the incident (nothing is stored for it)."""
    report = stored_links(graph, incident_id)
    if not report.applies:
        return list(steps)
    out = []
    for step in steps:
        nid = report.node_of(step.get("element", ""))
        if nid is not None:
            attrs = graph.nodes[nid]
            step = {**step, "node_id": nid, "node": attrs.get("name") or attrs.get("summary") or attrs.get("utc")}
        out.append(step)
    return out


def timepoints_at(graph: nx.MultiDiGraph, utc_minute: str) -> list[NodeId]:
    """Ids of the TimePoint nodes whose ``utc`` falls in the minute ``utc_minute`` ("2025-10-20T09:25"), sorted."""
    return sorted(n for n, a in graph.nodes(data=True)
                  if a.get("label") == "TimePoint" and str(a.get("utc", "")).startswith(utc_minute))


def incident_of(graph: nx.MultiDiGraph) -> str:
    """The incident id of an exported incident graph (its Incident node, else its nodes' ``incident``)."""
    for nid, attrs in graph.nodes(data=True):
        if attrs.get("label") == "Incident":
            return str(nid)
    counts: dict[str, int] = {}
    for _, attrs in graph.nodes(data=True):
        if "incident" in attrs:
            counts[attrs["incident"]] = counts.get(attrs["incident"], 0) + 1
    return max(sorted(counts), key=counts.__getitem__) if counts else ""
