"""Upcoming events after the model: time words, event clauses, duplicates, dated plans."""

from __future__ import annotations

from datetime import date

import pytest

from summarizer import events
from summarizer.schema import UpcomingEvent

HU = (
    "Chinese President Hu Jintao will pay state visits to Vietnam, Laos, India and Pakistan "
    "from Nov. 15 to 26, spokeswoman Jiang Yu announced here Tuesday. "
    "Hu will visit India from Nov. 20 to 23, which will be the first visit by top Chinese leaders in ten years. "
    "While in Vietnam, Hu will also attend the APEC meeting to be held in Hanoi from Nov. 17 to 19, Jiang said."
)
HILL = (
    "US negotiator Christopher Hill said Saturday he will meet Kim Kye-Gwan in Beijing ahead of "
    "next week's six-way talks. Kim, speaking earlier Saturday, was not optimistic."
)


@pytest.mark.parametrize(("when_text", "event", "article", "expected"), [
    # a short time phrase is kept as written
    ("from Nov. 15 to 26", "Hu visits four nations", HU, "from Nov. 15 to 26"),
    # a long when_text is a clause: the time the model wrote into the event wins
    ("which will be the first visit by top Chinese leaders in ten years",
     "Hu will visit India from Nov. 20 to 23", HU, "from Nov. 20 to 23"),
    # ... and else the time inside the long when_text
    ("the next round of tariffs is due to start in mid-December", "Trump raises tariffs",
     "The next round of tariffs is due to start in mid-December.", "in mid-December"),
    # a when_text without a time gives none
    ("as guest of the Vietnamese leaders", "Hu will pay the visits", HU, None),
    (None, "Hu will pay the visits", HU, None),
    # the day of the reporting is not the day of the event
    ("Saturday", "Hill will meet Kim in Beijing", HILL, None),
    ("Saturday", "Hill will meet Kim ahead of next week's talks", HILL, "next week"),
    ("Tuesday morning", "Lavrov will travel to Geneva", "Lavrov said Tuesday morning he will travel to Geneva.", None),
    # the time in the event clause as the article writes it, without the model's lead-in words
    (None, "The Crew-7 mission is set for August 21", "NASA is now targeting August 21 for the launch.",
     "August 21"),
    (None, "The Crew-7 mission is set for August 21", "NASA is now targeting late August for the launch.", None),
])
def test_time_words(when_text, event, article, expected):
    assert events.time_words(when_text, event, article) == expected


@pytest.mark.parametrize(("text", "when", "expected"), [
    ("Hu will visit India from Nov. 20 to 23, which will be the first visit in ten years",
     "from Nov. 20 to 23", "Hu will visit India"),
    # the time's preposition goes with it, at the end or inside the clause
    ("Apple will unveil its newest iPhone on Sept. 12", "Sept. 12", "Apple will unveil its newest iPhone"),
    ("The next crew launch is targeted for the end of August", "end of August", "The next crew launch is targeted"),
    ("Lavrov and de Mistura will hold talks on Friday in Geneva", "Friday",
     "Lavrov and de Mistura will hold talks in Geneva"),
    # who reported it goes, unless the event's subject is a pronoun only the lead explains
    ("NASA's chief tells Spectrum News on Monday that the next crew launch is targeted for August", "August",
     "the next crew launch is targeted"),
    ("The ministry said that Lavrov will travel to Geneva on Friday", "on Friday", "Lavrov will travel to Geneva"),
    ("Hill said Saturday that he will meet Kim in Beijing next week", "next week",
     "Hill said Saturday that he will meet Kim in Beijing"),
    ("Hu will also attend the APEC meeting from Nov. 17 to 19, Jiang said.", "from Nov. 17 to 19",
     "Hu will also attend the APEC meeting"),
    ("Hill will meet Kim ahead of next week's talks", "next week", "Hill will meet Kim ahead of talks"),
    ("The next round is expected in July.", "expected in July", "The next round is expected"),
    ("A seventh round of negotiations in Geneva due in the first half of June", "due in the first half of June",
     "A seventh round of negotiations in Geneva"),
    # an attribution that carries the content is not cut
    ("Hill, arriving in Japan, said he will meet Kim in Beijing on Sunday.", "on Sunday",
     "Hill, arriving in Japan, said he will meet Kim in Beijing"),
    # too little left: the text stays whole
    ("Talks on Monday", "on Monday", "Talks on Monday"),
    # a possessive time after its own preposition: the preposition is the noun's, the clause stays whole
    ("Sondland will be testifying at Wednesday morning's hearing", "at Wednesday morning",
     "Sondland will be testifying at Wednesday morning's hearing"),
    ("Sondland will testify at Wednesday morning's hearing, officials said.", "at Wednesday morning",
     "Sondland will testify at Wednesday morning's hearing"),  # the attribution still goes
])
def test_clause(text, when, expected):
    assert events.clause(text, when) == expected


@pytest.mark.parametrize(("sentence", "expression", "expected"), [
    ("Last month, a judge rejected his attempt to delay the full extradition hearing, which is "
     "scheduled to take place in London in February.", "in February",
     "the full extradition hearing is scheduled to take place in London"),
    ('"On whose authority?" said Hill, who will testify Thursday. "The president," he said.', "Thursday",
     "Hill will testify"),
    ("The next round of tariffs is due to start in mid-December.", "in mid-December",
     "The next round of tariffs is due to start"),
    # a plan reported in a clause of its own starts there
    ("The spokesman spoke after being asked about reports that Kono will visit Seoul next week.", "next week",
     "Kono will visit Seoul"),
    ("His lawyer, Michael Davies, asked for the case to be adjourned until July 17.", "until July 17",
     "the case to be adjourned"),
    ('The judge ordered both sides to submit written statements "to aid the court" by Oct. 5.', "by Oct. 5",
     'both sides to submit written statements "to aid the court"'),
    # ... unless its subject is a pronoun: the sentence says who it is
    ("Hill said Saturday he will meet Kim on Sunday.", "on Sunday", "Hill said Saturday he will meet Kim"),
    # "that" opening a relative clause is not a report
    ("The measure that will take effect in July is popular.", "in July", "The measure that will take effect is popular"),
    ("Congress passed a bill that Biden will sign on Friday.", "on Friday", "Congress passed a bill that Biden will sign"),
])
def test_mention_clause(sentence, expression, expected):
    assert events.mention_clause(sentence, expression) == expected


def test_planned_mentions_of_an_article():
    found = events.planned_mentions(HU + " " + HILL, date(2006, 11, 7))
    assert [(e.when_text, e.date) for e in found] == [
        ("from Nov. 15 to 26", "2006-11-15/2006-11-26"),
        ("from Nov. 20 to 23", "2006-11-20/2006-11-23"),
        ("from Nov. 17 to 19", "2006-11-17/2006-11-19"),
        ("next week", "2006-11-13/2006-11-19"),
    ]
    assert found[2].event == "While in Vietnam, Hu will also attend the APEC meeting to be held in Hanoi"
    # "Tuesday" (the reporting day) and "in ten years" (a look back) are not plans


@pytest.mark.parametrize("sentence", [
    "The two met on June 1 in Geneva.",  # past
    "Assange was due to be released in September.",  # a plan overtaken
    "After the meeting it was reported that the next round would be held in July.",
    "Stocks rose on Tuesday.",  # no plan
    "Officials said on Saturday they will decide.",  # the day of the reporting, which is today
    "Opposition parties, which were expecting the polls to be held next year, were displeased.",  # overtaken
    "Tuesday's vote drew crowds.",  # an occasion told as done
    "Shareholders of record as of Oct 10 will be entitled to vote.",  # a reference day
])
def test_not_planned_mentions(sentence):
    assert events.planned_mentions(sentence, date(2019, 11, 16)) == []


def ev(event, date_, evidence="s", when=None):
    return UpcomingEvent(event=event, when_text=when, date=date_, evidence=evidence)


def test_dedupe_same_day_same_sentence_or_same_clause():
    a = ev("Hill will meet Kim in Beijing", "2006-12-17", "Hill will meet Kim on Sunday.")
    b = ev("Hill meets Kim bilaterally", "2006-12-17", "Hill will meet Kim on Sunday.")  # same sentence
    c = ev("Hill will meet Kim in Beijing", "2006-12-17", "Tomorrow he meets Kim.")  # same clause
    d = ev("Six-party talks open", "2006-12-18/2006-12-24", "Hill will meet Kim on Sunday.")  # other date
    assert events.dedupe([a, b, c, d]) == [a, d]


def test_covered_by_the_same_days_or_a_similar_clause():
    model = [ev("Lavrov holds a meeting on Syria in Astana", "2017-06-13/2017-06-14"),
             ev("The laws take effect", "2014")]
    assert events.covered(ev("Russia offered to meet in Kazakhstan", "2017-06-13/2017-06-14"), model)
    assert events.covered(ev("New laws take effect", "2014"), model)
    # a year is not precise: another event of that year is not covered by it
    assert not events.covered(ev("Colorado legalizes marijuana", "2014"), model)
    assert not events.covered(ev("Lavrov holds a meeting on Syria in Astana", "2017-07"), model)


def test_attach_dates_an_undated_event_of_the_same_sentence():
    undated = ev("Astana talks", None, "The next round is expected in July.")
    dated = ev("The next round is expected", "2017-07", "The next round is expected in July.")
    assert events.attach(dated, [ev("Other", None, "x"), undated]) == 1
    assert events.attach(dated, [ev("Other", None, "x")]) is None


def test_clause_takes_the_clock_time_with_its_day():
    assert events.clause("Union workers plan to strike at 7 a.m. Monday", "Monday") == "Union workers plan to strike"
    assert events.clause("The bank will publish its statement on Thursday at 1 p.m.", "on Thursday") == (
        "The bank will publish its statement")


@pytest.mark.parametrize(("text", "expected"), [
    ('"We will meet on Monday," he said', "We will meet"),  # both marks were the quote's ends
    ('They will file statements "to aid the court" on Monday', 'They will file statements "to aid the court"'),
])
def test_clause_keeps_a_quotation_whole(text, expected):
    assert events.clause(text, "on Monday") == expected


def test_an_apostrophe_is_no_quotation_mark():
    assert events.clause("'We'll go ahead with the strike on Monday,' union leader Mick Lynch said.", "on Monday") == (
        "We'll go ahead with the strike")



def test_planned_mentions_set_by_a_past_decision():
    article = (
        "A federal judge on Monday set sentencing for former Gov. Rod Blagojevich for Dec. 6. "
        "The judge had originally scheduled the sentencing for Oct. 6, but it was postponed. "
        "He was convicted on Dec. 6 of bribery."
    )
    found = events.planned_mentions(article, date(2011, 11, 7))
    assert [(e.when_text, e.date) for e in found] == [("for Dec. 6", "2011-12-06")]


def test_planned_mentions_of_an_occasion_named_by_its_day():
    found = events.planned_mentions(
        "Of course everything has to go well during Wednesday's SpaceX Demo-2 test launch.", date(2020, 5, 25))
    assert [(e.event, e.when_text, e.date) for e in found] == [
        ("SpaceX Demo-2 test launch", "during Wednesday", "2020-05-27")]


def test_a_reporting_day_after_told_and_its_object():
    article = "Bridenstine told Spectrum News on Monday that NASA is targeting the end of August."
    assert events.reporting_day("on Monday", article)
    assert events.time_words("on Monday", "NASA is targeting the end of August for the next launch", article) == (
        "end of August")


def test_clause_ends_before_but():
    assert events.clause("The commission announced the schedule for the election, but parties said they "
                         "may boycott it") == "The commission announced the schedule for the election"


@pytest.mark.parametrize(("sentence", "published", "expected"), [
    # a day that names an occasion ahead, though the sentence tells of its announcing
    ("Apple today announced a Sept. 12 event in San Francisco to unveil its newest iPhone.", date(2012, 9, 4),
     [("Apple today announced an event in San Francisco to unveil its newest iPhone", "Sept. 12", "2012-09-12")]),
    ("Polls before the Nov. 3 election show a tight race.", date(2020, 9, 1),
     [("Polls before the election show a tight race", "before the Nov. 3", "2020-11-03")]),
    # the same words for a day gone by: not next year's
    ("Lawmakers recalled the Jan. 6 attack on the Capitol.", date(2021, 2, 10), []),
    ("He testified about a July 10 meeting when they would need to deliver.", date(2019, 11, 20), []),
    # told as done, or no word of a plan
    ("The March 5 primary election drew record turnout, officials said.", date(2024, 12, 20), []),
    ("Cheney, who helped lead the Jan. 6 committee hearings, lost her primary.", date(2022, 8, 17), []),
    # a day once planned, then another: the new one
    ("The trial, originally scheduled for March 25, will now begin on April 15.", date(2024, 3, 7),
     [("The trial, originally scheduled for March 25, will now begin", "on April 15", "2024-04-15")]),
])
def test_planned_mentions_of_an_occasion_named_by_its_date(sentence, published, expected):
    found = events.planned_mentions(sentence, published)
    assert [(e.event, e.when_text, e.date) for e in found] == expected


def test_the_following_day_follows_the_day_told_before():
    article = ("Foreign Minister Cho will visit Turkey and Belgium later this week, the ministry said on Tuesday. "
               "Cho will travel to Turkey on Wednesday for talks with Hakan Fidan. "
               "The meeting follows a state visit in November last year. "
               "Cho will then head to Belgium the following day for talks with Kaja Kallas.")
    found = events.planned_mentions(article, date(2026, 1, 20))  # a Tuesday
    assert [(e.when_text, e.date) for e in found][-1] == ("the following day", "2026-01-22")
    assert found[-1].event == "Cho will then head to Belgium for talks with Kaja Kallas"
    # with no day told before it, "the following day" is no time
    assert events.planned_mentions("Cho will head to Belgium the following day.", date(2026, 1, 20)) == []
