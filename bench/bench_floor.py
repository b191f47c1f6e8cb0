"""The floor under any summary of evals/news with the embedded model on this machine.

Bare llama-cpp-python, same GGUF and settings as summarizer/backends/local.py, in one
process. For each article: the seconds to read it once (its tokens evaluated, nothing
else: no instructions, no answer), and the speed of unconstrained greedy generation
after it. No summary of an article can take less than its read time plus the time to
write its answer; the median read time is set beside the 30 s per-article target of
issue 4, as a ratio measured in this run.

Usage: python bench/bench_floor.py [--suite DIR] [--answer-tokens N] [--wait-max S] [--out FILE]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import NEWS, RUNS, environment, shown, table, wait_or_warn, write_json  # noqa: E402
from bench_summarize import bare_llama, local_settings  # noqa: E402

TARGET_S = 30.0
GENERATED = 64  # tokens timed per article for the generation rate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", type=Path, default=NEWS)
    parser.add_argument("--answer-tokens", type=int, default=600,
                        help="tokens of answer per article to price in (default 600: three short JSON answers)")
    parser.add_argument("--wait-max", type=float, default=1800)
    parser.add_argument("--out", type=Path, default=RUNS / "floor.json")
    args = parser.parse_args()

    wait_or_warn(args.wait_max)
    from summarizer.articles import read_article

    gguf, _, threads = local_settings()
    llm = bare_llama()
    rows, reads, rates = [], [], []
    for path in sorted(args.suite.glob("*.txt")):
        tokens = llm.tokenize(read_article(path).text.encode("utf-8"), add_bos=False)
        llm.reset()
        started = time.perf_counter()
        llm.eval(tokens)
        read_s = time.perf_counter() - started
        started = time.perf_counter()
        for count, _ in enumerate(llm.generate(tokens, temp=0.0), start=1):  # the prefix is reused
            if count == GENERATED:
                break
        rate = GENERATED / (time.perf_counter() - started)
        floor_s = read_s + args.answer_tokens / rate
        reads.append(read_s)
        rates.append(rate)
        rows.append([path.stem[:34], len(tokens), f"{len(tokens) / read_s:.1f}", f"{read_s:.1f}", f"{rate:.1f}",
                     f"{floor_s:.1f}"])
        print(f"{path.stem}: {len(tokens)} tokens read in {read_s:.1f} s, {rate:.1f} tokens/s generated", flush=True)
    llm.close()

    median_read = statistics.median(reads)
    median_rate = statistics.median(rates)
    median_floor = median_read + args.answer_tokens / median_rate
    print()
    print(table(rows, ["article", "tokens", "read tok/s", "read s", "gen tok/s", f"read + {args.answer_tokens} tok s"]))
    print()
    print(f"median read alone: {median_read:.1f} s = {median_read / TARGET_S:.2f} x the {TARGET_S:.0f} s target")
    print(f"median read + {args.answer_tokens} answer tokens (unconstrained, the fastest they come): "
          f"{median_floor:.1f} s = {median_floor / TARGET_S:.2f} x the target")
    out = write_json(args.out, {
        "environment": environment(), "model": Path(gguf).name, "n_threads": threads,
        "answer_tokens": args.answer_tokens, "target_s": TARGET_S,
        "articles": [dict(zip(["article", "tokens", "read_tok_s", "read_s", "gen_tok_s", "floor_s"], r)) for r in rows],
        "median_read_s": median_read, "median_gen_tok_s": median_rate, "median_floor_s": median_floor,
        "median_read_over_target": median_read / TARGET_S, "median_floor_over_target": median_floor / TARGET_S,
    })
    print(f"wrote {shown(out)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
