"""Structured extraction: instructor validation re-asks over transport retries.

Layering, outermost first: instructor (re-asks when the answer fails the
pydantic model, feeding the validation error back) -> recording/replay ->
transport retries (tenacity) -> the backend. A transport error never reaches
instructor as a validation error.
"""

from __future__ import annotations

import json
import time
from contextlib import AbstractContextManager, nullcontext
from functools import lru_cache
from dataclasses import dataclass, field
from typing import Any, Callable, TypeVar

import instructor
import openai
from instructor.core.exceptions import (
    AsyncValidationError,
    IncompleteOutputException,
    InstructorRetryException,
    ResponseParsingError,
)
from openai.types.chat import ChatCompletion
from pydantic import BaseModel, ValidationError

from . import cancellation
from .backends import Backend
from .errors import ConfigError, ModelError, RetriesExhausted, SummarizerError, Usage, UsageError, not_a_completion
from .limits import MAX_REASKS, number_in, whole_in
from .recording import Player, Recorder
from .redact import mask_known, redact_library_logs
from .transport import RetryPolicy, call_with_retries

M = TypeVar("M", bound=BaseModel)
# what instructor re-asks on: the answer is not valid JSON or does not fit the model
_ANSWER_ERRORS = (ValidationError, json.JSONDecodeError, AsyncValidationError, ResponseParsingError)

# instructor logs each failed attempt with the endpoint's error text, which may echo the key
redact_library_logs("instructor", "openai", "httpx", "httpx2")


@dataclass
class LLMSettings:
    """Retry bounds and sampling for every request."""

    transport: RetryPolicy = field(default_factory=RetryPolicy)
    reasks: int = 2
    temperature: float = 0.0
    seed: int = 0
    sleep: Callable[[float], None] = time.sleep  # how transport retries wait; tests pass a recorder

    def __post_init__(self) -> None:
        if not whole_in(self.reasks, 0, MAX_REASKS):
            raise UsageError(f"LLMSettings(reasks={self.reasks!r}): give a whole number from 0 to {MAX_REASKS}")
        if not isinstance(self.transport, RetryPolicy):
            raise UsageError(f"LLMSettings(transport={self.transport!r}): give a RetryPolicy")
        if not number_in(self.temperature, 0, 2):
            raise UsageError(f"LLMSettings(temperature={self.temperature!r}): give a number from 0 to 2")
        if not whole_in(self.seed, -(2**63), 2**63 - 1):
            raise UsageError(f"LLMSettings(seed={self.seed!r}): give a whole number")
        if not callable(self.sleep):
            raise UsageError(f"LLMSettings(sleep={self.sleep!r}): give a function taking seconds, such as time.sleep")


def _client_error(exc: openai.APIStatusError, label: str) -> SummarizerError:
    body = str(getattr(exc, "message", exc))
    if exc.status_code in (401, 403):
        return ConfigError(f"{label}: the endpoint refused the credentials (HTTP {exc.status_code}); check OPENAI_API_KEY")
    if exc.status_code == 404:
        return ConfigError(f"{label}: the endpoint has no such model or path (HTTP 404); check --model and OPENAI_BASE_URL")
    if "context" in body.lower() and ("length" in body.lower() or "window" in body.lower()):
        return UsageError(f"{label}: the article is too long for this model's context window ({body[:120]}); shorten it")
    return ModelError(f"{label}: the endpoint rejected the request (HTTP {exc.status_code}: {body[:160]})")


class LLM:
    """One backend plus retries, recording and usage accounting."""

    def __init__(
        self,
        backend: Backend,
        settings: LLMSettings | None = None,
        *,
        recorder: Recorder | None = None,
        player: Player | None = None,
    ) -> None:
        self.backend = backend
        self.settings = settings or LLMSettings()
        self.recorder = recorder
        self.player = player

    @property
    def label(self) -> str:
        return self.backend.label

    @property
    def concurrent(self) -> bool:
        """Whether independent requests may be sent at once (not for in-process llama.cpp)."""
        return getattr(self.backend, "concurrent", True)

    def hold(self) -> AbstractContextManager[Any]:
        """The model kept for one article's requests, where the backend serves one request at
        a time (in-process llama.cpp: the article stays in its context from task to task
        instead of being read again after another article's request); nothing for endpoints."""
        hold = getattr(self.backend, "hold", None)
        return hold() if hold is not None else nullcontext()

    def _send(self, usage: Usage, request: dict[str, Any]) -> ChatCompletion:
        if self.player is not None:
            data = mask_known(self.player.load(request))  # a recording made before keys were masked
        else:
            def attempt() -> dict[str, Any]:
                cancellation.check()  # a cancelled summary sends nothing more, retries included
                return self.backend.send(request)

            data = call_with_retries(attempt, self.settings.transport, sleep=self.settings.sleep)
            data = mask_known(data)  # an endpoint that echoes the key: never into output or recordings
            if self.recorder is not None:
                self.recorder.save(request, data)
        try:
            completion = ChatCompletion.model_validate(data)
        except ValidationError:
            completion = None
        if completion is None or not completion.choices:
            raise not_a_completion(self.label, json.dumps(data, default=str)[:80])
        if completion.usage is not None:
            usage.add(completion.usage.prompt_tokens, completion.usage.completion_tokens)
        else:
            usage.add(0, 0)
        return completion

    def extract(self, messages: list[dict[str, str]], response_model: type[M], *, max_tokens: int, usage: Usage,
                context: dict[str, Any] | None = None) -> M:
        """Ask for ``response_model``; re-ask on validation errors; add token counts to ``usage``."""
        if self.player is None:
            self.backend.check_fits(messages, max_tokens)

        def send(**request: Any) -> ChatCompletion:
            return self._send(usage, request)

        create = instructor.patch(create=send, mode=instructor.Mode.JSON_SCHEMA)
        error: BaseException | None = None
        try:
            value = create(
                response_model=response_model,
                messages=messages,
                model=self.backend.model,
                max_tokens=max_tokens,
                temperature=self.settings.temperature,
                seed=self.settings.seed,
                max_retries=self.settings.reasks,
                context=context,
            )
        except InstructorRetryException as exc:
            error = self._translate(exc, usage)
        except IncompleteOutputException as exc:
            error = RetriesExhausted(
                f"{self.label}: the answer was cut off at max_tokens={max_tokens}; "
                "the article may be too long for a complete summary",
                attempts=usage.requests, usage=usage, last_output=_content(exc.last_completion), truncated=True,
            )
        if error is not None:
            if isinstance(error, SummarizerError):
                # Raised here, outside the handler, with no chain: its message is redacted, but the
                # SDK errors under it hold the endpoint's raw body (an echoed key) for anyone who
                # walks __context__. A bug (any other error) keeps its chain for debugging.
                error.__cause__ = error.__context__ = None
            raise error
        return value

    def _translate(self, exc: InstructorRetryException, usage: Usage) -> BaseException:
        """What instructor's wrapper stands for: our own error, the endpoint's, the answers
        failing validation, or else the original exception (a bug or a bad setting is not
        the model's fault, and "raise --reasks" would send the user the wrong way)."""
        cause = exc.__cause__
        if isinstance(cause, SummarizerError):
            if isinstance(cause, RetriesExhausted):
                cause.usage = usage
            return cause
        if isinstance(cause, openai.APIStatusError):
            return _client_error(cause, self.label)
        if isinstance(cause, openai.APIError):
            return ModelError(f"{self.label}: {cause}")
        if cause is not None and not isinstance(cause, _ANSWER_ERRORS):
            return cause
        last = _content(exc.last_completion)
        reason = str(cause or exc).splitlines()[0][:200]
        return RetriesExhausted(
            f"{self.label}: the answer still failed validation after {exc.n_attempts} attempts "
            f"({reason}); raise --reasks (LLMSettings.reasks) or try a larger model",
            attempts=exc.n_attempts, usage=usage, last_output=last,
        )


def _content(completion: Any) -> str | None:
    try:
        return completion.choices[0].message.content
    except (AttributeError, IndexError, TypeError):
        return None


@lru_cache(maxsize=None)
def schema_json(model: type[BaseModel]) -> str:
    """The JSON schema of ``model`` as compact text, for prompts."""
    return json.dumps(model.model_json_schema(), ensure_ascii=False)
