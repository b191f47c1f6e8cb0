"""The `summarizer` command: outputs, exit codes, one-line errors, reports."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from summarizer.cli import main
from tests.stub_server import Reply

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "00_tass_lavrov_de_mistura.txt"
NEWS = ROOT / "evals" / "news"

ANSWERS = {
    "ParticipantsDraft": {"participants": [
        {"name": "Russian Foreign Minister Sergey Lavrov", "kind": "person", "role": None},
        {"name": "Staffan de Mistura", "kind": "person", "role": "UN Special Envoy for Syria"},
    ]},
    "UpcomingDraft": {"upcoming": [{"event": "Lavrov and de Mistura hold talks", "when_text": "on Thursday"}]},
    "OverviewDraft": {"title": "Lavrov meets de Mistura", "summary": "They meet in Moscow.",
                      "key_issues": [{"issue": "Talks in Moscow on Syria."}, {"issue": "The Astana meeting."},
                                     {"issue": "The Geneva round."}]},
}


def run(args: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
        raise SystemExit(0)
    out, err = capsys.readouterr()
    return exit_info.value.code or 0, out, err


def test_summarize_prints_exactly_one_summary_object(endpoint, capsys):
    code, out, err = run(["summarize", str(SEED), "--model", "openai/test-model", "--format", "json"], capsys)
    assert code == 0, err
    data = json.loads(out)  # one object, nothing else on stdout
    assert data["published"] == "2017-06-08"
    names = {p["name"]: p for p in data["participants"]}
    assert names["Sergey Lavrov"]["role"] == "Russian Foreign Minister"  # title moved to the role
    assert data["upcoming"][0]["date"] == "2017-06-08"  # "on Thursday" in a Thursday article
    assert len(endpoint.requests) == 3


def test_summarize_date_flag_overrides_header(endpoint, capsys):
    code, out, _ = run(["summarize", str(SEED), "-m", "openai/test-model", "--format", "json", "--date", "2017-06-06"], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["published"] == "2017-06-06"
    assert data["upcoming"][0]["date"] == "2017-06-08"  # the Thursday after a Tuesday


def test_summarize_writes_output_file_and_stats(endpoint, capsys, tmp_path):
    target = tmp_path / "out.json"
    target.write_text("an earlier summary")  # replaced, as with curl -o
    code, out, err = run(["summarize", str(SEED), "-m", "openai/test-model", "-o", str(target), "--stats"], capsys)
    assert code == 0
    assert out == ""
    assert json.loads(target.read_text())["title"] == "Lavrov meets de Mistura"
    assert "openai/test-model" in err and "tokens" in err
    assert not list(tmp_path.glob(".out.json*"))  # no temp file left behind


@pytest.mark.parametrize(("target", "needle"), [
    ("no/such/dir/out.json", "cannot write there (No such file or directory)"),
    ("file/out.json", "cannot write there (Not a directory)"),
    (".", "is a directory"),
], ids=["missing-dir", "under-a-file", "a-directory"])
def test_summarize_checks_the_output_path_before_the_model_runs(target, needle, endpoint, capsys, tmp_path):
    (tmp_path / "file").write_text("kept")
    code, out, err = run(["summarize", str(SEED), "-m", "openai/test-model", "-o", str(tmp_path / target)], capsys)
    assert code == 2 and out == "" and needle in err and err.count("\n") == 1, err
    assert endpoint.requests == []
    assert (tmp_path / "file").read_text() == "kept"


def test_markdown_format(endpoint, capsys):
    code, out, _ = run(["summarize", str(SEED), "-m", "openai/test-model", "--format", "markdown"], capsys)
    assert code == 0
    assert out.startswith("# Lavrov meets de Mistura")
    assert "**Sergey Lavrov** (person): Russian Foreign Minister" in out


def test_endpoint_down_is_one_line_and_keeps_existing_output(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-secret")
    target = tmp_path / "out.json"
    target.write_text("precious")
    code, out, err = run(["summarize", str(SEED), "-m", "openai/x", "-o", str(target), "--transport-retries", "1"], capsys)
    assert code == 1
    assert err.count("\n") == 1 and err.startswith("error: ") and "Traceback" not in err
    assert "2 attempts" in err
    assert target.read_text() == "precious"
    assert "sk-test-secret" not in err


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (["summarize", "/no/such/file.txt"], 2, "no such file"),
        (["summarize", str(ROOT / "seeds")], 2, "is a directory"),
        (["summarize", "{empty}"], 2, "is empty"),
        (["summarize", "{blank}"], 2, "is empty"),
        (["summarize", "{binary}"], 2, "binary"),
        (["summarize", "{latin1}"], 2, "not UTF-8"),
        (["summarize", "{badheader}"], 2, "date header"),
        (["summarize", "{huge}"], 2, "is over 50 MB"),
        (["render", "/dev/zero"], 2, "is over 50 MB"),
        (["summarize", str(SEED), "--date", "June 8"], 2, "YYYY-MM-DD"),
        (["summarize", str(SEED), "--date", ""], 2, "YYYY-MM-DD"),
        (["summarize", str(SEED), "--date", "\uff12\uff10\uff11\uff17-06-08"], 2, "YYYY-MM-DD"),
        (["summarize", str(SEED), "-o", ""], 2, "is empty"),
        (["summarize", str(SEED), "--model", "gpt4"], 2, "unknown model"),
        (["summarize", str(SEED), "--model", "local:/no/such.gguf"], 2, "not found"),
        (["summarize", str(SEED), "--model", "openai/gpt-4o-mini"], 2, "OPENAI_API_KEY"),
        (["summarize", str(SEED), "--format", "yaml"], 2, "--format"),
        (["summarize", str(SEED), "--bogus"], 2, "--bogus"),
        (["eval", "/no/such/suite"], 2, "no such suite directory"),
        (["eval", str(NEWS), "--fail-under", "participants.f1=lots"], 2, "participants.f1=lots"),
        (["eval", str(NEWS), "--baseline", "/no/results.json"], 2, "/no/results.json"),
        (["eval", str(NEWS), "--replay", "/no/recordings"], 2, "--replay"),
        (["eval", str(NEWS), "--resume"], 2, "--resume needs --out"),
        (["eval", str(NEWS), "--cases", ""], 2, "is empty"),
        (["score", str(NEWS), "/no/predictions"], 2, "predictions"),
        (["score", str(NEWS), "{tmp}", "--out", "{tmp}/report"], 2, "no predictions found in"),
    ],
    ids=["missing", "directory", "empty", "whitespace", "binary", "latin1", "bad-header", "huge", "dev-zero", "bad-date",
         "empty-date", "full-width-date", "empty-output",
         "unknown-model", "missing-gguf", "missing-key", "bad-format", "bad-flag", "missing-suite",
         "bad-threshold", "missing-baseline", "missing-replay", "resume-without-out", "empty-cases", "missing-predictions",
         "no-predictions"],
)
def test_bad_input_is_one_line_with_exit_code(args, code, needle, capsys, tmp_path, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    files = {
        "{empty}": b"", "{blank}": b"  \n\t\n", "{binary}": b"\x00\x01\x02PK\x03\x04",
        "{latin1}": "Caf\u00e9 au lait".encode("latin-1"), "{badheader}": b"date 2017-13-45\nBody text.",
        "{huge}": b"Lavrov meets de Mistura. " * (51 * 2**20 // 25),
    }
    resolved = []
    for arg in args:
        if arg in files:
            path = tmp_path / "article.txt"
            path.write_bytes(files[arg])
            arg = str(path)
        resolved.append(arg.replace("{tmp}", str(tmp_path)))
    got, out, err = run(resolved, capsys)
    assert got == code
    assert needle in err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert out == ""


def test_schema_command_prints_the_contract(capsys):
    code, out, _ = run(["schema"], capsys)
    assert code == 0
    schema = json.loads(out)
    assert set(schema["properties"]) == {"title", "summary", "published", "key_issues", "participants", "upcoming"}
    assert all("description" in v for v in schema["properties"].values())


def test_render_sends_the_article_verbatim(tmp_path, capsys):
    article = tmp_path / "a.txt"
    article.write_text("date 2020-01-02\nThe minister said {{ 7*7 }} and {% raw %} twice.")
    code, out, _ = run(["render", str(article)], capsys)
    assert code == 0
    calls = json.loads(out)
    assert len(calls) == 3
    assert all("said {{ 7*7 }} and {% raw %} twice." in c[-1]["content"] for c in calls)
    assert "2020-01-02 (Thursday)" in calls[0][-1]["content"]


def test_score_cli_writes_every_report_and_uses_thresholds(tmp_path, capsys):
    from summarizer.gold import gold_to_summary, load_suite

    news = tmp_path / "news"  # without suite.toml: only the thresholds given here apply
    shutil.copytree(NEWS, news, ignore=shutil.ignore_patterns("suite.toml"))
    suite = load_suite(news)
    preds = tmp_path / "preds"
    preds.mkdir()
    for case in suite.cases[:-1]:  # the last one is missing: scored as an empty summary
        summary = gold_to_summary(case.gold, case.text)
        (preds / f"{case.id}.json").write_text(summary.model_dump_json())
    out = tmp_path / "report"
    code, _, err = run(["score", str(news), str(preds), "--out", str(out), "--fail-under", "participants.f1=0.5"], capsys)
    assert code == 0, err
    assert {p.name for p in out.iterdir()} >= {"results.json", "report.md", "junit.xml", "report.html"}
    results = json.loads((out / "results.json").read_text())
    assert 0.5 < results["aggregate"]["participants"]["f1"] < 1.0
    assert "no prediction for " + suite.cases[-1].id in " ".join(results["warnings"])
    code, _, err = run(["score", str(news), str(preds), "--out", str(out)], capsys)
    assert code == 0, err  # a score report's directory takes a new score report
    code, _, err = run(["score", str(news), str(preds), "--out", str(tmp_path / "r2"), "--fail-under", "participants.recall=0.99"], capsys)
    assert code == 1
    assert "participants.recall" in err


def test_a_fail_under_flag_that_moves_a_suite_gate_says_so(tmp_path, capsys):
    from summarizer.gold import gold_to_summary, load_suite

    preds = tmp_path / "preds"
    preds.mkdir()
    for case in load_suite(NEWS).cases:
        (preds / f"{case.id}.json").write_text(gold_to_summary(case.gold, case.text).model_dump_json())
    code, _, err = run(["score", str(NEWS), str(preds), "--out", str(tmp_path / "o"),
                        "--fail-under", "upcoming.f1=0.5", "--fail-under", "participants.f1=0.95"], capsys)
    assert code == 1 and "threshold missed: groundedness" in err, err  # suite.toml's other gates still hold
    warnings = json.loads((tmp_path / "o" / "results.json").read_text())["warnings"]
    shipped = tomllib.loads((NEWS / "suite.toml").read_text())["thresholds"]
    assert shipped["upcoming.f1"] > 0.5 and shipped["participants.f1"] < 0.95
    assert (f"--fail-under upcoming.f1=0.5 replaces suite.toml's upcoming.f1={shipped['upcoming.f1']:g} "
            "(a looser gate)") in warnings
    assert f"--fail-under participants.f1=0.95 replaces suite.toml's participants.f1={shipped['participants.f1']:g}" in warnings
    assert "warning: --fail-under upcoming.f1=0.5 replaces" in err


def test_score_rejects_a_malformed_prediction(tmp_path, capsys):
    preds = tmp_path / "preds"
    preds.mkdir()
    (preds / "00_tass_lavrov_de_mistura.json").write_text('{"title": 3}')
    code, _, err = run(["score", str(NEWS), str(preds), "--out", str(tmp_path / "o")], capsys)
    assert code == 2
    assert "00_tass_lavrov_de_mistura.json" in err and err.count("\n") == 1


def test_bad_gold_file_stops_before_any_model_call(tmp_path, capsys, stub, monkeypatch):
    suite = tmp_path / "suite"
    shutil.copytree(NEWS, suite, ignore=shutil.ignore_patterns("suite.toml"))
    gold = json.loads((suite / "05_afp_hill_six_party_talks.gold.json").read_text())
    gold["upcoming"][0]["date"] = "next week"
    (suite / "05_afp_hill_six_party_talks.gold.json").write_text(json.dumps(gold))
    monkeypatch.setenv("OPENAI_BASE_URL", stub.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    code, _, err = run(["eval", str(suite), "-m", "openai/test-model", "--out", str(tmp_path / "o")], capsys)
    assert code == 2
    assert "05_afp_hill_six_party_talks.gold.json" in err and "upcoming[0].date" in err
    assert stub.requests == []


def test_a_misnamed_gold_file_stops_eval_unless_unpaired_files_are_allowed(tmp_path, capsys, stub, monkeypatch):
    suite = tmp_path / "suite"
    shutil.copytree(NEWS, suite, ignore=shutil.ignore_patterns("suite.toml"))
    (suite / "05_afp_hill_six_party_talks.gold.json").rename(suite / "05_afp_hill_six_party.gold.json")
    monkeypatch.setenv("OPENAI_BASE_URL", stub.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    code, _, err = run(["eval", str(suite), "-m", "openai/test-model", "--out", str(tmp_path / "o")], capsys)
    assert code == 2 and err.count("\n") == 1
    assert "gold without its article: " in err and "05_afp_hill_six_party.gold.json has no 05_afp_hill_six_party.txt" in err
    assert "05_afp_hill_six_party_talks.txt has no 05_afp_hill_six_party_talks.gold.json" in err
    assert stub.requests == [] and not (tmp_path / "o").exists()
    code, _, err = run(["eval", str(suite), "-m", "openai/test-model", "--out", str(tmp_path / "o"), "--allow-unpaired"], capsys)
    results = json.loads((tmp_path / "o" / "results.json").read_text())
    assert len(results["cases"]) == 7 and "05_afp_hill_six_party_talks" not in {c["id"] for c in results["cases"]}
    assert "05_afp_hill_six_party.gold.json has no" in " ".join(results["warnings"])
    code, _, err = run(["score", str(suite), str(tmp_path / "o"), "--out", str(tmp_path / "s")], capsys)
    assert code == 2 and "--allow-unpaired" in err


def test_a_package_warning_is_one_redacted_line_and_the_command_goes_on(tmp_path, capsys, monkeypatch):
    import warnings

    from summarizer.errors import SummarizerWarning
    from summarizer.prompts import Prompts

    render = Prompts.render

    def warning_render(self, name, **variables):
        warnings.warn("cannot save state in https://user:hunter2-secret@example.com/cache", SummarizerWarning)
        return render(self, name, **variables)

    monkeypatch.setattr(Prompts, "render", warning_render)
    code, out, err = run(["render", str(SEED)], capsys)
    assert code == 0 and "Lavrov" in out
    lines = err.splitlines()
    assert lines and set(lines) == {"warning: cannot save state in https://***@example.com/cache"}


def test_module_runs_without_traceback_on_bad_input():
    proc = subprocess.run([sys.executable, "-m", "summarizer", "summarize", "/no/such"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "error: /no/such: no such file; check the path"


def test_ctrl_c_while_the_command_line_loads_is_the_one_line_interrupt():
    """A Ctrl-C that lands while click loads (the first ~0.1 s), as the console script runs it."""
    code = (
        "import builtins\n"
        "real = builtins.__import__\n"
        "def interrupted(name, *args, **kwargs):\n"
        "    if name == 'click':\n"
        "        raise KeyboardInterrupt\n"
        "    return real(name, *args, **kwargs)\n"
        "builtins.__import__ = interrupted\n"
        "from summarizer.__main__ import main\n"
        "main()\n"
    )
    proc = subprocess.run([sys.executable, "-c", code, "summarize", str(SEED)], capture_output=True, text=True)
    assert (proc.returncode, proc.stderr) == (130, "error: interrupted\n")


def test_the_console_script_is_the_interrupt_safe_entry():
    from importlib.metadata import entry_points

    (script,) = entry_points(group="console_scripts", name="summarizer")
    assert script.value == "summarizer.__main__:main"


KEY = "sk-test-SECRET123"


def _summarize_in_a_process(stub, tmp_path, **env: str) -> subprocess.CompletedProcess:
    """The CLI in its own process (no pytest log handlers), against the stub endpoint."""
    environ = {**os.environ, "OPENAI_BASE_URL": stub.base_url, "OPENAI_API_KEY": KEY, **env}
    if "SUMMARIZER_LOG" not in env:
        environ.pop("SUMMARIZER_LOG", None)
    return subprocess.run(
        [sys.executable, "-m", "summarizer", "summarize", str(SEED), "-m", "openai/test-model",
         "--transport-retries", "1", "-o", str(tmp_path / "summary.json")],
        capture_output=True, text=True, env=environ, timeout=120,
    )


@pytest.mark.parametrize("status", [400, 401, 500])
def test_a_failing_endpoint_is_one_line_on_stderr_with_no_key(stub, tmp_path, status):
    """instructor logs every failed attempt at ERROR, and the endpoint echoes the key: neither shows."""
    stub.set_default(Reply(status=status, error=f"rejected; you sent Authorization: Bearer {KEY}"))
    proc = _summarize_in_a_process(stub, tmp_path)
    assert proc.returncode in (1, 2)
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("error: "), proc.stderr
    assert KEY not in proc.stderr and "instructor" not in proc.stderr
    assert not (tmp_path / "summary.json").exists()


def test_summarizer_log_shows_library_logs_redacted(stub, tmp_path):
    stub.set_default(Reply(status=400, error=f"rejected; you sent Authorization: Bearer {KEY}"))
    proc = _summarize_in_a_process(stub, tmp_path, SUMMARIZER_LOG="error")
    assert "ERROR instructor" in proc.stderr and "Bearer ***" in proc.stderr
    assert KEY not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith("error: ")


def test_a_bad_summarizer_log_value_is_a_usage_error(monkeypatch, capsys):
    monkeypatch.setenv("SUMMARIZER_LOG", "loud")
    code, _, err = run(["summarize", str(SEED), "-m", "openai/test-model"], capsys)
    assert code == 2 and err.startswith("error: SUMMARIZER_LOG=LOUD: use DEBUG") and err.count("\n") == 1


def test_an_internal_bug_is_one_line_not_a_traceback(endpoint, capsys, monkeypatch):
    from summarizer import api

    def broken(self, *args, **kwargs):
        raise KeyError("boom")

    monkeypatch.setattr(api.Summarizer, "run", broken)
    code, out, err = run(["summarize", str(SEED), "-m", "openai/test-model"], capsys)
    assert code == 1 and out == ""
    assert err.startswith("error: internal error (KeyError") and err.count("\n") == 1
    assert "SUMMARIZER_DEBUG=1" in err


def test_ctrl_c_stops_summarize_at_once_while_endpoint_calls_are_out(stub, tmp_path):
    """The three calls wait on a slow endpoint; Ctrl-C ends the process now, not when they time out."""
    import signal
    import time

    stub.set_default(Reply(content="{}", delay=60))
    out = tmp_path / "summary.json"
    env = {**os.environ, "OPENAI_BASE_URL": stub.base_url, "OPENAI_API_KEY": "sk-test-secret-key"}
    proc = subprocess.Popen([sys.executable, "-m", "summarizer", "summarize", str(SEED), "-m", "openai/m", "-o", str(out)],
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        deadline = time.monotonic() + 60
        while len(stub.requests) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(stub.requests) == 3  # all three calls are out
        proc.send_signal(signal.SIGINT)
        started = time.monotonic()
        _, err = proc.communicate(timeout=30)
        assert time.monotonic() - started < 10
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == 130
    assert err.strip() == "error: interrupted; nothing was written"
    assert len(stub.requests) == 3 and not out.exists()  # no retry went out, no partial file
