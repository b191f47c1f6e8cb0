"""Suite-level scores from per-case scores.

Micro (the top-level values of each field): P/R/F1 from TP/FP/FN pooled over
all cases with the zero-denominator rules of matching.py; accuracies from
pooled correct/total counts (None when the total is 0); groundedness from
pooled found/total. Macro (``macro`` sub-dict): the plain mean of the
per-case values; cases where an accuracy is None are left out of its mean.
``summary`` ROUGE values are means over cases (ROUGE has no counts to pool).
Failed cases take part everywhere: their required gold adds FN, and their
per-case values (all 0.0) enter the macro means.
"""

from __future__ import annotations

from statistics import fmean
from typing import Any, Iterable, Mapping

from .case import LIST_FIELDS, CaseScore
from .matching import Counts, accuracy
from .rouge import SUMMARY_TYPES

ACCURACIES = {"participants": "role", "upcoming": "date"}


def _mean(values: Iterable[float | None]) -> float | None:
    kept = [v for v in values if v is not None]
    return fmean(kept) if kept else None


def _list_field(name: str, cases: list[Mapping[str, Any]]) -> dict[str, Any]:
    scores = [c[name] for c in cases]
    total = Counts()
    for s in scores:
        total = total + Counts(s["tp"], s["fp"], s["fn"])
    out: dict[str, Any] = {
        "precision": total.precision, "recall": total.recall, "f1": total.f1,
        "tp": total.tp, "fp": total.fp, "fn": total.fn,
    }
    macro = {m: _mean(s[m] for s in scores) for m in ("precision", "recall", "f1")}
    prefix = ACCURACIES.get(name)
    if prefix:
        right = sum(s[f"{prefix}_correct"] for s in scores)
        judged = sum(s[f"{prefix}_total"] for s in scores)
        out.update({f"{prefix}_accuracy": accuracy(right, judged), f"{prefix}_correct": right, f"{prefix}_total": judged})
        macro[f"{prefix}_accuracy"] = _mean(s[f"{prefix}_accuracy"] for s in scores)
    out["macro"] = macro
    return out


def aggregate(case_scores: Iterable[CaseScore | Mapping[str, Any]]) -> dict[str, Any]:
    """Aggregate ``CaseScore`` objects or their ``to_dict()`` form (e.g. from results.json)."""
    cases = [c.to_dict() if isinstance(c, CaseScore) else c for c in case_scores]
    out: dict[str, Any] = {name: _list_field(name, cases) for name in LIST_FIELDS}
    out["summary"] = {t: (_mean(c["summary"][t] for c in cases) or 0.0) for t in SUMMARY_TYPES}
    found = sum(c["groundedness"]["found"] for c in cases)
    total = sum(c["groundedness"]["total"] for c in cases)
    out["groundedness"] = {
        "value": 1.0 if total == 0 else found / total,
        "found": found,
        "total": total,
        "macro": {"value": _mean(c["groundedness"]["value"] for c in cases)},
    }
    return out
