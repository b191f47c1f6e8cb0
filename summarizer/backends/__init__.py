"""Model backends: one `send(request) -> completion dict` each, no retries inside."""

from __future__ import annotations

from typing import Any, Protocol


class Backend(Protocol):
    """Sends one chat-completion request and returns the OpenAI-format response as a dict."""

    label: str
    model: str

    def send(self, request: dict[str, Any]) -> dict[str, Any]: ...

    def check_fits(self, messages: list[dict[str, str]], max_tokens: int) -> None: ...
