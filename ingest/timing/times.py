"""Time expressions in an article -> UTC, anchored to the article's own dates and zone.

Candidates are found with regexes (the small spaCy model splits "11:48 PM PDT" and "October 19"
into separate spans), then resolved in text order with a narrative cursor:

* a zone abbreviation maps through ``lexicon/timezones.json``; a clock time without one is in the
  article's zone, learnt from the first abbreviation in the text unless ``TimeContext.default_tz`` is set;
* a clock time without a date takes the last date written before it, else ``anchor_date``, else the
  published date (when it has a day), and rolls forward across midnight: in a narrative, a time earlier
  than the previous one means the next day;
* a date without a year takes the year of an explicit date written shortly before it (within 60 days),
  else the year that puts it nearest ``anchor_date``, else ``incident_year`` when that is an earlier year
  than the published one and puts the date over RETROSPECTIVE_DAYS before it (an account written years
  later about "the 2017 outage"), else the most recent such date not after the
  published date (preferring, among the years whose weekday fits a weekday written with the date, the one
  year the text writes), else ``incident_year`` (the year its other sources, its title or its metadata
  give) unless that puts it in the future, else the one year the text writes, else the most recent
  year (not in the future) whose weekday matches a weekday named in the text, else the most recent year
  not in the future;
* "X (Y)" where both are clock times in different zones is one instant told twice: Y is resolved on the
  date nearest X, ``X.paired_utc`` is Y's UTC and ``Y.pair_of`` is X's start offset, so a wrong
  conversion in the text can be detected; Y does not move the cursor.

>>> [(t.raw, t.utc.isoformat()) for t in extract_times("At 11:48 PM PDT on October 19, 2025 it failed; at 2:25 AM PDT it recovered.", TimeContext())]
[('11:48 PM PDT on October 19, 2025', '2025-10-20T06:48:00+00:00'), ('2:25 AM PDT', '2025-10-20T09:25:00+00:00')]
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, available_timezones

from ingest.lexicon import HERE as LEXICON_DIR
from ingest.timing.dates import (
    DATE_PATTERN,
    DATE_RANGE_PATTERN,
    MONTH_YEAR_PATTERN,
    WEEKDAY_PATTERN,
    WEEKDAYS,
    month_number,
    parse_date,
    parse_date_range,
    weekday_number,
)
from ingest.timing.durations import DURATION_RE, OFFSET_RE, duration_minutes

LEXICON = LEXICON_DIR
_ZONE_FILE = json.loads((LEXICON / "timezones.json").read_text(encoding="utf-8"))
# regions of the IANA database whose zones are named by a city; "US/Pacific", "Etc/GMT+5" or
# "Australia/North" are aliases, not places
_CITY_REGIONS = ("Africa", "America", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific")
_NOT_PLACES = frozenset(["North", "South", "West", "East", "Central", "Canberra", "Yancowinna", "Currie"])


def place_zones(countries: dict[str, str]) -> dict[str, dict]:
    """Zone names a text writes as a place: "<Place> time", "<Place> Time" and "in <Place>" for each city
    of the IANA database ("Tokyo", "Sao Paulo", "Kolkata") and each country of ``countries`` (name -> zone).

    >>> place_zones({"Japan": "Asia/Tokyo"})["Japan time"], place_zones({})["in Sydney"]["zone"]
    ({'zone': 'Asia/Tokyo', 'place': True}, 'Australia/Sydney')
    """
    known = available_timezones()
    places = {name.split("/")[-1].replace("_", " "): name for name in sorted(known)
              if name.split("/")[0] in _CITY_REGIONS and name.count("/") <= 2}
    places = {p: z for p, z in places.items() if p not in _NOT_PLACES and not p.isupper() and len(p) > 3}
    places.update({p: z for p, z in countries.items() if z in known})
    return {form: {"zone": zone, "place": True} for place, zone in places.items()
            for form in (f"{place} time", f"{place} Time", f"in {place}")}


ZONES: dict[str, dict] = {
    **place_zones(_ZONE_FILE.get("_places", {})),
    **{name: {"zone": zone} for name, zone in _ZONE_FILE.get("_long_names", {}).items()},
    **{k: v for k, v in _ZONE_FILE.items() if not k.startswith("_")},
}
YEAR_INHERIT_DAYS = 60  # a yearless date this close to an explicit one belongs to the same story
EVENING_HOUR, MORNING_HOUR = 18, 12  # a dateless time rolls to the next day only from evening to morning

_ZONE_ALT = "|".join(sorted((re.escape(z) for z in ZONES if len(z) > 1), key=len, reverse=True))
_CLOCK = (
    r"(?:(?<![\d:.])(?P<hour>\d{1,2})(?:[:.](?P<minute>[0-5]\d))?\s?(?P<ampm>[AaPp](?:\.[Mm]\.|[Mm]))(?![A-Za-z])"
    r"|(?<![\d:.])(?P<hour24>[01]?\d|2[0-3]):(?P<minute24>[0-5]\d)(?::(?P<second24>[0-5]\d))?(?![\d]|:\d)"
    # "0900 UTC", "1942Z": four digits count as a clock only with a zone right after them
    rf"|(?<![\d:.,])(?P<hourmil>[01]\d|2[0-3])(?P<minutemil>[0-5]\d)(?=\s?(?:{'|'.join(sorted((re.escape(z) for z in ZONES if z.isupper()), key=len, reverse=True))})\b)"
    r"|\b(?P<named>midnight|noon|midday)\b)"
    # "14:05 UTC", "14:05 (UTC)", "14:05Z", "14:05 UTC+1", "09:00 GMT-07:00"
    rf"(?:(?<=\d)(?P<zulu>Z)\b|\s?(?:local\s+time,?\s+)?(?P<zopen>\()?(?P<zone>{_ZONE_ALT})(?P<zoff>[+\-−]\d{{1,2}}(?::?[0-5]\d)?)?\b(?(zopen)\)))?"
    rf"(?:,?\s+(?:on\s+)?(?P<cdate>{DATE_PATTERN}|\d{{4}}-\d{{2}}-\d{{2}}(?![\d:T])))?"
)
_ISO = (r"(?P<iso>\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?)(?![\d:])"
        rf"(?:\s?(?P<isozone>{_ZONE_ALT})\b)?")
# Days named from the publication day: "Yesterday at 3 p.m. ET", "late last night, around 11 p.m. PT"
DAY_WORDS = {"yesterday": -1, "last night": -1, "today": 0, "tonight": 0, "this morning": 0, "this afternoon": 0,
             "this evening": 0}
_DAY_WORD = "(?:" + "|".join(rf"[{w[0].upper()}{w[0]}]{re.escape(w[1:])}" for w in DAY_WORDS) + ")"
CANDIDATE_RE = re.compile(
    "|".join([
        _ISO,
        rf"(?P<range>{DATE_RANGE_PATTERN})",
        rf"(?P<clock>{_CLOCK})",
        rf"(?P<date>{DATE_PATTERN})",
        rf"(?P<monthyear>{MONTH_YEAR_PATTERN})",
        rf"(?P<offset>{OFFSET_RE.pattern})",
        rf"(?P<duration>{DURATION_RE.pattern})",
        rf"(?P<weekday>\b{WEEKDAY_PATTERN}\b)",
        rf"(?P<dayword>\b{_DAY_WORD}\b)",
    ])
)


@dataclass
class TimeContext:
    """What is known before reading: the article's published date, zone, and the incident's start."""

    published: str | None = None
    default_tz: str | None = None
    anchor_date: date | None = None
    incident_start: datetime | None = None
    today: date | None = None  # "now" for year guesses; None means date.today()
    # The incident's year once the sources agree on it: a date written with another year keeps its
    # explicit_year (so the contradiction is still reported) but resolves in this year.
    incident_year: int | None = None


@dataclass
class TimeExpression:
    """One time expression: its span, what it resolves to in UTC, and how sure that is."""

    start: int
    end: int
    raw: str
    kind: str  # clock | date | duration | offset
    utc: datetime | None = None
    precision: str = "minute"
    relative: bool = False
    local: str | None = None
    explicit_year: int | None = None
    paired_utc: datetime | None = None
    minutes: int | None = None
    approximate: bool = False
    zone: str | None = None  # the abbreviation as written ("PDT"), else None
    pair_of: int | None = None  # start offset of the expression this one restates in another zone
    weekday: int | None = None  # weekday written with the date (Monday = 0)
    year_corrected: bool = False  # the written year was replaced by TimeContext.incident_year


@dataclass
class _State:
    """The narrative cursor while reading an article from top to bottom."""

    zone: str | None
    weekdays: set[int]
    last_date: date | None = None
    cursor: datetime | None = None
    explicit: date | None = None  # the last date written with a year
    year_hint: int | None = None  # the year a later date of the same sentence is written with
    text_year: int | None = None  # the one year the text writes anywhere ("the 2023 outage"), if only one
    first_date: date | None = None  # the first calendar date the text writes, wherever it stands
    weekday: int | None = None  # the weekday written with the date being read
    declared: bool = False  # the account declares one zone for its times ("All times UTC")
    previous: TimeExpression | None = None
    expressions: list[TimeExpression] = field(default_factory=list)
    text: str = ""  # the article being read


def published_bounds(published: str | None) -> tuple[date | None, bool]:
    """Return (last day the published value allows, whether it names a day).

    >>> published_bounds("2025-10"), published_bounds("2025-10-23")
    ((datetime.date(2025, 10, 31), False), (datetime.date(2025, 10, 23), True))
    """
    if not published:
        return None, False
    parts = [int(p) for p in published[:10].split("-")]
    if len(parts) == 3:
        return date(*parts), True
    if len(parts) == 2:
        nxt = date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
        return nxt - timedelta(days=1), False
    return date(parts[0], 12, 31), False


def _clock_zone(m: re.Match[str]) -> str | None:
    """The zone written after a clock as a key of ZONES, or "UTC+01:00" for a written offset from UTC."""
    if m.group("zulu"):
        return "Z"
    zone, offset = m.group("zone"), m.group("zoff")
    if zone and offset and ZONES.get(zone, {}).get("zone") == "UTC":
        sign, digits = offset[0], offset[1:].replace(":", "")
        hours, minutes = (digits[:-2], digits[-2:]) if len(digits) > 2 else (digits, "00")
        return f"UTC{'-' if sign in '-−' else '+'}{int(hours):02d}:{minutes}"
    return zone


def zone_info(abbr: str | None, default: str | None) -> tuple[timezone | ZoneInfo | None, str | None]:
    """Return (tzinfo, label) for a written abbreviation, else for the default IANA zone.

    >>> zone_info("UTC+05:30", None)[0]
    datetime.timezone(datetime.timedelta(seconds=19800), 'UTC+05:30')
    """
    if abbr and (m := re.fullmatch(r"UTC([+-])(\d{2}):(\d{2})", abbr)):
        minutes = (int(m.group(2)) * 60 + int(m.group(3))) * (-1 if m.group(1) == "-" else 1)
        if abs(minutes) <= 14 * 60:
            return timezone(timedelta(minutes=minutes), abbr), abbr
    if abbr and abbr in ZONES:
        entry = ZONES[abbr]
        if "offset" in entry:
            return timezone(timedelta(minutes=entry["offset"]), abbr), abbr
        # a place ("Tokyo time") is labelled by the zone's own abbreviation on that date, like a default zone
        return ZoneInfo(entry["zone"]), entry["zone"] if entry.get("place") else abbr
    if default in ZONES:  # an account's declared abbreviation ("all times PDT") keeps its offset
        return zone_info(default, None)
    if default:
        return ZoneInfo(default), default
    return None, None


def infer_year(month: int, day: int, state: _State, ctx: TimeContext) -> int | None:
    """Return the year of a date written without one (rules in the module docstring)."""
    def make(y: int) -> date | None:
        try:
            return date(y, month, day)
        except ValueError:
            return None

    def nearest(ref: date) -> int | None:
        options = [d for d in (make(ref.year + k) for k in (-1, 0, 1)) if d]
        return min(options, key=lambda d: abs((d - ref).days)).year if options else None

    if state.year_hint and make(state.year_hint):  # "from 13:37 on October 28 to 16:45 on October 31, 2021"
        return state.year_hint
    if state.explicit:
        year = nearest(state.explicit)
        if year and abs((make(year) - state.explicit).days) <= YEAR_INHERIT_DAYS:  # type: ignore[operator]
            return year
    if ctx.anchor_date:
        return nearest(ctx.anchor_date)
    limit, _ = published_bounds(ctx.published)
    today = ctx.today or date.today()
    if not limit and ctx.incident_year and (d := make(ctx.incident_year)) and d <= today:
        return ctx.incident_year  # the incident's year, from its other sources, its title or its metadata
    if not limit and state.text_year and make(state.text_year):
        return state.text_year  # "the 2023 outage ... on March 8", with no date to read the year from
    if limit and ctx.incident_year and ctx.incident_year < limit.year and (d := make(ctx.incident_year)) \
            and (limit - d).days > RETROSPECTIVE_DAYS \
            and (state.weekday is None or d.weekday() == state.weekday):
        return ctx.incident_year  # published in 2024 about "the 2017 S3 outage": "on February 28" is in 2017
    if limit:
        years = [y for y in range(limit.year, limit.year - 8, -1) if (d := make(y)) and d <= limit]
        # "Thursday, October 28": the most recent year in which that date fell on that weekday
        fits = [y for y in years if state.weekday is None or make(y).weekday() == state.weekday]  # type: ignore[union-attr]
        if state.weekday is not None and state.text_year in fits:
            return state.text_year  # "Tuesday, February 28" in a 2024 piece about the 2017 outage: 2017 fits both
        return (fits or years or [None])[0]
    for y in range(today.year, today.year - 30, -1):
        d = make(y)
        if d and d <= today and (not state.weekdays or d.weekday() in state.weekdays):
            return y
    return None


def _local_label(local: datetime | None, clock: time, label: str | None) -> str:
    """The wall-clock as written, with the written zone or the zone's own abbreviation on that date."""
    stamp = local.strftime("%Y-%m-%dT%H:%M") if local else clock.strftime("%H:%M")
    if local is not None and (label is None or "/" in label):
        label = local.tzname() or label
    return f"{stamp} {label}" if label else stamp


def _resolve_date_text(text: str, state: _State, ctx: TimeContext) -> tuple[date | None, int | None, int | None]:
    """Return (date, explicit year, written weekday) for a date string; update the explicit-year memory."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):  # "14:05 UTC on 2024-03-08"
        written = date.fromisoformat(text)
        state.explicit = written
        return written, written.year, None
    month, day, year, weekday = parse_date(text)
    state.weekday = weekday
    resolved_year = year or infer_year(month, day, state, ctx)
    if year and ctx.incident_year and year != ctx.incident_year and _near_incident(ctx.incident_year, month, day,
                                                                                     state, ctx):
        resolved_year = ctx.incident_year
    try:
        resolved = date(resolved_year, month, day) if resolved_year else None
    except ValueError:
        resolved = None
    if year and resolved:
        state.explicit = resolved
    return resolved, year, weekday


RETROSPECTIVE_DAYS = 60  # an incident year before the published one counts only for dates this long before it
LATER_DATE_DAYS = 14  # a date written further down dates earlier clocks only if this close before publication
CORRECTABLE_DAYS = 31  # a written year is a slip only for a date this close to the incident's own days


def _near_incident(year: int, month: int, day: int, state: _State, ctx: TimeContext) -> bool:
    """Whether the date, read in the incident's year, falls among the incident's days: then a different
    written year is a slip ("March 3, 2022" in an account of March 2024). A date far from them
    ("last year, on June 3, 2023, a similar change...") is another time, and keeps its year."""
    try:
        candidate = date(year, month, day)
    except ValueError:
        return False
    reference = state.explicit if state.explicit and state.explicit.year == year else ctx.anchor_date or (
        ctx.incident_start.date() if ctx.incident_start else None)
    return reference is None or abs((candidate - reference).days) <= CORRECTABLE_DAYS


_PLACES = sorted((z[3:] for z in ZONES if z.startswith("in ")), key=len, reverse=True)
_PLACE_RE = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in _PLACES) + r")\b")
_LOCAL_TIME = re.compile(r"\s*local\s+time\b", re.IGNORECASE)
_DATE_AFTER_LOCAL = re.compile(rf"\s*local\s+time,?\s+(?:on\s+)?(?P<ldate>{DATE_PATTERN})", re.IGNORECASE)


def _local_time_place(text: str, m: re.Match[str]) -> str | None:
    """The zone of "3 a.m. local time" in a sentence that names one place with a zone: "Banks in Sydney went
    offline at 3 a.m. local time" is Sydney's time. None when the sentence names no place or several."""
    if not _LOCAL_TIME.match(text, m.end()):
        return None
    start = max(text.rfind(stop, 0, m.start()) for stop in (". ", "! ", "? ", "\n")) + 1
    ends = [i for i in (text.find(stop, m.end()) for stop in (". ", "! ", "? ", "\n")) if i >= 0]
    places = set(_PLACE_RE.findall(text, start, min(ends, default=len(text))))
    return f"in {places.pop()}" if len(places) == 1 else None


def _clock_parts(m: re.Match[str]) -> time | None:
    if m.group("hour24") is not None:
        return time(int(m.group("hour24")), int(m.group("minute24")), int(m.group("second24") or 0))
    if m.group("hourmil") is not None:
        return time(int(m.group("hourmil")), int(m.group("minutemil")))
    if m.group("named") is not None:
        return time(0, 0) if m.group("named").lower() == "midnight" else time(12, 0)
    hour, minute = int(m.group("hour")), int(m.group("minute") or 0)
    if not 1 <= hour <= 12:
        return None
    pm = m.group("ampm").lower().startswith("p")
    return time(hour % 12 + (12 if pm else 0), minute)


_RANGE_END = re.compile(rf"\s*(?:to|-|–|—|and|until|through)\s*{_CLOCK}")
_DATE_AFTER_PAIR = re.compile(rf"\s*\([^()\n]{{1,40}}\)\s*,?\s*on\s+(?P<pdate>{DATE_PATTERN})")
_WEEKDAY_AFTER = re.compile(rf",?\s+(?:on\s+)?(?P<wday>{WEEKDAY_PATTERN})\b")
_DAY_WORD_AFTER = re.compile(rf",?[^\S\n]+(?P<dword>{_DAY_WORD})\b")


def _range_zone(text: str, end: int) -> str | None:
    """"from 03:46 to 04:33 Pacific": the first clock of a range takes the zone written after the second."""
    m = _RANGE_END.match(text, end)
    return _clock_zone(m) if m else None


def _restates_in_words(text: str, m: re.Match[str], state: _State) -> bool:
    """"14:01 UTC (10:01 a.m. on the US East Coast)": a zoneless clock opening a bracket right after a clock
    with a zone restates it in a zone the text names by a place; it is no moment of its own."""
    prev = state.previous
    return bool(prev and prev.kind == "clock" and prev.zone) and re.fullmatch(
        r"\s*[(\[]\s*", text[prev.end:m.start()]) is not None  # type: ignore[union-attr]


def _is_pair(text: str, m: re.Match[str], state: _State) -> bool:
    """Whether this clock restates the previous one in another zone: "X (Y)" or "X [Y]"."""
    prev = state.previous
    zone = _clock_zone(m) or _range_zone(text, m.end())
    if not prev or prev.kind != "clock" or not zone or prev.zone == zone:
        return False
    return re.fullmatch(r"\s*[(\[]\s*", text[prev.end:m.start()]) is not None


def _clock(text: str, m: re.Match[str], state: _State, ctx: TimeContext) -> TimeExpression | None:
    clock = _clock_parts(m)
    if clock is None:
        return None
    abbr = _clock_zone(m) or _range_zone(text, m.end()) or _local_time_place(text, m)
    if state.declared and abbr and abbr.startswith("in ") and ZONES[abbr].get("place"):
        abbr = None  # "Timeline (UTC) ... 09:12 in Frankfurt, a switch failed": where, not which zone
    if abbr is None and _restates_in_words(text, m, state):
        expr = TimeExpression(m.start(), m.end(), m.group(), "clock", precision="minute")
        expr.pair_of = state.previous.start  # type: ignore[union-attr]
        return expr  # "14:44 UTC (10:44 a.m. on the US East Coast)": the same instant, in a zone told by a place
    tz, label = zone_info(abbr, state.zone)
    expr = TimeExpression(m.start(), m.end(), m.group(), "clock", zone=abbr,
                          precision="minute" if m.group("minute") or m.group("minute24") or m.group("minutemil")
                          or m.group("named") else "hour")
    ahead = _RANGE_END.match(text, m.end())
    range_date = ahead.group("cdate") if ahead and not m.group("cdate") else None
    pair = _is_pair(text, m, state)
    if m.group("cdate"):
        day, expr.explicit_year, expr.weekday = _resolve_date_text(m.group("cdate"), state, ctx)
        expr.year_corrected = bool(day and expr.explicit_year and day.year != expr.explicit_year)
    elif pair:
        day = state.previous.utc.astimezone(tz).date() if state.previous.utc and tz else None  # type: ignore[union-attr]
    elif range_date:  # "from 2:19 AM until 7:10 AM PDT on September 20": the range's date
        day = _resolve_date_text(range_date, state, ctx)[0]
    elif (after := _DATE_AFTER_PAIR.match(text, m.end())) is not None:
        day = _resolve_date_text(after.group("pdate"), state, ctx)[0]  # "11:49 PM PDT (06:49 UTC) on October 19"
    elif (after := _DATE_AFTER_LOCAL.match(text, m.end())) is not None:
        day = _resolve_date_text(after.group("ldate"), state, ctx)[0]  # "at 3 a.m. local time on November 8"
    elif (named := _WEEKDAY_AFTER.match(text, m.end())) is not None \
            and (on := _weekday_date(weekday_number(named.group("wday")), ctx)) is not None:
        day = on  # "by 3:01 p.m. Pacific time on Monday": the Monday the report names
    elif (said := _DAY_WORD_AFTER.match(text, m.end())) is not None \
            and (on := _day_word_date(said.group("dword"), ctx)) is not None:
        day = on  # "at 3 p.m. ET yesterday"
    else:
        published, has_day = published_bounds(ctx.published)
        # a clock before any date: a date written further down ("[Resolved] 21:05 UTC ... [Investigating]
        # 19:58 UTC, 4 June 2024", a status page newest first) dates it better than the publication day
        later = state.first_date if state.first_date and (
            not has_day or published and 0 <= (published - state.first_date).days <= LATER_DATE_DAYS) else None
        day = state.last_date or ctx.anchor_date or later or (published if has_day else None)
    if day is None or tz is None:
        expr.local = _local_label(None, clock, label)
        return expr
    local = datetime.combine(day, clock, tzinfo=tz)
    if pair and state.previous and state.previous.utc:
        # the same instant told in another zone: take the calendar day that brings it closest
        local = min((local + timedelta(days=k) for k in (-1, 0, 1)),
                    key=lambda c: abs(c.astimezone(UTC) - state.previous.utc))  # type: ignore[union-attr,operator]
    elif not m.group("cdate") and state.cursor and _crosses_midnight(state.cursor.astimezone(tz), local):
        local += timedelta(days=1)  # "23:19 ... 00:05": the story went on past midnight
    expr.utc, expr.local = local.astimezone(UTC), _local_label(local, clock, label)
    if pair:
        expr.pair_of = state.previous.start  # type: ignore[union-attr]
        state.previous.paired_utc = expr.utc  # type: ignore[union-attr]
    else:
        state.cursor, state.last_date = expr.utc, local.date()
    return expr


def _crosses_midnight(previous: datetime, local: datetime) -> bool:
    """True if a dateless clock time after ``previous`` (same zone) is on the next day: the previous time
    was in the evening and this one is earlier in the morning. Other backward steps are a story told out
    of order ("by 14:09 it was over; at 13:42 it began"), not a new day."""
    return previous.date() == local.date() and previous.hour >= EVENING_HOUR and local.hour < MORNING_HOUR \
        and local < previous


def _iso(m: re.Match[str], state: _State) -> TimeExpression:
    value = m.group("iso").replace(" ", "T")
    if "T" not in value:
        d = date.fromisoformat(value)
        state.last_date, state.cursor, state.explicit = d, None, d
        return TimeExpression(m.start(), m.end(), m.group(), "date", datetime.combine(d, time(), UTC), "day",
                              local=value, explicit_year=d.year)
    parsed = datetime.fromisoformat(value)
    tz, _ = zone_info(m.group("isozone"), state.zone)
    if parsed.tzinfo is None and tz is None:
        return TimeExpression(m.start(), m.end(), m.group(), "clock", local=value, explicit_year=parsed.year)
    aware = parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)
    expr = TimeExpression(m.start(), m.end(), m.group(), "clock", aware.astimezone(UTC), local=value,
                          explicit_year=parsed.year)
    state.cursor, state.last_date, state.explicit = expr.utc, aware.date(), aware.date()
    return expr


def _date(m: re.Match[str], state: _State, ctx: TimeContext) -> TimeExpression:
    expr = TimeExpression(m.start(), m.end(), m.group(), "date", precision="day")
    day, expr.explicit_year, expr.weekday = _resolve_date_text(m.group("date"), state, ctx)
    expr.year_corrected = bool(day and expr.explicit_year and day.year != expr.explicit_year)
    if day:
        expr.utc, expr.local = datetime.combine(day, time(), UTC), day.isoformat()
        if not (state.last_date is not None and day < state.last_date and _told_before_then(state.text, m.start())):
            state.last_date, state.cursor = day, None  # a new date restarts the narrative clock
    return expr


PAST_PERFECT = re.compile(r"\bhad\s+(?:(?:not|never|already|just|only|previously|recently|been|first)\s+)*"
                          r"[a-z]+(?:ed|en|wn|ne|lt|pt|ught|ade|ung)\b", re.IGNORECASE)


def _told_before_then(text: str, at: int) -> bool:
    """True if the sentence holding ``at`` tells, before it, something in the past perfect ("a bug the company
    had shipped on May 12"): a date told that way looks back from the story, and the story's day goes on."""
    start = max(text.rfind(stop, 0, at) for stop in (". ", "! ", "? ", "\n")) + 1
    return PAST_PERFECT.search(text, start, at) is not None


def _date_range(m: re.Match[str], state: _State, ctx: TimeContext) -> list[TimeExpression]:
    """"October 19 and 20, 2025", "3-4 March 2026": both days, each with the year written once at the end."""
    month, first, last, year = parse_date_range(m.group("range"))
    out = []
    for day_number, (start, end) in ((first, m.span("range")), (last, m.span("range"))):
        expr = TimeExpression(start, end, m.group(), "date", precision="day", explicit_year=year)
        resolved_year = ctx.incident_year if year and ctx.incident_year else year
        try:
            day = date(resolved_year, month, day_number) if resolved_year else None
        except ValueError:
            day = None
        if day:
            expr.utc, expr.local = datetime.combine(day, time(), UTC), day.isoformat()
            expr.year_corrected = day.year != year
            state.last_date, state.cursor, state.explicit = day, None, day
        out.append(expr)
    if out and out[0].utc:  # the narrative goes on from the first day of the range
        state.last_date = out[0].utc.date()
    return out


def _month_year(m: re.Match[str], state: _State) -> TimeExpression:
    month_name, year = m.group("monthyear").rsplit(None, 1)
    start = datetime(int(year), month_number(month_name), 1, tzinfo=UTC)
    if state.explicit is None:  # "the March 2023 outage ... on March 8": that March
        state.explicit = start.date()
    return TimeExpression(m.start(), m.end(), m.group(), "date", start, "month", local=start.strftime("%Y-%m"),
                          explicit_year=int(year))


def _weekday_date(wd: int, ctx: TimeContext) -> date | None:
    """The day a bare weekday names: news reports name the most recent such weekday on or before the
    anchor date, else the publication day; None when neither is known."""
    limit, has_day = published_bounds(ctx.published)
    ref = ctx.anchor_date or (limit if has_day else None)
    return ref - timedelta(days=(ref.weekday() - wd) % 7) if ref else None


def _day_word_date(word: str, ctx: TimeContext) -> date | None:
    """The day "yesterday", "last night" or "this morning" names: counted from the publication day, if known."""
    limit, has_day = published_bounds(ctx.published)
    return limit + timedelta(days=DAY_WORDS[word.lower()]) if limit and has_day else None


def _day_word(m: re.Match[str], state: _State, ctx: TimeContext) -> TimeExpression:
    """"Yesterday at 3 p.m. ET ...": a day named from the publication day dates the clocks after it; it is no
    time point of its own. "Today" does not undo a date the text has written."""
    word = m.group("dayword")
    expr = TimeExpression(m.start(), m.end(), m.group(), "date", precision="day", relative=True)
    day = _day_word_date(word, ctx)
    if day is not None and (DAY_WORDS[word.lower()] < 0 or state.explicit is None):
        expr.utc, expr.local = datetime.combine(day, time(), UTC), day.isoformat()
        state.last_date = day
    return expr


def _weekday(m: re.Match[str], ctx: TimeContext) -> TimeExpression:
    wd = weekday_number(m.group("weekday"))
    expr = TimeExpression(m.start(), m.end(), m.group(), "date", precision="day", relative=True, weekday=wd)
    day = _weekday_date(wd, ctx)
    if day is not None:
        expr.utc, expr.local = datetime.combine(day, time(), UTC), day.isoformat()
    return expr


def _span(m: re.Match[str], kind: str, state: _State, ctx: TimeContext) -> TimeExpression:
    raw = m.group(kind)
    minutes, approximate, precision = duration_minutes(raw)
    expr = TimeExpression(m.start(), m.end(), m.group(), kind, precision=precision, minutes=minutes,
                          approximate=approximate, relative=kind == "offset")
    if kind == "offset":
        sign = -1 if re.search(r"\b(before|earlier)\b", raw) else 1
        if re.search(r"\b(outage|incident|disruption|event|start)\b", raw):
            base = ctx.incident_start
        else:
            base = state.cursor
        if base is not None:
            expr.utc = base.astimezone(UTC) + timedelta(minutes=sign * minutes)
    return expr


def _first_zone(matches: list[re.Match[str]]) -> str | None:
    for m in matches:
        if m.group("clock") and m.group("zone") and not m.group("zoff"):
            return ZONES[m.group("zone")]["zone"]
        if m.group("iso") and m.group("isozone") in ZONES:  # "2024-07-19 04:09 UTC ... stopped at 05:27"
            return ZONES[m.group("isozone")]["zone"]
    return None


_DECLARED_ZONE = re.compile(rf"\b(?:all\s+)?(?:times|timestamps)"
                            # "All times in this report are JST", "All times mentioned below are in UTC"
                            rf"(?:\s+(?:in|throughout)\s+(?:this|the)\s+[a-z\-]+(?:\s+below)?)?"
                            rf"(?:\s+(?:mentioned|referenced|quoted|noted|used|here))?\s+"
                            rf"(?:are\s+|shown\s+|given\s+|listed\s+|below\s+|expressed\s+)*"
                            rf"(?:in\s+)?(?P<zone>{_ZONE_ALT})\b"
                            # a timeline heading that names its zone: "Timeline (UTC)", "Timeline, in PDT:"
                            rf"|^[#\s]*timeline\b[^\n]{{0,20}}?[(,:\-–—]\s*(?:in\s+)?(?P<heading>{_ZONE_ALT})\)?:?\s*$",
                            re.IGNORECASE | re.MULTILINE)


def declared_zone(text: str) -> str | None:
    """The zone an account declares for all its times ("All times UTC", "times are in PDT", a heading
    "Timeline (UTC)"), as written.

    >>> declared_zone("Timeline (all times UTC)"), declared_zone("Times below are in pdt.")
    ('UTC', 'PDT')
    >>> declared_zone("Summary\\n\\nTimeline (UTC)\\n- 13:02 A migration started.")
    'UTC'
    """
    m = _DECLARED_ZONE.search(text)
    zone = (m.group("zone") or m.group("heading")) if m else None
    if zone not in ZONES:
        zone = next((z for z in ZONES if m and z.lower() == zone.lower()), None) if zone else None
    return zone


def extract_times(text: str, ctx: TimeContext) -> list[TimeExpression]:
    """Return the time expressions of ``text`` in order, resolved to UTC where the text allows."""
    if not isinstance(text, str):
        raise TypeError(f"expected text as str, got {type(text).__name__}")
    weekdays = {weekday_number(w) for w in re.findall(rf"\b{WEEKDAY_PATTERN}\b", text)}
    matches = list(CANDIDATE_RE.finditer(text))  # one scan serves the zone default and the expressions
    declared = ctx.default_tz or declared_zone(text)
    state = _State(zone=declared or _first_zone(matches), weekdays=weekdays, declared=bool(declared), text=text)
    hints = _year_hints(text, matches)
    first = next((m for m in matches if m.group("date") or m.group("clock") and m.group("cdate")), None)
    if first is not None:  # read on a scratch cursor: the narrative's own cursor starts at the top
        scratch = _State(zone=state.zone, weekdays=weekdays)
        state.first_date = _resolve_date_text(first.group("date") or first.group("cdate"), scratch, ctx)[0]
    years = {int(y) for y in WRITTEN_YEAR.findall(text)}
    today = ctx.today or date.today()
    state.text_year = next(iter(years)) if len(years) == 1 and next(iter(years)) <= today.year else None
    for m in matches:
        state.year_hint = hints.get(m.start())
        kind = m.lastgroup if m.lastgroup in ("iso", "range", "clock", "date", "monthyear", "offset", "duration",
                                              "weekday", "dayword") else next(k for k in ("iso", "clock", "date")
                                                                              if m.group(k))
        found = _resolve(kind, text, m, state, ctx)
        for expr in found if isinstance(found, list) else [found] if found is not None else []:
            state.expressions.append(expr)
            state.previous = expr
    _resolve_weekdays(state.expressions)
    return state.expressions


WRITTEN_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")  # a year as prose writes it: "2023", "the 2023 outage"


def _year_hints(text: str, matches: list[re.Match[str]]) -> dict[int, int]:
    """For each match, the year a later match of the same sentence is written with ("from 13:37 PT on Thursday,
    October 28 to 16:45 PT on Sunday, October 31, 2021": 2021 for the first clock)."""
    hints: dict[int, int] = {}
    year: int | None = None
    for before, after in zip(reversed([None, *matches[:-1]]), reversed(matches)):
        found = WRITTEN_YEAR.findall(after.group())
        if found:
            year = int(found[-1])
        elif year is not None:
            hints[after.start()] = year
        if before is not None and re.search(r"[.!?]\s|\n", text[before.end():after.start()]):
            year = None  # a sentence ends between them
    return hints


def _resolve(kind: str, text: str, m: re.Match[str], state: _State,
             ctx: TimeContext) -> TimeExpression | list[TimeExpression] | None:
    if kind == "iso":
        return _iso(m, state)
    if kind == "clock":
        return _clock(text, m, state, ctx)
    if kind == "date":
        return _date(m, state, ctx)
    if kind == "range":
        return _date_range(m, state, ctx)
    if kind == "monthyear":
        return _month_year(m, state)
    if kind == "dayword":
        return _day_word(m, state, ctx)
    if kind == "weekday":
        expr = _weekday(m, ctx)
        if expr.utc is not None and state.last_date is None:  # "went down on Friday ... at 9 a.m.": that Friday
            state.last_date = expr.utc.date()
        return expr
    return _span(m, kind, state, ctx)


def _resolve_weekdays(expressions: list[TimeExpression]) -> None:
    """A bare weekday not yet resolved takes the date written in the text that falls on it."""
    dated = [e.utc.date() for e in expressions if e.kind == "date" and not e.relative and e.utc
             and e.precision == "day"]
    for expr in expressions:
        if expr.kind == "date" and expr.relative and expr.utc is None:
            match = next((d for d in dated if d.weekday() == expr.weekday), None)
            if match:
                expr.utc, expr.local = datetime.combine(match, time(), UTC), match.isoformat()


__all__ = ["WEEKDAYS", "TimeContext", "TimeExpression", "extract_times", "infer_year", "published_bounds"]
