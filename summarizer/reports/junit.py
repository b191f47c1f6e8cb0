"""junit.xml: one <testcase> per article, and one for the suite's thresholds.

It fails where ``summarizer eval`` exits 1: an errored article gets an <error>, and the
"thresholds" testcase a <failure> when a micro-averaged score misses its threshold. An
article under a threshold on its own is not a failure (one article is too few to gate
on); its misses are in its <system-out>, as in the Markdown and HTML reports."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Mapping

from .results_json import case_rows, fmt


def _score_line(row: Mapping[str, Any]) -> str:
    return (
        f"participants.f1={fmt(row['participants_f1'])} upcoming.f1={fmt(row['upcoming_f1'])} "
        f"upcoming.date_accuracy={fmt(row['date_accuracy'])} key_issues.f1={fmt(row['key_issues_f1'])} "
        f"summary.rougeL={fmt(row['rougeL'])} groundedness={fmt(row['groundedness'])}"
    )


def build_junit(results: Mapping[str, Any]) -> ET.ElementTree:
    rows = case_rows(results)
    misses = list(results.get("threshold_misses", []))
    suite_name = f"summarizer eval {results.get('suite') or ''}".strip()
    classname = "eval." + (Path(results["suite"]).name if results.get("suite") else "suite")
    root = ET.Element("testsuites", name="summarizer eval")
    suite = ET.SubElement(
        root, "testsuite", name=suite_name, tests=str(len(rows) + 1),
        failures=str(int(bool(misses))),
        errors=str(sum(1 for r in rows if r["status"] == "error")), skipped="0",
        time=f"{sum(r['latency_s'] or 0.0 for r in rows):.3f}", timestamp=str(results.get("created", "")),
    )
    props = ET.SubElement(suite, "properties")
    for key in ("model", "prompts_hash", "version"):
        ET.SubElement(props, "property", name=key, value=str(results.get(key)))
    for t in results.get("thresholds", []):
        ET.SubElement(props, "property", name="threshold", value=t)
    for miss in misses:
        ET.SubElement(props, "property", name="aggregate_miss", value=miss)
    for row in rows:
        case = ET.SubElement(suite, "testcase", classname=classname, name=row["id"], time=f"{row['latency_s'] or 0.0:.3f}")
        if row["error"]:
            first = str(row["error"]).splitlines()[0] if str(row["error"]).strip() else "error"
            ET.SubElement(case, "error", message=first, type="error").text = str(row["error"])
        under = [f"under a threshold: {miss}" for miss in row["misses"]] if not row["error"] else []
        ET.SubElement(case, "system-out").text = "\n".join([_score_line(row), *under])
    # its own classname: an article named "thresholds" must not share its id
    gate = ET.SubElement(suite, "testcase", classname=f"{classname}.suite", name="thresholds", time="0.000")
    if misses:
        ET.SubElement(gate, "failure", message="; ".join(misses), type="threshold").text = "\n".join(misses)
    ET.SubElement(gate, "system-out").text = "\n".join(results.get("thresholds", [])) or "no thresholds"
    ET.indent(root)
    return ET.ElementTree(root)


def write_junit(path: str | Path, results: Mapping[str, Any]) -> Path:
    path = Path(path)
    build_junit(results).write(path, encoding="utf-8", xml_declaration=True)
    return path
