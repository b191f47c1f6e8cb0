"""The eval runner against a real HTTP stub: record, replay, resume, errors, baseline."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.stub_server import Reply, by_schema
from tests.test_cli import ANSWERS, run

NEWS = Path(__file__).resolve().parent.parent / "evals" / "news"
IDS = ["00_tass_lavrov_de_mistura", "05_afp_hill_six_party_talks", "13_reuters_markets_oil_tariffs"]


@pytest.fixture
def suite(tmp_path):
    root = tmp_path / "suite"
    root.mkdir()
    for case in IDS:
        for suffix in (".txt", ".gold.json"):
            shutil.copy(NEWS / f"{case}{suffix}", root / f"{case}{suffix}")
    return root


def results_of(out: Path) -> dict:
    return json.loads((out / "results.json").read_text())


def test_record_then_replay_gives_the_same_scores_without_a_server(suite, endpoint, tmp_path, capsys, monkeypatch):
    rec = tmp_path / "rec"
    code, _, err = run(["eval", str(suite), "-m", "openai/test-model", "--record", str(rec), "--out", str(tmp_path / "a")], capsys)
    assert code == 0, err
    recorded = results_of(tmp_path / "a")
    assert len(list(rec.glob("*.json"))) == len(endpoint.requests) >= 3 * len(IDS)
    for path in rec.glob("*.json"):
        text = path.read_text()
        assert "sk-test-secret-key" not in text and "authorization" not in text.lower()
        assert endpoint.base_url not in text
    assert all(r.headers.get("authorization") == "Bearer sk-test-secret-key" for r in endpoint.requests)

    monkeypatch.delenv("OPENAI_API_KEY")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    served = len(endpoint.requests)
    code, _, err = run(["eval", str(suite), "-m", "openai/test-model", "--replay", str(rec), "--out", str(tmp_path / "b")], capsys)
    assert code == 0, err
    assert len(endpoint.requests) == served
    assert results_of(tmp_path / "b")["aggregate"] == recorded["aggregate"]


def test_replay_miss_names_the_case_and_fails_it(suite, endpoint, tmp_path, capsys):
    rec = tmp_path / "rec"
    run(["eval", str(suite), "-m", "openai/test-model", "--record", str(rec), "--cases", "00_*", "--out", str(tmp_path / "a")], capsys)
    code, _, err = run(["eval", str(suite), "-m", "openai/test-model", "--replay", str(rec), "--out", str(tmp_path / "b")], capsys)
    results = results_of(tmp_path / "b")
    errors = {c["id"]: c["error"] for c in results["cases"] if c["error"]}
    assert set(errors) == {"05_afp_hill_six_party_talks", "13_reuters_markets_oil_tariffs"}
    assert all("no recorded answer" in e for e in errors.values())
    assert "error in 05_afp_hill_six_party_talks" in err
    junit = ET.parse(tmp_path / "b" / "junit.xml").getroot()
    failed = {tc.get("name") for tc in junit.iter("testcase") if list(tc)}
    assert {"05_afp_hill_six_party_talks", "13_reuters_markets_oil_tariffs"} <= failed


def test_a_failing_case_is_recorded_and_the_suite_goes_on(suite, endpoint, tmp_path, capsys):
    def answer(body):
        if "Christopher Hill" in body["messages"][-1]["content"]:
            raise RuntimeError("no answer for this case")  # the stub answers HTTP 400
        return by_schema(ANSWERS)(body)

    endpoint.set_default(Reply(content=answer))
    code, _, err = run(["eval", str(suite), "-m", "openai/test-model", "--out", str(tmp_path / "o"),
                        "--fail-under", "groundedness=0.1"], capsys)
    assert code == 0, err  # one errored case does not stop the suite; thresholds decide the code
    cases = {c["id"]: c for c in results_of(tmp_path / "o")["cases"]}
    failed = cases["05_afp_hill_six_party_talks"]
    assert "HTTP 400" in failed["error"] and failed["outputs"] is None
    assert failed["scores"]["participants"]["recall"] == 0.0
    assert cases["00_tass_lavrov_de_mistura"]["error"] is None
    assert "error in 05_afp_hill_six_party_talks" in err


def test_resume_skips_finished_cases(suite, endpoint, tmp_path, capsys):
    out = tmp_path / "o"
    run(["eval", str(suite), "-m", "openai/test-model", "--out", str(out), "--cases", "00_*"], capsys)
    first = len(endpoint.requests)
    assert (out / "cases" / "00_tass_lavrov_de_mistura.json").is_file()
    code, _, err = run(["eval", str(suite), "-m", "openai/test-model", "--out", str(out)], capsys)
    assert code == 2 and "--resume" in err  # an existing run is never overwritten silently
    code, _, _ = run(["eval", str(suite), "-m", "openai/test-model", "--out", str(out), "--resume"], capsys)
    assert code == 0
    asked = [r.messages[-1]["content"] for r in endpoint.requests[first:]]
    assert len(asked) >= 3 * (len(IDS) - 1)  # three tasks a case, plus any grounding re-asks
    assert not any("MOSCOW, June 8" in content for content in asked)
    assert len(results_of(out)["cases"]) == len(IDS)


def test_baseline_reports_deltas_and_worse_cases(suite, endpoint, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("summarizer.scoring.intervals.MIN_CASES", len(IDS))  # a small suite, for speed
    run(["eval", str(suite), "-m", "openai/test-model", "--out", str(tmp_path / "a")], capsys)
    worse = dict(ANSWERS, ParticipantsDraft={"participants": []})
    endpoint.set_default(by_schema(worse))
    code, _, err = run(["eval", str(suite), "-m", "openai/test-model", "--out", str(tmp_path / "b"),
                        "--baseline", str(tmp_path / "a" / "results.json")], capsys)
    assert code == 0
    now = results_of(tmp_path / "b")
    base = now["baseline"]
    assert base["worse_cases"]
    assert "worse than the baseline" in err
    assert base["baseline"] == str(tmp_path / "a" / "results.json")
    # the cases that had participants lost them, none gained: the change's interval is at or below 0
    low, high = base["deltas"]["participants.f1"]["interval"]
    assert low < 0 and high <= 0
    assert "participants.f1" in err and "95% interval" in err
    assert set(now["intervals"]) >= {"participants.f1", "key_issues.f1", "summary.rougeL", "groundedness"}


def test_suite_toml_thresholds_apply(suite, endpoint, tmp_path, capsys):
    (suite / "suite.toml").write_text('[thresholds]\n"participants.f1" = 0.99\n')
    code, _, err = run(["eval", str(suite), "-m", "openai/test-model", "--out", str(tmp_path / "o")], capsys)
    assert code == 1
    assert "participants.f1" in err
