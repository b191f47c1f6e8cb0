"""The eval runner against a real HTTP stub: record, replay, resume, errors, interrupts, --out, baseline."""

from __future__ import annotations

import json
import shutil
import signal
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.stub_server import Reply, by_schema
from tests.test_cli import ANSWERS, ROOT, run

NEWS = ROOT / "evals" / "news"
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
    assert code == 1  # cases errored
    results = results_of(tmp_path / "b")
    errors = {c["id"]: c["error"] for c in results["cases"] if c["error"]}
    assert set(errors) == {"05_afp_hill_six_party_talks", "13_reuters_markets_oil_tariffs"}
    assert all("no recorded answer" in e for e in errors.values())
    assert "error in 05_afp_hill_six_party_talks" in err
    junit = ET.parse(tmp_path / "b" / "junit.xml").getroot()
    errored = {tc.get("name") for tc in junit.iter("testcase") if tc.find("error") is not None}
    assert errored == {"05_afp_hill_six_party_talks", "13_reuters_markets_oil_tariffs"}


def test_a_failing_case_is_recorded_and_the_suite_goes_on(suite, endpoint, tmp_path, capsys):
    def answer(body):
        if "Christopher Hill" in body["messages"][-1]["content"]:
            raise RuntimeError("no answer for this case")  # the stub answers HTTP 400
        return by_schema(ANSWERS)(body)

    endpoint.set_default(Reply(content=answer))
    code, _, err = run(["eval", str(suite), "-m", "openai/test-model", "--out", str(tmp_path / "o"),
                        "--fail-under", "groundedness=0.1"], capsys)
    assert code == 1, err  # the thresholds hold, but a case errored
    assert "1 of 3 cases errored" in err and "threshold missed" not in err
    cases = {c["id"]: c for c in results_of(tmp_path / "o")["cases"]}
    failed = cases["05_afp_hill_six_party_talks"]
    assert "HTTP 400" in failed["error"] and failed["outputs"] is None
    assert failed["scores"]["participants"]["recall"] == 0.0
    assert failed["threshold_misses"] == []  # its error is the story, not misses of an empty output
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
    # a summary with none of the gold's words: the code keeps the model's summary as it is
    # (participants and upcoming events it would find in the article itself)
    worse = dict(ANSWERS, OverviewDraft={**ANSWERS["OverviewDraft"], "summary": "Officials spoke."})
    endpoint.set_default(by_schema(worse))
    code, _, err = run(["eval", str(suite), "-m", "openai/test-model", "--out", str(tmp_path / "b"),
                        "--baseline", str(tmp_path / "a" / "results.json")], capsys)
    assert code == 0
    now = results_of(tmp_path / "b")
    base = now["baseline"]
    assert base["worse_cases"] == IDS  # each gold summary shares a word or two with "They meet in Moscow."
    assert "worse than the baseline" in err
    assert base["baseline"] == str(tmp_path / "a" / "results.json")
    # every case lost, none gained: the change's interval is below 0
    low, high = base["deltas"]["summary.rougeL"]["interval"]
    assert low < 0 and high < 0
    assert "summary.rougeL" in err and "95% interval" in err
    assert set(now["intervals"]) >= {"participants.f1", "key_issues.f1", "summary.rougeL", "groundedness"}


def test_a_baseline_over_other_cases_is_flagged_in_every_report(suite, endpoint, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("summarizer.scoring.intervals.MIN_CASES", 1)
    run(["eval", str(suite), "-m", "openai/test-model", "--out", str(tmp_path / "a")], capsys)
    worse = dict(ANSWERS, ParticipantsDraft={"participants": []})
    endpoint.set_default(by_schema(worse))
    code, _, err = run(["eval", str(suite), "-m", "openai/test-model", "--out", str(tmp_path / "b"), "--cases", "0*",
                        "--baseline", str(tmp_path / "a" / "results.json")], capsys)
    assert code == 0, err
    assert "note: the deltas compare different cases (0 new, 1 no longer run" in err
    html = (tmp_path / "b" / "report.html").read_text()
    markdown = (tmp_path / "b" / "report.md").read_text()
    for report in (html, markdown):
        assert "compare different articles" in report and "13_reuters_markets_oil_tariffs" in report
    now = results_of(tmp_path / "b")
    low, high = now["intervals"]["summary.rougeL"]
    assert f"{low:.3f}-{high:.3f}" in html  # the summary's and groundedness's intervals, as in report.md
    low, high = now["intervals"]["groundedness"]
    assert f"{low:.3f}-{high:.3f}" in html


def test_suite_toml_thresholds_apply(suite, endpoint, tmp_path, capsys):
    (suite / "suite.toml").write_text('[thresholds]\n"participants.f1" = 0.99\n')
    code, _, err = run(["eval", str(suite), "-m", "openai/test-model", "--out", str(tmp_path / "o")], capsys)
    assert code == 1
    assert "participants.f1" in err


@pytest.mark.parametrize(("status", "needle"), [(401, "OPENAI_API_KEY"), (403, "OPENAI_API_KEY"), (404, "--model")])
def test_a_configuration_error_stops_the_suite_at_once(status, needle, suite, endpoint, tmp_path, capsys):
    endpoint.set_default(Reply(status=status))
    code, out, err = run(["eval", str(suite), "-m", "openai/test-model", "--out", str(tmp_path / "o")], capsys)
    assert code == 2 and out == ""
    assert err.startswith(f"error: {IDS[0]}: ") and needle in err and err.count("\n") == 1, err
    assert all("MOSCOW, June 8" in r.messages[-1]["content"] for r in endpoint.requests)  # no second case asked
    assert not list((tmp_path / "o" / "cases").glob("*.json"))


def test_an_article_too_long_for_the_model_is_its_case_error_and_the_suite_goes_on(suite, endpoint, tmp_path, capsys):
    too_long = Reply(status=400, error="This model's maximum context length is 4096 tokens")
    endpoint.enqueue_reply(too_long, times=3)  # the first case's three calls
    code, _, err = run(["eval", str(suite), "-m", "openai/test-model", "--out", str(tmp_path / "o")], capsys)
    assert code == 1
    cases = {c["id"]: c for c in results_of(tmp_path / "o")["cases"]}
    assert list(cases) == IDS
    assert "too long" in cases[IDS[0]]["error"]
    assert all(cases[i]["error"] is None for i in IDS[1:])
    assert f"1 of {len(IDS)} cases errored" in err


def test_ctrl_c_starts_no_further_case_keeps_finished_ones_and_resume_continues(suite, endpoint, tmp_path, capsys, monkeypatch):
    from summarizer.api import Summarizer

    real, started, handlers = Summarizer.run, [], []

    def interrupted_on_the_second_case(self, article, published=None):
        started.append(Path(article.source).stem)
        if len(started) == 2:
            raise KeyboardInterrupt
        return real(self, article, published)

    monkeypatch.setattr(Summarizer, "run", interrupted_on_the_second_case)
    monkeypatch.setattr(signal, "signal", lambda *args: handlers.append(args))  # keep pytest's own handler
    out = tmp_path / "o"
    code, _, err = run(["eval", str(suite), "-m", "openai/test-model", "--out", str(out)], capsys)
    assert code == 130
    assert started == IDS[:2]  # the third case never started
    assert [p.stem for p in (out / "cases").glob("*.json")] == IDS[:1]
    assert err.startswith("error: interrupted") and err.count("\n") == 1
    assert f"add --resume --out {out} to the same command" in err
    assert handlers == [(signal.SIGINT, signal.SIG_DFL)]  # a second Ctrl-C stops at once

    monkeypatch.setattr(Summarizer, "run", real)
    served = len(endpoint.requests)
    code, _, err = run(["eval", str(suite), "-m", "openai/test-model", "--out", str(out), "--resume"], capsys)
    assert code == 0, err
    assert not any("MOSCOW, June 8" in r.messages[-1]["content"] for r in endpoint.requests[served:])
    assert [c["id"] for c in results_of(out)["cases"]] == IDS


def _errored(entry: dict) -> str:
    return json.dumps(dict(entry, outputs=None, error="HTTP 500"))


@pytest.mark.parametrize("damage", [
    _errored,
    lambda entry: "[]",
    lambda entry: json.dumps({"id": entry["id"]}),
    lambda entry: json.dumps(entry)[:40],
    lambda entry: json.dumps(dict(entry, outputs={"title": 3})),
], ids=["errored", "not-an-object", "no-outputs-or-scores", "half-written", "outputs-not-a-summary"])
def test_resume_runs_again_an_errored_or_damaged_case(damage, suite, endpoint, tmp_path, capsys):
    out = tmp_path / "o"
    saved = out / "cases" / f"{IDS[0]}.json"
    run(["eval", str(suite), "-m", "openai/test-model", "--out", str(out), "--cases", "00_*"], capsys)
    saved.write_text(damage(json.loads(saved.read_text())))
    served = len(endpoint.requests)
    code, _, err = run(["eval", str(suite), "-m", "openai/test-model", "--out", str(out), "--cases", "00_*", "--resume"], capsys)
    assert code == 0, err
    assert any("MOSCOW, June 8" in r.messages[-1]["content"] for r in endpoint.requests[served:])
    assert json.loads(saved.read_text())["error"] is None
    assert results_of(out)["cases"][0]["outputs"]["title"] == "Lavrov meets de Mistura"


def test_resume_of_a_finished_run_asks_nothing_and_scores_the_same(suite, endpoint, tmp_path, capsys):
    out = tmp_path / "o"
    run(["eval", str(suite), "-m", "openai/test-model", "--out", str(out)], capsys)
    first, served = results_of(out), len(endpoint.requests)
    code, _, err = run(["eval", str(suite), "-m", "openai/test-model", "--out", str(out), "--resume"], capsys)
    assert code == 0, err
    assert len(endpoint.requests) == served
    assert results_of(out)["cases"] == first["cases"]


def _changed_prompts(tmp_path: Path) -> str:
    prompts = tmp_path / "prompts"
    shutil.copytree(ROOT / "prompts", prompts)
    with open(prompts / "system.j2", "a") as handle:
        handle.write("\n")
    return str(prompts)


@pytest.mark.parametrize(("extra", "needle"), [
    (lambda tmp: ["-m", "openai/other-model"], "model openai/test-model (now openai/other-model)"),
    (lambda tmp: ["--pipeline", "plain"], "pipeline focused (now plain)"),
    (lambda tmp: ["--prompts", _changed_prompts(tmp)], "prompts_hash"),
], ids=["model", "pipeline", "prompts"])
def test_resume_refuses_a_run_made_with_other_settings(extra, needle, suite, endpoint, tmp_path, capsys):
    out = tmp_path / "o"
    run(["eval", str(suite), "-m", "openai/test-model", "--out", str(out), "--cases", "00_*"], capsys)
    served = len(endpoint.requests)
    code, _, err = run(["eval", str(suite), "-m", "openai/test-model", "--out", str(out), "--resume", *extra(tmp_path)], capsys)
    assert code == 2 and needle in err and err.count("\n") == 1, err
    assert len(endpoint.requests) == served


@pytest.mark.parametrize("text", ["[]", '"model"', "{not json", ""], ids=["list", "string", "not-json", "empty"])
def test_resume_refuses_a_damaged_run_json(text, suite, endpoint, tmp_path, capsys):
    out = tmp_path / "o"
    run(["eval", str(suite), "-m", "openai/test-model", "--out", str(out), "--cases", "00_*"], capsys)
    (out / "run.json").write_text(text)
    served = len(endpoint.requests)
    code, _, err = run(["eval", str(suite), "-m", "openai/test-model", "--out", str(out), "--resume"], capsys)
    assert code == 2 and "run.json is damaged" in err and err.count("\n") == 1, err
    assert len(endpoint.requests) == served


def test_resume_refuses_another_suite_directory(suite, endpoint, tmp_path, capsys):
    out = tmp_path / "o"
    run(["eval", str(suite), "-m", "openai/test-model", "--out", str(out), "--cases", "00_*"], capsys)
    other = shutil.copytree(suite, tmp_path / "other-suite")  # same case ids, another directory
    served = len(endpoint.requests)
    code, _, err = run(["eval", str(other), "-m", "openai/test-model", "--out", str(out), "--resume"], capsys)
    assert code == 2 and f"suite {suite.resolve()} (now {other.resolve()})" in err, err
    assert "resume with the same suite directory" in err and err.count("\n") == 1
    assert len(endpoint.requests) == served


@pytest.mark.parametrize("run_json", [
    lambda settings: settings,  # --cases is not a setting: a run of some cases resumes with all
    lambda settings: {k: v for k, v in settings.items() if k != "suite"},  # a run.json from before the suite was kept
], ids=["other-cases", "older-run-json"])
def test_resume_continues_with_more_cases(run_json, suite, endpoint, tmp_path, capsys):
    out = tmp_path / "o"
    run(["eval", str(suite), "-m", "openai/test-model", "--out", str(out), "--cases", "00_*"], capsys)
    settings = json.loads((out / "run.json").read_text())
    assert settings["suite"] == str(suite.resolve())
    (out / "run.json").write_text(json.dumps(run_json(settings)))
    served = len(endpoint.requests)
    code, _, err = run(["eval", str(suite), "-m", "openai/test-model", "--out", str(out), "--resume"], capsys)
    assert code == 0, err
    asked = endpoint.requests[served:]
    assert asked and not any("MOSCOW, June 8" in r.messages[-1]["content"] for r in asked)  # case 00 kept
    assert [c["id"] for c in results_of(out)["cases"]] == IDS


@pytest.mark.parametrize(("command", "target", "needle"), [
    ("eval", "{file}", "is a file"),
    ("eval", "{score_report}", "holds a score report"),
    ("score", "{file}", "is a file"),
    ("score", "{file}/sub", "cannot write there"),
    ("score", "{eval_run}", "holds an eval run"),
    ("eval", "{foreign}", "holds report.md, junit.xml, not from a summarizer run"),
    ("score", "{foreign}", "holds report.md, junit.xml, not from a summarizer run"),
    ("eval", "", "is empty"),
    ("score", " ", "is empty"),
], ids=["eval-to-file", "eval-to-score-report", "score-to-file", "score-under-a-file", "score-to-eval-run",
        "eval-to-foreign-reports", "score-to-foreign-reports", "eval-empty", "score-blank"])
def test_a_bad_out_is_refused_before_any_work(command, target, needle, suite, endpoint, tmp_path, capsys):
    from summarizer.gold import gold_to_summary, load_suite

    (tmp_path / "file").write_text("kept")
    (tmp_path / "score_report").mkdir()
    (tmp_path / "score_report" / "results.json").write_text("a score report")
    (tmp_path / "eval_run" / "cases").mkdir(parents=True)
    (tmp_path / "eval_run" / "results.json").write_text("an eval run")
    (tmp_path / "foreign").mkdir()
    (tmp_path / "foreign" / "report.md").write_text("someone's notes")
    (tmp_path / "foreign" / "junit.xml").write_text("<testsuites/>")
    preds = tmp_path / "preds"
    preds.mkdir()
    case = load_suite(suite).cases[0]
    (preds / f"{case.id}.json").write_text(gold_to_summary(case.gold, case.text).model_dump_json())
    out = target.format(**{name: tmp_path / name for name in ("file", "score_report", "eval_run", "foreign")})
    args = ["eval", str(suite), "-m", "openai/test-model"] if command == "eval" else ["score", str(suite), str(preds)]
    code, _, err = run([*args, "--out", out], capsys)
    assert code == 2 and needle in err and err.startswith(("error: --out ", "error: Invalid value for '--out'")), err
    assert err.count("\n") == 1, err
    assert endpoint.requests == []
    assert (tmp_path / "file").read_text() == "kept"
    assert (tmp_path / "score_report" / "results.json").read_text() == "a score report"
    assert (tmp_path / "eval_run" / "results.json").read_text() == "an eval run"
    assert (tmp_path / "foreign" / "report.md").read_text() == "someone's notes"
    assert not (Path.cwd() / "results.json").exists()


@pytest.mark.parametrize(("flag", "toml", "needle"), [
    (["--concurrency", "65"], "", "'--concurrency': 65 is not in the range 1<=x<=64"),
    ([], "concurrency = 1000\n", "suite.toml: concurrency: must be from 1 to 64"),
], ids=["flag", "suite.toml"])
def test_concurrency_over_64_is_refused(flag, toml, needle, suite, endpoint, tmp_path, capsys):
    (suite / "suite.toml").write_text(toml)
    code, _, err = run(["eval", str(suite), "-m", "openai/test-model", "--out", str(tmp_path / "o"), *flag], capsys)
    assert code == 2 and needle in err and err.count("\n") == 1, err
    assert endpoint.requests == []


def test_an_endpoint_echoing_the_key_gets_it_into_no_output_report_or_recording(suite, endpoint, tmp_path, capsys,
                                                                                 monkeypatch):
    """A plain key (no credential shape) that the endpoint puts in its answers: in a summary, and
    in a participant the article does not support, so the re-ask quotes it back to the endpoint."""
    key = "plainkey-0451-echo"
    monkeypatch.setenv("OPENAI_API_KEY", key)
    echoed = json.loads(json.dumps(ANSWERS))
    echoed["OverviewDraft"]["summary"] = f"They meet in Moscow. Sent with Bearer {key}."
    echoed["ParticipantsDraft"]["participants"].append({"name": f"Agent {key}", "kind": "person", "role": None})
    endpoint.set_default(Reply(content=by_schema(echoed)))
    out, rec = tmp_path / "o", tmp_path / "rec"
    code, stdout, err = run(["eval", str(suite), "-m", "openai/test-model", "--cases", "00_*", "--out", str(out),
                             "--record", str(rec)], capsys)
    assert code == 0, err
    reasks = [r for r in endpoint.requests if len(r.body["messages"]) > 2]
    assert reasks and all(key not in json.dumps(r.body) for r in reasks)  # the re-ask quotes the masked answer
    written = [p for p in [*out.rglob("*"), *rec.rglob("*")] if p.is_file()]
    assert written and not [p.name for p in written if key in p.read_text(encoding="utf-8")]
    assert key not in stdout + err
    summary = results_of(out)["cases"][0]["outputs"]["summary"]
    assert "***" in summary and summary.startswith("They meet in Moscow.")


def test_eval_takes_the_re_ask_and_retry_flags_its_errors_suggest(suite, endpoint, tmp_path, capsys):
    endpoint.set_default(Reply(content="{}"))  # fails validation every time
    code, _, err = run(["eval", str(suite), "-m", "openai/test-model", "--cases", "00_*", "--out", str(tmp_path / "a"),
                        "--reasks", "0", "--transport-retries", "0"], capsys)
    assert code == 1 and "raise --reasks" in err
    assert len(endpoint.requests) == 3  # one answer per task, none re-asked
    assert json.loads((tmp_path / "a" / "run.json").read_text())["reasks"] == 0
    code, _, err = run(["eval", str(suite), "-m", "openai/test-model", "--out", str(tmp_path / "a"), "--resume"], capsys)
    assert code == 2 and "reasks 0 (now 2)" in err and "--reasks" in err


def test_broken_prompts_fail_once_before_any_case(suite, endpoint, tmp_path, capsys):
    prompts = tmp_path / "prompts"
    prompts.mkdir()
    (prompts / "system.j2").write_text("{{ no_such_variable }}")
    out = tmp_path / "o"
    code, _, err = run(["eval", str(suite), "-m", "openai/test-model", "--out", str(out), "--prompts", str(prompts)],
                       capsys)
    assert code == 2 and err.startswith("error: prompt template ") and err.count("\n") == 1, err
    assert endpoint.requests == [] and not out.exists()


@pytest.mark.parametrize("damage", [
    lambda text: text[: len(text) // 2],  # cut short
    lambda text: json.dumps({**json.loads(text), "response": [1]}),
    lambda text: json.dumps({**json.loads(text), "response": {"error": "not an answer"}}),
], ids=["cut-short", "a-list", "no-choices"])
def test_a_damaged_recording_says_re_record_not_check_the_endpoint(damage, suite, endpoint, tmp_path, capsys):
    rec = tmp_path / "rec"
    run(["eval", str(suite), "-m", "openai/test-model", "--record", str(rec), "--cases", "00_*",
         "--out", str(tmp_path / "a")], capsys)
    first = sorted(rec.glob("*.json"))[0]
    first.write_text(damage(first.read_text()))
    code, _, err = run(["eval", str(suite), "-m", "openai/test-model", "--replay", str(rec), "--cases", "00_*",
                        "--out", str(tmp_path / "b")], capsys)
    assert code == 1
    error = results_of(tmp_path / "b")["cases"][0]["error"]
    assert f"{first}: unreadable recording" in error and "re-record with --record" in error
    assert "OPENAI_BASE_URL" not in err


def test_a_recording_that_cannot_be_written_is_the_users_to_fix_not_a_bug(suite, endpoint, tmp_path, capsys, monkeypatch):
    from summarizer import recording

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(recording, "tempfile", SimpleNamespace(mkstemp=full))  # the recorder's only
    code, _, err = run(["eval", str(suite), "-m", "openai/test-model", "--record", str(tmp_path / "rec"),
                        "--out", str(tmp_path / "o"), "--cases", "00_*"], capsys)
    assert code == 2, err
    assert f"--record {tmp_path / 'rec'}: cannot write a recording (No space left on device)" in err
    assert "internal error" not in err and "failed validation" not in err
