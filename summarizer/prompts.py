"""Prompt templates: loaded by name from a directory, rendered sandboxed and strict.

The article is passed to templates as data; it is never compiled as template
source, so an article containing ``{{ 7*7 }}`` is sent verbatim.
"""

from __future__ import annotations

import hashlib
from functools import cached_property
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from .errors import UsageError

_INSTALLED = Path(__file__).resolve().parent / "prompt_templates"  # a built wheel (see pyproject.toml)
_CHECKOUT = Path(__file__).resolve().parent.parent / "prompts"  # the checkout, installed editable
DEFAULT_DIR = _INSTALLED if _INSTALLED.is_dir() else _CHECKOUT


class Prompts:
    """A directory of Jinja templates rendered in a sandbox with strict undefined."""

    def __init__(self, directory: str | Path | None = None) -> None:
        self.directory = Path(directory) if directory else DEFAULT_DIR
        if not self.directory.is_dir():
            raise UsageError(
                f"prompt directory {self.directory} not found; pass --prompts DIR with the templates"
            )
        self._env = SandboxedEnvironment(
            loader=FileSystemLoader(str(self.directory)),
            undefined=StrictUndefined,
            autoescape=False,
            keep_trailing_newline=False,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,  # a run renders the templates it started with, matching `hash`
        )

    def render(self, name: str, **variables: Any) -> str:
        """Render template ``name`` (without the .j2 suffix) with ``variables``."""
        try:
            return self._env.get_template(f"{name}.j2").render(**variables).strip()
        except TemplateError as exc:
            raise UsageError(
                f"prompt template {self.directory / (name + '.j2')}: {exc.message}; "
                "fix the template or pass --prompts DIR"
            ) from None
        except UnicodeDecodeError:
            raise UsageError(
                f"prompt template {self.directory / (name + '.j2')} is not UTF-8 text; "
                "fix the template or pass --prompts DIR"
            ) from None

    @cached_property
    def hash(self) -> str:
        """A short hash of every template file, to tie results to the prompts used."""
        digest = hashlib.sha256()
        for path in sorted(self.directory.rglob("*.j2")):
            digest.update(path.relative_to(self.directory).as_posix().encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
        return digest.hexdigest()[:16]
