"""Contradictions found as claims arrive, comparing each new claim only with the claims it could disagree with.

``ingest.claims.contradictions.find_contradictions`` compares every pair of an incident's claims; run
after every article, that costs more the larger the incident (a 1,000-article incident has
thousands of dated claims). ``ClaimSet`` keeps the incident's claims indexed the way each check
looks them up (dates by day of year and year, conversions by source and local time, start
times sorted) and ``add`` returns the contradictions that involve at least one new claim:
together with those found before, exactly what checking all pairs after each batch finds.
Stored CONTRADICTS edges are never removed, so a pair that once disagreed stays reported.

``new_contradiction_edges`` keeps a ClaimSet beside the incident's ``graph.build.IncidentIndex``
and feeds it the claims written since it last looked (all of them for a fresh index).

>>> claims = ClaimSet()
>>> claims.add([{"id": "a", "kind": "date", "value": "2023-10-19", "source": "s1"}])
[]
>>> [c.kind for c in claims.add([{"id": "b", "kind": "date", "value": "2025-10-20", "source": "s2"}])]
['year']
"""

from __future__ import annotations

from bisect import insort
from datetime import date, datetime
from typing import Any

from graph.build import IncidentIndex
from graph.schema import Edge, edge
from ingest.claims.contradictions import (
    SAME_EVENT_DAYS,
    Contradiction,
    conversion_conflict,
    conversion_key,
    date_of,
    day_of_year,
    duration_conflict,
    is_duration,
    later_time,
    spans_after,
    start_conflict,
    start_time,
    stated_time,
    year_conflict,
)

STATE_KEY = "contradictions"
Dated = tuple[date, str | None]


class ClaimSet:
    """An incident's claims, indexed for each contradiction check; ``add`` finds what new claims contradict."""

    def __init__(self) -> None:
        self.seen = 0  # how much of IncidentIndex.written has been fed in (new_contradiction_edges)
        self.position: dict[str, int] = {}
        self.origins: dict[tuple[str, str], dict] = {}  # (source, local time) -> the claim telling it
        self.converting: dict[tuple[str, str], list[dict]] = {}  # (source, local time) -> claims converting it
        self.dates: dict[int, dict[int, list[tuple[dict, Dated]]]] = {}  # day of year -> year -> dated claims
        self.years: dict[int, set[str]] = {}
        self.starts: list[tuple[dict, datetime]] = []
        self.stated: list[datetime] = []  # sorted
        self.later: list[tuple[dict, datetime]] = []
        self.durations: list[dict] = []
        # Starts with no later time after them yet: a duration cannot be checked against them until one comes.
        self.unanchored: dict[str, tuple[dict, datetime]] = {}

    def add(self, claims: list[dict[str, Any]]) -> list[Contradiction]:
        """Index ``claims`` (in the order they were stored) and return every contradiction involving one of them."""
        new = [c for c in claims if c["id"] not in self.position]
        later_before = len(self.later)
        for claim in new:
            self._index(claim)
        anchored = self._anchor(new, self.later[later_before:])
        found = self._conversions(new) + self._years(new) + self._starts(new) + self._durations(new, anchored)
        return [c for c in found if c is not None]

    def _anchor(self, new: list[dict], new_later: list[tuple[dict, datetime]]) -> list[tuple[dict, datetime]]:
        """The earlier starts the new later times anchor; new starts still without a later time wait."""
        new_ids = {c["id"] for c in new}
        anchored = [(s, t0) for s, t0 in self.unanchored.values() if spans_after(t0, new_later)]
        for s, _ in anchored:
            del self.unanchored[s["id"]]
        for s, t0 in self.starts:
            if s["id"] in new_ids and not spans_after(t0, self.later):
                self.unanchored[s["id"]] = (s, t0)
        return anchored

    def _index(self, claim: dict) -> None:
        self.position[claim["id"]] = len(self.position)
        if key := conversion_key(claim, "local"):
            self.origins[key] = claim  # the last one told wins, as in find_contradictions
        if key := conversion_key(claim, "converts"):
            self.converting.setdefault(key, []).append(claim)
        if dated := date_of(claim):
            self.dates.setdefault(day_of_year(dated[0]), {}).setdefault(dated[0].year, []).append((claim, dated))
            self.years.setdefault(dated[0].year, set()).add(claim["source"])
        if (t := start_time(claim)) is not None:
            self.starts.append((claim, t))
        if (t := stated_time(claim)) is not None:
            insort(self.stated, t)
        if (t := later_time(claim)) is not None:
            self.later.append((claim, t))
        if is_duration(claim):
            self.durations.append(claim)

    def _is_new_first(self, claim: dict, other: dict, new_ids: set[str]) -> bool:
        """Whether the pair (claim, other) is met from ``claim``'s side: once per pair, old claims never."""
        return other["id"] not in new_ids or self.position[other["id"]] > self.position[claim["id"]]

    def _ordered(self, a: dict, b: dict) -> tuple[dict, dict]:
        return (a, b) if self.position[a["id"]] < self.position[b["id"]] else (b, a)

    def _conversions(self, new: list[dict]) -> list[Contradiction | None]:
        keys = {k for c in new for k in (conversion_key(c, "local"), conversion_key(c, "converts")) if k}
        return [conversion_conflict(self.origins[key], stated) for key in sorted(keys) if key in self.origins
                for stated in self.converting.get(key, [])]

    def _years(self, new: list[dict]) -> list[Contradiction | None]:
        new_ids, out = {c["id"] for c in new}, []
        for claim in new:
            if (dated := date_of(claim)) is None:
                continue
            day = day_of_year(dated[0])
            for near in range(day - SAME_EVENT_DAYS, day + SAME_EVENT_DAYS + 1):
                for year, members in self.dates.get(near, {}).items():
                    if year == dated[0].year:
                        continue
                    for other, other_dated in members:
                        if self._is_new_first(claim, other, new_ids):
                            (a, da), (b, db) = sorted(((claim, dated), (other, other_dated)),
                                                      key=lambda cd: self.position[cd[0]["id"]])
                            out.append(year_conflict(a, da, b, db, self.years))
        return out

    def _starts(self, new: list[dict]) -> list[Contradiction | None]:
        new_ids, out = {c["id"] for c in new}, []
        times = {c["id"]: t for c, t in self.starts}
        for claim in (c for c in new if c["id"] in times):
            for other, _ in self.starts:
                if other["id"] != claim["id"] and self._is_new_first(claim, other, new_ids):
                    a, b = self._ordered(claim, other)
                    out.append(start_conflict(a, times[a["id"]], b, times[b["id"]], self.stated))
        return out

    def _durations(self, new: list[dict], anchored: list[tuple[dict, datetime]]) -> list[Contradiction | None]:
        """(duration, start) pairs to check: a new one on either side, or a start that had no later time until now."""
        new_ids = {c["id"] for c in new}
        new_durations = [d for d in self.durations if d["id"] in new_ids]
        new_starts = [(s, t0) for s, t0 in self.starts if s["id"] in new_ids]
        pairs = {(d["id"], s["id"]): (d, s, t0) for d in new_durations for s, t0 in self.starts}
        pairs.update({(d["id"], s["id"]): (d, s, t0) for d in self.durations for s, t0 in new_starts + anchored})
        return [duration_conflict(d, s, t0, self.later) for d, s, t0 in pairs.values()]


def new_contradiction_edges(index: IncidentIndex) -> list[Edge]:
    """CONTRADICTS edges, not yet in ``index``, between claims that disagree, checking only the claims written
    through the index since the last call (every claim of the incident the first time)."""
    claims: ClaimSet | None = index.derived.get(STATE_KEY)
    if claims is None:
        claims = index.derived[STATE_KEY] = ClaimSet()
        ids = [nid for nid, data in index.nodes.items() if data["label"] == "Claim"]
    else:
        ids = [nid for nid in dict.fromkeys(index.written[claims.seen:]) if index.nodes[nid]["label"] == "Claim"]
    claims.seen = len(index.written)
    new: list[Edge] = []
    for con in claims.add([_claim(index, nid) for nid in ids]):
        if ("CONTRADICTS", con.a_id, con.b_id) in index.edge_keys:
            continue
        evidence = list(dict.fromkeys(index.nodes[con.a_id].get("evidence", [])[:1] +
                                      index.nodes[con.b_id].get("evidence", [])[:1]))
        new.append(edge("CONTRADICTS", con.a_id, con.b_id, index.incident_id, reason=con.reason,
                        likely=con.likely, about=con.about, kind=con.kind, evidence=evidence))
    return new


def _claim(index: IncidentIndex, nid: str) -> dict[str, Any]:
    """A Claim node as the checks read it: its properties, its id, and its source's published date."""
    props = {k: v for k, v in index.nodes[nid].items() if k != "label"}
    published = index.nodes.get(props.get("source", ""), {}).get("published")
    if published:
        props["published"] = published
    return {**props, "id": nid}
