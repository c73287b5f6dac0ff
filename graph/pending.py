"""Upserts collected in memory and written to a GraphStore as one batch: a workflow's steps, all or nothing.

A workflow of several steps (read an article, title its incident, link the model) hands each step
a ``PendingWrite`` in place of the store. The steps upsert as they would into the store; nothing
reaches it until ``commit``, which writes everything as one ``GraphStore.upsert``, so the store
keeps all of it or none (the embedded store in one journal record, Neo4j in one transaction,
FalkorDB through its compensation). If a step fails, the workflow never commits and the store is
as it was.

Reads see the pending writes only through ``get_node`` (a stored node merged with what is
pending for it, as the store would merge them); every other read is the store's.

>>> from graph.memory_store import MemoryStore
>>> from graph.schema import Node
>>> store = MemoryStore(None)
>>> pending = PendingWrite(store)
>>> pending.upsert([Node("Event", "i:e:a", {"incident": "i", "evidence": ["m1"]})])
>>> pending.upsert([Node("Event", "i:e:a", {"incident": "i", "evidence": ["m2"]})])
>>> store.get_node("i:e:a") is None, pending.get_node("i:e:a").props["evidence"]
(True, ['m1', 'm2'])
>>> pending.commit(), store.get_node("i:e:a").props["evidence"], store.version("i")
(True, ['m1', 'm2'], 1)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graph.batch import ReplacePair
from graph.schema import Edge, Node, NodeId, merge_props
from graph.store import GraphStore


class PendingWrite:
    """The upserts of several steps, kept until ``commit`` writes them to ``store`` as one batch."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self.nodes: list[Node] = []
        self.edges: list[Edge] = []
        self.replace: list[ReplacePair] = []

    @property
    def kind(self) -> str:
        return self.store.kind

    @property
    def max_sources(self) -> int | None:
        return self.store.max_sources

    def upsert(self, nodes: Sequence[Node], edges: Sequence[Edge] = (), *,
               replace: Sequence[ReplacePair] = ()) -> None:
        """Keep one batch for the commit. A ``replace`` pair also drops the pending edges of that pair,
        so the commit stores what writing the batches one after the other would."""
        if replace:
            pairs = set(map(tuple, replace))
            self.edges = [e for e in self.edges if (e.type, e.source) not in pairs]
            self.replace.extend(pair for pair in replace if tuple(pair) not in set(map(tuple, self.replace)))
        self.nodes.extend(nodes)
        self.edges.extend(edges)

    def get_node(self, node_id: NodeId) -> Node | None:
        """The node as it will be after the commit: the stored one merged with the pending ones."""
        found = self.store.get_node(node_id)
        for node in self.nodes:
            if node.id == node_id:
                found = node if found is None else Node(found.label, node_id, merge_props(found.props, node.props))
        return found

    def commit(self) -> bool:
        """Write every pending upsert as one batch (validated as a whole by the store); return whether
        there was anything to write. Raises what ``GraphStore.upsert`` raises; then nothing is stored."""
        if not (self.nodes or self.edges or self.replace):
            return False
        self.store.upsert(self.nodes, self.edges, replace=self.replace)
        self.nodes, self.edges, self.replace = [], [], []
        return True

    def __getattr__(self, name: str) -> Any:
        """Every other read is the store's (it does not see the pending writes)."""
        return getattr(self.store, name)
