"""Any OpenAI-compatible endpoint through the openai SDK (OpenAI, vLLM, Ollama, llama.cpp server)."""

from __future__ import annotations

import os
from typing import Any

import openai

from ..errors import UsageError


class OpenAIBackend:
    """Sends requests with the SDK's own retries off: transport.py owns retries."""

    def __init__(
        self,
        provider: str,
        model: str,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        key_required: bool = True,
        timeout: float = 120.0,
    ) -> None:
        base_url = base_url or os.environ.get("OPENAI_BASE_URL")
        api_key = api_key or os.environ.get("OPENAI_API_KEY")
        if not api_key:
            if key_required:
                raise UsageError(
                    f"--model {provider}/{model} needs an API key: set OPENAI_API_KEY "
                    "(and OPENAI_BASE_URL for a compatible server)"
                )
            api_key = "not-needed"
        self.model = model
        self.label = f"{provider}/{model}"
        self.client = openai.OpenAI(base_url=base_url, api_key=api_key, max_retries=0, timeout=timeout)

    def check_fits(self, messages: list[dict[str, str]], max_tokens: int) -> None:
        """The server knows its window; an overflow comes back as a 400 and is reported then."""

    def send(self, request: dict[str, Any]) -> dict[str, Any]:
        return self.client.chat.completions.create(**request).model_dump(exclude_none=True)
