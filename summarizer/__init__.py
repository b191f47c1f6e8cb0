"""Turn a news article into a checkable structured summary."""

from .api import Summarizer, SummaryResult, asummarize, summarize
from .articles import Article, read_article
from .errors import ConfigError, ModelError, RetriesExhausted, SummarizerError, Usage, UsageError
from .llm import LLMSettings
from .schema import ArticleSummary, KeyIssue, Participant, UpcomingEvent
from .transport import RetryPolicy

__version__ = "0.1.0"

__all__ = [
    "Article",
    "ArticleSummary",
    "ConfigError",
    "KeyIssue",
    "LLMSettings",
    "ModelError",
    "Participant",
    "RetriesExhausted",
    "RetryPolicy",
    "Summarizer",
    "SummaryResult",
    "SummarizerError",
    "UpcomingEvent",
    "Usage",
    "UsageError",
    "__version__",
    "asummarize",
    "read_article",
    "summarize",
]
