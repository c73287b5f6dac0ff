"""The tables of a postmortem review, as pandas DataFrames built from the analysis answers' ``to_dict()``.

Each ``*_table`` function takes the answer (a plain dict, as the API returns it)
and returns a DataFrame with fixed, human-readable columns, so every renderer
(Markdown, HTML, CSV, JSON) shows the same thing. ``local_clock`` finds the
local zone the articles wrote their times in, from the graph's TimePoints.

>>> timeline_table({"events": [{"id": "e1", "label": "DNS fails", "at": "2025-10-20T06:48:00Z", "kind": "symptom"},
...                            {"id": "e2", "label": "recovered", "at": "2025-10-20T09:25:00Z", "kind": "recovery"}],
...                 "start": {"at": "2025-10-20T06:48:00Z", "ids": ["e1"]}},
...                LocalClock("PDT", -420)).to_dict("records")[1]
{'UTC': '2025-10-20 09:25', 'Local': '2025-10-20 02:25 PDT', 'Milestone': 'recovered', 'Role': 'recovery', 'Since start': '2 h 37 min', 'Sources': ''}
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import networkx as nx
import pandas as pd

from analysis.causal import why_chains

Answer = dict[str, Any]
ROLE_GROUPS: tuple[tuple[str, str], ...] = (
    ("root_causes", "root cause"), ("triggers", "trigger"), ("contributing_factors", "contributing factor"),
    ("first_symptoms", "first symptom"), ("symptoms", "symptom"), ("impacts", "impact"),
    ("recoveries", "recovery"), ("mitigations", "mitigation"),
)
# A clock time as written, then its zone abbreviation: "11:48 PM PDT", "2:25 a.m. EDT", "23:48 CEST".
_CLOCK_RE = re.compile(r"\b(\d{1,2})(?::(\d{2}))?\s*(?:([ap])\.?\s?m\.?)?\s+\(?([A-Z]{2,5})\b", re.IGNORECASE)
_UTC_NAMES = frozenset({"UTC", "GMT", "Z", "UT"})


@dataclass(frozen=True)
class LocalClock:
    """The zone the articles wrote times in: its abbreviation and its offset from UTC in minutes (east positive)."""

    zone: str | None
    offset_minutes: int | None

    def to_dict(self) -> dict[str, Any]:
        return {"zone": self.zone, "offset_minutes": self.offset_minutes}

    def local(self, utc: datetime) -> str:
        """``utc`` written in this zone ("2025-10-19 23:48 PDT"), or "" when no zone is known."""
        if self.zone is None or self.offset_minutes is None:
            return ""
        return f"{(utc + timedelta(minutes=self.offset_minutes)):%Y-%m-%d %H:%M} {self.zone}"


def _clock_offset(raw: str, utc: datetime) -> tuple[str, int] | None:
    match = _CLOCK_RE.search(raw)
    if not match or match.group(4).upper() in _UTC_NAMES or match.group(4).upper() in ("AM", "PM"):
        return None
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), (match.group(3) or "").lower()
    if half:
        hour = hour % 12 + (12 if half == "p" else 0)
    if hour > 23 or minute > 59:
        return None
    offset = (hour * 60 + minute - (utc.hour * 60 + utc.minute)) % 1440
    return match.group(4).upper(), offset - 1440 if offset > 840 else offset


def local_clock(graph: nx.MultiDiGraph) -> LocalClock:
    """The most common (zone, offset) among TimePoints whose raw text names a non-UTC zone.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("t1", label="TimePoint", raw="11:48 PM PDT on October 19", utc="2025-10-20T06:48:00Z")
    >>> g.add_node("t2", label="TimePoint", raw="7:48 AM UTC", utc="2025-10-20T07:48:00Z")
    >>> local_clock(g)
    LocalClock(zone='PDT', offset_minutes=-420)
    >>> local_clock(nx.MultiDiGraph())
    LocalClock(zone=None, offset_minutes=None)
    """
    seen: Counter[tuple[str, int]] = Counter()
    for _, attrs in graph.nodes(data=True):
        if attrs.get("label") != "TimePoint" or not attrs.get("raw") or not attrs.get("utc"):
            continue
        utc = parse_utc(str(attrs["utc"]))
        found = _clock_offset(str(attrs["raw"]), utc) if utc else None
        if found:
            seen[found] += 1
    if not seen:
        return LocalClock(None, None)
    (zone, offset), _ = max(seen.items(), key=lambda item: (item[1], item[0]))
    return LocalClock(zone, offset)


def parse_utc(text: str) -> datetime | None:
    """An ISO-8601 UTC time ("2025-10-20T06:48:00Z") as a datetime, or None if it is not one."""
    try:
        return datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None


def span_text(minutes: float) -> str:
    """Minutes as "2 h 37 min" / "45 min" / "3 h".

    >>> span_text(157), span_text(45), span_text(180)
    ('2 h 37 min', '45 min', '3 h')
    """
    hours, rest = divmod(round(minutes), 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def quotes(evidence: list[Answer], limit: int = 2) -> str:
    """The first ``limit`` evidence quotes, each with its source: '"quote" (Source)'."""
    return " / ".join(f"\u201c{e.get('quote', '')}\u201d ({e.get('source', '')})" for e in evidence[:limit])


def sources_table(graph: nx.MultiDiGraph) -> pd.DataFrame:
    """The articles behind an incident: title, outlet, published date, URL and length, in title order.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("i:src:1", label="Source", title="Outage report", outlet="Ops blog", words=900)
    >>> sources_table(g).to_dict("records")
    [{'Title': 'Outage report', 'Outlet': 'Ops blog', 'Published': '', 'URL': '', 'Words': 900}]
    """
    rows = [{"Title": str(a.get("title") or node), "Outlet": str(a.get("outlet") or ""),
             "Published": str(a.get("published") or ""), "URL": str(a.get("url") or ""), "Words": a.get("words", 0)}
            for node, a in graph.nodes(data=True) if a.get("label") == "Source"]
    return pd.DataFrame(sorted(rows, key=lambda row: row["Title"]), columns=["Title", "Outlet", "Published", "URL",
                                                                               "Words"])


def roles_table(report: Answer) -> pd.DataFrame:
    """Every finding of a root-cause report: role, event, confidence, evidence and reason."""
    rows = [{"Role": title, "Event": item["label"], "Confidence": item.get("confidence"),
             "Evidence": quotes(item.get("evidence") or []), "Sources": len({e.get("source") for e in item.get("evidence") or []}),
             "Reason": item.get("reason", "")}
            for key, title in ROLE_GROUPS for item in report.get(key) or []]
    return pd.DataFrame(rows, columns=["Role", "Event", "Confidence", "Evidence", "Sources", "Reason"])


def timeline_table(answer: Answer, clock: LocalClock) -> pd.DataFrame:
    """Timed events in order: UTC, local time, milestone, role and time since the outage's start.

    A time told only to the day is shown as that day, with no clock time and no time since the start.
    """
    rows = []
    start = parse_utc(str((answer.get("start") or {}).get("at", "")))
    for event in answer.get("events") or []:
        at = parse_utc(str(event.get("at", "")))
        if at is None:
            continue
        day = bool(event.get("band"))
        rows.append({"UTC": f"{at:%Y-%m-%d} (day)" if day else f"{at:%Y-%m-%d %H:%M}",
                     "Local": "" if day else clock.local(at), "Milestone": event["label"],
                     "Role": str(event.get("role") or event.get("kind") or "").replace("_", " "),
                     "Since start": "" if day or start is None else span_text((at - start).total_seconds() / 60),
                     "Sources": "; ".join(event.get("sources") or [])})
    return pd.DataFrame(rows, columns=["UTC", "Local", "Milestone", "Role", "Since start", "Sources"])


def blast_table(answer: Answer) -> pd.DataFrame:
    """Every affected component, how (directly or through a dependency) and the path that explains it."""
    rows = [{"Component": c["label"], "Kind": c.get("kind", ""), "Via": c.get("via", ""),
             "Path": " \u2192 ".join(c.get("path_labels") or c.get("path") or [])}
            for c in answer.get("components") or []]
    return pd.DataFrame(rows, columns=["Component", "Kind", "Via", "Path"])


def conflicts_table(answer: Answer) -> pd.DataFrame:
    """One row per claim in each conflict, marking the claim more likely right."""
    rows = [{"About": c["about"], "Kind": c.get("kind", ""), "Claim": claim.get("text", ""),
             "Source": claim.get("source", ""), "Value": claim.get("value") or "",
             "More likely": "yes" if claim.get("id") == c.get("likely") else "", "Why": c.get("reason", "")}
            for c in answer.get("conflicts") or [] for claim in c.get("claims") or []]
    return pd.DataFrame(rows, columns=["About", "Kind", "Claim", "Source", "Value", "More likely", "Why"])


def questions_table(report: Answer) -> pd.DataFrame:
    """What the sources leave unexplained, with why we ask and the quote that raises it."""
    rows = [{"Question": q.get("question", ""), "About": q.get("label", ""), "Why we ask": q.get("reason", ""),
             "Evidence": quotes(q.get("evidence") or [], 1)} for q in report.get("open_questions") or []]
    return pd.DataFrame(rows, columns=["Question", "About", "Why we ask", "Evidence"])


def _longest_chain(graph: nx.MultiDiGraph, candidates: list[Answer]) -> list[Answer]:
    """The longest why-chain (steps as dicts) to any candidate, preferring chains that start at a root cause."""
    best: list[Answer] = []
    for item in candidates:
        for chain in why_chains(graph, item["id"]).to_dict()["chains"]:
            steps = chain["steps"]
            rooted = bool(steps) and steps[0].get("role") in ("root_cause", "trigger")
            best_rooted = bool(best) and best[0].get("role") in ("root_cause", "trigger")
            if (rooted, len(steps)) > (best_rooted, len(best)):
                best = steps
    return best


def five_whys_table(graph: nx.MultiDiGraph, report: Answer, *, candidates: int = 8) -> pd.DataFrame:
    """"Why?" asked from the main impact back along its longest causal chain, ending at what the sources leave open.

    The main impact is the impact (else symptom) with the longest chain from a root cause.
    """
    targets = (report.get("impacts") or report.get("symptoms") or report.get("first_symptoms") or [])[:candidates]
    chain = _longest_chain(graph, targets)
    rows = []
    for i in range(len(chain) - 1, 0, -1):
        step, cause = chain[i], chain[i - 1]
        rows.append({"Why?": f"Why did \u201c{step['label']}\u201d happen?", "Because": cause["label"],
                     "Cue": step.get("cue") or "", "Confidence": step.get("confidence"),
                     "Evidence": quotes(step.get("evidence") or [], 1)})
    if chain:
        first = chain[0]
        asked = [q for q in report.get("open_questions") or [] if q.get("id") == first["id"]]
        rows.append({"Why?": f"Why did \u201c{first['label']}\u201d happen?",
                     "Because": f"Open question: {asked[0]['question']}" if asked else "The sources do not say.",
                     "Cue": "", "Confidence": None, "Evidence": quotes(asked[0].get("evidence") or [], 1) if asked else ""})
    table = pd.DataFrame(rows, columns=["Why?", "Because", "Cue", "Confidence", "Evidence"])
    table.insert(0, "#", range(1, len(table) + 1))
    return table


def summary_lines(graph: nx.MultiDiGraph, report: Answer, times: Answer, blast: Answer, disputes: Answer) -> list[str]:
    """A few sentences a reviewer reads first: sources, root cause, first symptom, span, reach, disputes."""
    labels = Counter(attrs.get("label") for _, attrs in graph.nodes(data=True))
    causes = sum(1 for *_, key in graph.edges(keys=True) if key == "CAUSES")
    counts = f"{labels['Source']} sources; {labels['Event']} events, {labels['Component']} components"
    lines = [f"{counts}, {causes} causal links."]
    for key, title in (("root_causes", "Root cause"), ("triggers", "Trigger"), ("first_symptoms", "First symptom")):
        for item in (report.get(key) or [])[:2]:
            sources = len({e.get("source") for e in item.get("evidence") or []})
            lines.append(f"{title}: {item['label']} (confidence {item.get('confidence')}, "
                         f"{sources} source{'' if sources == 1 else 's'}).")
    start, end = (parse_utc(str((times.get(key) or {}).get("at", ""))) for key in ("start", "end"))
    if start and end:  # the timeline's own span: a date told without a time is never its start
        lines.append(f"From {start:%Y-%m-%d %H:%M} UTC to {end:%Y-%m-%d %H:%M} UTC "
                     f"({span_text((end - start).total_seconds() / 60)}).")
    names = [c["label"] for c in blast.get("components") or []]
    if names:
        lines.append(f"{len(names)} components affected: {', '.join(names[:10])}{', ...' if len(names) > 10 else ''}.")
    lines.append(f"{len(disputes.get('conflicts') or [])} conflicts between sources; "
                 f"{len(report.get('open_questions') or [])} open questions.")
    return lines
