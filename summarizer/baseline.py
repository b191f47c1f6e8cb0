"""Compare a run with an earlier results.json (the baseline).

Deltas: for every ``field.metric`` name of thresholds.METRICS present in both
aggregates, current - baseline. When both runs scored the same cases, the headline
ones also get a paired approximate 95% bootstrap interval (scoring/intervals.py): a
change whose interval holds 0 is no clear difference on these cases. A case "got worse" when it
errored now but not before, or when one of the HEADLINE metrics dropped by more than EPS.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from .errors import UsageError
from .scoring.intervals import HEADLINE, paired_change
from .thresholds import METRICS, metric_value
from .thresholds import metric_name as _name

EPS = 1e-9


@dataclass
class BaselineDiff:
    baseline: str
    deltas: dict[str, dict[str, float]] = field(default_factory=dict)
    worse: list[dict[str, Any]] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def worse_cases(self) -> list[str]:
        return [w["id"] for w in self.worse]

    def to_dict(self) -> dict[str, Any]:
        return {
            "baseline": self.baseline, "deltas": self.deltas, "worse": self.worse,
            "worse_cases": self.worse_cases, "added": self.added, "removed": self.removed,
        }


def load_baseline(path: str | Path) -> dict[str, Any]:
    """Read and sanity-check a results.json; anything wrong is a one-line UsageError."""
    path = Path(path)
    fix = "give a results.json written by an earlier eval run"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{path}: baseline not found; {fix}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the baseline ({exc}); {fix}") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}: baseline is not valid JSON (line {exc.lineno}: {exc.msg}); {fix}") from None
    if not isinstance(data, dict) or not isinstance(data.get("aggregate"), dict):
        raise UsageError(f"{path}: baseline has no 'aggregate' object; {fix}")
    cases = data.get("cases")
    if not isinstance(cases, list) or not all(isinstance(c, dict) and isinstance(c.get("id"), str) for c in cases):
        raise UsageError(f"{path}: baseline 'cases' is not a list of objects with an 'id'; {fix}")
    return data


def _value(scores: Any, field_name: str, metric: str) -> float | None:
    if not isinstance(scores, Mapping) or not isinstance(scores.get(field_name), Mapping):
        return None
    try:
        return metric_value(scores, field_name, metric)
    except (TypeError, ValueError):
        return None


def _case_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if after.get("error") and not before.get("error"):
        changes["error"] = after["error"]
    for field_name, metric in HEADLINE:
        old = _value(before.get("scores"), field_name, metric)
        new = _value(after.get("scores"), field_name, metric)
        if old is not None and new is not None and new < old - EPS:
            changes[_name(field_name, metric)] = {"baseline": old, "current": new, "delta": new - old}
    return changes


def compare(baseline: str | Path | Mapping[str, Any], results: Mapping[str, Any], label: str = "<baseline>") -> BaselineDiff:
    """Diff ``results`` (a results.json dict) against a baseline path or dict (named ``label``)."""
    if isinstance(baseline, Mapping):
        data = baseline
    else:
        data, label = load_baseline(baseline), str(baseline)
    diff = BaselineDiff(label)
    for field_name, metrics in METRICS.items():
        for metric in metrics:
            old = _value(data["aggregate"], field_name, metric)
            new = _value(results.get("aggregate"), field_name, metric)
            if old is not None and new is not None:
                diff.deltas[_name(field_name, metric)] = {"baseline": old, "current": new, "delta": new - old}
    before = {c["id"]: c for c in data["cases"]}
    after = {c["id"]: c for c in results.get("cases", [])}
    diff.added = sorted(after.keys() - before.keys())
    diff.removed = sorted(before.keys() - after.keys())
    # the deltas pool every case of each run: an interval only where that is the same cases
    for name, interval in (paired_change(data["cases"], results.get("cases", [])) or {}).items():
        if name in diff.deltas:
            diff.deltas[name]["interval"] = interval
    for case_id in sorted(before.keys() & after.keys()):
        changes = _case_changes(before[case_id], after[case_id])
        if changes:
            diff.worse.append({"id": case_id, "changes": changes})
    return diff
