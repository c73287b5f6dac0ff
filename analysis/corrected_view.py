"""The corrected graph: an incident's exported graph with its reviewers' corrections applied above the articles.

:func:`corrected_graph` takes ``store.incident_graph(iid)`` and returns the graph every
answer reads (``analysis.answers`` calls it once per incident version). The Correction
nodes are taken out; each one not withdrawn is applied in the order it was made:

- ``accept_link``: the edge counts with confidence 1.0 and ``confirmed_by`` the reviewer;
- ``reject_link``: the edge is left out (stored as it was; listed in ``rejected_links``);
- ``add_link``: a reviewer's edge (cue "added by reviewer", confidence 1.0, ``added_by``);
- ``set_role``: the articles' root-cause and symptom claims about the event stop counting and the
  reviewer's stand in (a root cause, a first symptom, or not the root cause); ``analysis.roles``
  then gives the event the reviewer's role (``reviewer_role``) unless it is ``not_root_cause``;
- ``add_event``: a reviewer's event (``added_by``), ``AFFECTS`` its component when one is named;
- ``set_time``: the event's ``at`` (minute precision); the articles' times stay on its TimePoints;
- ``merge_events``: ``merge``'s edges move to ``keep``, its evidence joins ``keep``'s, ``merge`` goes;
- ``rename_event``: the event's ``summary`` (``renamed_from`` keeps the old one).

Each applied correction says so where answers look: a reviewer Mention (source ``reviewer <author>``,
sentence "<what> by reviewer <author> on <date>: '<note>'") joins the evidence of what it changed,
and the same sentence joins the ``review_notes`` of every event it touches. A correction naming a
node or link the graph no longer has (after re-extraction, say) is **orphaned**: not applied, and
reported with the reason. ``graph.graph["corrections"]`` lists every correction with its status.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import networkx as nx

from analysis.corrections import CorrectionRejected, check
from analysis.findings import RoleAssignment
from graph.corrections import Correction
from graph.schema import ROLES, NodeId, merge_props

ROLE_CLAIM_KINDS = frozenset({"root_cause", "not_root_cause", "trigger", "first_symptom", "symptom"})
REVIEWER_CLAIM = {"root_cause": "root_cause", "first_symptom": "first_symptom"}  # any other role: not_root_cause
STATUSES = ("active", "withdrawn", "orphaned")


@dataclass
class AppliedCorrection:
    """One correction and what became of it: ``active`` (applied), ``withdrawn`` or ``orphaned`` (and why)."""

    correction: Correction
    status: str
    reason: str = ""
    said: str = ""  # the attribution sentence answers show

    def to_dict(self) -> dict[str, Any]:
        out = {**self.correction.to_dict(), "status": self.status}
        if self.reason:
            out["reason"] = self.reason
        if self.said:
            out["said"] = self.said
        return out


@dataclass
class CorrectionReport:
    """Every correction of an incident with its status, the orphaned ones' ids and the links reviewers rejected."""

    incident_id: str
    corrections: list[AppliedCorrection] = field(default_factory=list)
    rejected_links: list[dict[str, Any]] = field(default_factory=list)

    @property
    def orphaned(self) -> list[NodeId]:
        return [a.correction.id for a in self.corrections if a.status == "orphaned"]

    def to_dict(self) -> dict[str, Any]:
        return {"incident": self.incident_id, "corrections": [a.to_dict() for a in self.corrections],
                "orphaned": self.orphaned, "rejected_links": list(self.rejected_links)}


def stored_corrections(graph: nx.MultiDiGraph) -> list[Correction]:
    """The Correction nodes of an exported graph, in the order they were made."""
    found = [Correction.from_attrs(n, a) for n, a in graph.nodes(data=True) if a.get("label") == "Correction"]
    return sorted(found, key=lambda c: (c.seq, c.at, c.id))


def corrected_graph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """``graph`` with its corrections applied (rules in the module docstring); ``graph`` itself is not changed."""
    stored = stored_corrections(graph)
    view = graph.copy() if stored else graph
    view.remove_nodes_from([c.id for c in stored])
    applied: list[AppliedCorrection] = []
    view.graph["corrections"] = applied
    view.graph["rejected_links"] = []
    for c in stored:
        applied.append(apply_correction(view, c))
    return view


def apply_correction(view: nx.MultiDiGraph, c: Correction) -> AppliedCorrection:
    """Apply one correction to ``view`` in place, unless withdrawn or orphaned; say what became of it."""
    if c.withdrawn:
        return AppliedCorrection(c, "withdrawn")
    try:
        check(view, c, new=False, note_max=max(len(c.note), 1))
    except CorrectionRejected as err:
        return AppliedCorrection(c, "orphaned", f"{err.field}: {err.message}")
    said = _APPLY[c.action](view, c)
    return AppliedCorrection(c, "active", said=said)


def working_copy(view: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of a corrected graph that more corrections may be applied to (``apply_correction``) without
    touching ``view``."""
    copy = view.copy()
    copy.graph["corrections"] = list(view.graph.get("corrections") or [])
    copy.graph["rejected_links"] = list(view.graph.get("rejected_links") or [])
    return copy


def correction_report(view: nx.MultiDiGraph, incident_id: str) -> CorrectionReport:
    """The corrections of a corrected graph (``corrected_graph``), with their status."""
    return CorrectionReport(incident_id, list(view.graph.get("corrections") or []),
                            list(view.graph.get("rejected_links") or []))


def reviewed_roles(graph: nx.MultiDiGraph, roles: dict[NodeId, RoleAssignment]) -> dict[NodeId, RoleAssignment]:
    """``roles`` with each reviewer's role put in place and every event's ``review_notes`` added to its notes."""
    out = dict(roles)
    for node, assigned in roles.items():
        attrs = graph.nodes[node]
        notes = tuple(attrs.get("review_notes") or ())
        role = attrs.get("reviewer_role")
        if role in ROLES and role != assigned.role:
            said = attrs.get("reviewer_role_said") or "set by a reviewer"
            assigned = RoleAssignment(role, 1.0, f"{role.replace('_', ' ')}: {said} (was {assigned.role}: "
                                                 f"{assigned.reason})", assigned.notes)
        elif role in ROLES:
            assigned = replace(assigned, confidence=1.0)
        if notes:
            assigned = replace(assigned, notes=assigned.notes + notes)
        out[node] = assigned
    return out


# ------------------------------------------------------------------ applying one action


def _label(view: nx.MultiDiGraph, node: NodeId) -> str:
    attrs = view.nodes[node]
    return str(attrs.get("summary") or attrs.get("name") or node)


def _said(c: Correction, what: str) -> str:
    """The attribution sentence: "<what> by reviewer <author> on <date>: '<note>'"."""
    return f"{what} by reviewer {c.author} on {c.date}" + (f": '{c.note}'" if c.note else "")


def _say(view: nx.MultiDiGraph, c: Correction, what: str) -> tuple[NodeId, str]:
    """Add the reviewer Mention of ``c``; return its id and the attribution sentence."""
    said = _said(c, what)
    mention = f"{c.id}:m"
    view.add_node(mention, label="Mention", incident=c.incident, source=f"reviewer {c.author}", sentence=said,
                  quote=c.note or said, start=0, end=0)
    return mention, said


def _note(view: nx.MultiDiGraph, node: NodeId, mention: NodeId | None, said: str) -> None:
    attrs = view.nodes[node]
    if attrs.get("label") != "Event":
        return
    attrs["review_notes"] = [*(attrs.get("review_notes") or []), said]
    if mention is not None:
        attrs["evidence"] = [*(attrs.get("evidence") or []), mention]


def _link(c: Correction) -> tuple[NodeId, NodeId, str]:
    return c.fields["source"], c.fields["target"], c.fields["type"]


def _accept(view: nx.MultiDiGraph, c: Correction) -> str:
    s, t, type_ = _link(c)
    mention, said = _say(view, c, f"link {_label(view, s)!r} → {_label(view, t)!r} confirmed")
    data = view.edges[s, t, type_]
    data.update(confidence=1.0, confirmed_by=c.author, evidence=[mention, *(data.get("evidence") or [])])
    _note(view, t, None, said)
    return said


def _reject(view: nx.MultiDiGraph, c: Correction) -> str:
    s, t, type_ = _link(c)
    said = _said(c, f"link {_label(view, s)!r} → {_label(view, t)!r} rejected")
    data = dict(view.edges[s, t, type_])
    view.remove_edge(s, t, key=type_)
    view.graph["rejected_links"].append({"source": s, "target": t, "type": type_, "cue": data.get("cue"),
                                         "correction": c.id, "author": c.author, "note": c.note, "said": said})
    _note(view, s, None, said)
    _note(view, t, None, said)
    return said


def _add_link(view: nx.MultiDiGraph, c: Correction) -> str:
    s, t, type_ = _link(c)
    mention, said = _say(view, c, f"link {_label(view, s)!r} → {_label(view, t)!r} added")
    props = {"type": type_, "incident": c.incident, "cue": "added by reviewer", "confidence": 1.0,
             "evidence": [mention], "added_by": c.author, "correction": c.id}
    if view.has_edge(s, t, key=type_):
        view.edges[s, t, type_].update(merge_props(view.edges[s, t, type_], props))
    else:
        view.add_edge(s, t, key=type_, **props)
    _note(view, s, None, said)
    _note(view, t, None, said)
    return said


def _set_role(view: nx.MultiDiGraph, c: Correction) -> str:
    node, role = c.fields["node"], c.fields["role"]
    mention, said = _say(view, c, f"role {role} set")
    for claim, _, key in list(view.in_edges(node, keys=True)):
        if key == "ABOUT" and view.nodes[claim].get("label") == "Claim" \
                and view.nodes[claim].get("kind") in ROLE_CLAIM_KINDS:
            view.remove_edge(claim, node, key="ABOUT")
    claim = f"{c.id}:cl"
    view.add_node(claim, label="Claim", incident=c.incident, kind=REVIEWER_CLAIM.get(role, "not_root_cause"),
                  text=said, source=f"reviewer {c.author}", evidence=[mention])
    view.add_edge(claim, node, key="ABOUT", type="ABOUT", incident=c.incident)
    attrs = view.nodes[node]
    attrs.pop("reviewer_role", None)
    if role in ROLES:
        attrs.update(reviewer_role=role, reviewer_role_said=said)
    _note(view, node, mention, said)
    return said


def _add_event(view: nx.MultiDiGraph, c: Correction) -> str:
    node, component = c.fields["node"], c.fields.get("component")
    mention, said = _say(view, c, "event added")
    if node not in view:
        view.add_node(node, label="Event", incident=c.incident, summary=c.fields["label"], kind=c.fields["kind"],
                      components=[component] if component else [], evidence=[], sources=[], added_by=c.author)
    if component:
        view.add_edge(node, component, key="AFFECTS", type="AFFECTS", incident=c.incident, evidence=[mention],
                      added_by=c.author, correction=c.id)
    _note(view, node, mention, said)
    return said


def _set_time(view: nx.MultiDiGraph, c: Correction) -> str:
    node, utc = c.fields["node"], c.fields["utc"]
    mention, said = _say(view, c, f"time set to {utc[:16].replace('T', ' ')} UTC")
    view.nodes[node].update(at=utc, precision="minute", time_set_by=c.author)
    _note(view, node, mention, said)
    return said


def _merge(view: nx.MultiDiGraph, c: Correction) -> str:
    keep, gone = c.fields["keep"], c.fields["merge"]
    mention, said = _say(view, c, f"{_label(view, gone)!r} merged into {_label(view, keep)!r}")
    for a, _, key, data in list(view.in_edges(gone, keys=True, data=True)):
        if a not in (keep, gone):
            _move_edge(view, a, keep, key, data)
    for _, b, key, data in list(view.out_edges(gone, keys=True, data=True)):
        if b not in (keep, gone):
            _move_edge(view, keep, b, key, data)
    kept, merged = view.nodes[keep], view.nodes[gone]
    for name in ("evidence", "sources", "components"):
        kept[name] = list(dict.fromkeys([*(kept.get(name) or []), *(merged.get(name) or [])]))
    if not kept.get("at") and merged.get("at"):
        kept.update(at=merged["at"], precision=merged.get("precision") or "minute")
    kept["merged"] = [*(kept.get("merged") or []), gone]
    kept["review_notes"] = [*(kept.get("review_notes") or []), *(merged.get("review_notes") or [])]
    view.remove_node(gone)
    _note(view, keep, mention, said)
    return said


def _move_edge(view: nx.MultiDiGraph, a: NodeId, b: NodeId, key: str, data: dict[str, Any]) -> None:
    if view.has_edge(a, b, key=key):
        old = view.edges[a, b, key]
        merged = merge_props(old, data)
        if "confidence" in old or "confidence" in data:
            merged["confidence"] = max(float(old.get("confidence", 0)), float(data.get("confidence", 0)))
        old.update(merged)
    else:
        view.add_edge(a, b, key=key, **data)


def _rename(view: nx.MultiDiGraph, c: Correction) -> str:
    node = c.fields["node"]
    old = _label(view, node)
    mention, said = _say(view, c, f"renamed from {old!r} to {c.fields['label']!r}")
    view.nodes[node].update(summary=c.fields["label"], renamed_from=old)
    _note(view, node, mention, said)
    return said


_APPLY = {"accept_link": _accept, "reject_link": _reject, "add_link": _add_link, "set_role": _set_role,
          "add_event": _add_event, "set_time": _set_time, "merge_events": _merge, "rename_event": _rename}
