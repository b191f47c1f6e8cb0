"""The overview after the model: key issues as the article's passages, the summary tidied."""

from __future__ import annotations

import pytest

from summarizer.passages import key_passages, tidy_summary

ARTICLE = "\n".join([
    "Oil prices fell sharply on Tuesday on oversupply concerns.",
    "Sources said Russia is unlikely to agree to deeper output cuts next month.",
    "Important sequence",
    "Global stocks rose for a seventh straight session after gains in Asia.",
    "The Dow fell while the Nasdaq rose, all near record highs.",
    "Trump said he would raise tariffs on Chinese imports if no deal is reached.",
])
LINES = ARTICLE.splitlines()


def test_each_point_is_told_by_its_passage_in_article_order():
    points = [
        "Trump threatens more tariffs on Chinese imports",  # the last sentence: a passage of one
        "Oil prices fall on oversupply concerns",
        "Stocks rise for a seventh session",
    ]
    assert key_passages(ARTICLE, points) == [
        f"{LINES[0]} {LINES[1]}",
        f"{LINES[3]} {LINES[4]}",
        LINES[5],
    ]


def test_passages_do_not_overlap_or_repeat():
    points = ["Oil prices fall on oversupply", "Russia unlikely to agree to deeper output cuts",
              "Oil prices fell sharply on oversupply concerns"]
    assert key_passages(ARTICLE, points) == [f"{LINES[0]} {LINES[1]}"]


def test_a_subheading_ends_a_passage():
    assert key_passages(ARTICLE, ["Russia unlikely to agree to deeper output cuts next month"]) == [LINES[1]]


def test_no_points_no_passages():
    assert key_passages(ARTICLE, []) == [] and key_passages(ARTICLE, ["  "]) == []


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


def test_a_runaway_summary_is_cut_at_a_sentence_end():
    sentences = [  # 10 words each
        "Oil prices fell sharply on Tuesday on fears of oversupply.",
        "Russia is unlikely to agree to cut output next month.",
        "Global stocks rose for a seventh session after Asian gains.",
        "Trump said he would raise tariffs without a trade deal.",
    ]
    assert tidy_summary(" ".join(sentences), max_words=35) == " ".join(sentences[:3])
    assert tidy_summary(" ".join(sentences), max_sentences=2) == " ".join(sentences[:2])
    # the first sentence is kept even when it alone is too long
    assert tidy_summary(sentences[0], max_words=5) == sentences[0]
