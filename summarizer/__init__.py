"""Turn a news article into a checkable structured summary.

The public names are imported on first use (PEP 562): the command line starts without
loading openai and instructor (about 1.6 s here), so `summarizer --help`, a bad flag or a
bad file answer at once, and Ctrl-C while they load is the CLI's one-line interrupt.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_HOMES = {
    "api": ("Summarizer", "SummaryResult", "asummarize", "summarize"),
    "articles": ("Article", "read_article"),
    "errors": ("ConfigError", "ModelError", "RetriesExhausted", "SummarizerError", "SummarizerWarning", "Usage",
               "UsageError"),
    "llm": ("LLMSettings",),
    "schema": ("ArticleSummary", "KeyIssue", "Participant", "UpcomingEvent"),
    "transport": ("RetryPolicy",),
}
_MODULE_OF = {name: module for module, names in _HOMES.items() for name in names}

__all__ = sorted([*_MODULE_OF, "__version__"])

if TYPE_CHECKING:
    from .api import Summarizer, SummaryResult, asummarize, summarize
    from .articles import Article, read_article
    from .errors import ConfigError, ModelError, RetriesExhausted, SummarizerError, SummarizerWarning, Usage, UsageError
    from .llm import LLMSettings
    from .schema import ArticleSummary, KeyIssue, Participant, UpcomingEvent
    from .transport import RetryPolicy


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value  # found once; later lookups are plain attribute reads
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_MODULE_OF])
