"""Upcoming events after the model: the article's time words, a clean event clause,
duplicates merged, and dated plans the model left out.

The model writes an event clause and copies a `when_text`; a 1.5B model often
copies too much ("which will be the first visit ... in ten years") or puts the
time in the clause ("Hu will visit India from Nov. 20 to 23"). These helpers
take the time words the article actually uses, keep the clause short, and add
the article's own dated plans ("... will attend the APEC meeting from Nov. 17
to 19") that no model event covers, and the days a past decision set ahead ("a
judge on Monday set sentencing for Dec. 6"; not "had originally scheduled it for
Oct. 6", nor "moved from August 15"), and an occasion a possessive day names
("during Wednesday's SpaceX Demo-2 test launch" in a Monday article). A plan
reported in a clause of its own ("reports that Kono will visit Seoul next week")
is told from that clause.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from functools import lru_cache

from . import dates, grounding, isodates
from .schema import UpcomingEvent

MAX_TIME_WORDS = 6  # a when_text longer than this is a clause, not a time phrase
MIN_CLAUSE_WORDS = 3
SAME_TEXT = 80  # grounding.similarity of two clauses telling one event
COVERED_TEXT = 60  # ... of a rule-found clause and a model event on overlapping dates

# What follows the event itself: a relative clause, a circumstance, the attribution.
_TAIL = re.compile(
    r",\s+(?:which|who|whom|where|after|according|as|while|when|but)\b.*$"
    r"|\s+as (?:the )?guests? of\b.*$"
    r"|,\s*[^,]{0,60}?\b(?:said|says|announced|added|told reporters|reported)(?:\s+[^\s,]+){0,3}\s*[.]?$",
    re.IGNORECASE,
)
_TIME_PREPOSITION = r"(?:on|at|in|for|from|during|by)(?:\s+the)?(?=\s)"
_LEAD_VERB = re.compile(r"^(?:due|set|scheduled|expected)\s+(?=\w)", re.IGNORECASE)
_QUOTE_MARKS = "\"'\u201c\u201d\u2018\u2019"


_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
# Who reported the event, before it: "NASA's chief tells Spectrum News on Monday that ..."
_REPORTED_LEAD = re.compile(
    r"^[^,;:]{0,80}?\b(?:said|says|tells|told|announced|announces|confirmed|reported|reports)"
    rf"(?:\s+[A-Z][\w.'\u2019-]*){{0,3}}(?:\s+(?:on\s+)?(?:{_WEEKDAY}|today))?"
    r"\s+that\s+", re.IGNORECASE)
_REPORTED_ON = re.compile(
    rf"\b(?:said|says|told(?:\s+(?:[A-Z][\w.'\u2019-]*|reporters|journalists)){{0,3}}|announced|added|warned|speaking"
    rf"|spoke|stated|earlier)\s+(?:on\s+)?(?P<day>{_WEEKDAY})\b",
    re.IGNORECASE,
)
# A plan that was overtaken: "Assange was due to be released in September"
# or was moved: "the judge had originally scheduled the sentencing for Oct. 6, but ..."
_PAST_PLAN = re.compile(
    r"\b(?:was|were|had been)\s+(?:due|expected|expecting|scheduled|set|supposed|slated|planned|meant)\b"
    r"|\bit was reported that\b",
    re.IGNORECASE,
)
# ... said of one day only: "The trial, originally scheduled for March 25, will now begin on April 15"
_PAST_DAY = re.compile(
    r"\bhad\s+(?:(?:originally|initially|first|previously|earlier)\s+)?(?:scheduled|set|planned|slated)\b"
    r"|\b(?:originally|initially|previously)\s+(?:due|scheduled|set|planned|slated|expected)\b",
    re.IGNORECASE,
)


def reporting_day(expression: str, article: str) -> bool:
    """True for a bare weekday that the article uses only as the day of the reporting
    ("Hill said Saturday he will meet ..."): not the day of the event."""
    day = re.fullmatch(rf"(?:on\s+)?(?P<day>{_WEEKDAY})(?:\s+{dates.PART_OF_DAY})?", expression.strip(), re.IGNORECASE)
    return day is not None and day.group("day").lower() in _reporting_days(article)


@lru_cache(maxsize=64)
def _reporting_days(article: str) -> frozenset[str]:
    """The weekdays every mention of which in ``article`` follows a reporting verb."""
    uses = Counter(m.lower() for m in re.findall(rf"\b{_WEEKDAY}\b", article, re.IGNORECASE))
    reported = Counter(m.group("day").lower() for m in _REPORTED_ON.finditer(article))
    return frozenset(day for day, count in reported.items() if uses[day] == count)


def time_words(when_text: str | None, event: str, article: str) -> str | None:
    """The article's words for when an event happens, or None.

    In order: a short ``when_text`` holding a time expression, as written; a time
    expression the model wrote into the event clause (when the article has it); the first
    time expression inside a long ``when_text``. A weekday the article gives only as the day of
    the reporting ("said Saturday") is not the event's time. A ``when_text`` with no time in
    it gives None.
    """
    when = (when_text or "").strip() or None
    short = when is not None and len(when.split()) <= MAX_TIME_WORDS and (
        bool(dates.find_expressions(when)) or dates.follows_another(when))  # "the following day": dated later
    options = [when] if short else []
    options += [words for e in dates.find_expressions(event) if (words := _as_the_article_has_it(e, article))]
    if when and not short:
        options += dates.find_expressions(when)
    return next((o for o in options if not reporting_day(o, article)), None)


def _as_the_article_has_it(expression: str, article: str) -> str | None:
    """A time expression from the model's event clause as the article writes it: whole, or
    without the words that lead to it ("set for August 21" -> "August 21"); None if the
    article has neither."""
    words = expression.split()
    for start in range(len(words)):
        tail = " ".join(words[start:])
        if grounding.sentence_with(article, tail) and dates.find_expressions(tail):
            return tail
    return None


def clause(text: str, when: str | None = None) -> str:
    """``text`` as a short event clause: the time words, a trailing relative clause and an
    attribution ("..., Jiang said") removed. Returns ``text`` when too little would be left."""
    out = text
    if when:
        # the event's own, longer words for the same time go whole: "at 7 a.m. Monday" for "Monday"
        when = max((e for e in dates.find_expressions(out) if when.lower() in e.lower()
                    and _CLOCK_WORDS.search(e.lower().replace(when.lower(), " "))), key=len, default=when)
        if re.search(rf"\b(?:is|are|was|were|be|been)\s+{re.escape(when)}", out, re.IGNORECASE):
            when = _LEAD_VERB.sub("", when)  # "is expected in July": the clause keeps its verb
        # "testifies at Wednesday morning's hearing": "at" is the hearing's, the time stays
        if not (re.match(dates.LEADING_PREPOSITION, when, re.IGNORECASE)
                and re.search(rf"{re.escape(when)}(?:'s|\u2019s)", out, re.IGNORECASE)):
            # a preposition of the time goes with it: "unveil its iPhone on Sept. 12" is "unveil its iPhone"
            out = re.sub(rf"(?:\s+{_TIME_PREPOSITION})?\s*{re.escape(when)}(?:'s|\u2019s)?", "", out, count=1,
                         flags=re.IGNORECASE)
    out = _TAIL.sub("", out)
    lead = _REPORTED_LEAD.match(out)
    if lead and not _PRONOUN.match(out, lead.end()):  # "he will meet": the lead names who "he" is
        out = out[lead.end():]
    out = _trim_quotes(" ".join(out.split()).strip(" ,.;:"))
    return out if len(out.split()) >= MIN_CLAUSE_WORDS else " ".join(text.split())


_CLOCK_WORDS = re.compile(r"\d|\bnoon\b|\bmidnight\b|a\.m\.|p\.m\.")


def _trim_quotes(text: str) -> str:
    """``text`` without quotation marks left open at its ends (the quote ran on past the clause,
    or began before it); a quotation inside it keeps both its marks."""
    while text and text[0] in _QUOTE_MARKS and not _closes(text[0], text[1:]):
        text = text[1:].lstrip(" ,.;:")
    while text and text[-1] in _QUOTE_MARKS and not _opens(text[-1], text[:-1]):
        text = text[:-1].rstrip(" ,.;:")
    return text


def _closes(mark: str, rest: str) -> bool:
    return _quote_mark({"\u201c": "\u201d", "\u2018": "\u2019"}.get(mark, mark), rest)


def _opens(mark: str, rest: str) -> bool:
    return _quote_mark({"\u201d": "\u201c", "\u2019": "\u2018"}.get(mark, mark), rest)


def _quote_mark(mark: str, text: str) -> bool:
    """True when ``mark`` occurs in ``text`` as a quotation mark, not an apostrophe ("We'll")."""
    return re.search(rf"(?<![A-Za-z]){re.escape(mark)}|{re.escape(mark)}(?![A-Za-z])", text) is not None


def _overlap(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and isodates.span(a).overlaps(isodates.span(b))


def same_event(a: UpcomingEvent, b: UpcomingEvent) -> bool:
    """One event told twice: the same date, and the same sentence or nearly the same clause."""
    if a.date != b.date:
        return False
    same_sentence = a.date is not None and a.evidence == b.evidence
    return same_sentence or grounding.similarity(a.event, b.event) >= SAME_TEXT


def dedupe(events: list[UpcomingEvent]) -> list[UpcomingEvent]:
    kept: list[UpcomingEvent] = []
    for event in events:
        if not any(same_event(event, k) for k in kept):
            kept.append(event)
    return kept


def covered(candidate: UpcomingEvent, events: list[UpcomingEvent]) -> bool:
    """True when a model event already tells the rule-found ``candidate``: the same days,
    or overlapping dates and a similar clause."""
    return any(
        (candidate.date == e.date and _to_the_day(e.date))
        or (_overlap(candidate.date, e.date) and grounding.similarity(candidate.event, e.event) >= COVERED_TEXT)
        for e in events
    )


def attach(candidate: UpcomingEvent, events: list[UpcomingEvent]) -> int | None:
    """The index of an undated event told by the candidate's sentence, or None."""
    return next(
        (i for i, e in enumerate(events) if e.date is None and e.evidence == candidate.evidence), None
    )


def _to_the_day(value: str | None) -> bool:
    """A day or a range of days ("2017-06-13/2017-06-14"): two events of one article on
    exactly these days are one event told twice. A month or a year is not that precise."""
    return value is not None and len(value.split("/")[0]) == len("YYYY-MM-DD")


_RELATIVE = re.compile(r",\s+(?P<rel>which|who)\s+")
_NAME_BEFORE = re.compile(r"(?:[A-Z][\w.'\u2019\-]*\s+){0,2}[A-Z][\w.'\u2019\-]*$")
_DETERMINER = re.compile(r"\b(?:the|a|an|its|his|her|their|this)\s", re.IGNORECASE)
MAX_ANTECEDENT_CHARS = 60


def _antecedent(head: str, relative: str) -> str | None:
    """What "who" or "which" refers to: the name, or the noun phrase from its last determiner."""
    if relative == "who":
        name = _NAME_BEFORE.search(head)
        return name.group(0) if name else None
    starts = [m.start() for m in _DETERMINER.finditer(head)]
    if not starts or "," in head[starts[-1]:] or len(head) - starts[-1] > MAX_ANTECEDENT_CHARS:
        return None
    return head[starts[-1]:]


# Where a reported plan starts: after "that" or a reporting verb (and its day), when a
# subject and a future verb follow: "asked about reports that Kono will visit Seoul next week"
_REPORTED = re.compile(
    rf"\b(?:(?:said|says|saying|reports?|reported|announced|stated|added|warned|confirmed|believes?|expects?"
    rf"|claimed|insisted|noted|indicated|told\s+\w+)\s+that|said|says|announced|added|reported|stated"
    rf"|told\s+\w+)(?:\s+(?:on\s+)?{_WEEKDAY})?\s+",
    re.IGNORECASE,
)
_SUBJECT_THEN_FUTURE = re.compile(r"^(?=\W*\w)[^,;:]*?\s(?:will|would|is to|are to|was to|were to|plans? to|is set to|are set to)\b",
                                  re.IGNORECASE)


# ... or is asked for: "asked for the case to be adjourned until July 17"
_DIRECTED = re.compile(r"\b(?:asked(?:\s+for)?|ordered|told|urged|called\s+for|requested|directed|instructed)\s+",
                       re.IGNORECASE)
_SUBJECT_THEN_TO = re.compile(r"^(?=\W*\w)[^,;:]*?\sto\s+\w", re.IGNORECASE)
MAX_REPORTED_CHARS = 200  # a reported plan starts near its time
_PRONOUN = re.compile(r"(?:he|she|it|they|we|i|you)\b", re.IGNORECASE)


def _reported_plan(sentence: str, at: int) -> str:
    """``sentence`` from where the plan dated at ``at`` is reported ("... reports that Kono will
    visit Seoul next week" -> "Kono will visit Seoul next week") or asked for ("asked for the
    case to be adjourned until July 17" -> "the case to be adjourned until July 17"); the
    whole sentence when the plan is neither, or its subject is a pronoun."""
    low = max(0, at - MAX_REPORTED_CHARS)
    starts = [(m.end(), _SUBJECT_THEN_FUTURE) for m in _REPORTED.finditer(sentence, low, at)]
    starts += [(m.end(), _SUBJECT_THEN_TO) for m in _DIRECTED.finditer(sentence, low, at)]
    for start, then in sorted(starts, reverse=True):
        if _PRONOUN.match(sentence, start):
            break  # "said he will meet ...": the sentence names who "he" is, the clause would not
        if then.match(sentence[start:at]):
            return sentence[start:]
    return sentence


def mention_clause(sentence: str, expression: str) -> str:
    """The event clause of a dated mention. When the time sits in a relative clause
    ("... the full extradition hearing, which is scheduled ... in February"), the clause is
    its antecedent plus the relative clause ("the full extradition hearing is scheduled ...").
    When it sits in a reported clause ("... reports that Kono will visit Seoul next week"),
    the clause starts there ("Kono will visit Seoul")."""
    at = sentence.find(expression)
    relative = [m for m in _RELATIVE.finditer(sentence) if m.end() <= at] if at >= 0 else []
    if relative:
        last = relative[-1]
        head = sentence[:last.start()]
        antecedent = _antecedent(head, last.group("rel"))
        if antecedent:
            body = re.split(r"(?<=[.!?])\s", sentence[last.end():], maxsplit=1)[0]
            return clause(f"{antecedent} {body}", expression)
    return clause(_reported_plan(sentence, at) if at >= 0 else sentence, expression)


def _occasion(sentence: str, expression: str) -> str | None:
    """The occasion a possessive time names ("everything has to go well during Wednesday's
    SpaceX Demo-2 test launch" -> "SpaceX Demo-2 test launch"), unless the sentence tells it
    as done; else None."""
    if not dates.possessive_time(expression, sentence) or dates.told_as_done(expression, sentence):
        return None
    words = re.sub(rf"^(?:{dates.LEADING_PREPOSITION}|during\s+|before\s+|after\s+|ahead of\s+)", "", expression,
                   flags=re.IGNORECASE)
    named = re.search(rf"\b{re.escape(words)}(?:'s|\u2019s)\s+([^,.;:!?()]+)", sentence, re.IGNORECASE)
    occasion = named.group(1).strip() if named else ""
    return occasion if len(occasion.split()) >= 2 else None


def _clause_with(sentence: str, expression: str) -> str:
    """The part of ``sentence`` between the commas (or ;:()) around ``expression``, with it."""
    at = sentence.find(expression)
    if at < 0:
        return sentence
    start = max(sentence.rfind(mark, 0, at) for mark in ",;:(") + 1
    ends = [i for i in (sentence.find(mark, at + len(expression)) for mark in ",;:)") if i >= 0]
    return sentence[start:min(ends) if ends else len(sentence)]


def _dated_clause(sentence: str, day: str) -> str:
    """The clause of a dated occasion without its day ("announced a Sept. 12 event" ->
    "announced an event")."""
    sentence = re.sub(rf"\b([Aa])\s+{re.escape(day)}\s+(?=[aeiouAEIOU])", r"\1n ", sentence, count=1)
    return mention_clause(sentence, day)


def planned_mentions(article: str, published: date) -> list[UpcomingEvent]:
    """Dated plans the article states: a time expression read in a future sense, in a
    sentence that reads as planned (or with "until"/"next" in the expression itself),
    resolving to a span that goes on after the publication day.

    A span that ends on the publication day is left out: a plan for that day ("said
    Saturday he will meet") too often names the day of the reporting, not of the event;
    the model's events cover it.
    """
    found: list[UpcomingEvent] = []
    sentences = grounding.sentences(article)
    for index, sentence in enumerate(sentences):
        if _PAST_PLAN.search(sentence):
            continue
        planned = dates.reads_as_planned(sentence)
        after = dates.day_told_before(sentences, index, published) if dates.follows_another(sentence) else None
        for expression in dates.find_expressions(sentence, published, after):
            future = dates.future_sense(expression, sentence) and (planned or dates.reads_as_planned(expression))
            occasion = not future and _occasion(sentence, expression)
            told = future or bool(occasion)  # the sentence tells the day as to come
            dated = not told and dates.dated_occasion(expression, sentence, published)
            set_ahead = not told and (dated or dates.scheduled_ahead(expression, sentence, published))
            if not (told or set_ahead):
                continue
            if reporting_day(expression, article) or re.search(rf"\bas of\s+{re.escape(expression)}", sentence) \
                    or _PAST_DAY.search(_clause_with(sentence, expression)):
                continue  # "shareholders of record as of Oct 10": a reference day, not an event's
            # a day set ahead is read ahead, whatever the tense of the sentence that sets it
            value = dates.resolve(expression, published, None if set_ahead else sentence, after)
            if value is None or isodates.span(value).end <= published:
                continue
            if occasion and isodates.span(value).start <= published:
                continue  # "Tuesday's vote" on or before the day of the article: held, or the model's to tell
            event = UpcomingEvent(
                # "before the Nov. 3 election": the occasion keeps its words, only the day goes
                event=occasion or (_dated_clause(sentence, dates.calendar_day_words(expression)) if dated
                                   else mention_clause(sentence, expression)),
                when_text=expression, date=value,
                evidence=sentence,
            )
            if not any(same_event(event, k) for k in found):
                found.append(event)
    return found
