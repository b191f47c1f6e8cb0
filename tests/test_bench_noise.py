"""bench/bench_noise.py: the spread of the headline figures over draws that differ only in batch alignment."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
SPEC = importlib.util.spec_from_file_location("bench_noise", ROOT / "bench" / "bench_noise.py")
noise = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(noise)


def results(participants: float, upcoming: float | None) -> dict:
    return {"aggregate": {"participants": {"f1": participants}, "upcoming": {"f1": upcoming}}}


def test_spread_gives_each_draw_the_mean_and_max_minus_min():
    figures = noise.spread({0: results(0.90, 0.70), 1: results(0.80, None), 2: results(0.85, 0.75)})
    assert figures["participants.f1"]["draws"] == {"0": 0.90, "1": 0.80, "2": 0.85}
    assert figures["participants.f1"]["mean"] == pytest.approx(0.85)
    assert figures["participants.f1"]["spread"] == pytest.approx(0.10)
    assert "upcoming.f1" not in figures  # one draw had nothing to judge: no spread to tell


@pytest.mark.parametrize(("args", "says"), [
    (["--shifts", "0,x"], "whole numbers"),
    (["--shifts", "-1"], "from 0 to 64"),
    (["--shifts", "1,1"], "each once"),
    (["--shifts", "1,2", "--replay-0", "evals/recordings"], "leaves out"),
    (["--runs", "FILE"], "not an empty directory"),
])
def test_bad_arguments_are_one_line(args, says, tmp_path):
    (tmp_path / "FILE").write_text("a file")
    args = [str(tmp_path / a) if a == "FILE" else a for a in args]
    runs = [] if "--runs" in args else ["--runs", str(tmp_path / "runs")]
    with pytest.raises(SystemExit, match=says):
        noise.main([*args, *runs, "--out", str(tmp_path / "n.json")])


def test_a_replayed_draw_reports_the_recording_s_scores(tmp_path, capsys):
    out = tmp_path / "noise.json"
    code = noise.main(["--shifts", "0", "--replay-0", str(ROOT / "evals" / "recordings"), "--runs",
                       str(tmp_path / "runs"), "--out", str(out), "--wait-max", "0"])
    assert code == 0
    replayed = json.loads((tmp_path / "runs" / "shift0" / "results.json").read_text())
    written = json.loads(out.read_text())
    assert written["figures"]["key_issues.f1"] == {
        "draws": {"0": replayed["aggregate"]["key_issues"]["f1"]},
        "mean": replayed["aggregate"]["key_issues"]["f1"], "spread": 0.0,
    }
    assert "key_issues.f1" in capsys.readouterr().out
