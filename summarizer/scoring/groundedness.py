"""Groundedness: the share of evidence quotes found in the article.

Every ``evidence`` of key_issues, participants and upcoming counts once; a
quote is grounded when ``textnorm.quote_found(quote, article)`` (normalized,
case-insensitive substring). An empty quote counts as NOT grounded (leaving
evidence out must not raise the score). No quotes at all (an empty summary)
gives value 1.0 with total 0 (nothing claimed, nothing ungrounded; the
suite value pools counts, so such a case adds nothing). Without a prediction
(a failed case) the value is 0.0.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..schema import ArticleSummary
from ..textnorm import quote_found


@dataclass
class Groundedness:
    found: int = 0
    total: int = 0
    ungrounded: list[dict] = field(default_factory=list)
    failed: bool = False

    @property
    def value(self) -> float:
        if self.failed:
            return 0.0
        return 1.0 if self.total == 0 else self.found / self.total

    def to_dict(self) -> dict:
        return {"value": self.value, "found": self.found, "total": self.total, "ungrounded": self.ungrounded}


def score_groundedness(prediction: ArticleSummary | None, article_text: str) -> Groundedness:
    if prediction is None:
        return Groundedness(failed=True)
    result = Groundedness()
    quotes = [("key_issues", i, k.evidence) for i, k in enumerate(prediction.key_issues)]
    quotes += [("participants", i, p.evidence) for i, p in enumerate(prediction.participants)]
    quotes += [("upcoming", i, u.evidence) for i, u in enumerate(prediction.upcoming)]
    for field_name, index, quote in quotes:
        result.total += 1
        if quote_found(quote, article_text):
            result.found += 1
        else:
            result.ungrounded.append({"field": f"{field_name}[{index}]", "evidence": quote})
    return result
