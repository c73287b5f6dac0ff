"""Claims that disagree, within one source or across sources: year, UTC conversion, start time, duration.

Input: Claim node properties as dicts with ``id``, ``kind``, ``value``, ``text``, ``source`` and optionally
``published`` (the source's published date) and ``about`` (what the claim is about). Values follow the
formats documented in ``ingest.claims`` (ISO UTC ``...Z`` with ``;local=``/``;converts=`` parts,
``YYYY-MM-DD[;weekday=Name]``, durations in whole minutes).

Checks and tolerances:

* ``utc_conversion``: a ``converts=`` claim whose UTC differs from the UTC computed from the local time it
  restates (same source). A difference equal to the zone's daylight-saving shift is named as a DST error.
  Likely right: the computed conversion.
* ``year``: dates a few days apart (ignoring the year) but in different years, in different sources.
  Likely right: the claim with more support (its weekday matches, its year is its source's published year,
  other sources share its year).
* ``time``: two ``started_at`` claims more than START_TOLERANCE_MIN apart. Likely right: the one that
  agrees with more ``time`` claims, else none.
* ``duration``: a duration that matches no interval from an incident start to a later stated time,
  within max(DURATION_TOLERANCE_MIN, DURATION_TOLERANCE_SHARE x the duration), doubled when the text
  says "around/about", so rounded numbers ("around 3 hours" for 2 h 37 min) are not flagged.
* ``weekday`` (a date whose written weekday is wrong) is folded into ``year``'s support; ``count`` is
  not checked yet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ingest.times import ZONES

START_TOLERANCE_MIN = 15
DURATION_TOLERANCE_MIN = 30
DURATION_TOLERANCE_SHARE = 0.15
SAME_EVENT_DAYS = 3  # dates this close (ignoring the year) are taken to date the same events
_APPROX = re.compile(r"\b(around|about|roughly|approximately|nearly|almost|some)\b|~", re.IGNORECASE)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass
class Contradiction:
    """Two claims that cannot both be right; ``likely`` is the id of the one more likely right, if known."""

    a_id: str
    b_id: str
    about: str
    reason: str
    likely: str | None
    kind: str  # year | utc_conversion | weekday | duration | time | count


def parse_value(value: str | None) -> tuple[str, dict[str, str]]:
    """Split a claim value into its main part and its ``;key=value`` parts.

    >>> parse_value("2025-10-20T06:48:00Z;local=2025-10-19T23:48 PDT")
    ('2025-10-20T06:48:00Z', {'local': '2025-10-19T23:48 PDT'})
    """
    if not value:
        return "", {}
    main, *rest = value.split(";")
    return main, dict(part.split("=", 1) for part in rest if "=" in part)


def _utc(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _minutes(delta: timedelta) -> int:
    return round(delta.total_seconds() / 60)


def _dst_shift(local: str) -> tuple[int, str] | None:
    """(minutes, zone abbreviation) of the daylight-saving shift for a ``local`` like '2025-10-19T23:48 PDT'."""
    stamp, _, abbr = local.partition(" ")
    entry = ZONES.get(abbr)
    if not entry:
        return None
    from zoneinfo import ZoneInfo

    moment = datetime.fromisoformat(stamp).replace(tzinfo=ZoneInfo(entry["zone"]))
    dst = moment.dst()
    return (_minutes(dst), abbr) if dst else None


def _conversion_conflicts(claims: list[dict]) -> list[Contradiction]:
    out = []
    computed = {(c["source"], local): c for c in claims
                if c["kind"] == "time" and (local := parse_value(c.get("value"))[1].get("local"))}
    for stated in (c for c in claims if c["kind"] == "time"):
        main, parts = parse_value(stated.get("value"))
        origin = computed.get((stated["source"], parts["converts"])) if "converts" in parts else None
        if origin is None:
            continue
        said, right = _utc(main), _utc(parse_value(origin["value"])[0])
        if said is None or right is None or said == right:
            continue
        off = _minutes(said - right)
        reason = (f"{origin.get('text', parts['converts'])}: {parts['converts']} is {right:%H:%M} UTC on {right:%Y-%m-%d}, "
                  f"but the text converts it to {said:%H:%M} UTC ({off:+d} min)")
        shift = _dst_shift(parts["converts"])
        if shift and abs(off) == shift[0]:
            reason += (f"; an error of exactly the daylight-saving shift: the standard-time offset was used although "
                       f"{shift[1]} (daylight time) was in effect")
        out.append(Contradiction(origin["id"], stated["id"], f"the UTC time of {parts['converts']}", reason,
                                 origin["id"], "utc_conversion"))
    return out


def _date_of(claim: dict) -> tuple[date, str | None] | None:
    main, parts = parse_value(claim.get("value"))
    try:
        return date.fromisoformat(main[:10]), parts.get("weekday")
    except ValueError:
        return None


def _support(claim: dict, day: date, weekday: str | None, years: dict[int, set[str]]) -> int:
    """How much speaks for a dated claim's year: matching weekday, published year, other sources."""
    score = 0
    if weekday:
        score += 2 if _WEEKDAYS[day.weekday()] == weekday else -2
    published = str(claim.get("published") or "")
    if published[:4].isdigit():
        score += 1 if int(published[:4]) == day.year else -1
    return score + len(years.get(day.year, set()) - {claim["source"]})


def _year_conflicts(claims: list[dict]) -> list[Contradiction]:
    dated = [(c, d) for c in claims if c["kind"] in ("date",) and (d := _date_of(c))]
    years: dict[int, set[str]] = {}
    for claim, (day, _) in dated:
        years.setdefault(day.year, set()).add(claim["source"])
    out = []
    for i, (a, (day_a, wd_a)) in enumerate(dated):
        for b, (day_b, wd_b) in dated[i + 1:]:
            if a["source"] == b["source"] or day_a.year == day_b.year:
                continue
            if abs((day_a.replace(year=2000) - day_b.replace(year=2000)).days) > SAME_EVENT_DAYS:
                continue
            sa, sb = _support(a, day_a, wd_a, years), _support(b, day_b, wd_b, years)
            likely = a["id"] if sa > sb else b["id"] if sb > sa else None
            reason = (f"one source dates the incident to {day_a.year} ({a.get('text', day_a)}), another to "
                      f"{day_b.year} ({b.get('text', day_b)})")
            if likely:
                good, bad = (day_a, day_b) if likely == a["id"] else (day_b, day_a)
                reason += f"; {good.year} is better supported (weekday, publication date, other sources) than {bad.year}"
            out.append(Contradiction(a["id"], b["id"], "the year of the incident", reason, likely, "year"))
    return out


def _start_conflicts(claims: list[dict]) -> list[Contradiction]:
    starts = [(c, t) for c in claims if c["kind"] == "started_at" and (t := _utc(parse_value(c.get("value"))[0]))]
    stated = [t for c in claims if c["kind"] == "time" and (t := _utc(parse_value(c.get("value"))[0]))]
    out = []
    for i, (a, ta) in enumerate(starts):
        for b, tb in starts[i + 1:]:
            gap = abs(_minutes(ta - tb))
            if gap <= START_TOLERANCE_MIN or ta.year != tb.year:  # a year mismatch is reported by _year_conflicts
                continue
            agree_a = sum(abs(_minutes(t - ta)) <= START_TOLERANCE_MIN for t in stated)
            agree_b = sum(abs(_minutes(t - tb)) <= START_TOLERANCE_MIN for t in stated)
            likely = a["id"] if agree_a > agree_b else b["id"] if agree_b > agree_a else None
            reason = f"start times {ta:%Y-%m-%d %H:%M} UTC and {tb:%Y-%m-%d %H:%M} UTC are {gap} min apart"
            out.append(Contradiction(a["id"], b["id"], "when the incident started", reason, likely, "time"))
    return out


def _duration_conflicts(claims: list[dict]) -> list[Contradiction]:
    starts = [(c, t) for c in claims if c["kind"] == "started_at" and (t := _utc(parse_value(c.get("value"))[0]))]
    later = [(c, t) for c in claims if c["kind"] in ("time", "ended_at") and (t := _utc(parse_value(c.get("value"))[0]))]
    out = []
    for dur in (c for c in claims if c["kind"] == "duration" and str(c.get("value") or "").isdigit()):
        minutes = int(dur["value"])
        tolerance = max(DURATION_TOLERANCE_MIN, DURATION_TOLERANCE_SHARE * minutes)
        tolerance *= 2 if _APPROX.search(str(dur.get("text", ""))) else 1
        for start, t0 in starts:
            # years are aligned: a source with the wrong year is reported by _year_conflicts, not here
            spans = [(c, _minutes(t.replace(year=t0.year) - t0)) for c, t in later if t.replace(year=t0.year) > t0]
            if not spans or any(abs(span - minutes) <= tolerance for _, span in spans):
                continue
            _, span = max(spans, key=lambda s: s[1])
            reason = (f"{dur.get('text', minutes)!r} says {minutes} min, but the stated times run from "
                      f"{t0:%H:%M} to at most {span} min later, and no interval matches within {tolerance:.0f} min")
            out.append(Contradiction(dur["id"], start["id"], str(dur.get("about") or "the duration of the outage"),
                                     reason, None, "duration"))
    return out


def find_contradictions(claims: list[dict]) -> list[Contradiction]:
    """Return the pairs of claims that disagree (the checks and tolerances are in the module docstring)."""
    for claim in claims:
        if not isinstance(claim, dict) or not {"id", "kind", "source"} <= claim.keys():
            raise ValueError(f"each claim needs 'id', 'kind' and 'source'; got {claim!r}")
    return (_conversion_conflicts(claims) + _year_conflicts(claims) + _start_conflicts(claims)
            + _duration_conflicts(claims))
