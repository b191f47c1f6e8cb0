"""Model backends: one `send(request) -> completion dict` each, no retries inside."""

from __future__ import annotations

from typing import Any, Protocol


class Backend(Protocol):
    """Sends one chat-completion request and returns the OpenAI-format response as a dict."""

    label: str
    model: str

    def send(self, request: dict[str, Any]) -> dict[str, Any]: ...

    def check_fits(self, messages: list[dict[str, str]], max_tokens: int) -> None: ...


def chat_completion(
    *, id: str, created: int, model: str, content: str, finish_reason: str, usage: dict[str, int]
) -> dict[str, Any]:
    """The OpenAI ``chat.completion`` body a backend returns, put together from a stream."""
    return {
        "id": id,
        "object": "chat.completion",
        "created": created,
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": finish_reason}],
        "usage": usage,
    }
