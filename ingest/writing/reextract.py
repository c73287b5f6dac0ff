"""Re-extraction: an incident's graph rebuilt from the texts its Sources keep, with the current extractor.

``reingest_incident(store, nlp, incident_id)`` reads every Source of the incident in the order they
were ingested (``order``), extracts them again as one batch (one ``ingest.writing.corpus.incident_year``,
``ingest.writing.workers`` for many) into a scratch store, and writes the result over the incident's
article-derived nodes and edges in one write (``GraphStore.replace_incident``). The Incident node
(title, region, started_at...), what no article gave (ModelElements and their MODELS edges) and the
Sources' title, url, outlet and published are kept as stored. Relinking the model afterwards is the
caller's step (``workflows.reextraction.reingest_and_relink``): ingestion knows nothing of the model.

Sources stored before they kept their text cannot be read again: if any lacks it, nothing changes
and the report names them (ingesting the same files again gives them their text).

The report compares old and new Components, Events, TimePoints and Claims by the text they rest on
(their evidence Mentions' character spans): an old id gone whose spans a new id now covers is
*renamed* to it, or *merged* into it when that new node also stands for another old node; an old id
gone with nothing covering its spans is *dropped*; a new id standing for no old node is *added*.
"""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
from spacy.language import Language

from graph.build import IncidentIndex, apply_extraction
from graph.errors import Conflict
from graph.memory_store import MemoryStore
from graph.schema import Edge, Node, NodeId
from graph.store import GraphStore
from ingest.reading.sources import Article
from ingest.writing.budget import Budget, BudgetExceeded, extractions_within
from ingest.writing.corpus import INDEXES, incident_year, refresh_contradictions
from ingest.writing.workers import extractions, worker_count

# Labels of the nodes extraction makes from articles: a rebuild replaces exactly these (and the Incident keeps its own).
ARTICLE_LABELS = frozenset({"Source", "Mention", "Component", "Event", "TimePoint", "Claim"})
REPORTED_LABELS = ("Component", "Event", "TimePoint", "Claim")
Span = tuple[NodeId, int, int]  # (source, start, end) of an evidence quote


class IncidentChanged(Conflict):
    """Another writer changed the incident while it was being read again; nothing was written."""


@dataclass
class ReingestReport:
    """What re-extracting one incident did, or why it left the incident unchanged (``missing_text``)."""

    incident_id: str
    sources: int = 0
    missing_text: list[tuple[NodeId, str]] = field(default_factory=list)  # (source id, title)
    renamed: list[tuple[NodeId, NodeId]] = field(default_factory=list)
    merged: list[tuple[NodeId, list[NodeId]]] = field(default_factory=list)  # (new id, the old ids it stands for)
    added: list[NodeId] = field(default_factory=list)
    dropped: list[NodeId] = field(default_factory=list)
    edges_added: int = 0
    edges_dropped: int = 0

    @property
    def rebuilt(self) -> bool:
        return not self.missing_text

    def table(self) -> str:
        """The report as text: what changed, or which sources kept the incident unchanged."""
        iid = self.incident_id
        if not self.rebuilt:
            head = (f"incident {iid}: left unchanged: {len(self.missing_text)} of its {self.sources} sources have no "
                    "stored text (ingested before sources kept it), so it cannot be read again")
            lines = [head]
            lines += [f"  {sid}  {title}" for sid, title in self.missing_text]
            lines.append(f"  ingest the same files again to give them their text (flask --app app ingest PATH... "
                         f"--incident {iid}), then reingest")
            return "\n".join(lines)
        lines = [f"incident {iid}: rebuilt from {self.sources} sources"]
        for name, rows in (("renamed", [f"{a} -> {b}" for a, b in self.renamed]),
                           ("merged", [f"{', '.join(olds)} -> {new}" for new, olds in self.merged]),
                           ("added", self.added), ("dropped", self.dropped)):
            lines.append(f"  {name:<9}{len(rows)}")
            lines += [f"    {row}" for row in rows]
        lines.append(f"  edges    +{self.edges_added} -{self.edges_dropped}")
        return "\n".join(lines)


def reingest_incident(store: GraphStore, nlp: Language, incident_id: str, *,
                      workers: int | None = None, budget: Budget | None = None) -> ReingestReport:
    """Rebuild one incident's graph from its Sources' stored text (see the module docstring).

    With a ``budget`` each article is read in a child process held to it. Raises IncidentNotFound for an
    unknown incident, IncidentChanged if another writer changed it meanwhile, and BudgetExceeded (naming the
    source) if an article is over its budget; then nothing is written.
    """
    with INDEXES.hold(store, incident_id):  # no ingest of this process writes the incident meanwhile
        version = store.version(incident_id)
        old = store.incident_graph(incident_id)
        sources = sorted(((n, d) for n, d in old.nodes(data=True) if d["label"] == "Source"),
                         key=lambda item: (item[1].get("order") is None, item[1].get("order", 0), item[0]))
        report = ReingestReport(incident_id, len(sources), [(n, d.get("title", "")) for n, d in sources
                                                            if not isinstance(d.get("text"), str)])
        if not report.rebuilt:
            return report
        new = _rebuilt(nlp, old, incident_id, sources, worker_count(workers), budget)
        _compare(old, new, report)
        nodes, edges = _with_kept(old, new, incident_id)
        if store.version(incident_id) != version:
            raise IncidentChanged(f"incident {incident_id!r} changed while it was being read again; nothing was "
                                  "written: run it again")
        store.replace_incident(incident_id, nodes, edges)
    return report


def _rebuilt(nlp: Language, old: nx.MultiDiGraph, incident_id: str, sources: list[tuple[NodeId, dict[str, Any]]],
             workers: int, budget: Budget | None = None) -> nx.MultiDiGraph:
    """The incident's article-derived graph extracted afresh from ``sources``, in a scratch store."""
    scratch = MemoryStore(None)
    scratch.upsert([_incident_node(old, incident_id)])
    index = IncidentIndex(scratch, incident_id)
    articles = [Article(d["text"], d.get("title", ""), d.get("url"), d.get("outlet"), d.get("published"),
                        content_hash=d["content_hash"]) for _, d in sources]
    orders = [d["order"] for _, d in sources if isinstance(d.get("order"), int)]
    unordered = iter(range(max(orders, default=-1) + 1, len(sources) + max(orders, default=-1) + 1))
    year = incident_year(index, articles)
    read = (extractions(nlp, articles, incident_id, year=year, workers=workers) if budget is None
            else extractions_within(budget, nlp, articles, incident_id, year=year, workers=workers))
    with closing(read) as got:
        for (sid, stored), extraction in zip(sources, got):
            if isinstance(extraction, BudgetExceeded):
                raise BudgetExceeded(extraction.setting, extraction.limit,
                                     f"source {sid} ({stored.get('title', '')!r}): {extraction}")
            order = stored.get("order")
            extraction.source.order = order if isinstance(order, int) else next(unordered)
            apply_extraction(scratch, extraction, index=index)
    refresh_contradictions(scratch, incident_id, index=index)
    return scratch.incident_graph(incident_id)


def _with_kept(old: nx.MultiDiGraph, new: nx.MultiDiGraph, incident_id: str) -> tuple[list[Node], list[Edge]]:
    """The rebuilt nodes and edges, plus what the rebuild does not make: the Incident node as stored, the
    Sources' stored properties extraction does not set, and nodes of other labels with their edges."""
    nodes = {incident_id: _incident_node(old, incident_id)}
    for nid, data in new.nodes(data=True):
        if nid != incident_id:
            stored = old.nodes[nid] if data["label"] == "Source" and nid in old else {}
            nodes[nid] = _node(nid, {**stored, **data})
    kept = {n for n, d in old.nodes(data=True) if d["label"] not in ARTICLE_LABELS and n != incident_id}
    nodes.update((n, _node(n, old.nodes[n])) for n in sorted(kept))
    edges = [_edge(a, b, k, d) for a, b, k, d in new.edges(keys=True, data=True)]
    edges += [_edge(a, b, k, d) for a, b, k, d in old.edges(keys=True, data=True)
              if (a in kept or b in kept) and a in nodes and b in nodes]
    return list(nodes.values()), edges


def _compare(old: nx.MultiDiGraph, new: nx.MultiDiGraph, report: ReingestReport) -> None:
    """Fill the report's renamed, merged, added, dropped and edge counts (see the module docstring)."""
    covering = _span_index(new)
    successors: dict[NodeId, list[NodeId]] = {}
    for nid, data in sorted(old.nodes(data=True)):
        if data["label"] in REPORTED_LABELS and nid not in new:
            best = _successor(_spans(old, nid), covering.get(data["label"], {}))
            if best is None:
                report.dropped.append(nid)
            else:
                successors.setdefault(best, []).append(nid)
    for nid, olds in sorted(successors.items()):
        if len(olds) == 1 and nid not in old:
            report.renamed.append((olds[0], nid))
        else:
            report.merged.append((nid, sorted(olds + ([nid] if nid in old else []))))
    report.added = sorted(n for n, d in new.nodes(data=True)
                          if d["label"] in REPORTED_LABELS and n not in old and n not in successors)
    old_keys = {(a, b, k) for a, b, k in old.edges(keys=True) if k != "MODELS"}
    new_keys = set(new.edges(keys=True))
    report.edges_added, report.edges_dropped = len(new_keys - old_keys), len(old_keys - new_keys)


def _spans(graph: nx.MultiDiGraph, node: NodeId) -> list[Span]:
    """The (source, start, end) of each evidence Mention of ``node``."""
    out = []
    for mid in graph.nodes[node].get("evidence", []):
        mention = graph.nodes.get(mid)
        if mention is not None and mention.get("label") == "Mention":
            out.append((mention.get("source", ""), int(mention.get("start", 0)), int(mention.get("end", 0))))
    return out


def _span_index(graph: nx.MultiDiGraph) -> dict[str, dict[NodeId, list[tuple[int, int, NodeId]]]]:
    """For each reported label and source, the evidence spans of the graph's nodes: (start, end, node)."""
    out: dict[str, dict[NodeId, list[tuple[int, int, NodeId]]]] = {}
    for nid, data in graph.nodes(data=True):
        if data["label"] in REPORTED_LABELS:
            for source, start, end in _spans(graph, nid):
                out.setdefault(data["label"], {}).setdefault(source, []).append((start, end, nid))
    return out


def _successor(spans: list[Span], covering: dict[NodeId, list[tuple[int, int, NodeId]]]) -> NodeId | None:
    """The node whose spans overlap most of ``spans`` (ties: the smallest id), or None."""
    scores: dict[NodeId, int] = {}
    for source, start, end in spans:
        for other_start, other_end, nid in covering.get(source, ()):
            if other_start < end and start < other_end:
                scores[nid] = scores.get(nid, 0) + 1
    return min(scores, key=lambda nid: (-scores[nid], nid)) if scores else None


def _incident_node(old: nx.MultiDiGraph, incident_id: str) -> Node:
    """The Incident node as stored (one made for an incident that has none)."""
    if incident_id in old:
        return _node(incident_id, old.nodes[incident_id])
    return Node("Incident", incident_id, {"incident": incident_id, "title": incident_id})


def _node(nid: NodeId, data: dict[str, Any]) -> Node:
    return Node(data["label"], nid, {k: v for k, v in data.items() if k != "label"})


def _edge(source: NodeId, target: NodeId, type_: str, data: dict[str, Any]) -> Edge:
    return Edge(type_, source, target, {k: v for k, v in data.items() if k != "type"})
