"""Score one case: a prediction (or None when the run failed) against gold.

A missing prediction is scored as an empty summary for the counts (every
required gold item is an FN, nothing is an FP) but every per-case value is
0.0: P/R/F1, ROUGE and groundedness. Accuracies are None (nothing matched).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..schema import ArticleSummary
from .groundedness import Groundedness, score_groundedness
from .key_issues import score_key_issues
from .matching import FieldScore
from .participants import score_participants
from .rouge import summary_rouge
from .upcoming import score_upcoming

if TYPE_CHECKING:
    from ..gold import Gold

LIST_FIELDS = ("participants", "upcoming", "key_issues")


@dataclass
class CaseScore:
    participants: FieldScore
    upcoming: FieldScore
    key_issues: FieldScore
    summary: dict[str, float]
    groundedness: Groundedness
    failed: bool = False

    def to_dict(self) -> dict:
        return {
            "participants": self.participants.to_dict(),
            "upcoming": self.upcoming.to_dict(),
            "key_issues": self.key_issues.to_dict(),
            "summary": dict(self.summary),
            "groundedness": self.groundedness.to_dict(),
            "failed": self.failed,
        }


def score_case(gold: Gold, prediction: ArticleSummary | None, article_text: str) -> CaseScore:
    failed = prediction is None
    pred = prediction or ArticleSummary(title="", summary="")
    scores = CaseScore(
        participants=score_participants(pred.participants, gold.participants),
        upcoming=score_upcoming(pred.upcoming, gold.upcoming),
        key_issues=score_key_issues(pred.key_issues, gold.key_issues),
        summary=summary_rouge(None if failed else pred.summary, gold.summary),
        groundedness=score_groundedness(prediction, article_text),
        failed=failed,
    )
    for name in LIST_FIELDS:
        getattr(scores, name).failed = failed
    return scores
