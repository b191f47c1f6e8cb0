"""Side by side: the quality of several runs of one suite, from their results.json.

Each run is ``LABEL=PATH``, PATH a report directory or its ``results.json`` (from
``summarizer eval`` or ``summarizer score``). Prints a Markdown table of the micro
figures, one column per run, and writes it to ``--out`` as well::

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


def figure(results: dict, field: str, key: str) -> str:
    value = results.get("aggregate", {}).get(field, {}).get(key)
    return "-" if value is None else f"{value:.3f}"


def median_latency(results: dict) -> str:
    times = [c["latency_s"] for c in results.get("cases", []) if c.get("latency_s") is not None]
    return f"{statistics.median(times):.1f} s" if times else "-"


def table(runs: list[tuple[str, dict]]) -> str:
    lines = ["| figure | " + " | ".join(label for label, _ in runs) + " |", "|---" * (len(runs) + 1) + "|"]
    for name, (field, key) in ROWS:
        lines.append(f"| {name} | " + " | ".join(figure(r, field, key) for _, r in runs) + " |")
    lines.append("| median time per article | " + " | ".join(median_latency(r) for _, r in runs) + " |")
    lines.append("| errored cases | " + " | ".join(
        str(sum(1 for c in r.get("cases", []) if c.get("error"))) for _, r in runs) + " |")
    return "\n".join(lines) + "\n"


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
