"""Shared fixtures: a real HTTP stub of the OpenAI API, a scriptable in-process backend, and
the embedded model's weights."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.stub_server import FakeBackend, StubServer


@pytest.fixture
def stub():
    """A running `StubServer` on a random 127.0.0.1 port; stopped after the test."""
    server = StubServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def fake_model():
    """A `FakeBackend`: ``fake_model.enqueue({...})`` scripts answers, ``.history`` holds requests."""
    return FakeBackend()


@pytest.fixture
def endpoint(stub, monkeypatch):
    """The stub answering every pipeline task (tests.test_cli.ANSWERS), set as the OpenAI endpoint."""
    from tests.stub_server import by_schema
    from tests.test_cli import ANSWERS

    stub.set_default(by_schema(ANSWERS))
    monkeypatch.setenv("OPENAI_BASE_URL", stub.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-secret-key")
    return stub


@pytest.fixture(scope="module")
def gguf() -> Path:
    """The embedded model's weights; the test is skipped where they are not on this machine."""
    from summarizer import weights
    from summarizer.errors import UsageError

    try:
        return weights.resolve()
    except UsageError as exc:
        pytest.skip(f"embedded model weights not available: {exc}")
