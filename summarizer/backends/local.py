"""llama.cpp in-process (llama-cpp-python). The model loads once per process."""

from __future__ import annotations

import atexit
import ctypes
import gc
import os
import sys
import threading
from pathlib import Path
from typing import Any

from .. import cancellation
from ..errors import ConfigError, UsageError
from . import chat_completion, greedy_grammar, json_drafts
from .prefix_cache import PrefixCache, head_tokens, prefix_tokens
from .repeats import RepeatGuard, min_items
from .response_format import llama_response_format


def prefix_cache_dir() -> Path:
    from ..weights import cache_dir

    return cache_dir() / "prefix-states"


DEFAULT_N_CTX = 8192
N_CTX_ENV = "SUMMARIZER_N_CTX"
THREADS_ENV = "SUMMARIZER_THREADS"
_LOADED: dict[tuple[str, int], Any] = {}
_LOAD_LOCK = threading.Lock()
# llama.cpp's context is not thread-safe and backends for the same weights and n_ctx share one
# loaded model (two Summarizers, or summarize() beside one): the lock is the model's, not a backend's.
# Reentrant: a summary holds it for all of its article's requests (LLM.hold), each taking it again.
_MODEL_LOCKS: dict[tuple[str, int], threading.RLock] = {}
_LOG_CALLBACK: Any = None


_GGML_ERROR = 4


def _quiet_logs(llama_cpp: Any) -> None:
    """Pass on llama.cpp's errors only; its warnings (n_ctx < n_ctx_train ...) are noise here."""
    global _LOG_CALLBACK
    if _LOG_CALLBACK is None:

        @llama_cpp.llama_log_callback
        def callback(level: int, text: bytes, user_data: Any) -> None:
            if level == _GGML_ERROR:
                sys.stderr.write(text.decode("utf-8", "replace"))

        _LOG_CALLBACK = callback  # keep a reference: C holds only the pointer
        llama_cpp.llama_log_set(_LOG_CALLBACK, ctypes.c_void_p(0))


@atexit.register
def _close_models() -> None:
    """Free models before interpreter teardown, which llama-cpp-python does not survive quietly."""
    for model in _LOADED.values():
        close = getattr(model, "close", None)
        if close is not None:
            close()
    _LOADED.clear()


def positive_int_env(name: str, default: int, unit: str, zero_is_default: bool = False) -> int:
    """``$name`` as a positive integer (a number of ``unit``); ``default`` when it is unset or
    empty, and for 0 where ``zero_is_default``."""
    text = os.environ.get(name, "").strip()
    if not text or (zero_is_default and text == "0"):
        return default
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise ConfigError(f"{name}={text!r} is not a positive integer; set a number of {unit} such as {default}, "
                          "or unset it for the default")
    return value


def _model_lock(path: Path, n_ctx: int) -> threading.RLock:
    with _LOAD_LOCK:
        return _MODEL_LOCKS.setdefault((str(path), n_ctx), threading.RLock())


def _load(path: Path, n_ctx: int, threads: int) -> Any:
    key = (str(path), n_ctx)
    with _LOAD_LOCK:
        if key not in _LOADED:
            try:
                import llama_cpp
                from llama_cpp import Llama
            except ImportError:
                raise UsageError(
                    "the local model needs llama-cpp-python: make setup, or pip install -e '.[local]' in the checkout, "
                    "or pick an endpoint with --model openai/NAME"
                ) from None
            _quiet_logs(llama_cpp)
            failure = None
            hook = sys.unraisablehook
            sys.unraisablehook = _quiet_half_built_model(hook)
            try:
                llama = Llama(
                    model_path=str(path), n_ctx=n_ctx, n_threads=threads, n_batch=512,
                    verbose=False, seed=0,
                )
                greedy_grammar.install(llama)
                json_drafts.install(llama)
                _LOADED[key] = llama
            except (ValueError, RuntimeError) as exc:
                failure = f"{path}: llama.cpp cannot load it ({exc}); give a valid .gguf file"
            finally:
                if failure:
                    gc.collect()  # the half-built model goes now, while its __del__'s failure is dropped
                sys.unraisablehook = hook
            if failure:
                raise UsageError(failure)
        return _LOADED[key]


def _quiet_half_built_model(hook: Any) -> Any:
    """An unraisable hook that drops only llama-cpp-python's own __del__ failing on a model
    that never loaded ("Exception ignored in LlamaModel.__del__ ... no attribute 'sampler'")."""

    def quiet(unraisable: Any) -> None:
        if getattr(unraisable.object, "__module__", "").startswith("llama_cpp"):
            return
        hook(unraisable)

    return quiet


class LocalBackend:
    """Qwen2.5-Coder (or any GGUF) run in this process; calls to one loaded model are
    serialized, whichever backend, thread or Summarizer makes them."""

    concurrent = False

    def __init__(self, path: Path, n_ctx: int | None = None) -> None:
        self.path = path
        self.n_ctx = n_ctx or positive_int_env(N_CTX_ENV, DEFAULT_N_CTX, "tokens")
        # read now: a bad value fails as the backend is made, before any article or model load
        self.threads = positive_int_env(THREADS_ENV, os.cpu_count() or 2, "threads", zero_is_default=True)  # 0: all
        self.model = path.stem
        self.label = f"local:{path.name}"
        self._lock = _model_lock(path, self.n_ctx)
        self._prefixes: dict[str, list[int]] = {}
        self._prefix_cache = PrefixCache(prefix_cache_dir(), path, self.n_ctx)
        self.prefix_status = "none"

    @property
    def llama(self) -> Any:
        return _load(self.path, self.n_ctx, self.threads)

    def hold(self) -> threading.RLock:
        """The model's lock, to keep it for one article's requests (see LLM.hold)."""
        return self._lock

    def _warm_prefix(self, messages: list[dict[str, str]]) -> None:
        """Set where llama.cpp starts evaluating this prompt: the same places whatever ran
        before, so that the answer is the same too.

        llama.cpp's numbers for a token vary in the last bits with the batch it is evaluated
        in, and greedy decoding turns a near tie either way: an article's answers changed
        with the article before it in a run (its prompt shared a few more or fewer tokens,
        "Publication date: 2019-"), with the disk cache on or off, and from the first
        summary of an article to the second. So a prompt is read in fixed pieces: the static
        prefix (the system prompt, on its own: restored from disk, or evaluated and saved);
        then its first user message up to its last line (the article, shared by the tasks
        on it: kept when the context holds it, else evaluated from the end of the prefix);
        then the rest (the task line, a re-ask), by the chat completion.
        """
        system = messages[0]["content"] if messages and messages[0]["role"] == "system" else None
        if system is not None and system not in self._prefixes:
            self._prefixes[system] = prefix_tokens(self.llama, system)
        prefix = self._prefixes.get(system, []) if system is not None else []
        disk = os.environ.get("SUMMARIZER_PREFIX_CACHE", "1") != "0"
        llama = self.llama
        status = self._prefix_cache.warm(llama, prefix, disk=disk)
        self.prefix_status = status if disk else "off"
        head = head_tokens(llama, messages)
        if head is None or len(head) <= len(prefix) or head[: len(prefix)] != prefix:
            llama.n_tokens = min(llama.n_tokens, len(prefix))
        elif llama.n_tokens >= len(head) and list(llama.input_ids[: len(head)]) == head:
            llama.n_tokens = len(head)
        else:
            llama.n_tokens = min(llama.n_tokens, len(prefix))
            llama.eval(head[len(prefix):])

    def count_tokens(self, messages: list[dict[str, str]]) -> int:
        text = "".join(m["content"] for m in messages)
        return len(self.llama.tokenize(text.encode("utf-8"), add_bos=False)) + 8 * len(messages)

    def check_fits(self, messages: list[dict[str, str]], max_tokens: int) -> None:
        needed = self.count_tokens(messages)
        budget = self.n_ctx - max_tokens
        if needed > budget:
            raise UsageError(
                f"the article is too long for the local model: the prompt is {needed} tokens and "
                f"the context window leaves {budget} (n_ctx {self.n_ctx} minus {max_tokens} for the answer); "
                "shorten the article, raise SUMMARIZER_N_CTX, or use a larger model with --model"
            )

    def send(self, request: dict[str, Any]) -> dict[str, Any]:
        """One completion, streamed so that an answer looping on a repeated list item stops
        there (repeats.py) instead of running to max_tokens."""
        response_format = llama_response_format(request.get("response_format"))
        guard = RepeatGuard(min_items((response_format or {}).get("schema")))
        kwargs = {
            "messages": request["messages"],
            "max_tokens": request.get("max_tokens"),
            "temperature": request.get("temperature", 0.0),
            "response_format": response_format,
            "seed": request.get("seed", 0),
            "stream": True,
        }
        first: dict[str, Any] = {}
        finish_reason = None
        generated = 0
        with self._lock:
            drafter = getattr(self.llama, "draft_model", None)
            drafts = drafter if isinstance(drafter, json_drafts.SchemaDrafter) else None
            schema = (response_format or {}).get("schema")
            if drafts is not None:
                drafts.begin(schema)
            stops = getattr(self.llama, "string_stops", None)
            if stops is not None:
                stops.begin(schema)
            self._warm_prefix(request["messages"])
            cancellation.check()  # cancelled while the article was read: no answer to write
            stream = self.llama.create_chat_completion(**kwargs)
            try:
                for chunk in stream:
                    if cancellation.requested():  # nobody waits for this answer: free the model now
                        finish_reason = "cancelled"
                        break
                    first = first or chunk
                    choice = chunk["choices"][0]
                    if content := choice["delta"].get("content"):
                        generated += 1
                        if guard.feed(content):
                            finish_reason = "stop"
                            break
                    finish_reason = choice.get("finish_reason") or finish_reason
            finally:
                stream.close()
                prompt_read = drafts.prompt_tokens if drafts is not None else None
                for tracker in (drafts, stops):
                    if tracker is not None:
                        tracker.begin(None)  # a completion made directly on this model gets no drafts and no cut
            evaluated = self.llama.n_tokens
            if drafts is not None:
                # the KV cache may end in draft tokens past the answer's end: count the prompt as read
                evaluated = generated + (prompt_read or max(0, evaluated - generated))
        if finish_reason == "cancelled":
            raise cancellation.Cancelled("the caller stopped waiting for this summary")
        return chat_completion(
            id=first.get("id", "chatcmpl-local"), created=first.get("created", 0), model=self.model,
            content=guard.answer, finish_reason=finish_reason or "stop",
            # llama.cpp's token counter less the streamed pieces (one token each, bar a split
            # UTF-8 character): within a token or two of what a non-streamed call reports
            usage={
                "prompt_tokens": max(0, evaluated - generated),
                "completion_tokens": generated,
                "total_tokens": max(evaluated, generated),
            },
        )
