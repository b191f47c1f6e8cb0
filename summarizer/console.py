"""Shared rich consoles: stdout for results, stderr for progress and messages."""

from __future__ import annotations

from functools import lru_cache

from rich.console import Console


@lru_cache(maxsize=1)
def err_console() -> Console:
    # soft_wrap: a message is one line however long, so a log or CI reader gets it whole.
    return Console(stderr=True, highlight=False, soft_wrap=True)


@lru_cache(maxsize=1)
def out_console() -> Console:
    return Console(highlight=False)
