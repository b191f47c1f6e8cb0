"""End to end on the real embedded model: the seed article, no key, no network."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from summarizer import ArticleSummary, Summarizer, read_article
from summarizer import isodates
from summarizer.errors import UsageError
from summarizer.textnorm import quote_found

SEED = Path(__file__).resolve().parent.parent / "seeds" / "00_tass_lavrov_de_mistura.txt"


def _embedded_model_available() -> bool:
    from summarizer import weights

    try:
        weights.resolve()
        import llama_cpp  # noqa: F401
    except (UsageError, ImportError):
        return False
    return True


pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not _embedded_model_available(), reason="needs the local extra (llama-cpp-python + weights)"),
]


@pytest.fixture(scope="module")
def seed_result():
    article = read_article(SEED)
    return article, Summarizer("local").run(article)


def test_seed_summary_is_valid_and_names_the_two_principals(seed_result):
    article, result = seed_result
    summary = ArticleSummary.model_validate(result.summary.model_dump())
    assert summary.published == "2017-06-08"
    names = {p.name for p in summary.participants}
    assert "Sergey Lavrov" in names
    assert "Staffan de Mistura" in names
    assert summary.title and summary.summary


def test_every_evidence_quote_is_in_the_article(seed_result):
    article, result = seed_result
    summary = result.summary
    quotes = [i.evidence for i in summary.key_issues] + [p.evidence for p in summary.participants]
    quotes += [u.evidence for u in summary.upcoming]
    assert quotes
    missing = [q for q in quotes if not quote_found(q, article.text)]
    assert missing == []


def test_upcoming_dates_are_resolved_and_not_in_the_past(seed_result):
    _, result = seed_result
    for event in result.summary.upcoming:
        if event.date is not None:
            assert isodates.span(event.date).end >= date(2017, 6, 8), event
            assert event.when_text and quote_found(event.when_text, SEED.read_text())
    assert result.usage.requests >= 3
    assert result.usage.prompt_tokens > result.usage.completion_tokens > 0
