"""Every development gold file, fed back as a prediction, scores 1.0."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.gold import gold_to_summary, load_suite
from summarizer.scoring import aggregate, score_case

DEV = Path(__file__).resolve().parents[1] / "evals" / "news"
CASES = load_suite(DEV).cases


@pytest.mark.parametrize("with_evidence", [False, True])
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_gold_as_prediction_scores_one(case, with_evidence):
    prediction = gold_to_summary(case.gold, case.text if with_evidence else None)
    scores = score_case(case.gold, prediction, case.text).to_dict()
    for field in ("participants", "upcoming", "key_issues"):
        s = scores[field]
        assert (s["precision"], s["recall"], s["f1"]) == (1.0, 1.0, 1.0), (field, s["explanation"])
        assert s["fp"] == 0 and s["fn"] == 0
        assert all(m["similarity"] == 1.0 for m in s["explanation"]["matched"])
    assert scores["participants"]["role_accuracy"] in (1.0, None)
    assert scores["upcoming"]["date_accuracy"] in (1.0, None)
    assert scores["summary"]["rougeL"] == pytest.approx(1.0)


def test_dev_suite_aggregate_is_one():
    agg = aggregate(score_case(c.gold, gold_to_summary(c.gold, c.text), c.text) for c in CASES)
    for field in ("participants", "upcoming", "key_issues"):
        assert (agg[field]["precision"], agg[field]["recall"], agg[field]["f1"]) == (1.0, 1.0, 1.0)
        assert agg[field]["macro"]["f1"] == 1.0
    assert agg["participants"]["role_accuracy"] == 1.0
    assert agg["upcoming"]["date_accuracy"] == 1.0
