"""Spans of time written in prose ("14-hour-long", "around 3 hours", "2 h 37 min") and offsets ("3 hours later").

>>> duration_minutes("14-hour-long"), duration_minutes("around 3 hours"), duration_minutes("2 h 37 min")
((840, False, 'hour'), (180, True, 'hour'), (157, False, 'minute'))
"""

from __future__ import annotations

import re

NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "forty-five": 45, "fifty": 50, "sixty": 60, "ninety": 90,
}
UNIT_MINUTES: dict[str, tuple[int, str]] = {
    "minute": (1, "minute"), "min": (1, "minute"), "m": (1, "minute"),
    "hour": (60, "hour"), "hr": (60, "hour"), "h": (60, "hour"),
    "day": (1440, "day"), "week": (10080, "day"),
}
_WORDS = "|".join(sorted((w for w in NUMBER_WORDS if w not in ("a", "an")), key=len, reverse=True))
_NUM = rf"(?:\d+(?:\.\d+)?|{_WORDS})"
_UNIT = r"(?:minutes?|mins?|hours?|hrs?|h|days?|weeks?)"
_APPROX = r"(?:around|about|roughly|approximately|nearly|almost|over|more\s+than|less\s+than|under|some|~)"
_SPACED = (
    rf"(?:another\s+)?(?:{_APPROX}\s+)?{_NUM}\s*(?:more\s+|additional\s+|further\s+|extra\s+)?{_UNIT}"
    rf"(?:\s*(?:and\s+)?\d+\s*(?:minutes?|mins?|m))?(?![-\w])"
)
DURATION_RE = re.compile(
    rf"(?i:\b(?:(?:{_APPROX}\s+)?{_NUM}-(?:minute|hour|day|week)(?:s?-long)?\b(?!-)|{_SPACED}))"
)
OFFSET_RE = re.compile(
    rf"(?i:\b(?:{_SPACED}|(?:an?\s+)(?:{_APPROX}\s+)?{_UNIT})\s+(?:after|later|before|earlier|into)\b"
    r"(?:\s+the\s+(?:start\s+of\s+the\s+)?(?:outage|incident|disruption|event)(?:\s+(?:started|began))?)?)"
)
_PART = re.compile(
    rf"(?i)(?:\b(an?)\s+|\b({_NUM})\s*-?)(?:(?:more|additional|further|extra)\s+)?"
    r"(minutes?|mins?|m|hours?|hrs?|h|days?|weeks?)\b"
)


def _number(token: str) -> float:
    token = token.lower()
    return float(NUMBER_WORDS[token]) if token in NUMBER_WORDS else float(token)


def duration_minutes(text: str) -> tuple[int, bool, str]:
    """Return (minutes, approximate, precision) of a duration or offset phrase."""
    total = 0.0
    precision = "day"
    order = ["minute", "hour", "day"]
    for article, number, unit in _PART.findall(text):
        key = unit.lower().rstrip("s") if unit.lower() not in ("hrs", "mins") else unit.lower()[:-1]
        per, unit_precision = UNIT_MINUTES[key]
        total += _number(article or number) * per
        precision = min(precision, unit_precision, key=order.index)
    approximate = re.search(rf"(?i)(?<!\w){_APPROX}(?!\w)", text) is not None
    return round(total), approximate, precision
