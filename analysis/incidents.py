"""What the knowledge base holds: a short summary of each incident (sources, events, components, conflicts)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from graph.store import GraphStore


@dataclass
class IncidentSummary:
    """One incident at a glance."""

    id: str
    title: str
    sources: int
    events: int
    components: int
    causal_edges: int
    conflicts: int

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class IncidentSummaries(list):
    """A list of IncidentSummary that serialises as ``{"incidents": [...]}``."""

    def to_dict(self) -> dict[str, Any]:
        return {"incidents": [item.to_dict() for item in self]}


def summarize(graph: nx.MultiDiGraph, incident_id: str) -> IncidentSummary:
    """The summary of one exported incident graph; the title is the Incident node's, else the id.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("inc", label="Incident", incident="inc", title="Outage")
    >>> g.add_node("inc:e:a", label="Event", incident="inc", summary="a")
    >>> summarize(g, "inc").to_dict()["events"]
    1
    """
    counts: dict[str, int] = {}
    for _, attrs in graph.nodes(data=True):
        counts[attrs.get("label", "")] = counts.get(attrs.get("label", ""), 0) + 1
    edge_counts: dict[str, int] = {}
    for _, _, key in graph.edges(keys=True):
        edge_counts[key] = edge_counts.get(key, 0) + 1
    title = graph.nodes[incident_id].get("title") if incident_id in graph else None
    return IncidentSummary(incident_id, str(title or incident_id), counts.get("Source", 0), counts.get("Event", 0),
                           counts.get("Component", 0), edge_counts.get("CAUSES", 0), edge_counts.get("CONTRADICTS", 0))


def incident_summaries(store: GraphStore,
                       summary_of: Callable[[str], IncidentSummary] | None = None) -> IncidentSummaries:
    """A summary of every incident in the store, in id order; ``summary_of(iid)`` (e.g. a cache's) replaces
    exporting each incident's graph afresh."""
    summary_of = summary_of or (lambda iid: incident_summary(store, iid))
    return IncidentSummaries(summary_of(iid) for iid in store.incident_ids())


def incident_summary(store: GraphStore, incident_id: str) -> IncidentSummary:
    """The summary of one incident; raises IncidentNotFound if the store has no node of it."""
    return summarize(store.incident_graph(incident_id), incident_id)
