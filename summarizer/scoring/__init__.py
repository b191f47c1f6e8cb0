"""Scoring a predicted ArticleSummary against a gold file.

Each module documents its similarity measure and threshold:
names.py / participants.py, upcoming.py, key_issues.py, rouge.py,
groundedness.py; matching.py holds the assignment, counting and
zero-denominator rules; aggregate.py the micro/macro rules.
"""

from .aggregate import aggregate
from .case import CaseScore, score_case
from .key_issues import ISSUE_THRESHOLD
from .names import NAME_THRESHOLD
from .participants import ROLE_THRESHOLD
from .upcoming import EVENT_THRESHOLD

__all__ = [
    "CaseScore", "score_case", "aggregate",
    "NAME_THRESHOLD", "ROLE_THRESHOLD", "EVENT_THRESHOLD", "ISSUE_THRESHOLD",
]
