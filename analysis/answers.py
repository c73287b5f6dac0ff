"""Analysis answers cached per incident, dropped as soon as the incident's data changes.

Each incident has one entry: the store's ``version(iid)`` when it was filled,
the exported graph with its reviewers' corrections applied (``analysis.corrected_view``),
and the answers computed from it (keyed by question and
arguments). Every call asks the store for the current version first, so an
ingest invalidates the entry before anyone can read a stale answer. Entries are
kept in least-recently-used order and at most ``max_incidents`` are kept.
Answers are computed outside the lock (two threads may compute the same answer
once each; the results are equal), so one slow incident never blocks another.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import networkx as nx

from analysis import causal, conflicts, graph_payload, incidents, timeline
from analysis.corrected_view import CorrectionReport, corrected_graph, correction_report
from analysis.findings import RoleAssignment
from analysis.model.scope import ModelScope, graph_scope
from graph.schema import NodeId
from graph.store import GraphStore

T = TypeVar("T")


@dataclass
class _Entry:
    version: int
    graph: nx.MultiDiGraph
    answers: dict[Hashable, Any] = field(default_factory=dict)


class AnswerCache:
    """Per-incident cache of the exported graph and every analysis answer; thread-safe, bounded."""

    def __init__(self, store: GraphStore, *, max_incidents: int = 16, max_answers: int = 256,
                 max_summaries: int = 20_000) -> None:
        if max_incidents < 1 or max_answers < 1 or max_summaries < 1:
            raise ValueError("max_incidents, max_answers and max_summaries must be at least 1")
        self.store = store
        self.max_incidents = max_incidents
        self.max_answers = max_answers
        self.max_summaries = max_summaries
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        # Small answers (summaries from the store's counts, source lists) are kept apart from the exported
        # graphs, and many more of them: a page of the incident list needs one of each per incident on it.
        self._small: OrderedDict[tuple[str, Hashable], tuple[int, Any]] = OrderedDict()

    def _entry(self, iid: str) -> _Entry:
        version = self.store.version(iid)
        with self._lock:
            entry = self._entries.get(iid)
            if entry is not None and entry.version == version:
                self._entries.move_to_end(iid)
                return entry
        graph = corrected_graph(self.store.incident_graph(iid))  # raises IncidentNotFound; reviewers' view
        fresh = _Entry(version, graph)
        with self._lock:
            current = self._entries.get(iid)
            if current is not None and current.version == version:
                return current
            self._entries[iid] = fresh
            self._entries.move_to_end(iid)
            while len(self._entries) > self.max_incidents:
                self._entries.popitem(last=False)
        return fresh

    def answer(self, iid: str, key: Hashable, compute: Callable[[nx.MultiDiGraph], T]) -> T:
        """The cached answer ``key`` for an incident, computing it from the graph when missing or stale."""
        entry = self._entry(iid)
        with self._lock:
            if key in entry.answers:
                return entry.answers[key]
        value = compute(entry.graph)
        with self._lock:
            if len(entry.answers) >= self.max_answers:
                entry.answers.pop(next(iter(entry.answers)))
            entry.answers[key] = value
        return value

    def clear(self, iid: str | None = None) -> None:
        """Forget one incident's answers, or all."""
        with self._lock:
            if iid is None:
                self._entries.clear()
                self._small.clear()
            else:
                self._entries.pop(iid, None)
                for key in [k for k in self._small if k[0] == iid]:
                    del self._small[key]

    def graph(self, iid: str) -> nx.MultiDiGraph:
        """The exported incident graph (shared: do not modify it)."""
        return self._entry(iid).graph

    def roles(self, iid: str) -> dict[NodeId, RoleAssignment]:
        return self.answer(iid, "roles", causal.assign_roles)

    def root_causes(self, iid: str) -> Any:
        return self.answer(iid, "root_causes", causal.root_causes)

    def classify(self, iid: str, query: str) -> Any:
        return self.answer(iid, ("classify", query), lambda g: causal.classify(g, query))

    def why_chains(self, iid: str, node_id: NodeId) -> Any:
        return self.answer(iid, ("why", node_id), lambda g: causal.why_chains(g, node_id))

    def blast_radius(self, iid: str) -> Any:
        return self.answer(iid, "blast_radius", causal.blast_radius)

    def timeline(self, iid: str) -> Any:
        return self.answer(iid, "timeline", timeline.timeline)

    def conflicts(self, iid: str) -> Any:
        return self.answer(iid, "conflicts", conflicts.conflicts)

    def corrections(self, iid: str) -> CorrectionReport:
        """The incident's corrections with their status (active, withdrawn, orphaned); analysis.corrected_view."""
        return self.answer(iid, "corrections", lambda g: correction_report(g, iid))

    def model_scope(self, iid: str) -> ModelScope:
        """Whether the executable model describes the incident, and why (analysis.model.scope)."""
        return self.answer(iid, "model_scope", graph_scope)

    def summary(self, iid: str) -> incidents.IncidentSummary:
        """The incident's summary, from the store's counts (no export), cached until the incident changes."""
        return self.small(iid, "summary", lambda: incidents.incident_summary(self.store, iid))

    def small(self, iid: str, key: Hashable, compute: Callable[[], T]) -> T:
        """A small answer ``compute()`` about one incident, cached until its version changes, in a cache that
        holds up to ``max_summaries`` of them (not only the ``max_incidents`` most recent incidents)."""
        version = self.store.version(iid)
        with self._lock:
            cached = self._small.get((iid, key))
            if cached is not None and cached[0] == version:
                self._small.move_to_end((iid, key))
                return cached[1]
        value = compute()
        with self._lock:
            self._small[(iid, key)] = (version, value)
            self._small.move_to_end((iid, key))
            while len(self._small) > self.max_summaries:
                self._small.popitem(last=False)
        return value

    def graph_payload(self, iid: str, *, kinds: frozenset[str] | None = None, component: str | None = None) -> Any:
        key = ("payload", kinds, component)
        return self.answer(iid, key, lambda g: graph_payload.graph_payload(
            g, kinds=set(kinds) if kinds else None, component=component, roles=self.roles(iid)))
