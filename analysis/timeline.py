"""The incident's timeline: timed events in UTC order, durations between milestones, and clock disagreements.

An event's time is its own ``at`` when set, else the time of the TimePoint it is
AT that the most sources support (ties: the earliest). TimePoints no event is AT
appear as milestones of kind ``time``, labelled by what their sentence says (see
``milestone_label``) and keeping the time as written in ``raw``. A time told only
to the day (or month) carries a ``band`` over that day: it is not a moment at 00:00.
The outage's start and end come from ``outage_span``; durations run from that start
to each timed recovery and to the end, and from an event's ``at`` to its ``until``. Two times for
the same event (its ``at``, its TimePoints, ``time``/``started_at`` claims about
it) that differ at the coarser of their precisions are a conflict.

>>> utc("2025-10-19T23:48:00-07:00")
'2025-10-20T06:48:00Z'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import networkx as nx

from analysis.evidence import node_evidence
from analysis.findings import ClaimView, Conflict, Duration, TimeBound, Timeline, TimelineEvent
from analysis.node_view import node_label
from analysis.outage_span import outage_span
from analysis.roles import assign_roles
from graph.schema import NodeId

_PRECISION_CHARS = {"month": 7, "day": 10, "hour": 13, "minute": 16, "second": 19}
TIME_CLAIM_KINDS = frozenset({"time", "started_at"})
LABEL_CHARS = 60  # a milestone label is cut near this length, at a word boundary
# (source, sentence) -> ((quote start, place in the sentence, inside brackets?), event) of every Event evidence Mention
SentenceEvents = dict[tuple[str, str], list[tuple[tuple[int, int, bool], NodeId]]]


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
                                        _titles(graph, attrs.get("sources") or []), node_evidence(graph, node),
                                        band(chosen.at, chosen.precision)))
        conflict = _clock_conflict(graph, node, told, chosen)
        if conflict:
            out.conflicts.append(conflict)
    out.events += _bare_points(graph, at_linked)
    out.events.sort(key=lambda e: (e.at, e.kind == "time", e.id))
    out.span = outage_span(graph, out.events)
    out.durations = durations(graph, out.events, out.span.start)
    return out


def band(at: str, precision: str) -> tuple[str, str] | None:
    """The UTC interval a time told only to the day or month covers, or None for a time told to the hour or finer.

    >>> band("2025-10-20T00:00:00Z", "day")
    ('2025-10-20T00:00:00Z', '2025-10-21T00:00:00Z')
    >>> band("2025-12-01T00:00:00Z", "month")
    ('2025-12-01T00:00:00Z', '2026-01-01T00:00:00Z')
    >>> band("2025-10-20T06:48:00Z", "minute") is None
    True
    """
    start = datetime.strptime(at, "%Y-%m-%dT%H:%M:%SZ")
    if precision == "day":
        end = start + timedelta(days=1)
    elif precision == "month":
        end = (start.replace(day=1) + timedelta(days=32)).replace(day=1)
    else:
        return None
    return at, end.strftime("%Y-%m-%dT%H:%M:%SZ")


def _titles(graph: nx.MultiDiGraph, sources: list[str]) -> list[str]:
    return [str(graph.nodes[s].get("title") or s) if s in graph else s for s in sources]


@dataclass
class TimeMilestone(TimelineEvent):
    """A TimePoint no event is AT, on the timeline: ``label`` says what happened, ``raw`` the time as written,
    ``told`` the events its sentence tells (most upstream first) and ``also`` the labels after the first."""

    raw: str = ""
    told: list[NodeId] = field(default_factory=list)
    also: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "raw": self.raw, "told": list(self.told), "also": list(self.also)}


def _bare_points(graph: nx.MultiDiGraph, linked: set[NodeId]) -> list[TimelineEvent]:
    """TimePoints no event is AT, as TimeMilestones labelled by ``milestone_label``."""
    told = _events_by_sentence(graph)
    bare: list[TimelineEvent] = []
    for node, attrs in graph.nodes(data=True):
        if attrs.get("label") != "TimePoint" or node in linked or not utc(attrs.get("utc") or ""):
            continue
        raw, at = str(attrs.get("raw") or attrs["utc"]), utc(attrs["utc"])
        precision = str(attrs.get("precision") or "minute")
        events = milestone_events(graph, node, told)
        labels = list(dict.fromkeys(node_label(graph, e) for e in events))
        label = labels[0] if labels else _cut(_first_sentence(graph, node)) or raw
        bare.append(TimeMilestone(node, label, at, precision, "time", None,
                                  _titles(graph, attrs.get("sources") or []), node_evidence(graph, node),
                                  band(at, precision), raw, events, labels[1:]))
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
                place = said["sentence"].find(str(said.get("quote") or ""))
                where = (int(said.get("start", 0)), place, in_brackets(said["sentence"], place))
                out.setdefault((str(said.get("source")), said["sentence"]), []).append((where, node))
    return {key: sorted(found) for key, found in out.items()}


def milestone_label(graph: nx.MultiDiGraph, point: NodeId, told: SentenceEvents) -> str | None:
    """What happened at TimePoint ``point``: the most upstream event its sentence tells, else that sentence cut to
    about LABEL_CHARS, or None if no Mention tells it. ``told`` is ``_events_by_sentence(graph)``."""
    events = milestone_events(graph, point, told)
    if events:
        return node_label(graph, events[0])
    sentence = _first_sentence(graph, point)
    return _cut(sentence) if sentence else None


def milestone_events(graph: nx.MultiDiGraph, point: NodeId, told: SentenceEvents) -> list[NodeId]:
    """The events mentioned in the first evidence sentence of ``point`` that mentions any, most upstream first.

    An event the sentence mentions only inside brackets is an aside, not what happened at that time ("At 1:50 PM
    [14 hours after the outage started], all EC2 APIs were operating normally" tells the recovery, not the
    outage): it counts only when the sentence tells nothing else. An event is more upstream the fewer of the
    others it has among its causes (``CAUSES`` ancestors); ties keep text order.
    """
    for mention in graph.nodes[point].get("evidence") or []:
        said = graph.nodes[mention] if mention in graph else {}
        if not said.get("sentence"):
            continue
        found = told.get((str(said.get("source")), said["sentence"]), [])
        main = {e for (_, _, aside), e in found if not aside}
        events = list(dict.fromkeys(e for _, e in found if e in main or not main))
        if events:
            causes = nx.subgraph_view(graph, filter_edge=lambda u, v, k: k == "CAUSES")
            upstream = {e: len(nx.ancestors(causes, e) & set(events)) for e in events}
            return sorted(events, key=lambda e: upstream[e])  # stable: text order among equals
    return []


def in_brackets(sentence: str, place: int) -> bool:
    """Whether character ``place`` of ``sentence`` lies inside (round or square) brackets; -1 (not found) does not.

    >>> in_brackets("At 1:50 PM [14 hours after the outage started], all APIs worked", 27)
    True
    >>> in_brackets("At 1:50 PM [14 hours after the outage started], all APIs worked", 50)
    False
    """
    depth = 0
    for char in sentence[:max(place, 0)]:
        depth += (char in "([") - (char in ")]" and depth > 0)
    return depth > 0


def _first_sentence(graph: nx.MultiDiGraph, point: NodeId) -> str:
    for mention in graph.nodes[point].get("evidence") or []:
        if mention in graph and graph.nodes[mention].get("sentence"):
            return str(graph.nodes[mention]["sentence"])
    return ""


def _cut(text: str) -> str:
    """``text`` on one line, cut at the last word boundary before LABEL_CHARS with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= LABEL_CHARS:
        return text
    return text[:LABEL_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _minutes(start: str, end: str) -> int:
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    return round((datetime.strptime(end, fmt) - datetime.strptime(start, fmt)).total_seconds() / 60)


def durations(graph: nx.MultiDiGraph, events: list[TimelineEvent], start: TimeBound | None) -> list[Duration]:
    """From the outage's ``start`` to each later recovery and to the last time told; and each ``at`` → ``until``.

    Only times told to the minute count: a day-precision date would put a milestone at midnight.
    """
    exact = [e for e in events if e.precision in ("minute", "second")]
    out = []
    if exact and start:
        first = next((e for e in exact if e.at == start.at and e.id in start.ids), None) \
            or next((e for e in exact if e.at == start.at), None)
        label = first.label if first else "start"
        origin = first.id if first else start.ids[0]
        ends = [e for e in exact if e.kind == "recovery" and e.at > start.at]
        if exact[-1].at > start.at and all(e.at < exact[-1].at for e in ends):
            ends.append(exact[-1])
        out += [Duration(origin, e.id, label, e.label, _minutes(start.at, e.at)) for e in ends]
    for event in events:
        until = utc(graph.nodes[event.id].get("until") or "") if event.kind != "time" else None
        if until and until > event.at:
            out.append(Duration(event.id, event.id, event.label, f"end of {event.label}", _minutes(event.at, until)))
    return out
