"""Core benchmark: summarizing the seed article with the embedded model, against bare llama.cpp.

A  the summarizer end to end in a fresh process (model load included): wall time, peak RSS,
   and a recording of exactly which requests it made.
B  bare llama-cpp-python in a fresh process: same GGUF and settings, the same requests in the
   same order, no grammar, end-of-turn tokens banned so each answer is exactly as long as A's.
   A/B is what the package adds on top of the model (imports, grammar, checks, re-asks).
C  prefix reuse in one process: the seed then a second article; per request, the prompt tokens
   sent vs the tokens llama.cpp actually evaluated.

All figures come from this one run. Prints a table, writes runs/bench/summarize.json.
Usage: python bench/bench_summarize.py [--wait-max S] [--skip-prefix] [--second-article PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # noqa: E402
    NEWS, PYTHON, ROOT, RUNS, SEED, SUMMARIZER, Watcher, environment, run_timed, shown, table, verdict, wait_until_idle, write_json,
)

TARGET_RATIO = 1.10
TARGET_PEAK_GB = 2.5
SECOND_ARTICLE = NEWS / "05_afp_hill_six_party_talks.txt"

# A, when `summarizer summarize` has no --record: the same library calls the CLI makes
# (read_article, Summarizer(model).run, JSON out), plus a recorder.
CHILD_A = r"""
import json, sys, time
t0 = time.perf_counter()
from summarizer import Summarizer, read_article
t1 = time.perf_counter()
result = Summarizer("local", record_dir=sys.argv[2]).run(read_article(sys.argv[1]))
t2 = time.perf_counter()
sys.stdout.write(json.dumps(result.to_json_dict(), indent=2, ensure_ascii=False) + "\n")
sys.stderr.write("BENCH " + json.dumps({"import_s": t1 - t0, "run_s": t2 - t1, "latency_s": result.latency_s,
                                        "usage": result.usage.as_dict()}) + "\n")
"""

# B: bare llama-cpp-python replaying A's requests without grammar, exactly as many tokens each.
CHILD_B = r"""
import json, sys, time
t0 = time.perf_counter()
import llama_cpp
from llama_cpp import Llama
t1 = time.perf_counter()
gguf, n_ctx, threads, plan_path, out_path = sys.argv[1:6]
plan = json.load(open(plan_path, encoding="utf-8"))
llm = Llama(model_path=gguf, n_ctx=int(n_ctx), n_threads=int(threads), n_batch=512, verbose=False, seed=0)
t2 = time.perf_counter()
banned = {llm.token_eos()}
for text in (b"<|im_end|>", b"<|endoftext|>"):
    ids = llm.tokenize(text, add_bos=False, special=True)
    if len(ids) == 1:
        banned.add(ids[0])
vocab = llm._model.vocab
n_vocab = llm.n_vocab()
banned |= {t for t in range(max(0, n_vocab - 1024), n_vocab) if llama_cpp.llama_vocab_is_eog(vocab, t)}
bias = {t: -1e9 for t in sorted(banned)}
ctx = llm._ctx.ctx
results = []
for step in plan:
    llama_cpp.llama_perf_context_reset(ctx)
    s = time.perf_counter()
    resp = llm.create_chat_completion(messages=step["messages"], max_tokens=step["max_tokens"], temperature=0.0,
                                      seed=0, logit_bias=bias)
    perf = llama_cpp.llama_perf_context(ctx)
    results.append({"wall_s": time.perf_counter() - s, "usage": resp["usage"],
                    "finish_reason": resp["choices"][0]["finish_reason"],
                    "n_p_eval": perf.n_p_eval, "n_eval": perf.n_eval,
                    "t_p_eval_ms": perf.t_p_eval_ms, "t_eval_ms": perf.t_eval_ms})
t3 = time.perf_counter()
json.dump({"import_s": t1 - t0, "load_s": t2 - t1, "requests_s": t3 - t2, "banned_tokens": sorted(banned),
           "requests": results}, open(out_path, "w"))
"""

# C: the summarizer in one process, two articles; per request, the tokens llama.cpp evaluated.
# LocalBackend.send = [restore/evaluate the system-prompt state (disk prefix cache)] + create_chat_completion;
# both are wrapped: send for llama.cpp's counters over the whole request, create_chat_completion for what the
# KV cache held when the prompt was matched.
CHILD_C = r"""
import json, re, sys, time
import llama_cpp
from summarizer import Summarizer, read_article
out_path, paths = sys.argv[1], sys.argv[2:]
s = Summarizer("local")
backend = s.llm.backend
llm = backend.llama  # loads the model
ctx = llm._ctx.ctx
log, current, at_call = [], {}, {}
original_create, original_send, original_eval = llm.create_chat_completion, backend.send, llm.eval

def common_prefix(a, b):
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n

def eval_(tokens):
    if not at_call.get("created"):  # the backend's own steps: the system prefix, the article
        at_call["warm_evals"] = at_call.get("warm_evals", 0) + len(tokens)
    return original_eval(tokens)

def create(*args, **kwargs):
    at_call["kv"] = llm.input_ids[: llm.n_tokens].tolist()  # after the backend's prefix and article steps
    at_call["created"] = True
    return original_create(*args, **kwargs)

def send(request):
    at_call.clear()
    llama_cpp.llama_perf_context_reset(ctx)
    started = time.perf_counter()
    resp = original_send(request)
    wall = time.perf_counter() - started
    perf = llama_cpp.llama_perf_context(ctx)
    usage = resp["usage"]
    prompt = llm.input_ids[: usage["prompt_tokens"]].tolist()
    status = getattr(backend, "prefix_status", "n/a")
    system = request["messages"][0]["content"]
    prefix_len = len(getattr(backend, "_prefixes", {}).get(system, []))
    at_create = common_prefix(at_call.get("kv", []), prompt[:-1])  # llama-cpp-python matches all but the last
    restored = prefix_len if status == "restored" else 0
    warm_evaluated = at_call.get("warm_evals", 0)  # evaluated before the chat completion
    task = re.search(r"Task: (\w+)\.", request["messages"][1]["content"])
    log.append({"article": current["name"], "task": task.group(1) if task else "?",
                "reask": len(request["messages"]) > 2, "prefix_cache": status, "system_prefix_tokens": prefix_len,
                "prompt_tokens": usage["prompt_tokens"], "completion_tokens": usage["completion_tokens"],
                "kv_reused": max(0, at_create - warm_evaluated - restored), "disk_restored": restored,
                "evaluated_by_prefix": usage["prompt_tokens"] - at_create + warm_evaluated,
                "n_p_eval": perf.n_p_eval, "n_eval": perf.n_eval, "t_p_eval_ms": perf.t_p_eval_ms,
                "t_eval_ms": perf.t_eval_ms, "wall_s": wall, "prompt_ids": prompt})
    return resp

llm.create_chat_completion = create
llm.eval = eval_
backend.send = send
runs = []
for path in paths:
    current["name"] = path.rsplit("/", 1)[-1]
    result = s.run(read_article(path))
    runs.append({"article": current["name"], "latency_s": result.latency_s, "usage": result.usage.as_dict()})
json.dump({"requests": log, "runs": runs}, open(out_path, "w"))
"""


def local_settings() -> tuple[str, int, int]:
    """The GGUF, n_ctx and n_threads the summarizer's local backend uses (summarizer/backends/local.py)."""
    from summarizer import weights
    from summarizer.backends.local import DEFAULT_N_CTX

    gguf = str(weights.resolve())
    n_ctx = int(os.environ.get("SUMMARIZER_N_CTX", DEFAULT_N_CTX))
    threads = int(os.environ.get("SUMMARIZER_THREADS", "0")) or os.cpu_count() or 2
    return gguf, n_ctx, threads


def bare_llama(**overrides):
    """A bare ``llama_cpp.Llama`` with the local backend's GGUF and settings (``overrides`` on top)."""
    from llama_cpp import Llama

    gguf, n_ctx, threads = local_settings()
    settings = dict(model_path=gguf, n_ctx=n_ctx, n_threads=threads, n_batch=512, verbose=False, seed=0)
    return Llama(**{**settings, **overrides})


def warm_page_cache(path: str) -> float:
    """Read the GGUF once so neither A nor B pays for the disk (A runs first)."""
    import time

    started = time.perf_counter()
    with open(path, "rb") as handle:
        while handle.read(16 << 20):
            pass
    return time.perf_counter() - started


def cli_has_record() -> bool:
    help_text = subprocess.run([SUMMARIZER, "summarize", "--help"], capture_output=True, text=True, cwd=ROOT).stdout
    return "--record" in help_text


def read_recordings(directory: Path) -> list[dict[str, Any]]:
    """The recorded exchanges in the order they were made (the local backend sends one at a time)."""
    files = sorted(directory.glob("*.json"), key=lambda p: (p.stat().st_mtime_ns, p.name))
    return [json.loads(p.read_text(encoding="utf-8")) for p in files]


def task_of(messages: list[dict[str, str]]) -> str:
    import re

    found = re.search(r"Task: (\w+)\.", messages[1]["content"]) if len(messages) > 1 else None
    name = found.group(1) if found else "plain"
    return name + (" (re-ask)" if len(messages) > 2 else "")


def prefix_states() -> dict[str, int]:
    """The disk prefix cache's state files (name -> mtime_ns), to tell a restore from a fresh save."""
    try:
        from summarizer.backends.local import prefix_cache_dir
    except ImportError:
        return {}
    return {p.name: p.stat().st_mtime_ns for p in prefix_cache_dir().glob("prefix-*.state")}


def bench_a(rec: Path, *, disk_prefix_cache: bool = True) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    env = dict(os.environ)
    if not disk_prefix_cache:
        env["SUMMARIZER_PREFIX_CACHE"] = "0"
    if cli_has_record():
        how = "`summarizer summarize SEED --format json --model local --record DIR` (the CLI itself)"
        argv = [SUMMARIZER, "summarize", SEED, "--format", "json", "--model", "local", "--record", rec]
    else:
        how = ("`python -c` child: Summarizer('local', record_dir=DIR).run(read_article(SEED)) + JSON out "
               "(the CLI `summarize` has no --record flag, so this stands in for it)")
        argv = [PYTHON, "-c", CHILD_A, SEED, rec]
    states_before = prefix_states()
    done = run_timed(argv, env=env).check("A (summarizer)")
    states_after = prefix_states()
    if not disk_prefix_cache:
        cache = "off (SUMMARIZER_PREFIX_CACHE=0)"
    elif any(states_before.get(name) != mtime for name, mtime in states_after.items()):
        cache = "cold: evaluated the system prompt and saved its state"
    elif states_after:
        cache = "warm: restored the system prompt's state from disk"
    else:
        cache = "none"
    summary = json.loads(done.stdout)
    inner = next((json.loads(line[6:]) for line in done.stderr.splitlines() if line.startswith("BENCH ")), None)
    recs = read_recordings(rec)
    if not recs:
        raise SystemExit(f"A made no recording in {rec}")
    return {
        "how": how, "disk_prefix_cache": cache, "wall_s": done.wall_s, "peak_rss_gb": done.maxrss_gb,
        "user_s": done.user_s, "sys_s": done.sys_s, "inside": inner, "requests": len(recs),
        "prompt_tokens": sum(r["response"]["usage"]["prompt_tokens"] for r in recs),
        "completion_tokens": sum(r["response"]["usage"]["completion_tokens"] for r in recs),
        "summary_counts": {k: len(summary.get(k) or []) for k in ("key_issues", "participants", "upcoming")},
        "diagnostics": {k: len(v) for k, v in (summary.get("diagnostics") or {}).items()},
    }, recs


def bench_b(recs: list[dict[str, Any]], gguf: str, n_ctx: int, threads: int, tmp: Path,
            name: str = "b") -> dict[str, Any]:
    plan = [{"messages": r["request"]["messages"], "max_tokens": r["response"]["usage"]["completion_tokens"]}
            for r in recs]
    plan_path, out_path = tmp / f"plan-{name}.json", tmp / f"bare-{name}.json"
    plan_path.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    done = run_timed([PYTHON, "-c", CHILD_B, gguf, n_ctx, threads, plan_path, out_path]).check("B (bare llama.cpp)")
    inner = json.loads(out_path.read_text())
    per = inner["requests"]
    mismatches = [
        {"request": i, "recorded": r["response"]["usage"], "bare": p["usage"]}
        for i, (r, p) in enumerate(zip(recs, per))
        if r["response"]["usage"]["prompt_tokens"] != p["usage"]["prompt_tokens"]
        or r["response"]["usage"]["completion_tokens"] != p["usage"]["completion_tokens"]
    ]
    return {
        "how": f"fresh `python -c` child: Llama(n_ctx={n_ctx}, n_threads={threads}, n_batch=512), "
               "create_chat_completion per recorded request, no response_format, end-of-turn tokens banned",
        "wall_s": done.wall_s, "peak_rss_gb": done.maxrss_gb, "user_s": done.user_s, "sys_s": done.sys_s,
        "import_s": inner["import_s"], "load_s": inner["load_s"], "requests_s": inner["requests_s"],
        "banned_tokens": inner["banned_tokens"], "requests": per,
        "prompt_tokens": sum(p["usage"]["prompt_tokens"] for p in per),
        "completion_tokens": sum(p["usage"]["completion_tokens"] for p in per),
        "token_mismatches": mismatches,
    }


def bench_c(paths: list[Path], tmp: Path) -> dict[str, Any]:
    out_path = tmp / "prefix.json"
    done = run_timed([PYTHON, "-c", CHILD_C, out_path, *paths]).check("C (prefix reuse)")
    inner = json.loads(out_path.read_text())
    reqs = inner["requests"]
    firsts = {}
    for r in reqs:
        firsts.setdefault(r["article"], r["prompt_ids"])
    ids = list(firsts.values())
    shared = 0
    if len(ids) >= 2:
        for x, y in zip(ids[0], ids[1]):
            if x != y:
                break
            shared += 1
    for r in reqs:
        r.pop("prompt_ids")
    return {"wall_s": done.wall_s, "peak_rss_gb": done.maxrss_gb, "requests": reqs, "runs": inner["runs"],
            "static_prefix_tokens": shared,
            "prompt_tokens": sum(r["prompt_tokens"] for r in reqs),
            "evaluated_tokens": sum(r["evaluated_by_prefix"] for r in reqs)}


def decode_rate(rows: list[tuple[int, float, float]]) -> float:
    """Tokens per second over (completion tokens, request wall s, prompt-eval ms) rows."""
    tokens = sum(r[0] for r in rows)
    seconds = sum(r[1] - r[2] / 1000 for r in rows)
    return tokens / seconds if seconds > 0 else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wait-max", type=float, default=1800,
                        help="wait up to S seconds for other model processes to finish (default 1800)")
    parser.add_argument("--skip-prefix", action="store_true", help="skip C (prefix reuse)")
    parser.add_argument("--skip-nocache", action="store_true",
                        help="skip A0 (A again with SUMMARIZER_PREFIX_CACHE=0)")
    parser.add_argument("--second-article", type=Path, default=SECOND_ARTICLE)
    parser.add_argument("--out", type=Path, default=RUNS / "summarize.json")
    args = parser.parse_args()

    busy, waited = wait_until_idle(args.wait_max)
    if busy:
        print(f"WARNING: measuring while another model process runs (waited {waited:.0f} s); "
              f"timings are distorted:\n  " + "\n  ".join(busy), flush=True)
    gguf, n_ctx, threads = local_settings()
    print(f"model {Path(gguf).name}, n_ctx {n_ctx}, n_threads {threads}, {os.cpu_count()} CPUs", flush=True)

    with Watcher() as watcher, tempfile.TemporaryDirectory(prefix="bench-summarize-") as tmp_name:
        tmp = Path(tmp_name)
        print(f"warming the page cache with the GGUF: {warm_page_cache(gguf):.1f} s", flush=True)
        print("A: summarizer end to end ...", flush=True)
        a, recs = bench_a(tmp / "rec")
        print(f"   {a['wall_s']:.1f} s, {a['requests']} requests, disk prefix cache {a['disk_prefix_cache']}",
              flush=True)
        a0, recs0 = None, []
        if not args.skip_nocache:
            print("A0: the same with the disk prefix cache off (SUMMARIZER_PREFIX_CACHE=0) ...", flush=True)
            a0, recs0 = bench_a(tmp / "rec0", disk_prefix_cache=False)
            a0["same_requests_as_a"] = [r["key"] for r in recs0] == [r["key"] for r in recs]
            a0["same_usage_as_a"] = [r["response"]["usage"] for r in recs0] == [r["response"]["usage"] for r in recs]
            print(f"   {a0['wall_s']:.1f} s, {a0['requests']} requests", flush=True)
        print("B: bare llama-cpp-python, A's requests ...", flush=True)
        b = bench_b(recs, gguf, n_ctx, threads, tmp)
        print(f"   {b['wall_s']:.1f} s", flush=True)
        b0 = b
        if a0 and not a0["same_usage_as_a"]:
            print("B0: A0 answered differently from A, so bare llama-cpp-python replays A0's requests too ...",
                  flush=True)
            try:
                b0 = bench_b(recs0, gguf, n_ctx, threads, tmp, name="b0")
                print(f"   {b0['wall_s']:.1f} s", flush=True)
            except SystemExit as exc:  # keep A, A0 and B: report A0 against B instead
                print(f"   B0 failed, A0 is compared with B: {exc}", flush=True)
                b0 = b
        c = None
        if not args.skip_prefix:
            print(f"C: prefix reuse, {SEED.name} then {args.second_article.name} in one process ...", flush=True)
            c = bench_c([SEED, args.second_article], tmp)
            print(f"   {c['wall_s']:.1f} s", flush=True)

    others = watcher.others
    ratio = a["wall_s"] / b["wall_s"]
    ratio0 = a0["wall_s"] / b0["wall_s"] if a0 else None
    peak = max(x["peak_rss_gb"] for x in (a, a0, b, b0) if x)
    cpu = lambda x: x["user_s"] + x["sys_s"]  # noqa: E731
    print()
    print(f"A:  {a['how']}; disk prefix cache {a['disk_prefix_cache']}")
    if a0:
        print("A0: A again with SUMMARIZER_PREFIX_CACHE=0 (the same model work as its bare replay)")
    print(f"B:  {b['how']}")
    print()
    has_b0 = b0 is not b
    header = ["", "A", "B bare", "A/B"] + (["A0 no disk cache"] if a0 else []) + (["B0 bare"] if has_b0 else []) \
        + (["A0/B0" if has_b0 else "A0/B"] if a0 else []) + ["target", ""]

    def row(label: str, fa, fb, fratio=None, extra: list[str] | None = None) -> list[str]:
        cells = [label, fa(a), fb(b), fratio(a, b) if fratio else ""]
        if a0:
            cells += [fa(a0)] + ([fb(b0)] if has_b0 else []) + [fratio(a0, b0) if fratio else ""]
        return cells + (extra or ["", ""])

    print(table([
        row("wall time (s)", lambda x: f"{x['wall_s']:.1f}", lambda x: f"{x['wall_s']:.1f}",
            lambda x, y: f"{x['wall_s'] / y['wall_s']:.3f}",
            [f"<= {TARGET_RATIO}", verdict(ratio, TARGET_RATIO) + (f" / {verdict(ratio0, TARGET_RATIO)}" if a0 else "")]),
        row("peak RSS (GB)", lambda x: f"{x['peak_rss_gb']:.2f}", lambda x: f"{x['peak_rss_gb']:.2f}", None,
            [f"<= {TARGET_PEAK_GB}", verdict(peak, TARGET_PEAK_GB)]),
        row("CPU user+sys (s)", lambda x: f"{cpu(x):.1f}", lambda x: f"{cpu(x):.1f}",
            lambda x, y: f"{cpu(x) / max(1e-9, cpu(y)):.3f}"),
        row("requests", lambda x: str(x["requests"]), lambda x: str(len(x["requests"]))),
        row("prompt tokens", lambda x: str(x["prompt_tokens"]), lambda x: str(x["prompt_tokens"])),
        row("completion tokens", lambda x: str(x["completion_tokens"]), lambda x: str(x["completion_tokens"])),
    ], header))
    for name, x in (("A", a), ("A0", a0)):
        if x and x.get("inside"):
            print(f"{name} inside: imports {x['inside']['import_s']:.1f} s, run (load + requests + checks) "
                  f"{x['inside']['run_s']:.1f} s")
    for name, x in (("B", b), ("B0", b0 if has_b0 else None)):
        if x:
            print(f"{name} inside: imports {x['import_s']:.1f} s, load {x['load_s']:.1f} s, "
                  f"requests {x['requests_s']:.1f} s")
    if a0 and not a0["same_usage_as_a"]:
        print("note: A0 answered differently from A (completion tokens "
              f"{[r['response']['usage']['completion_tokens'] for r in recs0]} vs "
              f"{[r['response']['usage']['completion_tokens'] for r in recs]}): the prompt is evaluated in "
              "different batches with and without the restored prefix state, and greedy decoding follows the "
              "small numeric differences. B replays A's requests, B0 replays A0's")
    for name, x in (("B", b), ("B0", b0 if has_b0 else None)):
        if x and x["token_mismatches"]:
            print(f"WARNING: {name}'s token counts differ from the recording it replays: {x['token_mismatches']}")
    print()
    print(table([
        [i + 1, task_of(r["request"]["messages"]), r["response"]["usage"]["prompt_tokens"],
         r["response"]["usage"]["completion_tokens"], p["n_p_eval"], f"{p['wall_s']:.1f}"]
        for i, (r, p) in enumerate(zip(recs, b["requests"]))
    ], ["#", "request (A's order)", "prompt", "completion", "B evaluated", "B s"]))
    if c:
        print()
        print(table([
            [r["article"][:28], r["task"] + (" (re-ask)" if r["reask"] else ""), r["prefix_cache"], r["prompt_tokens"],
             r["kv_reused"], r["disk_restored"], r["evaluated_by_prefix"], r["n_p_eval"], r["completion_tokens"],
             f"{r['wall_s']:.1f}"]
            for r in c["requests"]
        ], ["article", "task", "prefix step", "prompt", "KV reused", "from disk", "evaluated", "n_p_eval",
            "completion", "s"]))
        c["decode_tok_s_with_grammar"] = decode_rate(
            [(r["completion_tokens"], r["wall_s"], r["t_p_eval_ms"]) for r in c["requests"]
             if r["evaluated_by_prefix"] <= 64])
        b["decode_tok_s_bare"] = decode_rate(
            [(r["usage"]["completion_tokens"], r["wall_s"], r["t_p_eval_ms"]) for r in b["requests"]
             if r["n_p_eval"] <= 64])
        print(f"generation speed (requests whose prompt was almost all cached; wall time minus prompt eval, "
              f"sampling included): bare {b['decode_tok_s_bare']:.1f} tok/s (B), with the JSON grammar "
              f"{c['decode_tok_s_with_grammar']:.1f} tok/s (C)")
        print(f"C: {c['evaluated_tokens']} of {c['prompt_tokens']} prompt tokens evaluated "
              f"({c['evaluated_tokens'] / max(1, c['prompt_tokens']):.0%}); prompt prefix shared by the two "
              f"articles: {c['static_prefix_tokens']} tokens.")
        print("   KV reused = what the KV cache already held (the backend keeps the system prefix, and the article "
              "for another task on it); from disk = state restored by the disk prefix cache; evaluated = prompt "
              "minus both (the backend's own prefix and article steps included); n_p_eval = llama.cpp's counter over the request (batched prompt tokens, "
              "reported as at least 1; a 1-token remainder counts as n_eval)")
    if others:
        print("WARNING: other model/test processes ran during this benchmark; timings are distorted:\n  "
              + "\n  ".join(others))

    data = {
        "environment": environment(), "model": {"gguf": gguf, "n_ctx": n_ctx, "n_threads": threads},
        "contended": bool(others), "other_processes": others, "waited_s": waited,
        "a_summarizer": a, "a0_summarizer_no_disk_prefix_cache": a0, "b_bare": b,
        "b0_bare_replaying_a0": b0 if has_b0 else None,
        "ratio_a_over_b": ratio, "ratio_a0_over_its_bare": ratio0, "peak_rss_gb": peak,
        "targets": {"ratio_a_over_b": TARGET_RATIO, "peak_rss_gb": TARGET_PEAK_GB},
        "met": {"ratio": ratio <= TARGET_RATIO, "ratio_no_disk_cache": None if ratio0 is None else ratio0 <= TARGET_RATIO,
                "peak_rss": peak <= TARGET_PEAK_GB},
        "c_prefix_reuse": c,
        "recorded_requests": [{"task": task_of(r["request"]["messages"]), "max_tokens": r["request"]["max_tokens"],
                               "usage": r["response"]["usage"]} for r in recs],
    }
    print(f"\nwrote {shown(write_json(args.out, data))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
