"""Running a suite: summarize each case, score it, write reports.

Each finished case is written to `OUT/cases/ID.json` at once, so a killed run
loses nothing and `--resume` skips what is done; the run's settings go to
`OUT/run.json`, so a resume with another model, pipeline, prompts or suite is refused.
A case whose model call fails is recorded as an error and scored as empty
output; the suite goes on (and `--resume` runs it again). A configuration
error (`ConfigError`: a refused key, no such model) stops the suite at once;
an article too long for the model is that case's error.
"""

from __future__ import annotations

import json
import os
import tempfile
from contextlib import suppress
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any, Callable

from pydantic import ValidationError

from . import cancellation
from . import thresholds as th
from .api import Summarizer
from .articles import Article, parse_date
from .baseline import compare, load_baseline
from .errors import ConfigError, SummarizerError, UsageError
from .redact import redact
from .gold import Case, Suite, load_suite
from .llm import LLMSettings
from .reports import REPORT_FILES, build_results, case_entry, write_reports
from .schema import ArticleSummary
from .scoring import score_case

CASES_DIR = "cases"
RUN_FILE = "run.json"  # the settings of an eval run, checked by --resume
# what a resume must keep. --cases may change: each saved case is scored again against the
# current gold, so a run of some cases can be resumed with all of them.
_SETTING_FLAGS = {"model": "--model", "pipeline": "--pipeline", "prompts_hash": "--prompts", "suite": "suite directory",
                  "reasks": "--reasks"}


@dataclass
class EvalOptions:
    suite: Path
    model: str | None = None
    concurrency: int | None = None
    out: Path | None = None
    fail_under: list[str] = field(default_factory=list)
    baseline: Path | None = None
    record: Path | None = None
    replay: Path | None = None
    cases: str | None = None
    allow_unpaired: bool = False
    resume: bool = False
    prompts: Path | None = None
    pipeline: str = "focused"
    settings: LLMSettings | None = None  # re-asks and transport retries; None: the defaults


@dataclass
class Prepared:
    """Everything checked before the first model call."""

    suite: Suite
    thresholds: list[th.Threshold]
    baseline: dict[str, Any] | None
    out: Path
    baseline_path: Path | None = None


def default_out() -> Path:
    return Path("runs") / datetime.now().strftime("%Y%m%d-%H%M%S")


def prepare(suite_dir: Path, out: Path | None, fail_under: list[str], baseline: Path | None, cases: str | None = None,
            allow_unpaired: bool = False) -> Prepared:
    """Validate the suite, thresholds and baseline; pick the output directory."""
    suite = load_suite(suite_dir, cases, allow_unpaired)
    configured, given = suite.config.threshold_list(), th.parse_thresholds(fail_under)
    by_name = {t.name: t for t in configured}
    for flag in given:  # the command line wins; a CI log must still show a gate it moved
        base = by_name.get(flag.name)
        if base is not None and base.value != flag.value:
            looser = " (a looser gate)" if flag.value < base.value else ""
            suite.warnings.append(f"--fail-under {flag} replaces suite.toml's {base}{looser}")
    limits = th.merge(configured, given)
    base = load_baseline(baseline) if baseline else None
    return Prepared(suite, limits, base, out or default_out(), baseline)


def _write_atomic(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=1)
    os.replace(tmp, path)


def claim_out(out: Path, command: str) -> None:
    """Check `--out` before any work: a directory this command can write that holds no other command's reports."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file; give a directory")
    holds_run = (out / CASES_DIR).is_dir() or (out / RUN_FILE).is_file()
    if command == "score" and holds_run:
        raise UsageError(f"--out {out} holds an eval run, whose results.json would be replaced; choose another --out")
    holds_report = (out / REPORT_FILES["results"]).exists()
    if command == "eval" and not holds_run and holds_report:
        raise UsageError(f"--out {out} holds a score report, not an eval run; choose another --out")
    if not (holds_run or holds_report) and (foreign := [name for name in REPORT_FILES.values() if (out / name).exists()]):
        raise UsageError(f"--out {out} holds {', '.join(foreign)}, not from a summarizer run, which the reports "
                         "would replace; choose another --out")
    try:
        out.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=out).close()
    except OSError as exc:
        raise UsageError(f"--out {out}: cannot write there ({exc.strerror}); choose another directory") from None


def _check_settings(out: Path, settings: dict[str, Any]) -> None:
    """Refuse to resume a run made with other settings (a run without run.json predates the check)."""
    path = out / RUN_FILE
    if not path.exists():
        return
    try:
        earlier = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(earlier, dict):
            raise ValueError(path)
        # a setting the run did not record (an older run.json) is not checked
        changed = [k for k, v in settings.items() if k in earlier and earlier[k] != v]
        shown = [f"{k} {earlier[k]} (now {settings[k]})" for k in changed]
    except (OSError, ValueError):
        raise UsageError(f"{path} is damaged, so the run's settings are unknown; start afresh with another --out") from None
    if changed:
        flags = " and ".join(_SETTING_FLAGS.get(k, k) for k in changed)
        raise UsageError(f"{out} was run with {', '.join(shown)}; resume with the same {flags}, or choose another --out")


def _saved(out: Path, case: Case) -> dict[str, Any] | None:
    """A finished case's entry, scored again from its outputs; None when it must run again
    (errored, missing, half-written or damaged)."""
    try:
        entry = json.loads((out / CASES_DIR / f"{case.id}.json").read_text(encoding="utf-8"))
        if entry["id"] != case.id or entry["error"] is not None:
            return None
        outputs = dict(entry["outputs"])
        diagnostics = outputs.pop("diagnostics", None)
        summary = ArticleSummary.model_validate(outputs)
        return case_entry(case.id, summary, score_case(case.gold, summary, case.text),
                          latency_s=entry["latency_s"], usage=entry["usage"], diagnostics=diagnostics)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _run_case(summarizer: Summarizer, case: Case) -> dict[str, Any]:
    article = Article(text=case.text, published=parse_date(case.published), source=str(case.article_path))
    try:
        result = summarizer.run(article)
    except ConfigError as exc:  # a refused key, no such model: every case would fail the same way
        raise ConfigError(f"{case.id}: {exc}") from None
    except SummarizerError as exc:
        usage = getattr(exc, "usage", None)
        return case_entry(case.id, None, score_case(case.gold, None, case.text), error=str(exc), usage=usage)
    except Exception as exc:  # a bug in the pipeline: recorded apart from model failures, the suite goes on
        error = redact(f"internal error ({type(exc).__name__}: {exc})")
        return case_entry(case.id, None, score_case(case.gold, None, case.text), error=error)
    return case_entry(
        case.id, result.summary, score_case(case.gold, result.summary, case.text),
        latency_s=result.latency_s, usage=result.usage, diagnostics=result.diagnostics,
    )


def finish(prep: Prepared, entries: list[dict[str, Any]], *, model: str | None, prompts_hash: str | None) -> dict[str, Any]:
    """Aggregate, compare with the baseline and write every report."""
    order = {c.id: i for i, c in enumerate(prep.suite.cases)}
    entries = sorted(entries, key=lambda e: order.get(e["id"], len(order)))
    results = build_results(
        entries, model=model, prompts_hash=prompts_hash, thresholds=prep.thresholds,
        suite=str(prep.suite.directory), warnings=prep.suite.warnings,
    )
    if prep.baseline is not None:
        results["baseline"] = compare(prep.baseline, results, label=str(prep.baseline_path or "<baseline>")).to_dict()
    write_reports(prep.out, results)
    return results


class Evaluation:
    """A suite run, checked up front: suite, thresholds, baseline, output dir, model."""

    def __init__(self, opts: EvalOptions) -> None:
        self.prep = prepare(opts.suite, opts.out, opts.fail_under, opts.baseline, opts.cases, opts.allow_unpaired)
        out = self.prep.out
        if not opts.resume and (out / CASES_DIR).is_dir() and any((out / CASES_DIR).iterdir()):
            raise UsageError(f"{out} already holds a run; pass --resume to continue it or choose another --out")
        self.concurrency = opts.concurrency or self.prep.suite.config.concurrency or 1
        fresh = not out.exists()
        claim_out(out, "eval")  # before the model: a bad --out costs no model load
        try:
            self.summarizer = Summarizer(
                opts.model or self.prep.suite.config.model, prompts_dir=opts.prompts, pipeline=opts.pipeline,
                record_dir=opts.record, replay_dir=opts.replay, settings=opts.settings,
            )
            self.settings = {"model": self.summarizer.model_label, "pipeline": opts.pipeline,
                             "reasks": self.summarizer.settings.reasks,
                             "prompts_hash": self.summarizer.prompts.hash,
                             "suite": str(self.prep.suite.directory.resolve())}
            if opts.resume:
                _check_settings(out, self.settings)
            for first in self.prep.suite.cases[:1]:  # a broken --prompts fails once, up front, not in every case
                self.summarizer.render(first.text, first.published)
            llm = self.summarizer.llm  # create the backend now: a missing key or model fails before any case runs
        except SummarizerError:
            if fresh:
                with suppress(OSError):
                    out.rmdir()  # made just now and still empty: leave no trace of a run that never started
            raise
        if self.concurrency > 1 and not llm.concurrent:
            self.prep.suite.warnings.append(
                f"concurrency {self.concurrency} not used: {llm.label} answers one request at a time, so the cases "
                "ran one by one (together they would only wait for each other, and each latency would count the wait)"
            )
            self.concurrency = 1
        done = (_saved(out, case) for case in self.cases) if opts.resume else ()
        self.done = {entry["id"]: entry for entry in done if entry}

    @property
    def cases(self) -> list[Case]:
        return self.prep.suite.cases

    def _run_and_save(self, case: Case) -> dict[str, Any]:
        entry = _run_case(self.summarizer, case)
        _write_atomic(self.prep.out / CASES_DIR / f"{case.id}.json", entry)
        return entry

    def run(self, on_case: Callable[[dict[str, Any]], None] | None = None) -> dict[str, Any]:
        """Run the cases not yet done, saving each at once; then aggregate and write reports.

        Only `concurrency` cases are handed to the pool at a time, so after an interrupt or a
        configuration error no further case starts.
        """
        _write_atomic(self.prep.out / RUN_FILE, self.settings)
        entries = [self.done[c.id] for c in self.cases if c.id in self.done]
        todo = iter([c for c in self.cases if c.id not in self.done])
        for entry in entries:
            if on_case:
                on_case(entry)
        pool = ThreadPoolExecutor(max_workers=self.concurrency)
        try:
            running = {pool.submit(self._run_and_save, case) for case in islice(todo, self.concurrency)}
            while running:
                finished, running = cancellation.wait_interruptibly(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    entry = future.result()
                    entries.append(entry)
                    if on_case:
                        on_case(entry)
                    running |= {pool.submit(self._run_and_save, case) for case in islice(todo, 1)}
        finally:
            pool.shutdown(wait=False)  # nothing is queued; cases in flight save themselves when they end
        return finish(self.prep, entries, model=self.summarizer.model_label, prompts_hash=self.summarizer.prompts.hash)


def load_prediction(path: Path) -> ArticleSummary:
    try:
        return ArticleSummary.model_validate_json(path.read_bytes())
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise UsageError(f"{path}: {where}: {first['msg']}; it must hold one ArticleSummary (summarize --format json)") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read it ({exc.strerror})") from None


def run_score(suite_dir: Path, predictions: Path, out: Path | None, fail_under: list[str],
              allow_unpaired: bool = False) -> tuple[dict[str, Any], Prepared]:
    """Score existing predictions (`NAME.json`); a missing one scores as an empty summary."""
    prep = prepare(suite_dir, out, fail_under, None, allow_unpaired=allow_unpaired)
    if not predictions.is_dir():
        raise UsageError(f"{predictions}: no such predictions directory; give a directory of NAME.json files")
    loaded = {c.id: load_prediction(predictions / f"{c.id}.json") for c in prep.suite.cases if (predictions / f"{c.id}.json").is_file()}
    if not loaded:
        raise UsageError(f"no predictions found in {predictions} (no CASE_ID.json for any case of {suite_dir}); pass the "
                         f"directory of summarize --format json outputs named by case, e.g. {prep.suite.cases[0].id}.json")
    claim_out(prep.out, "score")
    entries = []
    for case in prep.suite.cases:
        prediction = loaded.get(case.id) or ArticleSummary(title="", summary="")
        entries.append(case_entry(case.id, prediction, score_case(case.gold, prediction, case.text)))
    missing = [c.id for c in prep.suite.cases if c.id not in loaded]
    if missing:
        prep.suite.warnings.append(f"no prediction for {', '.join(missing)}; scored as empty summaries")
    return finish(prep, entries, model=None, prompts_hash=None), prep
