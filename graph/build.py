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
- **Event times**: when two accounts of one event meet, ``merge_event_times`` decides
  its ``at``/``precision``/``until`` (the most precise ``at``, earliest among equals,
  latest for recoveries; the latest ``until``), whichever article came first.
- **TimePoint**: its id is its UTC instant; after each article the incident's
  TimePoints are chained by ``BEFORE`` in time order (in the article's own batch):
  the stored BEFORE edges are exactly the consecutive pairs, so a TimePoint landing
  between two others replaces the edge that joined them.

Merging reads an ``IncidentIndex`` (one export of the incident); ``IndexCache`` keeps
it per process and rebuilds it only when the store's version shows another writer.

>>> alias_key("Droplet Workflow Managers") == alias_key("DropletWorkflow Manager")
True
>>> is_same_event({"concept": "delay", "terms": ["delay", "network", "propagation"]},
...               {"concept": "delay", "terms": ["delay", "network", "propagation", "state"]})
True
"""

from __future__ import annotations

import re
import threading
import weakref
from bisect import insort
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any

from graph.batch import ReplacePair
from graph.errors import IncidentNotFound
from graph.pending import PendingWrite
from graph.schema import Edge, Extraction, IncidentNode, Node, NodeId, check_incident_id, edge, merge_props
from graph.store import GraphStore

EVENT_JACCARD = 0.6
# What IncidentIndex.upsert's ``then`` derives from the index: edges to add, and (type, source) pairs to replace.
Derived = tuple[list[Edge], list[ReplacePair]]
# Rank of an Event's ``precision``: a finer time always beats a coarser one.
PRECISION_RANK = {"year": 0, "month": 1, "day": 2, "hour": 3, "minute": 4, "second": 5}


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


def merge_event_times(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """The ``at``, ``precision`` and ``until`` one Event keeps when two accounts of it (``old``, ``new``) meet.

    ``at``: the most precise wins (second > minute > hour > day > month > year; an ``at``
    without ``precision`` counts as minute); among equally precise ones the earliest wins,
    except for an event of kind "recovery", where the latest wins (a recovery is told as done
    once it is done). So a day-precision date never replaces a clock time. ``until``: the
    latest. The result holds only the keys either side has; it does not depend on which
    account is ``old``.

    >>> merge_event_times({"at": "2025-10-20T00:00:00Z", "precision": "day"},
    ...                   {"at": "2025-10-20T06:48:00Z", "precision": "minute"})
    {'at': '2025-10-20T06:48:00Z', 'precision': 'minute'}
    >>> merge_event_times({"kind": "recovery", "at": "2025-10-20T09:25:00Z", "precision": "minute"},
    ...                   {"at": "2025-10-20T08:40:00Z", "precision": "minute", "until": "2025-10-20T12:00:00Z"})
    {'at': '2025-10-20T09:25:00Z', 'precision': 'minute', 'until': '2025-10-20T12:00:00Z'}
    """
    out: dict[str, Any] = {}
    timed = [p for p in (old, new) if p.get("at")]
    if timed:
        sign = -1 if (old.get("kind") or new.get("kind")) == "recovery" else 1
        best = min(timed, key=lambda p: (-_precision_rank(p), sign * _instant(p["at"]), str(p["at"])))
        out["at"], out["precision"] = best["at"], best.get("precision") or "minute"
    ends = [p["until"] for p in (old, new) if p.get("until")]
    if ends:
        out["until"] = min(ends, key=lambda u: (-_instant(u), str(u)))
    return out


def _precision_rank(props: dict[str, Any]) -> int:
    return PRECISION_RANK.get(str(props.get("precision") or "minute"), 0)


def _instant(value: str) -> float:
    """Seconds since the epoch of an ISO time (naive means UTC); 0.0 for text that is not one."""
    try:
        moment = datetime.fromisoformat(str(value).split(";")[0])  # 3.11 reads "Z"
    except ValueError:
        return 0.0
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def ensure_incident(store: GraphStore, incident_id: str, *, title: str, region: str | None = None) -> Node:
    """Return the Incident node, creating it (or updating its title/region) as needed."""
    if not title or not isinstance(title, str):
        raise ValueError("an incident needs a title: pass title='...'")
    existing = store.get_node(incident_id)
    if existing is None:
        check_incident_id(incident_id)  # ids stored before the rule keep working; new ones follow it
    if existing is not None and existing.props.get("title") == title and (region is None or
                                                                         existing.props.get("region") == region):
        return existing
    node = IncidentNode(incident_id, incident_id, title, region).to_node()
    store.upsert([node])
    return store.get_node(incident_id) or node


class IncidentIndex:
    """What merging needs to know about an incident's stored graph, kept current across a batch of articles.

    Built once from ``store.incident_graph`` and updated by ``upsert``, so ingesting many
    articles does not export the whole incident once per article. ``version`` is the store's
    version of the incident this index reflects (None when unknown): each write through
    ``upsert`` adds one, as every store does for one batch, so a store version that differs
    means another writer changed the incident and the index must be built again.
    """

    def __init__(self, store: GraphStore, incident_id: str) -> None:
        self.incident_id = incident_id
        self.nodes: dict[NodeId, dict[str, Any]] = {}
        self.edge_keys: set[tuple[str, NodeId, NodeId]] = set()
        # Targets of the edges of each (type, source): what a ``replace`` pair removes, found without a scan.
        self.targets: dict[ReplacePair, set[NodeId]] = {}
        self.sources_of: dict[str, set[NodeId]] = {}  # by edge type: the nodes holding such an edge
        self.times: dict[NodeId, tuple[str, NodeId, list[NodeId]]] = {}
        self.component_keys: dict[str, NodeId] = {}
        self.events: dict[str, list[tuple[NodeId, dict[str, Any]]]] = {}  # by concept
        self.new_claims = False  # claims added since contradictions were last refreshed
        self.sources = 0  # Source nodes: the ``order`` the next new article gets
        # Ids of the nodes written through ``upsert`` since this index was built, in order: what a consumer
        # that keeps something derived from the incident (the model's links) must look at again.
        self.written: list[NodeId] = []
        # What such consumers keep, by name; it lives and dies with this index (a rebuilt index starts empty).
        self.derived: dict[str, Any] = {}
        # Read before exporting: a write in between makes the next check rebuild, never miss it.
        self.version: int | None = store.version(incident_id)
        try:
            graph = store.incident_graph(incident_id)
        except IncidentNotFound:
            return
        for node_id, data in graph.nodes(data=True):  # the export's dicts are fresh copies: no Node validation
            self._add_node(node_id, data["label"], data)
        self._add_keys((key, a, b) for a, b, key in graph.edges(keys=True))

    def add(self, nodes: list[Node], edges: list[Edge]) -> None:
        """Record upserted nodes and edges; a node keeps the properties it was first seen with (ids, names,
        concept, utc are all merging needs), so long evidence lists are not merged again here."""
        for node in nodes:
            self._add_node(node.id, node.label, node.props)
        self._add_keys(rel.key for rel in edges)

    def forget(self, pairs: list[ReplacePair]) -> None:
        """Drop every recorded edge of each (type, source) pair, as a store's ``replace`` removes them."""
        for type_, source in pairs:
            for target in self.targets.pop((type_, source), ()):
                self.edge_keys.discard((type_, source, target))
            self.sources_of.get(type_, set()).discard(source)

    def upsert(self, store: GraphStore, nodes: list[Node], edges: list[Edge], *,
               replace: list[ReplacePair] | None = None,
               then: Callable[[IncidentIndex], Derived] | None = None) -> list[Edge]:
        """Write ``nodes`` and ``edges`` with ``replace`` (see GraphStore.upsert), plus the edges and
        replace pairs ``then`` derives from the index once they are recorded, to ``store`` as one
        batch, and record them here; return the derived edges.

        If the store refuses the batch the index no longer matches it: ``version`` becomes None,
        so an IndexCache builds it again.
        """
        self.add(nodes, edges)
        derived, derived_replace = then(self) if then else ([], [])
        pairs = [*(replace or []), *derived_replace]
        # As the store does: the pairs' edges go first, then the batch's own edges are (re)recorded.
        self.forget(pairs)
        self.add([], [*edges, *derived])
        try:
            store.upsert(nodes, [*edges, *derived], replace=pairs)
        except BaseException:
            self.version = None
            raise
        self.written.extend(node.id for node in nodes)
        if self.version is not None:
            self.version += 1  # one batch: every store moves the incident's version on by one
        return derived

    @contextmanager
    def one_write(self, store: GraphStore) -> Iterator[PendingWrite]:
        """A PendingWrite for the block's upserts (pass it where a step takes the store, and upsert through this
        index with it), committed to ``store`` as one batch when the block ends; if the block or the commit
        raises, nothing is stored and this index no longer matches the store (``version`` None)."""
        version = self.version
        pending = PendingWrite(store)
        try:
            yield pending
            whole = bool(pending.nodes or pending.edges)  # a batch with nodes or edges is one write on every store
            wrote = pending.commit()
        except BaseException:
            self.version = None
            raise
        if wrote:
            self.version = version + 1 if version is not None and whole else None
        else:
            self.version = version

    def _add_keys(self, keys: Iterable[tuple[str, NodeId, NodeId]]) -> None:
        for key in keys:
            self.edge_keys.add(key)
            self.targets.setdefault(key[:2], set()).add(key[2])
            self.sources_of.setdefault(key[0], set()).add(key[1])

    def _add_node(self, node_id: NodeId, label: str, props: dict[str, Any]) -> None:
        known = node_id in self.nodes
        if not known:
            self.nodes[node_id] = {**props, "label": label}
            if label == "TimePoint" and props.get("utc"):
                self.times[node_id] = (props["utc"], node_id, props.get("evidence", []))
            self.new_claims |= label == "Claim"
            self.sources += label == "Source"
        if label == "Component":
            for key in _component_keys(props, node_id):
                self.component_keys.setdefault(key, node_id)
        elif label == "Event" and not known:  # in id order: merging takes the first match (_event_remap)
            insort(self.events.setdefault(props.get("concept", ""), []), (node_id, props), key=_first)
        elif label == "Event":  # times are the one thing merging must see as stored now
            self.nodes[node_id].update(merge_event_times(self.nodes[node_id], props))

    def time_points(self) -> list[tuple[str, NodeId, list[NodeId]]]:
        """(utc, id, evidence) of every TimePoint, in time order."""
        return sorted(self.times.values())


class IndexCache:
    """One IncidentIndex per (store, incident), reused across articles while no other writer touched it.

    ``hold`` serialises ingests into one incident within this process (so two articles never
    merge against the same stale view) and rebuilds the index from one export only when the
    store's version shows a write it did not make (another process, a delete). Up to
    ``size`` incidents per store are kept; stores are held weakly.
    """

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._indexes: weakref.WeakKeyDictionary[Any, OrderedDict[str, IncidentIndex]] = weakref.WeakKeyDictionary()
        self._locks: weakref.WeakKeyDictionary[Any, dict[str, threading.Lock]] = weakref.WeakKeyDictionary()

    @contextmanager
    def hold(self, store: GraphStore, incident_id: str) -> Iterator[IncidentIndex]:
        """Yield a current IncidentIndex of the incident, holding its lock; dropped if the block raises."""
        with self._lock:
            lock = self._locks.setdefault(store, {}).setdefault(incident_id, threading.Lock())
        with lock:
            with self._lock:
                cached = self._indexes.setdefault(store, OrderedDict()).pop(incident_id, None)
            if cached is None or cached.version is None or cached.version != store.version(incident_id):
                cached = IncidentIndex(store, incident_id)
            yield cached  # on an exception the index is not put back: the next article rebuilds it
            with self._lock:
                indexes = self._indexes.setdefault(store, OrderedDict())
                indexes[incident_id] = cached
                while len(indexes) > self.size:
                    indexes.popitem(last=False)


def _first(pair: tuple[NodeId, dict[str, Any]]) -> NodeId:
    return pair[0]


def _slug(node_id: NodeId) -> str:
    return node_id.rsplit(":", 1)[-1]


def _component_keys(props: dict[str, Any], node_id: NodeId) -> set[str]:
    names = [props.get("name", ""), props.get("slug", _slug(node_id)), *props.get("aliases", [])]
    return {k for k in (alias_key(n) for n in names if n) if k}


def _component_remap(nodes: list[Node], index: IncidentIndex) -> dict[NodeId, NodeId]:
    """New component id -> id of the stored component sharing an alias key with it."""
    remap: dict[NodeId, NodeId] = {}
    for node in nodes:
        if node.label == "Component" and node.id not in index.nodes:
            keys = sorted(_component_keys(node.props, node.id))
            match = next((index.component_keys[k] for k in keys if k in index.component_keys), None)
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


def _event_remap(nodes: list[Node], index: IncidentIndex, remap: dict[NodeId, NodeId]) -> dict[NodeId, NodeId]:
    """New event id -> id of a stored (or earlier new) event that ``is_same_event`` with it."""
    known = {concept: list(events) for concept, events in index.events.items()}
    out: dict[NodeId, NodeId] = {}
    for node in nodes:
        if node.label != "Event" or node.id in index.nodes:
            continue
        props = _remapped_event_props(node.props, remap)
        same_concept = known.setdefault(props.get("concept", ""), [])
        # The first in id order: both lists are kept sorted by id, so an incident read fresh and one kept in
        # the cache merge a mention into the same event (insertion order differs between the two).
        match = next((nid for nid, data in same_concept if nid != node.id and is_same_event(props, data)), None)
        if match is not None:
            out[node.id] = match
        else:
            insort(same_concept, (node.id, props), key=_first)
    return out


def _apply_remap(nodes: list[Node], edges: list[Edge], remap: dict[NodeId, NodeId]) -> tuple[list[Node], list[Edge]]:
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
            old = merged_nodes[nid].props
            props = {**merge_props(old, props), **(merge_event_times(old, props) if node.label == "Event" else {})}
        # Building a Node validates its properties: reuse the node when nothing changed.
        merged_nodes[nid] = node if nid == node.id and props == node.props else Node(node.label, nid, props)
    merged_edges: dict[tuple[str, NodeId, NodeId], Edge] = {}
    for rel in edges:
        src, dst = remap.get(rel.source, rel.source), remap.get(rel.target, rel.target)
        if src == dst and rel.type in ("CAUSES", "DEPENDS_ON", "PART_OF", "BEFORE"):
            continue
        key = (rel.type, src, dst)
        if key not in merged_edges:
            merged_edges[key] = rel if key == rel.key else Edge(rel.type, src, dst, dict(rel.props))
        else:
            merged_edges[key] = Edge(rel.type, src, dst, merge_props(merged_edges[key].props, rel.props))
    return list(merged_nodes.values()), list(merged_edges.values())


def _with_stored_times(nodes: list[Node], index: IncidentIndex) -> list[Node]:
    """Events already stored, with the times ``merge_event_times`` keeps against the stored ones
    (the store's own merge would let the later article overwrite them)."""
    out = []
    for node in nodes:
        stored = index.nodes.get(node.id) if node.label == "Event" else None
        times = merge_event_times(stored, node.props) if stored else {}
        if any(node.props.get(k) != v for k, v in times.items()):
            node = Node(node.label, node.id, {**node.props, **times})
        out.append(node)
    return out


def _before_edges(index: IncidentIndex) -> Derived:
    """The BEFORE edges and replace pairs that make the stored BEFORE edges exactly the consecutive pairs of
    the incident's TimePoints in UTC order (strictly increasing times only).

    A TimePoint whose stored successors are already just its successor is left alone (its edge keeps its
    evidence); one whose successor changed, or that has none any more, is replaced.
    """
    points = index.time_points()
    wanted: dict[NodeId, tuple[NodeId, list[NodeId]]] = {}
    for (t1, a, ev_a), (t2, b, ev_b) in pairwise(points):
        if t1 < t2:
            wanted[a] = (b, list(dict.fromkeys(ev_a[:1] + ev_b[:1])))
    sources = [nid for _, nid, _ in points]
    # Any other node holding BEFORE edges (a TimePoint without ``utc``) is no part of the chain: clear it too.
    sources += sorted(index.sources_of.get("BEFORE", set()) - set(sources))
    out, replace = [], []
    for source in sources:
        stored = index.targets.get(("BEFORE", source), set())
        target, evidence = wanted.get(source, (None, []))
        if stored == ({target} if target else set()):
            continue
        if stored:
            replace.append(("BEFORE", source))
        if target:
            out.append(edge("BEFORE", source, target, index.incident_id, evidence=evidence))
    return out, replace


def apply_extraction(store: GraphStore, extraction: Extraction, *, index: IncidentIndex | None = None) -> BuildReport:
    """Upsert one article's extraction; the same article again changes nothing and reports created=False.

    Pass the same ``index`` (an IncidentIndex of ``extraction.incident_id``) when applying many
    extractions in a row; without it the incident is read from the store.
    """
    if not isinstance(extraction, Extraction):
        raise TypeError(f"expected an Extraction, got {type(extraction).__name__}")
    iid, source = extraction.incident_id, extraction.source.to_node()
    if store.get_node(source.id) is not None:
        return BuildReport(source.id, False, warnings=list(extraction.warnings))
    if store.get_node(iid) is None:
        ensure_incident(store, iid, title=iid)
    if index is None or index.incident_id != iid:
        index = IncidentIndex(store, iid)
    nodes = [source] + [n for n in extraction.nodes if n.id != source.id]
    remap = _component_remap(nodes, index)
    remap.update(_event_remap(nodes, index, remap))
    nodes, edges = _apply_remap(nodes, list(extraction.edges), remap)
    nodes = _with_stored_times(nodes, index)
    added: dict[str, int] = {}
    for node in nodes:
        if node.id not in index.nodes:
            added[node.label] = added.get(node.label, 0) + 1
    new_edges = [rel for rel in edges if rel.key not in index.edge_keys]
    before = index.upsert(store, nodes, edges, then=_before_edges)  # one batch: a reader sees all or none
    for rel in new_edges + before:
        added[rel.type] = added.get(rel.type, 0) + 1
    merged = {"components": sum(1 for k in remap if ":c:" in k), "events": sum(1 for k in remap if ":e:" in k)}
    return BuildReport(source.id, True, added, merged, list(extraction.warnings))
