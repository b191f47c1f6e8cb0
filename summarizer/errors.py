"""Errors, split by whose fault they are. Each message says what to do next."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any


class SummarizerError(Exception):
    """Base of every error this package raises on purpose."""

    exit_code = 1


class UsageError(SummarizerError):
    """The user's input or configuration is wrong: a bad flag, file, key or gold file."""

    exit_code = 2


class ModelError(SummarizerError):
    """The model or its endpoint failed: down, refusing, timing out."""

    exit_code = 1


@dataclass
class Usage:
    """Token usage summed over every request made for one result."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    requests: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def add(self, prompt: int, completion: int) -> None:
        with self._lock:
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
