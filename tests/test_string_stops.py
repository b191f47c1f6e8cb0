"""Ending a string once what code keeps of it is written (summarizer/backends/string_stops.py):
the rule as a table, the tracker on whole answers read a character at a time, the sampler
against the real model, and the keywords kept from endpoints."""

from __future__ import annotations

import json

import pytest

from summarizer import passages
from summarizer.backends import string_stops
from summarizer.backends.json_drafts import MAX_SENTENCES, MAX_WORDS
from summarizer.backends.response_format import without_extensions
from summarizer.backends.string_stops import StringStops, finished
from summarizer.drafts import ANSWERS
from tests.test_json_drafts import CharLlama

OVERVIEW = ANSWERS["overview"].model_json_schema()
WORDS = " ".join(["word"] * 60)


@pytest.mark.parametrize(
    "text, sentences, words, done",
    [
        ("", 2, 70, False),
        ("Lavrov meets de Mistura", 2, 70, False),
        ("Lavrov meets de Mistura. They talk.", 2, 70, False),  # the second may still go on ("talk. ...")
        ("Lavrov meets de Mistura. They talk. The", 2, 70, True),  # a third has begun
        ("Lavrov meets de Mistura. They", 1, 70, True),
        ("Lavrov meets de Mistura. They", 2, 70, False),
        # "U.S." and "Mr." do not end a sentence; a lower-case word after a full stop does not start one
        ("The U.S. envoy came. Mr. Hill spoke", 2, 70, False),
        ("The U.S. envoy came. Mr. Hill spoke. He", 2, 70, True),
        ("Prices fell 3.5 percent. Stocks rose. etc", 2, 70, False),
        # a paragraph break ends a sentence
        ("One line\nAnother", 1, 70, True),
        # the words bound: a sentence after the first that takes the count past it is not kept
        (f"{WORDS}. Then eleven more words are written here to go past it", 2, 70, True),
        (f"{WORDS}. Then ten more words are written here not past", 2, 70, False),
        # the first sentence is kept whatever its length: no stop inside it
        (f"{WORDS} {WORDS}", 2, 70, False),
        # no bound of a kind: no stop by it
        ("A. B. C. D. E. F", None, 70, False),
        (f"{WORDS}. {WORDS}", 2, None, False),
    ],
)
def test_a_string_is_finished_when_a_sentence_past_what_is_kept_begins(text, sentences, words, done):
    assert finished(text, sentences, words) is done


@pytest.mark.parametrize(
    "raw, text",
    [
        ('He said \\"yes', 'He said "yes'),
        ("line\\nnext", "line\nnext"),
        ("caf\\u00e9", "caf\u00e9"),
        ("half an escape \\", "half an escape "),
        ("half a code \\u00", "half a code "),
    ],
)
def test_the_string_so_far_is_read_with_its_escapes(raw, text):
    assert string_stops._decoded(raw) == text


def feed_until_close(stops: StringStops, answer: str) -> int | None:
    """Feed ``answer`` a character (token) at a time; the index of the first character after
    which the tracker asks for the string to end, or None."""
    for index, char in enumerate(answer):
        stops.feed(ord(char))
        if stops.must_close:
            return index
    return None


def test_the_summary_is_asked_to_end_as_its_third_sentence_begins():
    stops = StringStops(CharLlama())
    stops.begin(OVERVIEW)
    assert stops.active
    head = '{"title": "Talks. In Moscow. On Syria. Today", "summary": "Lavrov meets de Mistura. They talk. '
    at = feed_until_close(stops, head + 'The envoy"')
    assert at == len(head)  # the "T" of the third sentence, and not inside the title
    # the sampler closes the string: the tracker counts it and asks nothing more of this answer
    stops.feed(ord('"'))
    assert stops.closed == 1 and not stops.must_close
    rest = ', "key_issues": [{"issue": "One. Two. Three. Four"}]}'
    assert feed_until_close(stops, rest) is None  # points have no such bound


def test_a_summary_the_model_ends_itself_is_not_counted_as_closed():
    stops = StringStops(CharLlama())
    stops.begin(OVERVIEW)
    answer = '{"title": "T", "summary": "One sentence only.", "key_issues": [{"issue": "A. B. C"}]}'
    assert feed_until_close(stops, answer) is None
    assert stops.closed == 0


@pytest.mark.parametrize(
    "schema",
    [
        pytest.param(None, id="no-schema"),
        pytest.param(ANSWERS["participants"].model_json_schema(), id="no-keywords"),
    ],
)
def test_nothing_is_ended_without_the_keywords(schema):
    stops = StringStops(CharLlama())
    stops.begin(schema)
    assert not stops.active
    assert feed_until_close(stops, '{"participants": [{"name": "A. B. C. D", "kind": "person", "role": null}]}') is None


def test_begin_forgets_the_last_answer():
    stops = StringStops(CharLlama())
    stops.begin(OVERVIEW)
    assert feed_until_close(stops, '{"title": "T", "summary": "One. Two. Th') is not None
    stops.begin(None)
    assert not stops.active and not stops.must_close
    stops.begin(OVERVIEW)
    assert not stops.must_close
    assert feed_until_close(stops, '{"title": "T", "summary": "One. ') is None


def test_the_overview_schema_bounds_the_summary_as_tidy_summary_keeps_it():
    summary = OVERVIEW["properties"]["summary"]
    assert summary[MAX_SENTENCES] == passages.MAX_SUMMARY_SENTENCES
    assert summary[MAX_WORDS] == passages.MAX_SUMMARY_WORDS


def test_endpoints_are_sent_the_schema_without_the_packages_own_keywords():
    response_format = {"type": "json_schema", "json_schema": {"name": "OverviewDraft", "schema": OVERVIEW}}
    sent = without_extensions(response_format)
    text = json.dumps(sent)
    assert MAX_SENTENCES not in text and MAX_WORDS not in text
    # everything else as it was, and the caller's schema untouched
    assert sent["json_schema"]["schema"]["properties"]["summary"]["maxLength"] == OVERVIEW["properties"]["summary"]["maxLength"]
    assert OVERVIEW["properties"]["summary"][MAX_SENTENCES] == passages.MAX_SUMMARY_SENTENCES
    assert without_extensions(None) is None


def test_the_endpoint_receives_no_package_keywords(endpoint, capsys):
    from tests.test_cli import SEED, run

    code, _, err = run(["summarize", str(SEED), "--model", "openai/test-model", "--format", "json"], capsys)
    assert code == 0, err
    bodies = [json.dumps(r.body) for r in endpoint.requests]
    assert any('"OverviewDraft"' in body for body in bodies)
    assert not any(MAX_SENTENCES in body or MAX_WORDS in body for body in bodies)


STORY = {
    "type": "object",
    "properties": {"story": {"type": "string", "maxLength": 600}, "moral": {"type": "string", "maxLength": 80}},
    "required": ["story", "moral"],
}


@pytest.mark.slow
def test_the_model_is_stopped_after_the_sentences_kept_and_writes_the_rest(gguf):
    from summarizer.backends.local import LocalBackend
    from summarizer.grounding import sentences

    backend = LocalBackend(gguf, n_ctx=1024)
    stops = backend.llama.string_stops

    def answer(schema: dict) -> tuple[dict, int]:
        request = {
            "messages": [{"role": "user", "content": "Tell a story of five sentences about a lighthouse keeper, "
                                                     "then its moral, as JSON with keys story and moral."}],
            "max_tokens": 300, "temperature": 0.0, "seed": 0,
            "response_format": {"type": "json_schema", "json_schema": {"name": "Story", "schema": schema}},
        }
        closed = stops.closed
        response = backend.send(request)
        return json.loads(response["choices"][0]["message"]["content"]), stops.closed - closed

    whole, closed = answer(STORY)
    assert closed == 0 and len(sentences(whole["story"])) >= 3  # unbounded, the model writes on
    bounded = json.loads(json.dumps(STORY))
    bounded["properties"]["story"][MAX_SENTENCES] = 2
    cut, closed = answer(bounded)
    assert closed == 1
    told = sentences(cut["story"])
    # two sentences and the first word or so of a third, which tidy_summary drops
    assert len(told) == 3 and told[:2] == sentences(whole["story"])[:2]
    assert len(told[2].split()) <= 2
    assert passages.tidy_summary(cut["story"]) == " ".join(told[:2])
    assert cut["moral"]  # the answer went on past the stopped string
    assert not stops.active  # and the next completion on this model is not stopped
