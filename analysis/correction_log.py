"""Recording and withdrawing reviewers' corrections: the one write path the API (and anything else) uses.

``add_corrections`` checks a batch against the incident's corrected graph, each item against the
graph as the items before it leave it (a link may name an event added just before), and stores
the batch as one write or nothing. ``withdraw_correction`` marks one withdrawn, by whom and when;
it stays in the history. Either write moves the incident's version on, so cached answers go.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from analysis.corrected_view import AppliedCorrection, apply_correction, stored_corrections, working_copy
from analysis.corrections import NOTE_MAX_CHARS, CorrectionRejected, new_correction, now_utc
from graph.corrections import Correction
from graph.errors import Conflict, NodeNotFound
from graph.schema import Node
from graph.store import GraphStore


@dataclass
class CorrectionRequest:
    """What a reviewer asks for. ``history``: an imported correction that was withdrawn or orphaned where it came
    from (its ids are not checked); ``withdrawn``: store it withdrawn."""

    action: str
    author: str
    fields: dict[str, str] = field(default_factory=dict)
    note: str = ""
    history: bool = False
    withdrawn: bool = False


class BatchRejected(CorrectionRejected):
    """A correction of a batch that cannot be stored; ``index`` is its place in the batch."""

    def __init__(self, index: int, err: CorrectionRejected) -> None:
        super().__init__(err.field, err.message)
        self.index = index


class AlreadyWithdrawn(Conflict):
    """The correction was withdrawn before."""


def add_corrections(store: GraphStore, view: nx.MultiDiGraph, incident_id: str, requests: list[CorrectionRequest], *,
                    note_max: int = NOTE_MAX_CHARS) -> list[AppliedCorrection]:
    """Check ``requests`` against ``view`` (the incident's corrected graph, not changed) and store them as one write.

    Raises BatchRejected (nothing stored) naming the first correction and field at fault.
    """
    work = working_copy(view)
    seq = 1 + max((a.correction.seq for a in work.graph["corrections"]), default=0)
    made: list[Correction] = []
    applied: list[AppliedCorrection] = []
    for i, req in enumerate(requests):
        try:
            correction = new_correction(work, incident_id, req.action, req.fields, author=req.author, note=req.note,
                                        seq=seq + i, note_max=note_max, history=req.history)
        except CorrectionRejected as err:
            raise BatchRejected(i, err) from None
        if req.withdrawn:
            correction.withdrawn, correction.withdrawn_by, correction.withdrawn_at = True, req.author, correction.at
        made.append(correction)
        applied.append(apply_correction(work, correction))
    store.upsert([c.to_node() for c in made])
    return applied


def withdraw_correction(store: GraphStore, graph: nx.MultiDiGraph, incident_id: str, correction_id: str,
                        author: str) -> Correction:
    """Mark correction ``correction_id`` of ``graph`` (the incident's exported or corrected graph) withdrawn by
    ``author`` now. Raises NodeNotFound for an unknown id, AlreadyWithdrawn if it was withdrawn before."""
    corrections = graph.graph.get("corrections")
    known = [a.correction for a in corrections] if corrections is not None else stored_corrections(graph)
    found = next((c for c in known if c.id == correction_id), None)
    if found is None:
        raise NodeNotFound(correction_id)
    if found.withdrawn:
        raise AlreadyWithdrawn(f"correction {correction_id!r} was withdrawn by {found.withdrawn_by} on "
                               f"{found.withdrawn_at}")
    when = now_utc()
    store.upsert([Node("Correction", correction_id, {"incident": incident_id, "withdrawn": True,
                                                     "withdrawn_by": author, "withdrawn_at": when})])
    found.withdrawn, found.withdrawn_by, found.withdrawn_at = True, author, when
    return found
