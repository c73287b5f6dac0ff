"""Checking a reviewer's correction against the incident graph it would change, before anything is stored.

:func:`check` raises :class:`CorrectionRejected` naming the field at fault for: an
unknown action, role, kind or link type; a missing field; an id that is not a node of
the incident (or not of the kind the action needs); a link from a node to itself; a
link to confirm or reject that is not there, or one to add that already is; an event
to add whose label is taken; a malformed time; an over-long note or label; a missing
author. It checks against the *corrected* graph (``analysis.corrected_view``), so a
correction may name an event an earlier correction added, and not one merged away.

>>> parse_utc("2025-10-20T07:15-07:00")
'2025-10-20T14:15:00Z'
>>> parse_utc("20 October")
Traceback (most recent call last):
...
ValueError: '20 October' is not a UTC time: write ISO 8601 with a time of day and a zone, e.g. 2025-10-20T06:48:00Z
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import networkx as nx

from graph.corrections import Correction, correction_id
from graph.errors import InputRejected
from graph.schema import (
    CORRECTION_ACTIONS,
    CORRECTION_LINK_TYPES,
    CORRECTION_ROLES,
    EDGE_ENDPOINTS,
    EVENT_KINDS,
    NodeId,
    node_id,
)

LINK_ACTIONS = ("accept_link", "reject_link", "add_link")
REQUIRED: dict[str, tuple[str, ...]] = {
    "accept_link": ("source", "target", "type"), "reject_link": ("source", "target", "type"),
    "add_link": ("source", "target", "type"), "set_role": ("node", "role"), "add_event": ("label", "kind"),
    "set_time": ("node", "utc"), "merge_events": ("keep", "merge"), "rename_event": ("node", "label"),
}
OPTIONAL: dict[str, tuple[str, ...]] = {"add_event": ("component",)}
NOTE_MAX_CHARS = 2000  # default of the setting CORRECTION_NOTE_MAX_CHARS
LABEL_MAX_CHARS = 200
AUTHOR_MAX_CHARS = 100
_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$")


class CorrectionRejected(InputRejected):
    """A correction that may not be stored; ``field`` is the offending field (``action``, ``source``, ``note``...)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def parse_utc(value: str) -> str:
    """``value`` (ISO 8601 with a time of day and a zone) as ``YYYY-MM-DDTHH:MM:SSZ``; ValueError otherwise."""
    text = str(value).strip()
    try:
        if not _TIME.match(text):
            raise ValueError
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{value!r} is not a UTC time: write ISO 8601 with a time of day and a zone, "
                         "e.g. 2025-10-20T06:48:00Z") from None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def now_utc() -> str:
    """The current time as ``YYYY-MM-DDTHH:MM:SSZ``."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_correction(graph: nx.MultiDiGraph, incident_id: str, action: str, fields: dict[str, str], *, author: str,
                   note: str = "", seq: int, at: str | None = None, note_max: int = NOTE_MAX_CHARS,
                   history: bool = False) -> Correction:
    """A checked correction of ``graph`` (the corrected graph of ``incident_id``), ready to store as the incident's
    ``seq``-th. Raises CorrectionRejected naming the field at fault. ``history``: one imported as withdrawn or
    orphaned, whose fields are checked but not its ids (it applies to nothing)."""
    if action not in CORRECTION_ACTIONS:
        raise CorrectionRejected("action", f"unknown action {action!r}; use one of {', '.join(CORRECTION_ACTIONS)}")
    allowed = REQUIRED[action] + OPTIONAL.get(action, ())
    clean = {k: str(v).strip() for k, v in fields.items() if k in allowed and v is not None and str(v).strip()}
    if action == "set_time" and "utc" in clean:
        try:
            clean["utc"] = parse_utc(clean["utc"])
        except ValueError as err:
            raise CorrectionRejected("utc", str(err)) from None
    if action == "add_event" and clean.get("label"):
        clean["node"] = _event_id(incident_id, clean["label"])
    correction = Correction(action, author.strip() if isinstance(author, str) else "", clean, note=note or "",
                            incident=incident_id, at=at or now_utc(), seq=seq, id=correction_id(incident_id, seq))
    if history:
        check_fields(correction, note_max=note_max)
    else:
        check(graph, correction, note_max=note_max)
    return correction


def _event_id(incident_id: str, label: str) -> NodeId:
    try:
        return node_id(incident_id, "Event", label)
    except ValueError:
        raise CorrectionRejected("label", f"{label!r} makes no event id") from None


def check(graph: nx.MultiDiGraph, c: Correction, *, new: bool = True, note_max: int = NOTE_MAX_CHARS) -> None:
    """Raise CorrectionRejected if ``c`` cannot apply to ``graph``. ``new``: also refuse what would change nothing
    (a link to add that exists, an event to add that exists); a stored correction is checked with ``new=False``."""
    check_fields(c, note_max=note_max)
    _CHECKS[c.action](graph, c, new)


def check_fields(c: Correction, *, note_max: int = NOTE_MAX_CHARS) -> None:
    """Raise CorrectionRejected for an unknown action, a missing author or field, a bad note, time or label."""
    if c.action not in CORRECTION_ACTIONS:
        raise CorrectionRejected("action", f"unknown action {c.action!r}; use one of {', '.join(CORRECTION_ACTIONS)}")
    if not c.author:
        raise CorrectionRejected("author", "say who makes the correction (the reviewer's name)")
    if len(c.author) > AUTHOR_MAX_CHARS or "\x00" in c.author:
        raise CorrectionRejected("author", f"a name of at most {AUTHOR_MAX_CHARS} characters, without NUL")
    if len(c.note) > note_max:
        raise CorrectionRejected("note", f"the note has {len(c.note)} characters; at most {note_max} "
                                         "(setting CORRECTION_NOTE_MAX_CHARS)")
    if "\x00" in c.note:
        raise CorrectionRejected("note", "NUL is not allowed in a note")
    for name in REQUIRED[c.action]:
        if not c.fields.get(name):
            raise CorrectionRejected(name, f"{c.action} needs {name!r}")
    if "label" in c.fields:
        _check_label(c)
    if c.action == "set_time":
        try:
            parse_utc(c.fields["utc"])
        except ValueError as err:
            raise CorrectionRejected("utc", str(err)) from None


def _node(graph: nx.MultiDiGraph, c: Correction, name: str, labels: frozenset[str] | tuple[str, ...]) -> NodeId:
    value = c.fields[name]
    if value not in graph or graph.nodes[value].get("label") not in labels:
        what = " or ".join(sorted(labels))
        raise CorrectionRejected(name, f"{value!r} is not {'an' if what[0] in 'AEIOU' else 'a'} {what} of incident "
                                       f"{c.incident!r}")
    return value


def _check_link(graph: nx.MultiDiGraph, c: Correction, new: bool) -> None:
    type_ = c.fields["type"]
    if type_ not in CORRECTION_LINK_TYPES:
        raise CorrectionRejected("type", f"unknown link type {type_!r}; use one of {', '.join(CORRECTION_LINK_TYPES)}")
    sources, targets = EDGE_ENDPOINTS[type_]
    if c.fields["source"] == c.fields["target"]:
        raise CorrectionRejected("target", "a link from a node to itself")
    source, target = _node(graph, c, "source", sources), _node(graph, c, "target", targets)
    present = graph.has_edge(source, target, key=type_)
    if c.action != "add_link" and not present:
        raise CorrectionRejected("target", f"no {type_} link from {source!r} to {target!r} to "
                                           f"{'confirm' if c.action == 'accept_link' else 'reject'}")
    if c.action == "add_link" and present and new:
        raise CorrectionRejected("target", f"the {type_} link from {source!r} to {target!r} exists: "
                                           "accept_link confirms it")


def _check_role(graph: nx.MultiDiGraph, c: Correction, new: bool) -> None:
    _node(graph, c, "node", ("Event",))
    if c.fields["role"] not in CORRECTION_ROLES:
        raise CorrectionRejected("role", f"unknown role {c.fields['role']!r}; use one of {', '.join(CORRECTION_ROLES)}")


def _check_label(c: Correction) -> None:
    if len(c.fields["label"]) > LABEL_MAX_CHARS or "\x00" in c.fields["label"]:
        raise CorrectionRejected("label", f"a label of at most {LABEL_MAX_CHARS} characters, without NUL")


def _check_add_event(graph: nx.MultiDiGraph, c: Correction, new: bool) -> None:
    if c.fields["kind"] not in EVENT_KINDS:
        raise CorrectionRejected("kind", f"unknown kind {c.fields['kind']!r}; use one of {', '.join(EVENT_KINDS)}")
    if c.fields.get("component"):
        _node(graph, c, "component", ("Component",))
    nid = c.fields.get("node") or _event_id(c.incident, c.fields["label"])
    if new and nid in graph:
        raise CorrectionRejected("label", f"the incident has a node {nid!r} already: rename_event or merge_events "
                                          "changes it")


def _check_event(graph: nx.MultiDiGraph, c: Correction, new: bool) -> None:
    _node(graph, c, "node", ("Event",))


def _check_merge(graph: nx.MultiDiGraph, c: Correction, new: bool) -> None:
    if c.fields["keep"] == c.fields["merge"]:
        raise CorrectionRejected("merge", "an event cannot be merged into itself")
    _node(graph, c, "keep", ("Event",))
    _node(graph, c, "merge", ("Event",))


_CHECKS = {"accept_link": _check_link, "reject_link": _check_link, "add_link": _check_link, "set_role": _check_role,
           "add_event": _check_add_event, "set_time": _check_event, "merge_events": _check_merge,
           "rename_event": _check_event}
