"""Validation of one upsert batch, shared by both stores so they accept and reject exactly the same batches.

A batch is checked as a whole before anything is written: duplicate nodes and
edges inside it are merged in order (``graph.schema.merge_props``), a node may
not change its label, and every edge's endpoints must exist in the batch or in
the store with labels its type allows. ``replace`` pairs (edge type, source id)
must name a schema edge type; only those whose source is stored are kept, since
a node that is not stored has no edge to remove.

>>> from graph.schema import Node, Edge
>>> a = Node("Event", "i:e:a", {"incident": "i", "evidence": ["m1"]})
>>> b = Node("Event", "i:e:a", {"incident": "i", "evidence": ["m2"]})
>>> batch = prepare_batch([a, b], [], lambda ids: {})
>>> [n.props["evidence"] for n in batch.nodes]
[['m1', 'm2']]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from graph.errors import SchemaError
from graph.schema import EDGE_TYPES, Edge, Node, NodeId, Props, check_endpoints, check_id, merge_props

# Given ids, return the label of each one that already exists in the store.
LabelLookup = Callable[[Iterable[NodeId]], Mapping[NodeId, str]]
# (edge type, source id): remove every stored edge of that type leaving that node before merging the batch.
ReplacePair = tuple[str, NodeId]


@dataclass
class Batch:
    """A validated batch: nodes and edges deduplicated, the label of every node they touch, and the
    ``replace`` pairs whose source is stored (deduplicated, in order)."""

    nodes: list[Node]
    edges: list[Edge]
    labels: dict[NodeId, str] = field(default_factory=dict)
    existing: frozenset[NodeId] = frozenset()
    replace: list[ReplacePair] = field(default_factory=list)

    def incidents(self) -> list[str]:
        """Incidents this batch writes to, sorted."""
        return sorted({n.incident for n in self.nodes} | {e.props["incident"] for e in self.edges})

    def new_sources(self) -> dict[str, list[NodeId]]:
        """The Source nodes (articles) this batch adds to each incident: those not stored yet."""
        new: dict[str, list[NodeId]] = {}
        for node in self.nodes:
            if node.label == "Source" and node.id not in self.existing:
                new.setdefault(node.incident, []).append(node.id)
        return new


def merged_nodes(nodes: Sequence[Node]) -> list[Node]:
    """Merge nodes with the same id in order; raise SchemaError if one id carries two labels."""
    by_id: dict[NodeId, Node] = {}
    for node in nodes:
        if not isinstance(node, Node):
            raise SchemaError(f"expected graph.schema.Node, got {type(node).__name__}")
        node = Node(node.label, node.id, _copied(node.props))  # re-validate: a Node's fields can be altered after build
        seen = by_id.get(node.id)
        if seen is None:
            by_id[node.id] = node
        elif seen.label != node.label:
            raise SchemaError(f"node {node.id!r} appears as both {seen.label} and {node.label} in one batch")
        else:
            by_id[node.id] = Node(node.label, node.id, merge_props(seen.props, node.props))
    return list(by_id.values())


def merged_edges(edges: Sequence[Edge]) -> list[Edge]:
    """Merge edges with the same (type, source, target) in order."""
    by_key: dict[tuple[str, NodeId, NodeId], Edge] = {}
    for rel in edges:
        if not isinstance(rel, Edge):
            raise SchemaError(f"expected graph.schema.Edge, got {type(rel).__name__}")
        rel = Edge(rel.type, rel.source, rel.target, _copied(rel.props))  # re-validate, as for nodes
        seen = by_key.get(rel.key)
        by_key[rel.key] = rel if seen is None else Edge(rel.type, rel.source, rel.target,
                                                       merge_props(seen.props, rel.props))
    return list(by_key.values())


def checked_replace(replace: Sequence[ReplacePair]) -> list[ReplacePair]:
    """The ``replace`` pairs deduplicated in order; SchemaError for a malformed pair or an unknown edge type."""
    out: dict[ReplacePair, None] = {}
    for pair in replace:
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise SchemaError(f"a replace entry must be (edge_type, source_id), got {pair!r}")
        type_, source = pair
        if type_ not in EDGE_TYPES:
            raise SchemaError(f"unknown relationship type {type_!r}; use one of {', '.join(EDGE_TYPES)}")
        check_id(source)
        out[(type_, source)] = None
    return list(out)


def prepare_batch(nodes: Sequence[Node], edges: Sequence[Edge], lookup: LabelLookup,
                  replace: Sequence[ReplacePair] = ()) -> Batch:
    """Return the validated batch, or raise SchemaError naming the first problem (nothing is written)."""
    batch_nodes = merged_nodes(nodes)
    batch_edges = merged_edges(edges)
    pairs = checked_replace(replace)
    wanted = {n.id for n in batch_nodes} | {e.source for e in batch_edges} | {e.target for e in batch_edges}
    wanted |= {source for _, source in pairs}
    stored = dict(lookup(sorted(wanted))) if wanted else {}
    labels = dict(stored)
    for node in batch_nodes:
        old = stored.get(node.id)
        if old is not None and old != node.label:
            raise SchemaError(f"node {node.id!r} is stored as {old}; it cannot become {node.label}")
        labels[node.id] = node.label
    for rel in batch_edges:
        for end in (rel.source, rel.target):
            if end not in labels:
                raise SchemaError(f"{rel.type} {rel.source}->{rel.target}: node {end!r} does not exist; "
                                  "upsert it first or in the same batch")
        check_endpoints(rel, labels[rel.source], labels[rel.target])
    return Batch(batch_nodes, batch_edges, labels, frozenset(stored), [p for p in pairs if p[1] in stored])


def _copied(props: Props) -> Props:
    """A copy the store owns: later changes to the caller's lists do not reach it; tuples become lists."""
    return {k: list(v) if isinstance(v, (list, tuple)) else v for k, v in props.items()}


def check_incident_batch(batch: Batch, incident_id: str) -> None:
    """Raise SchemaError unless ``batch`` is one whole incident: its Incident node, and nothing of another incident.

    >>> check_incident_batch(prepare_batch([Node("Event", "i:e:a", {"incident": "i"})], [], lambda ids: {}), "i")
    Traceback (most recent call last):
    ...
    graph.errors.SchemaError: the nodes replacing incident 'i' must include its Incident node 'i'
    """
    if not any(n.id == incident_id and n.label == "Incident" for n in batch.nodes):
        raise SchemaError(f"the nodes replacing incident {incident_id!r} must include its Incident node {incident_id!r}")
    other = next((n.id for n in batch.nodes if n.incident != incident_id), None)
    other = other or next((f"{e.type} {e.source}->{e.target}" for e in batch.edges
                           if e.props["incident"] != incident_id), None)
    if other is not None:
        raise SchemaError(f"{other} is not of incident {incident_id!r}: a replacement holds one incident only")
