"""Side by side: the quality of several runs of one suite, from their results.json.

Each run is ``LABEL=PATH``, PATH a report directory or its ``results.json`` (from
``summarizer eval`` or ``summarizer score``). Prints a Markdown table of the micro
figures, one column per run, each with its 95% bootstrap interval over cases
(from the results, or computed from their case scores for runs written before
intervals were). Under it, the first run against each other run: the paired 95%
interval of the difference over the cases both scored (above 0: the first run is
better beyond chance). Writes it all to ``--out`` as well::

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

from summarizer.scoring.intervals import change_intervals, metric_name, score_intervals

ROWS = [
    ("participants F1", ("participants", "f1")),
    ("role accuracy", ("participants", "role_accuracy")),
    ("upcoming F1", ("upcoming", "f1")),
    ("date accuracy", ("upcoming", "date_accuracy")),
    ("key issues F1", ("key_issues", "f1")),
    ("summary ROUGE-L", ("summary", "rougeL")),
    ("groundedness", ("groundedness", "value")),
]


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
    span = spans.get(metric_name(field, key))
    return f"{value:.3f}" + (f" ({span[0]:.2f}-{span[1]:.2f})" if span else "")


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
    lines.append("In brackets: the 95% bootstrap interval over cases (summarizer/scoring/intervals.py).")
    lines += differences(runs)
    return "\n".join(lines) + "\n"


def differences(runs: list[tuple[str, dict]]) -> list[str]:
    """The first run minus each other run, as paired intervals over their shared cases."""
    first_label, first = runs[0]
    columns = []
    for label, other in runs[1:]:
        mine = {c.get("id"): c.get("scores") for c in first.get("cases", [])}
        theirs = {c.get("id"): c.get("scores") for c in other.get("cases", [])}
        shared = sorted(k for k in mine.keys() & theirs.keys() if k is not None)
        try:
            columns.append((label, change_intervals([theirs[k] for k in shared], [mine[k] for k in shared]) or {}))
        except (KeyError, TypeError, ValueError, AttributeError):
            columns.append((label, {}))  # case scores without counts to pool
    if not any(spans for _, spans in columns):
        return []
    lines = ["", f"{first_label} minus each other run, paired 95% interval over the cases both scored:", "",
             "| figure | " + " | ".join(f"- {label}" for label, _ in columns) + " |", "|---" * (len(columns) + 1) + "|"]
    for name, (field, key) in ROWS:
        cells = []
        for _, spans in columns:
            span = spans.get(metric_name(field, key))
            cells.append(f"{span[0]:+.2f} to {span[1]:+.2f}" if span else "-")
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
