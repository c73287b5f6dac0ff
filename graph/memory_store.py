"""The embedded store: a networkx MultiDiGraph in memory, persisted in DATA_DIR as a snapshot plus a journal.

``graph.json`` is a snapshot of the whole graph; ``journal.jsonl`` holds every
write since, one checksummed line each (see graph.journal). A write takes the
file lock ``graph.json.lock`` (shared by gunicorn workers), catches up with
records other processes appended, validates the batch, appends one record,
fsyncs it, and only then applies it in memory and returns: so a write costs
O(batch), and every acknowledged write survives SIGKILL or power loss.

Before every read or write a process stats the snapshot and the journal and
replays only the records appended since it last looked. When the journal
outgrows max(``compact_bytes``, snapshot size) the writer compacts: it writes
a new snapshot (temp file, fsync, rename, folder fsync) stamped with the next
journal generation, then replaces the journal by an empty one of that
generation. A journal older than the snapshot is already included in it (a
crash between the two steps) and is ignored; a torn last record is dropped;
a damaged snapshot or a damaged record before the last one is StoreCorrupt
naming the file, which is never written over.

>>> from graph.schema import Node
>>> store = MemoryStore(None)
>>> store.upsert([Node("Event", "i:e:a", {"incident": "i", "summary": "DNS failed"})])
>>> [n.id for n in store.search("dns")], store.version("i")
(['i:e:a'], 1)
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any

import networkx as nx
from filelock import FileLock, Timeout

from graph.batch import Batch, check_incident_batch, prepare_batch
from graph.errors import IncidentFull, IncidentNotFound, NodeNotFound, SchemaError, StoreCorrupt, StoreUnavailable
from graph.export import check_depth, check_search, is_text_match, to_networkx
from graph.journal import JOURNAL_NAME, JournalFile, encode_record, read_header, replace_atomically, scan_records
from graph.schema import Edge, Node, NodeId, merge_props
from graph.tallies import Tallies

FILE_NAME = "graph.json"
FORMAT = 2  # format 1 (no journal) is still read, as a snapshot of journal generation 0
LOCK_TIMEOUT_S = 30.0
COMPACT_BYTES = 8 * 1024 * 1024

log = logging.getLogger(__name__)

# A snapshot file's identity: a different one means another process compacted, or someone replaced it.
Stamp = tuple[int, int, int]


class GraphState:
    """The graph, per-incident versions and node index; changed only by applying journal records."""

    def __init__(self, graph: nx.MultiDiGraph | None = None, versions: dict[str, int] | None = None,
                 generation: int = 0) -> None:
        self.graph = graph if graph is not None else nx.MultiDiGraph()
        self.versions = versions or {}
        self.generation = generation  # records applied since the store was created
        self.by_incident: dict[str, set[NodeId]] = {}
        for node_id, incident in self.graph.nodes(data="incident"):
            self.by_incident.setdefault(incident, set()).add(node_id)
        self.tallies = Tallies.of_graph(self.graph)

    def apply(self, record: dict[str, Any]) -> None:
        """Apply one upsert, delete or replace record (as built by ``upsert_record``/``delete_record``/``replace_record``).

        An upsert record's ``replace`` pairs are removed before its nodes and edges are merged;
        records written before ``replace`` existed have no such key and replace nothing.
        """
        if record["op"] == "upsert":
            self._remove(record.get("replace", ()))
            self._upsert(record["nodes"], record["edges"])
        elif record["op"] == "delete":
            self._delete(record["incident"])
        elif record["op"] == "replace":
            self._delete(record["incident"])
            self._upsert(record["nodes"], record["edges"])
        else:
            raise ValueError(f"unknown journal operation {record['op']!r}")
        for iid in record["incidents"]:
            self.versions[iid] = self.versions.get(iid, 0) + 1
        self.generation += 1

    def replaced_edges(self, pairs: Iterable[tuple[str, NodeId]]) -> list[tuple[str, NodeId, NodeId, str]]:
        """(type, source, target, incident) of every stored edge the ``(type, source)`` pairs would remove."""
        succ = self.graph.succ
        return [(type_, source, target, keyed[type_]["incident"])
                for type_, source in pairs if source in succ
                for target, keyed in succ[source].items() if type_ in keyed]

    def _remove(self, pairs: Iterable[list[Any]]) -> None:
        for type_, source, target, incident in self.replaced_edges((type_, source) for type_, source in pairs):
            self.graph.remove_edge(source, target, key=type_)
            self.tallies.remove(incident, type_)

    def _upsert(self, nodes: list[list[Any]], edges: list[list[Any]]) -> None:
        graph, tallies = self.graph, self.tallies
        for node_id, label, new in nodes:
            old = graph.nodes[node_id] if node_id in graph else {}
            if old and old["incident"] != new.get("incident", old["incident"]):
                self.by_incident[old["incident"]].discard(node_id)
            props = merge_props({k: v for k, v in old.items() if k != "label"}, new)
            graph.add_node(node_id, **props, label=label)
            self.by_incident.setdefault(props["incident"], set()).add(node_id)
            if old.get("incident") != props["incident"]:
                if old:
                    tallies.remove(old["incident"], label)
                tallies.add(props["incident"], label)
        for type_, source, target, new in edges:
            old = graph.get_edge_data(source, target, type_) or {}
            props = merge_props({k: v for k, v in old.items() if k != "type"}, new)
            graph.add_edge(source, target, key=type_, **props, type=type_)
            if old.get("incident") != props["incident"]:
                if old:
                    tallies.remove(old["incident"], type_)
                tallies.add(props["incident"], type_)

    def _delete(self, incident_id: str) -> None:
        doomed = self.by_incident.pop(incident_id, ())
        for u, v, key, incident in self.graph.edges(doomed, keys=True, data="incident"):
            if incident != incident_id:  # an edge of another incident goes with the node it touches
                self.tallies.remove(incident, key)
        for u, v, key, incident in self.graph.in_edges(doomed, keys=True, data="incident"):
            if incident != incident_id and u not in doomed:
                self.tallies.remove(incident, key)
        self.graph.remove_nodes_from(doomed)
        self.tallies.drop(incident_id)


def upsert_record(batch: Batch, removed: Sequence[tuple[str, NodeId, NodeId, str]] = ()) -> dict[str, Any]:
    """The journal record of a validated batch; ``removed`` are the edges its ``replace`` pairs remove.

    Only pairs that remove something are recorded (the key is left out when none do, so such
    records are byte for byte what they were before ``replace`` existed), and the incidents
    of the removed edges get a version bump too: their stored data changes.
    """
    record: dict[str, Any] = {"op": "upsert",
                              "incidents": sorted({*batch.incidents(), *(r[3] for r in removed)})}
    pairs = {(r[0], r[1]) for r in removed}
    if pairs:
        record["replace"] = [[type_, source] for type_, source in batch.replace if (type_, source) in pairs]
    record["nodes"] = [[n.id, n.label, n.props] for n in batch.nodes]
    record["edges"] = [[e.type, e.source, e.target, e.props] for e in batch.edges]
    return record


def delete_record(incident_id: str) -> dict[str, Any]:
    """The journal record of deleting one incident."""
    return {"op": "delete", "incidents": [incident_id], "incident": incident_id}


def replace_record(incident_id: str, batch: Batch) -> dict[str, Any]:
    """The journal record of replacing one incident by a validated batch: applied as a delete, then an upsert."""
    return {**delete_record(incident_id), "op": "replace", "nodes": [[n.id, n.label, n.props] for n in batch.nodes],
            "edges": [[e.type, e.source, e.target, e.props] for e in batch.edges]}


class MemoryStore:
    """GraphStore kept in memory; persisted in ``data_dir`` (snapshot + journal) unless ``data_dir`` is None.

    ``max_sources``: the most Source nodes one incident may hold (None: no cap); checked under the
    file lock, so writers in several processes never pass it together.
    """

    kind = "embedded"

    def __init__(self, data_dir: str | Path | None, *, compact_bytes: int = COMPACT_BYTES,
                 max_sources: int | None = None) -> None:
        self.max_sources = max_sources
        self._lock = threading.RLock()
        self._state = GraphState()
        self._compact_bytes = compact_bytes
        self._path: Path | None = None
        self._journal: JournalFile | None = None
        self._file_lock: FileLock | None = None
        self._forget_disk()
        if data_dir is not None:
            folder = Path(data_dir)
            folder.mkdir(parents=True, exist_ok=True)
            self._path = folder / FILE_NAME
            self._journal = JournalFile(folder / JOURNAL_NAME)
            self._file_lock = FileLock(str(self._path) + ".lock", timeout=LOCK_TIMEOUT_S)
            self._refresh()
            if self._torn or self._stale:
                with self._locked_file():  # recovery: trim a torn tail, retire a journal the snapshot includes
                    self._refresh()
                    self._repair_journal()

    # ------------------------------------------------------------------ reads

    def get_node(self, node_id: NodeId) -> Node | None:
        with self._lock:
            self._refresh()
            if node_id not in self._state.graph:
                return None
            return self._node(node_id)

    def neighbourhood(self, node_id: NodeId, depth: int = 1) -> nx.MultiDiGraph:
        check_depth(depth)
        with self._lock:
            self._refresh()
            graph = self._state.graph
            if node_id not in graph:
                raise NodeNotFound(node_id)
            reach = nx.single_source_shortest_path_length(graph.to_undirected(as_view=True), node_id, depth)
            return self._export(reach)

    def incident_ids(self) -> list[str]:
        with self._lock:
            self._refresh()
            return sorted(iid for iid, ids in self._state.by_incident.items() if ids)

    def incident_graph(self, incident_id: str) -> nx.MultiDiGraph:
        with self._lock:
            self._refresh()
            ids = self._state.by_incident.get(incident_id)
            if not ids:
                raise IncidentNotFound(incident_id)
            return self._export(ids)

    def search(self, text: str, *, label: str | None = None, limit: int = 20) -> list[Node]:
        needle = check_search(text, label, limit)
        with self._lock:
            self._refresh()
            hits = sorted(n for n, attrs in self._state.graph.nodes(data=True)
                          if (label is None or attrs["label"] == label) and is_text_match(attrs, needle))
            return [self._node(n) for n in hits[:limit]]

    def version(self, incident_id: str) -> int:
        with self._lock:
            self._refresh()
            return self._state.versions.get(incident_id, 0)

    def counts(self, incident_id: str) -> dict[str, int]:
        with self._lock:
            self._refresh()
            return self._state.tallies.of(incident_id)

    def health(self) -> dict[str, Any]:
        """Reachable (the files load), writable (the folder takes writes), sizes; ``path`` is for the log only."""
        info: dict[str, Any] = {"store": self.kind, "path": str(self._path) if self._path else None}
        try:
            with self._lock:
                self._refresh()
                graph = self._state.graph
                # No edge count: a MultiDiGraph counts edges by walking them, and /healthz must stay cheap.
                info.update(reachable=True, writable=self._is_writable(), generation=self._state.generation,
                            nodes=graph.number_of_nodes(), journal_bytes=self._offset)
        except (StoreCorrupt, OSError) as exc:
            log.error("graph store health check failed: %s", exc)
            info.update(reachable=False, writable=False,
                        error="the data files cannot be loaded (details are in the server log)")
        return info

    def _is_writable(self) -> bool:
        folder = self._path.parent if self._path is not None else None
        return folder is None or (folder.is_dir() and os.access(folder, os.W_OK))

    def close(self) -> None:
        """Nothing to release: every acknowledged write is already on disk."""

    # ----------------------------------------------------------------- writes

    def upsert(self, nodes: Sequence[Node], edges: Sequence[Edge] = (), *,
               replace: Sequence[tuple[str, NodeId]] = ()) -> None:
        with self._lock, self._locked_file():
            self._refresh()
            batch = prepare_batch(nodes, edges, self._labels_of, replace)
            self._check_sources(batch)
            # Read under the file lock, so the record removes exactly what this state holds.
            removed = self._state.replaced_edges(batch.replace)
            if batch.nodes or batch.edges or removed:
                self._commit(upsert_record(batch, removed))

    def delete_incident(self, incident_id: str) -> int:
        with self._lock, self._locked_file():
            self._refresh()
            count = len(self._state.by_incident.get(incident_id, ()))
            if count:
                self._commit(delete_record(incident_id))
            return count

    def replace_incident(self, incident_id: str, nodes: Sequence[Node], edges: Sequence[Edge] = ()) -> None:
        with self._lock, self._locked_file():
            self._refresh()
            graph = self._state.graph
            batch = prepare_batch(nodes, edges, lambda ids: {})
            check_incident_batch(batch, incident_id)
            foreign = next((n.id for n in batch.nodes if n.id in graph and graph.nodes[n.id]["incident"] != incident_id),
                           None)
            if foreign is not None:
                raise SchemaError(f"node {foreign!r} belongs to another incident; replace_incident writes one "
                                  "incident's nodes only")
            self._commit(replace_record(incident_id, batch))  # one record: a crash keeps the old graph or the new

    # --------------------------------------------------------------- internals

    def _check_sources(self, batch: Batch) -> None:
        """IncidentFull if the batch's new Sources would take an incident past ``max_sources``."""
        if self.max_sources is None:
            return
        for incident, added in batch.new_sources().items():
            if self._state.tallies.count(incident, "Source") + len(added) > self.max_sources:
                raise IncidentFull(incident, self.max_sources)

    def _labels_of(self, ids: Iterable[NodeId]) -> dict[NodeId, str]:
        graph = self._state.graph
        return {i: graph.nodes[i]["label"] for i in ids if i in graph}

    def _node(self, node_id: NodeId) -> Node:
        attrs = self._state.graph.nodes[node_id]
        return Node(attrs["label"], node_id, {k: list(v) if isinstance(v, list) else v
                                              for k, v in attrs.items() if k != "label"})

    def _export(self, ids: Iterable[NodeId]) -> nx.MultiDiGraph:
        """The nodes ``ids`` and the edges among them, shaped as graph.export.to_networkx shapes them.

        Built straight from the stored attributes: they were validated on the way in,
        and re-validating every node (as building Node records would) made export the
        slowest part of a request on a large incident.
        """
        wanted = set(ids)
        graph = self._state.graph
        out = nx.MultiDiGraph()
        out.add_nodes_from((n, _key_last(graph.nodes[n], "label")) for n in sorted(wanted))
        succ = graph.succ  # walking the adjacency directly is about twice as fast as an out_edges view
        out.add_edges_from((u, v, key, _key_last(attrs, "type")) for u in wanted
                           for v, keyed in succ[u].items() if v in wanted for key, attrs in keyed.items())
        return out

    def _commit(self, record: dict[str, Any]) -> None:
        """Make ``record`` durable, then apply it; if it cannot be made durable nothing changes.

        A failed append is cut back to the journal's last whole record (graph.journal), so
        "nothing was stored" is true; only if that fails too does the error say it may have been.
        """
        if self._journal is not None:
            try:
                self._repair_journal()
                self._offset = self._journal.append(encode_record(record), inode=self._inode, offset=self._offset)
            except OSError as exc:
                self._forget_disk()  # re-read everything before the next operation
                stored = "nothing was stored" if getattr(exc, "cut_back", True) else "it may have been stored"
                raise StoreUnavailable(f"could not write {self._journal.path} ({exc}); {stored}",
                                       public=f"the data folder cannot be written ({_reason(exc)}); {stored}") from exc
        self._state.apply(record)
        self._maybe_compact()

    def _locked_file(self) -> Any:
        if self._file_lock is None or self._path is None:
            return contextlib.nullcontext()
        if not self._path.parent.is_dir():  # the file lock would create a new, empty folder in its place
            raise StoreUnavailable(f"the data folder {self._path.parent} is missing",
                                   public="the data folder is missing; nothing was stored")
        return _AcquiredFileLock(self._file_lock)

    # ------------------------------------------------------------ persistence
    # What this process has read from disk: the snapshot's identity and journal generation,
    # and the journal file (inode) and offset up to which its records are applied.

    def _forget_disk(self) -> None:
        self._stamp: Stamp | None = (-1, -1, -1)  # matches no file, so the next refresh reloads
        self._generation = 0
        self._inode: int | None = None  # None: no journal of our generation (missing, or stale)
        self._offset = 0
        self._torn = False
        self._stale = False

    def _refresh(self) -> None:
        """Catch up with the files: replay new journal records, or reload all if another process compacted."""
        if self._path is None or self._journal is None:
            return
        stamp = _stamp_of(self._path)
        handle = self._journal.open()
        if stamp is None and handle is None and not self._path.parent.is_dir():
            return  # the folder itself went away (an unmounted volume): keep serving what was read, write nothing
        try:
            if stamp != self._stamp:
                self._reload(handle)
            else:
                self._catch_up(handle)
        finally:
            if handle is not None:
                handle.close()

    def _catch_up(self, handle: IO[bytes] | None) -> None:
        if handle is None:
            if self._inode is not None:  # someone removed the journal: what is left is the snapshot
                self._reload(None)
            return
        stat = os.fstat(handle.fileno())
        if stat.st_ino != self._inode:
            generation, start = read_header(handle, str(self._journal_path))
            if self._inode is None and generation < self._generation:
                self._stale = True  # a compaction was cut short; the snapshot holds all of it
                return
            if self._inode is not None or generation != self._generation:
                self._reload(handle)  # compacted, or replaced: start again from the snapshot
                return
            self._inode, self._offset, self._stale = stat.st_ino, start, False  # a fresh journal of our generation
        if stat.st_size < self._offset:
            self._reload(handle)  # cut back below what we applied: trust the files, not our memory
            return
        self._read_tail(handle, stat.st_size, self._state)

    def _reload(self, handle: IO[bytes] | None) -> None:
        """Load the snapshot, then replay ``handle`` (opened first, so a compaction in between is seen as stale)."""
        assert self._path is not None
        state, generation, stamp = _read_snapshot(self._path)
        self._forget_disk()  # until this returns, the next refresh reloads again (and raises again if corrupt)
        if handle is not None:
            journal_generation, start = read_header(handle, str(self._journal_path))
            if journal_generation > generation:
                raise StoreCorrupt(str(self._journal_path), f"the journal is generation {journal_generation} but "
                                   f"{self._path.name} only includes up to {generation}: they do not belong together")
            self._stale = journal_generation < generation  # already included in the snapshot
            if not self._stale:
                self._offset = start
                self._read_tail(handle, os.fstat(handle.fileno()).st_size, state)
                self._inode = os.fstat(handle.fileno()).st_ino
        self._state, self._stamp, self._generation = state, stamp, generation

    def _read_tail(self, handle: IO[bytes], size: int, state: GraphState) -> None:
        """Apply the complete records between our offset and ``size``; note whether a torn one follows."""
        if size == self._offset:
            self._torn = False
            return
        handle.seek(self._offset)
        scan = scan_records(handle.read(size - self._offset), self._offset, str(self._journal_path))
        try:
            for record in scan.records:
                state.apply(record)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            self._forget_disk()  # ``state`` may be half-changed: the next refresh reloads from the files
            raise StoreCorrupt(str(self._journal_path), f"a record does not fit the graph: {exc!r}") from exc
        self._offset, self._torn = scan.end, scan.torn

    def _repair_journal(self) -> None:
        """Under the file lock: make the journal one of our generation that ends at our offset."""
        assert self._journal is not None
        if self._inode is None:
            stat = self._journal.create(self._generation)
            self._inode, self._offset, self._stale = stat.st_ino, stat.st_size, False
        elif self._torn:
            log.warning("dropping a torn last record at byte %d of %s", self._offset, self._journal.path)
            self._journal.truncate(self._offset)
        self._torn = False

    def _maybe_compact(self) -> None:
        if self._path is None or self._offset < max(self._compact_bytes, self._stamp[2] if self._stamp else 0):
            return
        try:
            self._compact()
        except OSError as exc:  # the write itself is durable in the journal; compaction is retried next write
            log.warning("could not compact %s (%s); the journal keeps growing until it can", self._path, exc)

    def _compact(self) -> None:
        """Write a snapshot that includes the whole journal, then start the next journal generation."""
        assert self._path is not None and self._journal is not None
        generation = self._generation + 1
        stat = replace_atomically(self._path, _snapshot_bytes(self._state, generation))
        # From here the old journal is stale: a crash now is recovered by ignoring it.
        self._stamp, self._generation, self._inode, self._offset = _stamp_from(stat), generation, None, 0
        self._stale = True
        self._repair_journal()

    @property
    def _journal_path(self) -> Path:
        assert self._journal is not None
        return self._journal.path


class _AcquiredFileLock:
    """Hold the inter-process lock; a lock that cannot be taken in time is StoreUnavailable."""

    def __init__(self, lock: FileLock) -> None:
        self._lock = lock

    def __enter__(self) -> None:
        try:
            self._lock.acquire()
        except Timeout as exc:
            raise StoreUnavailable(f"another process holds {self._lock.lock_file} for over {LOCK_TIMEOUT_S:.0f} s; "
                                   "retry later or remove a stale lock of a dead process",
                                   public="another writer holds the store's lock; nothing was stored") from exc
        except OSError as exc:  # a read-only or vanished folder: the lock file cannot be created or opened
            raise StoreUnavailable(f"cannot take the lock {self._lock.lock_file} ({exc})",
                                   public=f"the data folder cannot be written ({_reason(exc)}); nothing was stored"
                                   ) from exc

    def __exit__(self, *exc: object) -> None:
        self._lock.release()


def _reason(exc: OSError) -> str:
    """The operating system's reason for ``exc`` without the file name (clients must not see server paths)."""
    return exc.strerror or type(exc).__name__


def _key_last(attrs: dict[str, Any], key: str) -> dict[str, Any]:
    """A copy of ``attrs`` with ``key`` (label or type) last, as to_networkx orders them.

    Lists are copied too, so a caller editing an exported graph cannot edit the store.
    """
    copy = {k: list(v) if isinstance(v, list) else v for k, v in attrs.items() if k != key}
    copy[key] = attrs[key]
    return copy


def _stamp_from(stat: os.stat_result) -> Stamp:
    return (stat.st_ino, stat.st_mtime_ns, stat.st_size)


def _stamp_of(path: Path) -> Stamp | None:
    try:
        return _stamp_from(path.stat())
    except FileNotFoundError:
        return None


def _read_snapshot(path: Path) -> tuple[GraphState, int, Stamp | None]:
    """(state, journal generation it includes, identity of the file read); an empty state if there is none."""
    try:
        with open(path, "rb") as handle:
            stamp = _stamp_from(os.fstat(handle.fileno()))  # the file we read, even if renamed over meanwhile
            raw = handle.read()
    except FileNotFoundError:
        return GraphState(), 0, None
    state, generation = _parse(raw, str(path))
    return state, generation, stamp


def _snapshot_bytes(state: GraphState, journal_generation: int) -> bytes:
    graph = state.graph
    nodes = [{"id": n, "label": a["label"], "props": {k: v for k, v in a.items() if k != "label"}}
             for n, a in graph.nodes(data=True)]
    edges = [{"type": k, "source": u, "target": v, "props": {x: y for x, y in a.items() if x != "type"}}
             for u, v, k, a in graph.edges(keys=True, data=True)]
    payload = {"format": FORMAT, "journal_generation": journal_generation, "generation": state.generation,
               "versions": state.versions, "nodes": nodes, "edges": edges}
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _parse(raw: bytes, path: str) -> tuple[GraphState, int]:
    """Decode a snapshot; raise StoreCorrupt naming the file if it is not one we wrote."""
    try:
        payload = json.loads(raw.decode("utf-8"))
        if not isinstance(payload, dict) or payload.get("format") not in (1, FORMAT):
            raise ValueError(f"not a format-{FORMAT} graph file")
        nodes = [Node(n["label"], n["id"], n["props"]) for n in payload["nodes"]]
        edges = [Edge(e["type"], e["source"], e["target"], e["props"]) for e in payload["edges"]]
        versions = {str(k): int(v) for k, v in payload["versions"].items()}
        generation = int(payload["generation"])
        journal_generation = int(payload.get("journal_generation", 0))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:  # SchemaError is a ValueError
        raise StoreCorrupt(path, f"{type(exc).__name__}: {exc}") from exc
    return GraphState(to_networkx(nodes, edges), versions, generation), journal_generation
