"""Any OpenAI-compatible endpoint through the openai SDK (OpenAI, vLLM, Ollama, llama.cpp server).

Answers are streamed, for two reasons. A small model served on a CPU can take
minutes over one answer, which a timeout on the whole response would cut off;
streamed, the timeout applies to each wait for the next piece. And the same
`RepeatGuard` as the embedded model's reads the answer as it arrives: an answer
that loops on one list item is cut at the first repeat, the connection closed
(the server stops generating), and the distinct items are kept as valid JSON.
"""

from __future__ import annotations

import json
import os
import re
from contextlib import contextmanager
from typing import Any, Iterator

import openai

try:  # the HTTP library under the openai SDK: httpx2 for openai 3, httpx for openai 2
    import httpx2 as _http
except ImportError:  # pragma: no cover - depends on the installed SDK
    import httpx as _http  # type: ignore[no-redef]

from ..errors import ConfigError, ModelError, not_a_completion
from ..redact import REDACTED, add_secret, redact
from ..transport import StreamDropped
from . import chat_completion
from .repeats import RepeatGuard, min_items
from .response_format import llama_response_format, without_extensions


DROPPED = "the endpoint stopped in the middle of the answer"
BASE_URL_ENV = "OPENAI_BASE_URL"
DEFAULT_BASE_URL = "https://api.openai.com/v1"
KEY_ENV = "OPENAI_API_KEY"


class OpenAIBackend:
    """Sends requests with the SDK's own retries off: transport.py owns retries."""

    def __init__(
        self,
        provider: str,
        model: str,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        key_required: bool = True,
        timeout: float = 120.0,
        schema_as_json_object: bool = False,
    ) -> None:
        base_url = checked_base_url(base_url or os.environ.get(BASE_URL_ENV))
        api_key = checked_api_key(api_key or os.environ.get(KEY_ENV))
        if not api_key:
            if key_required:
                raise ConfigError(
                    f"model {provider}/{model} needs an API key: set {KEY_ENV} "
                    "(and OPENAI_BASE_URL for a compatible server)"
                )
            api_key = "not-needed"
        else:
            add_secret(api_key)
        self.schema_as_json_object = schema_as_json_object  # llama.cpp servers: response_format.py
        self.model = model
        self.label = f"{provider}/{model}"
        self.client = openai.OpenAI(base_url=base_url, api_key=api_key, max_retries=0, timeout=timeout)

    def check_fits(self, messages: list[dict[str, str]], max_tokens: int) -> None:
        """The server knows its window; an overflow comes back as a 400 and is reported then."""

    def send(self, request: dict[str, Any]) -> dict[str, Any]:
        """One completion, streamed and put back together as a chat.completion body.

        Usage is the server's final usage chunk. A server that sends none, or an answer
        cut at a repeat (the usage chunk never comes), counts the streamed pieces as
        completion tokens (servers send about one token a piece) and 0 prompt tokens.
        """
        schema = ((request.get("response_format") or {}).get("json_schema") or {}).get("schema")
        guard = RepeatGuard(min_items(schema))
        if request.get("response_format"):
            response_format = without_extensions(request["response_format"])
            if self.schema_as_json_object:
                response_format = llama_response_format(response_format)
            request = {**request, "response_format": response_format}
        stream = self.client.chat.completions.create(**request, stream=True, stream_options={"include_usage": True})
        head: dict[str, Any] = {}
        finish_reason = None
        usage = None
        pieces = 0
        with _transport_errors(stream):
            if "text/event-stream" not in stream.response.headers.get("content-type", ""):
                return self._unstreamed(stream.response)
            try:
                for chunk in stream:
                    head = head or {"id": chunk.id, "created": chunk.created, "model": chunk.model}
                    usage = getattr(chunk, "usage", None) or usage
                    if not getattr(chunk, "choices", None):
                        continue
                    choice = chunk.choices[0]
                    if content := choice.delta.content:
                        pieces += 1
                        if guard.feed(content):
                            finish_reason = "stop"
                            break
                    finish_reason = choice.finish_reason or finish_reason
            except ValueError as exc:  # an event whose data is not JSON
                raise ModelError(f"{self.label}: the endpoint sent a malformed stream event ({exc}); "
                                 "check that OPENAI_BASE_URL is an OpenAI-compatible API") from None
        if finish_reason is None and not _complete_json(guard.text):
            raise StreamDropped(message=DROPPED, request=stream.response.request)
        prompt_tokens = usage.prompt_tokens if usage is not None else 0
        return chat_completion(
            id=head.get("id") or "chatcmpl-stream", created=head.get("created") or 0,
            model=head.get("model") or self.model, content=guard.answer, finish_reason=finish_reason or "stop",
            usage=usage.model_dump() if usage is not None and guard.cut is None else {
                "prompt_tokens": prompt_tokens, "completion_tokens": pieces, "total_tokens": prompt_tokens + pieces,
            },
        )

    def _unstreamed(self, response: Any) -> dict[str, Any]:
        """A server that ignored ``stream`` and answered with one JSON body: take the body
        as it is (the caller checks it is a chat completion); anything else is not an
        OpenAI-compatible API."""
        response.read()
        try:
            return response.json()
        except ValueError:
            kind = response.headers.get("content-type", "no content-type")
            raise not_a_completion(self.label, f"{kind}: {response.text[:80]!r}") from None


def checked_base_url(value: str | None) -> str:
    """``value`` stripped, if it is an http(s) URL with a host; OpenAI's API if unset or empty.

    Checked once, here: an unparseable URL would otherwise fail inside the SDK, and one
    without a scheme or host be joined into a garbled address and retried as a lost connection.
    """
    if not value:  # passed on, not None: the SDK would read an empty OPENAI_BASE_URL as the URL ""
        return DEFAULT_BASE_URL
    value = value.strip()  # only blanks left: an error below, not silently OpenAI's API
    try:
        url = _http.URL(value)
        ok = url.scheme in ("http", "https") and bool(url.host) and (url.port is None or 0 < url.port < 65536)
    except (_http.InvalidURL, ValueError, TypeError):
        ok = False
    if not ok:
        # without a scheme, "user:password@host" is not a URL's userinfo to redact(): mask it here
        has_scheme = re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", value)
        shown = redact(value if has_scheme else re.sub(r"^[^@\s]*@", REDACTED + "@", value))
        raise ConfigError(f"{BASE_URL_ENV}={shown!r} is not a valid http(s) URL with a host; "
                          "set it to the server's base URL, such as http://localhost:8000/v1")
    return value


def checked_api_key(value: str | None) -> str | None:
    """``value`` without the whitespace around it (a pasted newline); a key with a control or
    non-ASCII character inside cannot go in an HTTP header at all (a space can: the server
    judges the key). Checked for every provider, since the key is sent wherever it is set.
    The key is never shown."""
    value = (value or "").strip()
    if not value:
        return None
    if not all(" " <= ch < "\x7f" for ch in value):
        raise ConfigError(f"{KEY_ENV} has a control or non-ASCII character inside it; "
                          "set it to the key alone (a key is printable ASCII characters)")
    return value


@contextmanager
def _transport_errors(stream: Any) -> Iterator[None]:
    """Reading the reply: the HTTP library's errors as the openai SDK's (which transport.py
    retries), and the connection closed however the reading ends."""
    try:
        yield
    except _http.TimeoutException as exc:
        raise openai.APITimeoutError(request=exc.request) from exc
    except _http.TransportError as exc:
        raise StreamDropped(message=DROPPED, request=exc.request) from exc
    finally:
        stream.close()


def _complete_json(text: str) -> bool:
    """A server that ends its stream with [DONE] but no finish_reason: done if the answer parses."""
    try:
        json.loads(text)
    except ValueError:
        return False
    return True
