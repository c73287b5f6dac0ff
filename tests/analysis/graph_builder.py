"""Builds small incident graphs exactly as ingestion would store them (graph/CONVENTIONS.md).

Records are made with graph.schema, stored in an in-memory ``MemoryStore(None)``
and exported with ``incident_graph``, so tests see the same shape as the app.
Keys are short names; ids are made with ``graph.schema.node_id``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

import networkx as nx

from graph.memory_store import MemoryStore
from graph.schema import (
    ClaimNode,
    ComponentNode,
    Edge,
    EventNode,
    IncidentNode,
    MentionNode,
    Node,
    NodeId,
    SourceNode,
    TimePointNode,
    edge,
    node_id,
)

# A statement a source makes: (source key, sentence) or (source key, sentence, quote).
Said = tuple[str, ...]


class IncidentBuilder:
    """Accumulates nodes and edges of one incident; ``build()`` returns the exported MultiDiGraph."""

    def __init__(self, iid: str = "inc", title: str = "Test outage") -> None:
        self.iid = iid
        self.nodes: dict[NodeId, Node] = {}
        self.edges: list[Edge] = []
        self._mentions = 0
        self._add(IncidentNode(iid, iid, title).to_node())

    def id(self, label: str, key: str) -> NodeId:
        return node_id(self.iid, label, key)

    def _add(self, node: Node) -> NodeId:
        self.nodes[node.id] = node
        return node.id

    def _link(self, type_: str, source: NodeId, target: NodeId, **props: object) -> None:
        self.edges.append(edge(type_, source, target, self.iid, **props))

    def source(self, key: str, title: str) -> NodeId:
        digest = hashlib.sha256(key.encode()).hexdigest()
        sid = self._add(SourceNode(self.id("Source", digest[:16]), self.iid, digest, title).to_node())
        self._link("PART_OF", sid, self.iid)
        return sid

    def _said(self, said: Iterable[Said]) -> tuple[list[NodeId], list[NodeId]]:
        """Mention ids and Source ids for some statements."""
        mentions, sources = [], []
        for source_key, sentence, *quote in said:
            sid = self._source_id(source_key)
            self._mentions += 1
            mid = self.id("Mention", f"{self._mentions}")
            text = quote[0] if quote else sentence
            self._add(MentionNode(mid, self.iid, sid, sentence, 0, len(text), text).to_node())
            self._link("PART_OF", mid, sid)
            mentions.append(mid)
            sources.append(sid)
        return mentions, list(dict.fromkeys(sources))

    def _source_id(self, key: str) -> NodeId:
        return self.id("Source", hashlib.sha256(key.encode()).hexdigest()[:16])

    def component(self, key: str, name: str, kind: str = "service", aliases: Sequence[str] = ()) -> NodeId:
        return self._add(ComponentNode(self.id("Component", key), self.iid, key, name, kind, list(aliases)).to_node())

    def event(self, key: str, summary: str, kind: str = "condition", *, at: str | None = None,
              until: str | None = None, precision: str | None = None, components: Sequence[str] = (),
              says: Iterable[Said] = (), **flags: bool) -> NodeId:
        mentions, sources = self._said(says)
        comp_ids = [self.id("Component", c) for c in components]
        record = EventNode(self.id("Event", key), self.iid, summary, kind, at, until,
                           precision or ("minute" if at else None), comp_ids, mentions, sources)
        node = record.to_node()
        eid = self._add(Node("Event", node.id, {**node.props, **flags}))
        for comp in comp_ids:
            self._link("AFFECTS", eid, comp)
        return eid

    def causes(self, cause: str, effect: str, cue: str = "led to", confidence: float = 0.8,
               says: Iterable[Said] = ()) -> None:
        mentions, _ = self._said(says)
        self._link("CAUSES", self.id("Event", cause), self.id("Event", effect), cue=cue, cues=[cue],
                   confidence=confidence, evidence=mentions)

    def depends(self, dependent: str, dependency: str) -> None:
        self._link("DEPENDS_ON", self.id("Component", dependent), self.id("Component", dependency), cue="depends on")

    def claim(self, key: str, kind: str, text: str, about: NodeId, source: str, value: str | None = None) -> NodeId:
        mentions, _ = self._said([(source, text)])
        cid = self._add(ClaimNode(self.id("Claim", key), self.iid, kind, text, self._source_id(source), value,
                                  mentions).to_node())
        self._link("ABOUT", cid, about)
        return cid

    def contradicts(self, first: str, second: str, likely: str | None = None, reason: str | None = None) -> None:
        self._link("CONTRADICTS", self.id("Claim", first), self.id("Claim", second),
                   likely=self.id("Claim", likely) if likely else None, reason=reason)

    def timepoint(self, key: str, utc: str, raw: str, *, event: str | None = None,
                  says: Iterable[Said] = ()) -> NodeId:
        mentions, sources = self._said(says)
        tid = self._add(TimePointNode(self.id("TimePoint", key), self.iid, utc, raw, "minute", mentions,
                                      sources).to_node())
        if event:
            self._link("AT", self.id("Event", event), tid)
        return tid

    def store(self) -> MemoryStore:
        store = MemoryStore(None)
        store.upsert(list(self.nodes.values()), self.edges)
        return store

    def build(self) -> nx.MultiDiGraph:
        return self.store().incident_graph(self.iid)
