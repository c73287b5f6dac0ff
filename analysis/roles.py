"""The role every Event plays in its incident (root cause, trigger, contributing factor, symptom...).

The causal graph of an incident is its Events joined by CAUSES edges. Cycles are
condensed: each strongly connected component is treated as one unit for
reachability (and reported by :func:`causal_cycles`), so a cycle never hides a
cause. Rules, in order:

1. **Claims.** A Claim of kind ``root_cause`` ABOUT an event is a vote for it; one
   of kind ``not_root_cause``, ``trigger``, ``first_symptom`` or ``symptom`` a vote against.
   An event with more distinct sources for than against is a *claimed root*,
   even if the structure gives it a cause (that becomes a disagreement and a
   note "one 'why' further lies ..."). An event with any vote against and no
   more for than against is never a root.
2. **Outcomes** are events of kind symptom, impact or failure, or marked
   ``observable`` (if an incident has none, its sink events).
3. **Structural roots**: events with no cause inside the incident (a source
   component of the condensed graph), of kind condition, action or failure
   (an outage only when a source names it), that lead to at least one other outcome. They are taken in order of how many
   outcomes they explain (ties: sources that set off a child first, then the
   better attested, then the earlier). A source upstream of a root is a **trigger**. A source
   whose CAUSES edge into an eligible child carries a trigger cue ("triggered",
   "set off"...) or that the text calls ``unexplained`` makes that child the
   root and itself its trigger. A source whose outcomes are all explained by an
   earlier root is not a root. When no event is a root by these rules, each source
   of kind condition, action or failure that causes anything is one (the account
   tells a chain but never how it showed).
4. Every event downstream of a root or trigger is a **symptom**, **impact**,
   **recovery** or **mitigation** by its kind; every other event upstream of a
   root is a trigger, and so is an event the sources call the trigger that
   the structure makes neither root nor effect (it sets off the first root
   cause); every other event of kind condition/action/failure that
   feeds into a root's effects is a **contributing factor**; unlinked events take
   the role of their kind (condition/action → contributing factor, failure →
   symptom) with low confidence.
5. The **first symptoms** are the observable symptoms (kind symptom or failure,
   or ``observable``) that some root reaches without passing through another one;
   among them the earliest by time if all are timed, else the causally nearest. The earliest symptom
   timed to the hour or finer is a first symptom as well (the first one seen), unless a symptom timed as early
   already is one. A ``first_symptom`` claim overrides this.
6. **Reviewers** stand above all of it: an event a reviewer set a role for
   (``analysis.corrected_view``) takes that role, and its notes say who set it.

Confidence follows :func:`analysis.evidence.confidence`.

>>> from graph.schema import EventNode, edge
>>> g = nx.MultiDiGraph()
>>> for e in (EventNode("i:e:bug", "i", "bug"), EventNode("i:e:err", "i", "errors", kind="symptom")):
...     g.add_node(e.id, label="Event", **e.to_node().props)
>>> g.add_edge("i:e:bug", "i:e:err", key="CAUSES", type="CAUSES", incident="i", confidence=0.9)
'CAUSES'
>>> {n: r.role for n, r in assign_roles(g).items()}
{'i:e:bug': 'root_cause', 'i:e:err': 'first_symptom'}
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from analysis.causal_graph import CausalGraph, breadth_first, causal_graph
from analysis.corrected_view import reviewed_roles
from analysis.evidence import confidence, support_counts
from analysis.findings import RoleAssignment
from analysis.node_view import node_label
from graph.schema import NodeId

OUTCOME_KINDS = frozenset({"symptom", "impact", "failure"})
ROOT_KINDS = frozenset({"condition", "action", "failure"})
OBSERVABLE_KINDS = frozenset({"symptom", "failure"})
# An outage is what everything led to, never the answer to "what caused it" unless a source says so
OUTAGE_CONCEPTS = frozenset({"outage"})
KIND_ROLES = {"symptom": "symptom", "impact": "impact", "recovery": "recovery", "mitigation": "mitigation",
              "failure": "symptom", "condition": "contributing_factor", "action": "contributing_factor"}
AGAINST_ROOT = ("not_root_cause", "trigger", "first_symptom", "symptom")
# Cue words that say "set off" rather than "made happen"; matched from a word's start in an edge's cue(s).
TRIGGER_CUES = ("trigger", "set off", "sets off", "spark", "kicked off", "kick off", "touched off", "set in motion",
                "expose", "trip", "activate")  # "the change exposed a latent bug": what woke the root cause


@dataclass
class Votes:
    """Distinct sources of claims for and against an event being the root cause, and first-symptom claims."""

    pro: set[str] = field(default_factory=set)
    con: set[str] = field(default_factory=set)
    first: set[str] = field(default_factory=set)
    trigger: set[str] = field(default_factory=set)

    @property
    def claimed_root(self) -> bool:
        return len(self.pro) > len(self.con)

    @property
    def forced_away(self) -> bool:
        return bool(self.con) and len(self.con) >= len(self.pro)


def claim_votes(graph: nx.MultiDiGraph) -> dict[NodeId, Votes]:
    """Root-cause votes per Event from Claims ABOUT it, counted by distinct source."""
    votes: dict[NodeId, Votes] = {}
    for claim, about, key in graph.edges(keys=True):
        attrs = graph.nodes[claim]
        if key != "ABOUT" or attrs.get("label") != "Claim" or graph.nodes[about].get("label") != "Event":
            continue
        kind, source = attrs.get("kind"), str(attrs.get("source") or claim)
        vote = votes.setdefault(about, Votes())
        if kind == "root_cause":
            vote.pro.add(source)
        elif kind in AGAINST_ROOT:
            vote.con.add(source)
        if kind == "first_symptom":
            vote.first.add(source)
        if kind == "trigger":
            vote.trigger.add(source)
    return votes


def is_trigger_cue(attrs: dict[str, Any]) -> bool:
    """Whether a CAUSES edge's cue or cues say "triggered"/"set off"/"exposed" rather than plain causation
    (from a word's start: "deactivated" is no "activated")."""
    cues = [attrs.get("cue") or "", *(attrs.get("cues") or [])]
    return any(re.search(rf"\b{re.escape(word)}", str(cue).lower()) for cue in cues for word in TRIGGER_CUES)


@dataclass
class Assignment:
    """The full outcome of role assignment: roles, the roots' order and the claim/structure disagreements."""

    cg: CausalGraph
    roles: dict[NodeId, RoleAssignment]
    roots: list[NodeId]
    triggers: dict[NodeId, NodeId]  # trigger -> the root it sets off
    disagreements: list[tuple[NodeId, str, str, str]]  # (node, structural role, claimed role, note)
    votes: dict[NodeId, Votes]
    distance: dict[NodeId, tuple[int, NodeId]]  # (causal steps, nearest root or trigger) for events below one
    seen_first: set[NodeId] = field(default_factory=set)  # first symptoms named for being the earliest timed


def assign_roles(graph: nx.MultiDiGraph) -> dict[NodeId, RoleAssignment]:
    """Exactly one role from graph.schema.ROLES for every Event of the incident graph (rules in the module doc)."""
    return assignment(graph).roles


def assignment(graph: nx.MultiDiGraph) -> Assignment:
    """Roles plus the intermediate facts (roots, triggers, disagreements) the reports are built from."""
    return _Decision(causal_graph(graph), claim_votes(graph)).run()


def role_confidence(cg: CausalGraph, node: NodeId, role: str, votes: Votes | None) -> float:
    """Confidence in ``node`` having ``role``: its evidence, the cues its role rests on and the claims."""
    attrs = cg.graph.nodes[node]
    sources, sentences = support_counts(cg.graph, attrs.get("evidence") or [], attrs.get("sources") or [])
    upstream_role = role in ("root_cause", "trigger", "contributing_factor")
    edges = cg.dag.out_edges(node, data=True) if upstream_role else cg.dag.in_edges(node, data=True)
    cues = [float(a.get("confidence", 0.5)) for _, _, a in edges]
    votes = votes or Votes()
    if role == "root_cause":
        agree, disagree = len(votes.pro), len(votes.con)
    elif role in ("first_symptom", "symptom"):
        agree, disagree = len(votes.con), len(votes.pro)
    else:
        agree, disagree = 0, len(votes.pro)
    return confidence(sources=sources, sentences=sentences, cues=cues, agree=agree, disagree=disagree)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


class _Decision:
    """Applies the module's rules in order; one instance per assignment."""

    def __init__(self, cg: CausalGraph, votes: dict[NodeId, Votes]) -> None:
        self.cg, self.votes = cg, votes
        self.pos = {c: i for i, c in enumerate(cg.topo)}
        self.roots: list[NodeId] = []
        self.triggers: dict[NodeId, NodeId] = {}
        self.reasons: dict[NodeId, str] = {}
        self.notes: dict[NodeId, list[str]] = {}
        self.disagreements: list[tuple[NodeId, str, str, str]] = []
        self.covered = 0
        self.seen_first: set[NodeId] = set()
        self.outcome_mask = self._outcome_mask()
        self.total = self.outcome_mask.bit_count()

    def label(self, node: NodeId) -> str:
        return node_label(self.cg.graph, node)

    def vote(self, node: NodeId) -> Votes:
        return self.votes.get(node) or Votes()

    def order(self, node: NodeId) -> tuple[int, NodeId]:
        return self.pos[self.cg.scc[node]], node

    def _outcome_mask(self) -> int:
        nodes = self.cg.graph.nodes
        mask = 0
        for n in self.cg.dag:
            if self.cg.kind(n) in OUTCOME_KINDS or nodes[n].get("observable") is True:
                mask |= self.cg.bit(n)
        if not mask:  # no declared outcomes: the incident's final effects stand in for them
            mask = sum(1 << c for c in self.cg.cond if self.cg.cond.out_degree(c) == 0)
        return mask

    def outcomes(self, node: NodeId, *, uncovered: bool = False) -> int:
        mask = self.cg.down[self.cg.scc[node]] & self.outcome_mask & ~self.cg.bit(node)
        return (mask & ~self.covered if uncovered else mask).bit_count()

    def run(self) -> Assignment:
        self._claimed_roots()
        self._structural_roots()
        if not self.roots:
            self._chain_starts()
        self._upstream_triggers()
        self._named_triggers()
        # Report order: named by the most sources, then explaining the most effects, then the better attested.
        self.roots.sort(key=lambda r: (-len(self.vote(r).pro), -self.outcomes(r), self._source_rank(r)[2], r))
        distance = breadth_first(self.cg, [*self.roots, *self.triggers])
        roles = {n: self._role(n, distance) for n in self.cg.dag}
        self._first_symptoms(roles, distance)
        roles = reviewed_roles(self.cg.graph, roles)  # a reviewer's role stands above the rules
        return Assignment(self.cg, roles, self.roots, self.triggers, self.disagreements, self.votes, distance,
                          {n for n in self.seen_first if roles[n].role == "first_symptom"})

    def _add_root(self, node: NodeId, reason: str) -> None:
        self.roots.append(node)
        self.reasons[node] = reason
        self.covered |= self.cg.down[self.cg.scc[node]]

    def _claimed_roots(self) -> None:
        claimed = sorted((n for n in self.cg.dag if self.vote(n).claimed_root), key=self.order)
        for node in claimed:
            upstream = next((r for r in self.roots if self.cg.reaches(r, node)), None)
            if upstream is not None:
                self.disagreements.append((node, "symptom", "root_cause",
                                           (f"the sources name it the root cause, but it is an effect of "
                                           f"{self.label(upstream)!r}, which they also name")))
                continue
            n = len(self.vote(node).pro)
            self._add_root(node, f"the sources name it the root cause ({_plural(n, 'source')}); it leads to "
                                 f"{self.outcomes(node)} of the {self.total} observed effects")

    def _is_eligible(self, node: NodeId) -> bool:
        vote = self.vote(node)
        outage = self.cg.graph.nodes[node].get("concept") in OUTAGE_CONCEPTS
        kind_ok = self.cg.kind(node) in ROOT_KINDS and not outage or bool(vote.pro)
        return kind_ok and not vote.forced_away and self.outcomes(node) > 0

    def _structural_roots(self) -> None:
        sources = [n for n in self.cg.dag if self.cg.cond.in_degree(self.cg.scc[n]) == 0]
        for node in sorted(sources, key=self._source_rank):
            if node in self.roots or node in self.triggers:
                continue
            below = [r for r in self.roots if r != node and self.cg.reaches(node, r)]
            if below:
                self._claimed_trigger(node, min(below, key=self.order))
            elif self._is_eligible(node):
                child = self._set_off_child(node)
                if child is not None:
                    self._cue_trigger(node, child)
                elif self.outcomes(node, uncovered=True):
                    self._add_root(node, f"nothing in the incident causes it, and it leads to "
                                         f"{self.outcomes(node)} of the {self.total} observed effects")
            elif self.vote(node).forced_away and self.outcomes(node, uncovered=True):
                self.disagreements.append((node, "root_cause", "symptom",
                                           ("nothing in the incident causes it and it leads to the effects, "
                                           "but the sources say it is not the root cause")))

    def _chain_starts(self) -> None:
        """With no root that leads to an observed effect, the start of each told chain is one: "a migration
        locked the orders table" tells what the account blames even when it never says how the lock showed."""
        for node in sorted(self.cg.dag, key=self._source_rank):
            if self.cg.cond.in_degree(self.cg.scc[node]) == 0 and self.cg.dag.out_degree(node) \
                    and self.cg.kind(node) in ROOT_KINDS and not self.vote(node).forced_away \
                    and self.cg.graph.nodes[node].get("concept") not in OUTAGE_CONCEPTS:
                self._add_root(node, "nothing in the incident causes it, and it starts a chain of "
                                     f"{self.cg.dag.out_degree(node)} told effects, though none observed")

    def _source_rank(self, node: NodeId) -> tuple:
        """Most effects explained first; on a tie, sources that set off a child (their child is the mechanism),
        then the better attested (more distinct sources), then the earlier."""
        attrs = self.cg.graph.nodes[node]
        sets_off = attrs.get("unexplained") is True or any(
            is_trigger_cue(a) for _, _, a in self.cg.dag.out_edges(node, data=True))
        attested = support_counts(self.cg.graph, attrs.get("evidence") or [], attrs.get("sources") or [])[0]
        return -self.outcomes(node), not sets_off, -attested, str(attrs.get("at") or "~"), *self.order(node)

    def _set_off_child(self, node: NodeId) -> NodeId | None:
        unexplained = self.cg.graph.nodes[node].get("unexplained") is True
        children = []
        for child in self.cg.dag.successors(node):
            cue = is_trigger_cue(self.cg.dag.edges[node, child])
            fresh = not self.covered & self.cg.bit(child) and self.cg.scc[child] != self.cg.scc[node]
            if fresh and (cue or unexplained) and self.cg.kind(child) in ROOT_KINDS \
                    and not self.vote(child).forced_away and self.outcomes(child):
                children.append((not cue, -self.outcomes(child), *self.order(child)))
        return min(children)[-1] if children else None

    def _cue_trigger(self, node: NodeId, child: NodeId) -> None:
        attrs = self.cg.dag.edges[node, child]
        if is_trigger_cue(attrs):
            why = f"the text says it set off {self.label(child)!r} (cue {attrs.get('cue') or attrs.get('cues')!r})"
        else:
            why = (f"it feeds {self.label(child)!r} and the sources call it unexplained: it is the deeper, "
                   "unexplained cause one 'why' further")
        self._add_root(child, f"set off by {self.label(node)!r}; it leads to {self.outcomes(child)} of the "
                              f"{self.total} observed effects")
        self.notes.setdefault(child, []).append(f"one 'why' further lies {self.label(node)!r}")
        self.triggers[node] = child
        self.reasons[node] = why

    def _claimed_trigger(self, node: NodeId, root: NodeId) -> None:
        self.triggers[node] = root
        unexplained = self.cg.graph.nodes[node].get("unexplained") is True
        deeper = "the deeper, unexplained cause" if unexplained else "the deeper cause"
        self.reasons[node] = (f"nothing in the incident causes it and it set off {self.label(root)!r}, which the "
                              f"sources name the root cause; it is {deeper} one 'why' further")
        self.notes.setdefault(root, []).append(
            f"one 'why' further lies {self.label(node)!r}" + (" (unexplained)" if unexplained else ""))
        self.disagreements.append((node, "root_cause", "trigger",
                                   (f"structurally it has no cause and leads to {self.label(root)!r}, but the "
                                   f"sources name {self.label(root)!r} the root cause")))

    def _upstream_triggers(self) -> None:
        reverse = self.cg.dag.reverse(copy=False)
        for root in sorted(self.roots, key=self.order):
            for node in nx.descendants(reverse, root):
                if node in self.roots or node in self.triggers or self.cg.scc[node] == self.cg.scc[root]:
                    continue
                self.triggers[node] = root
                self.reasons[node] = f"it leads to root cause {self.label(root)!r} and has causes of its own"

    def _named_triggers(self) -> None:
        """An event the sources call the trigger ("the image update was just the trigger", "Trigger: X") sets
        off the first root cause, when the structure makes it neither a root, a trigger nor an effect."""
        if not self.roots:
            return
        root = self.roots[0]
        for node in sorted((n for n in self.cg.dag if self.vote(n).trigger), key=self.order):
            if node in self.roots or node in self.triggers or any(self.cg.reaches(r, node) for r in self.roots):
                continue
            self.triggers[node] = root
            self.reasons[node] = (f"the sources call it the trigger ({_plural(len(self.vote(node).trigger), 'source')})"
                                  f"; it set off {self.label(root)!r}")

    def _role(self, node: NodeId, distance: dict[NodeId, tuple[int, NodeId]]) -> RoleAssignment:
        role, reason = self._role_and_reason(node, distance)
        conf = role_confidence(self.cg, node, role, self.votes.get(node))
        return RoleAssignment(role, conf, reason, tuple(self.notes.get(node, ())))

    def _role_and_reason(self, node: NodeId, distance: dict[NodeId, tuple[int, NodeId]]) -> tuple[str, str]:
        kind = self.cg.kind(node)
        if node in self.roots:
            return "root_cause", self.reasons[node]
        if node in self.triggers:
            return "trigger", self.reasons[node]
        if node in distance:
            steps, origin = distance[node]
            role = kind if kind in ("impact", "recovery", "mitigation") else "symptom"
            return role, f"an effect of {self.label(origin)!r} ({_plural(steps, 'causal step')} below it)"
        effects = self._effects_fed(node, distance)
        if effects:
            role = "contributing_factor" if kind in ROOT_KINDS else KIND_ROLES.get(kind, "symptom")
            return role, (f"not caused by the root cause, but it feeds into its effect {self.label(effects[0])!r}"
                          " and made it worse")
        role = KIND_ROLES.get(kind, "contributing_factor")
        return role, f"not linked to any root cause by the sources; a {kind} event, so taken as a {role}"

    def _effects_fed(self, node: NodeId, distance: dict[NodeId, tuple[int, NodeId]]) -> list[NodeId]:
        """Effects of the roots that ``node`` leads to, nearest first."""
        below = breadth_first(self.cg, [node])
        fed = [n for n in below if n in distance and n != node]
        return sorted(fed, key=lambda n: (below[n][0], n))[:1]

    def _first_symptoms(self, roles: dict[NodeId, RoleAssignment], distance: dict[NodeId, tuple[int, NodeId]]) -> None:
        claimed = [n for n, v in self.votes.items() if v.first and roles[n].role not in ("root_cause", "trigger")]
        for node in claimed:
            why = f"the sources call it the first symptom ({_plural(len(self.vote(node).first), 'source')})"
            roles[node] = self._relabel(node, roles[node], "first_symptom", f"{why}; {roles[node].reason}")
        if claimed:
            return
        nodes = self.cg.graph.nodes
        observable = {n for n, r in roles.items() if r.role == "symptom" and n in distance
                      and nodes[n].get("observable", self.cg.kind(n) in OBSERVABLE_KINDS)}
        front = breadth_first(self.cg, self.roots, stop=observable) if self.roots else {}
        per_root: dict[NodeId, list[NodeId]] = {}
        for n in observable & front.keys():
            per_root.setdefault(front[n][1], []).append(n)
        for root, candidates in per_root.items():
            for node in self._earliest(candidates, front):
                why = (f"the first observable effect of {self.label(root)!r} "
                       f"({_plural(front[node][0], 'causal step')} below it)")
                roles[node] = self._relabel(node, roles[node], "first_symptom", why)
        self._first_timed_symptom(roles)

    def _first_timed_symptom(self, roles: dict[NodeId, RoleAssignment]) -> None:
        """The earliest symptom timed to the hour or finer is a first symptom too: the sources tell when it was seen,
        even where they leave what it came from untold (a causal front can only name what the links reach)."""
        nodes = self.cg.graph.nodes
        timed = [n for n, r in roles.items() if r.role in ("symptom", "first_symptom", "contributing_factor")
                 and nodes[n].get("observable", self.cg.kind(n) in OBSERVABLE_KINDS) and nodes[n].get("at")
                 and nodes[n].get("precision", "minute") in ("hour", "minute", "second")]
        if not timed:
            return
        first = min(str(nodes[n]["at"]) for n in timed)
        earliest = sorted(n for n in timed if str(nodes[n]["at"]) == first)
        if any(roles[n].role == "first_symptom" for n in earliest):
            return  # a first symptom the links found was seen first: it stands alone
        for node in earliest:
            why = f"the earliest symptom the sources time ({first[11:16]} UTC)"
            roles[node] = self._relabel(node, roles[node], "first_symptom", why)
            self.seen_first.add(node)

    def _earliest(self, candidates: list[NodeId], front: dict[NodeId, tuple[int, NodeId]]) -> list[NodeId]:
        times = {n: self.cg.graph.nodes[n].get("at") for n in candidates}
        if all(times.values()):
            first = min(str(t) for t in times.values())
            return [n for n in candidates if times[n] == first]
        nearest = min(front[n][0] for n in candidates)
        return [n for n in candidates if front[n][0] == nearest]

    def _relabel(self, node: NodeId, old: RoleAssignment, role: str, reason: str) -> RoleAssignment:
        conf = role_confidence(self.cg, node, role, self.votes.get(node))
        return RoleAssignment(role, conf, reason, old.notes)
