"""Fixed x/y positions for the causal view: layers left to right, compact rows ordered to cross few edges.

``causal_layers`` gives each linked event its layer (its column band, left to right). Here each
layer's events are ordered top to bottom by the barycentre heuristic (a node moves towards the mean
height of its neighbours in the other layers; a few sweeps down and up the layers), the events of one
causal cycle kept together. A layer taller than the picture is wide is folded into side-by-side
sub-columns, filled row by row and staggered, so every node keeps its own height and the picture
keeps the shape of a page (``Spacing.width`` by ``height``) instead of one very tall column. Components and time
points, drawn only when the reader switches them on, go in rows under the events, in the column of
the first layer linked to them. The browser draws these positions as they are (physics off).

>>> pos = causal_positions({"a": 0, "b": 1, "c": 1}, [("a", "b"), ("a", "c")])
>>> pos["a"][0] < pos["b"][0] == pos["c"][0], pos["b"][1] < pos["c"][1]
(True, True)
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

Position = tuple[float, float]


@dataclass(frozen=True)
class Spacing:
    """Distances in canvas units (the page shows them at about 0.75 px each so labels stay >= 12 px)."""

    layer: float = 250.0  # from a layer's last sub-column to the next layer's first: room for arrows
    column: float = 200.0  # between the sub-columns of one layer: a label's width (labels wrap at 180)
    row: float = 96.0  # between two nodes of one sub-column: the shape and a label of up to three lines
    width: float = 1500.0  # the canvas of a 1280 x 800 window at 12 px labels (0.75 px a unit), margins out
    height: float = 700.0
    sweeps: int = 4  # down-and-up barycentre passes


def causal_positions(layers: Mapping[str, int], edges: Iterable[tuple[str, str]],
                     cycles: Iterable[Iterable[str]] = (), extra: Mapping[str, int] | None = None,
                     spacing: Spacing = Spacing()) -> dict[str, Position]:
    """``{node: (x, y)}`` for every node of ``layers`` (its layer, 0 leftmost) and of ``extra`` (nodes drawn in
    rows below the events, in the given layer's column). ``edges`` are (from, to) pairs among them (others are
    ignored); the nodes of one cycle in ``cycles`` stay next to each other. Deterministic for the same input.
    """
    extra = dict(extra or {})
    group = {node: index for index, members in enumerate(cycles) for node in members}
    by_layer: dict[int, list[str]] = defaultdict(list)
    for node in sorted(layers, key=lambda n: (layers[n], n)):
        by_layer[layers[node]].append(node)
    rows = _rows_per_column([len(by_layer[k]) for k in sorted(by_layer)], spacing)
    folds = {k: math.ceil(len(members) / rows) for k, members in by_layer.items()}
    folds.update({layer: 1 for layer in set(extra.values()) - set(folds)})
    left = _layer_lefts(folds, spacing)
    up, down = _neighbours(layers, edges)
    order = _first_order(by_layer, down)
    for _ in range(spacing.sweeps):
        for layer in sorted(order)[1:]:
            order[layer] = _by_barycentre(order[layer], up, order, layers, folds, group, spacing)
        for layer in sorted(order, reverse=True)[1:]:
            order[layer] = _by_barycentre(order[layer], down, order, layers, folds, group, spacing)
    out: dict[str, Position] = {}
    for layer, members in order.items():
        for index, node in enumerate(members):
            out[node] = (left[layer] + (index % folds[layer]) * spacing.column,
                         _height(index, len(members), folds[layer], spacing))
    out.update(_below(extra, out, left, folds, edges, spacing))
    return out


def _rows_per_column(sizes: list[int], spacing: Spacing) -> int:
    """The most rows a sub-column holds. The page's width comes first: fold no more than the picture still fits
    ``spacing.width`` and no more than it needs to fit ``spacing.height``. A picture too wide to fit in any case
    (many layers) is folded to the shape of the page instead, so it is never one very tall column."""
    if not sizes:
        return 1
    gaps = (len(sizes) - 1) * spacing.layer + spacing.column  # the last column's labels need room too

    def width(rows: int) -> float:
        return gaps + sum(math.ceil(n / rows) - 1 for n in sizes) * spacing.column

    candidates = range(max(sizes), 0, -1)  # fewest folds first
    narrow = [rows for rows in candidates if width(rows) <= spacing.width]
    if narrow:
        short = [rows for rows in narrow if rows * spacing.row <= spacing.height]
        return short[0] if short else narrow[-1]
    return min(candidates, key=lambda rows: max(width(rows) / spacing.width, rows * spacing.row / spacing.height))


def _layer_lefts(folds: Mapping[int, int], spacing: Spacing) -> dict[int, float]:
    """The x of each layer's first sub-column."""
    lefts, x = {}, 0.0
    for layer in sorted(folds):
        lefts[layer] = x
        x += (folds[layer] - 1) * spacing.column + spacing.layer
    return lefts


def _neighbours(layers: Mapping[str, int], edges: Iterable[tuple[str, str]]) -> tuple[dict, dict]:
    """For each layered node, its neighbours in lower layers (``up``) and in higher layers (``down``)."""
    up: dict[str, list[str]] = defaultdict(list)
    down: dict[str, list[str]] = defaultdict(list)
    for a, b in edges:
        if a in layers and b in layers and layers[a] != layers[b]:
            low, high = (a, b) if layers[a] < layers[b] else (b, a)
            up[high].append(low)
            down[low].append(high)
    return up, down


def _first_order(by_layer: Mapping[int, list[str]], down: Mapping[str, list[str]]) -> dict[int, list[str]]:
    """Each layer in depth-first order from the first layer's nodes, so chains start out next to each other."""
    seen: dict[str, int] = {}
    for start in (n for layer in sorted(by_layer) for n in by_layer[layer]):
        stack = [start]
        while stack:
            node = stack.pop()
            if node not in seen:
                seen[node] = len(seen)
                stack.extend(sorted(down.get(node, ()), reverse=True))
    return {layer: sorted(members, key=seen.__getitem__) for layer, members in by_layer.items()}


def _height(index: int, count: int, folds: int, spacing: Spacing) -> float:
    """The y of the ``index``-th node of a layer of ``count`` folded into ``folds`` sub-columns, centred on 0."""
    return (index - (count - 1) / 2) * spacing.row / folds


def _by_barycentre(members: list[str], neighbours: Mapping[str, list[str]], order: Mapping[int, list[str]],
                   layers: Mapping[str, int], folds: Mapping[int, int], group: Mapping[str, int],
                   spacing: Spacing) -> list[str]:
    """``members`` sorted by the mean height of their ``neighbours`` (a node without any keeps its own height);
    the members of one cycle sort together, by their mean."""
    height = {}
    for layer in {layers[n] for m in members for n in neighbours.get(m, ())} | {layers[members[0]]}:
        for index, node in enumerate(order[layer]):
            height[node] = _height(index, len(order[layer]), folds[layer], spacing)
    own = {m: (sum(height[n] for n in neighbours[m]) / len(neighbours[m]) if neighbours.get(m) else height[m])
           for m in members}
    groups: dict[object, list[float]] = defaultdict(list)
    for m in members:
        groups[group.get(m, m)].append(own[m])
    mean = {key: sum(values) / len(values) for key, values in groups.items()}
    return sorted(members, key=lambda m: (mean[group.get(m, m)], str(group.get(m, m)), own[m]))


def _below(extra: Mapping[str, int], placed: Mapping[str, Position], left: Mapping[int, float],
           folds: Mapping[int, int], edges: Iterable[tuple[str, str]], spacing: Spacing) -> dict[str, Position]:
    """Rows under the events for the ``extra`` nodes, each in its layer's column, ordered by the mean height
    of the events it is linked to."""
    if not extra:
        return {}
    linked: dict[str, list[float]] = defaultdict(list)
    for a, b in edges:
        for here, there in ((a, b), (b, a)):
            if here in extra and there in placed:
                linked[here].append(placed[there][1])
    top = max((y for _, y in placed.values()), default=-spacing.row) + 1.5 * spacing.row
    by_layer: dict[int, list[str]] = defaultdict(list)
    for node in sorted(extra, key=lambda n: (sum(linked[n]) / len(linked[n]) if linked[n] else 0.0, n)):
        by_layer[extra[node]].append(node)
    return {node: (left[layer] + (index % folds[layer]) * spacing.column,
                   top + (index // folds[layer]) * spacing.row + (index % folds[layer]) * spacing.row / folds[layer])
            for layer, members in by_layer.items() for index, node in enumerate(members)}
