"""bench/compare_quality.py: runs side by side from their results.json."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

SPEC = importlib.util.spec_from_file_location("compare_quality", Path(__file__).parent.parent / "bench" / "compare_quality.py")
compare = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(compare)


def results(f1: float, latencies: list[float | None], error: str | None = None) -> dict:
    return {
        "aggregate": {"participants": {"f1": f1, "role_accuracy": None}, "summary": {"rougeL": 0.25}},
        "cases": [{"latency_s": t, "error": error if i == 0 else None} for i, t in enumerate(latencies)],
    }


def test_table_puts_runs_side_by_side(tmp_path, capsys):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "results.json").write_text(json.dumps(results(0.9, [3.0, 1.0, 2.0])))
    (tmp_path / "b.json").write_text(json.dumps(results(0.5, [4.0, 1.0], error="boom")))
    out = tmp_path / "q.md"
    assert compare.main([f"mine={tmp_path / 'a'}", f"floor={tmp_path / 'b.json'}", "--out", str(out)]) == 0
    lines = out.read_text().splitlines()
    assert lines[0] == "| figure | mine | floor |"
    assert "| participants F1 | 0.900 | 0.500 |" in lines
    assert "| role accuracy | - | - |" in lines  # None: no matched item to judge
    assert "| summary ROUGE-L | 0.250 | 0.250 |" in lines
    assert "| median time per article | 2.0 s | 2.5 s |" in lines
    assert "| errored cases | 0 | 1 |" in lines
    assert capsys.readouterr().out == out.read_text()


def test_a_bad_run_spec_is_one_line(tmp_path):
    with pytest.raises(SystemExit, match="not LABEL=PATH"):
        compare.main(["nolabel"])
    with pytest.raises(SystemExit, match="cannot read"):
        compare.main([f"x={tmp_path / 'missing.json'}"])


def test_figures_carry_their_interval(tmp_path):
    with_spans = dict(results(0.9, [1.0, 2.0]), intervals={"participants.f1": [0.81, 0.97], "summary.rougeL": None})
    (tmp_path / "a.json").write_text(json.dumps(with_spans))
    lines = compare.table([compare.load(f"a={tmp_path / 'a.json'}")]).splitlines()
    assert "| participants F1 | 0.900 (0.81-0.97) |" in lines
    assert "| summary ROUGE-L | 0.250 |" in lines  # no interval: the figure alone


def scored(case_id: str, tp: int) -> dict:
    counts = {"tp": tp, "fp": 4 - tp, "fn": 4 - tp, "precision": tp / 4, "recall": tp / 4, "f1": tp / 4}
    return {"id": case_id, "latency_s": 1.0, "error": None, "scores": {
        "participants": {**counts, "role_correct": 0, "role_total": 0, "role_accuracy": None},
        "upcoming": {**counts, "date_correct": 0, "date_total": 0, "date_accuracy": None},
        "key_issues": counts,
        "summary": {"rouge1": 0.3, "rouge2": 0.3, "rougeL": 0.3},
        "groundedness": {"value": 1.0, "found": 1, "total": 1},
    }}


def test_the_first_run_against_the_others_is_a_paired_interval(tmp_path):
    better = {"aggregate": {}, "cases": [scored(f"c{i}", 3) for i in range(6)]}
    worse = {"aggregate": {}, "cases": [scored(f"c{i}", 1 + i % 2) for i in range(6)]}
    lines = compare.table([("mine", better), ("floor", worse)]).splitlines()
    row = next(line for line in lines if line.startswith("| key issues F1 |") and " to " in line)
    low, high = (float(x) for x in row.split("|")[2].split(" to "))
    assert 0 < low <= high  # every case better: clear of chance
    assert "| summary ROUGE-L | +0.00 to +0.00 |" in lines  # the same everywhere


def test_runs_from_before_intervals_get_them_from_their_case_scores():
    old = {"aggregate": {"key_issues": {"f1": 0.5}}, "cases": [scored(f"c{i}", 1 + i % 3) for i in range(6)]}
    row = next(line for line in compare.table([("old", old)]).splitlines() if line.startswith("| key issues F1 |"))
    low, high = (float(x) for x in row.split("(")[1].rstrip(") |").split("-"))
    assert low < high
