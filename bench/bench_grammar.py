"""What the JSON grammar costs per generated token, and what checking the model's choice first saves.

The seed article's overview request (a real one, ~2,550 prompt tokens) is answered again and
again by one bare Llama with the local backend's settings, the prompt read once and reused:
- full: llama-cpp-python's sampler chain, which runs the grammar over every candidate token;
- greedy check: summarizer/backends/greedy_grammar.py, which checks the model's top token and
  runs the grammar over every candidate only when it refuses it (what the local backend does);
- none: no grammar at all, the same prompt (the model's plain answer).
Rounds alternate the three. Reported: milliseconds per generated token (medians), each as a
ratio to "full" measured in this run, and whether "greedy check" wrote exactly the tokens
"full" wrote.

Usage: python bench/bench_grammar.py [--rounds N] [--tokens N] [--wait-max S] [--out FILE]
"""

from __future__ import annotations

import argparse
import functools
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, RUNS, environment, shown, table, wait_or_warn, write_json  # noqa: E402
from bench_summarize import bare_llama, local_settings  # noqa: E402

SEED = ROOT / "seeds" / "00_tass_lavrov_de_mistura.txt"
MODES = ("full", "greedy check", "none")


def _request() -> tuple[list[dict[str, str]], dict]:
    from summarizer.api import Summarizer
    from summarizer.articles import read_article
    from summarizer.drafts import ANSWERS
    from summarizer.pipeline import TASK_ORDER

    messages = Summarizer().render(read_article(SEED))[TASK_ORDER.index("overview")]
    return messages, {"type": "json_object", "schema": ANSWERS["overview"].model_json_schema()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tokens", type=int, default=200, help="tokens generated per answer")
    parser.add_argument("--wait-max", type=float, default=1800)
    parser.add_argument("--out", type=Path, default=RUNS / "grammar.json")
    args = parser.parse_args()

    from summarizer.backends import greedy_grammar

    wait_or_warn(args.wait_max)
    gguf, _, threads = local_settings()
    messages, response_format = _request()
    llm = bare_llama()
    chain = functools.partial(type(llm)._init_sampler, llm)
    llm.create_chat_completion(messages=messages, max_tokens=1, temperature=0.0)  # read the prompt once

    def answer(mode: str) -> tuple[float, int, str, int | None]:
        llm._init_sampler = chain
        if mode == "greedy check" and not greedy_grammar.install(llm):
            raise SystemExit("greedy_grammar.install refused ($SUMMARIZER_GRAMMAR=full?)")
        extra = {} if mode == "none" else {"response_format": response_format}
        started = time.perf_counter()
        out = llm.create_chat_completion(messages=messages, max_tokens=args.tokens, temperature=0.0, **extra)
        seconds = time.perf_counter() - started
        tokens = out["usage"]["completion_tokens"]
        return seconds / tokens * 1000, tokens, out["choices"][0]["message"]["content"], \
            getattr(llm._sampler, "full_passes", None)

    results: dict[str, list[tuple[float, int, str, int | None]]] = {mode: [] for mode in MODES}
    for _ in range(args.rounds):
        for mode in MODES:
            results[mode].append(answer(mode))
    llm.close()

    ms = {mode: statistics.median(r[0] for r in results[mode]) for mode in MODES}
    same = all(g[2] == f[2] for g, f in zip(results["greedy check"], results["full"]))
    full_passes = [r[3] for r in results["greedy check"]]
    rows = [[mode, f"{ms[mode]:.1f}", f"{ms[mode] / ms['full']:.2f}", results[mode][0][1]] for mode in MODES]
    print(table(rows, ["grammar", "ms per token", "/ full", "tokens"]))
    print(f"greedy check wrote the same tokens as full: {'yes' if same else 'NO'}; "
          f"tokens it had to run the grammar over every candidate for: {full_passes[0]} of {results['greedy check'][0][1]}")
    print(f"grammar cost per token: full {ms['full'] - ms['none']:+.1f} ms, greedy check {ms['greedy check'] - ms['none']:+.1f} ms")
    out = write_json(args.out, {
        "environment": environment(), "model": Path(gguf).name, "n_threads": threads,
        "rounds": args.rounds, "max_tokens": args.tokens,
        "ms_per_token": ms, "ratio_to_full": {mode: ms[mode] / ms["full"] for mode in MODES},
        "tokens": {mode: [r[1] for r in results[mode]] for mode in MODES},
        "greedy_check_same_tokens_as_full": same, "greedy_check_full_passes": full_passes,
    })
    print(f"wrote {shown(out)}")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
