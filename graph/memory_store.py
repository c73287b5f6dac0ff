"""The embedded store: a networkx MultiDiGraph in memory, persisted atomically to one JSON file in DATA_DIR.

Every write is a read-modify-write under a file lock (``graph.json.lock``), so
several processes (gunicorn workers) can share one DATA_DIR: before a write
the process reloads the file if another process changed it, applies the batch,
writes a temporary file, fsyncs it, renames it over ``graph.json`` and fsyncs
the directory. A crash at any point leaves the last complete file. Readers
reload cheaply when the file's identity (inode, mtime, size) changed.

>>> from graph.schema import Node
>>> store = MemoryStore(None)
>>> store.upsert([Node("Event", "i:e:a", {"incident": "i", "summary": "DNS failed"})])
>>> [n.id for n in store.search("dns")], store.version("i")
(['i:e:a'], 1)
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import networkx as nx
from filelock import FileLock, Timeout

from graph.batch import prepare_batch
from graph.errors import IncidentNotFound, NodeNotFound, StoreCorrupt, StoreUnavailable
from graph.export import check_depth, check_search, is_text_match, to_networkx
from graph.schema import Edge, Node, NodeId, merge_props

FILE_NAME = "graph.json"
FORMAT = 1
LOCK_TIMEOUT_S = 30.0


class MemoryStore:
    """GraphStore kept in memory; persisted to ``data_dir/graph.json`` unless ``data_dir`` is None."""

    kind = "embedded"

    def __init__(self, data_dir: str | Path | None) -> None:
        self._lock = threading.RLock()
        self._graph = nx.MultiDiGraph()
        self._versions: dict[str, int] = {}
        self._generation = 0
        self._stamp: tuple[int, int, int] | None = None
        self._path: Path | None = None
        self._file_lock: FileLock | None = None
        if data_dir is not None:
            folder = Path(data_dir)
            folder.mkdir(parents=True, exist_ok=True)
            self._path = folder / FILE_NAME
            self._file_lock = FileLock(str(self._path) + ".lock", timeout=LOCK_TIMEOUT_S)
            self._refresh()

    # ------------------------------------------------------------------ reads

    def get_node(self, node_id: NodeId) -> Node | None:
        with self._lock:
            self._refresh()
            if node_id not in self._graph:
                return None
            return self._node(node_id)

    def neighbourhood(self, node_id: NodeId, depth: int = 1) -> nx.MultiDiGraph:
        check_depth(depth)
        with self._lock:
            self._refresh()
            if node_id not in self._graph:
                raise NodeNotFound(node_id)
            reach = nx.single_source_shortest_path_length(self._graph.to_undirected(as_view=True), node_id, depth)
            return self._export(reach)

    def incident_ids(self) -> list[str]:
        with self._lock:
            self._refresh()
            return sorted({attrs["incident"] for _, attrs in self._graph.nodes(data=True)})

    def incident_graph(self, incident_id: str) -> nx.MultiDiGraph:
        with self._lock:
            self._refresh()
            ids = [n for n, attrs in self._graph.nodes(data=True) if attrs["incident"] == incident_id]
            if not ids:
                raise IncidentNotFound(incident_id)
            return self._export(ids)

    def search(self, text: str, *, label: str | None = None, limit: int = 20) -> list[Node]:
        needle = check_search(text, label, limit)
        with self._lock:
            self._refresh()
            hits = sorted(n for n, attrs in self._graph.nodes(data=True)
                          if (label is None or attrs["label"] == label) and is_text_match(attrs, needle))
            return [self._node(n) for n in hits[:limit]]

    def version(self, incident_id: str) -> int:
        with self._lock:
            self._refresh()
            return self._versions.get(incident_id, 0)

    def health(self) -> dict[str, Any]:
        info: dict[str, Any] = {"store": self.kind, "path": str(self._path) if self._path else None}
        try:
            with self._lock:
                self._refresh()
                info.update(reachable=True, generation=self._generation, nodes=self._graph.number_of_nodes(), edges=self._graph.number_of_edges())
        except (StoreCorrupt, OSError) as exc:
            info.update(reachable=False, error=str(exc))
        return info

    def close(self) -> None:
        """Nothing to release: every write is already on disk."""

    # ----------------------------------------------------------------- writes

    def upsert(self, nodes: Sequence[Node], edges: Sequence[Edge] = ()) -> None:
        with self._lock, self._locked_file():
            self._refresh()
            batch = prepare_batch(nodes, edges, self._labels_of)
            if not batch.nodes and not batch.edges:
                return
            for node in batch.nodes:
                old = self._graph.nodes[node.id] if node.id in self._graph else {}
                props = merge_props({k: v for k, v in old.items() if k != "label"}, node.props)
                self._graph.add_node(node.id, **props, label=node.label)
            for rel in batch.edges:
                old = self._graph.get_edge_data(rel.source, rel.target, rel.type) or {}
                props = merge_props({k: v for k, v in old.items() if k != "type"}, rel.props)
                self._graph.add_edge(rel.source, rel.target, key=rel.type, **props, type=rel.type)
            self._commit(batch.incidents())

    def delete_incident(self, incident_id: str) -> int:
        with self._lock, self._locked_file():
            self._refresh()
            ids = [n for n, attrs in self._graph.nodes(data=True) if attrs["incident"] == incident_id]
            if ids:
                self._graph.remove_nodes_from(ids)
                self._commit([incident_id])
            return len(ids)

    # --------------------------------------------------------------- internals

    def _labels_of(self, ids: Sequence[NodeId]) -> dict[NodeId, str]:
        return {i: self._graph.nodes[i]["label"] for i in ids if i in self._graph}

    def _node(self, node_id: NodeId) -> Node:
        attrs = self._graph.nodes[node_id]
        return Node(attrs["label"], node_id, {k: v for k, v in attrs.items() if k != "label"})

    def _edges_among(self, ids: set[NodeId]) -> list[Edge]:
        return [Edge(key, u, v, {k: x for k, x in attrs.items() if k != "type"})
                for u, v, key, attrs in self._graph.out_edges(ids, keys=True, data=True) if v in ids]

    def _export(self, ids: Any) -> nx.MultiDiGraph:
        wanted = set(ids)
        return to_networkx((self._node(n) for n in sorted(wanted)), self._edges_among(wanted))

    def _commit(self, incidents: list[str]) -> None:
        """Bump versions and persist; if persisting fails, go back to the last good state on disk."""
        for iid in incidents:
            self._versions[iid] = self._versions.get(iid, 0) + 1
        self._generation += 1
        if self._path is None:
            return
        try:
            self._write(self._path, self._payload())
        except OSError as exc:
            self._stamp = None
            self._reload_or_reset()
            raise StoreUnavailable(f"could not write {self._path} ({exc}); nothing was changed") from exc

    def _reload_or_reset(self) -> None:
        if self._path is not None and self._path.exists():
            self._refresh()
        else:
            self._graph, self._versions, self._generation = nx.MultiDiGraph(), {}, 0

    def _locked_file(self) -> Any:
        if self._file_lock is None:
            return contextlib.nullcontext()
        return _AcquiredFileLock(self._file_lock)

    # ------------------------------------------------------------ persistence

    def _payload(self) -> dict[str, Any]:
        nodes = [{"id": n, "label": a["label"], "props": {k: v for k, v in a.items() if k != "label"}}
                 for n, a in self._graph.nodes(data=True)]
        edges = [{"type": k, "source": u, "target": v, "props": {x: y for x, y in a.items() if x != "type"}}
                 for u, v, k, a in self._graph.edges(keys=True, data=True)]
        return {"format": FORMAT, "generation": self._generation, "versions": self._versions,
                "nodes": nodes, "edges": edges}

    def _write(self, path: Path, payload: dict[str, Any]) -> None:
        data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        fd, tmp = tempfile.mkstemp(prefix=f".{FILE_NAME}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _fsync_dir(path.parent)
        stat = path.stat()
        self._stamp = (stat.st_ino, stat.st_mtime_ns, stat.st_size)

    def _refresh(self) -> None:
        """Reload from disk if the file is not the one we last loaded or wrote."""
        if self._path is None:
            return
        try:
            with open(self._path, "rb") as handle:
                stat = os.fstat(handle.fileno())  # the identity of the file we read, even if renamed over meanwhile
                stamp = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
                if stamp == self._stamp:
                    return
                raw = handle.read()
        except FileNotFoundError:
            return
        self._graph, self._versions, self._generation = _parse(raw, str(self._path))
        self._stamp = stamp


class _AcquiredFileLock:
    """Hold the inter-process lock; a lock that cannot be taken in time is StoreUnavailable."""

    def __init__(self, lock: FileLock) -> None:
        self._lock = lock

    def __enter__(self) -> None:
        try:
            self._lock.acquire()
        except Timeout as exc:
            raise StoreUnavailable(f"another process holds {self._lock.lock_file} for over {LOCK_TIMEOUT_S:.0f} s; "
                                   "retry later or remove a stale lock of a dead process") from exc

    def __exit__(self, *exc: object) -> None:
        self._lock.release()


def _parse(raw: bytes, path: str) -> tuple[nx.MultiDiGraph, dict[str, int], int]:
    """Decode a data file; raise StoreCorrupt naming the file if it is not one we wrote."""
    try:
        payload = json.loads(raw.decode("utf-8"))
        if not isinstance(payload, dict) or payload.get("format") != FORMAT:
            raise ValueError(f"not a format-{FORMAT} graph file")
        nodes = [Node(n["label"], n["id"], n["props"]) for n in payload["nodes"]]
        edges = [Edge(e["type"], e["source"], e["target"], e["props"]) for e in payload["edges"]]
        versions = {str(k): int(v) for k, v in payload["versions"].items()}
        generation = int(payload["generation"])
    except (ValueError, KeyError, TypeError, AttributeError) as exc:  # SchemaError is a ValueError
        raise StoreCorrupt(path, f"{type(exc).__name__}: {exc}") from exc
    return to_networkx(nodes, edges), versions, generation


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX needs the directory fsynced)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
