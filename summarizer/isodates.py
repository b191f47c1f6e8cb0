"""ISO 8601 date values as used in summaries and gold files.

A value is a day (``YYYY-MM-DD``), a month (``YYYY-MM``), a year (``YYYY``)
or an interval ``START/END`` of two such values, both ends inclusive.
Every value covers a span of days; comparisons work on those spans.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

_PART = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?\Z")  # ASCII digits only
DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")  # a YYYY-MM-DD day; ASCII digits: \d also takes "２０１３"


@dataclass(frozen=True)
class Span:
    """The inclusive range of days an ISO value covers."""

    start: date
    end: date

    def overlaps(self, other: Span) -> bool:
        return self.start <= other.end and other.start <= self.end


def _part_span(text: str) -> Span:
    match = _PART.match(text)
    if not match:
        raise ValueError(f"{text!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    y = int(year)
    if month is None:
        return Span(date(y, 1, 1), date(y, 12, 31))
    m = int(month)
    if not 1 <= m <= 12:
        raise ValueError(f"{text!r} has no month {m}")
    if day is None:
        return Span(date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1]))
    d = date(y, m, int(day))  # raises ValueError for 2017-02-30
    return Span(d, d)


def span(value: str) -> Span:
    """Return the days covered by an ISO value; raise ValueError if malformed."""
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a string")
    if "/" in value:
        first, _, last = value.partition("/")
        start, end = _part_span(first), _part_span(last)
        if end.end < start.start:
            raise ValueError(f"interval {value!r} ends before it starts")
        return Span(start.start, end.end)
    return _part_span(value)


def validate(value: str) -> str:
    """Return ``value`` unchanged if it is a valid ISO value, else raise ValueError."""
    span(value)
    return value


def is_valid(value: str) -> bool:
    try:
        span(value)
    except ValueError:
        return False
    return True
