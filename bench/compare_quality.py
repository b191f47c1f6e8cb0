"""Side by side: the quality of several runs of one suite, from their results.json.

Each run is ``LABEL=PATH``, PATH a report directory or its ``results.json`` (from
``summarizer eval`` or ``summarizer score``). Prints a Markdown table of the micro
figures, one column per run, each with its 95% bootstrap interval over cases
(from the results, or computed from their case scores for runs written before
intervals were). Under it, the first run against each other run: the paired 95%
interval of the difference over the same cases (wholly above 0: the first run is
clearly better on these cases; holding 0: no clear difference). Writes it all to
``--out`` as well::

    .venv/bin/python bench/compare_quality.py \\
        summarizer=runs/live/results.json plain=runs/plain classical=runs/classical/report \\
        --out runs/bench/quality.md
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

from summarizer.reports.results_json import span
from summarizer.scoring.intervals import HEADLINE, paired_change, score_intervals
from summarizer.thresholds import metric_name

LABELS = {
    "participants.f1": "participants F1", "participants.role_accuracy": "role accuracy",
    "upcoming.f1": "upcoming F1", "upcoming.date_accuracy": "date accuracy",
    "key_issues.f1": "key issues F1", "summary.rougeL": "summary ROUGE-L", "groundedness": "groundedness",
}
ROWS = [(LABELS[metric_name(field, key)], (field, key)) for field, key in HEADLINE]


def load(spec: str) -> tuple[str, dict]:
    label, _, raw = spec.partition("=")
    if not raw:
        raise SystemExit(f"error: {spec!r} is not LABEL=PATH")
    path = Path(raw)
    if path.is_dir():
        path = path / "results.json"
    try:
        return label, json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise SystemExit(f"error: cannot read {path}: {exc}") from None


def intervals(results: dict) -> dict:
    if "intervals" in results:
        return results["intervals"] or {}
    try:
        return score_intervals([c["scores"] for c in results.get("cases", [])]) or {}
    except (KeyError, TypeError, ValueError):
        return {}  # case scores without counts to pool: figures only


def figure(results: dict, field: str, key: str, spans: dict) -> str:
    value = results.get("aggregate", {}).get(field, {}).get(key)
    if value is None:
        return "-"
    interval = spans.get(metric_name(field, key))
    return f"{value:.3f}" + (f" ({span(interval, digits=2)})" if interval else "")


def median_latency(results: dict) -> str:
    times = [c["latency_s"] for c in results.get("cases", []) if c.get("latency_s") is not None]
    return f"{statistics.median(times):.1f} s" if times else "-"


def table(runs: list[tuple[str, dict]]) -> str:
    lines = ["| figure | " + " | ".join(label for label, _ in runs) + " |", "|---" * (len(runs) + 1) + "|"]
    spans = [intervals(r) for _, r in runs]
    for name, (field, key) in ROWS:
        lines.append(f"| {name} | " + " | ".join(figure(r, field, key, s) for (_, r), s in zip(runs, spans)) + " |")
    lines.append("| median time per article | " + " | ".join(median_latency(r) for _, r in runs) + " |")
    lines.append("| errored cases | " + " | ".join(
        str(sum(1 for c in r.get("cases", []) if c.get("error"))) for _, r in runs) + " |")
    lines.append("")
    lines.append("In brackets: the approximate 95% bootstrap interval over cases (summarizer/scoring/intervals.py).")
    lines += differences(runs)
    return "\n".join(lines) + "\n"


def differences(runs: list[tuple[str, dict]]) -> list[str]:
    """The first run minus each other run, as paired intervals over the same cases."""
    first_label, first = runs[0]
    columns = [(label, paired_change(other.get("cases", []), first.get("cases", [])) or {}) for label, other in runs[1:]]
    if not any(spans for _, spans in columns):
        return []
    lines = ["", f"{first_label} minus each other run: paired approximate 95% interval over the same cases:", "",
             "| figure | " + " | ".join(f"- {label}" for label, _ in columns) + " |", "|---" * (len(columns) + 1) + "|"]
    for name, (field, key) in ROWS:
        cells = [span(spans.get(metric_name(field, key)), signed=True, digits=2) for _, spans in columns]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+", metavar="LABEL=PATH")
    parser.add_argument("--out", type=Path, help="Also write the table to this file.")
    args = parser.parse_args(argv)
    text = table([load(spec) for spec in args.runs])
    sys.stdout.write(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
