"""The GraphStore protocol both stores implement, and the factory that picks one from config.

Stores do storage only: upserts, lookups, an incident's subgraph as a networkx
graph, deletion and cross-incident search. Reasoning runs in Python on the
exported subgraph, so both stores give the same answers by construction.

Exported graphs are ``networkx.MultiDiGraph``: node attributes are the node's
properties plus ``label`` (its kind); each edge is keyed by its type and its
attributes are its properties plus ``type``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

import networkx as nx

from graph.schema import Edge, Node, NodeId


@runtime_checkable
class GraphStore(Protocol):
    kind: str  # "embedded" or "bolt"
    max_sources: int | None  # most Source nodes (articles) one incident may hold; None: no cap

    def upsert(self, nodes: Sequence[Node], edges: Sequence[Edge] = (), *,
               replace: Sequence[tuple[str, NodeId]] = ()) -> None:
        """Insert or merge ``nodes`` then ``edges`` as one batch; either all of it is stored or none.

        A node or edge already present keeps its identity; its properties are
        merged with ``graph.schema.merge_props`` (evidence lists unioned).

        ``replace`` lists ``(edge_type, source_id)`` pairs: in the same batch, all
        or nothing, every stored edge of that type leaving that node is removed
        before the batch's edges are merged, so the batch's edges of that type from
        that node end up stored with exactly their own properties (nothing merged
        from the removed ones) and no other edge of that type leaves it. Edges of
        other types, and edges of that type leaving other nodes, are untouched. A
        pair whose source is not stored removes nothing.

        Versions: every incident the batch's nodes and edges belong to, and every
        incident of an edge the batch removed, moves on by one. A batch that
        changes nothing (no nodes, no edges, and its ``replace`` pairs find no
        edge to remove) is not a write and leaves every version as it was.

        Raises SchemaError for an edge whose endpoints are missing or whose labels
        the schema does not allow, or a ``replace`` pair with an unknown edge type
        (nothing is written, nothing removed); IncidentFull if new Source nodes would
        take an incident past the store's ``max_sources`` (nothing is written);
        StoreUnavailable if the store fails.
        """

    def get_node(self, node_id: NodeId) -> Node | None:
        """The node with this id, or None."""

    def neighbourhood(self, node_id: NodeId, depth: int = 1) -> nx.MultiDiGraph:
        """Nodes within ``depth`` hops of ``node_id`` (either direction) and the edges among them."""

    def incident_ids(self) -> list[str]:
        """Ids of every incident that has at least one node, sorted."""

    def incident_graph(self, incident_id: str) -> nx.MultiDiGraph:
        """Every node and edge of one incident; raises IncidentNotFound if it has none."""

    def delete_incident(self, incident_id: str) -> int:
        """Delete every node and edge of one incident; return the number of nodes deleted."""

    def replace_incident(self, incident_id: str, nodes: Sequence[Node], edges: Sequence[Edge] = ()) -> None:
        """Replace every node and edge of one incident by ``nodes`` and ``edges``, as one write.

        Afterwards the incident holds exactly the batch (duplicates merged as ``upsert`` merges them):
        nothing of what it held before is kept or merged in. The batch must hold the Incident node and
        nothing of another incident (SchemaError otherwise; nothing is changed). The embedded store writes
        it as one journal record, Neo4j as one transaction; a server without rollback (FalkorDB) that
        fails part-way gets the old graph written back. The incident's version moves on by one.
        """

    def search(self, text: str, *, label: str | None = None, limit: int = 20) -> list[Node]:
        """Nodes of any incident whose name, summary, aliases or text contain ``text`` (case-insensitive)."""

    def version(self, incident_id: str) -> int:
        """A number that changes whenever the incident's data changes (for caching answers)."""

    def counts(self, incident_id: str) -> dict[str, int]:
        """How many nodes of each label and edges of each type the incident holds; {} if it has none.

        Cheap whatever the incident's size on the embedded store (kept as writes apply), so a
        summary or a limit check never exports the incident.
        """

    def health(self) -> dict[str, Any]:
        """``{"store": kind, "reachable": bool, ...}``; never raises."""

    def close(self) -> None:
        """Release connections; called once at shutdown."""


def open_store(config: Mapping[str, Any]) -> GraphStore:
    """Return the store the config selects: Bolt if ``GRAPH_URI`` is set, else the embedded store in ``DATA_DIR``;
    either caps each incident at ``MAX_ARTICLES_PER_INCIDENT`` Sources when that is set."""
    uri = config.get("GRAPH_URI")
    if uri:
        from graph.bolt_store import BoltStore

        return BoltStore(
            uri,
            user=config.get("GRAPH_USER") or "neo4j",
            password=config.get("GRAPH_PASSWORD") or "",
            database=config.get("GRAPH_DATABASE") or None,
            max_batch_bytes=config.get("GRAPH_MAX_BATCH_BYTES"),
            max_sources=config.get("MAX_ARTICLES_PER_INCIDENT"),
        )
    from graph.memory_store import MemoryStore

    return MemoryStore(config.get("DATA_DIR"), max_sources=config.get("MAX_ARTICLES_PER_INCIDENT"))
