"""A disk cache of llama.cpp's state after the static prompt prefix.

The system prompt (instructions, schemas, examples) is the same for every
article: about 1,600 tokens (1,591 now) that take most of a minute to evaluate on two CPU
cores. The first process evaluates it once and saves llama.cpp's KV state;
later processes load it in well under a second, and llama.cpp's own prefix
matching reuses it for every request whose prompt starts the same way.

The cache only saves time: a directory that cannot be written costs a warning,
once, and the run goes on evaluating the prefix afresh.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import tempfile
import warnings
from contextlib import suppress
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import SummarizerWarning

_MAGIC = b"SUMMARIZER-PREFIX-1\n"
KEEP = 4


@lru_cache(maxsize=8)
def _formatter(template: str) -> Any:
    """The chat template compiled once (12 ms each time), not for every prompt of every request."""
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    return Jinja2ChatFormatter(template=template, eos_token="", bos_token="")


def _chat_tokens(llama: Any, messages: list[dict[str, str]]) -> list[int] | None:
    """``messages`` as the tokens llama-cpp-python's chat completion reads; None without a
    chat template in the GGUF."""
    template = llama.metadata.get("tokenizer.chat_template")
    if not template:
        return None
    prompt = _formatter(template)(messages=messages).prompt
    return llama.tokenize(prompt.encode(), add_bos=False, special=True)


def _shared(a: list[int], b: list[int]) -> list[int]:
    shared = 0
    while shared < min(len(a), len(b)) and a[shared] == b[shared]:
        shared += 1
    return a[:shared]


def prefix_tokens(llama: Any, system: str) -> list[int]:
    """The tokens every prompt with this system message starts with (up to the user's text)."""
    a, b = (_chat_tokens(llama, [{"role": "system", "content": system}, {"role": "user", "content": text}])
            for text in ("A", "B"))
    return [] if a is None or b is None else _shared(a, b)


def head_tokens(llama: Any, messages: list[dict[str, str]]) -> list[int] | None:
    """The tokens of the prompt up to the last line of its first user message (the article,
    not the task line), or None if that message has one line or the prompt's tokens do not
    start with them. The same for every prompt that differs from this one only after that."""
    first = next((i for i, m in enumerate(messages) if m["role"] == "user"), None)
    if first is None or "\n" not in messages[first]["content"]:
        return None
    head = messages[first]["content"].rpartition("\n")[0]
    a, b = (_chat_tokens(llama, [*messages[:first], {"role": "user", "content": f"{head}\n{line}"}])
            for line in ("A", "B"))
    full = _chat_tokens(llama, messages)
    if a is None or b is None or full is None:
        return None
    tokens = _shared(a, b)
    return tokens if full[: len(tokens)] == tokens else None


class PrefixCache:
    """Saves and restores llama.cpp state for a token prefix, keyed by model and tokens."""

    def __init__(self, directory: Path, model_path: Path, n_ctx: int) -> None:
        self.directory = directory
        self.model_path = model_path
        self.n_ctx = n_ctx
        self._warned = False

    def _path(self, tokens: list[int]) -> Path:
        stat = self.model_path.stat()
        digest = hashlib.sha256(f"{self.model_path.name}:{stat.st_size}:{stat.st_mtime_ns}:{self.n_ctx}".encode())
        digest.update(np.asarray(tokens, dtype=np.int32).tobytes())
        return self.directory / f"prefix-{digest.hexdigest()[:24]}.state"

    def warm(self, llama: Any, tokens: list[int], disk: bool = True) -> str:
        """Make llama.cpp hold ``tokens`` evaluated on their own: restored from disk, or
        evaluated and saved (``disk`` False: evaluated, neither restored nor saved)."""
        if not tokens or list(llama.input_ids[: llama.n_tokens][: len(tokens)]) == tokens:
            return "in memory"
        path = self._path(tokens)
        if disk and self._restore(llama, path, tokens):
            return "restored"
        llama.reset()
        llama.eval(tokens)
        if disk:
            self._save(llama, path)
        return "evaluated"

    def _restore(self, llama: Any, path: Path, tokens: list[int]) -> bool:
        import llama_cpp

        try:
            blob = path.read_bytes()
        except OSError:
            return False
        if not blob.startswith(_MAGIC):
            return False
        state = blob[len(_MAGIC):]
        buffer = (ctypes.c_uint8 * len(state)).from_buffer_copy(state)
        llama.reset()
        if llama_cpp.llama_set_state_data(llama._ctx.ctx, buffer) != len(state):
            llama.reset()
            return False
        llama.input_ids[: len(tokens)] = tokens
        llama.n_tokens = len(tokens)
        return True

    def _save(self, llama: Any, path: Path) -> None:
        state = _state(llama)
        tmp = None
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".prefix-")
            with os.fdopen(fd, "wb") as handle:
                handle.write(_MAGIC)
                handle.write(state)
            os.replace(tmp, path)
        except OSError as exc:
            if tmp is not None:
                with suppress(OSError):
                    os.unlink(tmp)  # a half-written state (a full disk) is ~45 MB of junk
            self._warn_once(exc)
            return
        with suppress(OSError):
            self._evict(keep=path)

    def _warn_once(self, exc: OSError) -> None:
        """Say once why every run evaluates the prefix again; a read-only cache only costs speed."""
        if self._warned:
            return
        self._warned = True
        warnings.warn(
            f"cannot save the prompt-prefix state in {self.directory} ({exc.strerror or exc}), "
            "so each run evaluates the instructions afresh (slower); set SUMMARIZER_CACHE_DIR to a writable "
            "directory, or SUMMARIZER_PREFIX_CACHE=0 to skip the cache",
            SummarizerWarning,
            stacklevel=2,
        )

    def _evict(self, keep: Path) -> None:
        """Keep the newest KEEP states: old prompts' states are dead weight (~45 MB each)."""
        states = sorted(self.directory.glob("prefix-*.state"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in [p for p in states if p != keep][KEEP - 1:]:
            old.unlink(missing_ok=True)


def _state(llama: Any) -> memoryview:
    """llama.cpp's state (KV cache and all) as bytes."""
    import llama_cpp

    size = llama_cpp.llama_get_state_size(llama._ctx.ctx)
    buffer = (ctypes.c_uint8 * size)()
    written = llama_cpp.llama_copy_state_data(llama._ctx.ctx, buffer)
    return memoryview(buffer)[:written]
