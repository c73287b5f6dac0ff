"""Evidence: Mention ids resolved to quotes with their source, and the confidence that evidence supports.

Every Event, Component and edge lists the Mentions that support it (``evidence``).
A Mention node holds the ``sentence``, the ``quote`` and its ``source`` (a Source
id); the Source node holds the title. This is the one place that walk happens.

Confidence (documented formula, always in [0, 1])::

    support    = 1 - 0.5 ** (sources + 0.25 * extra_sentences)   # 1 source 0.5, 2 sources 0.75, 3 0.875
    cue        = mean confidence of the causal edges the role rests on (0.5 when there are none)
    claims     = +0.15 per source whose claim agrees, -0.15 per source whose claim disagrees, each capped at 0.3
    confidence = clamp(0.5 * support + 0.5 * cue + claims, 0, 1), rounded to 2 places

>>> confidence(sources=1, sentences=1, cues=[0.9])
0.7
>>> confidence(sources=2, sentences=3, cues=[], agree=1)
0.79
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from analysis.findings import Evidence
from graph.schema import NodeId


def evidence_for(graph: nx.MultiDiGraph, mention_ids: Iterable[NodeId]) -> list[Evidence]:
    """The Evidence for each Mention id that exists in ``graph``, in order, without duplicates."""
    out: list[Evidence] = []
    seen: set[NodeId] = set()
    for mid in mention_ids:
        if mid in seen or mid not in graph:
            continue
        seen.add(mid)
        mention = graph.nodes[mid]
        source_id = mention.get("source", "")
        source = graph.nodes[source_id] if source_id in graph else {}
        out.append(Evidence(
            source=str(source.get("title") or source_id),
            source_id=source_id,
            quote=str(mention.get("quote") or mention.get("sentence") or ""),
            sentence=str(mention.get("sentence") or ""),
            mention_id=mid,
        ))
    return out


def node_evidence(graph: nx.MultiDiGraph, node: NodeId) -> list[Evidence]:
    """Evidence supporting a node (its ``evidence`` Mention ids)."""
    return evidence_for(graph, graph.nodes[node].get("evidence") or [])


def edge_evidence(graph: nx.MultiDiGraph, source: NodeId, target: NodeId, type_: str) -> list[Evidence]:
    """Evidence supporting the edge ``source -[type_]-> target`` (empty if there is no such edge)."""
    data = graph.get_edge_data(source, target, key=type_) or {}
    return evidence_for(graph, data.get("evidence") or [])


def support_counts(graph: nx.MultiDiGraph, mention_ids: Iterable[NodeId],
                   source_ids: Iterable[NodeId] = ()) -> tuple[int, int]:
    """(distinct sources, distinct sentences) behind some Mentions, counting ``source_ids`` as sources too."""
    sources = {s for s in source_ids if s}
    sentences: set[str] = set()
    for mid in mention_ids:
        if mid in graph:
            mention = graph.nodes[mid]
            sources.add(mention.get("source", ""))
            sentences.add(f"{mention.get('source', '')}|{mention.get('sentence', mid)}")
    sources.discard("")
    return len(sources), max(len(sentences), len(sources))


def confidence(*, sources: int, sentences: int, cues: list[float], agree: int = 0, disagree: int = 0) -> float:
    """Confidence in a finding from its evidence, cue strengths and claims (formula in the module docstring)."""
    extra = max(sentences - sources, 0)
    support = 1.0 - 0.5 ** (sources + 0.25 * extra) if sources or sentences else 0.0
    cue = sum(cues) / len(cues) if cues else 0.5
    claims = min(0.15 * agree, 0.3) - min(0.15 * disagree, 0.3)
    return round(min(max(0.5 * support + 0.5 * cue + claims, 0.0), 1.0), 2)
