"""What the knowledge base holds: a short summary of each incident (sources, events, components, conflicts)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from graph.errors import IncidentNotFound
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


@dataclass
class IncidentPage:
    """One page of the incident list: its summaries, how many incidents there are, and the next page's cursor."""

    incidents: IncidentSummaries
    total: int
    next_cursor: str | None

    def to_dict(self) -> dict[str, Any]:
        return {**self.incidents.to_dict(), "total": self.total, "next_cursor": self.next_cursor}


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


def summary_of_counts(incident_id: str, title: str | None, counts: dict[str, int]) -> IncidentSummary:
    """The summary of an incident from its node and edge counts (GraphStore.counts) and title.

    >>> summary_of_counts("inc", None, {"Source": 2, "Event": 5, "CAUSES": 3}).to_dict()
    {'id': 'inc', 'title': 'inc', 'sources': 2, 'events': 5, 'components': 0, 'causal_edges': 3, 'conflicts': 0}
    """
    return IncidentSummary(incident_id, str(title or incident_id), counts.get("Source", 0), counts.get("Event", 0),
                           counts.get("Component", 0), counts.get("CAUSES", 0), counts.get("CONTRADICTS", 0))


def incident_summaries(store: GraphStore, summary_of: Callable[[str], IncidentSummary] | None = None, *,
                       ids: list[str] | None = None) -> IncidentSummaries:
    """A summary of every incident in the store (or of ``ids``), in id order; ``summary_of(iid)`` (e.g. a
    cache's) replaces asking the store afresh."""
    summary_of = summary_of or (lambda iid: incident_summary(store, iid))
    return IncidentSummaries(summary_of(iid) for iid in (store.incident_ids() if ids is None else ids))


def incident_page(store: GraphStore, *, limit: int, cursor: str | None = None,
                  summary_of: Callable[[str], IncidentSummary] | None = None) -> IncidentPage:
    """At most ``limit`` incidents whose ids sort after ``cursor``, summarised; ``next_cursor`` is None on the last page.

    Only the page's incidents are summarised, so a page costs the same with 10 or 10,000 incidents
    (beyond listing their ids).
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")
    ids = store.incident_ids()
    start = bisect_right(ids, cursor) if cursor else 0
    page = ids[start:start + limit]
    more = start + limit < len(ids)
    return IncidentPage(incident_summaries(store, summary_of, ids=page), len(ids), page[-1] if more and page else None)


def incident_summary(store: GraphStore, incident_id: str) -> IncidentSummary:
    """The summary of one incident from the store's counts, without exporting its graph; raises
    IncidentNotFound if the store has no node of it."""
    counts = store.counts(incident_id)
    if not counts:
        raise IncidentNotFound(incident_id)
    node = store.get_node(incident_id)
    return summary_of_counts(incident_id, node.props.get("title") if node is not None else None, counts)
