from __future__ import annotations

import copy
import json

import pytest

from summarizer.baseline import compare, load_baseline
from summarizer.errors import UsageError


def scores(f1: float, rouge: float = 0.5, date_accuracy=None) -> dict:
    return {
        "participants": {"precision": f1, "recall": f1, "f1": f1, "role_accuracy": None},
        "upcoming": {"precision": 1.0, "recall": 1.0, "f1": 1.0, "date_accuracy": date_accuracy},
        "key_issues": {"precision": 1.0, "recall": 1.0, "f1": 1.0},
        "summary": {"rouge1": rouge, "rouge2": rouge, "rougeL": rouge},
        "groundedness": {"value": 1.0},
    }


def results(case_f1: dict[str, float], agg_f1: float, errors=()) -> dict:
    return {
        "aggregate": scores(agg_f1),
        "cases": [{"id": k, "scores": scores(v), "error": "boom" if k in errors else None} for k, v in case_f1.items()],
    }


def test_deltas_and_worse_cases(tmp_path):
    base = results({"a": 0.8, "b": 0.5, "c": 1.0, "gone": 1.0}, 0.75)
    path = tmp_path / "results.json"
    path.write_text(json.dumps(base))
    now = results({"a": 0.9, "b": 0.4, "c": 1.0, "new": 1.0}, 0.7, errors={"c"})
    diff = compare(path, now)
    assert diff.deltas["participants.f1"]["delta"] == pytest.approx(-0.05)
    assert diff.deltas["summary.rougeL"]["delta"] == 0.0
    assert "upcoming.date_accuracy" not in diff.deltas  # None on both sides
    assert diff.worse_cases == ["b", "c"]
    assert diff.worse[0]["changes"]["participants.f1"]["delta"] == pytest.approx(-0.1)
    assert diff.worse[1]["changes"] == {"error": "boom"}
    assert (diff.added, diff.removed) == (["new"], ["gone"])
    assert diff.to_dict()["worse_cases"] == ["b", "c"]
    # these case scores lack the counts to pool: no interval, and no crash
    assert not any("interval" in d for d in diff.deltas.values())


def test_identical_results_have_no_worse_case():
    base = results({"a": 0.8}, 0.8)
    diff = compare(base, copy.deepcopy(base))
    assert diff.worse == [] and all(d["delta"] == 0 for d in diff.deltas.values())


@pytest.mark.parametrize(
    "content, expected",
    [
        (None, "baseline not found"),
        ("{not json", "not valid JSON"),
        ("[]", "no 'aggregate' object"),
        ('{"aggregate": {}}', "'cases' is not a list"),
        ('{"aggregate": {}, "cases": [{"no_id": 1}]}', "'cases' is not a list"),
    ],
)
def test_bad_baseline_is_one_line_usage_error(tmp_path, content, expected):
    path = tmp_path / "base.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(UsageError) as info:
        load_baseline(path)
    assert expected in str(info.value) and str(path) in str(info.value)
    assert "\n" not in str(info.value)
    with pytest.raises(UsageError):
        compare(path, results({}, 1.0))


def counted(tp: int) -> dict:
    """Case scores with the counts intervals pool."""
    listed = {"tp": tp, "fp": 4 - tp, "fn": 4 - tp, "precision": tp / 4, "recall": tp / 4, "f1": tp / 4}
    return {
        "participants": {**listed, "role_correct": tp, "role_total": 4, "role_accuracy": tp / 4},
        "upcoming": {**listed, "date_correct": 0, "date_total": 0, "date_accuracy": None},
        "key_issues": listed,
        "summary": {"rouge1": 0.3, "rouge2": 0.3, "rougeL": 0.3},
        "groundedness": {"value": 1.0, "found": 2, "total": 2},
    }


def counted_results(tps: dict[str, int]) -> dict:
    from summarizer.scoring import aggregate

    return {"aggregate": aggregate([counted(t) for t in tps.values()]),
            "cases": [{"id": k, "scores": counted(t), "error": None} for k, t in tps.items()]}


def test_headline_deltas_carry_a_paired_interval_over_the_same_cases():
    ids = [f"c{i}" for i in range(6)]
    diff = compare(counted_results({i: 1 + n % 2 for n, i in enumerate(ids)}), counted_results({i: 3 for i in ids}))
    low, high = diff.deltas["key_issues.f1"]["interval"]
    assert 0 < low <= diff.deltas["key_issues.f1"]["delta"] <= high
    assert "interval" not in diff.deltas["key_issues.precision"]  # headline metrics only


def test_no_interval_when_the_runs_scored_different_cases():
    ids = [f"c{i}" for i in range(6)]
    diff = compare(counted_results({i: 1 for i in ids}), counted_results({i: 3 for i in ids + ["new"]}))
    assert diff.added == ["new"]
    assert not any("interval" in d for d in diff.deltas.values())
