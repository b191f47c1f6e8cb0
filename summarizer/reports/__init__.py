"""Report writers: results.json, report.md, junit.xml, report.html."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from .html import render_html, write_html
from .junit import build_junit, write_junit
from .markdown import render_markdown, write_markdown
from .results_json import build_results, case_entry, write_results_json

REPORT_FILES = {"results": "results.json", "markdown": "report.md", "junit": "junit.xml", "html": "report.html"}


def write_reports(out_dir: str | Path, results: Mapping[str, Any]) -> dict[str, Path]:
    """Write every report for a ``build_results`` dict; returns {kind: path}."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return {
        "results": write_results_json(out / REPORT_FILES["results"], results),
        "markdown": write_markdown(out / REPORT_FILES["markdown"], results),
        "junit": write_junit(out / REPORT_FILES["junit"], results),
        "html": write_html(out / REPORT_FILES["html"], results),
    }


__all__ = [
    "write_reports", "build_results", "case_entry", "write_results_json",
    "render_markdown", "write_markdown", "build_junit", "write_junit", "render_html", "write_html",
    "REPORT_FILES",
]
