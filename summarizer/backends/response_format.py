"""The structured-output request llama.cpp understands.

Both llama.cpp servers constrain decoding to a schema sent as
``{"type": "json_object", "schema": ...}``: llama.cpp's own ``llama-server`` and
llama-cpp-python (in process, and its ``llama_cpp.server``, which answers HTTP 500
to the ``json_schema`` form that OpenAI, vLLM and Ollama take).
"""

from __future__ import annotations

from typing import Any


def llama_response_format(response_format: dict[str, Any] | None) -> dict[str, Any] | None:
    """Translate OpenAI's json_schema response_format into the form llama.cpp constrains on.

    llama-cpp-python 0.3.x applies a grammar only for ``{"type": "json_object", "schema": ...}``
    and silently ignores ``{"type": "json_schema", ...}``, which instructor sends.
    """
    if not response_format:
        return response_format
    if response_format.get("type") == "json_schema":
        schema = response_format.get("json_schema", {}).get("schema")
        return {"type": "json_object", "schema": schema} if schema else {"type": "json_object"}
    return response_format
