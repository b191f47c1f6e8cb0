"""Record and replay model exchanges, keyed by what was asked.

The key hashes the model, the rendered messages, the response schema and the
sampling parameters. A recording holds the request body and the response body
only: never headers, keys or base URLs.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from contextlib import suppress
from pathlib import Path
from typing import Any

from .errors import ConfigError, ModelError, UsageError

_KEY_FIELDS = ("model", "messages", "response_format", "max_tokens", "temperature", "seed", "top_p")


class ReplayMiss(ModelError):
    """The replay directory has no answer for this request."""


def request_key(request: dict[str, Any]) -> str:
    """A stable hash of the parts of a request that decide the answer."""
    material = {k: request.get(k) for k in _KEY_FIELDS}
    blob = json.dumps(material, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


class Recorder:
    """Writes each exchange to ``DIR/<key>.json`` atomically."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"--record {directory}: cannot create it ({exc.strerror})") from None

    def save(self, request: dict[str, Any], response: dict[str, Any]) -> None:
        key = request_key(request)
        body = {"key": key, "request": {k: request.get(k) for k in _KEY_FIELDS}, "response": response}
        tmp = None
        try:
            fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".rec-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(body, handle, ensure_ascii=False, indent=1)
            os.replace(tmp, self.directory / f"{key}.json")
        except OSError as exc:  # a full disk, the directory removed: every article alike, so it stops an eval
            if tmp is not None:
                with suppress(OSError):
                    os.unlink(tmp)
            raise ConfigError(f"--record {self.directory}: cannot write a recording ({exc.strerror or exc}); "
                             "free space or pick a writable directory, then run again") from None


class Player:
    """Answers requests from a directory written by Recorder."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        if not self.directory.is_dir():
            raise UsageError(f"--replay {directory}: no such directory; record one with --record DIR")

    def load(self, request: dict[str, Any]) -> dict[str, Any]:
        key = request_key(request)
        path = self.directory / f"{key}.json"
        try:
            response = json.loads(path.read_text(encoding="utf-8"))["response"]
            if not isinstance(response, dict) or not isinstance(response.get("choices"), list):
                raise ValueError("its response is not a chat completion")
            return response
        except FileNotFoundError:
            raise ReplayMiss(
                f"no recorded answer in {self.directory} for this request (key {key[:12]}); "
                "the prompt, schema or model changed: re-record with --record DIR"
            ) from None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise UsageError(f"{path}: unreadable recording ({exc}); re-record with --record DIR") from None
