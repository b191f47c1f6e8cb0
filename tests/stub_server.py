"""Test doubles for model backends.

`StubServer` is a real HTTP server speaking enough of the OpenAI
chat-completions API for the openai SDK: scripted replies in order (a completion,
an HTTP error with headers, a delay), a default reply when the script runs out,
and a log of every request received (JSON body and headers). A request with
``"stream": true`` is answered as server-sent events, a piece of the content
per event, the way OpenAI, vLLM, Ollama and llama.cpp's server stream.

`FakeBackend` is an in-process object implementing the `Backend` protocol, for
pipeline tests that need no HTTP.

Both are importable outside pytest (benchmarks) when the project root is on
sys.path (``python -m bench.NAME`` from the root, or PYTHONPATH=.)::

    from tests.stub_server import Reply, StubServer, by_schema
    answers = by_schema({"ParticipantsDraft": {...}, "UpcomingDraft": {...}, "OverviewDraft": {...}})
    with StubServer(default=Reply(content=answers, delay=0.2)) as stub:
        ... OpenAIBackend("openai", "m", base_url=stub.base_url, api_key="x") ...
"""

from __future__ import annotations

import copy
import itertools
import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Union

__all__ = [
    "FakeBackend",
    "FakeBackendExhausted",
    "Reply",
    "ReceivedRequest",
    "StubServer",
    "by_schema",
    "completion",
    "pieces",
    "schema_name",
]

Content = Union[str, Mapping[str, Any], list, Callable[[dict[str, Any]], Any]]

_ids = itertools.count(1)


def _content_text(content: Any, body: dict[str, Any]) -> str:
    """A message content: callables get the request body; dicts/lists become JSON text."""
    if callable(content):
        content = content(body)
    if isinstance(content, str):
        return content
    return json.dumps(content, ensure_ascii=False)


def completion(
    content: str,
    *,
    model: str = "test-model",
    prompt_tokens: int = 10,
    completion_tokens: int = 5,
    finish_reason: str = "stop",
) -> dict[str, Any]:
    """An OpenAI chat.completion response body carrying ``content``."""
    return {
        "id": f"chatcmpl-stub-{next(_ids)}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": finish_reason,
                "logprobs": None,
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def by_schema(answers: Mapping[str, Any]) -> Callable[[dict[str, Any]], Any]:
    """A content callable answering by the response_format schema name (e.g. "ParticipantsDraft").

    Useful as a default reply when one server answers every pipeline task.
    """

    def pick(body: dict[str, Any]) -> Any:
        name = schema_name(body)
        if name not in answers:
            raise KeyError(f"stub has no answer for schema {name!r} (have {sorted(answers)})")
        return answers[name]

    return pick


@dataclass
class Reply:
    """One scripted answer.

    ``status`` 200 answers a chat completion whose message content is ``content``
    (str as is, dict/list as JSON text, a callable gets the request body).
    Any other status answers ``error`` (or a default error body) with ``headers``,
    e.g. ``{"Retry-After": "1"}``. ``delay`` seconds pass before answering
    (longer than the client's timeout makes it time out).
    """

    content: Content | None = None
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    error: Mapping[str, Any] | str | None = None
    delay: float = 0.0
    prompt_tokens: int = 10
    completion_tokens: int = 5
    finish_reason: str = "stop"
    body: Mapping[str, Any] | None = None  # a full raw JSON body, overriding everything else
    chunk_delay: float = 0.0  # seconds between streamed events (unstreamed: between headers and body)
    drop_after: int | None = None  # a streamed reply: hang up after this many events
    streams: bool = True  # False: one JSON body even when asked to stream (servers that ignore it)
    raw: tuple[str, bytes] | None = None  # (content type, bytes) sent as they are: not an API at all

    def render(self, request_body: dict[str, Any], model: str) -> tuple[int, dict[str, str], bytes]:
        if self.body is not None:
            payload: Any = dict(self.body)
        elif self.status == 200:
            payload = completion(
                _content_text(self.content if self.content is not None else "", request_body),
                model=request_body.get("model", model) if isinstance(request_body, dict) else model,
                prompt_tokens=self.prompt_tokens,
                completion_tokens=self.completion_tokens,
                finish_reason=self.finish_reason,
            )
        else:
            error = self.error
            if error is None:
                error = f"stub error {self.status}"
            if isinstance(error, str):
                error = {"message": error, "type": "stub_error", "param": None, "code": str(self.status)}
            payload = {"error": dict(error)}
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json", **dict(self.headers)}
        return self.status, headers, data


_PIECE = re.compile(r"\s*\w+|\s*[^\w\s]|\s+")


def pieces(content: str) -> list[str]:
    """How a streamed reply splits ``content``: a word or a punctuation mark per event."""
    return _PIECE.findall(content)


def stream_events(payload: Mapping[str, Any], include_usage: bool) -> list[bytes]:
    """A chat.completion body as the SSE events of its stream: a role chunk, a chunk per
    word or punctuation mark of the content, a finish chunk, the usage chunk when asked for
    (and the body has usage), then [DONE]. A body that is no completion goes out as one event."""
    try:
        choice = payload["choices"][0]
        content = choice["message"].get("content") or ""
    except (KeyError, IndexError, TypeError, AttributeError):
        return [b"data: " + json.dumps(payload).encode("utf-8") + b"\n\n", b"data: [DONE]\n\n"]
    head = {"id": payload.get("id", "chatcmpl-stub"), "created": payload.get("created", 0),
            "model": payload.get("model", "test-model")}

    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> bytes:
        body = {**head, "object": "chat.completion.chunk",
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}
        return b"data: " + json.dumps(body, ensure_ascii=False).encode("utf-8") + b"\n\n"

    events = [chunk({"role": "assistant", "content": ""})]
    events += [chunk({"content": piece}) for piece in pieces(content)]
    events.append(chunk({}, choice.get("finish_reason") or "stop"))
    if include_usage and payload.get("usage"):
        body = {**head, "object": "chat.completion.chunk", "choices": [], "usage": payload["usage"]}
        events.append(b"data: " + json.dumps(body).encode("utf-8") + b"\n\n")
    events.append(b"data: [DONE]\n\n")
    return events


@dataclass
class ReceivedRequest:
    """What the server saw: method, path, headers (lower-case names), JSON body."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any
    at: float
    events_sent: int = 0  # a streamed reply: the events written before the client hung up
    events_total: int = 0

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list((self.body or {}).get("messages", [])) if isinstance(self.body, dict) else []


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 256


class StubServer:
    """An OpenAI-compatible chat-completions stub on 127.0.0.1 (random free port).

    With no scripted reply left and no default, it answers HTTP 400 with an error
    saying the script ran out (400 is not retried, so a test fails fast).
    """

    def __init__(self, default: Reply | Content | None = None, *, model: str = "test-model") -> None:
        self.model = model
        self._lock = threading.Lock()
        self._queue: deque[Reply] = deque()
        self._default: Reply | None = None
        self._stopping = threading.Event()
        self.requests: list[ReceivedRequest] = []
        self.set_default(default)
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------------

    def start(self) -> "StubServer":
        if self._httpd is not None:
            return self
        self._stopping.clear()
        self._httpd = _Server(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="stub-openai", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; delayed replies in flight are cut short. Safe to call twice."""
        if self._httpd is None:
            return
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> "StubServer":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._httpd is not None

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("stub server is not running")
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"

    # -- scripting -----------------------------------------------------------------

    def enqueue(
        self,
        content: Content | None = None,
        *,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        error: Mapping[str, Any] | str | None = None,
        delay: float = 0.0,
        prompt_tokens: int = 10,
        completion_tokens: int = 5,
        finish_reason: str = "stop",
        body: Mapping[str, Any] | None = None,
        chunk_delay: float = 0.0,
        drop_after: int | None = None,
        streams: bool = True,
        raw: tuple[str, bytes] | None = None,
        times: int = 1,
    ) -> "StubServer":
        """Script the next reply (``times`` copies of it). Returns self for chaining."""
        reply = Reply(
            content=content, status=status, headers=dict(headers or {}), error=error, delay=delay,
            prompt_tokens=prompt_tokens, completion_tokens=completion_tokens,
            finish_reason=finish_reason, body=body, chunk_delay=chunk_delay, drop_after=drop_after,
            streams=streams, raw=raw,
        )
        return self.enqueue_reply(reply, times=times)

    def enqueue_error(
        self, status: int, message: str | None = None, *, headers: Mapping[str, str] | None = None,
        delay: float = 0.0, times: int = 1,
    ) -> "StubServer":
        """Script an HTTP error reply with an OpenAI-style JSON error body."""
        return self.enqueue(status=status, error=message, headers=headers, delay=delay, times=times)

    def enqueue_reply(self, reply: Reply, *, times: int = 1) -> "StubServer":
        with self._lock:
            for _ in range(times):
                self._queue.append(copy.copy(reply))
        return self

    def set_default(self, default: Reply | Content | None, *, delay: float = 0.0) -> "StubServer":
        """The reply when the script is empty: a Reply, or content answered after ``delay`` s."""
        if default is not None and not isinstance(default, Reply):
            default = Reply(content=default, delay=delay)
        with self._lock:
            self._default = default
        return self

    def reset(self) -> None:
        """Forget scripted replies and received requests (not the default)."""
        with self._lock:
            self._queue.clear()
            self.requests.clear()

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._queue)

    @property
    def bodies(self) -> list[Any]:
        with self._lock:
            return [r.body for r in self.requests]

    def _next_reply(self) -> Reply | None:
        with self._lock:
            if self._queue:
                return self._queue.popleft()
            return self._default

    # -- HTTP ----------------------------------------------------------------------

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            server_version = "stub-openai/1"
            disable_nagle_algorithm = True  # headers and body go out at once: no 40 ms keep-alive stalls

            def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
                pass

            def _read_body(self) -> Any:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                if not raw:
                    return None
                try:
                    return json.loads(raw)
                except ValueError:
                    return raw.decode("utf-8", "replace")

            def _send(self, status: int, headers: Mapping[str, str], data: bytes, body_delay: float = 0.0) -> None:
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    if body_delay:  # headers now, the body later: a reply that stalls midway
                        self.wfile.flush()
                        if stub._stopping.wait(body_delay):
                            return
                    self.wfile.write(data)
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, OSError):
                    self.close_connection = True  # the client gave up (timeout): nothing to do

            def do_POST(self) -> None:
                body = self._read_body()
                received = ReceivedRequest(
                    method="POST", path=self.path,
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=body, at=time.monotonic(),
                )
                with stub._lock:
                    stub.requests.append(received)
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._send(404, {"Content-Type": "application/json"},
                               json.dumps({"error": {"message": f"stub: no route {self.path}"}}).encode())
                    return
                reply = stub._next_reply()
                if reply is None:
                    reply = Reply(status=400, error="stub server: no scripted reply left and no default")
                if reply.delay and stub._stopping.wait(reply.delay):
                    self.close_connection = True
                    return
                try:
                    status, headers, data = reply.render(body if isinstance(body, dict) else {}, stub.model)
                except Exception as exc:  # a content callable failed: say so, don't hang the client
                    status, headers, data = 400, {"Content-Type": "application/json"}, json.dumps(
                        {"error": {"message": f"stub reply failed: {exc!r}"}}
                    ).encode()
                if reply.raw is not None:
                    self._send(200, {"Content-Type": reply.raw[0]}, reply.raw[1])
                elif status == 200 and reply.streams and isinstance(body, dict) and body.get("stream"):
                    include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
                    events = stream_events(json.loads(data), include_usage)
                    self._stream(received, events[:reply.drop_after], reply.chunk_delay)
                else:
                    self._send(status, headers, data, reply.chunk_delay)

            def _stream(self, received: ReceivedRequest, events: list[bytes], delay: float) -> None:
                """Write the events one by one, each flushed; stop when the client hangs up."""
                received.events_total = len(events)
                self.close_connection = True  # the stream ends with the connection
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream")
                    self.send_header("Connection", "close")
                    self.end_headers()
                    for event in events:
                        if delay and stub._stopping.wait(delay):
                            return
                        received.events_sent += 1  # counted before the client can read it: no race with the test
                        self.wfile.write(event)
                        self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, OSError):
                    received.events_sent -= 1  # the client stopped reading: this event never went out

            def do_GET(self) -> None:
                received = ReceivedRequest("GET", self.path, {k.lower(): v for k, v in self.headers.items()},
                                           None, time.monotonic())
                with stub._lock:
                    stub.requests.append(received)
                if self.path.rstrip("/").endswith("/models"):
                    data = {"object": "list", "data": [{"id": stub.model, "object": "model", "owned_by": "stub"}]}
                    self._send(200, {"Content-Type": "application/json"}, json.dumps(data).encode())
                else:
                    self._send(404, {"Content-Type": "application/json"}, b'{"error": {"message": "no route"}}')

        return Handler


class FakeBackendExhausted(AssertionError):
    """The test asked the fake model more often than it scripted answers."""


def schema_name(request: Mapping[str, Any]) -> str | None:
    """The response_format schema name of a request ("ParticipantsDraft", ...), if any."""
    fmt = request.get("response_format") or {}
    spec = fmt.get("json_schema") or {}
    return spec.get("name") or (spec.get("schema") or {}).get("title")


class FakeBackend:
    """A scriptable in-process `Backend`: answers enqueued contents in order.

    ``enqueue(content)`` takes a dict/list (sent as JSON text), a str (sent as
    is), a callable (gets the request, returns content) or an exception instance
    (raised by ``send``). ``enqueue(content, schema="ParticipantsDraft")`` puts
    it on a queue only requests for that response schema take, which keeps
    scripts deterministic when the pipeline sends its tasks concurrently.
    ``history`` holds deep copies of every request sent.

    ``concurrent`` (False by default) tells the pipeline whether it may send
    tasks at once, like an HTTP endpoint (True) or llama.cpp in-process (False).
    """

    def __init__(
        self, model: str = "test-model", label: str | None = None, *, default: Content | None = None,
        n_ctx: int | None = None, concurrent: bool = False,
    ) -> None:
        self.model = model
        self.label = label or f"fake/{model}"
        self.default = default
        self.n_ctx = n_ctx
        self.concurrent = concurrent
        self.history: list[dict[str, Any]] = []
        self.fits_checks: list[tuple[list[dict[str, str]], int]] = []
        self._queue: deque[Any] = deque()
        self._by_schema: dict[str, deque[Any]] = {}
        self._lock = threading.Lock()

    def enqueue(
        self, *contents: Any, schema: str | None = None, prompt_tokens: int = 10, completion_tokens: int = 5,
    ) -> "FakeBackend":
        with self._lock:
            queue = self._queue if schema is None else self._by_schema.setdefault(schema, deque())
            for content in contents:
                queue.append((content, prompt_tokens, completion_tokens))
        return self

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._queue) + sum(len(q) for q in self._by_schema.values())

    @property
    def messages(self) -> list[list[dict[str, Any]]]:
        """The messages of each request, in order."""
        return [r.get("messages", []) for r in self.history]

    def requests_for(self, schema: str) -> list[dict[str, Any]]:
        """The requests sent for one response schema, in order."""
        return [r for r in self.history if schema_name(r) == schema]

    def check_fits(self, messages: list[dict[str, str]], max_tokens: int) -> None:
        self.fits_checks.append((messages, max_tokens))
        if self.n_ctx is not None:
            from summarizer.errors import UsageError

            needed = sum(len(m["content"].split()) for m in messages)
            if needed + max_tokens > self.n_ctx:
                raise UsageError(f"the article is too long for {self.label}: {needed} + {max_tokens} > {self.n_ctx}")

    def send(self, request: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self.history.append(copy.deepcopy(request))
            queue = self._by_schema.get(schema_name(request) or "")
            if queue:
                content, prompt_tokens, completion_tokens = queue.popleft()
            elif self._queue:
                content, prompt_tokens, completion_tokens = self._queue.popleft()
            elif self.default is not None:
                content, prompt_tokens, completion_tokens = self.default, 10, 5
            else:
                raise FakeBackendExhausted(
                    f"fake model got request #{len(self.history)} ({schema_name(request)}) with nothing "
                    f"scripted; last message: {request.get('messages', [{}])[-1].get('content', '')[:200]!r}"
                )
        if isinstance(content, BaseException):
            raise content
        return completion(
            _content_text(content, request), model=self.model,
            prompt_tokens=prompt_tokens, completion_tokens=completion_tokens,
        )
