"""Cypher statements for the Bolt store, each small enough for the server (no neo4j import here).

Writes are UNWIND statements grouped by label or relationship type; rows are
packed so that query text plus an upper bound of the PackStream size of the
parameters stays within a byte budget (FalkorDB crashes on Bolt messages over
about 4 KB). Labels, relationship types and the merged-list property names in
the query text come only from graph.schema's fixed sets; every value is a parameter.

Some servers (FalkorDB's Bolt endpoint) paste string parameters into the query
text between single quotes without escaping them; ``escape_spliced`` prepares
parameters for such a server, and ``packed_size`` counts the escaped size.

>>> [len(c) for c in chunks("Q", ["a" * 10] * 5, budget=150)]
[3, 2]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from graph.batch import Batch
from graph.errors import StoreUnavailable
from graph.schema import EDGE_TYPES, MERGED_LIST_PROPS, NODE_LABELS, Edge, Node, NodeId, Props

MESSAGE_OVERHEAD = 100  # Bolt RUN message framing and metadata, beyond query text and parameters
# A store-internal label (a constant, never user text) for per-incident version counters.
META_LABEL = "StoreMeta"

Statement = tuple[str, dict[str, Any], int | None]  # query, parameters, expected count(*) or None
# A splicing server pastes map keys into the query text bare, so only plain identifiers are safe there.
_SPLICE_SAFE_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def packed_size(value: Any) -> int:
    """An upper bound of ``value``'s PackStream size in bytes, also after ``escape_spliced``.

    >>> packed_size({"id": "a", "n": [1, 2.5, True]})
    56
    >>> packed_size("it's") - packed_size("it-s")  # the backslash escape_spliced may add
    1
    """
    if isinstance(value, str):
        return 5 + len(value.encode("utf-8")) + value.count("\\") + value.count("'")
    if isinstance(value, dict):
        return 5 + sum(packed_size(k) + packed_size(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return 5 + sum(packed_size(v) for v in value)
    return 9  # int, float, bool, None: at most a marker and 8 bytes


def escape_spliced(value: Any) -> Any:
    r"""``value`` with every string, at any depth, escaped for a server that splices it between single quotes.

    Backslashes are doubled first, then quotes get a backslash, so the server reads back exactly the original
    string. Map keys are spliced bare and cannot be escaped: a key that is not a plain identifier is refused.

    >>> escape_spliced({"t": "Amazon's", "l": ["a\\b", 3]}) == {"t": "Amazon\\'s", "l": ["a\\\\b", 3]}
    True
    >>> escape_spliced({"x') DELETE n //": 1})
    Traceback (most recent call last):
    ...
    ValueError: refusing parameter key "x') DELETE n //": this server splices keys into the query unescaped
    """
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("'", "\\'")
    if isinstance(value, (list, tuple)):
        return [escape_spliced(v) for v in value]
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, str) or not _SPLICE_SAFE_KEY.fullmatch(key):
                raise ValueError(f"refusing parameter key {key!r}: this server splices keys into the query unescaped")
        return {k: escape_spliced(v) for k, v in value.items()}
    return value


def chunks(query: str, rows: list[Any], budget: int) -> Iterator[list[Any]]:
    """Split ``rows`` so that each statement (query + rows) stays within ``budget`` bytes."""
    room = budget - len(query.encode("utf-8")) - MESSAGE_OVERHEAD
    chunk: list[Any] = []
    size = 0
    for row in rows:
        row_size = packed_size(row)
        if row_size > room:
            message = (f"one row is {row_size} bytes but this server takes statements of at most {budget} bytes "
                       "(GRAPH_MAX_BATCH_BYTES); shorten the property or raise the limit if the server allows it")
            raise StoreUnavailable(message, public=message)
        if chunk and size + row_size > room:
            yield chunk
            chunk, size = [], 0
        chunk.append(row)
        size += row_size
    if chunk:
        yield chunk


def _split_props(new: Props, old: Props | None) -> tuple[tuple[str, ...], dict[str, Any]]:
    """Union keys (merged lists, as merge_props does) and the row carrying plain and merged values."""
    union = {k: v for k, v in new.items() if k in MERGED_LIST_PROPS and isinstance(v, list)
             and (old is None or k not in old or isinstance(old[k], list))}
    plain = {k: v for k, v in new.items() if k not in union}
    return tuple(sorted(union)), {"set": plain, "u": union}


def _union_clauses(var: str, keys: tuple[str, ...]) -> str:
    # keys come from graph.schema.MERGED_LIST_PROPS, a fixed set, never from the data
    return "".join(f" SET {var}.{k} = coalesce({var}.{k}, []) + [x IN r.u.{k} WHERE NOT x IN coalesce({var}.{k}, [])]"
                   for k in keys)


def _grouped(items: Iterable[tuple[Any, dict[str, Any]]]) -> dict[Any, list[dict[str, Any]]]:
    groups: dict[Any, list[dict[str, Any]]] = {}
    for shape, row in items:
        groups.setdefault(shape, []).append(row)
    return groups


def _checked(type_: str, *labels: str) -> None:
    """Refuse to put anything but the schema's fixed types and labels into query text."""
    if type_ not in EDGE_TYPES or any(label not in NODE_LABELS for label in labels):
        raise ValueError(f"refusing to build a statement for {type_} {'->'.join(labels)}")


def replaced_edges_statements(batch: Batch, budget: int) -> list[Statement]:
    """Reads of every stored edge the batch's ``replace`` pairs will remove: rows of s, t, o, ol (label), props."""
    statements: list[Statement] = []
    for (type_, label), rows in _grouped(((t, batch.labels[s]), s) for t, s in batch.replace).items():
        _checked(type_, label)
        query = (f"UNWIND $ids AS i MATCH (a:{label} {{id: i}})-[e:{type_}]->(b) "
                 "RETURN type(e) AS t, a.id AS s, b.id AS o, labels(b)[0] AS ol, properties(e) AS props")
        statements += [(query, {"ids": c}, None) for c in chunks(query, rows, budget)]
    return statements


def _delete_statements(batch: Batch, budget: int) -> list[Statement]:
    """Deletes of every edge of each ``replace`` pair's type leaving its source."""
    statements: list[Statement] = []
    for (type_, label), rows in _grouped(((t, batch.labels[s]), s) for t, s in batch.replace).items():
        _checked(type_, label)
        query = f"UNWIND $ids AS i MATCH (a:{label} {{id: i}})-[e:{type_}]->() DELETE e"
        statements += [(query, {"ids": c}, None) for c in chunks(query, rows, budget)]
    return statements


def upsert_statements(batch: Batch, before: dict[NodeId, Node], budget: int, removed: Iterable[Edge] = (), *,
                      node_sets: Mapping[NodeId, Props] | None = None, parts: Sequence[Statement] = ()
                      ) -> list[Statement]:
    """Deletes for the ``replace`` pairs, UNWIND statements for the batch's nodes, then its edges, then
    the version bump of the batch's incidents and those of the ``removed`` edges (read just before).

    ``node_sets`` gives, for some nodes, the properties to SET instead of theirs, and ``parts`` run right
    after the nodes are written (``graph.long_strings``: long strings stored in parts).
    """
    statements: list[Statement] = _delete_statements(batch, budget)
    node_sets = node_sets or {}

    def node_row(node: Node) -> tuple[Any, dict[str, Any]]:
        keys, row = _split_props(node_sets.get(node.id, node.props), before[node.id].props if node.id in before else None)
        return (node.label, keys), {"id": node.id, **row}

    for (label, keys), rows in _grouped(node_row(n) for n in batch.nodes).items():
        query = f"UNWIND $rows AS r MERGE (n:{label} {{id: r.id}}) SET n += r.set{_union_clauses('n', keys)} " \
                "RETURN count(*) AS c"
        statements += _row_statements(query, rows, budget)
    statements += parts

    def edge_row(rel: Edge) -> tuple[Any, dict[str, Any]]:
        keys, row = _split_props(rel.props, None)
        return (rel.type, batch.labels[rel.source], batch.labels[rel.target], keys), {"s": rel.source,
                                                                                      "t": rel.target, **row}

    for (type_, src, dst, keys), rows in _grouped(edge_row(e) for e in batch.edges).items():
        _checked(type_, src, dst)
        query = (f"UNWIND $rows AS r MATCH (a:{src} {{id: r.s}}) MATCH (b:{dst} {{id: r.t}}) "
                 f"MERGE (a)-[e:{type_}]->(b) SET e += r.set{_union_clauses('e', keys)} RETURN count(*) AS c")
        statements += _row_statements(query, rows, budget)
    incidents = sorted({*batch.incidents(), *(rel.props["incident"] for rel in removed)})
    return statements + [version_bump(incidents)]


def _row_statements(query: str, rows: list[dict[str, Any]], budget: int) -> list[Statement]:
    """UNWIND statements of ``rows`` within ``budget``. A row too long for one statement because of its merged
    lists (a node's evidence gathered from many articles, as a whole-incident write sends it) is written as
    several: its plain properties first, then its lists cut across rows in later statements, where the union
    clause appends them in order."""
    room = budget - len(query.encode("utf-8")) - MESSAGE_OVERHEAD
    levels: list[list[dict[str, Any]]] = []
    for row in rows:
        for depth, piece in enumerate(_row_pieces(row, room)):
            if depth == len(levels):
                levels.append([])
            levels[depth].append(piece)
    return [(query, {"rows": c}, len(c)) for level in levels for c in chunks(query, level, budget)]


def _row_pieces(row: dict[str, Any], room: int) -> list[dict[str, Any]]:
    """``row``, or rows writing it piece by piece (the first with its plain properties, every one with all
    union keys, as the query reads them); a single value too long is left for ``chunks`` to refuse.

    >>> [p["u"] for p in _row_pieces({"id": "a", "set": {"x": 1}, "u": {"e": ["m1", "m2", "m3"]}}, 70)]
    [{'e': []}, {'e': ['m1', 'm2']}, {'e': ['m3']}]
    """
    if not row.get("u") or packed_size(row) <= room:
        return [row]
    ident = {k: v for k, v in row.items() if k not in ("set", "u")}
    pieces = [{**ident, "set": row["set"], "u": {k: [] for k in row["u"]}}]
    current: dict[str, Any] = {**ident, "set": {}, "u": {k: [] for k in row["u"]}}
    size = empty = packed_size(current)
    for key, values in row["u"].items():
        for value in values:
            if size + packed_size(value) > room and size > empty:
                pieces.append(current)
                current = {**ident, "set": {}, "u": {k: [] for k in row["u"]}}
                size = empty
            current["u"][key].append(value)
            size += packed_size(value)
    return pieces + ([current] if size > empty else [])


# One article-cap claim: takes the incident's meta node for writing (on Neo4j a write lock held to the end of the
# transaction, so parallel claims on one incident queue there), counts the incident's other Sources and, only if the
# new ones fit under the cap, creates them as bare nodes that every later claim counts. A FalkorDB query runs
# whole before the next write starts, so there the statement alone is atomic. ``over_cap`` tells the caller.
_CLAIM = (f"MERGE (v:{META_LABEL} {{of_incident: $iid}}) SET v.claims = coalesce(v.claims, 0) + 1 "
          "WITH v OPTIONAL MATCH (s:Source {incident: $iid}) WHERE NOT s.id IN $ids "
          "WITH count(s) + size($ids) <= $cap AS fits "
          "FOREACH (i IN CASE WHEN fits THEN $ids ELSE [] END | "
          "MERGE (n:Source {id: i}) ON CREATE SET n.incident = $iid) "
          "RETURN NOT fits AS over_cap, $iid AS incident")
# Bare Sources a refused multi-statement claim made, removed where the server cannot roll back.
_CLAIM_UNDO = "UNWIND $ids AS i MATCH (n:Source {id: i}) WHERE size(keys(n)) = 2 DETACH DELETE n"


def source_claims(new: Mapping[str, list[NodeId]], cap: int, budget: int) -> list[Statement]:
    """Statements claiming room for each incident's new Sources under ``cap``, to run first in the write.

    A row with ``over_cap`` true means the incident is full and the statement created nothing.
    """
    return [(_CLAIM, {"iid": iid, "ids": chunk, "cap": cap}, None)
            for iid, ids in new.items() for chunk in chunks(_CLAIM, ids, budget - 200)]


def claim_undo(claims: Sequence[Statement], budget: int) -> list[Statement]:
    """Deletes of the bare Sources ``claims`` (those run before a refused one) created."""
    ids = [i for _, params, _ in claims for i in params["ids"]]
    return [(_CLAIM_UNDO, {"ids": c}, None) for c in chunks(_CLAIM_UNDO, ids, budget)]


def version_bump(incidents: list[str]) -> Statement:
    query = f"UNWIND $iids AS i MERGE (v:{META_LABEL} {{of_incident: i}}) SET v.version = coalesce(v.version, 0) + 1"
    return (query, {"iids": incidents}, None)


def undo_statements(batch: Batch, before: dict[NodeId, Node], old_edges: dict[tuple[str, NodeId, NodeId], Props],
                    budget: int, removed: Iterable[tuple[Edge, str]] = ()) -> list[Statement]:
    """Statements that put back what an interrupted upsert changed (used where there is no rollback).

    ``removed`` are the edges the batch's ``replace`` pairs removed, each with its target's label:
    they are recreated with exactly their old properties.
    """
    statements: list[Statement] = []
    for rel in batch.edges:
        if rel.source in batch.existing and rel.target in batch.existing:
            src, dst = batch.labels[rel.source], batch.labels[rel.target]
            match = f"MATCH (a:{src} {{id: $s}})-[e:{rel.type}]->(b:{dst} {{id: $t}})"
            old = old_edges.get(rel.key)
            ends = {"s": rel.source, "t": rel.target}
            if old is None:
                statements.append((match + " DELETE e", ends, None))
            else:
                statements.append((match + " SET e = $props", {**ends, "props": old}, None))
    statements += _recreate_statements(batch, removed, budget)
    for node in batch.nodes:
        label = node.label
        if node.id in before:
            props = {"id": node.id, **before[node.id].props}
            statements.append((f"MATCH (n:{label} {{id: $id}}) SET n = $props", {"id": node.id, "props": props}, None))
        else:
            statements.append((f"MATCH (n:{label} {{id: $id}}) DETACH DELETE n", {"id": node.id}, None))
    return statements


def _recreate_statements(batch: Batch, removed: Iterable[tuple[Edge, str]], budget: int) -> list[Statement]:
    """MERGE back removed edges and set exactly their old properties (after the batch's own edges are undone)."""
    statements: list[Statement] = []
    rows = (((rel.type, batch.labels[rel.source], target_label), {"s": rel.source, "t": rel.target, "p": rel.props})
            for rel, target_label in removed)
    for (type_, src, dst), group in _grouped(rows).items():
        _checked(type_, src, dst)
        query = (f"UNWIND $rows AS r MATCH (a:{src} {{id: r.s}}) MATCH (b:{dst} {{id: r.t}}) "
                 f"MERGE (a)-[e:{type_}]->(b) SET e = r.p")
        statements += [(query, {"rows": c}, None) for c in chunks(query, group, budget)]
    return statements
