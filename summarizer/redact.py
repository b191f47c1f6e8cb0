"""Masking secrets in text: error messages, log records, reports.

Known secrets are the API keys in use (`add_secret`, and $OPENAI_API_KEY); beyond
them anything shaped like a credential is masked: ``Bearer ...``, ``sk-...`` keys
and the ``user:password@`` part of a URL.
"""

from __future__ import annotations

import logging
import os
import re

REDACTED = "***"
_KNOWN: set[str] = set()
_SHAPED = re.compile(
    r"(?i)(?P<keep>\bbearer\s+)[^\s\"',;}]+"  # Authorization: Bearer <token>
    r"|\bsk-[A-Za-z0-9_\-]{6,}"  # OpenAI-style keys
    r"|(?<=://)[^/\s:@]+:[^/\s@]+(?=@)"  # user:password@ in a URL
)


def add_secret(value: str | None) -> None:
    """Mask ``value`` (an API key in use) wherever it would appear."""
    if value and len(value) >= 4:
        _KNOWN.add(value)


def redact(text: str) -> str:
    """``text`` with known keys and credential-shaped strings masked."""
    env_key = os.environ.get("OPENAI_API_KEY", "")
    known = _KNOWN | ({env_key} if len(env_key) >= 4 else set())
    for secret in sorted(known, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return _SHAPED.sub(lambda m: (m.group("keep") or "") + REDACTED, text)


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
