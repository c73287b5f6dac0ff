"""One node as answers and pages show it: its display text (``node_label``) and its payload (``node_view``).

>>> g = nx.MultiDiGraph()
>>> g.add_node("i:e:a", label="Event", incident="i", summary="race condition")
>>> node_label(g, "i:e:a"), node_view(g, "i:e:a")["kind"]
('race condition', 'Event')
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from analysis.findings import RoleAssignment
from graph.errors import NodeNotFound
from graph.schema import NodeId

# Which property names a node's display text, per label; the first present wins.
_LABEL_PROPS: tuple[str, ...] = ("name", "summary", "title", "utc", "text", "quote", "element")
# Properties kept for re-extraction, not for display: a Source's text is the whole article (up to 200,000 characters).
_HIDDEN: dict[str, tuple[str, ...]] = {"Source": ("text",)}


def node_label(graph: nx.MultiDiGraph, node: NodeId) -> str:
    """The display text of a node: its name, summary, title, utc or text, else its id."""
    attrs = graph.nodes[node]
    for key in _LABEL_PROPS:
        value = attrs.get(key)
        if isinstance(value, str) and value:
            return value
    return node


def node_view(graph: nx.MultiDiGraph, node: NodeId, role: RoleAssignment | None = None) -> dict[str, Any]:
    """One node as the API shows it (a Source without its article text); raises NodeNotFound if ``node`` is not
    in ``graph``."""
    if node not in graph:
        raise NodeNotFound(node)
    attrs = graph.nodes[node]
    hidden = _HIDDEN.get(attrs.get("label", ""), ())
    out: dict[str, Any] = {key: value for key, value in attrs.items() if key != "label" and key not in hidden}
    out.update({"id": node, "kind": attrs.get("label", ""), "label": node_label(graph, node)})
    if role is not None:
        out["role"] = role.role
        out["confidence"] = role.confidence
    return out
