"""report.md: a Markdown summary of a results dict, rendered with jinja2."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .results_json import case_rows, change_span, fmt, span

TEMPLATES = Path(__file__).parent / "templates"
LIST_FIELDS = (
    ("participants", "role_accuracy"),
    ("upcoming", "date_accuracy"),
    ("key_issues", None),
)


def md_cell(value: Any) -> str:
    """Make text safe inside a Markdown table cell."""
    text = "" if value is None else str(value)
    return " ".join(text.split()).replace("|", "\\|")


def _env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=False, undefined=StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )
    env.filters["num"] = fmt
    env.filters["span"] = span
    env.filters["change_span"] = change_span
    env.filters["cell"] = md_cell
    return env


def render_markdown(results: Mapping[str, Any]) -> str:
    return _env().get_template("report.md.j2").render(
        r=results, rows=case_rows(results), list_fields=LIST_FIELDS, baseline=results.get("baseline"), intervals=results.get("intervals") or {},
    )


def write_markdown(path: str | Path, results: Mapping[str, Any]) -> Path:
    path = Path(path)
    path.write_text(render_markdown(results), encoding="utf-8")
    return path
