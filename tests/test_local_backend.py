"""The in-process llama.cpp backend: response_format translation, grammar, context window."""

from __future__ import annotations

import asyncio
import errno
import functools
import json
import logging
import os
import subprocess
import sys
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from summarizer.backends import greedy_grammar, json_drafts, local
from summarizer.backends.local import LocalBackend
from summarizer.backends.response_format import llama_response_format
from summarizer.errors import SummarizerWarning, UsageError
from tests.faults import disk_full

SCHEMA = {
    "type": "object",
    "properties": {"zq_code": {"type": "string", "enum": ["XK-7", "PL-2"]}},
    "required": ["zq_code"],
    "additionalProperties": False,
}


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        pytest.param(
            {"type": "json_schema", "json_schema": {"name": "Code", "schema": SCHEMA, "strict": True}},
            {"type": "json_object", "schema": SCHEMA},
            id="json_schema-becomes-json_object-with-schema",
        ),
        pytest.param({"type": "json_schema", "json_schema": {"name": "Code"}}, {"type": "json_object"},
                     id="json_schema-without-schema"),
        pytest.param({"type": "json_schema"}, {"type": "json_object"}, id="json_schema-bare"),
        pytest.param({"type": "json_object"}, {"type": "json_object"}, id="json_object-unchanged"),
        pytest.param({"type": "json_object", "schema": SCHEMA}, {"type": "json_object", "schema": SCHEMA},
                     id="json_object-with-schema-unchanged"),
        pytest.param({"type": "text"}, {"type": "text"}, id="text-unchanged"),
        pytest.param(None, None, id="none"),
        pytest.param({}, {}, id="empty"),
    ],
)
def test_llama_response_format(given, expected):
    assert llama_response_format(given) == expected


class FakeLlama:
    """Stands in for llama_cpp.Llama: whitespace tokenizer; create_chat_completion streams
    ``answer`` in 4-character pieces, one "token" each, and records the calls."""

    PROMPT_TOKENS = 3

    def __init__(self, answer: str = '{"zq_code": "PL-2"}', finish_reason: str = "stop"):
        self.calls = []
        self.answer = answer
        self.finish_reason = finish_reason
        self.n_tokens = 0
        self.streamed = 0
        self.closed = False

    def tokenize(self, data: bytes, add_bos: bool = True):
        return data.decode("utf-8").split()

    def create_chat_completion(self, **kwargs):
        self.calls.append(kwargs)
        assert kwargs["stream"] is True
        self.n_tokens = self.PROMPT_TOKENS
        return self._stream()

    def _stream(self):
        pieces = [self.answer[i:i + 4] for i in range(0, len(self.answer), 4)]
        try:
            yield {"id": "x", "created": 5, "choices": [{"index": 0, "delta": {"role": "assistant"}, "finish_reason": None}]}
            for i, piece in enumerate(pieces):
                self.streamed += 1
                self.n_tokens += 1
                last = i == len(pieces) - 1
                yield {"id": "x", "created": 5, "choices": [
                    {"index": 0, "delta": {"content": piece}, "finish_reason": self.finish_reason if last else None}]}
        finally:
            self.closed = True


@pytest.fixture
def fake_llama(monkeypatch, tmp_path):
    fake = FakeLlama()
    path = tmp_path / "tiny-model.gguf"
    monkeypatch.setitem(local._LOADED, (str(path), 64), fake)
    return LocalBackend(path, n_ctx=64), fake


def test_send_applies_the_translated_schema(fake_llama):
    backend, fake = fake_llama
    response_format = {"type": "json_schema", "json_schema": {"name": "Code", "schema": SCHEMA}}
    out = backend.send({"messages": [{"role": "user", "content": "hi"}], "max_tokens": 9,
                        "response_format": response_format, "temperature": 0.0, "seed": 3})
    (call,) = fake.calls
    assert call["response_format"] == {"type": "json_object", "schema": SCHEMA}
    assert call["max_tokens"] == 9 and call["seed"] == 3 and call["temperature"] == 0.0
    assert out["model"] == "tiny-model"
    assert backend.label == "local:tiny-model.gguf"
    assert out["choices"][0]["message"]["content"] == '{"zq_code": "PL-2"}'
    assert out["choices"][0]["finish_reason"] == "stop"
    assert out["usage"] == {"prompt_tokens": 3, "completion_tokens": 5, "total_tokens": 8}


LOOP = '{"participants": [{"name": "RCMP"}, {"name": "Commissioners"}' + ', {"name": "Commissioners"}' * 40 + "]}"
LIST_SCHEMA = {"type": "object", "properties": {"participants": {"type": "array", "items": {"type": "object"}}}}


@pytest.mark.parametrize(
    ("answer", "finish_reason", "content", "streamed_all"),
    [
        pytest.param(LOOP, "length", '{"participants": [{"name": "RCMP"}, {"name": "Commissioners"}]}', False,
                     id="loop-stops-at-the-first-repeat"),
        pytest.param('{"participants": [{"name": "A"}, {"name": "B"}]}', "stop",
                     '{"participants": [{"name": "A"}, {"name": "B"}]}', True, id="no-repeat-untouched"),
        pytest.param('{"participants": [{"name": "A"}, {"name": "B"}, {"na', "length",
                     '{"participants": [{"name": "A"}, {"name": "B"}, {"na', True, id="cut-off-stays-cut-off"),
    ],
)
def test_send_streams_and_stops_a_looping_answer(monkeypatch, tmp_path, answer, finish_reason, content, streamed_all):
    fake = FakeLlama(answer, finish_reason)
    path = tmp_path / "tiny-model.gguf"
    monkeypatch.setitem(local._LOADED, (str(path), 64), fake)
    out = LocalBackend(path, n_ctx=64).send({
        "messages": [{"role": "user", "content": "hi"}], "max_tokens": 700,
        "response_format": {"type": "json_schema", "json_schema": {"name": "P", "schema": LIST_SCHEMA}},
    })
    choice = out["choices"][0]
    assert choice["message"]["content"] == content
    assert choice["finish_reason"] == ("stop" if not streamed_all else finish_reason)
    assert fake.closed  # llama.cpp's generator is closed: generation really stopped
    assert (fake.streamed == -(-len(answer) // 4)) is streamed_all
    assert out["usage"]["completion_tokens"] == fake.streamed


@pytest.mark.parametrize(
    ("words", "max_tokens", "fits"),
    [
        pytest.param(10, 20, True, id="small"),
        pytest.param(40, 64 - 40 - 16, True, id="exactly-at-budget"),  # 40 words + 8 per message x2
        pytest.param(41, 64 - 40 - 16, False, id="one-over-budget"),
        pytest.param(10, 60, False, id="answer-budget-too-big"),
    ],
)
def test_check_fits_counts_prompt_and_answer(fake_llama, words, max_tokens, fits):
    backend, _ = fake_llama
    messages = [{"role": "system", "content": ""}, {"role": "user", "content": "w " * words}]
    if fits:
        backend.check_fits(messages, max_tokens)
    else:
        with pytest.raises(UsageError, match="too long") as info:
            backend.check_fits(messages, max_tokens)
        assert "n_ctx 64" in str(info.value) and "SUMMARIZER_N_CTX" in str(info.value)


# -- configuration read from the environment -----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value"),
    [
        pytest.param("SUMMARIZER_N_CTX", "abc", id="n_ctx-word"),
        pytest.param("SUMMARIZER_N_CTX", "0", id="n_ctx-zero"),
        pytest.param("SUMMARIZER_N_CTX", "-512", id="n_ctx-negative"),
        pytest.param("SUMMARIZER_N_CTX", "8k", id="n_ctx-with-unit"),
        pytest.param("SUMMARIZER_THREADS", "abc", id="threads-word"),
        pytest.param("SUMMARIZER_THREADS", "-2", id="threads-negative"),
        pytest.param("SUMMARIZER_THREADS", "2.5", id="threads-fraction"),
    ],
)
def test_a_bad_number_in_the_environment_is_one_line_before_the_model_loads(name, value, monkeypatch, tmp_path, capsys):
    from tests.test_cli import SEED, run

    model = tmp_path / "never-loaded.gguf"
    model.write_bytes(b"not a model: loading it would fail with another message")
    monkeypatch.setenv(name, value)
    code, out, err = run(["summarize", str(SEED), "--model", f"local:{model}"], capsys)
    assert code == 2 and out == "", err
    assert err.startswith(f"error: {name}={value!r} is not a positive integer; set a number of ")
    assert err.endswith(", or unset it for the default\n") and err.count("\n") == 1, err
    assert not any(key[0] == str(model) for key in local._LOADED)


@pytest.mark.parametrize(
    ("n_ctx", "threads", "expected"),
    [
        pytest.param(None, None, (local.DEFAULT_N_CTX, os.cpu_count() or 2), id="unset-defaults"),
        pytest.param("", "", (local.DEFAULT_N_CTX, os.cpu_count() or 2), id="empty-defaults"),
        pytest.param(" 4096 ", "3\n", (4096, 3), id="blanks-around-ignored"),
        pytest.param("1", "1", (1, 1), id="one"),
        pytest.param(None, "0", (local.DEFAULT_N_CTX, os.cpu_count() or 2), id="threads-zero-means-every-core"),
    ],
)
def test_good_numbers_in_the_environment(n_ctx, threads, expected, monkeypatch, tmp_path):
    for name, value in (("SUMMARIZER_N_CTX", n_ctx), ("SUMMARIZER_THREADS", threads)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    backend = LocalBackend(tmp_path / "never-loaded.gguf")
    assert (backend.n_ctx, backend.threads) == expected


class PrefixLlama(FakeLlama):
    """A FakeLlama with the state a prefix cache needs: evaluated tokens that reset() drops."""

    def __init__(self) -> None:
        super().__init__()
        self.input_ids = [0] * 64

    def reset(self) -> None:
        self.n_tokens = 0

    def eval(self, tokens: list[int]) -> None:
        self.input_ids[: len(tokens)] = tokens
        self.n_tokens = len(tokens)


@pytest.mark.parametrize(
    ("breakage", "warning"),
    [
        pytest.param(None, None, id="writable-no-warning"),
        pytest.param("under-a-file", "Not a directory", id="cache-dir-under-a-file"),
        pytest.param("no-permission", "Permission denied", id="no-permission"),
        pytest.param("disk-full", "No space left on device", id="disk-full"),
    ],
)
def test_a_prefix_state_that_cannot_be_saved_is_one_warning_and_the_answer_still_comes(
        breakage, warning, monkeypatch, tmp_path):
    """The prefix cache only saves time: a cache that cannot be written must not stop a run
    (the weights may sit in a read-only cache, or come from SUMMARIZER_GGUF), but must say once
    why every run is slower, and leave no half-written state behind."""
    from summarizer.backends import prefix_cache

    cache = tmp_path / "file" / "models" if breakage == "under-a-file" else tmp_path / "cache"
    (tmp_path / "file").write_text("a file, not a directory")
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(cache))
    monkeypatch.delenv("SUMMARIZER_PREFIX_CACHE", raising=False)
    if breakage == "no-permission":
        def refused(dir, prefix):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), dir)
        monkeypatch.setattr(prefix_cache.tempfile, "mkstemp", refused)
    if breakage == "disk-full":
        monkeypatch.setattr(prefix_cache.os, "fdopen", disk_full(os.fdopen))
    monkeypatch.setattr(prefix_cache, "_state", lambda llama: b"llama.cpp state")
    monkeypatch.setattr(local, "prefix_tokens", lambda llama, system: [len(system), 7, 9])
    model = tmp_path / "tiny-model.gguf"
    model.write_bytes(b"weights")
    fake = PrefixLlama()
    monkeypatch.setitem(local._LOADED, (str(model), 64), fake)
    backend = LocalBackend(model, n_ctx=64)

    with warnings.catch_warnings(record=True) as caught:
        warnings.filterwarnings("always", category=SummarizerWarning)  # once is the cache's doing, not the filter's
        for system in ("Instructions.", "Other instructions."):  # two prefixes: two saves tried
            out = backend.send({"messages": [{"role": "system", "content": system}, {"role": "user", "content": "hi"}]})
            assert out["choices"][0]["message"]["content"] == '{"zq_code": "PL-2"}'
            assert backend.prefix_status == "evaluated"

    states = cache / "prefix-states"
    if warning is None:
        assert [str(w.message) for w in caught] == []
        assert len(list(states.glob("prefix-*.state"))) == 2
    else:
        assert [(w.category, str(w.message)) for w in caught] == [(
            SummarizerWarning,
            f"cannot save the prompt-prefix state in {states} ({warning}), so each run "
            "evaluates the instructions afresh (slower); set SUMMARIZER_CACHE_DIR to a writable "
            "directory, or SUMMARIZER_PREFIX_CACHE=0 to skip the cache",
        )]
        assert not states.is_dir() or list(states.iterdir()) == []  # no half-written state left


@pytest.mark.parametrize("data", [b"not a gguf file at all", b"GGUF\x03\x00\x00\x00garbage"], ids=["text", "bad-header"])
def test_bad_gguf_is_one_line_in_a_process_of_its_own(tmp_path, data):
    """llama-cpp-python's __del__ fails on a model that never loaded; its "Exception ignored"
    traceback must not follow our one line, then or at exit."""
    bogus = tmp_path / "bogus.gguf"
    bogus.write_bytes(data)
    proc = subprocess.run(
        [sys.executable, "-m", "summarizer", "summarize", "-", "--date", "2017-06-08", "--model", f"local:{bogus}"],
        input="Lavrov will meet de Mistura on Thursday.", capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"error: {bogus}: llama.cpp cannot load it") and proc.stderr.count("\n") == 1, proc.stderr


# -- the real embedded model ---------------------------------------------------------------------


@pytest.fixture(scope="module", autouse=True)
def close_loaded_models():
    """Free the models this module loaded (llama-cpp's __del__ is noisy at interpreter exit)."""
    before = set(local._LOADED)
    yield
    for key in set(local._LOADED) - before:
        model = local._LOADED.pop(key)
        close = getattr(model, "close", None)
        if close is not None:
            close()


class ContextLlama(PrefixLlama):
    """A PrefixLlama that keeps a context the way llama-cpp-python does (a word is a token;
    a chat completion reuses the longest prefix the context shares with its prompt) and logs
    where each evaluation starts."""

    def __init__(self, prefix: list[int]) -> None:
        super().__init__()
        self.input_ids = [0] * 512
        self.prefix = prefix
        self.starts: list[tuple[str, int]] = []

    @staticmethod
    def words(text: str) -> list[int]:
        return [sum(map(ord, word)) + 100 for word in text.split()]

    def head(self, messages) -> list[int]:
        user = next(m["content"] for m in messages if m["role"] == "user")
        return self.prefix + self.words(user.rpartition("\n")[0])

    def eval(self, tokens: list[int]) -> None:
        self.starts.append(("eval", self.n_tokens))
        self.input_ids[self.n_tokens:self.n_tokens + len(tokens)] = tokens
        self.n_tokens += len(tokens)

    def create_chat_completion(self, **kwargs):
        user = next(m["content"] for m in kwargs["messages"] if m["role"] == "user")
        prompt = self.prefix + self.words(user) + [1]
        reuse = 0
        while reuse < min(self.n_tokens, len(prompt) - 1) and self.input_ids[reuse] == prompt[reuse]:
            reuse += 1
        self.starts.append(("chat", reuse))
        self.input_ids[: len(prompt)] = prompt
        stream = super().create_chat_completion(**kwargs)
        self.n_tokens = len(prompt)  # the answer's tokens follow (FakeLlama counts them)
        return stream


def load_fake(fake: ContextLlama, monkeypatch, tmp_path: Path, n_ctx: int) -> Path:
    """``fake`` as the loaded model of a GGUF path (returned) at ``n_ctx``, its static prefix
    and article boundary its own."""
    monkeypatch.setattr(local, "prefix_tokens", lambda llama, system: fake.prefix)
    monkeypatch.setattr(local, "head_tokens", lambda llama, messages: fake.head(messages))
    model = tmp_path / "tiny-model.gguf"
    model.write_bytes(b"weights")
    monkeypatch.setitem(local._LOADED, (str(model), n_ctx), fake)
    return model


ARTICLE_A = "Publication date: 2019-11-20\n\nThe ministers met in Geneva on Monday and will meet again in March."
ARTICLE_B = "Publication date: 2019-11-20\n\nThe ministers met in Oslo on Friday; talks resume next week."


@pytest.mark.parametrize("cache_env", ["1", "0"])
def test_a_prompt_is_read_in_the_same_pieces_whatever_came_before(cache_env, monkeypatch, tmp_path):
    """llama.cpp's numbers vary in the last bits with where evaluation starts, and greedy
    decoding can turn that into another answer. Every prompt is read in the same pieces: the
    static prefix, then the article (its first user message up to the last line) from the
    end of the prefix, then the task line from the end of the article, whether the article
    follows another one that shares its date line, is asked about again, or comes back
    after another article; with the disk cache on or off."""
    from summarizer.backends import prefix_cache

    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("SUMMARIZER_PREFIX_CACHE", cache_env)
    monkeypatch.setattr(prefix_cache, "_state", lambda llama: b"llama.cpp state")
    prefix = [1, 2, 3, 4]
    fake = ContextLlama(prefix)
    backend = LocalBackend(load_fake(fake, monkeypatch, tmp_path, n_ctx=512), n_ctx=512)

    def ask(user: str) -> list[tuple[str, int]]:
        before = len(fake.starts)
        backend.send({"messages": [{"role": "system", "content": "Instructions."}, {"role": "user", "content": user}]})
        return fake.starts[before:]

    p, a, b = len(prefix), len(fake.head([{"role": "user", "content": ARTICLE_A + "\nx"}])), \
        len(fake.head([{"role": "user", "content": ARTICLE_B + "\nx"}]))
    first = ask(f"{ARTICLE_A}\nTask: participants.")
    assert first == [("eval", 0), ("eval", p), ("chat", a)]  # the prefix on its own, the article, the task
    assert ask(f"{ARTICLE_A}\nTask: upcoming.") == [("chat", a)]  # the article is kept
    assert ask(f"{ARTICLE_B}\nTask: participants.") == [("eval", p), ("chat", b)]  # not its date line
    assert ask(f"{ARTICLE_A}\nTask: participants.") == first[1:]  # again: read as the first time
    assert ask(f"{ARTICLE_A}\nTask: participants.") == [("chat", a)]  # the task line is not reused
    assert backend.prefix_status == ("in memory" if cache_env == "1" else "off")
    assert (tmp_path / "cache" / "prefix-states").exists() is (cache_env == "1")


class TaskLlama(ContextLlama):
    """A ContextLlama answering each pipeline task from tests.test_cli.ANSWERS, a piece every
    ``delay`` seconds, so that another thread can come in between two requests; it logs the
    article of each chat completion and sets ``answering`` when an answer has begun."""

    def __init__(self, prefix: list[int], delay: float = 0.002) -> None:
        super().__init__(prefix)
        self.delay = delay
        self.articles: list[str] = []
        self.pieces: list[int] = []  # of each answer, the pieces streamed
        self.answering = threading.Event()

    def create_chat_completion(self, **kwargs):
        from tests.test_cli import ANSWERS

        self.answer = json.dumps(ANSWERS[kwargs["response_format"]["schema"]["title"]])
        user = next(m["content"] for m in kwargs["messages"] if m["role"] == "user")
        self.articles.append(next(name for name, text in SHORT_ARTICLES.items() if text in user))
        return super().create_chat_completion(**kwargs)

    def _stream(self):
        self.pieces.append(0)
        for chunk in super()._stream():
            if chunk["choices"][0]["delta"].get("content"):
                self.pieces[-1] += 1
                self.answering.set()
                time.sleep(self.delay)
            yield chunk


SHORT_ARTICLES = {
    "A": "Russian Foreign Minister Sergey Lavrov will hold talks with UN Special Envoy for Syria Staffan de Mistura "
         "in Moscow on Thursday.",
    "B": "Staffan de Mistura, the UN Special Envoy for Syria, flies to Moscow on Thursday for talks with Russian "
         "Foreign Minister Sergey Lavrov on the Astana process.",
}


@pytest.fixture
def task_llama(monkeypatch, tmp_path):
    """A TaskLlama loaded as the model at ``local:PATH`` (the default n_ctx), no disk cache."""
    monkeypatch.setenv("SUMMARIZER_PREFIX_CACHE", "0")
    monkeypatch.delenv("SUMMARIZER_N_CTX", raising=False)
    prefix = [1, 2, 3, 4]
    fake = TaskLlama(prefix)
    model = load_fake(fake, monkeypatch, tmp_path, n_ctx=local.DEFAULT_N_CTX)
    return SimpleNamespace(fake=fake, spec=f"local:{model}", prefix=prefix)


def test_summaries_in_threads_take_the_model_one_article_at_a_time(task_llama):
    """llama.cpp in-process answers one request at a time and keeps one article in its
    context. Two summaries in two threads (asummarize calls, a web server's workers) must not
    take turns request by request: each would read its article again after the other's, a
    second or more per hundred words. Each summary keeps the model for its three tasks."""
    from summarizer import Summarizer

    summarizer = Summarizer(task_llama.spec)
    start = threading.Barrier(2)

    def summarize(name: str):
        start.wait()
        return summarizer.run(SHORT_ARTICLES[name], "2017-06-08")

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(summarize, ["A", "B"]))
    fake = task_llama.fake
    assert sorted(fake.articles) == ["A"] * 3 + ["B"] * 3
    assert fake.articles in (["A"] * 3 + ["B"] * 3, ["B"] * 3 + ["A"] * 3)
    article_reads = [start for start in fake.starts if start == ("eval", len(task_llama.prefix))]
    assert len(article_reads) == 2  # each article read once
    assert [[p.name for p in r.summary.participants] for r in results] == [["Sergey Lavrov", "Staffan de Mistura"]] * 2


def test_a_cancelled_asummarize_frees_the_model_and_sends_nothing_more(task_llama, caplog):
    """asyncio.wait_for timing out, or a task group failing, cancels the awaiting task; the
    worker thread must then stop: the answer being written stops at the next token, no other
    task of that summary is asked, and a summary queued behind it that is cancelled too
    never starts. A summary that is still awaited is not disturbed."""
    from summarizer import Summarizer
    from tests.test_cli import ANSWERS

    fake = task_llama.fake
    fake.delay = 0.05  # about 40 pieces: two seconds for the first answer, unless stopped
    summarizer = Summarizer(task_llama.spec)

    async def main():
        first = asyncio.create_task(summarizer.arun(SHORT_ARTICLES["A"], "2017-06-08"))
        await asyncio.to_thread(fake.answering.wait, 10)
        queued = asyncio.create_task(summarizer.arun(SHORT_ARTICLES["B"], "2017-06-08"))
        await asyncio.sleep(0.05)  # B's thread is waiting for the model
        first.cancel()
        queued.cancel()
        for task in (first, queued):
            with pytest.raises(asyncio.CancelledError):
                await task
        fake.delay = 0.0
        return await summarizer.arun(SHORT_ARTICLES["B"], "2017-06-08")  # the model is free again

    with caplog.at_level(logging.WARNING):
        result = asyncio.run(asyncio.wait_for(main(), 30))
    assert [r.getMessage() for r in caplog.records] == []  # a cancel is not a failed API call to log
    assert fake.articles == ["A", "B", "B", "B"]  # A stopped after its first request; the cancelled B never sent one
    whole = -(-len(json.dumps(ANSWERS["ParticipantsDraft"])) // 4)
    assert 1 <= fake.pieces[0] < whole // 2  # A's answer stopped soon after the cancel
    assert fake.pieces[1:] == [-(-len(json.dumps(ANSWERS[name])) // 4) for name in
                               ("ParticipantsDraft", "UpcomingDraft", "OverviewDraft")]
    assert [p.name for p in result.summary.participants] == ["Sergey Lavrov", "Staffan de Mistura"]


def test_eval_runs_cases_one_at_a_time_on_the_in_process_model(task_llama, tmp_path, capsys):
    """--concurrency N with the in-process model would only make the cases wait for each
    other, and count the wait in each case's latency: the cases run one by one, and the
    report says why."""
    from tests.test_cli import run
    from tests.test_gold import GOOD, write_case

    suite = tmp_path / "suite"
    for name, text in SHORT_ARTICLES.items():
        write_case(suite, name, gold={**GOOD, "id": name}, article=f"date 2017-06-08\n{text}\n")
    code, _, err = run(["eval", str(suite), "-m", task_llama.spec, "--concurrency", "3", "--out", str(tmp_path / "out")],
                       capsys)
    assert code in (0, 1), err
    assert task_llama.fake.articles == ["A"] * 3 + ["B"] * 3
    results = json.loads((tmp_path / "out" / "results.json").read_text())
    said = f"concurrency 3 not used: local:tiny-model.gguf answers one request at a time, so the cases ran one by one"
    assert any(w.startswith(said) for w in results["warnings"])
    assert f"warning: {said}" in " ".join(err.split())


@pytest.mark.slow
def test_grammar_forces_the_schema(gguf):
    """A haiku prompt would not produce this JSON on its own: only the grammar can make it."""
    backend = LocalBackend(gguf, n_ctx=512)
    request = {
        "messages": [
            {"role": "system", "content": "You are a poet."},
            {"role": "user", "content": "Write a short haiku about the sea."},
        ],
        "max_tokens": 40,
        "temperature": 0.0,
        "seed": 0,
        "response_format": {"type": "json_schema", "json_schema": {"name": "Code", "schema": SCHEMA, "strict": True}},
    }
    response = backend.send(request)
    content = response["choices"][0]["message"]["content"]
    data = json.loads(content)
    assert set(data) == {"zq_code"}
    assert data["zq_code"] in {"XK-7", "PL-2"}
    assert response["usage"]["completion_tokens"] <= 40


PEOPLE = {
    "type": "object",
    "properties": {"people": {"type": "array", "items": {
        "type": "object",
        "properties": {"name": {"type": "string"}, "role": {"anyOf": [{"type": "string"}, {"type": "null"}]}},
        "required": ["name", "role"],
    }}},
    "required": ["people"],
}


@pytest.mark.slow
def test_drafted_json_is_checked_by_the_model_and_counted_once(gguf):
    """The keys and quotes the schema forces are drafted and kept (json_drafts.py); the answer
    is valid, and its usage counts the prompt and the answer, not the drafts past its end."""
    backend = LocalBackend(gguf, n_ctx=1024)
    drafter = backend.llama.draft_model
    assert isinstance(drafter, json_drafts.SchemaDrafter)
    request = {
        "messages": [{"role": "user", "content": "List the people and their roles: Prime Minister Ana Ruiz met "
                                                 "Foreign Minister Li Wei and the mayor, Tom Berg, in Oslo."}],
        "max_tokens": 120, "temperature": 0.0, "seed": 0,
        "response_format": {"type": "json_schema", "json_schema": {"name": "People", "schema": PEOPLE}},
    }
    answers = {}
    for enabled in (False, True):
        drafter.enabled = enabled
        before = drafter.drafted, drafter.accepted
        try:
            response = backend.send(request)
        finally:
            drafter.enabled = True
        answers[enabled] = response
        drafted, accepted = drafter.drafted - before[0], drafter.accepted - before[1]
        if enabled:
            assert 0 < accepted <= drafted
        else:
            assert drafted == accepted == 0
    people = json.loads(answers[True]["choices"][0]["message"]["content"])["people"]
    assert len(people) >= 2 and all(set(p) == {"name", "role"} for p in people)
    assert answers[True]["usage"]["prompt_tokens"] == answers[False]["usage"]["prompt_tokens"]
    assert len(drafter(np.asarray([1, 2, 3], dtype=np.intc))) == 0  # after send: no schema, no drafts


@pytest.mark.slow
def test_check_fits_rejects_a_too_long_prompt(gguf):
    backend = LocalBackend(gguf, n_ctx=512)
    backend.check_fits([{"role": "user", "content": "A short prompt."}], 100)
    long_text = "The delegations met again in Geneva to discuss the ceasefire. " * 80
    with pytest.raises(UsageError) as info:
        backend.check_fits([{"role": "user", "content": long_text}], 100)
    message = str(info.value)
    assert "too long" in message
    assert "n_ctx 512" in message and "412" in message  # the window and what it leaves


@pytest.mark.slow
def test_prefix_state_restored_from_disk_answers_like_a_fresh_evaluation(gguf, tmp_path):
    """The saved state after the system prompt must be exactly what evaluating it gives."""
    from summarizer.backends.prefix_cache import PrefixCache, prefix_tokens

    backend = LocalBackend(gguf, n_ctx=512)
    llama = backend.llama
    system = "You answer with one word. The capital of France is Paris; of Italy, Rome."
    messages = [{"role": "system", "content": system}, {"role": "user", "content": "Capital of Italy?"}]
    tokens = prefix_tokens(llama, system)
    assert 10 < len(tokens) < 60
    cache = PrefixCache(tmp_path, gguf, 512)

    llama.reset()
    assert cache.warm(llama, tokens) == "evaluated"
    assert len(list(tmp_path.glob("prefix-*.state"))) == 1
    first = llama.create_chat_completion(messages=messages, max_tokens=8, temperature=0.0)

    llama.reset()
    assert cache.warm(llama, tokens) == "restored"
    assert llama.n_tokens == len(tokens)
    again = llama.create_chat_completion(messages=messages, max_tokens=8, temperature=0.0)
    assert again["choices"][0]["message"]["content"] == first["choices"][0]["message"]["content"]
    assert cache.warm(llama, tokens) == "in memory"


@pytest.mark.slow
def test_an_answer_does_not_depend_on_what_ran_before(gguf, monkeypatch, tmp_path):
    """The same request after an unrelated article, after a similar one, and after itself
    gets the same numbers, bit for bit: without the fixed pieces, the context shares more or
    less of its prompt with what ran before and evaluation starts elsewhere."""
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(tmp_path))
    backend = LocalBackend(gguf, n_ctx=512)
    system = "You answer with one word: the city where the ministers met."

    def ask(user: str) -> bytes:
        """The logits after the prompt and a one-token answer, as bytes."""
        messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
        with backend._lock:
            backend._warm_prefix(messages)
            llama = backend.llama
            llama.create_chat_completion(messages=messages, max_tokens=1, temperature=0.0)
            return np.ctypeslib.as_array(llama._ctx.get_logits(), shape=(llama.n_vocab(),)).tobytes()

    target = "Publication date: 2019-11-20. The ministers met in Geneva on Monday.\n\nTask: the city."
    ask("Published in March. The talks in Oslo ended without a deal.\n\nTask: the city.")
    after_unrelated = ask(target)
    ask("Publication date: 2019-11-20. The ministers met in Oslo on Friday.\n\nTask: the city.")
    after_similar = ask(target)
    ask(target.replace("the city.", "the day."))
    after_another_task = ask(target)
    assert after_similar == after_unrelated
    assert after_another_task == after_unrelated


# -- greedy decoding that checks the model's choice against the grammar first ----------------------

_SENTINEL = object()


def _fake_llama(with_model: bool = True) -> SimpleNamespace:
    llama = SimpleNamespace(_init_sampler=lambda *args, **kwargs: (_SENTINEL, kwargs))
    if with_model:
        llama._model = SimpleNamespace(vocab=object())
    return llama


@pytest.mark.parametrize(
    ("env", "with_model", "installed"),
    [
        pytest.param("", True, True, id="installed"),
        pytest.param("full", True, False, id="SUMMARIZER_GRAMMAR=full-keeps-the-chain"),
        pytest.param("FULL", True, False, id="env-case-insensitive"),
        pytest.param("", False, False, id="other-llama-cpp-python-layout-kept"),
    ],
)
def test_install_only_where_it_can(monkeypatch, env, with_model, installed):
    monkeypatch.setenv("SUMMARIZER_GRAMMAR", env)
    llama = _fake_llama(with_model)
    before = llama._init_sampler
    assert greedy_grammar.install(llama) is installed
    assert (llama._init_sampler is not before) is installed


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({"temp": 0.8, "grammar": "g"}, id="sampling-with-temperature"),
        pytest.param({"temp": 0.0, "grammar": None}, id="no-grammar"),
        pytest.param({"temp": 0.0, "grammar": "g", "repeat_penalty": 1.1}, id="repeat-penalty"),
        pytest.param({"temp": 0.0, "grammar": "g", "presence_penalty": 0.5}, id="presence-penalty"),
        pytest.param({"temp": 0.0, "grammar": "g", "logits_processor": [abs]}, id="logits-processor"),
    ],
)
def test_anything_but_plain_greedy_keeps_llama_cpp_pythons_chain(monkeypatch, kwargs):
    monkeypatch.delenv("SUMMARIZER_GRAMMAR", raising=False)
    llama = _fake_llama()
    assert greedy_grammar.install(llama)
    assert llama._init_sampler(**kwargs) == (_SENTINEL, kwargs)


def _json_grammar(schema: dict) -> str:
    from llama_cpp import LlamaGrammar

    return LlamaGrammar.from_json_schema(json.dumps(schema), verbose=False)._grammar


HAIKU = "<|im_start|>user\nWrite a short haiku about the sea.<|im_end|>\n<|im_start|>assistant\n"
BOUNDED = {"type": "object", "properties": {"poem": {"type": "string", "maxLength": 12}}, "required": ["poem"]}


@pytest.mark.slow
def test_a_length_bound_ends_the_answer_early(gguf):
    backend = LocalBackend(gguf, n_ctx=512)
    request = {
        "messages": [{"role": "user", "content": "Write a long poem about the sea."}],
        "max_tokens": 60, "temperature": 0.0, "seed": 0,
        "response_format": {"type": "json_schema", "json_schema": {"name": "Poem", "schema": BOUNDED}},
    }
    response = backend.send(request)
    poem = json.loads(response["choices"][0]["message"]["content"])["poem"]
    assert 0 < len(poem) <= 12
    assert response["choices"][0]["finish_reason"] == "stop"
    assert response["usage"]["completion_tokens"] < 20  # stopped by the bound, not by max_tokens


@pytest.mark.slow
@pytest.mark.parametrize(
    "grammar",
    [
        # the model wants a haiku: the grammar refuses its choice at the start and mostly after
        pytest.param(lambda: 'root ::= "Code: " [A-Z] [A-Z] "-" [0-9]+ "."', id="gbnf"),
        pytest.param(lambda: _json_grammar(SCHEMA), id="enum-schema"),
        # inside a free string the model's own words mostly pass the check
        pytest.param(lambda: _json_grammar({"type": "object", "properties": {"poem": {"type": "string"}},
                                            "required": ["poem"]}), id="free-string-schema"),
        # a length bound (drafts.OverviewDraft): the grammar ends the string the model would go on with
        pytest.param(lambda: _json_grammar(BOUNDED), id="bounded-string-schema"),
    ],
)
def test_greedy_grammar_writes_what_llama_cpp_pythons_chain_writes(gguf, monkeypatch, grammar):
    from llama_cpp import LlamaGrammar

    monkeypatch.delenv("SUMMARIZER_GRAMMAR", raising=False)
    llama = LocalBackend(gguf, n_ctx=512).llama  # loaded with the greedy check installed
    text = grammar()

    def complete():
        constraint = LlamaGrammar.from_string(text, verbose=False)
        # each run reads the prompt afresh, in the same pieces: reusing the last run's cache would
        # read only its last token, and llama.cpp's numbers, so near ties, vary with the pieces
        llama.reset()
        out = llama.create_completion(HAIKU, max_tokens=32, temperature=0.0, grammar=constraint)
        choice = out["choices"][0]
        return choice["text"], choice["finish_reason"], out["usage"]["completion_tokens"], llama._sampler

    *checked, sampler = complete()
    assert isinstance(sampler, greedy_grammar.GreedyGrammarSampler)
    text_out, finish, tokens = checked
    assert sampler.samples == tokens + (finish == "stop")  # the end-of-turn token is sampled, not counted
    # both ways were taken: the model's choice refused (a haiku does not start like that) and passed
    assert 1 <= sampler.full_passes < sampler.samples

    monkeypatch.setattr(llama, "_init_sampler", functools.partial(type(llama)._init_sampler, llama))
    *chained, chain = complete()
    assert not isinstance(chain, greedy_grammar.GreedyGrammarSampler)
    assert checked == chained


def test_backends_sharing_one_loaded_model_never_run_it_at_once(monkeypatch, tmp_path):
    """Two Summarizers (or summarize() beside one) for the same weights share one llama.cpp
    model, which is not thread-safe: their calls take turns, not only each backend's own."""
    import threading
    import time

    class CountingLlama(FakeLlama):
        def __init__(self):
            super().__init__()
            self.running = self.most = 0

        def _stream(self):
            self.running += 1
            self.most = max(self.most, self.running)
            try:
                time.sleep(0.02)
                yield from super()._stream()
            finally:
                self.running -= 1

    fake = CountingLlama()
    path = tmp_path / "shared-model.gguf"
    monkeypatch.setitem(local._LOADED, (str(path), 64), fake)
    backends = [LocalBackend(path, n_ctx=64) for _ in range(3)]
    request = {"messages": [{"role": "user", "content": "hi"}]}
    threads = [threading.Thread(target=backend.send, args=(request,)) for backend in backends for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(fake.calls) == 6 and fake.most == 1
