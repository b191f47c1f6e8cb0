from __future__ import annotations

import pytest

from summarizer.errors import UsageError
from summarizer.thresholds import Threshold, check, check_case, merge, parse_threshold, parse_thresholds


@pytest.mark.parametrize(
    "expr, field, metric, value",
    [
        ("participants.f1=0.8", "participants", "f1", 0.8),
        ("participants=0.8", "participants", "f1", 0.8),  # bare list field: f1
        ("upcoming.date_accuracy=0.85", "upcoming", "date_accuracy", 0.85),
        ("summary.rougeL=0.2", "summary", "rougeL", 0.2),
        ("summary.rougel = 0.2", "summary", "rougeL", 0.2),  # case and spaces forgiven
        ("groundedness=0.95", "groundedness", "value", 0.95),  # scalar
        ("key_issues.recall=1", "key_issues", "recall", 1.0),
        ("participants.role_accuracy=0", "participants", "role_accuracy", 0.0),
    ],
)
def test_parse_valid(expr, field, metric, value):
    assert parse_threshold(expr) == Threshold(field, metric, value)


@pytest.mark.parametrize(
    "expr, why",
    [
        ("participant.f1=0.8", "unknown field 'participant'"),
        ("participants.f2=0.8", "unknown metric 'f2'"),
        ("key_issues.date_accuracy=0.5", "unknown metric 'date_accuracy'"),
        ("participants.f1=high", "'high' is not a number"),
        ("participants.f1=1.5", "outside [0, 1]"),
        ("participants.f1=-0.1", "outside [0, 1]"),
        ("participants.f1=nan", "outside [0, 1]"),
        ("participants.f1", "missing '='"),
        ("summary=0.3", "summary needs a metric"),
    ],
)
def test_parse_invalid_is_one_line_listing_names(expr, why):
    with pytest.raises(UsageError) as info:
        parse_threshold(expr)
    message = str(info.value)
    assert why in message and "\n" not in message
    assert "participants.f1" in message and "summary.rougeL" in message and "groundedness" in message
    assert info.value.exit_code == 2


def test_later_expression_wins_and_merge():
    parsed = parse_thresholds(["participants=0.5", "participants.f1=0.7"])
    assert parsed == [Threshold("participants", "f1", 0.7)]
    merged = merge([Threshold("participants", "f1", 0.7), Threshold("groundedness", "value", 0.9)],
                   [Threshold("participants", "f1", 0.8)])
    assert sorted(str(t) for t in merged) == ["groundedness=0.9", "participants.f1=0.8"]


AGG = {
    "participants": {"precision": 0.9, "recall": 0.7, "f1": 0.7875, "role_accuracy": None},
    "upcoming": {"f1": 0.9, "date_accuracy": 0.8},
    "summary": {"rouge1": 0.4, "rouge2": 0.2, "rougeL": 0.3},
    "groundedness": {"value": 0.96},
}


@pytest.mark.parametrize(
    "exprs, misses",
    [
        (["participants.f1=0.8"], ["participants.f1 = 0.787 < 0.8"]),
        (["participants.f1=0.7875"], []),  # equal passes
        (["upcoming.date_accuracy=0.85", "summary.rougeL=0.2"], ["upcoming.date_accuracy = 0.800 < 0.85"]),
        (["groundedness=0.95"], []),
        (["groundedness=0.97"], ["groundedness = 0.960 < 0.97"]),
        (["participants.role_accuracy=0.9"], []),  # not measured: not a miss
        (["key_issues=0.5"], []),  # field absent: not measured
    ],
)
def test_check(exprs, misses):
    thresholds = parse_thresholds(exprs)
    assert check(AGG, thresholds) == misses
    assert check_case(AGG, thresholds) == misses
