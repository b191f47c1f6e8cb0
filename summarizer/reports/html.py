"""report.html: one self-contained page (inline CSS, inline SVG charts, no
scripts, no external assets), rendered with jinja2 with autoescape on."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from ..thresholds import parse_thresholds
from .markdown import LIST_FIELDS, TEMPLATES
from .results_json import case_rows, change_span, fmt, span

CHART_W, CHART_H = 320, 214
PLOT_TOP, PLOT_BOTTOM, PLOT_LEFT = 38, 184, 34


def band(value: float | None) -> str:
    """CSS class for a score cell."""
    if value is None:
        return "na"
    return "good" if value >= 0.8 else ("mid" if value >= 0.5 else "bad")


def _y(value: float) -> float:
    return PLOT_BOTTOM - (PLOT_BOTTOM - PLOT_TOP) * max(0.0, min(1.0, value))


def chart(title: str, groups: list[tuple[str, float | None, float | None]], limits: Mapping[str, float]) -> dict:
    """Geometry of a bar chart: per group a micro bar and (if given) a macro bar."""
    slot = (CHART_W - PLOT_LEFT - 10) / max(1, len(groups))
    bars, labels, lines = [], [], []
    for i, (label, micro, macro) in enumerate(groups):
        x0 = PLOT_LEFT + i * slot
        pairs = [("micro", micro), ("macro", macro)] if macro is not None else [("micro", micro)]
        width = (slot - 16) / len(pairs)
        for k, (kind, value) in enumerate(pairs):
            v = value or 0.0
            x = x0 + 8 + k * width
            bars.append({"x": x, "y": _y(v), "w": width - 2, "h": PLOT_BOTTOM - _y(v), "kind": kind,
                         "text": fmt(value, 2), "tx": x + (width - 2) / 2, "title": f"{label} {kind} {fmt(value)}"})
        labels.append({"x": x0 + slot / 2, "text": label})
        if label in limits:
            lines.append({"x1": x0 + 4, "x2": x0 + slot - 4, "y": _y(limits[label]), "title": f"threshold {limits[label]:g}"})
    ticks = [{"y": _y(t), "text": f"{t:.2f}".rstrip("0").rstrip(".") if t else "0"} for t in (0, 0.25, 0.5, 0.75, 1.0)]
    return {"title": title, "bars": bars, "labels": labels, "lines": lines, "ticks": ticks,
            "w": CHART_W, "h": CHART_H, "left": PLOT_LEFT, "bottom": PLOT_BOTTOM, "top": PLOT_TOP}


def charts(results: Mapping[str, Any]) -> list[dict]:
    agg = results["aggregate"]
    limits: dict[str, dict[str, float]] = {}
    for t in parse_thresholds(results.get("thresholds", [])):
        limits.setdefault(t.field, {})[{"precision": "P", "recall": "R", "f1": "F1"}.get(t.metric, t.metric)] = t.value
    out = []
    for name, acc in LIST_FIELDS:
        a = agg[name]
        groups = [("P", a["precision"], a["macro"]["precision"]), ("R", a["recall"], a["macro"]["recall"]),
                  ("F1", a["f1"], a["macro"]["f1"])]
        if acc:
            groups.append((acc, a[acc], a["macro"][acc]))
        out.append(chart(name, groups, limits.get(name, {})))
    out.append(chart("summary ROUGE F", [(t, agg["summary"][t], None) for t in ("rouge1", "rouge2", "rougeL")],
                     limits.get("summary", {})))
    g = agg["groundedness"]
    out.append(chart("groundedness", [("value", g["value"], g["macro"]["value"])], limits.get("groundedness", {})))
    return out


def render_html(results: Mapping[str, Any]) -> str:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"], default=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = fmt
    env.filters["span"] = span
    env.filters["change_span"] = change_span
    env.filters["band"] = band
    return env.get_template("report.html.j2").render(
        r=results, rows=case_rows(results), charts=charts(results), list_fields=LIST_FIELDS,
        baseline=results.get("baseline"),
        intervals=results.get("intervals") or {},
    )


def write_html(path: str | Path, results: Mapping[str, Any]) -> Path:
    path = Path(path)
    path.write_text(render_html(results), encoding="utf-8")
    return path
