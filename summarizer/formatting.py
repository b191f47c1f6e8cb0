"""Human-readable renderings: a summary as Markdown, a run's scores as a table."""

from __future__ import annotations

from typing import Any, Mapping

from rich.table import Table

from .reports.results_json import change_span
from .reports.results_json import span as _span
from .schema import ArticleSummary


def summary_markdown(summary: ArticleSummary) -> str:
    lines = [f"# {summary.title}", ""]
    if summary.published:
        lines += [f"*Published {summary.published}*", ""]
    lines += [summary.summary, "", "## Key issues", ""]
    lines += [f"- {item.issue}" for item in summary.key_issues] or ["- (none)"]
    lines += ["", "## Participants", ""]
    lines += [
        f"- **{p.name}** ({p.kind})" + (f": {p.role}" if p.role else "") for p in summary.participants
    ] or ["- (none)"]
    lines += ["", "## Upcoming", ""]
    lines += [
        f"- {e.date or 'date unknown'}: {e.event}" + (f' ("{e.when_text}")' if e.when_text else "")
        for e in summary.upcoming
    ] or ["- (none)"]
    return "\n".join(lines) + "\n"


def _f(value: Any) -> str:
    return "-" if value is None else f"{value:.3f}"


def scores_table(results: Mapping[str, Any]) -> Table:
    """The suite's micro scores per field; "95% interval" is the approximate bootstrap
    interval over cases of the row's headline value (F1, ROUGE-L, groundedness)."""
    agg = results["aggregate"]
    spans = results.get("intervals") or {}
    table = Table(title=f"{results.get('model') or 'predictions'}: {results['totals']['cases']} cases")
    for column in ("field", "precision", "recall", "f1", "95% interval", "extra"):
        table.add_column(column, justify="left" if column in ("field", "extra") else "right")
    table.add_row("participants", *(_f(agg["participants"][k]) for k in ("precision", "recall", "f1")),
                  _span(spans.get("participants.f1")), f"role accuracy {_f(agg['participants'].get('role_accuracy'))}")
    table.add_row("upcoming", *(_f(agg["upcoming"][k]) for k in ("precision", "recall", "f1")),
                  _span(spans.get("upcoming.f1")), f"date accuracy {_f(agg['upcoming'].get('date_accuracy'))}")
    table.add_row("key_issues", *(_f(agg["key_issues"][k]) for k in ("precision", "recall", "f1")),
                  _span(spans.get("key_issues.f1")), "")
    rouge = agg["summary"]
    table.add_row("summary", "", "", "", _span(spans.get("summary.rougeL")),
                  f"ROUGE-1 {_f(rouge['rouge1'])}  ROUGE-2 {_f(rouge['rouge2'])}  ROUGE-L {_f(rouge['rougeL'])}")
    table.add_row("groundedness", "", "", "", _span(spans.get("groundedness")), _f(agg["groundedness"]["value"]))
    return table


def delta_line(name: str, delta: Any) -> str:
    """``key_issues.f1: 0.567 -> 0.597 (+0.030; 95% interval +0.000 to +0.088, no clear difference)``"""
    if not isinstance(delta, Mapping):  # results.json from before deltas carried both ends
        return f"{name}: {delta:+.3f}"
    line = f"{name}: {delta['baseline']:.3f} -> {delta['current']:.3f} ({delta['delta']:+.3f}"
    interval = delta.get("interval")
    if interval and (any(interval) or delta["delta"]):  # 0 to 0 on no change: the delta says it
        line += f"; 95% interval {change_span(delta)}"
    return line + ")"
