"""Masking secrets in text: error messages, log records, reports.

Known secrets are the API keys in use (`add_secret`, and $OPENAI_API_KEY); beyond
them anything shaped like a credential is masked: ``Bearer ...``, ``sk-...`` keys,
the ``user:password@`` (or ``user@``) part of a URL and its ``?api_key=``-like parameters.
"""

from __future__ import annotations

import logging
import os
import re
from typing import Any

REDACTED = "***"
_KNOWN: set[str] = set()
_SHAPED = re.compile(
    r"(?i)(?P<keep>\bbearer\s+)[^\s\"',;}]+"  # Authorization: Bearer <token>
    r"|\bsk-[A-Za-z0-9_\-]{6,}"  # OpenAI-style keys
    r"|(?<=://)[^/?#\s@]+(?=@)"  # user:password@ (or a token as the user@) in a URL
    r"|(?P<param>[?&](?:api[_-]?key|key|token|access_token)=)[^&\s\"']+"  # ?api_key=... in a URL
)


def add_secret(value: str | None) -> None:
    """Mask ``value`` (an API key in use) wherever it would appear."""
    if value and len(value) >= 4:
        _KNOWN.add(value)


def _known() -> list[str]:
    env_key = os.environ.get("OPENAI_API_KEY", "").strip()
    return sorted(_KNOWN | ({env_key} if len(env_key) >= 4 else set()), key=len, reverse=True)


ANSWER_KEY_CHARS = 16  # shorter "keys" are placeholders ("EMPTY", "none", "ollama"), not secrets
# the keys local servers' docs tell users to set: masking them only garbles messages
# ("ollama/llama3: no such model" as "***/llama3: ...")
PLACEHOLDER_KEYS = frozenset({"empty", "none", "null", "ollama", "lm-studio", "not-needed", "no-key", "dummy", "test",
                              "token"})


def _whole(key: str) -> str:
    return rf"(?<![\w-]){re.escape(key)}(?![\w-])"


def redact(text: str) -> str:
    """``text`` with known keys and credential-shaped strings masked. A placeholder key is
    left alone; a key of letters only ("ollama2" is not) is masked as a whole word, so
    "none" leaves "nonetheless" alone; any other key wherever it occurs, also inside
    "k%3D<key>" or "x_<key>_y"."""
    for secret in _known():
        if secret.lower() in PLACEHOLDER_KEYS:
            continue
        if secret.isalpha():
            text = re.sub(_whole(secret), REDACTED, text)
        else:
            text = text.replace(secret, REDACTED)
    return _SHAPED.sub(lambda m: (m.group("keep") or m.group("param") or "") + REDACTED, text)


def mask_known(value: Any) -> Any:
    """``value`` (an endpoint's JSON answer) with each API key in use masked where it stands
    as a whole token, in its strings and its field names.

    Only real keys: credential shapes are left alone (an answer is the model's text about an
    article: "bearer bonds" must stay), and so are values under ``ANSWER_KEY_CHARS``
    characters, which local servers take as placeholders and which would also match ordinary
    words ("none" in "nonetheless"). An endpoint that echoes the key it was sent must not get
    it into a summary, a re-ask, a report or a recording.
    """
    keys = [k for k in _known() if len(k) >= ANSWER_KEY_CHARS]
    if not keys:
        return value
    pattern = re.compile("|".join(_whole(k) for k in keys))

    def walk(item: Any) -> Any:
        if isinstance(item, str):
            return pattern.sub(REDACTED, item)
        if isinstance(item, dict):
            return {walk(key): walk(v) for key, v in item.items()}
        if isinstance(item, list):
            return [walk(v) for v in item]
        return item

    return walk(value)


class RedactingFilter(logging.Filter):
    """Redacts a log record's message and its traceback text before a handler prints it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            record.msg, record.args = redact(record.getMessage()), None
        except Exception:  # a record that cannot format: logging reports it as its own error
            return True
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def redact_library_logs(*names: str) -> None:
    """Put a RedactingFilter on every logger under ``names`` that exists now (a logger's
    filters do not apply to its children's records, so each one gets its own)."""
    loggers = logging.root.manager.loggerDict
    for name, logger in list(loggers.items()):
        if isinstance(logger, logging.Logger) and any(name == n or name.startswith(n + ".") for n in names):
            if not any(isinstance(f, RedactingFilter) for f in logger.filters):
                logger.addFilter(RedactingFilter())
