"""The library surface: wrong arguments are the project's UsageError with a way out, not AttributeError."""

from __future__ import annotations

import os
import subprocess
import sys
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
