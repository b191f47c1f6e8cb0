"""The `summarizer` command: summarize, render, schema, eval, score."""

from __future__ import annotations

import json
import logging
import os
import shlex
import signal
import statistics
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

import click

from .console import err_console, out_console
from .errors import EXIT_INTERRUPTED, SummarizerError, SummarizerWarning, UsageError
from .limits import MAX_ATTEMPTS, MAX_CONCURRENCY, MAX_REASKS
from .redact import RedactingFilter, redact


def _check_output(path: Path) -> None:
    """Fail before the model runs when -o cannot be written; an existing file is overwritten, as with curl -o."""
    if path.is_dir():
        raise UsageError(f"-o {path} is a directory; give a file path")
    try:
        tempfile.TemporaryFile(dir=path.parent).close()
    except OSError as exc:
        raise UsageError(f"-o {path}: cannot write there ({exc.strerror}); check the directory") from None


def _write_atomic(path: Path, text: str) -> None:
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    except OSError as exc:
        raise UsageError(f"-o {path}: cannot write there ({exc.strerror}); check the directory") from None
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)


def _settings(reasks: int, transport_retries: int):
    from .llm import LLMSettings
    from .transport import RetryPolicy

    return LLMSettings(transport=RetryPolicy(attempts=transport_retries + 1), reasks=reasks)


def _nonempty(param: click.Parameter, value: str | None) -> str | None:
    """An option's value; an empty one (``--cases ""``) is a mistake, not "no filter"."""
    if value is not None and not value.strip():
        raise click.BadParameter("is empty; give a value or leave the option out", param=param)
    return value


def _path(param: click.Parameter, value: str | None) -> Path | None:
    """A path option's value; an empty one (``--out ""``) would silently mean the current directory."""
    return None if _nonempty(param, value) is None else Path(value)


def _path_option(*names: str, help: str) -> Any:
    return click.option(*names, type=click.Path(), callback=lambda ctx, param, value: _path(param, value), help=help)


model_option = click.option("--model", "-m", metavar="SPEC", help="local, local:PATH.gguf, openai/NAME, ollama/NAME, vllm/NAME, llamacpp/NAME (default: $SUMMARIZER_MODEL or local).")
prompts_option = _path_option("--prompts", help="Render from this template directory.")
reasks_option = click.option("--reasks", default=2, show_default=True, type=click.IntRange(0, MAX_REASKS), help="Validation re-asks per call.")
transport_retries_option = click.option("--transport-retries", default=3, show_default=True, type=click.IntRange(0, MAX_ATTEMPTS - 1), help="Retries of 429/5xx/timeouts per request.")
pipeline_option = click.option("--pipeline", type=click.Choice(["focused", "plain"]), default="focused", show_default=True, help="focused: checked per-field calls; plain: one call, model writes ISO dates.")
date_option = click.option("--date", "published", metavar="YYYY-MM-DD", help="Publication date (overrides the article's `date` header).")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="summarizer")
def cli() -> None:
    """Turn a news article into a checkable structured summary."""


@cli.command()
@click.argument("path")
@model_option
@date_option
@click.option("--format", "fmt", type=click.Choice(["json", "markdown"]), help="Default: markdown on a terminal, JSON when piped.")
@_path_option("-o", "--output", help="Write the result to FILE (atomically).")
@click.option("--stats", is_flag=True, help="Print model, latency and token usage to stderr.")
@prompts_option
@pipeline_option
@reasks_option
@transport_retries_option
def summarize(path: str, model: str | None, published: str | None, fmt: str | None, output: Path | None,
              stats: bool, prompts: Path | None, pipeline: str, reasks: int, transport_retries: int) -> None:
    """Summarize the article at PATH (`-` for stdin)."""
    from .articles import parse_date, read_article

    article = read_article(path)  # the input first: a bad file or flag answers before the libraries load
    when = parse_date(published) if published is not None else None
    if output is not None:
        _check_output(output)
    from .api import Summarizer
    from .formatting import summary_markdown

    summarizer = Summarizer(model, prompts_dir=prompts, pipeline=pipeline, settings=_settings(reasks, transport_retries))
    try:
        with err_console().status(f"summarizing with {summarizer.model_label}...") if sys.stderr.isatty() else _null():
            result = summarizer.run(article, when)
    except KeyboardInterrupt:
        # An endpoint's three calls run in threads that exit would wait for (each up to its
        # timeout, and retried). Nothing is written yet (-o is written at the end), so stop now.
        click.echo("error: interrupted; nothing was written", err=True)
        sys.stderr.flush()
        os._exit(EXIT_INTERRUPTED)
    fmt = fmt or ("markdown" if sys.stdout.isatty() and output is None else "json")
    text = summary_markdown(result.summary) if fmt == "markdown" else json.dumps(result.to_json_dict(), indent=2, ensure_ascii=False) + "\n"
    if output is not None:
        _write_atomic(output, text)
    elif fmt == "markdown" and sys.stdout.isatty():
        from rich.markdown import Markdown

        out_console().print(Markdown(text))
    else:
        sys.stdout.write(text)
    if stats:
        u = result.usage
        err_console().print(
            f"model {result.model} | {result.latency_s:.1f} s | prompt {u.prompt_tokens} + completion "
            f"{u.completion_tokens} = {u.total_tokens} tokens in {u.requests} requests"
        )


class _null:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: Any) -> None:
        return None


@cli.command()
@click.argument("path")
@date_option
@prompts_option
@pipeline_option
def render(path: str, published: str | None, prompts: Path | None, pipeline: str) -> None:
    """Print the messages that would be sent for PATH, without calling a model."""
    from .api import Summarizer
    from .articles import parse_date, read_article

    article = read_article(path)
    summarizer = Summarizer("local", prompts_dir=prompts, pipeline=pipeline)
    calls = summarizer.render(article, parse_date(published) if published is not None else None)
    json.dump(calls, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


@cli.command()
def schema() -> None:
    """Print the JSON schema of ArticleSummary."""
    from .schema import ArticleSummary

    json.dump(ArticleSummary.model_json_schema(), sys.stdout, indent=2)
    sys.stdout.write("\n")


def _report(results: dict[str, Any], out: Path) -> int:
    from .formatting import delta_line, scores_table

    console = err_console()
    console.print(scores_table(results))
    for warning in results.get("warnings", []):
        console.print(f"warning: {warning}")
    errors = [c for c in results["cases"] if c.get("error")]
    for case in errors:
        console.print(f"error in {case['id']}: {case['error']}")
    base = results.get("baseline")
    if base:
        for name, delta in sorted(base["deltas"].items()):
            console.print(delta_line(name, delta), highlight=False)
        if base["worse_cases"]:
            console.print(f"worse than the baseline: {', '.join(base['worse_cases'])}")
        if base.get("added") or base.get("removed"):
            console.print(f"note: the deltas compare different cases ({len(base.get('added', []))} new, "
                          f"{len(base.get('removed', []))} no longer run; report.md lists them)")
    for miss in results["threshold_misses"]:
        console.print(f"threshold missed: {miss}")
    if errors:
        console.print(f"{len(errors)} of {len(results['cases'])} cases errored (scored as empty output); "
                      f"add --resume --out {shlex.quote(str(out))} to the same command to run them again")
    console.print(f"reports in {out}")
    return 0 if results["passed"] else 1


fail_under_option = click.option("--fail-under", multiple=True, metavar="FIELD=VALUE", help="Fail (exit 1) when a suite score is under VALUE, e.g. participants.f1=0.8; replaces suite.toml's threshold of that name. Repeatable.")
out_option = _path_option("--out", help="Report directory (default: runs/TIMESTAMP).")
allow_unpaired_option = click.option("--allow-unpaired", is_flag=True,
                                     help="Skip a gold file without its article instead of stopping (an article without gold is always skipped).")


@cli.command(name="eval")
@click.argument("suite_dir", type=click.Path(path_type=Path))
@model_option
@click.option("--concurrency", type=click.IntRange(1, MAX_CONCURRENCY), help="Cases in flight at once, for an endpoint (default: suite.toml, else 1); the embedded model runs them one by one.")
@out_option
@fail_under_option
@_path_option("--baseline", help="An earlier results.json to compare with.")
@_path_option("--record", help="Store every model exchange in DIR.")
@_path_option("--replay", help="Answer from recordings in DIR: no network, no key.")
@click.option("--cases", metavar="GLOB", callback=lambda ctx, param, value: _nonempty(param, value),
              help="Only cases whose id matches GLOB.")
@allow_unpaired_option
@click.option("--resume", is_flag=True, help="Skip cases already finished in --out.")
@click.option("--stats", is_flag=True, help="Print latency and token figures per case.")
@prompts_option
@pipeline_option
@reasks_option
@transport_retries_option
def eval_(suite_dir: Path, model: str | None, concurrency: int | None, out: Path | None, fail_under: tuple[str, ...],
          baseline: Path | None, record: Path | None, replay: Path | None, cases: str | None, allow_unpaired: bool, resume: bool,
          stats: bool, prompts: Path | None, pipeline: str, reasks: int, transport_retries: int) -> None:
    """Summarize every case in SUITE_DIR and score it against its gold file."""
    from .evaluate import EvalOptions, Evaluation

    if resume and out is None:
        raise UsageError("--resume needs --out DIR: the run to continue")
    if record and replay:
        raise UsageError("--record and --replay exclude each other; pick one")
    evaluation = Evaluation(EvalOptions(
        suite=suite_dir, model=model, concurrency=concurrency, out=out, fail_under=list(fail_under),
        baseline=baseline, record=record, replay=replay, cases=cases, allow_unpaired=allow_unpaired, resume=resume, prompts=prompts,
        pipeline=pipeline, settings=_settings(reasks, transport_retries),
    ))
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = err_console()
    latencies: list[float] = []
    try:
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=console, transient=True, disable=not console.is_terminal) as progress:
            task = progress.add_task("eval", total=len(evaluation.cases))

            def on_case(entry: dict[str, Any]) -> None:
                progress.advance(task)
                if entry.get("latency_s") is not None:
                    latencies.append(entry["latency_s"])
                if stats:
                    u = entry["usage"]
                    progress.console.print(f"{entry['id']}: {entry.get('latency_s') or 0:.1f} s, "
                                           f"{u['prompt_tokens']}+{u['completion_tokens']} tokens"
                                           + (f", error: {entry['error']}" if entry.get("error") else ""))

            results = evaluation.run(on_case)
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # exit waits for cases in flight; a second Ctrl-C ends it at once
        dest = shlex.quote(str(evaluation.prep.out))
        click.echo(f"error: interrupted; finished cases are kept in {dest} (cases in flight as they end; Ctrl-C again "
                   f"drops them); add --resume --out {dest} to the same command to continue", err=True)
        sys.exit(EXIT_INTERRUPTED)
    if stats and latencies:
        console.print(f"median {statistics.median(latencies):.1f} s per case, total {sum(latencies):.1f} s")
    sys.exit(_report(results, evaluation.prep.out))


@cli.command()
@click.argument("suite_dir", type=click.Path(path_type=Path))
@click.argument("predictions_dir", type=click.Path(path_type=Path))
@out_option
@fail_under_option
@allow_unpaired_option
def score(suite_dir: Path, predictions_dir: Path, out: Path | None, fail_under: tuple[str, ...], allow_unpaired: bool) -> None:
    """Score existing predictions (PREDICTIONS_DIR/NAME.json) without calling a model."""
    from .evaluate import run_score

    results, prep = run_score(suite_dir, predictions_dir, out, list(fail_under), allow_unpaired)
    sys.exit(_report(results, prep.out))


LOG_ENV = "SUMMARIZER_LOG"
_LOG_HANDLER: logging.Handler | None = None


def _route_logs() -> None:
    """Keep libraries' log lines (instructor logs each failed attempt at ERROR) off stderr:
    a failure is one line of ours. SUMMARIZER_LOG=DEBUG|INFO|WARNING|ERROR shows them, redacted."""
    global _LOG_HANDLER
    root = logging.getLogger()
    if _LOG_HANDLER is not None:  # main() called again in one process (tests)
        root.removeHandler(_LOG_HANDLER)
    level = os.environ.get(LOG_ENV, "").strip().upper()
    if not level:
        # a handler that drops everything: it also stops a library's logging.info() from calling basicConfig
        _LOG_HANDLER = logging.NullHandler()
    elif level in ("DEBUG", "INFO", "WARNING", "ERROR"):
        _LOG_HANDLER = logging.StreamHandler(sys.stderr)
        _LOG_HANDLER.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        _LOG_HANDLER.addFilter(RedactingFilter())
        root.setLevel(level)
    else:
        raise UsageError(f"{LOG_ENV}={level}: use DEBUG, INFO, WARNING or ERROR, or leave it unset")
    root.addHandler(_LOG_HANDLER)


_SHOW_WARNING = warnings.showwarning


def _show_warning(message: Warning | str, category: type[Warning], *rest: Any, **kwargs: Any) -> None:
    """The package's own warnings as one ``warning:`` line; any other as Python shows it."""
    if issubclass(category, SummarizerWarning):
        click.echo(f"warning: {redact(str(message))}", err=True)
    else:
        _SHOW_WARNING(message, category, *rest, **kwargs)


def main(argv: list[str] | None = None) -> None:
    """Entry point: every failure becomes one line on stderr and an exit code."""
    shown_before, warnings.showwarning = warnings.showwarning, _show_warning
    try:
        _route_logs()
        cli.main(args=argv, prog_name="summarizer", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        hint = f"; see `{exc.ctx.command_path} --help`" if getattr(exc, "ctx", None) else ""
        click.echo(f"error: {exc.format_message().rstrip('.')}{hint}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("error: interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except SummarizerError as exc:
        used = getattr(exc, "usage", None)
        spent = f" ({used.total_tokens} tokens used in {used.requests} requests)" if used and used.requests else ""
        click.echo(f"error: {exc}{spent}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("error: interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except BrokenPipeError:
        sys.exit(1)
    except Exception as exc:  # a bug: still one line, with a way to see the traceback
        if os.environ.get("SUMMARIZER_DEBUG"):
            raise
        click.echo(f"error: internal error ({type(exc).__name__}: {redact(str(exc))}); rerun with SUMMARIZER_DEBUG=1 "
                   "for the traceback and report it", err=True)
        sys.exit(1)
    finally:
        warnings.showwarning = shown_before  # main() called from a program: its warnings are its own again
