"""The overview after the model: key issues as the article's passages, the summary tidied."""

from __future__ import annotations

import pytest

from summarizer import grounding
from summarizer.passages import key_passages, tidy_summary
from summarizer.textnorm import quote_found

ARTICLE = "\n".join([
    "Oil prices fell sharply on Tuesday on oversupply concerns.",
    "Sources said Russia is unlikely to agree to deeper output cuts next month.",
    "Important sequence",
    "Global stocks rose for a seventh straight session after gains in Asia.",
    "The Dow fell while the Nasdaq rose, all near record highs.",
    "Trump said he would raise tariffs on Chinese imports if no deal is reached.",
])
LINES = ARTICLE.splitlines()


def passages(*args, **kwargs) -> list[str]:
    return [p.text for p in key_passages(*args, **kwargs)]


def test_each_point_is_told_by_its_passage_in_article_order():
    points = [
        "Trump threatens more tariffs on Chinese imports",  # the last sentence: a passage of one
        "Oil prices fall on oversupply concerns",
        "Stocks rise for a seventh session",
    ]
    assert passages(ARTICLE, points) == [
        f"{LINES[0]} {LINES[1]}",
        f"{LINES[3]} {LINES[4]}",
        LINES[5],
    ]


def test_passages_do_not_overlap_or_repeat():
    points = ["Oil prices fall on oversupply", "Russia unlikely to agree to deeper output cuts",
              "Oil prices fell sharply on oversupply concerns"]
    assert passages(ARTICLE, points) == [f"{LINES[0]} {LINES[1]}"]


def test_at_most_keeps_the_passages_of_the_models_first_points():
    points = [
        "Trump threatens more tariffs on Chinese imports",
        "Stocks rise for a seventh session",
        "Oil prices fall on oversupply concerns",
    ]
    assert passages(ARTICLE, points, at_most=2) == [f"{LINES[3]} {LINES[4]}", LINES[5]]
    assert passages(ARTICLE, points, at_most=3) == passages(ARTICLE, points)


FINISHED = "Sources said Russia is unlikely to agree to deeper output cuts next month."
HEADLINE = "Russia unlikely to agree to deeper output cuts next month, sources say"
BELOW = "Global stocks rose for a seventh straight session after gains in Asia."


@pytest.mark.parametrize(
    "lines, told",
    [
        # a subheading after a finished sentence: the passage reads past it, and says its sentences
        ([FINISHED, "Important sequence", BELOW], [0, 2]),
        ([FINISHED, "Key issues", "Support of Astana", BELOW], [0, 3]),
        # at most MAX_SUBHEADINGS: a run of short lines is not one section's title
        ([FINISHED, "Key issues", "Support of Astana", "Photo: TASS", BELOW], [0]),
        # after a headline (no sentence end), a short line is its byline, and below it the lead
        ([HEADLINE, "By Jane Smith", BELOW], [0]),
        # a short sentence, or a subheading asking a question, ends a passage as before
        ([FINISHED, "He declined.", BELOW], [0]),
        ([FINISHED, "He added:", BELOW], [0]),  # a lead-in, not a section's title
        ([FINISHED, "What did they say?", BELOW], [0]),
        ([FINISHED, "Important sequence"], [0]),
        ([FINISHED, BELOW, "Trump said he would raise tariffs on Chinese imports."], [0, 1]),
    ],
)
def test_the_shape_of_a_passage(lines, told):
    article = "\n\n".join(lines)
    (passage,) = key_passages(article, ["Russia unlikely to agree to deeper output cuts next month"])
    assert passage.text == " ".join(lines[i] for i in told)
    # the quote is the article's words, with the subheadings read past: the key issue's evidence
    assert passage.quote == " ".join(lines[: told[-1] + 1])
    assert quote_found(passage.quote, article)


def test_a_point_below_a_subheading_keeps_its_own_passage():
    # the section below is that point's: the passage above does not read past into it
    dow = "The Dow fell while the Nasdaq rose, all near record highs."
    article = "\n\n".join([FINISHED, "Important sequence", BELOW, dow])
    points = ["Russia unlikely to agree to deeper output cuts next month", "Global stocks rose for a seventh session"]
    assert passages(article, points) == [FINISHED, f"{BELOW} {dow}"]


SECTIONED = [
    "Heavy snow closed the airport in Oslo for three hours on Sunday morning.",
    "Passengers waited in the terminal while crews cleared the two runways.",
    "The city council will vote next week on a new budget for winter road clearing.",
    "Next steps",
    "The mayor said the budget would double the number of snow ploughs in the city.",
    "Unions at the airport called for more staff to be hired before the next storm.",
]


def test_a_passage_added_by_code_reads_past_a_subheading_too():
    article = "\n\n".join(SECTIONED)
    told = key_passages(article, [SECTIONED[0]], at_least=2)
    assert [(p.text, p.quote, p.added) for p in told][1] == (
        f"{SECTIONED[2]} {SECTIONED[4]}", " ".join(SECTIONED[2:5]), True)


def test_a_passage_added_by_code_stops_above_a_subheading_whose_section_is_taken():
    article = "\n\n".join(SECTIONED)
    told = passages(article, [SECTIONED[0], SECTIONED[4]], at_least=3)
    assert told == [f"{SECTIONED[0]} {SECTIONED[1]}", SECTIONED[2], f"{SECTIONED[4]} {SECTIONED[5]}"]


def test_a_point_is_told_by_a_full_sentence_not_a_subheading_that_words_it_alike():
    # The 17_bbc recording: "Swedish prosecutors drop investigation into Assange's rape
    # allegations" shares more words with the subheading "What was the Swedish investigation
    # about?" than with the lead that tells it; the passage is the lead.
    article = "\n".join([
        "Prosecutors in Sweden have dropped an investigation into a rape allegation made against Wikileaks"
        " co-founder Julian Assange in 2010.",
        "Assange, who denies the accusation, has avoided extradition to Sweden for seven years.",
        "What was the Swedish investigation about?",
        "Assange was accused of rape by a woman following a conference in Stockholm in 2010.",
    ])
    lines = article.splitlines()
    point = "Swedish prosecutors drop investigation into Assange's rape allegations"
    assert grounding.best_sentence(article, point) == lines[2]  # the words alone pick the subheading
    assert passages(article, [point]) == [f"{lines[0]} {lines[1]}"]


def test_an_article_of_short_sentences_still_tells_a_point():
    article = "Talks stalled again.\nOil prices fell.\nStocks rose."
    assert passages(article, ["oil prices fell sharply"]) == ["Oil prices fell."]


def test_no_points_no_passages():
    assert passages(ARTICLE, []) == [] and passages(ARTICLE, ["  "]) == []


@pytest.mark.parametrize(("summary", "expected"), [
    ("Oil fell. Stocks rose.", "Oil fell. Stocks rose."),
    # a sentence said twice is kept once
    ("Hill will meet Kim on Sunday. Stocks rose. Hill will meet Kim on Sunday.",
     "Hill will meet Kim on Sunday. Stocks rose."),
    # cut off mid-sentence: the fragment goes
    ("Oil fell sharply. Kim warned he was not optimistic due to the", "Oil fell sharply."),
    # a single fragment is all there is: kept
    ("Oil fell sharply on", "Oil fell sharply on"),
])
def test_tidy_summary(summary, expected):
    assert tidy_summary(summary) == expected


@pytest.mark.parametrize(("summary", "expected"), [
    # stopped at the bound mid-word, one sentence: back to the last whole word, marked
    ("Oil fell sharply on oversupply conc", "Oil fell sharply on oversupply\u2026"),
    ("Oil fell sharply, as tra", "Oil fell sharply, as\u2026"),
    # a whole sentence before the cut: the fragment goes, nothing is marked
    ("Oil fell sharply. Kim warned he was not optimis", "Oil fell sharply."),
    # the bound fell just after a sentence's end
    ("Oil fell sharply.", "Oil fell sharply."),
    ("Oil fell sharply. Traders cited the Republican president\u2019", "Oil fell sharply."),  # an apostrophe is no end
    ('Oil fell sharply. Traders said "sell."', 'Oil fell sharply. Traders said "sell."'),
])
def test_tidy_summary_of_an_answer_stopped_at_the_bound(summary, expected):
    assert tidy_summary(summary, cut=True) == expected


def test_a_runaway_summary_is_cut_at_a_sentence_end():
    sentences = [  # 10 words each
        "Oil prices fell sharply on Tuesday on fears of oversupply.",
        "Russia is unlikely to agree to cut output next month.",
        "Global stocks rose for a seventh session after Asian gains.",
        "Trump said he would raise tariffs without a trade deal.",
    ]
    assert tidy_summary(" ".join(sentences), max_words=35, max_sentences=4) == " ".join(sentences[:3])
    assert tidy_summary(" ".join(sentences), max_words=99, max_sentences=3) == " ".join(sentences[:3])
    assert tidy_summary(" ".join(sentences)) == " ".join(sentences[:2])  # two by default
    # the first sentence is kept even when it alone is too long
    assert tidy_summary(sentences[0], max_words=5) == sentences[0]


def test_collapsed_points_are_topped_up_with_the_articles_own_passages():
    # Three rewordings of the lead name one passage; two more come from the article,
    # none overlapping, the subheading never starting one, all in article order.
    points = ["Oil prices fell sharply", "Oil fell on oversupply concerns", "Oil prices dropped on Tuesday"]
    assert passages(ARTICLE, points) == [f"{LINES[0]} {LINES[1]}"]
    topped = passages(ARTICLE, points, at_least=3)
    assert [p.added for p in key_passages(ARTICLE, points, at_least=3)] == [False, True, True]
    assert topped == [f"{LINES[0]} {LINES[1]}", f"{LINES[3]} {LINES[4]}", LINES[5]]


def test_top_up_starts_at_the_lead_not_the_dateline():
    article = "\n".join([
        "GENEVA (Wire)",
        "The talks on the new treaty open in Geneva on Monday with twelve delegations.",
        "Delegates expect the talks on the treaty to run for two weeks in Geneva.",
        "Separately, a storm closed the airport in Oslo for three hours on Sunday.",
    ])
    lines = article.splitlines()
    assert passages(article, [], at_least=1) == [f"{lines[1]} {lines[2]}"]
    assert passages(article, [], at_least=4) == [f"{lines[1]} {lines[2]}", lines[3]]


def test_the_leads_passage_leaves_the_dateline_out():
    article = "WASHINGTON (AP) \u2014 " + ARTICLE
    told = key_passages(article, ["Oil prices fall on oversupply concerns"])
    assert [p.text for p in told] == [f"{LINES[0]} {LINES[1]}"]
    assert grounding.quote_found(told[0].text, article)  # still the article's words


def test_top_up_stops_when_the_article_runs_out():
    assert passages("One short line.", [], at_least=4) == []


def test_a_top_up_passage_is_unlike_every_sentence_of_those_added_before_it():
    # The first added passage is sentences 0-1; sentence 3 restates sentence 1 (the
    # passage's second sentence), so the next passage is the rate decision alone.
    lines = [
        "Heavy snow closed the airport in Oslo for three hours on Sunday morning.",
        "Trains to Bergen were cancelled until Tuesday, the rail operator added.",
        "Later on.",
        "The rail operator said trains to Bergen were cancelled until Tuesday.",
        "The central bank raised interest rates by half a point on Monday afternoon.",
    ]
    assert passages("\n".join(lines), [], at_least=2) == [f"{lines[0]} {lines[1]}", lines[4]]


def test_a_top_up_passage_favours_what_the_models_summary_tells():
    # Without the summary the earlier sentence is taken; the summary names the council's vote.
    lines = [
        "Heavy snow closed the airport in Oslo for three hours on Sunday morning.",
        "Passengers waited in the terminal while crews cleared the two runways.",
        "Later on.",
        "A local choir performed at the cathedral on Saturday evening to a full house.",
        "Later on.",
        "The city council will vote next week on a new budget for winter road clearing.",
    ]
    article, lead = "\n".join(lines), f"{lines[0]} {lines[1]}"
    assert passages(article, [lines[0]], at_least=2) == [lead, lines[3]]
    gist = "Snow closed the Oslo airport, and the city council will vote on a budget for winter road clearing."
    told = key_passages(article, [lines[0]], at_least=2, gist=gist)
    assert [(p.text, p.added) for p in told] == [(lead, False), (lines[5], True)]
    # the model's own points still come first: the summary only ranks the passages added
    assert passages(article, [lines[3]], at_least=1, gist=gist) == [lines[3]]


def test_the_filler_reads_a_bounded_window_of_a_huge_text(monkeypatch):
    """Its pairwise comparison is quadratic: only the first MAX_FILL_SENTENCES take part."""
    from summarizer import passages

    seen = []
    cdist = passages.process.cdist

    def counting(a, b, **kwargs):
        seen.append((len(a), len(b)))
        return cdist(a, b, **kwargs)

    monkeypatch.setattr(passages.process, "cdist", counting)
    article = " ".join(f"Delegation number {i} arrived in the capital for the talks today." for i in range(5000))
    told = passages.key_passages(article, ["Delegation number 4321 arrived in the capital."], at_least=4, at_most=4)
    assert seen == [(passages.MAX_FILL_SENTENCES, passages.MAX_FILL_SENTENCES)]
    assert len(told) == 4 and "4321" in told[-1].text and not told[-1].added
