"""Transport retries: which errors are transient, Retry-After parsing, the retry loop."""

from __future__ import annotations

import email.utils
import time

import httpx2
import openai
import pytest

from summarizer.errors import RetriesExhausted
from summarizer.transport import RetryPolicy, call_with_retries, describe, is_transient, retry_after_seconds

REQUEST = httpx2.Request("POST", "http://127.0.0.1:9/v1/chat/completions")


def status_error(status: int, headers: dict[str, str] | None = None) -> openai.APIStatusError:
    response = httpx2.Response(status, headers=headers or {}, request=REQUEST)
    return openai.APIStatusError(f"HTTP {status}", response=response, body=None)


def sdk_status_error(status: int, headers: dict[str, str] | None = None) -> openai.APIStatusError:
    """The subclass the SDK itself raises for this status (RateLimitError, ...)."""
    client = openai.OpenAI(api_key="x", base_url="http://127.0.0.1:9/v1", max_retries=0)
    response = httpx2.Response(status, headers=headers or {}, request=REQUEST, json={"error": {"message": "x"}})
    return client._make_status_error_from_response(response)


@pytest.mark.parametrize(
    ("exc", "transient"),
    [
        pytest.param(status_error(429), True, id="429-rate-limit"),
        pytest.param(status_error(500), True, id="500"),
        pytest.param(status_error(502), True, id="502"),
        pytest.param(status_error(503), True, id="503"),
        pytest.param(status_error(504), True, id="504"),
        pytest.param(status_error(408), True, id="408-request-timeout"),
        pytest.param(sdk_status_error(429), True, id="sdk-RateLimitError"),
        pytest.param(sdk_status_error(503), True, id="sdk-InternalServerError"),
        pytest.param(status_error(400), False, id="400"),
        pytest.param(status_error(401), False, id="401"),
        pytest.param(status_error(403), False, id="403"),
        pytest.param(status_error(404), False, id="404"),
        pytest.param(status_error(422), False, id="422"),
        pytest.param(sdk_status_error(401), False, id="sdk-AuthenticationError"),
        pytest.param(openai.APIConnectionError(request=REQUEST), True, id="connection-error"),
        pytest.param(openai.APITimeoutError(request=REQUEST), True, id="timeout"),
        pytest.param(ValueError("bad json"), False, id="not-an-api-error"),
        pytest.param(RuntimeError("bug"), False, id="runtime-error"),
    ],
)
def test_is_transient(exc, transient):
    assert is_transient(exc) is transient


def _http_date(seconds_from_now: float) -> str:
    return email.utils.formatdate(time.time() + seconds_from_now, usegmt=True)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        pytest.param({"retry-after": "3"}, 3.0, id="seconds"),
        pytest.param({"Retry-After": "1.5"}, 1.5, id="fractional-seconds"),
        pytest.param({"retry-after": "0"}, 0.0, id="zero"),
        pytest.param({"retry-after": "-5"}, 0.0, id="negative-clamped"),
        pytest.param({"retry-after-ms": "250"}, 0.25, id="ms-header"),
        pytest.param({"retry-after-ms": "250", "retry-after": "9"}, 0.25, id="ms-wins-over-seconds"),
        pytest.param({"retry-after-ms": "abc", "retry-after": "2"}, 2.0, id="bad-ms-falls-back"),
        pytest.param({}, None, id="absent"),
        pytest.param({"x-other": "1"}, None, id="unrelated-header"),
        pytest.param({"retry-after": ""}, None, id="empty"),
    ],
)
def test_retry_after_seconds(headers, expected):
    assert retry_after_seconds(status_error(429, headers)) == expected


def test_retry_after_http_date_in_future():
    value = retry_after_seconds(status_error(503, {"retry-after": _http_date(30)}))
    assert value is not None and 27 <= value <= 31


def test_retry_after_http_date_in_past_is_zero():
    assert retry_after_seconds(status_error(503, {"retry-after": _http_date(-3600)})) == 0.0


@pytest.mark.parametrize("value", ["soon", "1.5x", "Tomorrow at noon"], ids=["word", "number-junk", "phrase"])
def test_retry_after_garbage_is_ignored(value):
    assert retry_after_seconds(status_error(429, {"retry-after": value})) is None


@pytest.mark.parametrize(
    "exc",
    [None, ValueError("no response"), openai.APIConnectionError(request=REQUEST)],
    ids=["none", "plain-exception", "no-response"],
)
def test_retry_after_without_response(exc):
    assert retry_after_seconds(exc) is None


@pytest.mark.parametrize(
    ("exc", "text"),
    [
        pytest.param(openai.APITimeoutError(request=REQUEST), "timed out", id="timeout"),
        pytest.param(openai.APIConnectionError(request=REQUEST), "could not connect", id="connection"),
        pytest.param(status_error(503), "HTTP 503", id="status"),
        pytest.param(KeyError("x"), "KeyError", id="other"),
    ],
)
def test_describe(exc, text):
    assert text in describe(exc)


# -- the retry loop ----------------------------------------------------------------------------


class Script:
    """A callable that raises/returns scripted outcomes in order and counts calls."""

    def __init__(self, *outcomes):
        self.outcomes = list(outcomes)
        self.calls = 0

    def __call__(self):
        self.calls += 1
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


POLICY = RetryPolicy(attempts=3, initial_wait=0.01, max_wait=0.05, max_retry_after=5.0)


def test_transient_errors_are_retried_with_bounded_backoff():
    sleeps: list[float] = []
    fn = Script(status_error(503), openai.APITimeoutError(request=REQUEST), "ok")
    assert call_with_retries(fn, POLICY, sleep=sleeps.append) == "ok"
    assert fn.calls == 3
    assert len(sleeps) == 2
    assert all(0 <= s <= POLICY.max_wait for s in sleeps)


def test_retry_after_replaces_backoff():
    sleeps: list[float] = []
    fn = Script(status_error(429, {"retry-after": "2"}), "ok")
    assert call_with_retries(fn, POLICY, sleep=sleeps.append) == "ok"
    assert sleeps == [2.0]


def test_retry_after_is_capped():
    sleeps: list[float] = []
    fn = Script(status_error(429, {"retry-after": "3600"}), "ok")
    call_with_retries(fn, POLICY, sleep=sleeps.append)
    assert sleeps == [POLICY.max_retry_after]


@pytest.mark.parametrize("status", [400, 401, 404, 422])
def test_client_errors_are_not_retried(status):
    sleeps: list[float] = []
    fn = Script(status_error(status), "never")
    with pytest.raises(openai.APIStatusError) as info:
        call_with_retries(fn, POLICY, sleep=sleeps.append)
    assert info.value.status_code == status
    assert fn.calls == 1 and sleeps == []


def test_non_api_errors_propagate_unretried():
    fn = Script(KeyError("bug"), "never")
    with pytest.raises(KeyError):
        call_with_retries(fn, POLICY, sleep=lambda s: None)
    assert fn.calls == 1


@pytest.mark.parametrize(
    ("error", "text"),
    [
        pytest.param(status_error(500), "HTTP 500", id="500"),
        pytest.param(openai.APITimeoutError(request=REQUEST), "timed out", id="timeout"),
        pytest.param(openai.APIConnectionError(request=REQUEST), "could not connect", id="connection"),
    ],
)
def test_exhaustion_raises_retries_exhausted(error, text):
    fn = Script(error, error, error, "never")
    with pytest.raises(RetriesExhausted) as info:
        call_with_retries(fn, POLICY, sleep=lambda s: None)
    assert fn.calls == 3
    assert info.value.attempts == 3
    assert "3 attempts" in str(info.value)
    assert text in str(info.value)
    assert info.value.__cause__ is error


@pytest.mark.parametrize("attempts", [0, 1], ids=["zero-means-one", "one"])
def test_single_attempt_policy(attempts):
    fn = Script(status_error(503), "never")
    with pytest.raises(RetriesExhausted) as info:
        call_with_retries(fn, RetryPolicy(attempts=attempts), sleep=lambda s: pytest.fail("slept"))
    assert fn.calls == 1 and info.value.attempts == 1


def test_garbage_retry_after_falls_back_to_backoff():
    sleeps: list[float] = []
    fn = Script(status_error(429, {"retry-after": "soon"}), "ok")
    assert call_with_retries(fn, POLICY, sleep=sleeps.append) == "ok"
    assert len(sleeps) == 1 and sleeps[0] <= POLICY.max_wait
