from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from summarizer.baseline import compare
from summarizer.errors import Usage
from summarizer.gold import gold_to_summary, load_suite
from summarizer.reports import REPORT_FILES, build_results, case_entry, write_reports
from summarizer.reports.junit import build_junit
from summarizer.scoring import score_case
from summarizer.thresholds import parse_thresholds

DEV = Path(__file__).resolve().parents[1] / "evals" / "news"


@pytest.fixture(scope="module")
def results():
    """Three dev cases: a perfect one, a damaged one (with HTML in a name), a failed one."""
    cases = load_suite(DEV).cases[:3]
    entries = []
    for i, case in enumerate(cases):
        pred = gold_to_summary(case.gold, case.text)
        if i == 1:
            pred.participants = pred.participants[:2] + [
                pred.participants[0].model_copy(update={"name": "<script>alert(1)</script> | Nobody"})
            ]
        if i == 2:
            pred = None
        usage = Usage()
        usage.add(100, 20)
        entries.append(
            case_entry(
                case.id, pred, score_case(case.gold, pred, case.text),
                error="ModelError: endpoint down" if pred is None else None,
                latency_s=1.25 * (i + 1), usage=usage, diagnostics={"retries": 2} if i == 0 else None,
            )
        )
    thresholds = parse_thresholds(["participants.f1=0.9", "groundedness=0.5"])
    out = build_results(entries, model="m-1", prompts_hash="deadbeef", thresholds=thresholds,
                        suite=str(DEV), created="2026-01-01T00:00:00+00:00")
    out["baseline"] = compare(json.loads(json.dumps(out)), out).to_dict()
    return out


@pytest.fixture(scope="module")
def written(results, tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    paths = write_reports(out / "nested", results)
    return results, paths


def test_every_file_is_written(written):
    _, paths = written
    assert set(paths) == set(REPORT_FILES)
    for kind, path in paths.items():
        assert path.name == REPORT_FILES[kind] and path.stat().st_size > 0


def test_results_json_layout(written):
    results, paths = written
    data = json.loads(paths["results"].read_text())
    for key in ("version", "created", "model", "prompts_hash", "aggregate", "cases", "thresholds",
                "threshold_misses", "passed", "totals"):
        assert key in data
    assert data["model"] == "m-1" and data["prompts_hash"] == "deadbeef" and data["passed"] is False
    for field in ("participants", "upcoming", "key_issues"):
        assert {"precision", "recall", "f1", "macro"} <= set(data["aggregate"][field])
        assert {"precision", "recall", "f1"} <= set(data["aggregate"][field]["macro"])
    assert set(data["aggregate"]["summary"]) == {"rouge1", "rouge2", "rougeL"}
    assert "value" in data["aggregate"]["groundedness"]
    first, second, failed = data["cases"]
    for case in data["cases"]:
        assert {"id", "outputs", "scores", "error", "latency_s", "usage"} <= set(case)
        assert set(case["usage"]) == {"prompt_tokens", "completion_tokens", "total_tokens", "requests"}
    assert first["outputs"]["diagnostics"] == {"retries": 2}
    assert first["outputs"]["participants"][0]["name"] == "Sergey Lavrov"
    assert "diagnostics" not in second["outputs"]
    assert {"matched", "missed", "spurious"} == set(second["scores"]["participants"]["explanation"])
    assert failed["outputs"] is None and failed["error"].startswith("ModelError")
    assert data["totals"] == {
        "cases": 3, "errors": 1, "failed_thresholds": 1, "latency_s": 7.5,
        "usage": {"prompt_tokens": 300, "completion_tokens": 60, "total_tokens": 360, "requests": 3},
    }


def test_junit_is_well_formed(written):
    _, paths = written
    root = ET.parse(paths["junit"]).getroot()
    suite = root.find("testsuite")
    cases = suite.findall("testcase")
    assert len(cases) == 4 and suite.get("tests") == "4"
    assert suite.get("failures") == "1" and suite.get("errors") == "1"
    ok, under, errored, gate = cases
    assert ok.find("failure") is None and ok.find("error") is None
    # An article under a threshold is reported, not failed: the suite gates on its micro scores.
    assert under.find("failure") is None and under.find("error") is None
    assert "under a threshold: participants.f1" in under.find("system-out").text
    assert errored.find("error").get("message") == "ModelError: endpoint down"
    assert float(errored.get("time")) == pytest.approx(3.75)
    assert gate.get("name") == "thresholds"
    assert gate.find("failure").get("message") == "; ".join(written[0]["threshold_misses"])


def test_junit_fails_only_where_eval_exits_1(results):
    """Thresholds that hold over the suite: no <failure> anywhere, though an article is under one."""
    holding = {**results, "threshold_misses": []}
    suite = build_junit(holding).getroot().find("testsuite")
    assert suite.get("failures") == "0"
    assert [tc.get("name") for tc in suite.iter("testcase") if tc.find("failure") is not None] == []
    assert any("under a threshold" in (tc.findtext("system-out") or "") for tc in suite.iter("testcase"))


def test_html_is_self_contained(written):
    _, paths = written
    html = paths["html"].read_text()
    assert html.startswith("<!DOCTYPE html>")
    assert html.count("<svg") == 5  # participants, upcoming, key issues, summary, groundedness
    assert "<rect" in html and "<table" in html and "<style>" in html
    assert "00_tass_lavrov_de_mistura" in html
    assert "<script" not in html  # the hostile name is escaped, and there is no JS
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # no external assets
    assert "Compared with baseline" in html
    ET.fromstring(re.search(r"<svg.*?</svg>", html, re.S).group(0))  # each chart is valid XML


def test_markdown(written):
    results, paths = written
    md = paths["markdown"].read_text()
    assert md.startswith("# Eval report")
    assert "| participants |" in md and "| 00_tass_lavrov_de_mistura | ok |" in md
    assert "\\| Nobody" in md  # pipes escaped inside table cells and lists
    assert "ModelError: endpoint down" in md
    for miss in results["threshold_misses"]:
        assert miss in md


@pytest.mark.parametrize(
    ("interval", "signed", "shown"),
    [
        ((0.5141, 0.6873), False, "0.514-0.687"),
        ((-0.0412, 0.0876), True, "-0.041 to +0.088"),
        ((0.0, 0.0), False, "0.000-0.000"),
        (None, True, "-"),
    ],
)
def test_span(interval, signed, shown):
    from summarizer.reports.results_json import span

    assert span(interval, signed=signed) == shown


@pytest.mark.parametrize(
    ("delta", "shown"),
    [
        ({"delta": 0.0, "interval": [0.0, 0.0]}, "no change"),  # no score and no resample moved
        ({"delta": 0.03, "interval": [0.0, 0.088]}, "+0.000 to +0.088, no clear difference"),
        ({"delta": 0.0, "interval": [-0.05, 0.05]}, "-0.050 to +0.050, no clear difference"),  # moved both ways
        ({"delta": -0.1, "interval": [-0.2, -0.05]}, "-0.200 to -0.050"),  # wholly below 0: a difference
        ({"delta": 0.0}, "-"),  # no paired interval (other cases)
    ],
)
def test_change_span(delta, shown):
    from summarizer.reports.results_json import change_span

    assert change_span(delta) == shown
