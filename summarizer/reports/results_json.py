"""The results.json layout: building it from scored cases, writing, reading.

    {
      "version": str, "created": ISO-8601 UTC, "model": str|None,
      "prompts_hash": str|None, "suite": str|None,
      "thresholds": ["participants.f1=0.8", ...],
      "passed": bool,                       # no errored case, no aggregate miss
      "threshold_misses": ["participants.f1 = 0.750 < 0.8", ...],
      "totals": {"cases", "errors", "failed_thresholds" (non-errored cases under
                 a threshold), "latency_s", "usage"},
      "aggregate": {...},                   # scoring.aggregate()
      "intervals": {"participants.f1": [low, high] | None, ...} | None,
                                            # approximate 95% bootstrap over cases
                                            # (scoring/intervals.py); None under 5 cases
      "cases": [{"id", "outputs", "scores", "error", "latency_s", "usage",
                 "threshold_misses", "passed"}],  # a case's "passed": no error and
                                            # no miss of its own; stricter than the
                                            # suite's, which gates on aggregate scores
      "warnings": [str],
      "baseline": BaselineDiff.to_dict()    # only when compared
    }

``outputs`` is the ArticleSummary dict, plus a ``diagnostics`` key when there
are any, or None when the case failed.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any, Mapping, Sequence

from ..errors import Usage
from ..schema import ArticleSummary
from ..scoring import CaseScore, aggregate
from ..scoring.intervals import score_intervals
from ..thresholds import Threshold, check, check_case

USAGE_KEYS = ("prompt_tokens", "completion_tokens", "total_tokens", "requests")


def package_version() -> str:
    try:
        return metadata.version("summarizer")
    except metadata.PackageNotFoundError:
        import summarizer

        return str(getattr(summarizer, "__version__", "unknown"))


def _usage(usage: Usage | Mapping[str, Any] | None) -> dict[str, int]:
    if usage is None:
        return {k: 0 for k in USAGE_KEYS}
    if isinstance(usage, Usage):
        return usage.as_dict()
    return {k: int(usage.get(k, 0) or 0) for k in USAGE_KEYS}


def case_entry(
    case_id: str,
    summary: ArticleSummary | Mapping[str, Any] | None,
    scores: CaseScore | Mapping[str, Any],
    *,
    error: str | None = None,
    latency_s: float | None = None,
    usage: Usage | Mapping[str, Any] | None = None,
    diagnostics: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """One entry of ``cases``; thresholds are applied later by ``build_results``."""
    outputs: dict[str, Any] | None = None
    if summary is not None:
        outputs = summary.model_dump(mode="json") if isinstance(summary, ArticleSummary) else dict(summary)
        if diagnostics:
            outputs["diagnostics"] = dict(diagnostics)
    return {
        "id": case_id,
        "outputs": outputs,
        "scores": scores.to_dict() if isinstance(scores, CaseScore) else dict(scores),
        "error": error,
        "latency_s": None if latency_s is None else round(float(latency_s), 3),
        "usage": _usage(usage),
    }


def build_results(
    cases: Sequence[Mapping[str, Any]],
    *,
    model: str | None,
    prompts_hash: str | None,
    thresholds: Sequence[Threshold] = (),
    suite: str | None = None,
    version: str | None = None,
    created: str | None = None,
    warnings: Sequence[str] = (),
) -> dict[str, Any]:
    """The whole results dict: aggregate, per-case and suite threshold checks."""
    entries = []
    for case in cases:
        entry = dict(case)
        # an errored case scores as empty output: its error says what happened, not a list of misses
        misses = [] if entry.get("error") is not None else check_case(entry["scores"], thresholds)
        entry["threshold_misses"] = misses
        entry["passed"] = entry.get("error") is None and not misses
        entries.append(entry)
    agg = aggregate(e["scores"] for e in entries)
    misses = check(agg, thresholds)
    errors = sum(1 for e in entries if e.get("error") is not None)
    usage = {k: sum(e["usage"].get(k, 0) for e in entries) for k in USAGE_KEYS}
    return {
        "version": version or package_version(),
        "created": created or datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "model": model,
        "prompts_hash": prompts_hash,
        "suite": suite,
        "thresholds": [str(t) for t in thresholds],
        "passed": errors == 0 and not misses,
        "threshold_misses": misses,
        "totals": {
            "cases": len(entries),
            "errors": errors,
            "failed_thresholds": sum(1 for e in entries if e["threshold_misses"]),
            "latency_s": round(sum(e.get("latency_s") or 0.0 for e in entries), 3),
            "usage": usage,
        },
        "aggregate": agg,
        "intervals": score_intervals([e["scores"] for e in entries]),
        "cases": entries,
        "warnings": list(warnings),
    }


def write_results_json(path: str | Path, results: Mapping[str, Any]) -> Path:
    path = Path(path)
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def case_rows(results: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Flat per-case rows for the Markdown and HTML tables."""
    rows = []
    for case in results.get("cases", []):
        s = case.get("scores") or {}
        # A case under a threshold is information, not a failure: the suite passes or fails
        # on its micro scores (a single article is too noisy to gate on).
        status = "error" if case.get("error") else ("under" if case.get("threshold_misses") else "ok")
        rows.append({
            "id": case["id"],
            "status": status,
            "participants_f1": s.get("participants", {}).get("f1"),
            "role_accuracy": s.get("participants", {}).get("role_accuracy"),
            "upcoming_f1": s.get("upcoming", {}).get("f1"),
            "date_accuracy": s.get("upcoming", {}).get("date_accuracy"),
            "key_issues_f1": s.get("key_issues", {}).get("f1"),
            "rougeL": s.get("summary", {}).get("rougeL"),
            "groundedness": s.get("groundedness", {}).get("value"),
            "latency_s": case.get("latency_s"),
            "tokens": (case.get("usage") or {}).get("total_tokens", 0),
            "error": case.get("error"),
            "misses": case.get("threshold_misses", []),
            "scores": s,
        })
    return rows


def fmt(value: Any, digits: int = 3) -> str:
    """Numbers as 0.750; None as n/a."""
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def change_span(delta: Mapping[str, Any]) -> str:
    """A baseline delta's paired interval, marked "no clear difference" when it holds 0;
    "no change" when neither the score nor any resample moved."""
    interval = delta.get("interval")
    if interval and not any(interval) and not delta.get("delta"):
        return "no change"
    shown = span(interval, signed=True)
    return shown + ", no clear difference" if interval and interval[0] <= 0 <= interval[1] else shown


def span(interval: Any, signed: bool = False, digits: int = 3) -> str:
    """An interval as "0.514-0.687" ("+0.000 to +0.088" for a change), or "-"."""
    if not interval:
        return "-"
    low, high = interval
    return f"{low:+.{digits}f} to {high:+.{digits}f}" if signed else f"{low:.{digits}f}-{high:.{digits}f}"
