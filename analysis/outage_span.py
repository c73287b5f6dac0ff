"""When the outage started and ended, and how long it ran, from the timeline's events and start claims.

The start is the earliest minute-precise time of a failure, symptom or impact (an
event's own time, or a bare time point whose sentence tells one), or the time a
``started_at`` claim names. The end is the latest minute-precise time of a
recovery, mitigation or impact. A time told only to the day is a band over that
day and never a start or an end: "on 20 October" does not mean 00:00. With no
such event the span runs from the first to the last minute-precise time told.

>>> from analysis.findings import TimelineEvent
>>> events = [TimelineEvent("d", "outage day", "2025-10-20T00:00:00Z", "day", "failure"),
...           TimelineEvent("f", "DNS fails", "2025-10-20T06:48:00Z", "minute", "symptom"),
...           TimelineEvent("r", "all healthy", "2025-10-20T20:50:00Z", "minute", "recovery")]
>>> span = outage_span(nx.MultiDiGraph(), events)
>>> (span.start.at, span.end.at, span.minutes)
('2025-10-20T06:48:00Z', '2025-10-20T20:50:00Z', 842)
"""

from __future__ import annotations

from datetime import datetime

import networkx as nx

from analysis.findings import OutageSpan, TimeBound, TimelineEvent
from graph.schema import NodeId

START_KINDS = frozenset({"failure", "symptom", "impact"})
END_KINDS = frozenset({"recovery", "mitigation", "impact"})
EXACT = frozenset({"minute", "second"})
# (time, ids it comes from, kinds of the events told at that time)
_Stamp = tuple[str, tuple[NodeId, ...], frozenset[str]]


def outage_span(graph: nx.MultiDiGraph, events: list[TimelineEvent]) -> OutageSpan:
    """The outage's start and end (UTC, with the ids they come from) and its length in minutes."""
    stamps = [_stamp(graph, e) for e in events if e.precision in EXACT]
    claimed = _start_claims(graph)
    start = _bound([s for s in stamps if s[2] & START_KINDS] + claimed, earliest=True) \
        or _bound(stamps, earliest=True)
    end = _bound([s for s in stamps if s[2] & END_KINDS], earliest=False) or _bound(stamps, earliest=False)
    if start and end and end.at < start.at:
        end = None
    minutes = _minutes(start.at, end.at) if start and end else None
    return OutageSpan(start, end, minutes)


def _stamp(graph: nx.MultiDiGraph, event: TimelineEvent) -> _Stamp:
    """An event's time and kind; a bare time point counts as the events its sentence tells (``told``)."""
    told = tuple(getattr(event, "told", ()) or ())
    if event.kind == "time":
        return event.at, (event.id, *told), frozenset(str(graph.nodes[t].get("kind", "")) for t in told)
    return event.at, (event.id,), frozenset({event.kind})


def _start_claims(graph: nx.MultiDiGraph) -> list[_Stamp]:
    """Times sources name as the start, told to the minute, with the claim and the events at that time."""
    from analysis.timeline import utc  # timeline imports this module

    out: list[_Stamp] = []
    for node, attrs in graph.nodes(data=True):
        value = str(attrs.get("value") or "").split(";")[0]
        if attrs.get("label") != "Claim" or attrs.get("kind") != "started_at" or "T" not in value or not utc(value):
            continue
        about = [v for _, v, key in graph.out_edges(node, keys=True) if key == "ABOUT"]
        anchored = [e for point in about for e, _, key in graph.in_edges(point, keys=True)
                    if key == "AT" and graph.nodes[e].get("label") == "Event"]
        about_events = [v for v in about if graph.nodes[v].get("label") == "Event"]
        out.append((utc(value), tuple(dict.fromkeys([node, *about_events, *anchored])), frozenset({"started_at"})))
    return out


def _bound(stamps: list[_Stamp], *, earliest: bool) -> TimeBound | None:
    if not stamps:
        return None
    at = min(s[0] for s in stamps) if earliest else max(s[0] for s in stamps)
    ids = [i for s in stamps if s[0] == at for i in s[1]]
    return TimeBound(at, sorted(dict.fromkeys(ids)))


def _minutes(start: str, end: str) -> int:
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    return round((datetime.strptime(end, fmt) - datetime.strptime(start, fmt)).total_seconds() / 60)
