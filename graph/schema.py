"""The graph schema: node and edge kinds, canonical ids, record dataclasses, validation.

This module is the one source of truth for what may be stored. Stores persist
:class:`Node` and :class:`Edge`; the typed records (``ComponentNode``,
``EventNode``...) build them, and :class:`Extraction` carries everything one
article yields from ``ingest`` to ``graph.build``.

Every node carries an ``incident`` property; node ids are scoped by incident
(``<incident>:<prefix>:<slug>``) so incidents never share a node and deleting
one leaves the others intact.

>>> slugify("DropletWorkflow Manager (DWFM)")
'dropletworkflow-manager-dwfm'
>>> node_id("aws-2025", "Component", "DynamoDB")
'aws-2025:c:dynamodb'
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from graph.errors import SchemaError

NodeId = str
Props = dict[str, Any]

NODE_LABELS: tuple[str, ...] = (
    "Incident", "Source", "Component", "Event", "TimePoint", "Mention", "Claim", "ModelElement", "Correction",
)
EDGE_TYPES: tuple[str, ...] = (
    "CAUSES", "AFFECTS", "DEPENDS_ON", "PART_OF", "MENTIONS", "AT", "BEFORE", "ABOUT", "CONTRADICTS", "MODELS",
)
# Which labels each relationship may join: (allowed source labels, allowed target labels).
EDGE_ENDPOINTS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "CAUSES": (frozenset({"Event"}), frozenset({"Event"})),
    "AFFECTS": (frozenset({"Event"}), frozenset({"Component"})),
    "DEPENDS_ON": (frozenset({"Component"}), frozenset({"Component"})),
    "PART_OF": (frozenset({"Component", "Source", "Mention", "Event"}), frozenset({"Component", "Incident", "Source"})),
    "MENTIONS": (frozenset({"Source"}), frozenset({"Component", "Event", "TimePoint", "Claim"})),
    "AT": (frozenset({"Event", "Claim"}), frozenset({"TimePoint"})),
    "BEFORE": (frozenset({"TimePoint"}), frozenset({"TimePoint"})),
    "ABOUT": (frozenset({"Claim"}), frozenset({"Event", "Component", "TimePoint", "Incident"})),
    "CONTRADICTS": (frozenset({"Claim"}), frozenset({"Claim"})),
    "MODELS": (frozenset({"ModelElement"}), frozenset({"Event", "Component", "TimePoint"})),
}
ID_PREFIX: dict[str, str] = {
    "Incident": "i", "Source": "src", "Component": "c", "Event": "e", "TimePoint": "t",
    "Mention": "m", "Claim": "cl", "ModelElement": "me", "Correction": "rc",
}
EVENT_KINDS: tuple[str, ...] = ("condition", "action", "failure", "symptom", "impact", "recovery", "mitigation")
COMPONENT_KINDS: tuple[str, ...] = ("service", "subsystem", "infrastructure", "customer")
CLAIM_KINDS: tuple[str, ...] = (
    "root_cause", "not_root_cause", "trigger", "first_symptom", "symptom", "started_at", "ended_at",
    "duration", "unexplained", "question", "date", "time",
)
ROLES: tuple[str, ...] = (
    "root_cause", "trigger", "contributing_factor", "first_symptom", "symptom", "impact", "recovery", "mitigation",
)
# A reviewer's correction (a Correction node, graph.corrections; analysis.corrected_view applies it above the articles).
CORRECTION_ACTIONS: tuple[str, ...] = (
    "accept_link", "reject_link", "add_link", "set_role", "add_event", "set_time", "merge_events", "rename_event",
)
CORRECTION_ROLES: tuple[str, ...] = (*ROLES, "not_root_cause")
CORRECTION_LINK_TYPES: tuple[str, ...] = ("CAUSES", "AFFECTS", "DEPENDS_ON")
# List properties that accumulate on upsert instead of being overwritten: the
# same event told by a second sentence keeps the first sentence's evidence.
MERGED_LIST_PROPS: frozenset[str] = frozenset({"evidence", "aliases", "sources", "components", "cues"})

ID_PATTERN = r"^[a-z0-9][a-z0-9._:-]{0,199}$"
_ID_RE = re.compile(ID_PATTERN)
# An incident id has no ":", so it can never be the id of a node of some incident ("<incident>:c:<slug>").
INCIDENT_ID_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,99}$"
_INCIDENT_ID_RE = re.compile(INCIDENT_ID_PATTERN)
_KEY_RE = re.compile(r"^[a-z_][a-z0-9_]{0,63}$")


def slugify(text: str, *, max_len: int = 80) -> str:
    """Return the canonical slug of ``text``: lower-case ASCII words joined by ``-``.

    >>> slugify("Route 53")
    'route-53'
    >>> slugify("  Élan / Vital  ")
    'elan-vital'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_len].rstrip("-") or "x"


def node_id(incident_id: str, label: str, key: str) -> NodeId:
    """Return the canonical id of a node of ``label`` named ``key`` in an incident.

    >>> node_id("inc-1", "Event", "race condition")
    'inc-1:e:race-condition'
    """
    if label not in ID_PREFIX:
        raise SchemaError(f"unknown node label {label!r}; use one of {', '.join(NODE_LABELS)}")
    if label == "Incident":
        return check_id(incident_id)
    return check_id(f"{incident_id}:{ID_PREFIX[label]}:{slugify(key)}")


def check_incident_id(value: str) -> str:
    """Return ``value`` if it may name a new incident, else raise SchemaError.

    >>> check_incident_id("aws-us-east-1-2025-10")
    'aws-us-east-1-2025-10'
    >>> check_incident_id("aws:c:kinesis")
    Traceback (most recent call last):
    ...
    graph.errors.SchemaError: illegal incident id 'aws:c:kinesis': incident ids match ^[a-z0-9][a-z0-9._-]{0,99}$ (no ':', which node ids use)
    """
    if not isinstance(value, str) or not _INCIDENT_ID_RE.match(value):
        raise SchemaError(f"illegal incident id {value!r}: incident ids match {INCIDENT_ID_PATTERN} "
                          "(no ':', which node ids use)")
    return value


def check_id(value: str) -> NodeId:
    """Return ``value`` if it is a legal id (lower-case, no slashes or spaces), else raise SchemaError."""
    if not isinstance(value, str) or not _ID_RE.match(value):
        raise SchemaError(f"illegal id {value!r}: ids match {ID_PATTERN}")
    return value


def _check_scalar(key: str, value: Any) -> None:
    if isinstance(value, (bool, int, str)):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 2**63:
            raise SchemaError(f"property {key!r}: integer {value} does not fit in 64 bits")
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise SchemaError(f"property {key!r}: {value} is not a finite number")
        return
    raise SchemaError(
        f"property {key!r}: {type(value).__name__} is not a legal property value "
        "(use strings, numbers, booleans or flat lists of one of those)"
    )


def check_props(props: Props) -> Props:
    """Return ``props`` if every key and value is Neo4j-legal; raise SchemaError naming the first that is not.

    >>> check_props({"name": "EC2", "aliases": ["ec2"]})
    {'name': 'EC2', 'aliases': ['ec2']}
    """
    for key, value in props.items():
        if not isinstance(key, str) or not _KEY_RE.match(key):
            raise SchemaError(f"illegal property name {key!r}: names match {_KEY_RE.pattern}")
        if value is None:
            raise SchemaError(f"property {key!r} is None: leave it out instead")
        if isinstance(value, (list, tuple)):
            kinds = {type(v) for v in value}
            if len(kinds) > 1:
                raise SchemaError(f"property {key!r}: a list must hold values of one type, not {sorted(k.__name__ for k in kinds)}")
            for item in value:
                if isinstance(item, (list, tuple, dict)):
                    raise SchemaError(f"property {key!r}: nested lists and maps are not legal property values")
                _check_scalar(key, item)
        else:
            _check_scalar(key, value)
    return props


@dataclass(frozen=True)
class Node:
    """A stored node: a label from NODE_LABELS, a canonical id and flat properties (``incident`` among them)."""

    label: str
    id: NodeId
    props: Props = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        if self.label not in NODE_LABELS:
            raise SchemaError(f"unknown node label {self.label!r}; use one of {', '.join(NODE_LABELS)}")
        check_id(self.id)
        check_props(self.props)
        if "id" in self.props or "label" in self.props:
            raise SchemaError("'id' and 'label' are fields of the node, not properties")
        if not isinstance(self.props.get("incident"), str):
            raise SchemaError(f"node {self.id!r} has no 'incident' property")

    @property
    def incident(self) -> str:
        return self.props["incident"]


@dataclass(frozen=True)
class Edge:
    """A stored relationship, identified by (type, source, target); its properties merge on upsert."""

    type: str
    source: NodeId
    target: NodeId
    props: Props = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        if self.type not in EDGE_TYPES:
            raise SchemaError(f"unknown relationship type {self.type!r}; use one of {', '.join(EDGE_TYPES)}")
        check_id(self.source)
        check_id(self.target)
        check_props(self.props)
        if not isinstance(self.props.get("incident"), str):
            raise SchemaError(f"edge {self.type} {self.source}->{self.target} has no 'incident' property")

    @property
    def key(self) -> tuple[str, NodeId, NodeId]:
        return (self.type, self.source, self.target)


def check_endpoints(edge: Edge, source_label: str, target_label: str) -> None:
    """Raise SchemaError if ``edge`` joins labels its type does not allow."""
    sources, targets = EDGE_ENDPOINTS[edge.type]
    if source_label not in sources or target_label not in targets:
        raise SchemaError(f"{edge.type} may not join {source_label} to {target_label}")


def merge_props(old: Props, new: Props) -> Props:
    """Return ``old`` updated with ``new``; MERGED_LIST_PROPS are unioned in first-seen order.

    >>> merge_props({"evidence": ["m1"], "name": "a"}, {"evidence": ["m2", "m1"], "name": "b"})
    {'evidence': ['m1', 'm2'], 'name': 'b'}
    """
    merged = dict(old)
    for key, value in new.items():
        if key in MERGED_LIST_PROPS and isinstance(value, list) and isinstance(old.get(key), list):
            merged[key] = _union(old[key], value)
        else:
            merged[key] = value
    return merged


def _union(old: list[Any], new: list[Any]) -> list[Any]:
    """``old`` then the items of ``new`` not in ``old`` (as the Bolt store's Cypher does), in linear time:
    one node may gather thousands of mentions. Property values are scalars, so hashable."""
    have = set(old)
    return old + [v for v in new if v not in have]


# ---------------------------------------------------------------- typed records
# Each record knows its label and turns itself into a Node. Optional fields left
# as None are omitted, because None is not a legal property value.


def _props(record: Any, skip: tuple[str, ...] = ("id",)) -> Props:
    out: Props = {}
    for name in record.__dataclass_fields__:
        if name in skip:
            continue
        value = getattr(record, name)
        if value is None:
            continue
        out[name] = list(value) if isinstance(value, tuple) else value
    return out


class _Record:
    LABEL = ""

    def to_node(self) -> Node:
        return Node(self.LABEL, self.id, _props(self))  # type: ignore[attr-defined]


@dataclass
class IncidentNode(_Record):
    LABEL = "Incident"
    id: NodeId
    incident: str
    title: str
    region: str | None = None
    started_at: str | None = None


@dataclass
class SourceNode(_Record):
    LABEL = "Source"
    id: NodeId
    incident: str
    content_hash: str
    title: str
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    author: str | None = None
    words: int = 0
    warnings: list[str] = field(default_factory=list)
    text: str | None = None  # the cleaned article text every offset refers to: what re-extraction reads
    order: int | None = None  # its place among the incident's Sources, in the order they were ingested


@dataclass
class MentionNode(_Record):
    """A sentence of a source; ``quote`` is the span inside it that supports the claim, node or edge."""

    LABEL = "Mention"
    id: NodeId
    incident: str
    source: NodeId
    sentence: str
    start: int
    end: int
    quote: str


@dataclass
class ComponentNode(_Record):
    LABEL = "Component"
    id: NodeId
    incident: str
    slug: str
    name: str
    kind: str = "service"
    aliases: list[str] = field(default_factory=list)
    evidence: list[NodeId] = field(default_factory=list)
    sources: list[NodeId] = field(default_factory=list)


@dataclass
class EventNode(_Record):
    LABEL = "Event"
    id: NodeId
    incident: str
    summary: str
    kind: str = "condition"
    at: str | None = None
    until: str | None = None
    precision: str | None = None
    components: list[NodeId] = field(default_factory=list)
    evidence: list[NodeId] = field(default_factory=list)
    sources: list[NodeId] = field(default_factory=list)


@dataclass
class TimePointNode(_Record):
    LABEL = "TimePoint"
    id: NodeId
    incident: str
    utc: str
    raw: str
    precision: str = "minute"
    evidence: list[NodeId] = field(default_factory=list)
    sources: list[NodeId] = field(default_factory=list)


@dataclass
class ClaimNode(_Record):
    LABEL = "Claim"
    id: NodeId
    incident: str
    kind: str
    text: str
    source: NodeId
    value: str | None = None
    evidence: list[NodeId] = field(default_factory=list)


@dataclass
class ModelElementNode(_Record):
    LABEL = "ModelElement"
    id: NodeId
    incident: str
    element: str
    kind: str
    name: str
    aliases: list[str] = field(default_factory=list)


def edge(type_: str, source: NodeId, target: NodeId, incident: str, **props: Any) -> Edge:
    """Build an Edge, dropping None-valued properties.

    >>> edge("CAUSES", "i:e:a", "i:e:b", "i", cue="led to", confidence=0.8).props["cue"]
    'led to'
    """
    clean = {k: (list(v) if isinstance(v, tuple) else v) for k, v in props.items() if v is not None}
    return Edge(type_, source, target, {"incident": incident, **clean})


@dataclass
class Extraction:
    """Everything one article yields for one incident, ready for ``graph.build``.

    ``nodes`` and ``edges`` are already schema-valid; ``warnings`` say what was
    skipped and why (for instance "no incident content found").
    """

    incident_id: str
    source: SourceNode
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for node in self.nodes:
            out[node.label] = out.get(node.label, 0) + 1
        for rel in self.edges:
            out[rel.type] = out.get(rel.type, 0) + 1
        return out
