"""Key issues: one-to-one matching on sentence similarity, P/R/F1.

Similarity: ``rouge.text_similarity`` (mean of content-token ROUGE-1 F and
token_set_ratio). A pair is allowed at >= ISSUE_THRESHOLD (0.55): hand-written
paraphrases of dev gold key issues score 0.58-0.76 (short paraphrases of long
gold sentences sit at the low end: "Oil prices dropped on oversupply worries
as Russia is unlikely to back deeper output cuts" 0.58), while the most
similar pair of DIFFERENT gold key issues in any dev article scores 0.49 and
unrelated sentences 0.13-0.17. Assignment, optional items and counting: matching.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from ..schema import KeyIssue
from .matching import FieldScore, score_field
from .rouge import text_similarity

if TYPE_CHECKING:
    from ..gold import GoldKeyIssue

ISSUE_THRESHOLD = 0.55


def score_key_issues(predicted: Sequence[KeyIssue], gold: Sequence[GoldKeyIssue]) -> FieldScore:
    sim = [[text_similarity(p.issue, g.issue) for g in gold] for p in predicted]
    _, score = score_field(
        sim, ISSUE_THRESHOLD, [g.optional for g in gold], [p.issue for p in predicted], [g.issue for g in gold]
    )
    return score
