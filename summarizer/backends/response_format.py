"""The structured-output request llama.cpp understands.

Both llama.cpp servers constrain decoding to a schema sent as
``{"type": "json_object", "schema": ...}``: llama.cpp's own ``llama-server`` and
llama-cpp-python (in process, and its ``llama_cpp.server``, which answers HTTP 500
to the ``json_schema`` form that OpenAI, vLLM and Ollama take).
"""

from __future__ import annotations

from typing import Any

from .json_drafts import MAX_SENTENCES, MAX_WORDS

_OWN = frozenset((MAX_SENTENCES, MAX_WORDS))


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


def without_extensions(response_format: dict[str, Any] | None) -> dict[str, Any] | None:
    """``response_format`` with this package's own schema keywords (json_drafts'
    ``MAX_SENTENCES``, ``MAX_WORDS``, read by the in-process backend: string_stops.py) taken
    out, for an endpoint that may reject them."""
    if not response_format:
        return response_format
    return _without(response_format)


def _without(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _without(v) for k, v in node.items() if k not in _OWN}
    if isinstance(node, list):
        return [_without(v) for v in node]
    return node
