"""The development suite replayed from committed recordings of the embedded model.

This is CI's guard: a change to prompts, parsing, the pipeline's checks or the
scoring that moves a score under `evals/news/suite.toml`'s thresholds fails here
in seconds. A prompt change needs a new recording (see README: Evals).
"""

from __future__ import annotations

import json
from pathlib import Path

from summarizer.gold import load_suite_config
from tests.test_cli import run

ROOT = Path(__file__).resolve().parent.parent
NEWS = ROOT / "evals" / "news"
RECORDINGS = ROOT / "evals" / "recordings"


def test_replayed_suite_meets_its_thresholds(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    code, _, err = run(["eval", str(NEWS), "--replay", str(RECORDINGS), "--out", str(tmp_path)], capsys)
    results = json.loads((tmp_path / "results.json").read_text())
    assert [c["id"] for c in results["cases"] if c["error"]] == [], err
    assert results["threshold_misses"] == [] and code == 0, err
    assert results["model"] == "local"
    thresholds = load_suite_config(NEWS / "suite.toml").thresholds
    assert {"participants.f1", "upcoming.f1", "upcoming.date_accuracy", "key_issues.f1", "groundedness"} <= set(thresholds)


def test_recordings_hold_no_secrets_or_endpoints():
    for path in RECORDINGS.glob("*.json"):
        text = path.read_text().lower()
        assert "authorization" not in text and "api_key" not in text and "bearer" not in text
        assert "http://" not in text and "https://" not in text
