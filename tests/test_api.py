"""The library surface: wrong arguments are the project's UsageError with a way out, not AttributeError."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from datetime import date

import pytest

import summarizer
from summarizer import LLMSettings, RetryPolicy, Summarizer, UsageError
from tests.stub_server import Reply

ARTICLE = "Lavrov will meet de Mistura in Moscow on Thursday."


@pytest.mark.parametrize(
    ("call", "says"),
    [
        pytest.param(lambda: summarizer.summarize(None, model="openai/m"), "not NoneType", id="text-none"),
        pytest.param(lambda: summarizer.summarize(ARTICLE.encode(), model="openai/m"), "decode bytes", id="text-bytes"),
        pytest.param(lambda: summarizer.summarize(ARTICLE, published=20170608, model="openai/m"), "datetime.date",
                     id="published-int"),
        pytest.param(lambda: summarizer.summarize(ARTICLE, published="June 8", model="openai/m"), "YYYY-MM-DD",
                     id="published-words"),
        pytest.param(lambda: Summarizer(123), "model spec string", id="model-int"),
        pytest.param(lambda: Summarizer("gpt-4o"), "unknown model", id="model-no-provider"),
        pytest.param(lambda: Summarizer(pipeline="fast"), "unknown pipeline", id="pipeline"),
        pytest.param(lambda: LLMSettings(reasks=-1), "0 to 10", id="reasks-negative"),
        pytest.param(lambda: LLMSettings(reasks=True), "0 to 10", id="reasks-bool"),
        pytest.param(lambda: LLMSettings(transport=3), "RetryPolicy", id="transport-int"),
        pytest.param(lambda: RetryPolicy(attempts=-1), "0 to 21", id="attempts-negative"),
        pytest.param(lambda: RetryPolicy(max_wait="x"), "number of seconds", id="max-wait-text"),
        pytest.param(lambda: RetryPolicy(initial_wait=-1), "number of seconds", id="initial-wait-negative"),
        pytest.param(lambda: LLMSettings(temperature="hot"), "0 to 2", id="temperature-text"),
        pytest.param(lambda: LLMSettings(seed="x"), "whole number", id="seed-text"),
        pytest.param(lambda: LLMSettings(sleep=None), "function taking seconds", id="sleep-none"),
        pytest.param(lambda: Summarizer("openai/m", settings={"reasks": 1}), "give an LLMSettings", id="settings-dict"),
        pytest.param(lambda: Summarizer("openai/m", record_dir="a", replay_dir="b"), "exclude each other",
                     id="record-and-replay"),
    ],
)
def test_wrong_arguments_are_usage_errors_saying_what_to_give(call, says, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-key")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")  # never reached: each fails before a request
    with pytest.raises(UsageError) as info:
        call()
    assert says in str(info.value)


def test_a_date_object_and_a_string_are_both_accepted():
    s = Summarizer("openai/m")  # render needs no model, so no key either
    as_date, as_text = s.render(ARTICLE, date(2017, 6, 8)), s.render(ARTICLE, "2017-06-08")
    assert as_date == as_text and len(as_date) == 3
    assert "2017-06-08" in as_date[0][-1]["content"]


def test_library_logs_and_errors_never_show_the_key(stub):
    """In a process of its own (no pytest log handlers): instructor's ERROR lines reach stderr
    through logging's last-resort handler, redacted like the error itself."""
    key = "abcd-1234-plainkey"  # no credential shape: only the known-key rule can mask it
    stub.set_default(Reply(status=400, error=f"you sent key={key}"))
    code = (
        "import summarizer\n"
        "try:\n"
        "    summarizer.Summarizer('openai/m').summarize('Lavrov meets de Mistura on Thursday.', '2017-06-08')\n"
        "except summarizer.SummarizerError as exc:\n"
        "    print(exc)\n"
    )
    env = {**os.environ, "OPENAI_BASE_URL": stub.base_url, "OPENAI_API_KEY": key}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert "HTTP 400" in proc.stdout and "key=***" in proc.stdout
    assert "API call failed" in proc.stderr and "key=***" in proc.stderr
    assert key not in proc.stdout + proc.stderr


def test_the_command_line_starts_without_the_model_libraries():
    """The public names load on first use: `summarizer --help`, a bad flag or a bad file answer
    without importing openai and instructor, and Ctrl-C while they load is the CLI's own."""
    code = (
        "import sys, summarizer.cli\n"
        "print(sorted(m for m in ('openai', 'instructor', 'summarizer.api') if m in sys.modules))\n"
        "from summarizer import Summarizer, UsageError\n"
        "import summarizer\n"
        "print(summarizer.Summarizer is Summarizer, 'openai' in sys.modules, set(summarizer.__all__) <= set(dir(summarizer)))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["[]", "True True True"]


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'Summariser'"):
        summarizer.Summariser  # noqa: B018


@pytest.mark.parametrize(
    ("make", "says"),
    [
        pytest.param(lambda: summarizer.Article(""), "empty", id="empty"),
        pytest.param(lambda: summarizer.Article(None), "must be a str", id="none"),
        pytest.param(lambda: summarizer.Article(ARTICLE + "\ud800"), "lone surrogate", id="lone-surrogate"),
        pytest.param(lambda: summarizer.Article(ARTICLE, 20170608), "datetime.date", id="published-int"),
        pytest.param(lambda: summarizer.Article(ARTICLE, "8 June"), "YYYY-MM-DD", id="published-words"),
        pytest.param(lambda: summarizer.Article(ARTICLE, date(9999, 12, 31)), "no room", id="published-9999"),
        pytest.param(lambda: summarizer.read_article(None), "as a str or Path", id="read-none"),
        pytest.param(lambda: summarizer.read_article(b"a.txt"), "as a str or Path", id="read-bytes"),
        pytest.param(lambda: summarizer.read_article(""), "as a str or Path", id="read-empty-path"),
    ],
)
def test_an_article_built_by_hand_meets_the_same_rules_as_a_file(make, says):
    with pytest.raises(UsageError) as info:
        make()
    assert says in str(info.value)


def test_a_datetime_is_taken_as_its_day_everywhere():
    from datetime import datetime

    s = Summarizer("openai/m")
    evening = datetime(2017, 6, 8, 21, 30)
    assert s.render(ARTICLE, evening) == s.render(ARTICLE, date(2017, 6, 8))
    assert summarizer.Article(ARTICLE, evening).published == date(2017, 6, 8)
    assert summarizer.Article(ARTICLE, "2017-06-08").published == date(2017, 6, 8)


def test_the_first_summarizer_call_from_many_threads_makes_one_client(monkeypatch):
    import threading
    import time

    from summarizer import api

    made, create = [], api.create_backend

    def slow_backend(spec):
        made.append(spec)
        time.sleep(0.05)  # loading a model takes a moment: the window where a second one was made
        return create(spec)

    monkeypatch.setattr(api, "create_backend", slow_backend)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-key")
    s = Summarizer("openai/m")
    clients = []
    threads = [threading.Thread(target=lambda: clients.append(s.llm)) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(made) == 1 and len({id(c) for c in clients}) == 1


def test_a_result_and_a_retries_error_pickle_deep_copy_and_go_through_asdict(endpoint):
    """What a process pool, a cache or a serializer does with a result or an error."""
    import copy
    import dataclasses
    import pickle

    from summarizer import RetriesExhausted, Usage
    from tests.test_cli import SEED

    result = Summarizer("openai/test-model").run(SEED.read_text())
    assert len(result.diagnostics) > 1 and list(result.diagnostics) == sorted(result.diagnostics)  # not thread order
    back = pickle.loads(pickle.dumps(result))
    assert back.summary == result.summary and back.usage == result.usage and back.usage.requests == 3
    assert copy.deepcopy(result).diagnostics == result.diagnostics
    assert dataclasses.asdict(result)["usage"]["requests"] == 3
    usage = Usage(10, 5, requests=2)
    error = RetriesExhausted("openai/m: gave up", attempts=3, usage=usage, last_output='{"a": 1', truncated=True)
    again = pickle.loads(pickle.dumps(error))
    assert (type(again), str(again), again.attempts, again.usage, again.last_output, again.truncated) == (
        RetriesExhausted, "openai/m: gave up", 3, usage, '{"a": 1', True)


def test_an_undated_article_says_its_dates_are_resolved_against_today(endpoint):
    body = "Lavrov will meet de Mistura in Moscow on Thursday to discuss the Syrian talks."
    with pytest.warns(summarizer.SummarizerWarning, match="no publication date.*against today"):
        result = Summarizer("openai/test-model").run(body)
    assert result.summary.published is None
    assert result.diagnostics["no_publication_date"] == [{"resolved_against": date.today().isoformat()}]
    with warnings.catch_warnings():
        warnings.simplefilter("error", summarizer.SummarizerWarning)  # a dated article: no warning
        assert "no_publication_date" not in Summarizer("openai/test-model").run(body, "2017-06-08").diagnostics


def test_a_bug_under_the_model_call_is_itself_not_a_validation_failure(endpoint, monkeypatch):
    """instructor wraps whatever the request raises; only a bad answer is "failed validation"."""
    from summarizer import llm

    def broken(self, usage, request):
        raise ZeroDivisionError("a bug in our own code")

    monkeypatch.setattr(llm.LLM, "_send", broken)
    with pytest.raises(ZeroDivisionError, match="a bug in our own code"):
        Summarizer("openai/test-model").run(ARTICLE, "2017-06-08")
