"""Pass/fail thresholds: ``--fail-under FIELD[.METRIC]=VALUE``.

A bare list field (``participants``) means its f1; ``groundedness`` means its
value; ``summary`` has no default and needs a metric. The same names work on the
aggregate and on one case's scores. A metric that is not measured (``None``, e.g.
date accuracy with no matched dated events) misses a suite threshold, since a gate
that measured nothing has not passed; on one case it is not a miss (an article may
simply have no dated events). F1 and groundedness are always measured: nothing to find
and nothing found scores 1.0 (scoring/matching.py). A miss shows as many digits as it takes to see it
(``0.9307 < 0.931``, not ``0.931 < 0.931``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

from .errors import UsageError

METRICS: dict[str, tuple[str, ...]] = {
    "participants": ("precision", "recall", "f1", "role_accuracy"),
    "upcoming": ("precision", "recall", "f1", "date_accuracy"),
    "key_issues": ("precision", "recall", "f1"),
    "summary": ("rouge1", "rouge2", "rougeL"),
    "groundedness": ("value",),
}
DEFAULT_METRIC = {"participants": "f1", "upcoming": "f1", "key_issues": "f1", "groundedness": "value"}


def metric_name(field: str, metric: str) -> str:
    """The name a metric goes by in thresholds, deltas and intervals: ``key_issues.f1``,
    and plain ``groundedness`` for its only metric."""
    return field if field == "groundedness" else f"{field}.{metric}"


def valid_names() -> list[str]:
    return [metric_name(f, m) for f, ms in METRICS.items() for m in ms]


@dataclass(frozen=True)
class Threshold:
    field: str
    metric: str
    value: float

    @property
    def name(self) -> str:
        return metric_name(self.field, self.metric)

    def __str__(self) -> str:
        return f"{self.name}={self.value:g}"


def _bad(expr: str, why: str) -> UsageError:
    return UsageError(
        f"bad threshold {expr!r}: {why}; write FIELD=VALUE with VALUE in [0, 1] and FIELD one of "
        + ", ".join(valid_names())
    )


def resolve_name(name: str, expr: str | None = None) -> tuple[str, str]:
    """Map ``participants`` / ``summary.rougel`` etc. to (field, metric)."""
    expr = expr if expr is not None else name
    field, _, metric = name.strip().partition(".")
    field = field.lower()
    if field not in METRICS:
        raise _bad(expr, f"unknown field {field!r}")
    if not metric:
        if field not in DEFAULT_METRIC:
            raise _bad(expr, f"{field} needs a metric")
        return field, DEFAULT_METRIC[field]
    for known in METRICS[field]:
        if known.lower() == metric.lower():
            return field, known
    raise _bad(expr, f"unknown metric {metric!r} for {field}")


def parse_threshold(expr: str) -> Threshold:
    name, sep, raw = expr.partition("=")
    if not sep:
        raise _bad(expr, "missing '='")
    field, metric = resolve_name(name, expr)
    try:
        value = float(raw.strip())
    except ValueError:
        raise _bad(expr, f"{raw.strip()!r} is not a number") from None
    if math.isnan(value) or not 0.0 <= value <= 1.0:
        raise _bad(expr, f"{raw.strip()} is outside [0, 1]")
    return Threshold(field, metric, value)


def parse_thresholds(exprs: Iterable[str]) -> list[Threshold]:
    """Parse expressions; a later one for the same name replaces an earlier one."""
    by_name: dict[str, Threshold] = {}
    for expr in exprs:
        threshold = parse_threshold(expr)
        by_name[threshold.name] = threshold
    return list(by_name.values())


def from_mapping(mapping: Mapping[str, Any]) -> list[Threshold]:
    """Thresholds from a ``{"participants.f1": 0.8}`` mapping (suite.toml)."""
    return parse_thresholds(f"{k}={v}" for k, v in mapping.items())


def merge(base: Sequence[Threshold], override: Sequence[Threshold]) -> list[Threshold]:
    """``override`` (the command line) wins over ``base`` (suite.toml) per name."""
    by_name = {t.name: t for t in base}
    by_name.update({t.name: t for t in override})
    return list(by_name.values())


def metric_value(scores: Mapping[str, Any], field: str, metric: str) -> float | None:
    """The value of ``field.metric`` in an aggregate or a case's scores, or None."""
    value = (scores.get(field) or {}).get(metric)
    return None if value is None else float(value)


def shown_under(value: float, limit: float) -> str:
    """``value`` with the fewest digits (3 to 6) that still read as under ``limit``."""
    for digits in range(3, 7):
        text = f"{value:.{digits}f}"
        if float(text) < limit:
            return text
    return repr(value)


def _misses(scores: Mapping[str, Any], thresholds: Sequence[Threshold], unmeasured_misses: bool) -> list[str]:
    misses = []
    for t in thresholds:
        value = metric_value(scores, t.field, t.metric)
        if value is None:
            if unmeasured_misses:
                misses.append(f"{t.name} was not measured (nothing in the suite to judge it on), threshold {t.value:g}")
        elif value < t.value:
            misses.append(f"{t.name} = {shown_under(value, t.value)} < {t.value:g}")
    return misses


def check(aggregate: Mapping[str, Any], thresholds: Sequence[Threshold]) -> list[str]:
    """Messages for aggregate (micro) values under their threshold or not measured; empty = pass."""
    return _misses(aggregate, thresholds, unmeasured_misses=True)


def check_case(scores: Mapping[str, Any], thresholds: Sequence[Threshold]) -> list[str]:
    """The same check on one case's scores (a ``CaseScore.to_dict()``); unmeasured is no miss."""
    return _misses(scores, thresholds, unmeasured_misses=False)
