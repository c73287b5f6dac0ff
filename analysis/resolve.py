"""Free text to the incident's nodes: which Events and Components a question like "was DNS the cause?" names.

Matching is deliberately simple and deterministic (no NLP model in the analysis
layer): the words of ``analysis.text_match`` (the one matcher, shared with the model's
links: lower-cased, stop words dropped, crudely stemmed, "failures", "failed" -> "fail"),
against a node's texts (an Event's summary, or a Component's name, aliases and slug). The score of one text is
``0.7 * recall + 0.3 * precision`` of the query's words (1.0 when the word sets
are equal); a node scores its best text. Ties prefer Events, then ids.

>>> sorted(words("The DNS failures were delayed"))
['delay', 'dns', 'fail']
>>> text_score(words("DNS failure"), words("DNS resolution failed"))
0.9
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from analysis.text_match import node_texts, words
from graph.errors import InputRejected
from graph.schema import NodeId

MIN_SCORE = 0.3


class NoMatch(InputRejected):
    """No node of the incident matches the query."""

    def __init__(self, query: str, why: str = "no event or component shares a word with it") -> None:
        super().__init__(f"nothing in this incident matches {query!r} ({why}); try a component name or an "
                         "event phrase from GET /api/incidents/<id>/graph")
        self.query = query


@dataclass(frozen=True)
class Match:
    """A node the query may mean, with its score in (0, 1]."""

    id: NodeId
    score: float
    label: str


def text_score(query: frozenset[str], text: frozenset[str]) -> float:
    """How well ``text`` matches ``query`` (both word sets), in [0, 1]."""
    common = len(query & text)
    if not common:
        return 0.0
    if query == text:
        return 1.0
    return round(0.7 * common / len(query) + 0.3 * common / len(text), 3)


def matches(graph: nx.MultiDiGraph, query: str, *, min_score: float = MIN_SCORE) -> list[Match]:
    """Events and Components matching ``query``, best first; raises NoMatch if none scores ``min_score``."""
    wanted = words(query)
    if not wanted:
        raise NoMatch(query, "it has no content words")
    found = []
    for node, attrs in graph.nodes(data=True):
        score = max((text_score(wanted, words(t)) for t in node_texts(attrs)), default=0.0)
        if score >= min_score:
            label = next((t for t in node_texts(attrs) if t), node)
            found.append((-score, attrs.get("label") != "Event", node, Match(node, score, label)))
    if not found:
        raise NoMatch(query)
    return [m for *_, m in sorted(found)]


_KIND_PRIORITY = {"failure": 0, "symptom": 0, "impact": 1, "condition": 2, "action": 2, "recovery": 3, "mitigation": 3}


def component_event(graph: nx.MultiDiGraph, component: NodeId, query: str) -> NodeId | None:
    """What went wrong with a component: the Event affecting it (AFFECTS or ``components``) that best stands for it.

    Failures and symptoms come before impacts, then conditions and actions, then recoveries; within a kind
    the event whose summary best matches the query, then the earliest. None if no event affects it.
    """
    if graph.nodes[component].get("label") != "Component":
        return None
    events = {u for u, _, k in graph.in_edges(component, keys=True) if k == "AFFECTS"}
    events |= {n for n, a in graph.nodes(data=True)
               if a.get("label") == "Event" and component in (a.get("components") or [])}
    if not events:
        return None
    wanted = words(query)

    def rank(node: NodeId) -> tuple:
        attrs = graph.nodes[node]
        score = text_score(wanted, words(str(attrs.get("summary") or "")))
        return _KIND_PRIORITY.get(str(attrs.get("kind")), 2), -score, str(attrs.get("at") or "~"), node

    return min(events, key=rank)
