"""Errors, split by whose fault they are. Each message says what to do next.

Every message is redacted as it is made (redact.py): an endpoint that echoes the
request's Authorization header in its error body must not put the key in an
error line or a report.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from .redact import redact


EXIT_INTERRUPTED = 130  # Ctrl-C: 128 + SIGINT, as a shell reports it


class SummarizerError(Exception):
    """Base of every error this package raises on purpose; its message is redacted."""

    exit_code = 1

    def __init__(self, message: object = "", *args: object) -> None:
        super().__init__(redact(str(message)), *args)


class UsageError(SummarizerError):
    """The user's input or configuration is wrong: a bad flag, file, key or gold file."""

    exit_code = 2


class ConfigError(UsageError):
    """The model's configuration is wrong for every article alike: a refused key, no such model."""


class ModelError(SummarizerError):
    """The model or its endpoint failed: down, refusing, timing out."""

    exit_code = 1


class SummarizerWarning(UserWarning):
    """Something costs speed or coverage but the run goes on; the message says what to change.

    Issued with ``warnings.warn``, so a library user can filter it or route it to logging
    (``logging.captureWarnings``); the command line prints it as one ``warning:`` line.
    """


def not_a_completion(label: str, shown: str) -> ModelError:
    """An endpoint whose reply is no chat completion at all (``shown``: a glimpse of it)."""
    return ModelError(
        f"{label}: the endpoint's reply is not an OpenAI chat completion ({shown}); "
        "check that OPENAI_BASE_URL is the base URL of an OpenAI-compatible API (it often ends in /v1)"
    )


# One lock for every Usage (an add is three integer sums, once per request), so a Usage is a
# plain dataclass: it pickles into a process pool, deep-copies and goes through asdict().
_USAGE_LOCK = threading.Lock()


@dataclass
class Usage:
    """Token usage summed over every request made for one result."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    requests: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def add(self, prompt: int, completion: int) -> None:
        with _USAGE_LOCK:
            self.prompt_tokens += prompt
            self.completion_tokens += completion
            self.requests += 1

    def as_dict(self) -> dict[str, int]:
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.total_tokens,
            "requests": self.requests,
        }


class RetriesExhausted(ModelError):
    """A retry layer gave up. Carries the attempt count, the usage and the last output."""

    def __init__(
        self,
        message: str,
        *,
        attempts: int,
        usage: Usage | None = None,
        last_output: Any = None,
        truncated: bool = False,
    ) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.usage = usage or Usage()
        self.last_output = last_output
        self.truncated = truncated

    def __reduce__(self) -> tuple[Any, ...]:
        # pickle (a process pool) calls the class with args alone; attempts is keyword-only
        return (_rebuild, (type(self), str(self), self.__dict__))


def _rebuild(cls: type[RetriesExhausted], message: str, state: dict[str, Any]) -> RetriesExhausted:
    error = cls(message, attempts=state.get("attempts", 0))
    error.__dict__.update(state)
    return error
