"""How both stores present stored records: exported networkx graphs and text search, identically.

>>> from graph.schema import Node, Edge
>>> g = to_networkx([Node("Event", "i:e:a", {"incident": "i"}), Node("Event", "i:e:b", {"incident": "i"})],
...                 [Edge("CAUSES", "i:e:a", "i:e:b", {"incident": "i"})])
>>> g.nodes["i:e:a"]["label"], list(g.edges(keys=True, data="type"))
('Event', [('i:e:a', 'i:e:b', 'CAUSES', 'CAUSES')])
>>> is_text_match({"name": "Route 53", "aliases": ["R53"]}, "r53")
True
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx

from graph.errors import SchemaError
from graph.schema import NODE_LABELS, Edge, Node, Props

# Properties search looks in; `aliases` is a list, the others are strings.
SEARCH_PROPS: tuple[str, ...] = ("name", "summary", "title", "text", "quote")
SEARCH_LIST_PROPS: tuple[str, ...] = ("aliases",)


def to_networkx(nodes: Iterable[Node], edges: Iterable[Edge]) -> nx.MultiDiGraph:
    """Build the exported graph: node attrs = props + label; edge key = type, attrs = props + type."""
    graph = nx.MultiDiGraph()
    for node in nodes:
        graph.add_node(node.id, **node.props, label=node.label)
    for rel in edges:
        graph.add_edge(rel.source, rel.target, key=rel.type, **rel.props, type=rel.type)
    return graph


def is_text_match(props: Props, needle: str) -> bool:
    """True if ``needle`` (already lower-case) is a substring of a searchable property, ignoring case."""
    for key in SEARCH_PROPS:
        value = props.get(key)
        if isinstance(value, str) and needle in value.lower():
            return True
    for key in SEARCH_LIST_PROPS:
        values = props.get(key)
        if isinstance(values, list) and any(isinstance(v, str) and needle in v.lower() for v in values):
            return True
    return False


def check_search(text: str, label: str | None, limit: int) -> str:
    """Validate search arguments; return the lower-cased needle."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("search text must be a non-empty string")
    if label is not None and label not in NODE_LABELS:
        raise SchemaError(f"unknown node label {label!r}; use one of {', '.join(NODE_LABELS)}")
    if not isinstance(limit, int) or limit < 1:
        raise ValueError(f"limit must be a positive integer, not {limit!r}")
    return text.strip().lower()


def check_depth(depth: Any) -> int:
    """Validate a neighbourhood depth (a non-negative integer)."""
    if not isinstance(depth, int) or isinstance(depth, bool) or depth < 0:
        raise ValueError(f"depth must be a non-negative integer, not {depth!r}")
    return depth
