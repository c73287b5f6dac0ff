"""Calendar-date phrases as written in English prose: the regex fragments and their parsing.

>>> parse_date("Monday, October 20, 2025"), parse_date("20 October")
((10, 20, 2025, 0), (10, 20, None, None))
"""

from __future__ import annotations

import re

MONTHS: dict[str, int] = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
    "nov": 11, "dec": 12,
}
WEEKDAYS: dict[str, int] = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
    "mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3, "fri": 4, "sat": 5, "sun": 6,
}
# Month and weekday names are matched capitalised only: English capitalises them, and
# lower-case "may", "march" or "sun" are ordinary words.
_FULL_MONTHS = [m for m in MONTHS if len(m) > 4 or m in ("may", "june", "july")]
_SHORT_MONTHS = sorted((m for m in MONTHS if m not in _FULL_MONTHS), key=len, reverse=True)
# Full names never take a dot (a dot after "October" ends the sentence); abbreviations may ("Oct.").
_MONTH = (r"(?:(?:" + "|".join(m.capitalize() for m in _FULL_MONTHS) + r")\b"
          r"|(?:" + "|".join(m.capitalize() for m in _SHORT_MONTHS) + r")\b\.?)")
_WEEKDAY_ANY = "(?:" + "|".join(sorted((w.capitalize() for w in WEEKDAYS), key=len, reverse=True)) + r")\b\.?"
# Dates never run across a line break ("us-east-1\n\nOct 20" is no "1 Oct"): horizontal space only.
_SP = r"[^\S\n]+"
_SPQ = r"[^\S\n]*"
WEEKDAY_PATTERN = "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
# "03/08/2024", "3/8/24" (month first, as US prose writes it, unless the first number cannot be a month) and
# "8.3.2024" (day first): numeric dates always carry their year, so fractions and versions are no dates
_SLASHED = r"(?<![\w/.:-])\d{1,2}/\d{1,2}/(?:\d{4}|\d{2})(?![\w/]|\.\d)"
_DOTTED = r"(?<![\w/.:-])\d{1,2}\.\d{1,2}\.\d{4}(?![\w/.]\w?)"
DATE_PATTERN = (
    rf"(?:{_WEEKDAY_ANY},?{_SP}(?:the{_SP})?)?"
    rf"(?:{_MONTH}{_SP}\d{{1,2}}(?:st|nd|rd|th)?(?:,?{_SP}\d{{4}})?"
    rf"|(?<![\w.-])\d{{1,2}}(?:st|nd|rd|th)?{_SP}(?:of{_SP})?{_MONTH}(?:,?{_SP}\d{{4}})?"  # "March 3, 2024:" ends
    rf"|{_SLASHED}|{_DOTTED})(?!\d|:\d)"
)
MONTH_YEAR_PATTERN = rf"{_MONTH}{_SP}\d{{4}}(?!\d|:\d)"
_ORD = r"(?:st|nd|rd|th)?"
_TO = rf"{_SPQ}(?:-|–|—|and|to|through|until){_SPQ}"
# "October 19 and 20, 2025", "Oct. 19-20, 2025", "19 and 20 October 2025": two days, one month, one year.
DATE_RANGE_PATTERN = (
    rf"(?:{_MONTH}{_SP}\d{{1,2}}{_ORD}{_TO}\d{{1,2}}{_ORD},?{_SP}\d{{4}}"
    rf"|\d{{1,2}}{_ORD}{_TO}\d{{1,2}}{_ORD}{_SP}(?:of{_SP})?{_MONTH},?{_SP}\d{{4}})(?![\d:])"
)
_RANGE_PARTS = re.compile(
    rf"^(?:(?P<m1>{_MONTH}){_SP}(?P<a1>\d{{1,2}}){_ORD}{_TO}(?P<b1>\d{{1,2}}){_ORD},?{_SP}(?P<y1>\d{{4}})"
    rf"|(?P<a2>\d{{1,2}}){_ORD}{_TO}(?P<b2>\d{{1,2}}){_ORD}{_SP}(?:of{_SP})?(?P<m2>{_MONTH}),?{_SP}(?P<y2>\d{{4}}))$"
)

_PARTS = re.compile(
    rf"^(?:(?P<wd>{_WEEKDAY_ANY}),?{_SP}(?:the{_SP})?)?"
    rf"(?:(?P<m1>{_MONTH}){_SP}(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?:,?{_SP}(?P<y1>\d{{4}}))?"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?{_SP}(?:of{_SP})?(?P<m2>{_MONTH})(?:,?{_SP}(?P<y2>\d{{4}}))?"
    r"|(?P<a3>\d{1,2})/(?P<b3>\d{1,2})/(?P<y3>\d{4}|\d{2})|(?P<a4>\d{1,2})\.(?P<b4>\d{1,2})\.(?P<y4>\d{4}))$"
)


def month_number(name: str) -> int:
    """Return 1-12 for an English month name or abbreviation ("Oct." -> 10)."""
    return MONTHS[name.strip().rstrip(".").lower()]


def weekday_number(name: str) -> int:
    """Return 0 (Monday) to 6 (Sunday) for an English weekday name or abbreviation."""
    return WEEKDAYS[name.strip().rstrip(".").lower()]


def parse_date_range(text: str) -> tuple[int, int, int, int]:
    """Return (month, first day, last day, year) of a phrase matched by DATE_RANGE_PATTERN.

    >>> parse_date_range("October 19 and 20, 2025"), parse_date_range("3-4 March 2026")
    ((10, 19, 20, 2025), (3, 3, 4, 2026))
    """
    m = _RANGE_PARTS.match(text.strip())
    if m is None:
        raise ValueError(f"not a date range: {text!r}")
    month = month_number(m.group("m1") or m.group("m2"))
    return month, int(m.group("a1") or m.group("a2")), int(m.group("b1") or m.group("b2")), int(m.group("y1") or m.group("y2"))


def parse_date(text: str) -> tuple[int, int, int | None, int | None]:
    """Return (month, day, year or None, weekday or None) of a phrase matched by DATE_PATTERN.

    >>> parse_date("03/08/2024"), parse_date("25/12/2023"), parse_date("8.3.2024"), parse_date("3/8/24")
    ((3, 8, 2024, None), (12, 25, 2023, None), (3, 8, 2024, None), (3, 8, 2024, None))
    """
    m = _PARTS.match(text.strip())
    if m is None:
        raise ValueError(f"not a date phrase: {text!r}")
    weekday = weekday_number(m.group("wd")) if m.group("wd") else None
    if m.group("a3") or m.group("a4"):  # numeric: "03/08/2024" month first, "8.3.2024" day first
        a, b = int(m.group("a3") or m.group("a4")), int(m.group("b3") or m.group("b4"))
        month, day = (a, b) if m.group("a3") and a <= 12 or m.group("a4") and b > 12 else (b, a)
        year = int(m.group("y3") or m.group("y4"))
        return month, day, year + 2000 if year < 100 else year, weekday
    month = month_number(m.group("m1") or m.group("m2"))
    day = int(m.group("d1") or m.group("d2"))
    year = m.group("y1") or m.group("y2")
    return month, day, int(year) if year else None, weekday
