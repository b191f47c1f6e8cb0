"""How far a suite's scores could move with other articles: bootstrap intervals over cases.

A suite is a sample of articles. On evals/news (8 articles, 35 gold key issues) one
key issue more or less moves key issues F1 by 0.03, so a score alone does not say
whether a change to a prompt or to the pipeline helped. Resampling the cases with
replacement and pooling their counts again (scipy.stats.bootstrap, percentile
method) gives an approximate 95% interval for each headline micro score; against a
baseline, the interval of the change is paired: every resample scores the same cases
both ways. An interval that holds 0 means no clear difference on these cases.

The intervals are approximate: with few cases the percentile bootstrap covers less
than its nominal 95% (about 90% at 8 cases in simulation), and seven metrics are
read at once. Under MIN_CASES cases there is no interval at all.

Resampling pools counts exactly as aggregate.py does (matching.py's zero-denominator
rules), on arrays, so 2,000 resamples of a few hundred cases take well under a second;
tests check the two agree.
"""

from __future__ import annotations

import math
import warnings
from typing import Any, Callable, Mapping, Sequence

import numpy as np
from scipy.stats import DegenerateDataWarning, bootstrap

from ..thresholds import metric_name

HEADLINE = (
    ("participants", "f1"), ("participants", "role_accuracy"),
    ("upcoming", "f1"), ("upcoming", "date_accuracy"),
    ("key_issues", "f1"), ("summary", "rougeL"), ("groundedness", "value"),
)
NAMES = tuple(metric_name(field, metric) for field, metric in HEADLINE)
CONFIDENCE = 0.95
RESAMPLES = 2000
MIN_CASES = 5  # fewer cases have too few distinct resamples to mean anything
SEED = 0  # the same cases give the same intervals on every run

_COLUMNS = (
    ("participants", "tp"), ("participants", "fp"), ("participants", "fn"),
    ("participants", "role_correct"), ("participants", "role_total"),
    ("upcoming", "tp"), ("upcoming", "fp"), ("upcoming", "fn"),
    ("upcoming", "date_correct"), ("upcoming", "date_total"),
    ("key_issues", "tp"), ("key_issues", "fp"), ("key_issues", "fn"),
    ("summary", "rougeL"), ("groundedness", "found"), ("groundedness", "total"),
)
_AT = {column: i for i, column in enumerate(_COLUMNS)}


def _table(scores: Sequence[Mapping[str, Any]]) -> np.ndarray:
    """One row per case, one column per count in _COLUMNS (KeyError/TypeError when a
    case's scores lack them: a results.json from before counts were kept)."""
    return np.array([[float(s[field][key] or 0.0) for field, key in _COLUMNS] for s in scores])


def _ratio(part: np.ndarray, whole: np.ndarray, empty: float) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(whole == 0, empty, part / np.where(whole == 0, 1, whole))


def _f1(sums: Callable[[str, str], np.ndarray], field: str) -> np.ndarray:
    tp, fp, fn = (sums(field, key) for key in ("tp", "fp", "fn"))
    precision, recall = _ratio(tp, tp + fp, 1.0), _ratio(tp, tp + fn, 1.0)
    return _ratio(2 * precision * recall, precision + recall, 0.0)


def headline_values(table: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The HEADLINE metrics of the cases ``rows`` (shape (..., n): one pooled suite per
    leading index), as aggregate() computes them; NaN where there is nothing to measure."""
    rows = np.asarray(rows, dtype=int)

    def sums(field: str, key: str) -> np.ndarray:
        return table[:, _AT[field, key]][rows].sum(axis=-1)

    return np.stack([
        _f1(sums, "participants"),
        _ratio(sums("participants", "role_correct"), sums("participants", "role_total"), math.nan),
        _f1(sums, "upcoming"),
        _ratio(sums("upcoming", "date_correct"), sums("upcoming", "date_total"), math.nan),
        _f1(sums, "key_issues"),
        table[:, _AT["summary", "rougeL"]][rows].mean(axis=-1),
        _ratio(sums("groundedness", "found"), sums("groundedness", "total"), 1.0),
    ])


def _interval(n: int, statistic: Callable[[np.ndarray], np.ndarray]) -> dict[str, list[float] | None]:
    with warnings.catch_warnings():
        # a metric every resample scores alike is a point interval, not a problem
        warnings.simplefilter("ignore", DegenerateDataWarning)
        with np.errstate(invalid="ignore"):
            result = bootstrap(
                (np.arange(n),), lambda rows, axis=-1: statistic(rows), vectorized=True, method="percentile",
                confidence_level=CONFIDENCE, n_resamples=RESAMPLES, random_state=SEED,
            )
    low, high = result.confidence_interval
    return {
        name: None if math.isnan(lo) or math.isnan(hi) else [round(float(lo), 4), round(float(hi), 4)]
        for name, lo, hi in zip(NAMES, low, high)
    }


def score_intervals(scores: Sequence[Mapping[str, Any]]) -> dict[str, list[float] | None] | None:
    """An approximate 95% interval per headline metric from per-case scores
    (``CaseScore.to_dict()``); None under MIN_CASES cases. A metric's interval is None
    when some resample has nothing to measure (no dated event matched, say)."""
    if len(scores) < MIN_CASES:
        return None
    table = _table(scores)
    return _interval(len(scores), lambda rows: headline_values(table, rows))


def change_intervals(
    before: Sequence[Mapping[str, Any]], after: Sequence[Mapping[str, Any]]
) -> dict[str, list[float] | None] | None:
    """Paired approximate 95% intervals of ``after - before`` per headline metric;
    ``before[i]`` and ``after[i]`` score the same case."""
    if len(before) != len(after):
        raise ValueError("paired intervals need the same cases before and after")
    if len(before) < MIN_CASES:
        return None
    old, new = _table(before), _table(after)
    return _interval(len(before), lambda rows: headline_values(new, rows) - headline_values(old, rows))


def paired_change(before: Sequence[Mapping[str, Any]], after: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    """``change_intervals`` of two results.json ``cases`` lists, paired by case id; None
    when they hold different cases, too few, or scores without counts (an old run)."""
    old = {c.get("id"): c.get("scores") for c in before}
    new = {c.get("id"): c.get("scores") for c in after}
    if old.keys() != new.keys() or None in old:
        return None
    shared = sorted(old)
    try:
        return change_intervals([old[i] for i in shared], [new[i] for i in shared])
    except (KeyError, TypeError, ValueError):
        return None
