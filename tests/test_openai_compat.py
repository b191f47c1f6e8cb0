"""The OpenAI-compatible backend's configuration: OPENAI_BASE_URL and OPENAI_API_KEY are
checked once, as the backend is made, so a bad value is one line (exit 2) and never a
connection error retried four times."""

from __future__ import annotations

import pytest

from summarizer.backends.openai_compat import OpenAIBackend
from summarizer.errors import ConfigError
from tests.test_cli import SEED, run

SUMMARIZE = ["summarize", str(SEED), "-m", "openai/test-model"]


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        pytest.param("http://[::1/v1", "'http://[::1/v1'", id="unclosed-ipv6-bracket"),
        pytest.param("not-a-url", "'not-a-url'", id="no-scheme-no-host"),
        pytest.param("localhost:8000/v1", "'localhost:8000/v1'", id="scheme-left-out"),
        pytest.param("ftp://example.com/v1", "'ftp://example.com/v1'", id="ftp"),
        pytest.param("http:///v1", "'http:///v1'", id="no-host"),
        pytest.param("http://example.com:99999/v1", "'http://example.com:99999/v1'", id="port-out-of-range"),
        pytest.param("http://example.com:port/v1", "'http://example.com:port/v1'", id="port-not-a-number"),
        pytest.param("   ", "''", id="blanks"),
        pytest.param("ftp://admin:hunter2@example.com/v1", "'ftp://***@example.com/v1'", id="password-masked"),
        pytest.param("ftp://tok3n-abc@example.com/v1", "'ftp://***@example.com/v1'", id="user-masked"),
        pytest.param("alice:hunter2pass@localhost/v1", "'***@localhost/v1'", id="no-scheme-password-masked"),
        pytest.param("http:/alice:hunter2pass@localhost/v1", "'***@localhost/v1'", id="one-slash-password-masked"),
    ],
)
def test_a_bad_base_url_is_one_line_before_any_request(url, shown, monkeypatch, capsys):
    monkeypatch.setenv("OPENAI_BASE_URL", url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-secret-key")
    code, out, err = run(SUMMARIZE, capsys)
    assert code == 2 and out == "", err
    assert err.startswith(f"error: OPENAI_BASE_URL={shown} is not a valid http(s) URL") and err.count("\n") == 1, err
    assert "such as http://localhost:8000/v1" in err
    assert "attempts" not in err and "hunter2" not in err and "tok3n" not in err


@pytest.mark.parametrize(
    ("url", "used"),
    [
        pytest.param("http://localhost:8000/v1", "http://localhost:8000/v1/", id="plain"),
        pytest.param(" https://api.example.com/v1\n", "https://api.example.com/v1/", id="blanks-around-stripped"),
        pytest.param("http://[::1]:8000/v1", "http://[::1]:8000/v1/", id="ipv6"),
        pytest.param("HTTPS://Example.com/v1", "https://example.com/v1/", id="upper-case-scheme"),
        pytest.param("", "https://api.openai.com/v1/", id="empty-means-openai"),
    ],
)
def test_a_good_base_url_is_used_as_given(url, used, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", url)
    backend = OpenAIBackend("openai", "m", api_key="sk-test-secret-key")
    assert str(backend.client.base_url) == used


@pytest.mark.parametrize(
    "key",
    [
        pytest.param("sk-test-secret-key\n", id="trailing-newline"),
        pytest.param("sk-test-secret-key\r\n", id="trailing-crlf"),
        pytest.param("sk-test-secret-key ", id="trailing-space"),
        pytest.param("\tsk-test-secret-key", id="leading-tab"),
    ],
)
def test_blanks_around_the_key_are_dropped(key, endpoint, monkeypatch, capsys):
    monkeypatch.setenv("OPENAI_API_KEY", key)
    code, _, err = run(SUMMARIZE + ["--format", "json"], capsys)
    assert code == 0, err
    assert {r.headers["authorization"] for r in endpoint.requests} == {"Bearer sk-test-secret-key"}


@pytest.mark.parametrize(
    "key",
    [
        pytest.param("plainkey123\ntail456", id="newline-inside"),
        pytest.param("plainkey123\x07tail456", id="control-character"),
        pytest.param("plainkey123\u00e9tail456", id="non-ascii"),
    ],
)
def test_a_key_that_cannot_be_a_header_is_one_line_without_the_key(key, endpoint, monkeypatch, capsys):
    monkeypatch.setenv("OPENAI_API_KEY", key)
    code, out, err = run(SUMMARIZE, capsys)
    assert code == 2 and out == "", err
    assert err.startswith("error: OPENAI_API_KEY has a control or non-ASCII character inside it; ")
    assert err.count("\n") == 1, err
    assert "plainkey123" not in err and "tail456" not in err
    assert endpoint.requests == []


def test_a_key_of_blanks_is_a_missing_key(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", " \n")
    with pytest.raises(ConfigError) as info:  # the model's configuration, as a refused key is
        OpenAIBackend("openai", "m", base_url="http://localhost:8000/v1")
    assert "needs an API key: set OPENAI_API_KEY" in str(info.value)
    assert info.value.exit_code == 2


def test_a_space_inside_the_key_is_left_for_the_server_to_judge(endpoint, monkeypatch, capsys):
    """A header value may hold a space, so such a key is sent as it is (a vLLM or Ollama server ignores it)."""
    monkeypatch.setenv("OPENAI_API_KEY", "local key 1")
    code, _, err = run(["summarize", str(SEED), "-m", "vllm/test-model", "--format", "json"], capsys)
    assert code == 0, err
    assert {r.headers["authorization"] for r in endpoint.requests} == {"Bearer local key 1"}
