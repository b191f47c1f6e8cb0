"""Would a faster decoding scheme help on this machine? Two questions, one process.

1. Batch cost. Speculative decoding, prompt-lookup decoding and skipping through tokens
   the JSON grammar forces all verify several tokens in one forward pass. They pay off
   only when a pass over k tokens costs much less than k passes over one. Measured: the
   time to evaluate k tokens at once after a ~2,400-token prompt (the size of a real
   request), as a ratio to k single-token passes measured in this run. The best any such
   scheme can do is that ratio, reached only when every drafted token is accepted.
2. Flash attention. llama.cpp's ``flash_attn`` against the summarizer's setting (off):
   prompt reading and generation rates, each as a ratio to "off" measured alternately in
   this run.

Bare llama-cpp-python, the same GGUF, n_ctx and threads as summarizer/backends/local.py.
Usage: python bench/bench_decoding.py [--rounds N] [--wait-max S] [--out FILE]
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

ARTICLE = NEWS / "10_ap_sondland_impeachment_hearing.txt"
PROMPT_TOKENS = 2400
BATCHES = (1, 2, 3, 4, 8, 16)
GENERATED = 48


def _prompt(llm) -> list[int]:
    from summarizer.articles import read_article

    text = read_article(ARTICLE).text
    tokens = llm.tokenize((text + "\n" + text).encode("utf-8"), add_bos=False)
    return tokens[:PROMPT_TOKENS]


def batch_costs(llm, prompt: list[int], rounds: int) -> dict[int, float]:
    """Median seconds to evaluate k tokens at once on top of ``prompt`` (KV rolled back each time)."""
    llm.reset()
    llm.eval(prompt)
    base = llm.n_tokens
    costs = {}
    for k in BATCHES:
        times = []
        for _ in range(rounds):
            llm.n_tokens = base
            llm._ctx.kv_cache_seq_rm(-1, base, -1)
            started = time.perf_counter()
            llm.eval(prompt[100:100 + k])
            times.append(time.perf_counter() - started)
        costs[k] = statistics.median(times)
    return costs


def rates(flash: bool) -> tuple[float, float]:
    """Prompt tokens/s and generated tokens/s with ``flash_attn=flash``, in a fresh model."""
    llm = bare_llama(flash_attn=flash)
    try:
        prompt = _prompt(llm)
        llm.reset()
        started = time.perf_counter()
        llm.eval(prompt)
        read = len(prompt) / (time.perf_counter() - started)
        started = time.perf_counter()
        for count, _ in enumerate(llm.generate(prompt, temp=0.0), start=1):  # the prompt is reused
            if count == GENERATED:
                break
        return read, GENERATED / (time.perf_counter() - started)
    finally:
        llm.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="repetitions per batch size, and flash on/off pairs")
    parser.add_argument("--wait-max", type=float, default=1800)
    parser.add_argument("--out", type=Path, default=RUNS / "decoding.json")
    args = parser.parse_args()

    wait_or_warn(args.wait_max)
    gguf, _, threads = local_settings()
    llm = bare_llama()
    costs = batch_costs(llm, _prompt(llm), args.rounds)
    llm.close()
    single = costs[1]
    rows = [[k, f"{costs[k] * 1000:.0f}", f"{costs[k] / k * 1000:.0f}", f"{costs[k] / (k * single):.2f}"]
            for k in BATCHES]
    print(table(rows, ["tokens at once", "ms", "ms per token", "cost / k single passes"]))

    pairs = [(rates(False), rates(True))
             for _ in range(max(1, args.rounds // 2))]
    read_ratio = statistics.median(on[0] / off[0] for off, on in pairs)
    gen_ratio = statistics.median(on[1] / off[1] for off, on in pairs)
    print()
    print(table([[f"{off[0]:.1f} / {on[0]:.1f}", f"{off[1]:.1f} / {on[1]:.1f}"] for off, on in pairs],
                ["read tok/s off / on", "generate tok/s off / on"]))
    print(f"flash_attn on / off: reading x{read_ratio:.2f}, generating x{gen_ratio:.2f}")
    out = write_json(args.out, {
        "environment": environment(), "model": Path(gguf).name, "n_threads": threads,
        "prompt_tokens": PROMPT_TOKENS,
        "batch_seconds": {str(k): v for k, v in costs.items()},
        "batch_cost_over_single_passes": {str(k): costs[k] / (k * single) for k in BATCHES},
        "flash_pairs": [{"off": list(off), "on": list(on)} for off, on in pairs],
        "flash_read_ratio": read_ratio, "flash_generate_ratio": gen_ratio,
    })
    print(f"wrote {shown(out)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
