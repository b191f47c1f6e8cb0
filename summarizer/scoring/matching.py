"""One-to-one matching of predictions to gold items, and P/R/F1 counting.

Assignment: a single Hungarian assignment (``scipy.optimize.linear_sum_assignment``)
over a weight matrix in which a pair is allowed only when its similarity
reaches the field's threshold. Weights are lexicographic, so the chosen
assignment first matches as many REQUIRED gold items as possible, then as
many items in total (optional gold may absorb a prediction), then maximizes
the summed similarity. This is the "required first, then optional" rule in
one global step: an optional gold item can never take a prediction that a
required one could have used.

Counting: a prediction matched to required gold is a TP; matched to optional
gold it counts for nothing; unmatched it is an FP (so a duplicate prediction
is an FP: the gold item is already taken). Unmatched required gold is an FN;
unmatched optional gold costs nothing.

Zero denominators: precision = 1.0 when TP + FP == 0 (nothing claimed, so
nothing wrong); recall = 1.0 when TP + FN == 0 (nothing required was
missable); F1 = 2PR / (P + R), and 0.0 when P + R == 0. So empty prediction
vs empty gold scores 1/1/1, empty prediction vs non-empty gold 1/0/0, and a
non-empty prediction vs empty gold 0/1/0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment


@dataclass(frozen=True)
class Pair:
    pred: int
    gold: int
    similarity: float


@dataclass
class Assignment:
    pairs: list[Pair] = field(default_factory=list)
    unmatched_pred: list[int] = field(default_factory=list)
    unmatched_gold: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float:
        return ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float:
        return ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float:
        return f1(self.precision, self.recall)


def ratio(part: int, whole: int) -> float:
    """part / whole, and 1.0 for 0 / 0 (the zero-denominator rule)."""
    return 1.0 if whole == 0 else part / whole


def f1(precision: float, recall: float) -> float:
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def assign(similarity: Sequence[Sequence[float]], threshold: float, optional: Sequence[bool]) -> Assignment:
    """Match rows (predictions) to columns (gold) one-to-one.

    ``similarity[i][j]`` in [0, 1]; a pair below ``threshold`` is never made.
    ``optional[j]`` marks optional gold columns.
    """
    n_pred, n_gold = len(similarity), len(optional)
    if n_pred == 0 or n_gold == 0:
        return Assignment([], list(range(n_pred)), list(range(n_gold)))
    sim = np.asarray(similarity, dtype=float).reshape(n_pred, n_gold)
    k = min(n_pred, n_gold)
    per_match = k + 1.0  # beats any sum of similarities (<= k)
    per_required = per_match * (k + 1)  # beats any count of matches times per_match
    required = ~np.asarray(optional, dtype=bool)
    weight = sim + per_match + per_required * required[np.newaxis, :]
    allowed = sim >= threshold
    weight = np.where(allowed, weight, 0.0)
    rows, cols = linear_sum_assignment(weight, maximize=True)
    pairs = [Pair(int(r), int(c), float(sim[r, c])) for r, c in zip(rows, cols) if allowed[r, c]]
    used_pred = {p.pred for p in pairs}
    used_gold = {p.gold for p in pairs}
    return Assignment(
        pairs=sorted(pairs, key=lambda p: p.gold),
        unmatched_pred=[i for i in range(n_pred) if i not in used_pred],
        unmatched_gold=[j for j in range(n_gold) if j not in used_gold],
    )


def count(assignment: Assignment, optional: Sequence[bool]) -> Counts:
    tp = sum(1 for p in assignment.pairs if not optional[p.gold])
    fn = sum(1 for j in assignment.unmatched_gold if not optional[j])
    return Counts(tp=tp, fp=len(assignment.unmatched_pred), fn=fn)


def accuracy(correct: int, total: int) -> float | None:
    """correct / total, or None when nothing was there to judge."""
    return None if total == 0 else correct / total


@dataclass
class FieldScore:
    """P/R/F1 of one list field for one case, with its explanation.

    ``failed`` marks a case without a prediction: its per-case precision,
    recall and F1 are 0.0 (its counts still add its required gold as FN).
    """

    counts: Counts
    matched: list[dict] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)
    metrics: dict[str, float | int | None] = field(default_factory=dict)
    failed: bool = False

    @property
    def precision(self) -> float:
        return 0.0 if self.failed else self.counts.precision

    @property
    def recall(self) -> float:
        return 0.0 if self.failed else self.counts.recall

    @property
    def f1(self) -> float:
        return 0.0 if self.failed else self.counts.f1

    def to_dict(self) -> dict:
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "tp": self.counts.tp,
            "fp": self.counts.fp,
            "fn": self.counts.fn,
            **self.metrics,
            "explanation": {"matched": self.matched, "missed": self.missed, "spurious": self.spurious},
        }


def score_field(
    similarity: Sequence[Sequence[float]],
    threshold: float,
    optional: Sequence[bool],
    pred_labels: Sequence[str],
    gold_labels: Sequence[str],
) -> tuple[Assignment, FieldScore]:
    """Assign, count and explain; callers add field-specific metrics and details."""
    assignment = assign(similarity, threshold, optional)
    matched = [
        {
            "prediction": pred_labels[p.pred],
            "gold": gold_labels[p.gold],
            "similarity": round(p.similarity, 4),
            "optional": bool(optional[p.gold]),
        }
        for p in assignment.pairs
    ]
    score = FieldScore(
        counts=count(assignment, optional),
        matched=matched,
        missed=[gold_labels[j] for j in assignment.unmatched_gold if not optional[j]],
        spurious=[pred_labels[i] for i in assignment.unmatched_pred],
    )
    return assignment, score
