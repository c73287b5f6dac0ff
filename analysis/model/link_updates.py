"""The model's links kept current as articles arrive, at a cost that does not grow with the incident.

``links.relink`` links every element by reading the whole incident; after each article that
is an export of a graph that grows with every article. ``update_links`` gives the same links
(each element's best node by the rules of ``links``) by keeping, alongside the incident's
``graph.build.IncidentIndex``, each element's best node and its rank, and scoring only the
nodes written since the last update: a node's text only grows (merges add aliases, never take
words away), so a node that did not change cannot overtake the best one. Only links that
changed are written, in one batch through the index, so the index stays current (no export
for the next article either). Nothing is written until the model applies to the incident
(``analysis.model.scope``: every core element has a node).

A fresh index (built from the store, after another process wrote) starts with one full pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from analysis.model.links import Element, LinkReport, elements
from analysis.text_match import node_texts, words
from graph.build import IncidentIndex
from graph.errors import IncidentNotFound
from graph.schema import Edge, ModelElementNode, NodeId, edge, node_id
from graph.store import GraphStore

# (label rank, -words matched, -share of the node's words matched, alias rank, node id): smaller is better.
Rank = tuple[int, int, float, int, NodeId]
STATE_KEY = "model_links"
LINKED_LABELS = frozenset({"Component", "Event", "TimePoint"})


@dataclass
class LinkState:
    """Each element's best node and its rank, and how much of ``IncidentIndex.written`` has been scored."""

    best: dict[str, tuple[Rank, NodeId]] = field(default_factory=dict)
    seen: int = 0


def rank(element: Element, nid: NodeId, attrs: dict[str, Any]) -> Rank | None:
    """How well node ``nid`` (its stored ``attrs``) stands for ``element``; None if it cannot.

    The order is ``links._best_node``'s: the earlier label in the element's targets, then more alias
    words matched, then the larger share of the node's words, then the earlier alias, then the smaller id.
    """
    label = attrs.get("label")
    if label not in element.targets:
        return None
    label_rank = element.targets.index(label)
    if label == "TimePoint":
        utc = str(attrs.get("utc") or "")
        return (label_rank, 0, 0.0, 0, nid) if element.utc and utc and utc.startswith(element.utc) else None
    texts = [words(t) for t in node_texts(attrs) if t]
    if not texts:
        return None
    size = max(len(words(" ".join(node_texts(attrs)[:1]))), 1)
    best: Rank | None = None
    for alias_rank, alias in enumerate(element.aliases):
        need = words(alias)
        if need and any(need <= text for text in texts):
            found = (label_rank, -len(need), -len(need) / size, alias_rank, nid)
            best = found if best is None or found < best else best
    return best


def update_links(store: GraphStore, index: IncidentIndex) -> int:
    """Bring the incident's stored MODELS edges up to date with what was written through ``index``; return how
    many elements' links changed (written in one batch through the index, nothing written if none)."""
    state = index.derived.get(STATE_KEY)
    if state is None:
        state = index.derived[STATE_KEY] = LinkState()
        _score(state, _all_nodes(store, index.incident_id))
        # What was written through the index since it was built may not be in the store yet (IncidentIndex.one_write).
        _score(state, _written_nodes(store, index, 0))
    else:
        _score(state, _written_nodes(store, index, state.seen))
    state.seen = len(index.written)
    return _write_changes(store, index, state)


def link_report(index: IncidentIndex) -> LinkReport:
    """The links ``update_links`` last kept for the incident of ``index`` (each element's best node), as a report;
    ``applies`` says whether they were written (every core element has a node)."""
    state = index.derived.get(STATE_KEY) or LinkState()
    links = [(e.element, state.best[e.element][1]) for e in elements() if e.element in state.best]
    return LinkReport(links, [e.element for e in elements() if e.element not in state.best])


def _all_nodes(store: GraphStore, incident_id: str) -> list[tuple[NodeId, dict[str, Any]]]:
    try:
        graph = store.incident_graph(incident_id)
    except IncidentNotFound:
        return []
    return [(nid, attrs) for nid, attrs in graph.nodes(data=True)
            if attrs.get("label") in LINKED_LABELS and attrs.get("incident", incident_id) == incident_id]


def _written_nodes(store: GraphStore, index: IncidentIndex, start: int) -> list[tuple[NodeId, dict[str, Any]]]:
    """The linkable nodes written since ``start``, as stored now: a Component's aliases grow as accounts
    merge, so it is read back; an Event's summary and a TimePoint's time never change after the first write."""
    out = []
    for nid in dict.fromkeys(index.written[start:]):
        attrs = index.nodes.get(nid, {})
        if attrs.get("label") not in LINKED_LABELS:
            continue
        if attrs["label"] == "Component":
            stored = store.get_node(nid)
            if stored is None:
                continue
            attrs = {**stored.props, "label": stored.label}
        out.append((nid, attrs))
    return out


def _score(state: LinkState, nodes: list[tuple[NodeId, dict[str, Any]]]) -> None:
    for element in elements():
        best = state.best.get(element.element)
        for nid, attrs in nodes:
            found = rank(element, nid, attrs)
            if found is not None and (best is None or found < best[0]):
                best = (found, nid)
        if best is not None:
            state.best[element.element] = best


def _write_changes(store: GraphStore, index: IncidentIndex, state: LinkState) -> int:
    """Write the elements whose links changed, only once the model applies (every core element has a node);
    a node's text only grows, so an incident in scope stays in scope as articles arrive."""
    iid = index.incident_id
    if any(e.core and e.element not in state.best for e in elements()):
        return 0
    nodes, edges, replace = [], [], []
    for element in elements():
        me = ModelElementNode(node_id(iid, "ModelElement", element.element), iid, element.element, element.kind,
                              element.name, list(element.aliases)).to_node()
        best = state.best.get(element.element)
        wanted = {best[1]} if best is not None else set()
        stored = index.targets.get(("MODELS", me.id), set())
        if me.id in index.nodes and stored == wanted:
            continue
        nodes.append(me)
        replace.append(("MODELS", me.id))
        if best is not None:
            edges.append(_models_edge(me.id, best[1], iid))
    if nodes:
        index.upsert(store, nodes, edges, replace=replace)
    return len(nodes)


def _models_edge(source: NodeId, target: NodeId, incident_id: str) -> Edge:
    return edge("MODELS", source, target, incident_id, via="alias")
