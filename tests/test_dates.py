"""Tests for summarizer.dates: resolving an article's time words to ISO values."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest

from summarizer import isodates
from summarizer.dates import ends_before, find_expressions, future_sense, resolve
from summarizer.textnorm import normalize

ROOT = Path(__file__).resolve().parents[1]
GOLD_DIRS = [ROOT / "evals" / "news", ROOT / "seeds",
             Path(os.environ.get("SUMMARIZER_GOLD_DIR", "/work/shared/articles"))]

# Gold when_texts the resolver cannot reach from the words alone, with why.
KNOWN_MISSES = {
    ("10_ap_sondland_impeachment_hearing", "over three days"):
        "gold clips the three hearing days (Tue-Thu) to the two still to come; "
        "the resolver reads 'over three days' as three days from publication",
}


def _paragraph(article: Path, when_text: str) -> str | None:
    """The first paragraph of the article holding ``when_text``, as context."""
    if not article.exists():
        return None
    needle = normalize(when_text).casefold()
    for line in article.read_text(encoding="utf-8").splitlines():
        if needle in normalize(line).casefold():
            return line
    return None


def _gold_rows() -> list:
    """One pytest param per non-null gold when_text, from every gold directory."""
    rows, seen = [], set()
    for folder in GOLD_DIRS:
        for path in sorted(folder.glob("*.gold.json")) if folder.is_dir() else []:
            gold = json.loads(path.read_text(encoding="utf-8"))
            for index, item in enumerate(gold.get("upcoming", [])):
                when = item.get("when_text")
                key = (gold["id"], index, when)
                if not when or key in seen:
                    continue
                seen.add(key)
                accepted = [v for v in [item.get("date"), *item.get("alt_dates", [])] if v]
                accepted = accepted or [None]
                context = _paragraph(path.with_name(path.name.replace(".gold.json", ".txt")), when)
                reason = KNOWN_MISSES.get((gold["id"], when))
                marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
                rows.append(pytest.param(when, date.fromisoformat(gold["published"]), accepted,
                                         context, id=f"{gold['id']}[{index}]-{when}", marks=marks))
    return rows


GOLD_ROWS = _gold_rows()


@pytest.mark.parametrize(("when_text", "published", "accepted", "context"), GOLD_ROWS)
def test_gold_when_text_without_context(when_text, published, accepted, context):
    assert resolve(when_text, published) in accepted


@pytest.mark.parametrize(("when_text", "published", "accepted", "context"), GOLD_ROWS)
def test_gold_when_text_with_article_context(when_text, published, accepted, context):
    assert resolve(when_text, published, context) in accepted


def test_gold_rows_were_found():
    assert len(GOLD_ROWS) >= 10


D = date.fromisoformat
CASES = [
    # gold examples spelled out
    ("on Thursday", "2017-06-08", "2017-06-08"),
    ("due in the first half of June", "2017-06-08", "2017-06-01/2017-06-15"),
    ("on June 13-14", "2017-06-08", "2017-06-13/2017-06-14"),
    ("from Nov. 15 to 26", "2006-11-07", "2006-11-15/2006-11-26"),
    ("next week's", "2006-12-16", "2006-12-18/2006-12-24"),
    ("Wednesday morning\u2019s hearing", "2019-11-20", "2019-11-20"),
    ("in mid-December", "2019-11-19", "2019-12"),
    ("in February", "2019-11-19", "2020-02"),
    ("until July 17", "2020-07-03", "2020-07-17"),
    ("starting January 1", "2013-12-30", "2014-01-01"),
    ("until July", "2013-12-30", "2014-07"),
    ("For 2014", "2013-12-30", "2014"),
    # weekdays
    ("next Tuesday", "2019-11-20", "2019-11-26"),
    ("Thursday", "2019-11-20", "2019-11-21"),
    ("later on Wednesday", "2019-11-20", "2019-11-20"),
    ("this Friday", "2019-11-20", "2019-11-22"),
    ("Monday night", "2019-11-20", "2019-11-25"),
    ("Tuesday's vote", "2019-11-20", "2019-11-26"),
    ("on Sunday", "2006-12-16", "2006-12-17"),
    ("next Wednesday", "2019-11-20", "2019-11-27"),
    ("last Friday", "2019-11-20", "2019-11-15"),
    ("Monday next week", "2019-11-20", "2019-11-25"),
    # explicit dates, the year inferred forward
    ("Feb. 14", "2019-11-19", "2020-02-14"),
    ("June 13-14", "2017-06-08", "2017-06-13/2017-06-14"),
    ("Nov. 15 to 26", "2006-11-07", "2006-11-15/2006-11-26"),
    ("December 30-January 3", "2019-11-01", "2019-12-30/2020-01-03"),
    ("December 30 - January 3", "2020-01-01", "2019-12-30/2020-01-03"),
    ("Jan. 1", "2013-12-30", "2014-01-01"),
    ("January 1, 2014", "2013-12-30", "2014-01-01"),
    ("on 1 January", "2013-12-30", "2014-01-01"),
    ("Dec 31st", "2019-12-31", "2019-12-31"),
    ("13-14 June", "2017-06-08", "2017-06-13/2017-06-14"),
    ("between June 28 and July 2", "2017-06-08", "2017-06-28/2017-07-02"),
    ("Nov 28 to 3", "2019-11-20", "2019-11-28/2019-12-03"),
    ("Feb 29", "2019-11-19", "2020-02-29"),
    ("on the 14th", "2019-11-20", "2019-12-14"),
    ("on the 24th", "2019-11-20", "2019-11-24"),
    ("the 14th of next month", "2019-11-20", "2019-12-14"),
    ("the 14th of next month", "2019-11-05", "2019-12-14"),
    ("12/25/2019", "2019-11-20", "2019-12-25"),
    ("2019-12-25", "2019-11-20", "2019-12-25"),
    # parts of months
    ("second half of June", "2017-06-08", "2017-06-16/2017-06-30"),
    ("mid-July", "2017-06-08", "2017-07"),
    ("early December", "2019-11-19", "2019-12"),
    ("late December", "2019-11-19", "2019-12"),
    ("end of the month", "2019-11-19", "2019-11"),
    ("end of June", "2017-06-08", "2017-06"),
    ("the first week of July", "2017-06-08", "2017-07-01/2017-07-07"),
    ("the last week of February", "2019-11-19", "2020-02-23/2020-02-29"),
    ("in May", "2019-11-20", "2020-05"),
    ("June 2020", "2019-11-20", "2020-06"),
    # relative days, weeks, months, years
    ("tomorrow", "2019-11-19", "2019-11-20"),
    ("today", "2019-11-19", "2019-11-19"),
    ("tonight", "2019-11-19", "2019-11-19"),
    ("this week", "2019-11-20", "2019-11-18/2019-11-24"),
    ("next week", "2019-11-20", "2019-11-25/2019-12-01"),
    ("later this week", "2019-11-20", "2019-11-20/2019-11-24"),
    ("this weekend", "2019-11-20", "2019-11-23/2019-11-24"),
    ("this month", "2019-11-20", "2019-11"),
    ("next month", "2019-12-20", "2020-01"),
    ("this year", "2019-11-20", "2019"),
    ("next year", "2019-11-20", "2020"),
    ("early next year", "2013-12-30", "2014"),
    ("later this year", "2019-11-20", "2019"),
    ("by the end of the year", "2019-11-20", "2019"),
    ("by year-end", "2019-11-20", "2019"),
    ("in 2014", "2013-12-30", "2014"),
    ("by 2020", "2013-12-30", "2020"),
    # seasons: month intervals, the next one not ended
    ("this summer", "2019-11-20", "2019-06/2019-08"),
    ("in the spring", "2019-11-20", "2020-03/2020-05"),
    ("next autumn", "2019-11-20", "2020-09/2020-11"),
    ("next fall", "2019-11-20", "2020-09/2020-11"),
    ("winter", "2019-11-20", "2019-12/2020-02"),
    ("this winter", "2020-01-15", "2019-12/2020-02"),
    ("summer 2014", "2013-12-30", "2014-06/2014-08"),
    # quarters and halves of a year
    ("in the first quarter", "2019-11-20", "2020-01/2020-03"),
    ("Q3", "2019-11-20", "2020-07/2020-09"),
    ("the fourth quarter of 2020", "2019-11-20", "2020-10/2020-12"),
    ("next quarter", "2019-11-20", "2020-01/2020-03"),
    ("first half of next year", "2019-11-20", "2020-01/2020-06"),
    # durations
    ("within two weeks", "2019-11-20", "2019-11-20/2019-12-04"),
    ("in the next 10 days", "2019-11-20", "2019-11-20/2019-11-30"),
    ("in two weeks", "2019-11-20", "2019-12-04"),
    ("in 10 days", "2019-11-20", "2019-11-30"),
    ("in three months", "2019-11-20", "2020-02"),
    ("two weeks from now", "2019-11-20", "2019-12-04"),
    ("over three days", "2019-11-20", "2019-11-20/2019-11-22"),
    # nothing to resolve
    ("soon", "2019-11-20", None),
    ("later", "2019-11-20", None),
    ("the exact dates are not known yet", "2019-11-20", None),
    ("once the RCMP's investigation and legal proceedings are finished", "2020-07-03", None),
    ("in the coming weeks", "2019-11-20", None),
    ("the 14th APEC meeting", "2019-11-20", None),
    ("prices may fall", "2019-11-20", None),
    # a number, not a year: too far ahead of publication
    ("Resolution 2254", "2017-06-08", None),
    ("2040", "2017-06-08", "2040"),
    # a day written as a word, where a month makes it one; "and the 13th" ends a range
    ("between April ninth and the 13th", "2019-03-20", "2019-04-09/2019-04-13"),
    ("between April 9th and the 13th", "2019-03-20", "2019-04-09/2019-04-13"),
    ("on April ninth", "2019-03-20", "2019-04-09"),
    ("on the ninth of April", "2019-03-20", "2019-04-09"),
    ("on June twenty-first", "2019-03-20", "2019-06-21"),
    ("between May first and the third", "2019-03-20", "2019-05-01/2019-05-03"),
    ("the second round of talks in April", "2019-03-20", "2019-04"),  # no day: a round
    ("we may first ask", "2019-03-20", None),  # "may" the verb
]


@pytest.mark.parametrize(("when_text", "published", "expected"), CASES,
                         ids=[f"{c[0]}@{c[1]}" for c in CASES])
def test_resolve(when_text, published, expected):
    value = resolve(when_text, D(published))
    assert value == expected
    if value is not None:
        assert isodates.validate(value) == value


@pytest.mark.parametrize("when_text", [None, "", "   ", "soon", "TBD", "at a later date"])
def test_unresolvable_gives_none(when_text):
    assert resolve(when_text, date(2019, 11, 20)) is None


CONTEXT_CASES = [
    # tense from the sentence: a past weekday or month is the one already gone
    ("Tuesday", "2006-11-07", "Jiang Yu announced here Tuesday.", "2006-11-07"),
    ("Tuesday", "2019-11-20", "Vindman testified Tuesday.", "2019-11-19"),
    ("on Monday", "2019-11-20", "The talks were held on Monday.", "2019-11-18"),
    ("on Monday", "2019-11-20", "He said talks will be held on Monday.", "2019-11-25"),
    ("in February", "2017-06-08", "He came to Moscow in February and March.", "2017-02"),
    ("until July 17", "2020-07-03", "He has been remanded in custody until July 17.", "2020-07-17"),
    # "the first ... in ten years" looks back; "in two years" in a plan looks ahead
    ("in ten years", "2006-11-07", "It will be the first visit by top Chinese leaders in ten years.", None),
    ("in two years", "2019-11-20", "The bridge will open in two years.", "2021"),
    # the month of a bare day comes from the sentence
    ("on the 14th", "2019-11-20", "Talks resume in January, on the 14th.", "2020-01-14"),
]


@pytest.mark.parametrize(("when_text", "published", "context", "expected"), CONTEXT_CASES,
                         ids=[f"{c[0]}|{c[2]}" for c in CONTEXT_CASES])
def test_resolve_with_context(when_text, published, context, expected):
    assert resolve(when_text, D(published), context) == expected


@pytest.mark.parametrize(("value", "published", "expected"), [
    ("2019-11-19", "2019-11-20", True),
    ("2019-11-20", "2019-11-20", False),
    ("2019-11", "2019-11-20", False),
    ("2019-10", "2019-11-20", True),
    ("2019", "2019-11-20", False),
    ("2018", "2019-11-20", True),
    ("2019-11-01/2019-11-19", "2019-11-20", True),
    ("2019-11-01/2019-11-20", "2019-11-20", False),
    ("2019-06/2019-08", "2019-11-20", True),
])
def test_ends_before(value, published, expected):
    assert ends_before(value, D(published)) is expected


def test_ends_before_rejects_malformed_value():
    with pytest.raises(ValueError):
        ends_before("June 2019", date(2019, 11, 20))


def test_accepts_datetime_published():
    from datetime import datetime
    assert resolve("tomorrow", datetime(2019, 11, 19, 15, 30)) == "2019-11-20"


@pytest.mark.parametrize(("sentence", "expected"), [
    ("His actions may be reviewed in May.", ["in May"]),
    ("Prices may fall, analysts said.", []),
])
def test_may_the_verb_is_not_may_the_month(sentence, expected):
    assert find_expressions(sentence) == expected


@pytest.mark.parametrize(("expression", "sentence", "expected"), [
    ("on Sunday", "Hill said he will meet Kim on Sunday.", True),
    ("next week's", "Talks open with next week's session.", True),  # the expression is the cue
    ("July 10", "He testified about a July 10 meeting when they would need to deliver.", False),
    ("on Monday", "The two met on Monday in Geneva.", False),
    ("in February", "The hearing, which was planned in Geneva, took place in February.", False),
    # a list splits the clause: the sentence up to the expression decides
    ("from Nov. 15 to 26", "Hu will visit Vietnam, Laos, India and Pakistan from Nov. 15 to 26.", True),
    ("in February", "The hearing is scheduled to take place in London in February.", True),
])
def test_future_sense_needs_a_future_cue_in_the_clause(expression, sentence, expected):
    assert future_sense(expression, sentence) is expected


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Sondland\u2019s appearance at Wednesday morning\u2019s hearing is of concern.", ["at Wednesday morning"]),
    ("He will testify on Wednesday morning.", ["on Wednesday morning"]),
    ("The talks resume Thursday evening, and tomorrow night too.", ["Thursday evening", "tomorrow night"]),
    ("The court sits on June 3 in the morning.", ["on June 3"]),  # a part of day only right after a day word
    ("Markets opened on Monday. Morning trade was thin.", ["on Monday"]),
])
def test_a_part_of_day_after_a_day_is_part_of_the_expression(sentence, expected):
    assert find_expressions(sentence) == expected


@pytest.mark.parametrize(("expression", "sentence", "done"), [
    ("on Monday", "The ministers met on Monday.", True),
    ("at Wednesday morning", "Sondland's appearance at Wednesday morning's hearing is of particular concern.", False),
    ("on Thursday", "Lavrov will hold talks on Thursday.", False),
    ("Tuesday", "Stocks closed higher on Tuesday, and oil was held back.", True),  # "closed": the clause is past
    ("on Tuesday", "Oil prices fell sharply on Tuesday on oversupply concerns.", True),  # an irregular past
    ("on Tuesday", "The vote, expected on Tuesday, decides it.", False),
    ("on Thursday", "The board withdrew its offer on Thursday.", True),
    ("today", "The minister has given his answer today.", True),
])
def test_told_as_done(expression, sentence, done):
    from summarizer.dates import told_as_done

    assert told_as_done(expression, sentence) is done


@pytest.mark.parametrize(("expression", "sentence", "possessive"), [
    ("at Wednesday morning", "Sondland\u2019s appearance at Wednesday morning\u2019s hearing is of concern.", True),
    ("on Thursday", "Ahead of Thursday's vote, officials met.", True),
    ("today", "Rebels swept into the city today.", False),
    ("on Thursday", "Thursday's", False),  # no occasion named
])
def test_possessive_time(expression, sentence, possessive):
    from summarizer.dates import possessive_time

    assert possessive_time(expression, sentence) is possessive


@pytest.mark.parametrize(("sentence", "expected"), [
    # a clock time goes with its day, before or after it
    ("Workers plan to strike at 7 a.m. Monday, the union says.", ["at 7 a.m. Monday"]),
    ("They will walk out at midnight Monday.", ["at midnight Monday"]),
    ("The bank will publish its statement on Thursday at 1 p.m.", ["on Thursday at 1 p.m."]),
    ("The court sits on Oct. 9 at 10 a.m. in Bellefonte.", ["on Oct. 9 at 10 a.m."]),
    ("The shop opens at 9 a.m. daily.", []),  # no day: no time expression
    # "1800 GMT" is a clock time, not the year 1800
    ("The statement comes on Thursday at 1 p.m. (1800 GMT).", ["on Thursday at 1 p.m."]),
    # a season naming a thing is not a time
    ("Aides cited his ongoing summer vacation, scheduled well ahead.", []),
    ("The winter Olympics drew crowds.", []),
    ("The plant will reopen in the summer.", ["in the summer"]),
    # "that Monday" is another event's day
    ("The mission is set to launch at 5:23 a.m. on that Monday from the pad.", []),
])
def test_expressions_with_clock_times_and_seasons(sentence, expected):
    assert find_expressions(sentence, date(2021, 8, 9)) == expected


RETROSPECT_AND_TENSE_CASES = [
    # "the ninth increase in a year" counts back over the year past
    ("in a year", "2023-07-27", "The bank will raise rates in what would be the ninth increase in a year.", None),
    ("in a year", "2023-07-27", "The plant will be finished in a year.", "2024"),
    # counts ahead stay ahead: an ordinal far from "in", or a plural period
    ("in two weeks", "2024-03-07", "The second round of talks will take place in two weeks.", "2024-03-21"),
    ("in a week", "2024-03-07", "The first hearing will be held in a week.", "2024-03-14"),
    # the present tense of a schedule is the future: news writes "starts Monday" for next Monday
    ("Monday", "2024-03-07", "The trial starts Monday in Manhattan.", "2024-03-11"),
    ("on Friday", "2021-03-31", "Leaders gather in Xiamen on Friday.", "2021-04-02"),
]


@pytest.mark.parametrize(("when_text", "published", "context", "expected"), RETROSPECT_AND_TENSE_CASES,
                         ids=[f"{c[0]}|{c[2]}" for c in RETROSPECT_AND_TENSE_CASES])
def test_resolve_looks_back_only_at_a_count(when_text, published, context, expected):
    assert resolve(when_text, D(published), context) == expected


@pytest.mark.parametrize(("expression", "sentence", "published", "ahead"), [
    ("for Dec. 6", "A federal judge on Monday set sentencing for the former governor for Dec. 6.", "2011-11-07", True),
    ("by Oct. 5", "The judge ordered both sides to submit written statements by Oct. 5.", "2012-09-10", True),
    ("until July 17", "His lawyer asked for the case to be adjourned until July 17.", "2020-07-03", True),
    ("for Jan. 5", "The court on Tuesday set the trial for Jan. 5.", "2021-12-14", True),  # into next year
    # the same words, but the day came before publication: not next year's
    ("for Oct. 6", "The judge had set the sentencing for Oct. 6 before the trial.", "2011-11-07", False),
    # no scheduling verb: a past day told in the past tense
    ("on Dec. 6", "He was convicted on Dec. 6 of bribery.", "2011-11-07", False),
    # no calendar day: weekdays and months are left to the tense rules
    ("for Monday", "The judge set the hearing for Monday.", "2011-11-07", False),
    # the verb after the day: the day of the order, not one it set
    ("On Feb. 14", "On Feb. 14, a judge ordered the company to pay $2 billion in damages.", "2024-12-20", False),
])
def test_scheduled_ahead(expression, sentence, published, ahead):
    from summarizer.dates import scheduled_ahead

    assert scheduled_ahead(expression, sentence, D(published)) is ahead


@pytest.mark.parametrize(("sentence", "expected"), [
    # counted from another event, not from publication: no time of its own
    ("The presidential vote will take place the month after.", []),
    ("Elections have to be held within 90 days after their dissolution.", []),
    ("The rules take effect within 90 days.", ["within 90 days"]),
    ("We will decide two weeks from now.", ["two weeks from now"]),
])
def test_periods_counted_from_another_event(sentence, expected):
    assert find_expressions(sentence, date(2006, 4, 8)) == expected


@pytest.mark.parametrize(("expression", "sentence", "ahead"), [
    # "moved from August 15, then August 17": the days the launch had, not a day set ahead
    ("from August 15", "NASA said the date, moved from August 15, then August 17, allows more time.", False),
    ("August 17", "NASA said the date, moved from August 15, then August 17, allows more time.", False),
    ("to August 21", "NASA moved the launch to August 21.", True),
])
def test_scheduled_ahead_takes_the_new_day_only(expression, sentence, ahead):
    from summarizer.dates import scheduled_ahead

    assert scheduled_ahead(expression, sentence, date(2023, 7, 6)) is ahead


def test_targeting_a_date_is_a_plan_and_has_to_is_no_perfect():
    from summarizer.dates import reads_as_planned, told_as_done

    assert reads_as_planned("The agency is targeting the end of August for the next launch.")
    assert not told_as_done("during Wednesday", "Everything has to go well during Wednesday's launch.")
    assert told_as_done("today", "The minister has given his answer today.")


def test_beginning_a_day_is_a_plan():
    from summarizer.dates import reads_as_planned

    assert reads_as_planned("The governor ordered the evacuation of the coast beginning Tuesday.")


@pytest.mark.parametrize(("when_text", "after", "expected"), [
    ("the following day", "2026-01-21", "2026-01-22"),
    ("on the next day", "2026-01-31", "2026-02-01"),
    ("the day after", "2026-01-21", "2026-01-22"),
    ("the following day", None, None),  # no day before it: no time of its own
    ("the day after tomorrow", "2026-01-25", "2026-01-22"),  # counts from publication, as before
])
def test_the_following_day(when_text, after, expected):
    anchor = date.fromisoformat(after) if after else None
    assert resolve(when_text, date(2026, 1, 20), None, anchor) == expected


def test_day_told_before_is_the_last_day_ahead_named_before():
    from summarizer.dates import day_told_before

    sentences = ["Cho travels to Turkey on Wednesday.", "He met Fidan on Jan. 2.",
                 "He will see Kallas on Friday and Rutte on Saturday.", "He returns the following day."]
    assert day_told_before(sentences, 3, date(2026, 1, 20)) == date(2026, 1, 24)  # Saturday, the last
    assert day_told_before(sentences, 2, date(2026, 1, 20)) == date(2026, 1, 21)  # Jan. 2 is past
    assert day_told_before(sentences, 0, date(2026, 1, 20)) is None
    # the publication day counts when told as to come, not as the day of the reporting
    told = ["The ministry said on Tuesday that Cho will travel.", "He returns the following day."]
    assert day_told_before(told, 1, date(2026, 1, 20)) is None
    planned = ["Cho will meet Fidan on Tuesday.", "He returns the following day."]
    assert day_told_before(planned, 1, date(2026, 1, 20)) == date(2026, 1, 20)
