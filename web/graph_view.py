"""Turn a graph payload into vis-network data through pyvis, in linear time (the only module importing pyvis).

pyvis's ``add_node``/``add_edge`` check membership in lists on every call, so
building a network with them is quadratic. We build the node and edge dicts
ourselves in one pass and hand them to a :class:`pyvis.network.Network` in
bulk; pyvis's own HTML template is not used (it loads scripts from CDNs and
writes some fields unescaped): the page renders the returned data as a JSON
block in our autoescaped template.

>>> data = network_data({"nodes": [{"id": "a", "kind": "Event", "label": "race", "role": "root_cause"},
...                                {"id": "b", "kind": "Event", "label": "DNS fails"}],
...                      "edges": [{"source": "a", "target": "b", "type": "CAUSES"}]})
>>> [(n["id"], n["shape"], n["color"]) for n in data["nodes"]]
[('a', 'star', '#d62728'), ('b', 'dot', '#9aa5b1')]
>>> data["edges"][0]["from"], data["edges"][0]["to"], data["edges"][0]["label"]
('a', 'b', 'CAUSES')
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from pyvis.network import Network

from web.causal_layout import causal_positions

Payload = Mapping[str, Any]
# Turns a list of Mention ids into evidence dicts ({"source", "quote", ...}) for the side panel.
EvidenceResolver = Callable[[list[str]], list[dict[str, Any]]]


@dataclass(frozen=True)
class Style:
    """How one role or node kind is drawn, and what the legend calls it."""

    key: str
    title: str
    color: str
    shape: str


# Roles first: a node with a role is drawn by its role; one without is drawn by its kind.
ROLE_STYLES: tuple[Style, ...] = (
    Style("root_cause", "Root cause", "#d62728", "star"),
    Style("trigger", "Trigger", "#ff7f0e", "triangle"),
    Style("contributing_factor", "Contributing factor", "#bcbd22", "triangleDown"),
    Style("first_symptom", "First symptom", "#9467bd", "diamond"),
    Style("symptom", "Symptom", "#c5b0d5", "diamond"),
    Style("impact", "Impact", "#8c564b", "square"),
    Style("recovery", "Recovery", "#2ca02c", "hexagon"),
    Style("mitigation", "Mitigation", "#17becf", "hexagon"),
)
KIND_STYLES: tuple[Style, ...] = (
    Style("Component", "Component", "#1f77b4", "box"),
    Style("Event", "Event (no role)", "#9aa5b1", "dot"),
    Style("TimePoint", "Time point", "#e0e0e0", "ellipse"),
)
_DEFAULT = Style("other", "Other", "#9aa5b1", "dot")
_ROLE = {s.key: s for s in ROLE_STYLES}
_KIND = {s.key.lower(): s for s in KIND_STYLES}
GREYED = "#dddddd"
# Big graphs get fewer stabilisation iterations so the browser draws them in seconds, not minutes.
# Measured in headless Chromium without a GPU: 120 iterations on 2,000 nodes take about 8 s, 40 about 2 s.
_STABILISE_ITERATIONS = ((500, 300), (1000, 100), (10**9, 40))

VIS_DIR = "vis-9.1.2"
VIS_FILES = {"vis-network.min.js": "application/javascript", "vis-network.css": "text/css"}


def style_of(node: Payload) -> Style:
    """The style of a payload node: by its role if it has one, else by its kind.

    >>> style_of({"kind": "Component"}).shape
    'box'
    >>> style_of({"kind": "Event", "role": "trigger"}).title
    'Trigger'
    """
    role = node.get("role")
    if isinstance(role, str) and role in _ROLE:
        return _ROLE[role]
    return _KIND.get(str(node.get("kind", "")).lower(), _DEFAULT)


def _with_evidence(item: dict[str, Any], evidence: EvidenceResolver | None) -> dict[str, Any]:
    if evidence is not None and item.get("evidence"):
        item["evidence"] = evidence(list(item["evidence"]))
    return item


def _vis_node(node: Payload, greyed: bool, evidence: EvidenceResolver | None = None) -> dict[str, Any]:
    style = style_of(node)
    out = {key: value for key, value in node.items() if key not in ("color", "shape", "title", "hidden")}
    _with_evidence(out, evidence)
    out.update(id=node["id"], label=str(node.get("label") or node["id"]), shape=style.shape,
               color=GREYED if greyed else style.color, greyed=greyed)
    if style.shape in ("box", "ellipse"):
        out["font"] = {"color": "#000000" if greyed or style.key != "Component" else "#ffffff"}
    return out


def _vis_edge(index: int, edge: Payload, evidence: EvidenceResolver | None = None) -> dict[str, Any]:
    out = {key: value for key, value in edge.items() if key not in ("from", "to", "title", "hidden")}
    _with_evidence(out, evidence)
    out.update({"id": f"e{index}", "from": edge["source"], "to": edge["target"],
                "label": str(edge.get("type", "")), "arrows": "to"})
    return out


def _options(node_count: int) -> dict[str, Any]:
    iterations = next(limit for size, limit in _STABILISE_ITERATIONS if node_count <= size)
    return {
        "autoResize": True,
        # improvedLayout clusters big graphs with Kamada-Kawai first, which takes minutes for thousands of nodes.
        "layout": {"improvedLayout": node_count <= 150, "randomSeed": 7},
        "physics": {"enabled": True, "solver": "barnesHut",
                    "barnesHut": {"gravitationalConstant": -2500, "centralGravity": 0.4, "springLength": 90,
                                  "avoidOverlap": 0.2},
                    "stabilization": {"enabled": True, "iterations": iterations, "fit": True}},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.6}}, "smooth": False,
                  "font": {"size": 10, "align": "middle"}, "color": {"inherit": False, "color": "#8a8f98"}},
        "nodes": {"font": {"size": 16}, "size": 18},
        "interaction": {"hover": True, "tooltipDelay": 150, "navigationButtons": False, "multiselect": False},
    }


def network_data(payload: Payload, *, greyed: Iterable[str] = (),
                 evidence: EvidenceResolver | None = None) -> dict[str, Any]:
    """vis-network ``{"nodes", "edges", "options"}`` for a graph payload, in time linear in its size.

    ``payload`` is ``{"nodes": [{"id", "kind", "label", "role"?, ...}], "edges": [{"source", "target", "type"}]}``;
    every other field is kept on the vis item for the page's side panel. Edges whose ends are not
    nodes are dropped; nodes whose ids are in ``greyed`` are drawn grey and carry ``greyed: true``.
    ``evidence``, when given, replaces each item's list of Mention ids with the quotes it returns.
    Raises TypeError if ``payload`` has no list of nodes.
    """
    if not isinstance(payload, Mapping) or not isinstance(payload.get("nodes"), list):
        raise TypeError("payload must be a mapping with a 'nodes' list and an 'edges' list")
    grey = set(greyed)
    nodes = [_vis_node(node, node["id"] in grey, evidence) for node in payload["nodes"]]
    ids = {node["id"] for node in nodes}
    edges = [_vis_edge(i, edge, evidence) for i, edge in enumerate(payload.get("edges") or [])
             if edge["source"] in ids and edge["target"] in ids]
    net = Network(directed=True, height="100%", width="100%")
    # Bulk assignment instead of add_node/add_edge: those are O(n) each (list membership).
    net.nodes, net.edges = nodes, edges
    net.node_ids = [node["id"] for node in nodes]
    net.node_map = {node["id"]: node for node in nodes}
    net.options = _options(len(nodes))
    vis_nodes, vis_edges, _heading, _height, _width, options = net.get_network_data()
    return {"nodes": vis_nodes, "edges": vis_edges, "options": json.loads(options)}


def pyvis_loop_nodes(payload: Payload) -> list[dict[str, Any]]:
    """pyvis's documented build, one ``add_node``/``add_edge`` call per item: quadratic, kept as bench/'s baseline.

    >>> len(pyvis_loop_nodes({"nodes": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}],
    ...                       "edges": [{"source": "a", "target": "b", "type": "CAUSES"}]}))
    2
    """
    net = Network(directed=True)
    for node in payload["nodes"]:
        net.add_node(node["id"], label=node["label"], shape="dot", color=style_of(node).color)
    for edge in payload["edges"]:
        net.add_edge(edge["source"], edge["target"], label=edge["type"])
    return net.get_network_data()[0]


def legend() -> list[dict[str, str]]:
    """The legend entries, in display order: every role, then every node kind.

    >>> legend()[0]
    {'key': 'root_cause', 'title': 'Root cause', 'color': '#d62728', 'shape': 'star', 'group': 'role'}
    """
    return ([{**s.__dict__, "group": "role"} for s in ROLE_STYLES]
            + [{**s.__dict__, "group": "kind"} for s in KIND_STYLES])


def vis_asset(name: str) -> tuple[bytes, str]:
    """The bytes and MIME type of one of vis-network's files as shipped inside the installed pyvis package.

    Raises KeyError for any other name, so the route cannot be used to read arbitrary files.
    """
    mime = VIS_FILES[name]
    root: Path = Path(str(resources.files("pyvis"))) / "lib" / VIS_DIR
    return (root / name).read_bytes(), mime


# The causal view: events in server-computed layers, left to right, without physics.
CAUSAL_FONT_PX = 16  # node label size in canvas units; the page keeps font x scale >= 12 px on screen
OPTIONAL_KINDS = ("Component", "TimePoint")  # drawn only when the reader switches them on
CYCLE_COLOR = "#d62728"  # edges inside a cycle are dashed in this colour
BIG_PICTURE = 1000  # nodes; above it edges hide while the reader drags the view
LABEL_WRAP = 180  # canvas units: a label wraps here, inside causal_layout's sub-column width


def _causal_options(node_count: int) -> dict[str, Any]:
    return {
        "autoResize": True,
        # Positions come from the server (web.causal_layout); vis draws them as they are.
        "layout": {"hierarchical": {"enabled": False}, "improvedLayout": False},
        "physics": {"enabled": False},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.7}}, "smooth": False,
                  "font": {"size": 14, "align": "top", "background": "#ffffff"},
                  "color": {"inherit": False, "color": "#8a8f98"}, "width": 1.5},
        "nodes": {"font": {"size": CAUSAL_FONT_PX}, "size": 16, "widthConstraint": {"maximum": LABEL_WRAP}},
        # A big picture pans on its nodes alone (edges come back on release), so a drag answers within 100 ms.
        "interaction": {"hover": True, "tooltipDelay": 150, "navigationButtons": False, "multiselect": False,
                        "hideEdgesOnDrag": node_count > BIG_PICTURE},
    }


def _optional_levels(nodes: list[dict[str, Any]], edges: list[dict[str, Any]],
                     layers: Mapping[str, int]) -> dict[str, int]:
    """A level for each component and time point: the lowest layer of the events linked to it, else 0."""
    level: dict[str, int] = {}
    for edge in edges:
        for here, there in ((edge["from"], edge["to"]), (edge["to"], edge["from"])):
            if there in layers and here not in layers:
                level[here] = min(level.get(here, layers[there]), layers[there])
    return {n["id"]: level.get(n["id"], 0) for n in nodes if n.get("kind") in OPTIONAL_KINDS}


def causal_view(data: Mapping[str, Any], layers: Mapping[str, int], cycles: Iterable[Iterable[str]]) -> dict[str, Any]:
    """vis data for the causal view: ``network_data`` output cut to the layered events (plus components and time
    points, hidden until the reader shows them), each node at its ``level`` and at fixed ``x``/``y`` from
    ``web.causal_layout`` (layers left to right), edge labels left for hover.

    Events not in ``layers`` are left out (the page lists them); edges inside a cycle carry ``cycle: true`` and
    curve, so both directions of a two-event cycle show.

    >>> full = network_data({"nodes": [{"id": "a", "kind": "Event", "label": "race", "role": "root_cause"},
    ...                                {"id": "b", "kind": "Event", "label": "DNS fails"},
    ...                                {"id": "z", "kind": "Event", "label": "Slack slow"},
    ...                                {"id": "c", "kind": "Component", "label": "DNS"}],
    ...                      "edges": [{"source": "a", "target": "b", "type": "CAUSES"},
    ...                                {"source": "b", "target": "c", "type": "AFFECTS"}]})
    >>> view = causal_view(full, {"a": 0, "b": 1}, [])
    >>> [(n["id"], n["level"], n["hidden"]) for n in view["nodes"]]
    [('a', 0, False), ('b', 1, False), ('c', 1, True)]
    >>> [n["x"] for n in view["nodes"]]
    [0.0, 250.0, 250.0]
    >>> view["edges"][0]["type"], view["edges"][0]["label"], view["hidden_kinds"]
    ('CAUSES', '', ['Component', 'TimePoint'])
    """
    cycles = [list(members) for members in cycles]
    in_cycle = {node: index for index, members in enumerate(cycles) for node in members}
    optional = _optional_levels(list(data["nodes"]), list(data["edges"]), layers)
    nodes = []
    for node in data["nodes"]:
        if node["id"] in layers:
            node = {**node, "level": layers[node["id"]], "hidden": False}
            if node["id"] in in_cycle:
                # A dashed border marks it; the fill keeps the role colour.
                node.update(cycle=True, borderWidth=3, shapeProperties={"borderDashes": [5, 3]})
            nodes.append(node)
        elif node["id"] in optional:
            nodes.append({**node, "level": optional[node["id"]], "hidden": True})
    kept = {node["id"] for node in nodes}
    edges = []
    for edge in data["edges"]:
        if edge["from"] in kept and edge["to"] in kept:
            cycle = in_cycle.get(edge["from"], -1) == in_cycle.get(edge["to"], -2)
            edge = {**edge, "type": edge.get("type") or edge["label"], "label": "", "cycle": cycle}
            if cycle:
                edge.update(dashes=True, color={"color": CYCLE_COLOR},
                            smooth={"enabled": True, "type": "curvedCW", "roundness": 0.25})
            edges.append(edge)
    positions = causal_positions(layers, [(e["from"], e["to"]) for e in edges], cycles, optional)
    for node in nodes:
        node["x"], node["y"] = positions[node["id"]]
    return {"nodes": nodes, "edges": edges, "options": _causal_options(len(nodes)), "hidden_kinds": list(OPTIONAL_KINDS)}
