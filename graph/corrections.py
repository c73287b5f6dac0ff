"""The Correction node: one reviewer's change to an incident graph, kept as graph data with its audit trail.

A correction never edits what the articles gave; analysis applies it above them
(``analysis.corrected_view``). Its properties: ``action`` (graph.schema.CORRECTION_ACTIONS),
the action's fields (``source``, ``target``, ``type``, ``node``, ``role``, ``utc``, ``label``,
``kind``, ``component``, ``keep``, ``merge``; ``label`` is stored as ``event_label``), ``author``, ``at`` (UTC, when stored),
``note``, ``touches`` (the node ids it names), ``seq`` (its place in the incident's
history) and, once withdrawn, ``withdrawn`` / ``withdrawn_by`` / ``withdrawn_at``.

>>> c = Correction("set_role", "ana", {"node": "i:e:delay", "role": "symptom"}, note="a symptom",
...                incident="i", at="2026-12-08T10:00:00Z", seq=1, id="i:rc:0001-ab12cd")
>>> Correction.from_attrs(c.id, c.to_node().props) == c
True
>>> c.touches
['i:e:delay']
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from graph.schema import Node, NodeId, node_id

# Fields an action may carry (all strings), and which of them name nodes.
ACTION_FIELDS: tuple[str, ...] = ("source", "target", "type", "node", "role", "utc", "label", "kind", "component",
                                  "keep", "merge")
ID_FIELDS: tuple[str, ...] = ("source", "target", "node", "keep", "merge", "component")
# ``id`` and ``label`` are fields of every stored node, so an action's ``label`` is stored under another name.
STORED_AS: dict[str, str] = {"label": "event_label"}


def correction_id(incident_id: str, seq: int) -> NodeId:
    """A fresh id for the ``seq``-th correction of an incident (a random suffix keeps two concurrent writes apart).

    >>> correction_id("inc", 3).startswith("inc:rc:0003-")
    True
    """
    return node_id(incident_id, "Correction", f"{seq:04d}-{secrets.token_hex(3)}")


@dataclass
class Correction:
    """One reviewer's correction: what it does (``action`` and ``fields``), who, when, why, and whether withdrawn."""

    action: str
    author: str
    fields: dict[str, str] = field(default_factory=dict)
    note: str = ""
    incident: str = ""
    at: str = ""
    seq: int = 0
    id: NodeId = ""
    withdrawn: bool = False
    withdrawn_by: str = ""
    withdrawn_at: str = ""

    @property
    def touches(self) -> list[NodeId]:
        """The node ids this correction names, in field order."""
        return [self.fields[name] for name in ID_FIELDS if self.fields.get(name)]

    @property
    def date(self) -> str:
        """The day it was made (``YYYY-MM-DD``)."""
        return self.at[:10]

    def to_node(self) -> Node:
        props: dict[str, Any] = {"incident": self.incident, "action": self.action, "author": self.author,
                                 "at": self.at, "seq": self.seq, "touches": self.touches,
                                 **{STORED_AS.get(k, k): v for k, v in self.fields.items()
                                    if k in ACTION_FIELDS and v}}
        if self.note:
            props["note"] = self.note
        if self.withdrawn:
            props.update(withdrawn=True, withdrawn_by=self.withdrawn_by, withdrawn_at=self.withdrawn_at)
        return Node("Correction", self.id, props)

    @classmethod
    def from_attrs(cls, nid: NodeId, attrs: dict[str, Any]) -> Correction:
        """The correction stored as node ``nid`` with properties ``attrs`` (an exported node's attributes)."""
        return cls(action=str(attrs.get("action", "")), author=str(attrs.get("author", "")),
                   fields={k: str(attrs[STORED_AS.get(k, k)]) for k in ACTION_FIELDS if attrs.get(STORED_AS.get(k, k))},
                   note=str(attrs.get("note") or ""), incident=str(attrs.get("incident", "")),
                   at=str(attrs.get("at", "")), seq=int(attrs.get("seq") or 0), id=nid,
                   withdrawn=attrs.get("withdrawn") is True, withdrawn_by=str(attrs.get("withdrawn_by") or ""),
                   withdrawn_at=str(attrs.get("withdrawn_at") or ""))

    def to_dict(self) -> dict[str, Any]:
        """The JSON form ``GET .../corrections`` lists and ``POST .../corrections`` accepts back."""
        out: dict[str, Any] = {"id": self.id, "action": self.action, **self.fields}
        out.update(note=self.note, author=self.author, at=self.at, incident=self.incident, touches=self.touches)
        if self.withdrawn:
            out.update(withdrawn_by=self.withdrawn_by, withdrawn_at=self.withdrawn_at)
        return out
