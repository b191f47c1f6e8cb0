"""How far a suite's scores could move by chance: bootstrap intervals over cases.

A suite is a sample of articles. On evals/news (8 articles, 35 gold key issues) one
key issue more or less moves key issues F1 by 0.03, so a score alone does not say
whether a change to a prompt or to the pipeline helped. Resampling the cases with
replacement and pooling again (scipy.stats.bootstrap, percentile method) gives a 95%
interval for each headline micro score; against a baseline, the interval of the change
is paired: every resample scores the same cases both ways. A change whose interval
holds 0 is one these cases cannot tell from chance.
"""

from __future__ import annotations

import math
import warnings
from typing import Any, Callable, Mapping, Sequence

import numpy as np
from scipy.stats import bootstrap

from ..thresholds import metric_value
from .aggregate import aggregate

HEADLINE = (
    ("participants", "f1"), ("participants", "role_accuracy"),
    ("upcoming", "f1"), ("upcoming", "date_accuracy"),
    ("key_issues", "f1"), ("summary", "rougeL"), ("groundedness", "value"),
)
CONFIDENCE = 0.95
RESAMPLES = 2000
SEED = 0  # the same cases give the same intervals on every run


def metric_name(field: str, metric: str) -> str:
    return field if field == "groundedness" else f"{field}.{metric}"


def _values(scores: Sequence[Mapping[str, Any]], rows: np.ndarray) -> np.ndarray:
    agg = aggregate(scores[int(i)] for i in rows)
    values = (metric_value(agg, field, metric) for field, metric in HEADLINE)
    return np.array([math.nan if v is None else v for v in values])


def _interval(n: int, statistic: Callable[[np.ndarray], np.ndarray]) -> dict[str, list[float] | None]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a metric every resample scores alike is a point, not a warning
        result = bootstrap(
            (np.arange(n),), statistic, vectorized=False, method="percentile",
            confidence_level=CONFIDENCE, n_resamples=RESAMPLES, random_state=SEED,
        )
    low, high = result.confidence_interval
    return {
        metric_name(field, metric): None if math.isnan(lo) or math.isnan(hi) else [round(float(lo), 4), round(float(hi), 4)]
        for (field, metric), lo, hi in zip(HEADLINE, np.atleast_1d(low), np.atleast_1d(high))
    }


def score_intervals(scores: Sequence[Mapping[str, Any]]) -> dict[str, list[float] | None] | None:
    """A 95% interval per headline metric from per-case scores (``CaseScore.to_dict()``);
    None under two cases, where resampling says nothing. An interval is None when some
    resample has nothing to measure (no dated event matched, say)."""
    if len(scores) < 2:
        return None
    return _interval(len(scores), lambda rows: _values(scores, rows))


def change_intervals(
    before: Sequence[Mapping[str, Any]], after: Sequence[Mapping[str, Any]]
) -> dict[str, list[float] | None] | None:
    """Paired 95% intervals of ``after - before`` per headline metric; ``before[i]`` and
    ``after[i]`` score the same case."""
    if len(before) != len(after):
        raise ValueError("paired intervals need the same cases before and after")
    if len(before) < 2:
        return None
    return _interval(len(before), lambda rows: _values(after, rows) - _values(before, rows))
