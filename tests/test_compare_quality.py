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
