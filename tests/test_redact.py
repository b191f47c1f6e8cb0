"""redact.py: what is masked in messages and log records, and what is left alone."""

from __future__ import annotations

import logging
import sys

import pytest

from summarizer import redact as redact_module
from summarizer.redact import RedactingFilter, add_secret, redact, redact_library_logs


@pytest.fixture(autouse=True)
def no_known_secrets(monkeypatch):
    monkeypatch.setattr(redact_module, "_KNOWN", set())
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Authorization: Bearer abc.def-123", "Authorization: Bearer ***"),
        ('{"auth": "bearer tok_9f8e7d"}', '{"auth": "bearer ***"}'),
        ("key sk-proj-AbC123xyz was refused", "key *** was refused"),
        ("http://alice:hunter2@example.com/v1", "http://***@example.com/v1"),
        ("https://user:p%40ss@10.0.0.1:8000/v1/chat", "https://***@10.0.0.1:8000/v1/chat"),
        ("https://tok3n-abc@example.com/v1", "https://***@example.com/v1"),  # a token as the user
        ("POST http://h:8000/v1/chat/completions?api_key=abc123&x=1", "POST http://h:8000/v1/chat/completions?api_key=***&x=1"),
        ("https://h/v1?token=zz9", "https://h/v1?token=***"),
        ("HTTP 500: overloaded", "HTTP 500: overloaded"),  # nothing secret: unchanged
        ("the monkey=3 and donkey=4 rule", "the monkey=3 and donkey=4 rule"),  # not a URL parameter
        ("a sk-abc word", "a sk-abc word"),  # too short to be a key
        ("mailto:someone@example.com", "mailto:someone@example.com"),  # no ://user:pass@
    ],
)
def test_credential_shapes_are_masked(text, expected):
    assert redact(text) == expected


def test_a_known_key_of_any_shape_is_masked():
    add_secret("abcd-1234-xyz")
    assert redact("you sent key=abcd-1234-xyz twice: abcd-1234-xyz") == "you sent key=*** twice: ***"


def test_the_environment_key_is_masked(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "plain-looking-key-42")
    assert redact("rejected plain-looking-key-42") == "rejected ***"


def test_tiny_values_are_not_secrets():
    add_secret("ab")
    add_secret(None)
    assert redact("about a tab") == "about a tab"


def _record(msg, args=(), exc_info=None) -> logging.LogRecord:
    return logging.LogRecord("instructor.v2.retry", logging.ERROR, __file__, 1, msg, args, exc_info)


def test_the_filter_masks_formatted_messages_and_tracebacks():
    add_secret("abcd-1234-xyz")
    try:
        raise RuntimeError("server said abcd-1234-xyz")
    except RuntimeError:
        record = _record("attempt %d failed: %s", (1, "Bearer abcd-1234-xyz"), sys.exc_info())
    assert RedactingFilter().filter(record) is True
    shown = logging.Formatter().format(record)
    assert "abcd-1234-xyz" not in shown
    assert "attempt 1 failed: Bearer ***" in shown and "server said ***" in shown


def test_the_filter_lets_a_record_that_cannot_format_through_unchanged():
    record = _record("%d items", ("many",))
    assert RedactingFilter().filter(record) is True
    assert record.args == ("many",)  # logging reports it as its own formatting error


def test_library_loggers_and_their_children_get_the_filter():
    parent, child = logging.getLogger("fakelib"), logging.getLogger("fakelib.deep.module")
    other = logging.getLogger("fakelibrary")  # a different library that shares a prefix
    try:
        redact_library_logs("fakelib")
        redact_library_logs("fakelib")  # twice: still one filter each
        assert [type(f) for f in parent.filters] == [RedactingFilter]
        assert [type(f) for f in child.filters] == [RedactingFilter]
        assert other.filters == []
    finally:
        for logger in (parent, child):
            logger.filters.clear()


def test_an_answer_gets_the_known_key_masked_but_keeps_credential_shapes(monkeypatch):
    """mask_known is for the model's text about an article: "bearer bonds" stay."""
    monkeypatch.setenv("OPENAI_API_KEY", "plain-key-4242-abcdef")
    answer = {"choices": [{"message": {"content": "Bearer bonds, plain-key-4242-abcdef and sk-abcdefghijk"}}],
              "plain-key-4242-abcdef": 1}
    masked = redact_module.mask_known(answer)
    assert masked["choices"][0]["message"]["content"] == "Bearer bonds, *** and sk-abcdefghijk"
    assert masked["***"] == 1  # a field name too
    assert answer["choices"][0]["message"]["content"].count("plain-key-4242-abcdef") == 1  # a copy, not changed
    monkeypatch.delenv("OPENAI_API_KEY")
    assert redact_module.mask_known(answer) is answer  # no key in use: nothing to do


@pytest.mark.parametrize("key", ["EMPTY", "none", "test", "ollama", "sk-no-key-required"])
def test_placeholder_keys_and_word_parts_are_left_in_answers(key, monkeypatch):
    """Local servers are often given a placeholder key; an answer's words must survive it."""
    monkeypatch.setenv("OPENAI_API_KEY", key)
    add_secret(key)
    text = "Nonetheless the latest test of none EMPTY ollama, sk-no-key-required-ish"
    assert redact_module.mask_known({"content": text}) == {"content": text}


@pytest.mark.parametrize(
    ("key", "message", "shown"),
    [
        pytest.param("ollama", "ollama/llama3: the endpoint has no such model", "ollama/llama3: the endpoint has no such model",
                     id="placeholder-ollama-left"),
        pytest.param("EMPTY", "EMPTY key refused", "EMPTY key refused", id="placeholder-EMPTY-left"),
        pytest.param("hunter", "the hunter and hunters", "the *** and hunters", id="letters-only-as-a-whole-word"),
        pytest.param("s3cretKey99", "k%3Ds3cretKey99 and x_s3cretKey99_y", "k%3D*** and x_***_y", id="mixed-key-anywhere"),
        pytest.param("long-secret-key-0123456789", "xlong-secret-key-0123456789x", "x***x", id="long-key-anywhere"),
    ],
)
def test_an_error_message_masks_a_short_key_only_where_it_stands_alone(key, message, shown, monkeypatch):
    monkeypatch.setattr(redact_module, "_KNOWN", set())
    monkeypatch.setenv("OPENAI_API_KEY", key)
    assert redact(message) == shown
