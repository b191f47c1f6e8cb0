"""Model specs (`local`, `local:PATH`, `openai/NAME`, ...) mapped to backend factories."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .backends import Backend
from .errors import UsageError

MODEL_ENV = "SUMMARIZER_MODEL"
DEFAULT_MODEL = "local"


@dataclass(frozen=True)
class ModelSpec:
    provider: str
    name: str

    def __str__(self) -> str:
        if self.provider == "local":
            return f"local:{self.name}" if self.name else "local"
        return f"{self.provider}/{self.name}"


def _local(spec: ModelSpec) -> Backend:
    from . import weights
    from .backends.local import LocalBackend

    return LocalBackend(weights.resolve(spec.name or None))


def _compatible(*, default_base: str | None = None, key_required: bool = False):
    def factory(spec: ModelSpec) -> Backend:
        from .backends.openai_compat import OpenAIBackend

        base = os.environ.get("OPENAI_BASE_URL") or default_base
        if base is None and spec.provider != "openai":
            raise UsageError(f"--model {spec}: set OPENAI_BASE_URL to the server's /v1 address")
        return OpenAIBackend(spec.provider, spec.name, base_url=base, key_required=key_required,
                             schema_as_json_object=spec.provider == "llamacpp")

    return factory


FACTORIES: dict[str, Callable[[ModelSpec], Backend]] = {
    "local": _local,
    "openai": _compatible(key_required=True),
    "ollama": _compatible(default_base="http://localhost:11434/v1"),
    "vllm": _compatible(),
    "llamacpp": _compatible(),
}


def parse(spec: str | None) -> ModelSpec:
    """Parse `--model`, else $SUMMARIZER_MODEL, else `local`."""
    if spec is not None and not isinstance(spec, str):
        raise UsageError(f"model {spec!r}: give a model spec string such as 'local' or 'openai/gpt-4o-mini'")
    text = (spec or os.environ.get(MODEL_ENV) or DEFAULT_MODEL).strip()
    if text == "local":
        return ModelSpec("local", "")
    if text.startswith("local:"):
        path = text.removeprefix("local:")
        if not path:
            raise UsageError("--model local: needs a path, e.g. local:/models/qwen.gguf")
        return ModelSpec("local", str(Path(path).expanduser()))
    provider, sep, name = text.partition("/")
    if not sep or not name or provider not in FACTORIES:
        known = ", ".join(["local", "local:PATH"] + [f"{p}/NAME" for p in FACTORIES if p != "local"])
        raise UsageError(f"unknown model {text!r}; use one of: {known}")
    return ModelSpec(provider, name)


def create_backend(spec: ModelSpec) -> Backend:
    return FACTORIES[spec.provider](spec)
