"""Claims that disagree across sources, and which is more likely right.

Three kinds of conflict are reported:

1. every ``(Claim)-[:CONTRADICTS]->(Claim)`` pair (each unordered pair once);
2. claims of a kind with one true value per subject (date, started_at,
   ended_at) about the same node whose values differ, when no CONTRADICTS edge
   already joins them (merged into a CONTRADICTS conflict sharing a claim);
3. the timeline's clock disagreements (two times told for one event).

Which side is more likely right: the CONTRADICTS edge's ``likely``/``reason``
when ingestion decided it; otherwise the claim whose value more distinct
sources state (about the same node, same kind); a tie is left undecided
(``likely`` is None) and says so.
"""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

from analysis.findings import ClaimView, Conflict, ConflictReport
from analysis.node_view import node_label
from analysis.timeline import timeline
from graph.schema import NodeId

# Kinds with one true value per subject. Times and durations are left out: sources attach several
# different moments ("recovered at", "began at") and spans to the same incident node.
VALUE_KINDS = frozenset({"date", "started_at", "ended_at"})


def conflicts(graph: nx.MultiDiGraph) -> ConflictReport:
    """Every conflict between sources in the incident (the three kinds in the module docstring)."""
    report = ConflictReport()
    paired: set[frozenset[NodeId]] = set()
    for a, b, key, attrs in sorted(graph.edges(keys=True, data=True), key=lambda e: (e[0], e[1])):
        pair = frozenset((a, b))
        if key != "CONTRADICTS" or pair in paired:
            continue
        paired.add(pair)
        report.conflicts.append(_pair_conflict(graph, a, b, attrs))
    _widen(graph, report.conflicts, _value_conflicts(graph, paired))
    report.conflicts += timeline(graph).conflicts
    return report


def _about(graph: nx.MultiDiGraph, claim: NodeId) -> NodeId | None:
    targets = sorted(v for _, v, k in graph.out_edges(claim, keys=True) if k == "ABOUT")
    return targets[0] if targets else None


def _value(attrs: dict) -> str:
    """The claim's normalised value without the notes ingestion may append after ';'."""
    raw = attrs.get("value") if attrs.get("value") is not None else attrs.get("text", "")
    return str(raw).split(";")[0].strip().lower()


def _view(graph: nx.MultiDiGraph, claim: NodeId) -> ClaimView:
    attrs = graph.nodes[claim]
    source = str(attrs.get("source") or "")
    title = str(graph.nodes[source].get("title") or source) if source in graph else source
    value = attrs.get("value")
    return ClaimView(claim, str(attrs.get("text", "")), title, source or None,
                     None if value is None else str(value))


def support(graph: nx.MultiDiGraph, claim: NodeId) -> int:
    """How many distinct sources state the same value as ``claim`` about the same node, with the same kind."""
    attrs = graph.nodes[claim]
    about, kind, value = _about(graph, claim), attrs.get("kind"), _value(attrs)
    sources = set()
    for other, oattrs in graph.nodes(data=True):
        if oattrs.get("label") == "Claim" and oattrs.get("kind") == kind and _value(oattrs) == value \
                and _about(graph, other) == about:
            sources.add(str(oattrs.get("source") or other))
    return len(sources)


def _likely(graph: nx.MultiDiGraph, claims: list[NodeId]) -> tuple[NodeId | None, str]:
    """The claim whose value the most distinct sources state (the first such claim), or None on a tie."""
    by_value: dict[str, list[NodeId]] = defaultdict(list)
    for claim in claims:
        by_value[_value(graph.nodes[claim])].append(claim)
    counts = {value: support(graph, members[0]) for value, members in by_value.items()}
    best = max(counts.values())
    winners = [value for value, n in counts.items() if n == best]
    if len(winners) > 1:
        return None, f"undecided: each value is stated by {best} source(s)"
    runner_up = max((n for value, n in counts.items() if value != winners[0]), default=0)
    return by_value[winners[0]][0], f"its value is stated by {best} sources, any other by at most {runner_up}"


def _pair_conflict(graph: nx.MultiDiGraph, a: NodeId, b: NodeId, attrs: dict) -> Conflict:
    about = _about(graph, a) or _about(graph, b)
    label = node_label(graph, about) if about else str(graph.nodes[a].get("text", a))
    likely, reason = attrs.get("likely"), attrs.get("reason")
    if likely not in (a, b):
        likely, reason = _likely(graph, [a, b])
    return Conflict(label, str(graph.nodes[a].get("kind", "")), [_view(graph, a), _view(graph, b)], likely,
                    str(reason or "the source that made the link gave no reason"))


def _widen(graph: nx.MultiDiGraph, found: list[Conflict], derived: list[Conflict]) -> None:
    """Add each derived conflict to ``found``, or, if it shares a claim with one already there, merge its
    other claims into that one (re-deciding ``likely`` unless a CONTRADICTS edge decided it)."""
    for extra in derived:
        ids = {c.id for c in extra.claims}
        host = next((c for c in found if ids & {v.id for v in c.claims}), None)
        if host is None:
            found.append(extra)
            continue
        known = {v.id for v in host.claims}
        host.claims += [v for v in extra.claims if v.id not in known]
        if host.likely is None or host.reason.startswith(("its value", "undecided")):
            host.likely, host.reason = _likely(graph, [v.id for v in host.claims])


def _value_conflicts(graph: nx.MultiDiGraph, paired: set[frozenset[NodeId]]) -> list[Conflict]:
    groups: dict[tuple[str, NodeId], list[NodeId]] = defaultdict(list)
    for claim, attrs in graph.nodes(data=True):
        about = _about(graph, claim) if attrs.get("label") == "Claim" else None
        if about and attrs.get("kind") in VALUE_KINDS:
            groups[(str(attrs["kind"]), about)].append(claim)
    out = []
    for (kind, about), claims in sorted(groups.items()):
        claims.sort()
        if len({_value(graph.nodes[c]) for c in claims}) < 2:
            continue
        if all(frozenset((a, b)) in paired or _value(graph.nodes[a]) == _value(graph.nodes[b])
               for a in claims for b in claims if a < b):
            continue
        likely, reason = _likely(graph, claims)
        out.append(Conflict(node_label(graph, about), kind, [_view(graph, c) for c in claims], likely, reason))
    return out
