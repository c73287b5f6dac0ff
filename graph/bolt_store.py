"""The Bolt store: Neo4j, or any Bolt server such as FalkorDB, through the official neo4j driver.

Design choices (each answers a measured server behaviour):

* One driver per store object, created here and closed only by ``close()``:
  after a client closes its driver (the Bolt GOODBYE), FalkorDB leaves the next
  new connection's handshake unanswered (FalkorDB #897), so a driver per request
  would hang; the 2 s connect timeout plus the driver's retry gets past it.
* Short connect/acquire/retry timeouts, so a request fails fast with
  StoreUnavailable; the driver reconnects on the next call once the server is back.
* Statements are bounded by ``max_batch_bytes`` (query text plus an upper bound of
  the PackStream size of its parameters): FalkorDB crashes on a Bolt message over
  about 4 KB. Servers that refuse ``CREATE CONSTRAINT`` (FalkorDB) get 3000, Neo4j 1 MB.
* No traversal in Cypher (FalkorDB miscounts DISTINCT over variable-length paths):
  simple indexed MATCHes fetch nodes and edges; networkx assembles the graph.
* Labels and relationship types come only from graph.schema's fixed sets; every
  value is a query parameter.
* FalkorDB's Bolt endpoint pastes string parameters into the query text between
  single quotes without escaping them (``x' MATCH (n) DETACH DELETE n //`` deleted
  every node). On first contact the store asks the server to echo two backslashes:
  a splicing server reads back one. For such a server ``_run``, which every
  statement passes through, escapes every string parameter at any depth
  (``escape_spliced``), so values round-trip exactly; other servers get them as is.

Atomicity: an upsert is validated as a whole first (nothing is written if any
part is invalid), then all its statements run in one managed write transaction.
On Neo4j that transaction is atomic. FalkorDB applies each statement as it runs
and cannot roll back, so if a statement fails the store compensates: it deletes
the nodes (and with them the edges) this upsert created, deletes the edges it
created between pre-existing nodes, restores the previous properties of nodes
and edges it changed, and recreates the edges its ``replace`` pairs removed
(read, with their properties, just before the write). If the server is gone so
that compensation fails too, StoreUnavailable says so; re-running the same
upsert completes it, since upserts are idempotent.

The article cap (``max_sources``) is claimed by the write's first statements
(``cypher_batches.source_claims``): each counts the incident's Sources and creates
the new ones only if they fit, atomically (Neo4j: under the write lock of the
incident's meta node; FalkorDB: one query runs whole before the next write), so
parallel writers never take an incident over its cap.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import neo4j
import networkx as nx
from neo4j.exceptions import DriverError, Neo4jError

from graph.batch import Batch, check_incident_batch, prepare_batch
from graph.cypher_batches import (
    META_LABEL,
    Statement,
    chunks,
    claim_undo,
    escape_spliced,
    replaced_edges_statements,
    source_claims,
    undo_statements,
    upsert_statements,
    version_bump,
)
from graph.errors import IncidentFull, IncidentNotFound, NodeNotFound, SchemaError, StoreUnavailable
from graph.export import SEARCH_LIST_PROPS, SEARCH_PROPS, check_depth, check_search, to_networkx
from graph.long_strings import (
    SPILL_LABEL,
    has_long_string,
    incident_parts_delete,
    incident_parts_read,
    node_parts_deletes,
    part_limit,
    part_statements,
    parts_of,
    parts_reads,
    reassembled,
    spill_limit,
    spilled_keys,
    spilled_props,
)
from graph.schema import NODE_LABELS, Edge, Node, NodeId, Props

NEO4J_BATCH_BYTES = 1_000_000
SMALL_BATCH_BYTES = 3000
RETRY_TIME_S = 2.5  # with the 2 s connect timeout: one retry past a hung handshake; ~3 s to fail when down
CONNECT_TIMEOUT_S = 2.0
SPLICE_PROBE = "\\\\"  # two backslashes: a server that splices parameters into '...' reads back one
ESCAPE_PROBE = "it's \\ \\' \\"  # quotes and backslashes that escaping must bring back exactly


@dataclass(frozen=True)
class ServerFacts:
    """What the store learned about its server on first contact."""

    agent: str
    id_guard: str  # "constraint" (Neo4j) or "index" (servers that refuse uniqueness constraints)
    batch_bytes: int
    splices_strings: bool  # pastes string parameters into the query text unescaped (FalkorDB)

    @property
    def has_rollback(self) -> bool:
        return self.id_guard == "constraint"


class BoltStore:
    """GraphStore on a Bolt server; one driver for the object's whole life."""

    kind = "bolt"

    def __init__(self, uri: str, *, user: str = "neo4j", password: str = "", database: str | None = None,
                 max_batch_bytes: int | str | None = None, max_sources: int | None = None) -> None:
        self.max_sources = max_sources
        self._uri = uri
        self._database = database or None
        self._batch_setting = _positive_int(max_batch_bytes) if max_batch_bytes not in (None, "") else None
        self._driver = neo4j.GraphDatabase.driver(
            uri, auth=(user, password), max_transaction_retry_time=RETRY_TIME_S,
            connection_timeout=CONNECT_TIMEOUT_S, connection_acquisition_timeout=CONNECT_TIMEOUT_S)
        self._lock = threading.Lock()
        self._facts: ServerFacts | None = None

    # ------------------------------------------------------------------ reads

    def get_node(self, node_id: NodeId) -> Node | None:
        found = self._stored([node_id])
        return found.get(node_id)

    def neighbourhood(self, node_id: NodeId, depth: int = 1) -> nx.MultiDiGraph:
        check_depth(depth)
        start = self.get_node(node_id)
        if start is None:
            raise NodeNotFound(node_id)
        nodes: dict[NodeId, Node] = {node_id: start}
        edges: dict[tuple[str, NodeId, NodeId], Edge] = {}
        frontier = [start]
        for _ in range(depth):
            found = self._adjacent(frontier, both=True)
            for rel, other in found:
                edges[rel.key] = rel
            frontier = [o for _, o in found if o.id not in nodes]
            frontier = list({o.id: o for o in frontier}.values())
            nodes.update((o.id, o) for o in frontier)
        for rel, other in self._adjacent(frontier, both=False):
            if other.id in nodes:  # edges between two nodes at the outer rim
                edges[rel.key] = rel
        return to_networkx((nodes[k] for k in sorted(nodes)), edges.values())

    def incident_ids(self) -> list[str]:
        rows = self._read([("MATCH (n) WHERE n.incident IS NOT NULL RETURN DISTINCT n.incident AS i", {}, None)])
        return sorted(r["i"] for r in rows[0])

    def incident_graph(self, incident_id: str) -> nx.MultiDiGraph:
        node_q = " UNION ALL ".join(
            f"MATCH (n:{label} {{incident: $iid}}) RETURN '{label}' AS label, properties(n) AS props"
            for label in NODE_LABELS)
        edge_q = " UNION ALL ".join(
            f"MATCH (a:{label} {{incident: $iid}})-[r]->(b) WHERE b.incident = $iid "
            "RETURN a.id AS s, type(r) AS t, b.id AS o, properties(r) AS props" for label in NODE_LABELS)
        node_rows, edge_rows = self._read([(node_q, {"iid": incident_id}, None), (edge_q, {"iid": incident_id}, None)])
        if not node_rows:
            raise IncidentNotFound(incident_id)
        nodes = sorted(self._nodes([(r["label"], r["props"]) for r in node_rows], incident_id=incident_id),
                       key=lambda n: n.id)
        return to_networkx(nodes, (Edge(r["t"], r["s"], r["o"], r["props"]) for r in edge_rows))

    def search(self, text: str, *, label: str | None = None, limit: int = 20) -> list[Node]:
        needle = check_search(text, label, limit)
        tests = [f"toLower(n.{p}) CONTAINS $t" for p in SEARCH_PROPS]
        tests += [f"any(a IN coalesce(n.{p}, []) WHERE toLower(a) CONTAINS $t)" for p in SEARCH_LIST_PROPS]
        query = (f"MATCH (n{':' + label if label else ''}) WHERE n.incident IS NOT NULL AND ({' OR '.join(tests)}) "
                 "RETURN labels(n)[0] AS label, properties(n) AS props ORDER BY n.id LIMIT $limit")
        rows = self._read([(query, {"t": needle, "limit": limit}, None)])[0]
        return self._nodes([(r["label"], r["props"]) for r in rows])

    def version(self, incident_id: str) -> int:
        query = f"MATCH (v:{META_LABEL} {{of_incident: $iid}}) RETURN v.version AS v"
        rows = self._read([(query, {"iid": incident_id}, None)])[0]
        return int(rows[0]["v"]) if rows else 0

    def counts(self, incident_id: str) -> dict[str, int]:
        params = {"iid": incident_id}
        node_q = [(f"MATCH (n:{label} {{incident: $iid}}) RETURN '{label}' AS k, count(n) AS c", params, None)
                  for label in NODE_LABELS]
        edges = "MATCH (a:{label} {{incident: $iid}})-[r]->(b) WHERE b.incident = $iid RETURN type(r) AS k, count(r) AS c"
        edge_q = [(edges.format(label=label), params, None) for label in NODE_LABELS]
        out: dict[str, int] = {}
        for rows in self._read(node_q + edge_q):
            for row in rows:
                if row["c"]:
                    out[row["k"]] = out.get(row["k"], 0) + int(row["c"])
        return out

    def health(self) -> dict[str, Any]:
        info: dict[str, Any] = {"store": self.kind, "uri": self._uri}
        try:
            facts = self._server()
            self._read([("RETURN 1 AS ok", {}, None)])
        except Exception as exc:  # health must answer, whatever went wrong  # noqa: BLE001
            return {**info, "reachable": False, "error": str(exc)}
        return {**info, "reachable": True, "server": facts.agent, "id_guard": facts.id_guard,
                "max_batch_bytes": facts.batch_bytes, "escapes_strings": facts.splices_strings}

    def close(self) -> None:
        self._driver.close()

    # ----------------------------------------------------------------- writes

    def upsert(self, nodes: Sequence[Node], edges: Sequence[Edge] = (), *,
               replace: Sequence[tuple[str, NodeId]] = ()) -> None:
        facts = self._server()
        before: dict[NodeId, Node] = {}
        spilled: dict[NodeId, set[str]] = {}

        def lookup(ids: Iterable[NodeId]) -> dict[NodeId, str]:
            before.update(self._stored(list(ids), spilled=spilled))
            return {i: n.label for i, n in before.items()}

        batch = prepare_batch(nodes, edges, lookup, replace)
        claims = [] if self.max_sources is None else source_claims(batch.new_sources(), self.max_sources,
                                                                    facts.batch_bytes)
        # Read on every server: the incidents of removed edges get a version bump, and without rollback
        # the compensation recreates them.
        removed = self._replaced_edges(batch)
        if not batch.nodes and not batch.edges and not removed:
            return
        sets, parts = self._spills(batch, before, spilled)
        writes = claims + upsert_statements(batch, before, facts.batch_bytes, [rel for rel, _ in removed],
                                            node_sets=sets, parts=parts)
        old_edges = {} if facts.has_rollback else self._stored_edges(batch)
        try:
            self._write(writes)
        except _OverCap as full:  # nothing but the claims before it ran: Neo4j rolled them back
            if not facts.has_rollback and full.index:
                self._write(claim_undo(claims[:full.index], facts.batch_bytes))
            raise IncidentFull(full.incident, self.max_sources or 0) from None
        except StoreUnavailable as exc:
            if facts.has_rollback:
                raise
            self._compensate(batch, before, old_edges, removed, exc)
            raise

    def delete_incident(self, incident_id: str) -> int:
        self._server()
        results = self._write(_incident_deletes(incident_id))
        deleted = sum(rows[0]["c"] for rows in results if rows)
        if deleted:
            self._write([version_bump([incident_id])])
        return deleted

    def replace_incident(self, incident_id: str, nodes: Sequence[Node], edges: Sequence[Edge] = ()) -> None:
        facts = self._server()
        batch = prepare_batch(nodes, edges, lambda ids: {})
        check_incident_batch(batch, incident_id)
        foreign = self._foreign([n.id for n in batch.nodes], incident_id)
        if foreign:
            raise SchemaError(f"node {foreign[0]!r} belongs to another incident; replace_incident writes one incident's "
                              "nodes only")
        old = None
        if not facts.has_rollback:  # kept to put back if a statement fails part-way
            try:
                old = self.incident_graph(incident_id)
            except IncidentNotFound:
                pass
        try:
            self._write(_incident_deletes(incident_id) + self._creates(batch))
        except StoreUnavailable as exc:
            if facts.has_rollback:
                raise
            self._put_back(incident_id, old, exc)
            raise

    # --------------------------------------------------------------- internals

    def _nodes(self, rows: list[tuple[str, Props]], *, incident_id: str | None = None) -> list[Node]:
        """Nodes from stored (label, properties) rows, with strings kept in parts put back (graph.long_strings).

        ``incident_id``: all rows are of that incident, so its parts are read in one statement.
        """
        ids = [props["id"] for _, props in rows if spilled_keys(props)]
        parts: dict[tuple[NodeId, str], dict[int, str]] = {}
        if ids:
            reads = [incident_parts_read(incident_id)] if incident_id else parts_reads(ids, self._server().batch_bytes)
            parts = parts_of(r for found in self._read(reads) for r in found)
        return [_node(label, reassembled(props["id"], props, parts)) for label, props in rows]

    def _spills(self, batch: Batch, before: dict[NodeId, Node],
                spilled: dict[NodeId, set[str]]) -> tuple[dict[NodeId, Props], list[Statement]]:
        """The properties to SET on the batch's nodes with long strings (or with strings stored in parts before),
        and the statements that store those parts."""
        budget = self._server().batch_bytes
        limit, sets = spill_limit(budget), {}
        create: list[dict[str, Any]] = []
        stale: list[dict[str, Any]] = []
        for node in batch.nodes:
            if node.id in spilled or has_long_string(node.props, limit):
                old = before.get(node.id)
                sets[node.id], made, gone = spilled_props(node, limit=limit, part_limit=part_limit(budget),
                                                          old=old.props if old else None,
                                                          old_spilled=spilled.get(node.id, ()))
                create += made
                stale += gone
        return sets, part_statements(create, stale, budget)

    def _creates(self, batch: Batch) -> list[Statement]:
        """Statements writing ``batch`` into an incident just emptied (nothing stored to merge with)."""
        sets, parts = self._spills(batch, {}, {})
        return upsert_statements(batch, {}, self._server().batch_bytes, node_sets=sets, parts=parts)

    def _foreign(self, ids: Sequence[NodeId], incident_id: str) -> list[NodeId]:
        """The ids among ``ids`` stored as nodes of another incident."""
        query = " UNION ALL ".join(
            f"UNWIND $ids AS i MATCH (n:{label} {{id: i}}) WHERE n.incident <> $iid RETURN n.id AS id"
            for label in NODE_LABELS)
        budget = self._server().batch_bytes
        statements = [(query, {"ids": c, "iid": incident_id}, None) for c in chunks(query, list(ids), budget - 300)]
        return sorted(r["id"] for rows in self._read(statements) for r in rows)

    def _put_back(self, incident_id: str, old: nx.MultiDiGraph | None, cause: StoreUnavailable) -> None:
        """After a replace failed part-way on a server without rollback: the incident as it was before."""
        writes = _incident_deletes(incident_id)
        if old is not None:
            nodes = [Node(d["label"], n, {k: v for k, v in d.items() if k != "label"}) for n, d in old.nodes(data=True)]
            edges = [Edge(t, a, b, {k: v for k, v in d.items() if k != "type"})
                     for a, b, t, d in old.edges(keys=True, data=True)]
            writes += self._creates(prepare_batch(nodes, edges, lambda ids: {}))
        try:
            self._write(writes)
        except StoreUnavailable as exc:
            raise StoreUnavailable(
                f"{cause} Replacing incident {incident_id!r} stopped part-way and its old graph could not be put back "
                f"({exc}); once the server is back, run the replacement again.",
                public="the graph server stopped part-way through replacing the incident, which could not be put "
                       "back; once it is back, run the same operation again") from exc

    def _server(self) -> ServerFacts:
        """Learn the server's kind and create the id guards, once; retried on the next call if it fails.

        Statements run from here pass ``escape`` explicitly: deciding it would call back into this method.
        """
        with self._lock:
            if self._facts is None:
                guard = self._create_id_guards()
                splices = self._detect_splicing()
                try:
                    agent = self._driver.get_server_info().agent
                except (Neo4jError, DriverError, OSError) as exc:
                    raise _unavailable(self._uri, exc) from exc
                default = NEO4J_BATCH_BYTES if guard == "constraint" else SMALL_BATCH_BYTES
                self._facts = ServerFacts(agent, guard, self._batch_setting or default, splices)
            return self._facts

    def _detect_splicing(self) -> bool:
        """True if the server pastes string parameters into the query unescaped; measured, not assumed."""
        echoed = self._echo(SPLICE_PROBE, escape=False)
        if echoed == SPLICE_PROBE:
            return False
        if echoed == SPLICE_PROBE[1:] and self._echo(ESCAPE_PROBE, escape=True) == ESCAPE_PROBE:
            return True
        raise StoreUnavailable(f"the graph server at {self._uri} changes string parameters ({SPLICE_PROBE!r} came "
                               f"back as {echoed!r}) in a way the store cannot undo; it cannot store text safely")

    def _echo(self, text: str, *, escape: bool) -> Any:
        return self._read([("RETURN $p AS p", {"p": text}, None)], escape=escape)[0][0]["p"]

    def _create_id_guards(self) -> str:
        """Uniqueness constraints where the server has them (Neo4j), else plain indexes (FalkorDB)."""
        labels = (*NODE_LABELS, META_LABEL)
        key = {label: ("of_incident" if label == META_LABEL else "id") for label in labels}
        first = labels[0]
        try:
            self._write([(_constraint(first, key[first]), {}, None)], escape=False)
        except _Refused:
            existing = self._read([("CALL db.indexes() YIELD label, properties RETURN label, properties", {}, None)],
                                  escape=False)
            have = {(r["label"], p) for r in existing[0] for p in r["properties"]}
            wanted = [(lb, key[lb]) for lb in labels] + [(lb, "incident") for lb in NODE_LABELS]
            wanted += [(SPILL_LABEL, "of_node"), (SPILL_LABEL, "of_incident")]
            self._write([(f"CREATE INDEX FOR (n:{lb}) ON (n.{prop})", {}, None)
                         for lb, prop in wanted if (lb, prop) not in have], escape=False)
            return "index"
        self._write([(_constraint(lb, key[lb]), {}, None) for lb in labels[1:]]
                    + [(f"CREATE INDEX ix_{lb.lower()}_incident IF NOT EXISTS FOR (n:{lb}) ON (n.incident)", {}, None)
                       for lb in NODE_LABELS]
                    + [(f"CREATE INDEX ix_storetext_{prop} IF NOT EXISTS FOR (n:{SPILL_LABEL}) ON (n.{prop})", {}, None)
                       for prop in ("of_node", "of_incident")], escape=False)
        return "constraint"

    def _stored(self, ids: Sequence[NodeId], *, spilled: dict[NodeId, set[str]] | None = None) -> dict[NodeId, Node]:
        """The stored nodes among ``ids`` (indexed lookups, one per label, in one statement per chunk); ``spilled``
        collects the keys each keeps in parts."""
        if not ids:
            return {}
        query = " UNION ALL ".join(
            f"UNWIND $ids AS i MATCH (n:{label} {{id: i}}) RETURN '{label}' AS label, properties(n) AS props"
            for label in NODE_LABELS)
        facts = self._server()
        statements = [(query, {"ids": chunk}, None) for chunk in chunks(query, list(ids), facts.batch_bytes)]
        rows = [(r["label"], r["props"]) for found in self._read(statements) for r in found]
        if spilled is not None:
            spilled.update((props["id"], set(keys)) for _, props in rows if (keys := spilled_keys(props)))
        return {node.id: node for node in self._nodes(rows)}

    def _stored_edges(self, batch: Batch) -> dict[tuple[str, NodeId, NodeId], Props]:
        """Current properties of the batch's edges whose endpoints both existed (for compensation)."""
        groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
        for rel in batch.edges:
            if rel.source in batch.existing and rel.target in batch.existing:
                shape = (rel.type, batch.labels[rel.source], batch.labels[rel.target])
                groups.setdefault(shape, []).append({"s": rel.source, "t": rel.target})
        statements: list[Statement] = []
        for (type_, src, dst), rows in groups.items():
            query = (f"UNWIND $rows AS r MATCH (a:{src} {{id: r.s}})-[e:{type_}]->(b:{dst} {{id: r.t}}) "
                     "RETURN type(e) AS t, a.id AS s, b.id AS o, properties(e) AS props")
            statements += [(query, {"rows": c}, None) for c in chunks(query, rows, self._server().batch_bytes)]
        return {(r["t"], r["s"], r["o"]): r["props"] for rows in self._read(statements) for r in rows}

    def _replaced_edges(self, batch: Batch) -> list[tuple[Edge, str]]:
        """Every stored edge the batch's ``replace`` pairs will remove, with its target's label."""
        statements = replaced_edges_statements(batch, self._server().batch_bytes)
        return [(Edge(r["t"], r["s"], r["o"], r["props"]), r["ol"]) for rows in self._read(statements) for r in rows]

    def _adjacent(self, frontier: list[Node], *, both: bool) -> list[tuple[Edge, Node]]:
        """Edges touching ``frontier`` nodes (outgoing, and incoming if ``both``) with the node at the other end."""
        by_label: dict[str, list[NodeId]] = {}
        for node in frontier:
            by_label.setdefault(node.label, []).append(node.id)
        statements: list[Statement] = []
        patterns = [("(a:{L} {{id: i}})-[r]->(b)", False)] + ([("(a:{L} {{id: i}})<-[r]-(b)", True)] if both else [])
        for label, ids in by_label.items():
            for pattern, incoming in patterns:
                query = (f"UNWIND $ids AS i MATCH {pattern.format(L=label)} WHERE b.incident IS NOT NULL "
                         f"RETURN {incoming} AS incoming, a.id AS a, type(r) AS t, labels(b)[0] AS bl, "
                         "properties(b) AS bp, properties(r) AS rp")
                statements += [(query, {"ids": c}, None) for c in chunks(query, ids, self._server().batch_bytes)]
        out = []
        rows = [r for found in self._read(statements) for r in found]
        for r, other in zip(rows, self._nodes([(r["bl"], r["bp"]) for r in rows])):
            src, dst = (other.id, r["a"]) if r["incoming"] else (r["a"], other.id)
            out.append((Edge(r["t"], src, dst, r["rp"]), other))
        return out

    def _compensate(self, batch: Batch, before: dict[NodeId, Node], old_edges: dict[tuple[str, NodeId, NodeId], Props],
                    removed: list[tuple[Edge, str]], cause: StoreUnavailable) -> None:
        try:
            budget = self._server().batch_bytes
            # Nodes are put back as stored: long strings in parts, so every part the write touched goes first.
            stored, parts = self._spills(prepare_batch(list(before.values()), [], lambda ids: {}), {}, {})
            restored = {nid: Node(node.label, nid, stored.get(nid, node.props)) for nid, node in before.items()}
            self._write(undo_statements(batch, restored, old_edges, budget, removed)
                        + node_parts_deletes([n.id for n in batch.nodes], budget) + parts)
        except StoreUnavailable as exc:
            raise StoreUnavailable(
                f"{cause} The write stopped part-way and could not be undone ({exc}); once the server is back, "
                "re-run the same upsert: upserts are idempotent, so it completes the batch.",
                public="the graph server stopped part-way through the write and it could not be undone; once it is "
                       "back, send the same request again: writes are idempotent, so that completes it") from exc

    def _read(self, statements: list[Statement], *, escape: bool | None = None) -> list[list[dict[str, Any]]]:
        return self._run(statements, write=False, escape=escape)

    def _write(self, statements: list[Statement], *, escape: bool | None = None) -> list[list[dict[str, Any]]]:
        return self._run(statements, write=True, escape=escape)

    def _run(self, statements: list[Statement], *, write: bool,
             escape: bool | None = None) -> list[list[dict[str, Any]]]:
        """Run statements in one managed transaction; map driver failures to StoreUnavailable.

        Every statement passes here, so this is where string parameters are escaped for a server that
        splices them into the query text; ``escape=None`` asks the server facts (only ``_server`` decides itself).
        """
        if not statements:
            return []
        if escape is None:
            escape = any(params for _, params, _ in statements) and self._server().splices_strings
        if escape:
            statements = [(query, escape_spliced(params), expected) for query, params, expected in statements]
        try:
            with self._driver.session(database=self._database) as session:
                runner: Callable[..., Any] = session.execute_write if write else session.execute_read
                return runner(_run_all, statements)
        except _Incomplete as exc:
            raise StoreUnavailable(f"the graph server skipped part of a write ({exc}); nothing more was written",
                                   public="the graph server skipped part of a write; nothing more was written") from exc
        except Neo4jError as exc:
            if exc.code and (exc.code.startswith("Neo.ClientError.Schema") or "UnknownError" in exc.code):
                raise _Refused(f"the graph server at {self._uri} refused a statement ({exc.code}: {exc.message}); "
                               "see the server's log") from exc
            raise _unavailable(self._uri, exc) from exc
        except (DriverError, OSError) as exc:
            raise _unavailable(self._uri, exc) from exc


class _Refused(StoreUnavailable):
    """The server refused a statement (for instance a schema command it does not support)."""


class _OverCap(Exception):
    """A claim statement (``cypher_batches.source_claims``) found its incident full; ``index``: its place."""

    def __init__(self, index: int, incident: str) -> None:
        super().__init__(f"incident {incident!r} is full")
        self.index = index
        self.incident = incident


class _Incomplete(Exception):
    """A write statement touched fewer rows than it was given (an endpoint vanished meanwhile)."""


def _run_all(tx: neo4j.ManagedTransaction, statements: list[Statement]) -> list[list[dict[str, Any]]]:
    results = []
    for index, (query, params, expected) in enumerate(statements):
        rows = [record.data() for record in tx.run(query, params)]
        if rows and rows[0].get("over_cap"):
            raise _OverCap(index, rows[0]["incident"])
        if expected is not None and (not rows or rows[0].get("c") != expected):
            raise _Incomplete(f"expected {expected} rows, the server reported {rows[0].get('c') if rows else 0}")
        results.append(rows)
    return results


def _incident_deletes(incident_id: str) -> list[Statement]:
    """Deletes of every node of one incident (each returning how many) and of the parts of its long strings."""
    return [incident_parts_delete(incident_id)] + [
        (f"MATCH (n:{label} {{incident: $iid}}) DETACH DELETE n RETURN count(*) AS c", {"iid": incident_id}, None)
        for label in NODE_LABELS]


def _constraint(label: str, prop: str) -> str:
    return f"CREATE CONSTRAINT ig_{label.lower()}_{prop} IF NOT EXISTS FOR (n:{label}) REQUIRE n.{prop} IS UNIQUE"


def _unavailable(uri: str, exc: BaseException) -> StoreUnavailable:
    return StoreUnavailable(f"the graph server at {uri} is unavailable ({type(exc).__name__}: {exc}); "
                            "check that it is running and retry", public="the graph server cannot be reached")


def _node(label: str, props: Props) -> Node:
    return Node(label, props["id"], {k: v for k, v in props.items() if k != "id"})


def _positive_int(value: int | str) -> int:
    number = int(value)
    if number <= 0:
        raise ValueError(f"max_batch_bytes must be positive, not {value!r}")
    return number
