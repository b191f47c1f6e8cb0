"""Eval benchmark: replay + scoring speed, and how well cases overlap against an endpoint.

1  `summarizer eval evals/news --replay evals/recordings` end to end as a subprocess (target < 2 s).
   Without evals/recordings, the suite is first recorded against a local stub and that is replayed.
   Also times a fresh interpreter importing what eval needs, and its heaviest libraries.
2  A 40-case suite (the evals/news cases copied 5 times) against a stub endpoint that answers
   every request after 200 ms, with --concurrency 8. The focused pipeline sends a case's three
   requests at once, so the ideal is 40 / 8 x 0.2 s = 1 s; target: measured / ideal <= 1.25.

Prints a table, writes runs/bench/eval.json.
Usage: python bench/bench_eval.py [--wait-max S] [--repeat N] [--delay S] [--concurrency N] [--cases N]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # noqa: E402
    NEWS, ROOT, RUNS, SUMMARIZER, Watcher, environment, run_timed, shown, stub_server, table, verdict, wait_until_idle, write_json,
)

RECORDINGS = ROOT / "evals" / "recordings"
TARGET_REPLAY_S = 2.0
TARGET_CONCURRENCY_RATIO = 1.25
_TASK = re.compile(r"Task: (\w+)\.")


def answer(body: dict[str, Any]) -> dict[str, Any]:
    """A valid, grounded answer for the task the request asks (see prompts/user.j2)."""
    messages = body.get("messages") or []
    users = [m.get("content") or "" for m in messages if m.get("role") == "user"]
    found = _TASK.search(users[0] if users else "")
    task = found.group(1) if found else ""
    if task == "participants":
        return {"participants": []}
    if task == "upcoming":
        return {"upcoming": []}
    return {
        "title": "Officials meet for talks",
        "summary": "Officials met for talks. They discussed the next steps.",
        "key_issues": [{"issue": "Talks between officials."}, {"issue": "Next steps."}, {"issue": "Reactions."}],
    }


def case_pairs(suite: Path) -> list[tuple[Path, Path]]:
    golds = {p.name.removesuffix(".gold.json"): p for p in suite.glob("*.gold.json")}
    return [(suite / f"{stem}.txt", golds[stem]) for stem in sorted(golds) if (suite / f"{stem}.txt").is_file()]


def build_suite(source: Path, target: Path, n_cases: int) -> int:
    """``n_cases`` cases cycling through ``source``'s; each copy gets a new stem and gold id."""
    pairs = case_pairs(source)
    if not pairs:
        raise SystemExit(f"{source}: no NAME.txt + NAME.gold.json pairs")
    target.mkdir(parents=True)
    copies = math.ceil(n_cases / len(pairs))
    made = 0
    for k in range(1, copies + 1):
        for article, gold_path in pairs:
            if made == n_cases:
                return made
            stem = f"{article.stem}_copy{k}"
            shutil.copyfile(article, target / f"{stem}.txt")
            gold = json.loads(gold_path.read_text(encoding="utf-8"))
            gold["id"] = stem
            (target / f"{stem}.gold.json").write_text(json.dumps(gold, ensure_ascii=False, indent=1), encoding="utf-8")
            made += 1
    return made


def results_of(out: Path) -> dict[str, Any]:
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    cases = data.get("cases", [])
    return {"cases": len(cases), "errors": [f"{c['id']}: {c['error']}" for c in cases if c.get("error")],
            "threshold_misses": data.get("threshold_misses", [])}


def replay_bench(tmp: Path, repeat: int) -> dict[str, Any]:
    env = dict(os.environ)
    model_args: list[str] = []
    if RECORDINGS.is_dir() and any(RECORDINGS.glob("*.json")):
        source, note = RECORDINGS, "evals/recordings (committed)"
    else:
        source = tmp / "recordings"
        note = ("evals/recordings does not exist: recorded evals/news against the stub first "
                "(--model openai/stub --record), then replayed that")
        stub = stub_server(answer, 0.0)
        try:
            env_rec = {**env, "OPENAI_BASE_URL": stub.base_url, "OPENAI_API_KEY": "bench-dummy"}
            run_timed([SUMMARIZER, "eval", NEWS, "--model", "openai/stub", "--record", source, "--concurrency", "8",
                       "--out", tmp / "record-run"], env=env_rec).check("recording against the stub", ok=(0, 1))
        finally:
            stub.stop()
        model_args = ["--model", "openai/stub"]
    for key in ("OPENAI_BASE_URL", "OPENAI_API_KEY"):
        env.pop(key, None)  # replay needs neither
    runs = []
    for i in range(repeat):
        out = tmp / f"replay-{i}"
        done = run_timed([SUMMARIZER, "eval", NEWS, "--replay", source, *model_args, "--out", out], env=env)
        done.check("replay eval", ok=(0, 1))  # 1 = a threshold missed: still a complete run
        runs.append({"wall_s": done.wall_s, "exit": done.returncode, "peak_rss_gb": done.maxrss_gb,
                     "cpu_s": done.user_s + done.sys_s, **results_of(out)})
    walls = [r["wall_s"] for r in runs]
    return {"source": str(source), "note": note, "argv": ["summarizer", "eval", "evals/news", "--replay", str(source),
                                                          *model_args, "--out", "TMP"],
            "runs": runs, "median_s": statistics.median(walls), "min_s": min(walls), "first_s": walls[0]}


# What `summarizer eval --replay` imports, and the libraries that weigh most in it.
IMPORTS = {
    "what eval imports": "summarizer.cli, summarizer.api, summarizer.evaluate",
    "openai": "openai",
    "rouge_score (imports nltk, which imports scipy.stats)": "rouge_score.rouge_scorer",
    "scipy.optimize": "scipy.optimize",
}


def import_costs(repeat: int) -> dict[str, float]:
    """Median wall time for a fresh interpreter to import each of IMPORTS, less a bare start.

    The part of the replay's time no code of the tool can save while it uses these
    libraries: each is imported alone, so the libraries' times overlap the first row's.
    """
    def median_wall(code: str) -> float:
        walls = []
        for _ in range(repeat):
            done = run_timed([sys.executable, "-c", code])
            done.check(f"python -c {code!r}")
            walls.append(done.wall_s)
        return statistics.median(walls)

    start = median_wall("pass")
    return {"interpreter start": start,
            **{label: max(0.0, median_wall(f"import {modules}") - start) for label, modules in IMPORTS.items()}}


def max_in_flight(arrivals: list[float], finishes: list[float]) -> int:
    events = sorted([(t, 1) for t in arrivals] + [(t, -1) for t in finishes])
    level = peak = 0
    for _, step in events:
        level += step
        peak = max(peak, level)
    return peak


def concurrency_bench(tmp: Path, n_cases: int, concurrency: int, delay: float) -> dict[str, Any]:
    suite = tmp / "suite40"
    made = build_suite(NEWS, suite, n_cases)
    stub = stub_server(answer, delay)
    try:
        env = {**os.environ, "OPENAI_BASE_URL": stub.base_url, "OPENAI_API_KEY": "bench-dummy"}
        out = tmp / "concurrency-run"
        spawned = time.monotonic()
        done = run_timed([SUMMARIZER, "eval", suite, "--model", "openai/stub", "--concurrency", concurrency,
                          "--out", out], env=env)
        ended = time.monotonic()
        done.check("concurrency eval", ok=(0, 1))
        arrivals, finishes = sorted(stub.arrivals()), sorted(stub.finishes)
    finally:
        stub.stop()
    res = results_of(out)
    if not arrivals or not finishes:
        raise SystemExit("the stub saw no requests")
    inside = finishes[-1] - arrivals[0]
    ideal = math.ceil(made / concurrency) * delay
    return {
        "cases": made, "concurrency": concurrency, "delay_s": delay, "stub": stub.kind,
        "requests": len(arrivals), "expected_requests": 3 * made,
        "inside_s": inside, "subprocess_s": done.wall_s, "ideal_s": ideal,
        "ratio_inside": inside / ideal, "ratio_subprocess": done.wall_s / ideal,
        "start_to_first_request_s": arrivals[0] - spawned, "last_response_to_exit_s": ended - finishes[-1],
        "max_in_flight": max_in_flight(arrivals, finishes),
        "arrival_offsets_s": [round(t - arrivals[0], 3) for t in arrivals],
        "peak_rss_gb": done.maxrss_gb, "cpu_s": done.user_s + done.sys_s, "exit": done.returncode, **res,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wait-max", type=float, default=600,
                        help="wait up to S seconds for model processes (they steal the CPU) to finish")
    parser.add_argument("--repeat", type=int, default=3, help="replay runs (the median is judged)")
    parser.add_argument("--cases", type=int, default=40)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--delay", type=float, default=0.2, help="stub answer delay in seconds")
    parser.add_argument("--out", type=Path, default=RUNS / "eval.json")
    args = parser.parse_args()

    busy, waited = wait_until_idle(args.wait_max)
    if busy:
        print(f"WARNING: another model process is running (waited {waited:.0f} s); it competes for the CPU:\n  "
              + "\n  ".join(busy), flush=True)
    with Watcher(every_s=5.0) as watcher, tempfile.TemporaryDirectory(prefix="bench-eval-") as tmp_name:
        tmp = Path(tmp_name)
        print("1: replay + scoring of evals/news ...", flush=True)
        replay = replay_bench(tmp, max(1, args.repeat))
        replay["imports_s"] = import_costs(max(1, args.repeat))
        print(f"2: {args.cases} cases against a {args.delay * 1000:.0f} ms stub, --concurrency {args.concurrency} ...",
              flush=True)
        conc = concurrency_bench(tmp, args.cases, args.concurrency, args.delay)
    others = watcher.others

    print()
    print(f"1: replay source: {replay['note']}")
    print(table([
        [f"replay run {i + 1}", f"{r['wall_s']:.2f}", r["cases"], len(r["errors"]), f"{r['peak_rss_gb']:.2f}",
         f"{r['cpu_s']:.2f}"]
        for i, r in enumerate(replay["runs"])
    ], ["", "wall s", "cases", "errors", "peak GB", "CPU s"]))
    print(f"replay median {replay['median_s']:.2f} s (target < {TARGET_REPLAY_S} s: "
          f"{verdict(replay['median_s'], TARGET_REPLAY_S)}), min {replay['min_s']:.2f} s")
    imports = replay["imports_s"]
    start, imported = imports["interpreter start"], imports["what eval imports"]
    print(table([[label, f"{seconds:.2f}"] for label, seconds in imports.items()], ["fresh interpreter", "s"]))
    print(f"of the replay's median {replay['median_s']:.2f} s, {start:.2f} s is Python starting and {imported:.2f} s "
          f"importing; the rest, {replay['median_s'] - start - imported:.2f} s, is replaying, scoring and writing the reports")
    for r in replay["runs"][:1]:
        for e in r["errors"][:5]:
            print(f"  error: {e}")
    print()
    print(f"2: {conc['cases']} cases, --concurrency {conc['concurrency']}, stub delay {conc['delay_s'] * 1000:.0f} ms "
          f"({conc['stub']})")
    print(table([
        ["first request -> last response", f"{conc['inside_s']:.2f}", f"{conc['ideal_s']:.2f}",
         f"{conc['ratio_inside']:.2f}", f"<= {TARGET_CONCURRENCY_RATIO}",
         verdict(conc["ratio_inside"], TARGET_CONCURRENCY_RATIO)],
        ["whole subprocess", f"{conc['subprocess_s']:.2f}", f"{conc['ideal_s']:.2f}",
         f"{conc['ratio_subprocess']:.2f}", "", ""],
    ], ["", "s", "ideal s", "ratio", "target", ""]))
    print(f"requests {conc['requests']} (expected {conc['expected_requests']}), max in flight "
          f"{conc['max_in_flight']} (ideal {3 * conc['concurrency']}), case errors {len(conc['errors'])}, "
          f"CPU {conc['cpu_s']:.1f} s, peak {conc['peak_rss_gb']:.2f} GB")
    print(f"outside the window: start -> first request {conc['start_to_first_request_s']:.2f} s, "
          f"last response -> exit {conc['last_response_to_exit_s']:.2f} s")
    for e in conc["errors"][:5]:
        print(f"  error: {e}")
    if others:
        print("WARNING: other model/test processes ran during this benchmark; timings are distorted:\n  "
              + "\n  ".join(others))

    data = {
        "environment": environment(), "contended": bool(others), "other_processes": others, "waited_s": waited,
        "replay": replay, "concurrency": conc,
        "targets": {"replay_s": TARGET_REPLAY_S, "concurrency_ratio": TARGET_CONCURRENCY_RATIO},
        "met": {"replay": replay["median_s"] < TARGET_REPLAY_S,
                "concurrency": conc["ratio_inside"] <= TARGET_CONCURRENCY_RATIO},
    }
    print(f"\nwrote {shown(write_json(args.out, data))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
