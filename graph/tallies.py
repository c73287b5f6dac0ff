"""How many nodes of each label and edges of each type every incident holds, kept as writes apply.

The embedded store updates these counts with each node and edge it adds or removes, so an
incident's summary and the article cap (``max_sources``) cost a lookup, not an export of a
graph that grows with every article.

>>> t = Tallies()
>>> t.add("i", "Source"); t.add("i", "Source"); t.add("i", "CAUSES"); t.remove("i", "CAUSES")
>>> t.of("i"), t.of("other")
({'Source': 2}, {})
"""

from __future__ import annotations

import networkx as nx


class Tallies:
    """Counts per incident of node labels and edge types; a count that drops to zero is removed."""

    def __init__(self) -> None:
        self._counts: dict[str, dict[str, int]] = {}

    @classmethod
    def of_graph(cls, graph: nx.MultiDiGraph) -> Tallies:
        """The counts of a stored graph (nodes carry ``label`` and ``incident``, edges ``incident``)."""
        tallies = cls()
        for _, attrs in graph.nodes(data=True):
            tallies.add(attrs["incident"], attrs["label"])
        for _, _, key, incident in graph.edges(keys=True, data="incident"):
            tallies.add(incident, key)
        return tallies

    def add(self, incident: str, kind: str, n: int = 1) -> None:
        counts = self._counts.setdefault(incident, {})
        counts[kind] = counts.get(kind, 0) + n

    def remove(self, incident: str, kind: str, n: int = 1) -> None:
        counts = self._counts.get(incident)
        if counts is None or kind not in counts:
            return
        counts[kind] -= n
        if counts[kind] <= 0:
            del counts[kind]
        if not counts:
            del self._counts[incident]

    def drop(self, incident: str) -> None:
        """Forget one incident (it was deleted)."""
        self._counts.pop(incident, None)

    def of(self, incident: str) -> dict[str, int]:
        """A copy of one incident's counts ({} for an incident with nothing stored)."""
        return dict(self._counts.get(incident, {}))

    def count(self, incident: str, kind: str) -> int:
        return self._counts.get(incident, {}).get(kind, 0)
