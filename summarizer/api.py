"""The library surface: `Summarizer` holds configuration and the loaded model."""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from . import cancellation
from .articles import Article, parse_article
from .errors import Usage, UsageError
from .llm import LLM, LLMSettings
from .models import ModelSpec, create_backend, parse
from .pipeline import PIPELINES, TASK_ORDER, Context, render_focused, render_plain
from .prompts import Prompts
from .recording import Player, Recorder
from .schema import ArticleSummary


@dataclass
class SummaryResult:
    """A summary with what it cost and what the checks removed."""

    summary: ArticleSummary
    diagnostics: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    usage: Usage = field(default_factory=Usage)
    latency_s: float = 0.0
    model: str = ""

    def to_json_dict(self) -> dict[str, Any]:
        """`ArticleSummary`'s fields, plus `diagnostics` when there are any (the focused
        pipeline always records the model's key points)."""
        data = self.summary.model_dump(mode="json")
        if self.diagnostics:
            data["diagnostics"] = self.diagnostics
        return data


class _ReplayOnly:
    """Stands in for a backend during replay: names the model, never sends."""

    def __init__(self, spec: ModelSpec) -> None:
        from .weights import QWEN_CODER_1_5B

        if spec.provider == "local":
            self.model = Path(spec.name).stem if spec.name else Path(QWEN_CODER_1_5B.filename).stem
        else:
            self.model = spec.name
        self.label = str(spec)

    def check_fits(self, messages: list[dict[str, str]], max_tokens: int) -> None:
        return None

    def send(self, request: dict[str, Any]) -> dict[str, Any]:  # pragma: no cover - Player answers first
        raise UsageError("replay mode never sends requests")


class Summarizer:
    """Summarizes articles with one model; reuse it to keep the model loaded."""

    def __init__(
        self,
        model: str | None = None,
        *,
        prompts_dir: str | Path | None = None,
        pipeline: str = "focused",
        settings: LLMSettings | None = None,
        record_dir: str | Path | None = None,
        replay_dir: str | Path | None = None,
    ) -> None:
        if pipeline not in PIPELINES:
            raise UsageError(f"unknown pipeline {pipeline!r}; use one of: {', '.join(PIPELINES)}")
        if record_dir and replay_dir:
            raise UsageError("recording and replaying (record_dir/--record, replay_dir/--replay) exclude each other; pick one")
        self.spec = parse(model)
        self.prompts = Prompts(prompts_dir)
        self.pipeline = pipeline
        if settings is not None and not isinstance(settings, LLMSettings):
            raise UsageError(f"settings={settings!r}: give an LLMSettings, e.g. LLMSettings(reasks=1)")
        self.settings = settings or LLMSettings()
        self._recorder = Recorder(record_dir) if record_dir else None
        self._player = Player(replay_dir) if replay_dir else None
        self._llm: LLM | None = None
        self._llm_lock = threading.Lock()

    @property
    def model_label(self) -> str:
        return str(self.spec)

    @property
    def llm(self) -> LLM:
        """The model client, created on first use (loading a local model takes a moment)."""
        with self._llm_lock:  # threads or asummarize calls arriving at once share one client
            if self._llm is None:
                backend = _ReplayOnly(self.spec) if self._player else create_backend(self.spec)
                self._llm = LLM(backend, self.settings, recorder=self._recorder, player=self._player)
            return self._llm

    def _article(self, text: str | Article, published: date | str | None) -> Article:
        if not isinstance(text, (str, Article)):
            raise UsageError(f"the article must be its text as a str (or an Article), not {type(text).__name__}; "
                             "decode bytes first, or use read_article(path)")
        article = text if isinstance(text, Article) else parse_article(text)
        if published is not None:  # checked (and a datetime taken as its day) by Article
            article = Article(text=article.text, published=published, source=article.source)
        return article

    def render(self, text: str | Article, published: date | str | None = None) -> list[list[dict[str, str]]]:
        """The message lists this pipeline would send first, without calling a model."""
        article = self._article(text, published)
        if self.pipeline == "plain":
            return [render_plain(self.prompts, article)]
        return [render_focused(self.prompts, article, task) for task in TASK_ORDER]

    def run(self, text: str | Article, published: date | str | None = None) -> SummaryResult:
        """Summarize and return the summary with usage, latency and diagnostics."""
        article = self._article(text, published)
        ctx = Context(llm=self.llm, prompts=self.prompts, article=article)
        with ctx.llm.hold():  # in-process llama.cpp: this article's tasks back to back, not between others'
            started = time.perf_counter()  # the summary's own time, not its wait for the model
            summary = PIPELINES[self.pipeline](ctx)
        latency = time.perf_counter() - started
        # the three tasks note in whatever order their threads run: sorted, a rerun reads the same
        diagnostics = {
            kind: sorted(entries, key=lambda entry: str(entry.get("field", "")))
            for kind, entries in sorted(ctx.diagnostics.items())
        }
        return SummaryResult(
            summary=summary, diagnostics=diagnostics, usage=ctx.usage,
            latency_s=latency, model=self.model_label,
        )

    def summarize(self, text: str | Article, published: date | str | None = None) -> ArticleSummary:
        return self.run(text, published).summary

    async def arun(self, text: str | Article, published: date | str | None = None) -> SummaryResult:
        """`run` in a worker thread (asyncio's default executor, which sets how many articles
        are in flight at once: a few per CPU unless the application gives the loop a larger
        one). Cancelling the awaiting task stops the summary: no further request is sent and
        the in-process model stops at its next token (or once it has read the article); a
        request already sent to an endpoint runs to its end (cancellation.py)."""
        stop = threading.Event()
        work = cancellation.scope(stop)
        try:
            return await asyncio.get_running_loop().run_in_executor(None, work.run, self.run, text, published)
        except asyncio.CancelledError:
            stop.set()
            raise

    async def asummarize(self, text: str | Article, published: date | str | None = None) -> ArticleSummary:
        return (await self.arun(text, published)).summary


_DEFAULT: dict[str | None, Summarizer] = {}


def _shared(model: str | None) -> Summarizer:
    if model not in _DEFAULT:
        _DEFAULT[model] = Summarizer(model)
    return _DEFAULT[model]


def summarize(text: str, published: date | str | None = None, model: str | None = None) -> ArticleSummary:
    """Summarize one article; the model stays loaded for the next call."""
    return _shared(model).summarize(text, published)


async def asummarize(text: str, published: date | str | None = None, model: str | None = None) -> ArticleSummary:
    return await _shared(model).asummarize(text, published)
