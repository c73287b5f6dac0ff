"""Root cause or symptom: the report of every event's role, verdicts on free-text questions and why-chains.

Functions take an exported incident graph (``store.incident_graph(iid)``) first.
Roles come from :mod:`analysis.roles` (rules in its docstring); cycles from
:mod:`analysis.causal_graph`; the blast radius from :mod:`analysis.blast_radius`; the
matching of free text to nodes from :mod:`analysis.resolve`. This module turns
them into the answers the API returns, each with evidence quotes and confidence.

Open questions are (1) events the text calls unexplained (``Event.unexplained``
or a Claim of kind ``unexplained`` about them), (2) Claims of kind ``question``,
(3) effects with no known cause, and events the sources link to nothing.
"""

from __future__ import annotations

import networkx as nx

from analysis.blast_radius import blast_radius
from analysis.causal_graph import causal_cycles, cycles_of, simple_paths
from analysis.evidence import edge_evidence, node_evidence
from analysis.findings import (
    Alternative,
    Chain,
    ChainStep,
    Cycle,
    Disagreement,
    Finding,
    OpenQuestion,
    RootCauseReport,
    Verdict,
    WhyReport,
)
from analysis.node_view import node_label, node_view
from analysis.resolve import Match, NoMatch, component_event, matches
from analysis.roles import Assignment, assign_roles, assignment
from graph.errors import NodeNotFound
from graph.schema import NodeId

__all__ = ["NoMatch", "assign_roles", "blast_radius", "causal_cycles", "classify", "root_causes", "why_chains"]

WHY_LIMIT = 50
_REPORT_FIELDS = {"root_cause": "root_causes", "trigger": "triggers", "contributing_factor": "contributing_factors",
                  "first_symptom": "first_symptoms", "symptom": "symptoms", "impact": "impacts",
                  "recovery": "recoveries", "mitigation": "mitigations"}


def root_causes(graph: nx.MultiDiGraph) -> RootCauseReport:
    """Every event of the incident in its role, with open questions, causal cycles and disagreements.

    Root causes come first named by the most sources, then explaining the most effects, then the better
    attested; the other lists run from the nearest to the root cause outwards, then by time, then in the order
    the sources tell them, except that the first symptom seen (the earliest timed) leads the first symptoms.
    """
    asg = assignment(graph)
    report = RootCauseReport()
    extra_notes = {node: note for node, _, _, note in asg.disagreements}
    rank = {node: i for i, node in enumerate(asg.roots)}
    for node in sorted(asg.roles, key=lambda n: _report_order(graph, asg, rank, n)):
        role = asg.roles[node]
        notes = list(role.notes) + ([extra_notes[node]] if node in extra_notes else [])
        finding = Finding(node, node_label(graph, node), str(graph.nodes[node].get("kind", "")), role.role,
                          role.confidence, node_evidence(graph, node), role.reason, notes)
        getattr(report, _REPORT_FIELDS[role.role]).append(finding)
    report.open_questions = open_questions(graph, asg)
    report.cycles = [Cycle(c, [node_label(graph, n) for n in c]) for c in cycles_of(asg.cg)]
    report.disagreements = [Disagreement(n, node_label(graph, n), s, c, note, node_evidence(graph, n))
                            for n, s, c, note in asg.disagreements]
    return report


def _report_order(graph: nx.MultiDiGraph, asg: Assignment, rank: dict[NodeId, int], node: NodeId) -> tuple:
    steps = asg.distance.get(node, (10**9, ""))[0]
    seen_first = node in asg.seen_first  # the first symptom seen leads the first symptoms
    return rank.get(node, len(rank)), not seen_first, steps, str(graph.nodes[node].get("at") or "~"), \
        _first_told(graph, node), node


def _first_told(graph: nx.MultiDiGraph, node: NodeId) -> int:
    """Where the sources first tell ``node`` (its earliest mention's offset): ties go to what a reader meets first."""
    starts = [graph.nodes[m].get("start") for m in graph.nodes[node].get("evidence") or [] if m in graph]
    return min((s for s in starts if isinstance(s, int)), default=10**9)


def open_questions(graph: nx.MultiDiGraph, asg: Assignment) -> list[OpenQuestion]:
    """What the sources leave unexplained (the rules are in the module docstring)."""
    questions: dict[NodeId, OpenQuestion] = {}
    for claim, about, key in sorted(graph.edges(keys=True)):
        attrs = graph.nodes[claim]
        if key == "ABOUT" and attrs.get("label") == "Claim" and attrs.get("kind") == "unexplained" \
                and graph.nodes[about].get("label") == "Event":
            questions[about] = _unexplained(graph, about, f"{attrs.get('text', '')!r}")
    for node in asg.cg.dag:
        if graph.nodes[node].get("unexplained") is True and node not in questions:
            questions[node] = _unexplained(graph, node, "the event is marked unexplained")
    for node, claim in sorted(_question_claims(graph).items()):
        questions[node] = claim
    for node, role in sorted(asg.roles.items()):
        if node in questions or asg.cg.has_cause(node) or role.role in ("root_cause", "trigger"):
            continue
        if role.role in ("symptom", "first_symptom", "impact"):
            questions[node] = OpenQuestion(node, node_label(graph, node), f"What caused {node_label(graph, node)}?",
                                           "an effect with no known cause in the sources", node_evidence(graph, node))
        elif node not in asg.distance and not asg.cg.dag.out_degree(node) and role.role == "contributing_factor":
            questions[node] = OpenQuestion(node, node_label(graph, node),
                                           f"How does {node_label(graph, node)} relate to the outage?",
                                           "the sources link it to no cause or effect", node_evidence(graph, node))
    return list(questions.values())


def _unexplained(graph: nx.MultiDiGraph, node: NodeId, why: str) -> OpenQuestion:
    label = node_label(graph, node)
    return OpenQuestion(node, label, f"What caused {label}?",
                        f"the sources say its cause is unexplained ({why})", node_evidence(graph, node))


def _question_claims(graph: nx.MultiDiGraph) -> dict[NodeId, OpenQuestion]:
    out: dict[NodeId, OpenQuestion] = {}
    for claim, attrs in graph.nodes(data=True):
        if attrs.get("label") == "Claim" and attrs.get("kind") == "question":
            about = [v for _, v, k in graph.out_edges(claim, keys=True) if k == "ABOUT"]
            label = node_label(graph, about[0]) if about else str(attrs.get("text", claim))
            out[claim] = OpenQuestion(claim, label, str(attrs.get("text", "")), "a question the sources raise",
                                      node_evidence(graph, claim))
    return out


def classify(graph: nx.MultiDiGraph, query: str) -> Verdict:
    """The role of the event ``query`` names ("was DNS the root cause?").

    A query naming a component is answered with the role of what went wrong with that component (see
    :func:`analysis.resolve.component_event`). Raises ValueError for an empty query, NoMatch if nothing matches.
    """
    if not isinstance(query, str) or not query.strip():
        raise ValueError("empty query: ask about an event or a component, for example q=DNS failure")
    found = matches(graph, query)
    roles = assign_roles(graph)
    best, prefix = _answer_node(graph, found, roles, query)
    role = roles[best]
    alternatives = [Alternative(m.id, node_label(graph, m.id), roles[m.id].role if m.id in roles else None, m.score)
                    for m in found if m.id != best][:8]
    return Verdict(query, node_view(graph, best, role), role.role, prefix + role.reason,
                   node_evidence(graph, best), alternatives, role.confidence)


def _answer_node(graph: nx.MultiDiGraph, found: list[Match], roles: dict, query: str) -> tuple[NodeId, str]:
    for match in found:
        if match.id in roles:
            return match.id, ""
        event = component_event(graph, match.id, query)
        if event is not None:
            return event, (f"{node_label(graph, match.id)} is a component; what went wrong with it was "
                           f"{node_label(graph, event)!r}, and that is a {roles[event].role}: ")
    raise NoMatch(query, "it matches only components that no event of the incident affects")


def why_chains(graph: nx.MultiDiGraph, node_id: NodeId, *, limit: int = WHY_LIMIT) -> WhyReport:
    """Every simple causal path (up to ``limit``) from the root causes and triggers to ``node_id``.

    If no root cause or trigger leads to the node, the chains start at its own deepest known causes.
    Raises NodeNotFound if ``node_id`` is not an Event of this incident.
    """
    if node_id not in graph or graph.nodes[node_id].get("label") != "Event":
        raise NodeNotFound(node_id)
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")
    asg = assignment(graph)
    cg = asg.cg
    starts = [n for n in [*asg.roots, *asg.triggers] if cg.reaches(n, node_id)]
    if not starts:
        ancestors = nx.ancestors(cg.dag, node_id)
        starts = [n for n in ancestors if cg.cond.in_degree(cg.scc[n]) == 0] or [node_id]
    paths, capped = simple_paths(cg, starts, node_id, limit=limit)
    chains = [Chain([_step(graph, asg, path, i) for i in range(len(path))]) for path in paths]
    return WhyReport(node_view(graph, node_id, asg.roles[node_id]), chains, capped, limit)


def _step(graph: nx.MultiDiGraph, asg: Assignment, path: list[NodeId], i: int) -> ChainStep:
    node = path[i]
    role = asg.roles[node].role
    if i == 0:
        return ChainStep(node, node_label(graph, node), role, None, None, node_evidence(graph, node))
    attrs = graph.get_edge_data(path[i - 1], node, key="CAUSES") or {}
    evidence = edge_evidence(graph, path[i - 1], node, "CAUSES") or node_evidence(graph, node)
    conf = attrs.get("confidence")
    return ChainStep(node, node_label(graph, node), role, attrs.get("cue"),
                     float(conf) if conf is not None else None, evidence)

