"""Transport retries: 429, 5xx, timeouts and dropped connections.

Kept apart from validation re-asks (instructor): a transport error is retried
here with backoff and is never shown to the model.
"""

from __future__ import annotations

import email.utils
import sys
import time
from dataclasses import dataclass
from typing import Callable, TypeVar

import openai
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, wait_random_exponential

from .errors import ModelError, RetriesExhausted, UsageError
from .limits import MAX_ATTEMPTS, number_in, whole_in

T = TypeVar("T")

_RETRYABLE_STATUS = {408, 409, 429, 500, 502, 503, 504}


class StreamDropped(openai.APIConnectionError):
    """A streamed answer ended before the answer did: retried like a dropped connection."""


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to retry transport errors."""

    attempts: int = 4
    initial_wait: float = 1.0
    max_wait: float = 30.0
    max_retry_after: float = 60.0

    def __post_init__(self) -> None:
        if not whole_in(self.attempts, 0, MAX_ATTEMPTS):
            raise UsageError(f"RetryPolicy(attempts={self.attempts!r}): give a whole number from 0 to {MAX_ATTEMPTS} "
                             "(0 and 1 both mean one try)")
        for name in ("initial_wait", "max_wait", "max_retry_after"):
            value = getattr(self, name)
            if not number_in(value, 0, sys.float_info.max):  # finite, 0 or more
                raise UsageError(f"RetryPolicy({name}={value!r}): give a number of seconds, 0 or more")


def is_transient(exc: BaseException) -> bool:
    """True for errors worth retrying: rate limits, server errors, timeouts, lost connections."""
    if isinstance(exc, openai.APIConnectionError):  # includes APITimeoutError
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in _RETRYABLE_STATUS
    return False


def retry_after_seconds(exc: BaseException | None) -> float | None:
    """The server's Retry-After (or retry-after-ms) in seconds, if it sent one."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if not headers:
        return None
    if (ms := headers.get("retry-after-ms")) is not None:
        try:
            return max(0.0, float(ms) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None  # "Retry-After: soon": fall back to our own backoff
    return max(0.0, parsed.timestamp() - time.time())


class _Wait:
    """Exponential backoff with jitter, replaced by Retry-After when the server sends one."""

    def __init__(self, policy: RetryPolicy) -> None:
        self.policy = policy
        self.backoff = wait_random_exponential(multiplier=policy.initial_wait, max=policy.max_wait)

    def __call__(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        hinted = retry_after_seconds(exc)
        if hinted is not None:
            return min(hinted, self.policy.max_retry_after)
        return self.backoff(state)


def describe(exc: BaseException) -> str:
    """A short human description of a transport error."""
    if isinstance(exc, openai.APITimeoutError):
        return "the request timed out"
    if isinstance(exc, openai.APIConnectionError):
        if isinstance(exc, StreamDropped):
            return exc.message
        url = getattr(exc.request, "url", None)
        where = f" at {url.scheme}://{url.host}{f':{url.port}' if url.port else ''}{url.path}" if url else ""
        return f"could not connect to the endpoint{where}"
    if isinstance(exc, openai.APIStatusError):
        return f"HTTP {exc.status_code}"
    return type(exc).__name__


def call_with_retries(
    fn: Callable[[], T], policy: RetryPolicy, *, sleep: Callable[[float], None] = time.sleep
) -> T:
    """Call ``fn``, retrying transient transport errors; raise RetriesExhausted when they run out."""
    retrying = Retrying(
        stop=stop_after_attempt(max(1, policy.attempts)),
        wait=_Wait(policy),
        retry=retry_if_exception(is_transient),
        sleep=sleep,
        reraise=True,
    )
    try:
        return retrying(fn)
    except openai.APIError as exc:
        attempts = retrying.statistics.get("attempt_number", 1)
        if is_transient(exc):
            raise RetriesExhausted(
                f"the model endpoint failed after {attempts} attempts ({describe(exc)}); "
                "check that it is up, or raise --transport-retries (RetryPolicy.attempts)",
                attempts=attempts,
            ) from exc
        raise
    except ModelError:
        raise
