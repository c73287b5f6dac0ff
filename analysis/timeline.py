"""The incident's timeline: timed events in UTC order, durations between milestones, and clock disagreements.

An event's time is its own ``at`` when set, else the time of the TimePoint it is
AT that the most sources support (ties: the earliest). TimePoints no event is AT
appear as milestones of kind ``time``, labelled by what their sentence says (see
``milestone_label``) and keeping the time as written in ``raw``. Durations run from the first time told to the
minute to each timed recovery and to the last time told, and from an event's
``at`` to its ``until``. Two times for
the same event (its ``at``, its TimePoints, ``time``/``started_at`` claims about
it) that differ at the coarser of their precisions are a conflict.

>>> utc("2025-10-19T23:48:00-07:00")
'2025-10-20T06:48:00Z'
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import networkx as nx

from analysis.evidence import node_evidence
from analysis.findings import ClaimView, Conflict, Duration, Timeline, TimelineEvent
from analysis.graph_payload import node_label
from analysis.roles import assign_roles
from graph.schema import NodeId

_PRECISION_CHARS = {"month": 7, "day": 10, "hour": 13, "minute": 16, "second": 19}
TIME_CLAIM_KINDS = frozenset({"time", "started_at"})
LABEL_CHARS = 60  # a milestone label is cut near this length, at a word boundary
# (source, sentence) -> ((quote start, place in the sentence), event) of every Event evidence Mention
SentenceEvents = dict[tuple[str, str], list[tuple[tuple[int, int], NodeId]]]


def utc(value: str) -> str | None:
    """``value`` (ISO date or time) as UTC ISO-8601 with 'Z', or None if it is not a time."""
    text = str(value).split(";")[0].strip().replace("Z", "+00:00")  # ingest may append ";local=..." notes
    if len(text) == 7:  # "YYYY-MM": a month
        text += "-01"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class _Told:
    """One account of when an event happened."""

    id: NodeId
    at: str
    precision: str
    text: str
    sources: tuple[str, ...]


def _tellings(graph: nx.MultiDiGraph, event: NodeId) -> list[_Told]:
    attrs = graph.nodes[event]
    told = []
    if attrs.get("at") and utc(attrs["at"]):
        told.append(_Told(event, utc(attrs["at"]), str(attrs.get("precision") or "minute"), str(attrs["at"]),
                          tuple(attrs.get("sources") or ())))
    for _, point, key in graph.out_edges(event, keys=True):
        tp = graph.nodes[point]
        if key == "AT" and tp.get("utc") and utc(tp["utc"]):
            told.append(_Told(point, utc(tp["utc"]), str(tp.get("precision") or "minute"),
                              str(tp.get("raw") or tp["utc"]), tuple(tp.get("sources") or ())))
    for claim, _, key in graph.in_edges(event, keys=True):
        ca = graph.nodes[claim]
        if key == "ABOUT" and ca.get("label") == "Claim" and ca.get("kind") in TIME_CLAIM_KINDS \
                and ca.get("value") and utc(ca["value"]):
            told.append(_Told(claim, utc(ca["value"]), str(ca.get("precision") or "minute"),
                              str(ca.get("text") or ca["value"]), (str(ca.get("source") or ""),)))
    return told


def _chosen(event: NodeId, told: list[_Told]) -> _Told:
    """The event's own ``at`` if set (the graph builder already weighed the sources), else the best supported."""
    own = [t for t in told if t.id == event]
    return own[0] if own else min(told, key=lambda t: (-len(set(t.sources)), t.at, t.id))


def _same(a: _Told, b: _Told) -> bool:
    chars = min(_PRECISION_CHARS.get(a.precision, 16), _PRECISION_CHARS.get(b.precision, 16))
    return a.at[:chars] == b.at[:chars]


def _clock_conflict(graph: nx.MultiDiGraph, event: NodeId, told: list[_Told], chosen: _Told) -> Conflict | None:
    differing = [t for t in told if not _same(t, chosen)]
    if not differing:
        return None
    claims = [ClaimView(t.id, t.text, _source_titles(graph, t.sources), t.sources[0] if t.sources else None, t.at)
              for t in [chosen, *differing]]
    why = ("the event's own time" if chosen.id == event
           else f"supported by {len(set(chosen.sources))} source(s), more than any other time")
    return Conflict(node_label(graph, event), "time", claims, chosen.id, why)


def _source_titles(graph: nx.MultiDiGraph, sources: tuple[str, ...]) -> str:
    return ", ".join(str(graph.nodes[s].get("title") or s) if s in graph else s for s in sources if s)


def timeline(graph: nx.MultiDiGraph) -> Timeline:
    """Every timed event and bare TimePoint in UTC order, with durations and clock conflicts."""
    roles = assign_roles(graph)
    out = Timeline()
    at_linked: set[NodeId] = set()
    for node in roles:
        told = _tellings(graph, node)
        at_linked |= {t.id for t in told}
        if not told:
            continue
        chosen = _chosen(node, told)
        attrs = graph.nodes[node]
        out.events.append(TimelineEvent(node, node_label(graph, node), chosen.at, chosen.precision,
                                        str(attrs.get("kind", "")), roles[node].role,
                                        _titles(graph, attrs.get("sources") or []), node_evidence(graph, node)))
        conflict = _clock_conflict(graph, node, told, chosen)
        if conflict:
            out.conflicts.append(conflict)
    out.events += _bare_points(graph, at_linked)
    out.events.sort(key=lambda e: (e.at, e.kind == "time", e.id))
    out.durations = durations(graph, out.events)
    return out


def _titles(graph: nx.MultiDiGraph, sources: list[str]) -> list[str]:
    return [str(graph.nodes[s].get("title") or s) if s in graph else s for s in sources]


@dataclass
class TimeMilestone(TimelineEvent):
    """A TimePoint no event is AT, on the timeline: ``label`` says what happened, ``raw`` the time as written."""

    raw: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "raw": self.raw}


def _bare_points(graph: nx.MultiDiGraph, linked: set[NodeId]) -> list[TimelineEvent]:
    """TimePoints no event is AT, as TimeMilestones labelled by ``milestone_label``."""
    told = _events_by_sentence(graph)
    bare: list[TimelineEvent] = []
    for node, attrs in graph.nodes(data=True):
        if attrs.get("label") != "TimePoint" or node in linked or not utc(attrs.get("utc") or ""):
            continue
        raw = str(attrs.get("raw") or attrs["utc"])
        bare.append(TimeMilestone(node, milestone_label(graph, node, told) or raw, utc(attrs["utc"]),
                                  str(attrs.get("precision") or "minute"), "time", None,
                                  _titles(graph, attrs.get("sources") or []), node_evidence(graph, node), raw))
    return bare


def _events_by_sentence(graph: nx.MultiDiGraph) -> SentenceEvents:
    """Where each event is mentioned, by sentence, in text order."""
    out: SentenceEvents = {}
    for node, attrs in graph.nodes(data=True):
        if attrs.get("label") != "Event":
            continue
        for mention in attrs.get("evidence") or []:
            said = graph.nodes[mention] if mention in graph else {}
            if said.get("sentence"):
                where = (int(said.get("start", 0)), said["sentence"].find(str(said.get("quote") or "")))
                out.setdefault((str(said.get("source")), said["sentence"]), []).append((where, node))
    return {key: sorted(found) for key, found in out.items()}


def milestone_label(graph: nx.MultiDiGraph, point: NodeId, told: SentenceEvents) -> str | None:
    """What the sentence telling TimePoint ``point`` says happened then, or None if no Mention tells it.

    The events mentioned in the first of its evidence sentences that mentions any (in text
    order, as many as fit in about LABEL_CHARS), else that sentence cut to about LABEL_CHARS.
    ``told`` is ``_events_by_sentence(graph)``.
    """
    sentences = [graph.nodes[m] for m in graph.nodes[point].get("evidence") or []
                 if m in graph and graph.nodes[m].get("sentence")]
    for said in sentences:
        events = list(dict.fromkeys(e for _, e in told.get((str(said.get("source")), said["sentence"]), [])))
        if events:
            return _joined(list(dict.fromkeys(node_label(graph, e) for e in events)))
    return _cut(sentences[0]["sentence"]) if sentences else None


def _joined(labels: list[str]) -> str:
    """The first label, then as many of the next as keep the whole within LABEL_CHARS."""
    text = labels[0]
    for label in labels[1:]:
        if len(text) + 2 + len(label) > LABEL_CHARS:
            break
        text += ", " + label
    return text


def _cut(text: str) -> str:
    """``text`` on one line, cut at the last word boundary before LABEL_CHARS with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= LABEL_CHARS:
        return text
    return text[:LABEL_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _minutes(start: str, end: str) -> int:
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    return round((datetime.strptime(end, fmt) - datetime.strptime(start, fmt)).total_seconds() / 60)


def durations(graph: nx.MultiDiGraph, events: list[TimelineEvent]) -> list[Duration]:
    """From the start to each later recovery and to the last time told; and each event's ``at`` → ``until``.

    The start is the earliest time told to the minute (a day-precision date would put it at midnight).
    """
    exact = [e for e in events if e.precision in ("minute", "second")]
    out = []
    if exact:
        first = exact[0]
        ends = [e for e in exact[1:] if e.kind == "recovery" and e.at > first.at]
        if exact[-1].at > first.at and all(e.at < exact[-1].at for e in ends):
            ends.append(exact[-1])
        out += [Duration(first.id, e.id, first.label, e.label, _minutes(first.at, e.at)) for e in ends]
    for event in events:
        until = utc(graph.nodes[event.id].get("until") or "") if event.kind != "time" else None
        if until and until > event.at:
            out.append(Duration(event.id, event.id, event.label, f"end of {event.label}", _minutes(event.at, until)))
    return out
