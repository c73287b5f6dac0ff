"""Extraction -> idempotent upserts into a GraphStore, merging what several sources say about one thing.

Merging rules (implemented here once, used for every article):

- **Source**: its id comes from the content hash, so the same article again is a
  no-op reported as ``created=False``.
- **Component**: two components are one when their *alias keys* meet
  (``alias_key``: lower-case letters and digits, camel case and spacing ignored,
  last word singular) through their names or aliases, so "DropletWorkflow Manager",
  "Droplet Workflow Manager (DWFM)" and "DWFM" end as one node; the node first
  stored keeps its id.
- **Event**: events with the same canonical phrase share an id. Besides, an event
  is the same as another when ``is_same_event``: same concept and lemma-set
  Jaccard similarity of their ``terms`` (content words plus component slugs,
  stop words dropped) of at least ``EVENT_JACCARD`` (0.6): "network propagation
  delay" and "network state propagation delay" (3/4) merge; "DynamoDB connection
  failure" and "DynamoDB instance launch failure" (2/5) do not.
- **TimePoint**: its id is its UTC instant; after each article the incident's
  TimePoints are chained by ``BEFORE`` in time order.

>>> alias_key("Droplet Workflow Managers") == alias_key("DropletWorkflow Manager")
True
>>> is_same_event({"concept": "delay", "terms": ["delay", "network", "propagation"]},
...               {"concept": "delay", "terms": ["delay", "network", "propagation", "state"]})
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from graph.errors import IncidentNotFound
from graph.schema import Edge, Extraction, IncidentNode, Node, NodeId, edge, merge_props
from graph.store import GraphStore

EVENT_JACCARD = 0.6


@dataclass
class BuildReport:
    """What one apply_extraction did: the Source id, whether it was new, and counts of new nodes/edges by kind."""

    article_id: NodeId
    created: bool
    added: dict[str, int] = field(default_factory=dict)
    merged: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def alias_key(name: str) -> str:
    """The key two names of one component share: lower-case alphanumerics, last word singular.

    >>> alias_key("DNS Enactor #1")
    'dnsenactor'
    """
    words = re.findall(r"[A-Za-z0-9]+", re.sub(r"#\s*\d+", "", name))
    if words and len(words[-1]) > 3 and words[-1].lower().endswith("s") and not words[-1].isupper():
        words[-1] = words[-1][:-1]
    return "".join(words).lower()


def jaccard(a: set[str], b: set[str]) -> float:
    """|a & b| / |a | b| (0.0 for two empty sets).

    >>> jaccard({"a", "b"}, {"b", "c"})
    0.3333333333333333
    """
    return len(a & b) / len(a | b) if a | b else 0.0


def is_same_event(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """True if two Event property maps tell one event: same ``concept`` and terms Jaccard >= EVENT_JACCARD."""
    if not a.get("concept") or a.get("concept") != b.get("concept"):
        return False
    return jaccard(set(a.get("terms", [])), set(b.get("terms", []))) >= EVENT_JACCARD


def ensure_incident(store: GraphStore, incident_id: str, *, title: str, region: str | None = None) -> Node:
    """Return the Incident node, creating it (or updating its title/region) as needed."""
    if not title or not isinstance(title, str):
        raise ValueError("an incident needs a title: pass title='...'")
    existing = store.get_node(incident_id)
    if existing is not None and existing.props.get("title") == title and (region is None or
                                                                         existing.props.get("region") == region):
        return existing
    node = IncidentNode(incident_id, incident_id, title, region).to_node()
    store.upsert([node])
    return store.get_node(incident_id) or node


def _existing(store: GraphStore, incident_id: str) -> Any:
    import networkx as nx

    try:
        return store.incident_graph(incident_id)
    except IncidentNotFound:
        return nx.MultiDiGraph()


def _slug(node_id: NodeId) -> str:
    return node_id.rsplit(":", 1)[-1]


def _component_keys(props: dict[str, Any], node_id: NodeId) -> set[str]:
    names = [props.get("name", ""), props.get("slug", _slug(node_id)), *props.get("aliases", [])]
    return {k for k in (alias_key(n) for n in names if n) if k}


def _component_remap(nodes: list[Node], existing: Any) -> dict[NodeId, NodeId]:
    """New component id -> id of the stored component sharing an alias key with it."""
    by_key: dict[str, NodeId] = {}
    for nid, data in existing.nodes(data=True):
        if data.get("label") == "Component":
            for key in _component_keys(data, nid):
                by_key.setdefault(key, nid)
    remap: dict[NodeId, NodeId] = {}
    for node in nodes:
        if node.label == "Component" and node.id not in existing:
            match = next((by_key[k] for k in sorted(_component_keys(node.props, node.id)) if k in by_key), None)
            if match is not None and match != node.id:
                remap[node.id] = match
    return remap


def _remapped_event_props(props: dict[str, Any], remap: dict[NodeId, NodeId]) -> dict[str, Any]:
    slugs = {_slug(old): _slug(new) for old, new in remap.items()}
    out = dict(props)
    if "components" in out:
        out["components"] = list(dict.fromkeys(remap.get(c, c) for c in out["components"]))
    if "terms" in out:
        out["terms"] = sorted({slugs.get(t, t) for t in out["terms"]})
    return out


def _event_remap(nodes: list[Node], existing: Any, remap: dict[NodeId, NodeId]) -> dict[NodeId, NodeId]:
    """New event id -> id of a stored (or earlier new) event that ``is_same_event`` with it."""
    known = [(nid, data) for nid, data in existing.nodes(data=True) if data.get("label") == "Event"]
    out: dict[NodeId, NodeId] = {}
    for node in nodes:
        if node.label != "Event" or node.id in existing:
            continue
        props = _remapped_event_props(node.props, remap)
        match = next((nid for nid, data in known if nid != node.id and is_same_event(props, data)), None)
        if match is not None:
            out[node.id] = match
        else:
            known.append((node.id, props))
    return out


def _apply_remap(nodes: list[Node], edges: list[Edge], remap: dict[NodeId, NodeId],
                 existing: Any) -> tuple[list[Node], list[Edge]]:
    """Rewrite ids through ``remap``, keep stored canonical names, merge duplicates, drop self-causation."""
    merged_nodes: dict[NodeId, Node] = {}
    for node in nodes:
        nid = remap.get(node.id, node.id)
        props = _remapped_event_props(node.props, remap) if node.label == "Event" else dict(node.props)
        if nid != node.id:  # the stored (or first) node keeps its canonical name and kind
            for key in ("summary", "kind", "name", "slug", "concept"):
                props.pop(key, None)
            props.setdefault("aliases", [])
            if node.label == "Event":
                props.pop("aliases")
        if nid in merged_nodes:
            props = merge_props(merged_nodes[nid].props, props)
        merged_nodes[nid] = Node(node.label, nid, props)
    merged_edges: dict[tuple[str, NodeId, NodeId], Edge] = {}
    for rel in edges:
        src, dst = remap.get(rel.source, rel.source), remap.get(rel.target, rel.target)
        if src == dst and rel.type in ("CAUSES", "DEPENDS_ON", "PART_OF", "BEFORE"):
            continue
        key = (rel.type, src, dst)
        props = merge_props(merged_edges[key].props, rel.props) if key in merged_edges else dict(rel.props)
        merged_edges[key] = Edge(rel.type, src, dst, props)
    return list(merged_nodes.values()), list(merged_edges.values())


def _before_edges(store: GraphStore, incident_id: str) -> list[Edge]:
    """BEFORE edges joining the incident's TimePoints in UTC order (only those not yet stored)."""
    graph = store.incident_graph(incident_id)
    points = sorted((data["utc"], nid, data.get("evidence", [])) for nid, data in graph.nodes(data=True)
                    if data.get("label") == "TimePoint" and data.get("utc"))
    out = []
    for (t1, a, ev_a), (t2, b, ev_b) in zip(points, points[1:]):
        if t1 < t2 and not graph.has_edge(a, b, key="BEFORE"):
            out.append(edge("BEFORE", a, b, incident_id, evidence=list(dict.fromkeys(ev_a[:1] + ev_b[:1]))))
    return out


def apply_extraction(store: GraphStore, extraction: Extraction) -> BuildReport:
    """Upsert one article's extraction; the same article again changes nothing and reports created=False."""
    if not isinstance(extraction, Extraction):
        raise ValueError(f"expected an Extraction, got {type(extraction).__name__}")
    iid, source = extraction.incident_id, extraction.source.to_node()
    if store.get_node(source.id) is not None:
        return BuildReport(source.id, False, warnings=list(extraction.warnings))
    if store.get_node(iid) is None:
        ensure_incident(store, iid, title=iid)
    existing = _existing(store, iid)
    nodes = [source] + [n for n in extraction.nodes if n.id != source.id]
    remap = _component_remap(nodes, existing)
    remap.update(_event_remap(nodes, existing, remap))
    nodes, edges = _apply_remap(nodes, list(extraction.edges), remap, existing)
    store.upsert(nodes, edges)
    before = _before_edges(store, iid)
    if before:
        store.upsert([], before)
    added: dict[str, int] = {}
    for node in nodes:
        if node.id not in existing:
            added[node.label] = added.get(node.label, 0) + 1
    for rel in edges + before:
        if not existing.has_edge(rel.source, rel.target, key=rel.type):
            added[rel.type] = added.get(rel.type, 0) + 1
    merged = {"components": sum(1 for k in remap if ":c:" in k), "events": sum(1 for k in remap if ":e:" in k)}
    return BuildReport(source.id, True, added, merged, list(extraction.warnings))
