"""Claims that disagree, within one source or across sources: year, UTC conversion, start time, duration.

Input: Claim node properties as dicts with ``id``, ``kind``, ``value``, ``text``, ``source`` and optionally
``published`` (the source's published date) and ``about`` (what the claim is about). Values follow the
formats documented in ``ingest.claims.assertions`` (ISO UTC ``...Z`` with ``;local=``/``;converts=`` parts,
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
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ingest.timing.times import ZONES

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


def conversion_conflict(origin: dict, stated: dict) -> Contradiction | None:
    """The conflict between a time told in local time (``origin``, with ``local=``) and the text's own UTC
    conversion of it (``stated``, with ``converts=``), if they differ."""
    main, parts = parse_value(stated.get("value"))
    said, right = _utc(main), _utc(parse_value(origin["value"])[0])
    if said is None or right is None or said == right:
        return None
    off = _minutes(said - right)
    reason = (f"{origin.get('text', parts['converts'])}: {parts['converts']} is {right:%H:%M} UTC on {right:%Y-%m-%d}, "
              f"but the text converts it to {said:%H:%M} UTC ({off:+d} min)")
    shift = _dst_shift(parts["converts"])
    if shift and abs(off) == shift[0]:
        reason += (f"; an error of exactly the daylight-saving shift: the standard-time offset was used although "
                   f"{shift[1]} (daylight time) was in effect")
    return Contradiction(origin["id"], stated["id"], f"the UTC time of {parts['converts']}", reason, origin["id"],
                         "utc_conversion")


def conversion_key(claim: dict, part: str) -> tuple[str, str] | None:
    """(source, local time) of a ``time`` claim that tells a local time (``part`` "local") or converts one
    (``part`` "converts"); None for any other claim."""
    if claim["kind"] != "time":
        return None
    local = parse_value(claim.get("value"))[1].get(part)
    return (claim["source"], local) if local else None


def _conversion_conflicts(claims: list[dict]) -> list[Contradiction]:
    computed = {key: c for c in claims if (key := conversion_key(c, "local"))}
    found = (conversion_conflict(computed[key], c) for c in claims
             if (key := conversion_key(c, "converts")) and key in computed)
    return [c for c in found if c is not None]


def date_of(claim: dict) -> tuple[date, str | None] | None:
    """(date, written weekday) of a ``date`` claim; None for another claim or an unreadable value."""
    if claim["kind"] != "date":
        return None
    main, parts = parse_value(claim.get("value"))
    try:
        return date.fromisoformat(main[:10]), parts.get("weekday")
    except ValueError:
        return None


def day_of_year(day: date) -> int:
    """The day's ordinal ignoring its year (leap year 2000, so 29 February has one), for "a few days apart"."""
    return day.replace(year=2000).toordinal()


def _support(claim: dict, day: date, weekday: str | None, years: dict[int, set[str]]) -> int:
    """How much speaks for a dated claim's year: matching weekday, published year, other sources."""
    score = 0
    if weekday:
        score += 2 if _WEEKDAYS[day.weekday()] == weekday else -2
    published = str(claim.get("published") or "")
    if published[:4].isdigit():
        score += 1 if int(published[:4]) == day.year else -1
    return score + len(years.get(day.year, set()) - {claim["source"]})


def year_conflict(a: dict, dated_a: tuple[date, str | None], b: dict, dated_b: tuple[date, str | None],
                  years: dict[int, set[str]]) -> Contradiction | None:
    """The conflict of two sources dating the incident a few days apart in different years; ``years`` maps each
    year to the sources that date something in it (the support of each side)."""
    (day_a, wd_a), (day_b, wd_b) = dated_a, dated_b
    if a["source"] == b["source"] or day_a.year == day_b.year:
        return None
    if abs(day_of_year(day_a) - day_of_year(day_b)) > SAME_EVENT_DAYS:
        return None
    sa, sb = _support(a, day_a, wd_a, years), _support(b, day_b, wd_b, years)
    likely = a["id"] if sa > sb else b["id"] if sb > sa else None
    reason = (f"one source dates the incident to {day_a.year} ({a.get('text', day_a)}), another to "
              f"{day_b.year} ({b.get('text', day_b)})")
    if likely:
        good, bad = (day_a, day_b) if likely == a["id"] else (day_b, day_a)
        reason += f"; {good.year} is better supported (weekday, publication date, other sources) than {bad.year}"
    return Contradiction(a["id"], b["id"], "the year of the incident", reason, likely, "year")


def _year_conflicts(claims: list[dict]) -> list[Contradiction]:
    """Pairs of dated claims in different years a few days apart, found through buckets of (day, year), so
    thousands of claims dating the incident alike cost no pairwise comparison."""
    dated = [(c, d) for c in claims if (d := date_of(c))]
    years: dict[int, set[str]] = {}
    buckets: dict[int, dict[int, list[int]]] = {}
    for i, (claim, (day, _)) in enumerate(dated):
        years.setdefault(day.year, set()).add(claim["source"])
        buckets.setdefault(day_of_year(day), {}).setdefault(day.year, []).append(i)
    pairs = sorted((i, j) for i, (_, (day, _)) in enumerate(dated)
                   for near in range(day_of_year(day) - SAME_EVENT_DAYS, day_of_year(day) + SAME_EVENT_DAYS + 1)
                   for year, members in buckets.get(near, {}).items() if year != day.year
                   for j in members if j > i)
    found = (year_conflict(*dated[i], *dated[j], years) for i, j in pairs)
    return [c for c in found if c is not None]


def start_time(claim: dict) -> datetime | None:
    """The UTC instant of a ``started_at`` claim."""
    return _utc(parse_value(claim.get("value"))[0]) if claim["kind"] == "started_at" else None


def stated_time(claim: dict) -> datetime | None:
    """The UTC instant of a ``time`` claim (what start times are checked against)."""
    return _utc(parse_value(claim.get("value"))[0]) if claim["kind"] == "time" else None


def _agreeing(stated: list[datetime], at: datetime) -> int:
    """How many of the sorted ``stated`` times are within START_TOLERANCE_MIN (rounded minutes) of ``at``."""
    edge = timedelta(minutes=START_TOLERANCE_MIN + 0.5)  # _minutes rounds half to even: 15.5 min counts as 16
    return bisect_left(stated, at + edge) - bisect_right(stated, at - edge)


def start_conflict(a: dict, ta: datetime, b: dict, tb: datetime, stated: list[datetime]) -> Contradiction | None:
    """The conflict of two start times more than START_TOLERANCE_MIN apart; ``stated`` (sorted) decides which
    one more ``time`` claims agree with."""
    gap = abs(_minutes(ta - tb))
    if gap <= START_TOLERANCE_MIN or ta.year != tb.year:  # a year mismatch is reported by _year_conflicts
        return None
    agree_a, agree_b = _agreeing(stated, ta), _agreeing(stated, tb)
    likely = a["id"] if agree_a > agree_b else b["id"] if agree_b > agree_a else None
    reason = f"start times {ta:%Y-%m-%d %H:%M} UTC and {tb:%Y-%m-%d %H:%M} UTC are {gap} min apart"
    return Contradiction(a["id"], b["id"], "when the incident started", reason, likely, "time")


def _start_conflicts(claims: list[dict]) -> list[Contradiction]:
    starts = [(c, t) for c in claims if (t := start_time(c))]
    stated = sorted(t for c in claims if (t := stated_time(c)))
    found = (start_conflict(a, ta, b, tb, stated) for i, (a, ta) in enumerate(starts) for b, tb in starts[i + 1:])
    return [c for c in found if c is not None]


def later_time(claim: dict) -> datetime | None:
    """The UTC instant of a ``time`` or ``ended_at`` claim (what durations are measured to)."""
    return _utc(parse_value(claim.get("value"))[0]) if claim["kind"] in ("time", "ended_at") else None


def is_duration(claim: dict) -> bool:
    return claim["kind"] == "duration" and str(claim.get("value") or "").isdigit()


def spans_after(t0: datetime, later: list[tuple[dict, datetime]]) -> list[int]:
    """Minutes from ``t0`` to each later stated time (years aligned to ``t0``'s)."""
    return [_minutes(t.replace(year=t0.year) - t0) for _, t in later if t.replace(year=t0.year) > t0]


def duration_conflict(dur: dict, start: dict, t0: datetime, later: list[tuple[dict, datetime]]) -> Contradiction | None:
    """The conflict of a duration that matches no interval from the start ``t0`` to a later stated time."""
    minutes = int(dur["value"])
    tolerance = max(DURATION_TOLERANCE_MIN, DURATION_TOLERANCE_SHARE * minutes)
    tolerance *= 2 if _APPROX.search(str(dur.get("text", ""))) else 1
    # years are aligned: a source with the wrong year is reported by _year_conflicts, not here
    spans = spans_after(t0, later)
    if not spans or any(abs(span - minutes) <= tolerance for span in spans):
        return None
    reason = (f"{dur.get('text', minutes)!r} says {minutes} min, but the stated times run from "
              f"{t0:%H:%M} to at most {max(spans)} min later, and no interval matches within {tolerance:.0f} min")
    return Contradiction(dur["id"], start["id"], str(dur.get("about") or "the duration of the outage"), reason, None,
                         "duration")


def _duration_conflicts(claims: list[dict]) -> list[Contradiction]:
    starts = [(c, t) for c in claims if (t := start_time(c))]
    later = [(c, t) for c in claims if (t := later_time(c))]
    found = (duration_conflict(dur, start, t0, later) for dur in claims if is_duration(dur) for start, t0 in starts)
    return [c for c in found if c is not None]


def find_contradictions(claims: list[dict]) -> list[Contradiction]:
    """Return the pairs of claims that disagree (the checks and tolerances are in the module docstring)."""
    for claim in claims:
        if not isinstance(claim, dict) or not {"id", "kind", "source"} <= claim.keys():
            raise ValueError(f"each claim needs 'id', 'kind' and 'source'; got {claim!r}")
    return (_conversion_conflicts(claims) + _year_conflicts(claims) + _start_conflicts(claims)
            + _duration_conflicts(claims))
