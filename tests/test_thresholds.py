from __future__ import annotations

import pytest

from summarizer.errors import UsageError
from summarizer.thresholds import Threshold, check, check_case, merge, parse_threshold, parse_thresholds, shown_under


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
    ],
)
def test_check(exprs, misses):
    thresholds = parse_thresholds(exprs)
    assert check(AGG, thresholds) == misses
    assert check_case(AGG, thresholds) == misses


@pytest.mark.parametrize(
    "expr",
    [
        pytest.param("participants.role_accuracy=0.9", id="no-role-judged"),
        pytest.param("key_issues=0.5", id="field-absent"),
    ],
)
def test_an_unmeasured_metric_misses_a_suite_gate_but_not_a_case(expr):
    """A gate that measured nothing has not passed; one article may just have nothing to judge."""
    thresholds = parse_thresholds([expr])
    (miss,) = check(AGG, thresholds)
    assert "was not measured" in miss and expr.split("=")[0] in miss
    assert check_case(AGG, thresholds) == []


@pytest.mark.parametrize(
    ("value", "limit", "shown"),
    [
        pytest.param(0.78, 0.8, "0.780", id="three-digits-suffice"),
        pytest.param(0.9306930693069307, 0.931, "0.9307", id="rounds-up-to-the-limit-at-three"),
        pytest.param(0.99999949, 0.9999995, "0.999999", id="six-digits"),
        pytest.param(0.99999996, 0.99999997, "0.99999996", id="past-six-digits-repr"),
    ],
)
def test_a_miss_shows_as_many_digits_as_it_takes_to_read_as_one(value, limit, shown):
    assert shown_under(value, limit) == shown and float(shown) < limit
