"""Resolve an article's own words for a time to an ISO value (see :mod:`.isodates`).

Words are read against the publication date, in the future sense unless the
optional context sentence reads as past tense. A table of small regex rules
is tried in order and the first that yields a value wins; dateparser reads
numeric dates ("12/25/2019", month first). Choices where wording is ambiguous:

* Precision is kept: "mid-July", "early/late/end of July" are ``YYYY-07``;
  "first/second half of June" are the days 1-15 / 16-end.
* "in two weeks", "in 10 days", "two weeks from now" are the day published+N
  ("in three months" that month, "in two years" that year); "within two weeks",
  "in/over the next 10 days" are ``published/published+N``; "over three days"
  is the three days starting on the publication day.
* Seasons are meteorological month intervals, "summer" = ``YYYY-06/YYYY-08``,
  winter ``YYYY-12/YYYY+1-02``: "this summer" is the publication year's, "next
  summer" the one after, a bare "summer" the first not ended before publication.
* Quarters and halves of a year are month intervals: "Q3" = ``YYYY-07/YYYY-09``.
* "next Tuesday" is the first Tuesday after publication; "Tuesday" is the one
  on or after it (on or before it in the past sense); weeks run Monday-Sunday.
* A clock time goes with its day ("at 7 a.m. Monday", "on Thursday at 1 p.m.");
  "1800 GMT" is a time, not a year; a season naming a thing ("summer vacation")
  is not a time; "the ninth increase in a year" looks back, not ahead; "the
  month after", "within 90 days after their dissolution" count from another
  event and are no time of their own.
* "the following day", "the next day" are the day after the last day told as to
  come in the sentences before (``day_told_before``: "Cho travels to Turkey on
  Wednesday. ... He then heads to Belgium the following day"); no time without one.
* A day may be a word where a month makes it one: "April ninth", "the ninth of April".
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from dateparser.date import DateDataParser

from . import isodates
from .textnorm import normalize

_MON = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
        r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?(?![a-z])")
_DAY = r"\d{1,2}(?!\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]|2\d)\d{2}(?!\d)"
_SEP = r"\s*(?:-|to|through|thru|until|till|and)\s*(?:the\s+)?"  # "between April 9 and the 13th"
_M1, _M2 = rf"(?P<m1>{_MON})", rf"(?P<m2>{_MON})"
_D1, _D2 = rf"(?P<d1>{_DAY})", rf"(?P<d2>{_DAY})"
_Y1, _Y2 = rf"(?:,?\s*(?P<y1>{_YEAR}))?", rf"(?:,?\s*(?P<y2>{_YEAR}))?"
_OF = r"\s+(?:of\s+)?"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_NUMBERS = {"a": 1, "an": 1, "one": 1, "a couple of": 2, "two": 2, "three": 3, "four": 4,
            "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
            "eleven": 11, "twelve": 12}
_NUM = r"(?P<n>\d{1,3}|" + "|".join(sorted(_NUMBERS, key=len, reverse=True)) + ")"
_ORDINAL = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "latter": 2, "third": 3, "3rd": 3,
            "fourth": 4, "4th": 4, "final": 4, "last": 4}
_SHIFT = {"this": 0, "the": 0, "current": 0, "next": 1, "coming": 1, "following": 1,
          "the coming": 1, "the next": 1, "the following": 1, "last": -1, "past": -1}
_MAY_AFTER = {"in", "of", "early", "late", "mid", "mid-", "since", "until", "by", "from",
              "before", "after", "during", "this", "next", "last", "end"}
_DAY_OFFSETS = {"the day after tomorrow": 2, "tomorrow": 1, "yesterday": -1,
                "the day before yesterday": -2}
_SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
_FUTURE_CUES = re.compile(
    r"\b(?:will|would|shall|'ll|to be|is to|are to|due|scheduled|expected|planned|plans?|slated"
    r"|set to|set for|going to|upcoming|until|till|from now|next|coming|ahead|later)\b")
_PLANNED = re.compile(
    r"\b(?:will|would|shall|'ll|to be held|is to|are to|due|scheduled|expected|planned|plans? to|slated"
    r"|set to|set for|going to|upcoming|takes? effect|go(?:es)? into effect|comes? into force|effective"
    r"|starting|beginning|intends? to|aims? to|targeting|targets|proposed|offered|possibility|not ruled out|ahead of"
    r"|before the next)\b"
    r"|'ll\b")
_PAST_CUES = re.compile(
    r"\b(?:was|were|had|did|ago|last|earlier|yesterday|came|went|met|held|took|began|said|told"
    r"|gave|made|saw|spoke|won|lost|announced|visited|arrived|returned|signed|reported|agreed|voted"
    r"|ended|testified|opened|closed|started|released|decided|hosted|discussed|rejected)\b")
PART_OF_DAY = r"(?:morning|afternoon|evening|night)"  # after a day: "Wednesday morning", "tomorrow night"
LEADING_PREPOSITION = r"(?:at|on|in|for|by|from)\s+"  # before a time: "at Wednesday morning"
# past forms _PAST_CUES leaves out, for told_as_done: irregular ones of news, and the perfect
_PAST_FORMS = re.compile(
    r"\b(?:has(?!\s+to\b)|have(?!\s+to\b)|fell|rose|sank|hit|struck|fought|fled|left|lost|paid|sent|sold|stood|shut|swept|sought"
    r"|withdrew|threw|wrote|became|broke|brought|bought|caught|chose|drew|drove|felt|found|got|grew|heard"
    r"|kept|knew|meant|ran|sat|shot|spent|swore|taught|thought|understood|woke|dropped|slipped|climbed"
    r"|jumped|plunged|tumbled|soared|surged|gained|eased|slid|dipped|cut)\b")
_CLAUSE_EDGE = re.compile(r"[,;:()!?]|\.\s|\b(?:and|but|which|who|whom|that|while|because)\b")
# A dated mention's clause also ends at "when": "a July 10 meeting when they would need to ..."
_MENTION_EDGE = re.compile(rf"{_CLAUSE_EDGE.pattern}|\bwhen\b")
_CONTEXT_MONTH = re.compile(rf"\b(?:in|of|on)\s+(?P<m1>{_MON})|\b(?P<m2>{_MON})\s+(?:the\s+)?\d")

Span = tuple[date, date]
# "the following day", "the next day", "the day after" (not "the day after tomorrow", "the day after the vote")
_FOLLOWING_DAY = re.compile(
    r"\b(?:the\s+)?(?:following|next)\s+day\b|\bthe day after\b(?!\s+(?:tomorrow|the\b|\w+'s\b|his|her|their|its))")
MAX_ANCHOR_SENTENCES = 6  # "the following day" looks this far back for the day it follows


@dataclass(frozen=True)
class _Ctx:
    """What a rule needs besides its match: the publication date, tense, context."""

    published: date
    future: bool
    context: str
    after: date | None = None  # the day "the following day" follows: another event's, told before


def _month_no(token: str) -> int:
    return ("jan", "feb", "mar", "apr", "may", "jun",
            "jul", "aug", "sep", "oct", "nov", "dec").index(token[:3]) + 1


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _format(span: Span | None, pattern: str = "%Y-%m-%d") -> str | None:
    """A span as one value, or as an interval when its ends differ; None for none."""
    if span is None:
        return None
    start, end = (d.strftime(pattern) for d in span)
    return start if start == end else f"{start}/{end}"


def _pick(build: Callable[[int], Span], ctx: _Ctx, around: int) -> Span | None:
    """Return ``build(k)`` for the ``k`` near ``around`` that fits the tense.

    Future sense: the first span not ended before publication; past sense:
    the last span started on or before it. A ``k`` where ``build`` raises
    ValueError (Feb 29, June 31) is skipped.
    """
    steps = range(around - 1, around + 5) if ctx.future else range(around + 1, around - 5, -1)
    for k in steps:
        try:
            start, end = build(k)
        except ValueError:
            continue
        if (end >= ctx.published) if ctx.future else (start <= ctx.published):
            return start, end
    return None


def _month_span(m: re.Match, ctx: _Ctx, first: int = 1, last: int = 31) -> Span | None:
    """Days ``first..last`` of the matched month (``first`` < 0 counts from its end)."""
    month = _month_no(m.group("m1"))

    def build(year: int) -> Span:
        end = _last_day(year, month)
        start = end + timedelta(days=first + 1) if first < 0 else date(year, month, first)
        return start, end.replace(day=min(last, end.day))

    return build(int(m.group("y1"))) if m.group("y1") else _pick(build, ctx, ctx.published.year)


def _explicit_dates(m: re.Match, ctx: _Ctx) -> str | None:
    """A day or a range of days named by month and day, the year given or inferred."""
    g = {k: v for k, v in m.groupdict().items() if v}
    m1, d1 = _month_no(g["m1"]), int(re.match(r"\d+", g["d1"]).group())
    d2 = int(re.match(r"\d+", g["d2"]).group()) if "d2" in g else d1
    m2 = _month_no(g["m2"]) if "m2" in g else m1 % 12 + 1 if d2 < d1 else m1
    wraps = (m2, d2) < (m1, d1)
    if "y1" in g or "y2" in g:
        y1 = int(g["y1"]) if "y1" in g else int(g["y2"]) - wraps
        y2 = int(g["y2"]) if "y2" in g else y1 + wraps
        try:
            return _format((date(y1, m1, d1), date(y2, m2, d2)))
        except ValueError:
            return None
    span = _pick(lambda y: (date(y, m1, d1), date(y + wraps, m2, d2)), ctx, ctx.published.year)
    return _format(span)


def _month_part(m: re.Match, ctx: _Ctx) -> str | None:
    """Halves (days 1-15, 16-end) and weeks (1-7, ..., the last seven) of a month."""
    which, unit = m.group("n"), m.group("unit")
    if unit == "half":
        first, last = (1, 15) if _ORDINAL[which] == 1 else (16, 31)
    else:
        week = _ORDINAL[which]
        first, last = (-7, 31) if which in ("last", "final") else (7 * week - 6, 7 * week)
    return _format(_month_span(m, ctx, first, last))


def _month(m: re.Match, ctx: _Ctx) -> str | None:
    """A month name, with "early", "mid-", "late", "end of" and the like ignored."""
    before = m.string[: m.start()].split()[-1:]
    if m.group("m1") == "may" and not m.group("y1") and before and before[0] not in _MAY_AFTER:
        return None  # "may" the verb
    return _format(_month_span(m, ctx), "%Y-%m")


def _named_year(m: re.Match, ctx: _Ctx) -> int | None:
    """The year a match names: "2014", "next year"; None if it names none."""
    g = m.groupdict()
    if g.get("y"):
        return int(g["y"])
    return None if g.get("rel") is None else ctx.published.year + _SHIFT.get(g["rel"], 0)


def _year_part(start_month: int, months: int, year: int | None, ctx: _Ctx) -> str | None:
    """``months`` months from ``start_month`` of ``year``, or of the year fitting the tense."""
    def build(y: int) -> Span:
        end = _add_months(date(y, start_month, 1), months - 1)
        return date(y, start_month, 1), _last_day(end.year, end.month)

    return _format(build(year) if year else _pick(build, ctx, ctx.published.year), "%Y-%m")


def _year_fraction(m: re.Match, ctx: _Ctx) -> str | None:
    """"first half of 2020" -> months 01-06; "Q3", "third quarter" -> months 07-09."""
    index = int(m.group("n")) if m.group("n").isdigit() else _ORDINAL[m.group("n")]
    size = 6 if m.groupdict().get("unit") == "half" else 3
    if size * index > 12:
        return None
    return _year_part(size * (index - 1) + 1, size, _named_year(m, ctx), ctx)


def _season(m: re.Match, ctx: _Ctx) -> str | None:
    """A season as a month interval; see the module docstring for which one."""
    name, rel, year = m.group("s"), m.group("rel"), m.group("y")
    if name == "fall" and not (rel or year):
        return None  # "fall" the verb
    if not year and _SEASON_THING.match(m.string, m.end()):
        return None  # "his summer vacation", "the winter Olympics": a thing, not a time
    first = _SEASONS[name]
    if not year and rel not in (None, "the"):
        in_winter = first == 12 and ctx.published.month <= 2
        year = ctx.published.year - in_winter + _SHIFT[rel]
    return _year_part(first, 3, int(year) if year else None, ctx)


# After a period: counted from another event, not from publication ("within 90 days after
# their dissolution", "the month after"); "from now" and "from today" count from publication
_ANCHORED = re.compile(r"\s+(?:after|before|following|of|from)\b(?!\s+(?:now|today)\b)")


def _anchored_in(text: str, context: str) -> bool:
    at = context.find(text)
    return at >= 0 and _ANCHORED.match(context, at + len(text)) is not None


_SEASON_THING = re.compile(
    r"\s+(?:vacations?|holidays?|break|recess|olympics|games|camps?|solstice|palace|wheat|crops?|heat"
    r"|storms?|sales?|collection|fashion|blockbusters?|interns?|internships?|jobs?|school|reading|house"
    r"|home|residence|resort|clothes|tires|tyres|festival|tour|retreat)\b")


MAX_YEARS_AHEAD = 30  # "Resolution 2254" in a 2017 article is a number, not a year


def _year(m: re.Match, ctx: _Ctx) -> str | None:
    year = _named_year(m, ctx) or ctx.published.year
    return str(year) if year <= ctx.published.year + MAX_YEARS_AHEAD else None


def _day_of_month(m: re.Match, ctx: _Ctx) -> str | None:
    """"the 14th": its month is named after it, in the context, or is a near one."""
    day, rel = int(m.group("d1")), m.group("rel")
    named = None if rel else _CONTEXT_MONTH.search(ctx.context)
    if named:
        month = _month_no(named.group("m1") or named.group("m2"))
        return _format(_pick(lambda y: (date(y, month, day),) * 2, ctx, ctx.published.year))

    def build(k: int) -> Span:
        month = _add_months(ctx.published.replace(day=1), k)
        return (date(month.year, month.month, day),) * 2

    try:
        return _format(_pick(build, ctx, 0) if rel is None else build(_SHIFT[rel]))
    except ValueError:  # "the 31st of next month" in a short month
        return None


def _day_after(m: re.Match, ctx: _Ctx) -> str | None:
    """"the following day": the day after the one the article told just before, if any."""
    return (ctx.after + timedelta(days=1)).isoformat() if ctx.after else None


def _relative_day(m: re.Match, ctx: _Ctx) -> str:
    return (ctx.published + timedelta(days=_DAY_OFFSETS.get(m.group("w"), 0))).isoformat()


def _monday(day: date, weeks: int = 0) -> date:
    return day - timedelta(days=day.weekday()) + timedelta(weeks=weeks)


def _weekday(m: re.Match, ctx: _Ctx) -> str | None:
    """A weekday: in a named week, strictly after/before publication, or nearest."""
    target, rel, week = _WEEKDAYS.index(m.group("wd")), m.group("rel"), m.group("week")
    if re.search(r"\bthat\s+$", m.string[: m.start()]):
        return None  # "on that Monday": the day of another event
    if week:
        return (_monday(ctx.published, _SHIFT[week]) + timedelta(days=target)).isoformat()
    ahead = (target - ctx.published.weekday()) % 7
    if rel in ("next", "coming"):
        offset = ahead or 7
    elif rel in ("last", "past"):
        offset = ahead - 7 if ahead else -7
    else:
        offset = ahead if ctx.future or rel == "this" or not ahead else ahead - 7
    return (ctx.published + timedelta(days=offset)).isoformat()


def _relative_period(m: re.Match, ctx: _Ctx) -> str | None:
    """"this/next/last week|weekend|month|quarter|year"; "later this week" starts today;
    "the month after" (another event) is no time of its own."""
    if m.group("rel") == "the" and _ANCHORED.match(m.string, m.end()):
        return None
    shift, unit, today = _SHIFT[m.group("rel")], m.group("unit"), ctx.published
    if unit in ("month", "quarter"):
        size = 1 if unit == "month" else 3
        start = date(today.year, today.month - (today.month - 1) % size, 1)
        start = _add_months(start, size * shift)
        return _format((start, _add_months(start, size - 1)), "%Y-%m")
    if unit == "year":
        return str(today.year + shift)
    monday = _monday(today, shift)
    start = monday + timedelta(days=5) if unit == "weekend" else monday
    if m.group("later") and shift == 0:
        start = max(start, today)
    return _format((start, monday + timedelta(days=6)))


def _shift(day: date, n: int, unit: str) -> date:
    if unit in ("month", "year"):
        return _add_months(day, n * (12 if unit == "year" else 1))
    return day + timedelta(days=n * {"day": 1, "week": 7, "fortnight": 14}[unit])


# "the first visit ... in ten years", "the ninth increase in a year": a count or a record over
# the period just past, not a time ahead
_RETROSPECT = re.compile(
    r"\b(?:first|highest|lowest|biggest|largest|worst|best|strongest|weakest|longest|most|fewest)\b"
    r"[^.;]{0,80}\bin\s+(?:more than\s+|nearly\s+|almost\s+|over\s+)?\w+\s+(?:years|months|weeks|decades)\b"
    r"|\b(?:second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d+(?:st|nd|rd|th)|highest|lowest|biggest"
    r"|largest|worst|best)\s+(?:[\w-]+\s+){0,2}?in\s+(?:a|an|one)\s+(?:year|month|week|decade)\b"
)


def _duration(m: re.Match, ctx: _Ctx) -> str | None:
    """Durations from publication; see the module docstring for the readings."""
    n = _NUMBERS.get(m.group("n")) or int(m.group("n"))
    unit, kind, today = m.group("unit"), m.group("kind"), ctx.published
    if kind == "in" and _RETROSPECT.search(ctx.context):
        return None  # "the first visit by top Chinese leaders in ten years": a look back
    if _ANCHORED.match(m.string, m.end()) or _anchored_in(m.group(), ctx.context):
        return None  # "within 90 days after their dissolution": counted from another event
    if kind == "over":
        return _format((today, _shift(today, n, unit) - timedelta(days=1)))
    if kind not in ("in", "after", "from now", "hence", "later", "ago"):
        return _format((today, _shift(today, n, unit)))
    point = _shift(today, -n if kind == "ago" else n, unit)
    return {"month": point.strftime("%Y-%m"), "year": str(point.year)}.get(unit, point.isoformat())


@lru_cache(maxsize=256)
def _parser(published: date, future: bool) -> DateDataParser:
    settings = {"RELATIVE_BASE": datetime(published.year, published.month, published.day),
                "PREFER_DATES_FROM": "future" if future else "past",
                "RETURN_AS_TIMEZONE_AWARE": False}
    return DateDataParser(languages=["en"], settings=settings)


def _numeric(m: re.Match, ctx: _Ctx) -> str | None:
    """Numeric dates ("12/25/2019", "25.12.2019", month first) are left to dateparser."""
    data = _parser(ctx.published, ctx.future).get_date_data(m.group())
    return data.date_obj.date().isoformat() if data.date_obj else None


def _iso(m: re.Match, ctx: _Ctx) -> str | None:
    return m.group() if isodates.is_valid(m.group()) else None


_ISO_PART = r"\d{4}-\d{2}(?:-\d{2})?"
_UNIT = r"(?P<unit>day|week|fortnight|month|year)s?\b"
_WHICH = (r"(?P<rel>this|next|last|the coming|the next|the following|coming|following|current"
          r"|past|the)")
_YEAR_REF = rf"\s+of\s+(?:{_WHICH}\s+year|(?P<y>{_YEAR}))"
# Order matters: the first rule that yields a value wins, so stated dates come
# before month names, and month names before relative words and bare years.
_RULES: list[tuple[re.Pattern[str], Callable[[re.Match, _Ctx], str | None]]] = [
    (re.compile(p), handler) for p, handler in (
        (rf"(?<![\d/]){_ISO_PART}(?:/{_ISO_PART})?(?![\d/])", _iso),
        (r"(?<![\d/.])(?:\d{1,2}/\d{1,2}(?:/\d{2,4})?|\d{1,2}\.\d{1,2}\.\d{2,4}"
         r"|\d{4}/\d{1,2}/\d{1,2})(?![\d/]|\.\d)", _numeric),
        (rf"\b{_M1}\s+{_D1}{_Y1}{_SEP}{_M2}\s+{_D2}{_Y2}", _explicit_dates),
        (rf"\b{_D1}{_OF}{_M1}{_Y1}{_SEP}{_D2}{_OF}{_M2}{_Y2}", _explicit_dates),
        (rf"\b{_M1}\s+{_D1}{_SEP}{_D2}{_Y2}", _explicit_dates),
        (rf"\b{_D1}{_SEP}{_D2}{_OF}{_M1}{_Y2}", _explicit_dates),
        (rf"\b(?P<n>first|second|third|fourth|1st|2nd|3rd|4th|last|final|latter)"
         rf" (?P<unit>half|week) of {_M1}{_Y1}", _month_part),
        (rf"\b(?P<n>first|second|1st|2nd|latter) (?P<unit>half){_YEAR_REF}", _year_fraction),
        (rf"\b(?P<n>first|second|third|fourth|1st|2nd|3rd|4th|final|last(?= quarter of))"
         rf" quarter(?:{_YEAR_REF})?", _year_fraction),
        (rf"\bq(?P<n>[1-4])\b(?:\s*(?:of\s+)?(?P<y>{_YEAR}))?", _year_fraction),
        (rf"\b{_M1}\s+{_D1}\b(?!:){_Y1}", _explicit_dates),
        (rf"\b(?:the\s+)?{_D1}{_OF}{_M1}{_Y1}", _explicit_dates),
        (rf"\b(?:{_WHICH}\s+)?(?P<s>spring|summer|autumn|fall|winter)\b"
         rf"(?:\s+(?:of\s+)?(?P<y>{_YEAR}))?",
         _season),
        (rf"\b{_M1}(?!\s*\d{{1,2}}\b){_Y1}", _month),
        (r"\bthe (?P<d1>\d{1,2})(?:st|nd|rd|th)\b"
         r"(?=\s*(?:$|[,.;)]|of (?P<rel>this|next|the) month))",
         _day_of_month),
        (_FOLLOWING_DAY, _day_after),
        (r"\b(?P<w>the day after tomorrow|the day before yesterday|today|tonight|tomorrow"
         r"|yesterday|this (?:morning|afternoon|evening))\b", _relative_day),
        (rf"\b(?:(?P<rel>next|last|this|coming|past)\s+)?(?P<wd>{'|'.join(_WEEKDAYS)})\b"
         rf"(?:\s+(?:of\s+)?(?P<week>this|next|last) week)?", _weekday),
        (rf"\b(?P<later>later\s+)?{_WHICH}\s+(?P<unit>weekend|week|month|quarter|year)\b",
         _relative_period),
        (rf"\b(?P<kind>within(?: the next)?|in the (?:next|coming)|over the (?:next|coming)"
         rf"|during the next|over|in|after)\s+{_NUM}\s+{_UNIT}(?!\s+ago)", _duration),
        (rf"\b{_NUM}\s+{_UNIT}\s+(?P<kind>from now|hence|later|ago)\b", _duration),
        (r"\b(?P<rel>)year[- ]end\b", _year),
        (rf"\b(?P<y>{_YEAR})\b(?!\s*(?:gmt|utc|cet|bst|edt|est|pdt|pst|local time|hours|hrs)\b)", _year),
    )
]


def _clause_around(text: str, context: str, edge: re.Pattern[str] = _CLAUSE_EDGE) -> str | None:
    """The clause of ``context`` around ``text``, without ``text``; None when absent."""
    at = context.find(text)
    if at < 0:
        return None
    edges = list(edge.finditer(context))
    start = max((e.end() for e in edges if e.end() <= at), default=0)
    end = min((e.start() for e in edges if e.start() >= at + len(text)), default=len(context))
    return f"{context[start:at]} {context[at + len(text):end]}"


def _is_future(text: str, context: str) -> bool:
    """Future sense unless the clause around ``text`` in ``context`` reads as past.

    ``text`` itself counts only for future cues ("until"); its past words
    ("last", "ago") are read by the rules.
    """
    if _FUTURE_CUES.search(text) or not context:
        return True
    clause = _clause_around(text, context)
    if clause is None:
        clause = context
    return bool(_FUTURE_CUES.search(clause)) or not _PAST_CUES.search(clause)


def future_sense(expression: str, sentence: str) -> bool:
    """True when the clause of ``sentence`` around ``expression`` has a future cue
    ("will", "due", "next", ...), not merely no past one."""
    text = normalize(expression).lower()
    if _FUTURE_CUES.search(text):
        return True
    context = normalize(sentence).lower()
    clause = _clause_around(text, context, _MENTION_EDGE)
    if clause is None:
        return False
    if _FUTURE_CUES.search(clause) or _PLANNED.search(clause):
        return True
    # a list splits the clause ("will visit Vietnam, Laos and India from Nov. 15 to 26"):
    # then the sentence up to the expression decides, unless the clause itself reads as past
    before = context[:context.find(text)]
    return bool(_FUTURE_CUES.search(before)) and not _PAST_CUES.search(clause)


def told_as_done(expression: str, sentence: str) -> bool:
    """True when the clause of ``sentence`` around ``expression`` reads as past ("met on
    Monday", "stocks fell on Tuesday", "has given his answer today"), not when it merely has
    no future cue ("at Wednesday morning's hearing"). Leans to past: common irregular pasts
    and "has/have" count too, unless a future cue ("will", "expected", "due") is there."""
    text, context = normalize(expression).lower(), normalize(sentence).lower()
    clause = _clause_around(text, context) or context
    if _FUTURE_CUES.search(text) or _FUTURE_CUES.search(clause):
        return False
    return bool(_PAST_CUES.search(clause) or _PAST_FORMS.search(clause))


def possessive_time(expression: str, sentence: str) -> bool:
    """True when ``sentence`` uses the time as a possessive, naming an occasion ("at Wednesday
    morning's hearing", "Thursday's vote"): how a preview names the day's event."""
    words = re.sub(rf"^{LEADING_PREPOSITION}", "", normalize(expression).strip(), flags=re.IGNORECASE)
    return bool(words) and re.search(rf"\b{re.escape(words)}(?:'s|\u2019s)\s+\w", normalize(sentence),
                                     re.IGNORECASE) is not None


def reads_as_planned(sentence: str) -> bool:
    """True when a sentence speaks of something still to come ("will", "due", "takes effect", ...).

    The pipeline asks this of events that are dated on or before the publication day, or not
    dated at all: "stocks fell on Tuesday" in a Tuesday article is not an upcoming event.
    """
    return bool(_PLANNED.search(normalize(sentence).lower()))


_SCHEDULING = re.compile(
    r"\b(?:set|sets|scheduled|rescheduled|postponed|adjourned|delayed|moved|pushed back|ordered|orders"
    r"|gave|given|deadline|set aside)\b")
_CALENDAR_DAY = re.compile(rf"\b{_MON}\.?\s+\d|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MON}\b")
_SET_FOR = re.compile(r"(?:for|to|until|till|by|on)\s")
SCHEDULED_WITHIN_DAYS = 183


def scheduled_ahead(expression: str, sentence: str, published: date) -> bool:
    """True for a calendar day a past-tense decision sets ahead ("a judge on Monday set
    sentencing for Dec. 6", "ordered them to file statements by Oct. 5"): the sentence has a
    scheduling verb, the expression names a month and a day, and that day comes within
    about six months of publication. The window keeps out a day the same words set in the
    past ("had set the trial for Oct. 6" in a November article is not next October's)."""
    text, lowered = normalize(expression).lower(), normalize(sentence).lower()
    verb, at = _SCHEDULING.search(lowered), lowered.find(text)
    if not _SET_FOR.match(text) or verb is None or at < 0 or verb.start() > at:
        return False  # "moved from August 15": the day it had; "On Feb. 14, a judge ordered": the day of the order
    return _calendar_day_ahead(text, published)


def dated_occasion(expression: str, sentence: str, published: date) -> bool:
    """True for a calendar day that names an occasion ahead ("Apple today announced a Sept. 12
    event", "before the Nov. 3 election"): the day, with no preposition of its own, qualifies
    an occasion's noun and comes within about six months (so "the Jan. 6 attack" in a
    February article is not next January's)."""
    text, plain = normalize(expression), normalize(sentence)
    at = plain.find(text)
    if at < 0 or _SET_FOR.match(text.lower()) or re.match(LEADING_PREPOSITION, text, re.IGNORECASE):
        return False  # "for Dec. 6", "at Nov. 3": the day is the time of the clause, not an occasion's name
    told = re.sub(rf"\b(?:{_ANNOUNCING})\b", " ", plain, flags=re.IGNORECASE)  # the announcing is past, not the day
    if not _OCCASION_CUE.search(plain.lower()) or told_as_done(expression, told):
        return False  # "who helped lead the Jan. 6 committee hearings", "the March 5 primary drew record turnout"
    return bool(_OCCASION_AFTER.match(plain, at + len(text))) and _calendar_day_ahead(text.lower(), published)


_ANNOUNCING = r"announced|announces|set|sets|scheduled|slated|planned"
_OCCASION_CUE = re.compile(rf"\b(?:{_ANNOUNCING}|before|ahead of|upcoming|next|until|will|would|expected|due)\b")
_OCCASION_AFTER = re.compile(
    r"\s+(?:[a-z][\w-]*\s+)?(?:event|meeting|vote|election|hearing|sentencing|trial|summit|deadline|launch"
    r"|conference|talks|referendum|ceremony|match|final|game|session|auction|debate|visit|rally|strike"
    r"|opening|release|premiere|deal|signing|court date|showdown)s?\b")


def calendar_day_words(expression: str) -> str:
    """The calendar day in an expression, without what leads to it ("before the Nov. 3" ->
    "Nov. 3"); the expression when it names none."""
    found = _CALENDAR_DAY.search(expression.lower())
    return expression[found.start():] if found else expression


def _calendar_day_ahead(text: str, published: date) -> bool:
    if not _CALENDAR_DAY.search(text):
        return False
    value = resolve(text, published)
    if value is None:
        return False
    span = isodates.span(value)
    return published < span.start <= published + timedelta(days=SCHEDULED_WITHIN_DAYS)


_UNITS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")
_DAY_WORDS = {word: n for n, word in enumerate(
    [*_UNITS, "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
     "seventeenth", "eighteenth", "nineteenth", "twentieth"], start=1)}
_DAY_WORDS.update({f"twenty{sep}{unit}": 21 + i for i, unit in enumerate(_UNITS) for sep in ("-", " ")})
_DAY_WORDS.update({"thirtieth": 30, "thirty-first": 31, "thirty first": 31})
_DAY_WORD = "|".join(sorted(map(re.escape, _DAY_WORDS), key=len, reverse=True))
# a day written as a word, where a month says it is one: "April ninth", "the ninth of April",
# "between April 9 and the tenth"; not "the second round" or "the first half of June"
_WORD_DAY = re.compile(
    rf"(?P<pa>\b{_MON}\s+)(?P<a>{_DAY_WORD})\b"
    rf"|\b(?P<b>{_DAY_WORD})(?=\s+of\s+{_MON})"
    rf"|(?P<pc>\b(?:and|to)\s+the\s+)(?P<c>{_DAY_WORD})\b")


def day_words_as_numbers(text: str) -> str:
    """"April ninth" as "April 9th", "the ninth of April" as "the 9th of April" (lower case)."""
    if not any(word in text for word in ("first", "second", "third", "th")):
        return text

    def number(m: re.Match) -> str:
        word = m.group("a") or m.group("b") or m.group("c")
        prefix = m.group("pa") or m.group("pc") or ""
        if m.group("c") and not re.search(rf"\b{_MON}", text[: m.start()]):
            return m.group(0)  # "and the second": no month before it, so no day of one
        if prefix.startswith("may") and (text[: m.start()].split() or [""])[-1] not in _MAY_AFTER | {"on", "between"}:
            return m.group(0)  # "we may first ask": the verb
        n = _DAY_WORDS[word]
        suffix = "th" if 10 < n % 100 < 14 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{prefix}{n}{suffix}"

    return _WORD_DAY.sub(number, text)


def resolve(when_text: str | None, published: date, context: str | None = None,
            after: date | None = None) -> str | None:
    """Resolve an article's words for a time to an ISO value, or None.

    Args:
        when_text: the article's own words, e.g. "due in the first half of June".
            Leading words such as "on", "due in the", "until" need no stripping:
            rules search inside the text, and "in"/"within"/"until" carry meaning.
        published: the publication date the words are read against.
        context: optional sentence around ``when_text``; used for its tense and
            for the month of a bare "the 14th".
        after: the day the article told just before (`day_told_before`), which
            "the following day" follows; without it that is no time.

    Returns:
        A valid :mod:`.isodates` value, or None when no time can be resolved.
    """
    if not when_text or not when_text.strip():
        return None
    if isinstance(published, datetime):
        published = published.date()
    text = day_words_as_numbers(normalize(when_text).lower().strip(" .,;:\"'"))
    context = normalize(context).lower() if context else ""
    ctx = _Ctx(published, _is_future(text, context), context, after)
    for pattern, handler in _RULES:
        match = pattern.search(text)
        value = handler(match, ctx) if match else None
        if value:
            return isodates.validate(value)
    return None


def ends_before(value: str, published: date) -> bool:
    """True when the whole span of ISO ``value`` ends before ``published``.

    Raises:
        ValueError: if ``value`` is not a valid ISO value.
    """
    if isinstance(published, datetime):
        published = published.date()
    return isodates.span(value).end < published


_LEAD_IN = re.compile(
    r"(?:\b(?:due|set|scheduled|expected)\s+)?"
    r"(?:\b(?:on|in|from|by|until|before|after|at|during|through|for)\s+(?:the\s+)?)?"
    r"(?:\b(?:early|mid|late)[- ]?|\b(?:end|middle|beginning|start) of\s+)?$",
    re.IGNORECASE,
)


def find_expressions(sentence: str, published: date | None = None, after: date | None = None) -> list[str]:
    """The time expressions in ``sentence``, in order, as written (after whitespace folding).

    A match counts only when its rule reads a time from it against ``published`` (default
    today), as :func:`resolve` would: "may" and "fall" the verbs are not a month and a season.
    A leading preposition ("on", "from", "due in the") is kept with its expression, so
    the result reads as the article's own words. Earlier rules win over overlapping later ones.
    """
    text = normalize(sentence)
    lowered = text.lower()
    ctx = _Ctx(published or date.today(), True, lowered, after)
    taken: list[tuple[int, int]] = []
    for pattern, handler in _RULES:
        for match in pattern.finditer(lowered):
            start, end = match.span()
            if start == end or any(s < end and start < e for s, e in taken):
                continue
            if handler(match, ctx) is None:
                continue
            taken.append((start, end))
    found = []
    for start, end in sorted(taken):
        if _DAY_WORD.search(lowered[start:end]):
            # the article's words for the time, all of them: "on Wednesday morning", "on Thursday
            # at 1 p.m.", "at 7 a.m. Monday"
            if part := _PART_OF_DAY.match(lowered, end):
                end = part.end()
            if clock := _CLOCK_AFTER.match(lowered, end):
                end = clock.end()
            if clock := _CLOCK_BEFORE.search(lowered[:start]):
                start = clock.start()
        lead = _LEAD_IN.search(text[:start])
        expression = text[lead.start() if lead and lead.group() else start:end].strip()
        last = expression.rsplit(" ", 1)[-1].lower()
        if last.endswith(".") and last[:-1] not in _ABBREVIATED_MONTHS and last not in _CLOCK_MARKS:
            expression = expression[:-1]  # the sentence's full stop, not an abbreviation's
        found.append(expression)
    return found


_PART_OF_DAY = re.compile(rf"\s+{PART_OF_DAY}\b")
# "Wednesday", "today", "Oct. 9": a day that a part of day or a clock time can go with
_DAY_WORD = re.compile(r"(?:day|today|tomorrow|tonight|\d)$")
_CLOCK = r"(?:\d{1,2}(?::\d{2})?\s*(?:a\.m\.|p\.m\.|am\b|pm\b)|noon\b|midnight\b)"
_CLOCK_AFTER = re.compile(rf"\s+(?:at\s+)?{_CLOCK}")
_CLOCK_BEFORE = re.compile(rf"\bat\s+{_CLOCK}\s+(?:on\s+)?$")
_CLOCK_MARKS = {"a.m.", "p.m."}
_ABBREVIATED_MONTHS = {"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}


def day_told_before(sentences: Sequence[str], index: int, published: date) -> date | None:
    """The last single day from ``published`` on that the sentences before ``index`` name as
    to come: what "the following day" in sentence ``index`` follows ("Cho will travel to
    Turkey on Wednesday. ... Cho will then head to Belgium the following day")."""
    for sentence in reversed(sentences[max(0, index - MAX_ANCHOR_SENTENCES):index]):
        for expression in reversed(find_expressions(sentence, published)):
            value = resolve(expression, published, sentence)
            if not value or not isodates.DAY.match(value):
                continue
            day = date.fromisoformat(value)
            # the publication day counts as told to come ("will hold talks on Thursday"), not as
            # the day of the reporting ("the ministry said on Tuesday")
            if day > published or (day == published and future_sense(expression, sentence)):
                return day
    return None


def follows_another(text: str) -> bool:
    """True when ``text`` names a day by the one before it ("the following day")."""
    return _FOLLOWING_DAY.search(normalize(text).lower()) is not None
