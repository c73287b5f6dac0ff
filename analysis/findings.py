"""The records every analysis answer is made of; each has ``to_dict()`` giving the JSON the API returns.

>>> Evidence("Ars", "i:src:1", "led to", "X led to Y.", "i:m:1").to_dict()
{'source': 'Ars', 'source_id': 'i:src:1', 'quote': 'led to', 'sentence': 'X led to Y.'}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graph.schema import NodeId


def _dicts(items: list[Any]) -> list[dict[str, Any]]:
    return [item.to_dict() for item in items]


@dataclass(frozen=True)
class Evidence:
    """One supporting quote: the source's title and id, the quote and the whole sentence around it."""

    source: str
    source_id: NodeId
    quote: str
    sentence: str
    mention_id: NodeId

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "source_id": self.source_id, "quote": self.quote, "sentence": self.sentence}


@dataclass(frozen=True)
class RoleAssignment:
    """The role one Event plays in its incident, how sure we are (0..1) and why."""

    role: str
    confidence: float
    reason: str
    notes: tuple[str, ...] = ()


@dataclass
class Finding:
    """A node with the role it plays, its confidence, evidence, the reason and any notes (e.g. disagreements)."""

    id: NodeId
    label: str
    kind: str
    role: str
    confidence: float
    evidence: list[Evidence] = field(default_factory=list)
    reason: str = ""
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "kind": self.kind, "role": self.role,
                "confidence": self.confidence, "evidence": _dicts(self.evidence), "reason": self.reason,
                "notes": list(self.notes)}


@dataclass
class OpenQuestion:
    """Something the sources leave unexplained, phrased as a question."""

    id: NodeId
    label: str
    question: str
    reason: str
    evidence: list[Evidence] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "question": self.question, "reason": self.reason,
                "evidence": _dicts(self.evidence)}


@dataclass
class Disagreement:
    """Where the causal structure and the sources' explicit claims give a node different roles."""

    id: NodeId
    label: str
    structural_role: str
    claimed_role: str
    note: str
    evidence: list[Evidence] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "structural_role": self.structural_role,
                "claimed_role": self.claimed_role, "note": self.note, "evidence": _dicts(self.evidence)}


@dataclass
class Cycle:
    """A causal cycle (each event causes the next, the last causes the first)."""

    nodes: list[NodeId]
    labels: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {"nodes": list(self.nodes), "labels": list(self.labels)}


@dataclass
class RootCauseReport:
    """Every event of an incident sorted into its role, plus open questions, cycles and disagreements."""

    root_causes: list[Finding] = field(default_factory=list)
    triggers: list[Finding] = field(default_factory=list)
    contributing_factors: list[Finding] = field(default_factory=list)
    first_symptoms: list[Finding] = field(default_factory=list)
    symptoms: list[Finding] = field(default_factory=list)
    impacts: list[Finding] = field(default_factory=list)
    recoveries: list[Finding] = field(default_factory=list)
    mitigations: list[Finding] = field(default_factory=list)
    open_questions: list[OpenQuestion] = field(default_factory=list)
    cycles: list[Cycle] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {name: _dicts(getattr(self, name)) for name in self.__dataclass_fields__}


@dataclass
class Alternative:
    """Another node the query could have meant, with its role and match score."""

    id: NodeId
    label: str
    role: str | None
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "role": self.role, "score": self.score}


@dataclass
class Verdict:
    """The answer to "was X the root cause?": the node X resolved to, its role, why, and other candidates."""

    query: str
    node: dict[str, Any]
    role: str
    reason: str
    evidence: list[Evidence] = field(default_factory=list)
    alternatives: list[Alternative] = field(default_factory=list)
    confidence: float = 0.0

    @property
    def is_root_cause(self) -> bool:
        return self.role == "root_cause"

    def to_dict(self) -> dict[str, Any]:
        return {"query": self.query, "node": dict(self.node), "role": self.role, "reason": self.reason,
                "confidence": self.confidence, "evidence": _dicts(self.evidence),
                "alternatives": _dicts(self.alternatives), "is_root_cause": self.is_root_cause}


@dataclass
class ChainStep:
    """One event on a causal chain; ``cue`` and ``confidence`` belong to the edge that led into it."""

    id: NodeId
    label: str
    role: str | None
    cue: str | None
    confidence: float | None
    evidence: list[Evidence] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "role": self.role, "cue": self.cue,
                "confidence": self.confidence, "evidence": _dicts(self.evidence)}


@dataclass
class Chain:
    """A causal path, first step the deepest known cause, last step the node asked about."""

    steps: list[ChainStep] = field(default_factory=list)

    @property
    def ids(self) -> list[NodeId]:
        return [step.id for step in self.steps]

    def to_dict(self) -> dict[str, Any]:
        return {"steps": _dicts(self.steps)}


@dataclass
class WhyReport:
    """Every causal chain (up to a cap) from the root causes and triggers to one node."""

    node: dict[str, Any]
    chains: list[Chain] = field(default_factory=list)
    capped: bool = False
    limit: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"node": dict(self.node), "chains": _dicts(self.chains), "capped": self.capped, "limit": self.limit}


@dataclass
class AffectedComponent:
    """A component hit by the incident, with the path (event ... component) that explains why."""

    id: NodeId
    label: str
    kind: str
    path: list[NodeId]
    path_labels: list[str]
    via: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "kind": self.kind, "path": list(self.path),
                "path_labels": list(self.path_labels), "via": self.via}


@dataclass
class BlastRadius:
    """Every affected component, directly (AFFECTS) or through a dependency (DEPENDS_ON)."""

    components: list[AffectedComponent] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"components": _dicts(self.components)}


@dataclass
class ClaimView:
    """One side of a conflict: a claim's text, its source and its normalised value."""

    id: NodeId
    text: str
    source: str
    source_id: NodeId | None
    value: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "source": self.source, "source_id": self.source_id,
                "value": self.value}


@dataclass
class Conflict:
    """Claims that cannot all be true, which one is more likely right (claim id or None) and why."""

    about: str
    kind: str
    claims: list[ClaimView]
    likely: NodeId | None
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"about": self.about, "kind": self.kind, "claims": _dicts(self.claims), "likely": self.likely,
                "reason": self.reason}


@dataclass
class ConflictReport:
    """Every conflict between sources in one incident."""

    conflicts: list[Conflict] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"conflicts": _dicts(self.conflicts)}


@dataclass
class TimelineEvent:
    """An event (or bare time point) placed in time, with its sources and evidence."""

    id: NodeId
    label: str
    at: str
    precision: str
    kind: str
    role: str | None = None
    sources: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    band: tuple[str, str] | None = None  # (from, to) in UTC when told only to the day or month: not a moment

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "label": self.label, "at": self.at, "precision": self.precision,
                               "kind": self.kind}
        if self.band is not None:
            out["band"] = {"from": self.band[0], "to": self.band[1]}
        if self.role is not None:
            out["role"] = self.role
        out["sources"] = list(self.sources)
        out["evidence"] = _dicts(self.evidence)
        return out


@dataclass
class Duration:
    """Time between two milestones, in minutes and as text ("2 h 37 min")."""

    start: NodeId
    end: NodeId
    start_label: str
    end_label: str
    minutes: int

    @property
    def text(self) -> str:
        hours, minutes = divmod(self.minutes, 60)
        if not hours:
            return f"{minutes} min"
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"

    def to_dict(self) -> dict[str, Any]:
        return {"from": self.start, "to": self.end, "from_label": self.start_label, "to_label": self.end_label,
                "minutes": self.minutes, "text": self.text}


@dataclass
class TimeBound:
    """The outage's start or end: a UTC time and the events (or claims, time points) it comes from."""

    at: str
    ids: list[NodeId] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"at": self.at, "ids": list(self.ids)}


@dataclass
class OutageSpan:
    """When the outage started and ended (None where no time is told to the minute) and its length in minutes."""

    start: TimeBound | None = None
    end: TimeBound | None = None
    minutes: int | None = None

    @property
    def text(self) -> str | None:
        """The length as "14 h 2 min", or None when either end is unknown."""
        return None if self.minutes is None else Duration("", "", "", "", self.minutes).text


@dataclass
class Timeline:
    """Timed events in order, when the outage started and ended, durations between milestones, and clock times
    that disagree."""

    events: list[TimelineEvent] = field(default_factory=list)
    durations: list[Duration] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    span: OutageSpan = field(default_factory=OutageSpan)

    def to_dict(self) -> dict[str, Any]:
        return {"events": _dicts(self.events), "durations": _dicts(self.durations),
                "conflicts": _dicts(self.conflicts),
                "start": self.span.start.to_dict() if self.span.start else None,
                "end": self.span.end.to_dict() if self.span.end else None,
                "duration_minutes": self.span.minutes, "duration_text": self.span.text}
