"""Bootstrap intervals over cases: for a suite's scores and for a change against a baseline."""

from __future__ import annotations

import pytest

import numpy as np

from summarizer.formatting import delta_line
from summarizer.scoring import aggregate
from summarizer.scoring.intervals import HEADLINE, _table, change_intervals, headline_values, paired_change, score_intervals
from summarizer.thresholds import metric_value


def case(tp: int, fp: int = 1, fn: int = 1, rouge: float = 0.4, dated: int = 0, dated_right: int = 0) -> dict:
    """One case's scores in results.json form; key issues, participants and upcoming alike."""
    def listed(extra: dict) -> dict:
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
                "tp": tp, "fp": fp, "fn": fn, **extra}

    return {
        "participants": listed({"role_correct": tp, "role_total": tp, "role_accuracy": 1.0 if tp else None}),
        "upcoming": listed({"date_correct": dated_right, "date_total": dated,
                            "date_accuracy": dated_right / dated if dated else None}),
        "key_issues": listed({}),
        "summary": {"rouge1": rouge, "rouge2": rouge, "rougeL": rouge},
        "groundedness": {"value": 1.0, "found": 3, "total": 3},
        "failed": False,
    }


MIXED = [case(0, fn=4, rouge=0.2), case(1), case(2), case(3, fp=0), case(4, fn=0, rouge=0.6), case(2, fp=2)]


def test_alike_cases_give_a_point():
    intervals = score_intervals([case(2)] * 5)
    f1 = aggregate([case(2)] * 5)["key_issues"]["f1"]
    assert intervals["key_issues.f1"] == [pytest.approx(f1, abs=1e-4)] * 2
    assert intervals["summary.rougeL"] == [pytest.approx(0.4)] * 2


def test_the_interval_holds_the_score_and_narrows_with_more_cases():
    f1 = aggregate(MIXED)["key_issues"]["f1"]
    low, high = score_intervals(MIXED)["key_issues.f1"]
    assert low < f1 < high
    more_low, more_high = score_intervals(MIXED * 4)["key_issues.f1"]
    assert more_low < f1 < more_high
    assert more_high - more_low < (high - low) * 0.75  # four times the cases: about half as wide


def test_the_same_cases_give_the_same_intervals():
    assert score_intervals(MIXED) == score_intervals(list(MIXED))


def test_too_few_cases_have_no_interval():
    assert score_intervals([case(2)] * 4) is None
    assert change_intervals([case(1)] * 4, [case(2)] * 4) is None
    assert score_intervals([case(2)] * 5) is not None


def test_resampled_values_pool_counts_as_the_aggregate_does():
    # Random resamples, including ones with no dated event and empty fields (the
    # zero-denominator rules), scored on arrays and by aggregate(): the same numbers.
    cases = MIXED + [case(0, fp=0, fn=0, rouge=0.0), case(1, dated=3, dated_right=2), case(0, fp=2, fn=0)]
    table = _table(cases)
    rng = np.random.default_rng(1)
    for rows in [rng.integers(0, len(cases), size=len(cases)) for _ in range(40)] + [np.array([6, 6, 8])]:
        agg = aggregate([cases[i] for i in rows])
        expected = [metric_value(agg, field, metric) for field, metric in HEADLINE]
        got = headline_values(table, rows)
        for e, g in zip(expected, got):
            assert (e is None and np.isnan(g)) or e == pytest.approx(g)


def test_a_metric_some_resamples_cannot_measure_has_no_interval():
    # Only one case has a dated event: resamples without it have no date accuracy at all.
    cases = [case(2, dated=2, dated_right=1)] + [case(2)] * 5
    intervals = score_intervals(cases)
    assert intervals["upcoming.date_accuracy"] is None
    assert intervals["upcoming.f1"] is not None


@pytest.mark.parametrize(
    "after, below_zero, above_zero",
    [
        ([case(c["key_issues"]["tp"] + 1, fn=max(0, c["key_issues"]["fn"] - 1)) for c in MIXED], False, True),
        ([case(max(0, c["key_issues"]["tp"] - 1), fn=c["key_issues"]["fn"] + 1) for c in MIXED], True, False),
        (MIXED[:-1] + [case(4, fp=0, fn=0)], False, False),  # one case of six better: could be chance
    ],
    ids=["every case better", "every case worse", "one case better"],
)
def test_a_change_is_told_from_chance_when_the_cases_agree(after, below_zero, above_zero):
    low, high = change_intervals(MIXED, after)["key_issues.f1"]
    assert (high < 0) is below_zero
    assert (low > 0) is above_zero
    assert low <= high


def test_no_change_is_zero_to_zero():
    assert change_intervals(MIXED, list(MIXED))["key_issues.f1"] == [0.0, 0.0]


def test_paired_intervals_need_the_same_cases():
    with pytest.raises(ValueError, match="same cases"):
        change_intervals(MIXED, MIXED[:-1])


def test_runs_are_paired_by_case_id_not_order():
    before = [{"id": f"c{i}", "scores": s} for i, s in enumerate(MIXED)]
    after = [{"id": f"c{i}", "scores": case(s["key_issues"]["tp"] + 1, fn=max(0, s["key_issues"]["fn"] - 1))}
             for i, s in enumerate(MIXED)]
    assert paired_change(before, list(reversed(after))) == paired_change(before, after)
    assert paired_change(before, after)["key_issues.f1"][0] > 0


@pytest.mark.parametrize(
    "after",
    [
        [{"id": f"c{i}", "scores": s} for i, s in enumerate(MIXED[:-1])],  # a case fewer
        [{"id": f"x{i}", "scores": s} for i, s in enumerate(MIXED)],  # other cases
        [{"id": f"c{i}", "scores": {"key_issues": {"f1": 1.0}}} for i in range(len(MIXED))],  # no counts
    ],
    ids=["a case fewer", "other cases", "scores without counts"],
)
def test_no_paired_interval_unless_both_runs_scored_the_same_cases(after):
    before = [{"id": f"c{i}", "scores": s} for i, s in enumerate(MIXED)]
    assert paired_change(before, after) is None


@pytest.mark.parametrize(
    "delta, expected",
    [
        ({"baseline": 0.5, "current": 0.6, "delta": 0.1}, "f1: 0.500 -> 0.600 (+0.100)"),
        ({"baseline": 0.5, "current": 0.5, "delta": 0.0, "interval": [0.0, 0.0]}, "f1: 0.500 -> 0.500 (+0.000)"),
        ({"baseline": 0.5, "current": 0.6, "delta": 0.1, "interval": [0.0, 0.0]},
         "f1: 0.500 -> 0.600 (+0.100; 95% interval +0.000 to +0.000, no clear difference)"),
        ({"baseline": 0.5, "current": 0.6, "delta": 0.1, "interval": [-0.02, 0.2]},
         "f1: 0.500 -> 0.600 (+0.100; 95% interval -0.020 to +0.200, no clear difference)"),
        ({"baseline": 0.5, "current": 0.6, "delta": 0.1, "interval": [0.05, 0.2]},
         "f1: 0.500 -> 0.600 (+0.100; 95% interval +0.050 to +0.200)"),
        (0.1, "f1: +0.100"),  # a results.json from before deltas carried both ends
    ],
)
def test_delta_line(delta, expected):
    assert delta_line("f1", delta) == expected
