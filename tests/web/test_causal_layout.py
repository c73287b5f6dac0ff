"""web.causal_layout: layers left to right, rows ordered to cross few edges, tall layers folded to the page's shape."""

from __future__ import annotations

import random
from itertools import combinations

from web.causal_layout import Spacing, causal_positions


def _crossings(pos: dict[str, tuple[float, float]], edges: list[tuple[str, str]]) -> int:
    """Pairs of edges between the same two columns whose ends swap order."""
    count = 0
    for (a, b), (c, d) in combinations(edges, 2):
        if pos[a][0] == pos[c][0] and pos[b][0] == pos[d][0]:
            count += (pos[a][1] - pos[c][1]) * (pos[b][1] - pos[d][1]) < 0
    return count


def test_layers_go_left_to_right_and_no_two_nodes_share_a_place() -> None:
    layers = {"r": 0, "a": 1, "b": 1, "c": 2}
    pos = causal_positions(layers, [("r", "a"), ("r", "b"), ("a", "c")])
    assert pos["r"][0] < pos["a"][0] == pos["b"][0] < pos["c"][0]
    assert len(set(pos.values())) == 4


def test_barycentre_order_uncrosses_what_name_order_crosses() -> None:
    # By name, layer 1 reads a, b and layer 2 reads x, y: a->y and b->x cross. Ordered, they do not.
    layers = {"r1": 0, "r2": 0, "a": 1, "b": 1, "x": 2, "y": 2}
    edges = [("r1", "b"), ("r2", "a"), ("a", "y"), ("b", "x")]
    named = {n: (float(layers[n]), float(i)) for i, n in enumerate(sorted(layers))}
    assert _crossings(named, edges) > 0
    assert _crossings(causal_positions(layers, edges), edges) == 0


def test_a_cycles_events_stay_next_to_each_other() -> None:
    layers = {"r": 0, **{f"m{i}": 1 for i in range(6)}, "c1": 1, "c2": 1}
    edges = [("r", n) for n in layers if n != "r"] + [("c1", "c2"), ("c2", "c1")]
    pos = causal_positions(layers, edges, cycles=[["c1", "c2"]])
    column = sorted((y, n) for n, (_, y) in pos.items() if layers[n] == 1)
    names = [n for _, n in column]
    assert abs(names.index("c1") - names.index("c2")) == 1


def test_a_tall_layer_folds_into_sub_columns_within_the_page_width() -> None:
    spacing = Spacing()
    layers = {"r": 0, **{f"s{i:02}": 1 for i in range(30)}, "end": 2}
    edges = [("r", f"s{i:02}") for i in range(30)] + [(f"s{i:02}", "end") for i in range(30)]
    pos = causal_positions(layers, edges, spacing=spacing)
    xs = {pos[n][0] for n in layers if layers[n] == 1}
    ys = [pos[n][1] for n in layers]
    assert len(xs) >= 2  # folded
    assert pos["r"][0] < min(xs) and max(xs) < pos["end"][0]  # still left to right
    assert max(x for x, _ in pos.values()) + spacing.column <= spacing.width
    assert max(ys) - min(ys) < 30 * spacing.row / 2  # far shorter than one column of 30


def test_a_big_graph_keeps_the_shape_of_a_page() -> None:
    rng = random.Random(3)
    layers = {f"n{i}": min(i // 20, rng.randrange(25)) for i in range(2_000)}
    pos = causal_positions(layers, [])
    width = max(x for x, _ in pos.values()) - min(x for x, _ in pos.values())
    height = max(y for _, y in pos.values()) - min(y for _, y in pos.values())
    assert 0.3 < width / height < 8, (width, height)


def test_nodes_shown_on_demand_go_below_the_events_in_their_layers_column() -> None:
    pos = causal_positions({"a": 0, "b": 1}, [("a", "b"), ("b", "comp")], extra={"comp": 1, "t": 0})
    assert pos["comp"][0] == pos["b"][0] and pos["t"][0] == pos["a"][0]
    assert min(pos["comp"][1], pos["t"][1]) > max(pos["a"][1], pos["b"][1])
