"""The model's records: a parameter's definition, a dependent service, the result of one cascade run,
and how the result writes times and values (UTC ISO-8601 to the second, rounded floats).

>>> iso(datetime(2025, 10, 20, 6, 48, tzinfo=UTC), 157)
'2025-10-20T09:25:00Z'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from functools import cached_property
from typing import Any


@dataclass(frozen=True)
class Parameter:
    """A named model parameter with its unit, bounds, default and meaning."""

    name: str
    unit: str
    default: float
    min: float
    max: float
    description: str
    integer: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "unit": self.unit, "default": self.default, "min": self.min,
                "max": self.max, "description": self.description, "integer": self.integer}


@dataclass(frozen=True)
class ServiceSpec:
    """A dependent service: what it depends on, work queued per minute while impaired, work drained per minute after."""

    name: str
    depends_on: tuple[str, ...]
    backlog_per_min: float
    drain_per_min: float


@dataclass
class CascadeResult:
    """What one run did: the headline outcome, milestones, windows, event log and availability series.

    The series are kept as the simulation sampled them, one row of exact values per sample (the minute, then
    a value per series in the order of ``series``); :attr:`availability` turns them into per-series pairs,
    rounded for reading, on first use, since a sweep of a thousand runs reads none of them.
    """

    dns_record_empty: bool
    dynamodb_unavailable_minutes: float
    dwfm_congestive_collapse: bool
    ec2_recovered_at: str | None
    full_recovery_at: str | None
    impact_windows: list[dict[str, str]]
    milestones: dict[str, str]
    log: list[tuple[float, str, str]]
    series: tuple[str, ...]
    samples: list[tuple[float, ...]]
    horizon_reached: bool = False  # the run stopped at its horizon with events still to come
    events: int = 0
    max_backlogs: dict[str, float] = field(default_factory=dict)

    @cached_property
    def availability(self) -> dict[str, list[tuple[float, float]]]:
        """Each series as (minute, availability) pairs, minutes to 3 decimals and shares to 4."""
        if not self.samples:
            return {}
        minutes, *columns = zip(*self.samples)
        minutes = tuple(rounded(m, 3) for m in minutes)
        return {name: [(m, rounded(v, 4)) for m, v in zip(minutes, values)] for name, values in zip(self.series, columns)}

    def to_dict(self) -> dict[str, Any]:
        return {"dns_record_empty": self.dns_record_empty,
                "dynamodb_unavailable_minutes": self.dynamodb_unavailable_minutes,
                "dwfm_congestive_collapse": self.dwfm_congestive_collapse,
                "ec2_recovered_at": self.ec2_recovered_at, "full_recovery_at": self.full_recovery_at,
                "impact_windows": self.impact_windows, "milestones": self.milestones,
                "horizon_reached": self.horizon_reached,
                "log": [{"minute": t, "event": k, "detail": d} for t, k, d in self.log],
                "availability": {s: [{"minute": t, "value": v} for t, v in pts] for s, pts in self.availability.items()},
                "events": self.events}


def iso(start: datetime, minutes: float) -> str:
    """UTC ISO-8601 (to the second) of ``minutes`` after ``start``."""
    moment = start + timedelta(minutes=minutes)
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


_HOUR_MINUTE = tuple(f"{h:02d}:{m:02d}" for h in range(24) for m in range(60))  # "HH:MM" of each minute of a day


class IsoClock:
    """:func:`iso` for many minutes after one ``start``, remembering each answer.

    With a fixed UTC offset, adding minutes to the wall clock and then converting to UTC equals adding
    them to the UTC moment, so the conversion happens once; other zones (DST) convert every time.

    >>> clock = IsoClock(datetime(2025, 10, 19, 23, 48, tzinfo=timezone(timedelta(hours=-7))))
    >>> clock.iso(157), clock.iso(0.5), clock.iso(-7 * 60), clock.iso(3 * 1440)
    ('2025-10-20T09:25:00Z', '2025-10-20T06:48:30Z', '2025-10-19T23:48:00Z', '2025-10-23T06:48:00Z')
    """

    def __init__(self, start: datetime) -> None:
        self.start = start
        fixed = isinstance(start.tzinfo, timezone)  # naive starts mean local time, which may have DST
        self.utc_start = utc = start.astimezone(UTC).replace(tzinfo=None) if fixed else None
        self.seen: dict[float, str] = {}
        # For whole minutes the second never changes: keep the start's minute of its UTC day, the ":SSZ"
        # ending, and each day's "YYYY-MM-DDT" text once computed.
        self._minute_of_day = 0 if utc is None else utc.hour * 60 + utc.minute
        self._ending = "" if utc is None else f":{utc.second:02d}Z"
        self._dates: dict[int, str] = {}

    def iso(self, minutes: float) -> str:
        """UTC ISO-8601 (to the second) of ``minutes`` after the start."""
        found = self.seen.get(minutes)
        if found is None:
            if self.utc_start is None:
                found = iso(self.start, minutes)
            elif minutes % 1 == 0:
                found = self._whole_minutes(int(minutes))
            else:
                found = (self.utc_start + timedelta(minutes=minutes)).isoformat(timespec="seconds") + "Z"
            self.seen[minutes] = found
        return found

    def _whole_minutes(self, minutes: int) -> str:
        # The same text as datetime + timedelta, from integers and a table, at a tenth of the cost.
        day, minute = divmod(self._minute_of_day + minutes, 1440)
        date = self._dates.get(day)
        if date is None:
            assert self.utc_start is not None
            date = self._dates[day] = (self.utc_start.date() + timedelta(days=day)).isoformat() + "T"
        return date + _HOUR_MINUTE[minute] + self._ending


def rounded(value: float, digits: int) -> float:
    """``round(value, digits)``, skipping the slow decimal rounding when ``value`` is whole (round returns it as is).

    >>> rounded(130.0, 3), rounded(0.22222, 4)
    (130.0, 0.2222)
    """
    return value if value.is_integer() else round(value, digits)
