"""What drafting the answer's tokens saves: summarizer/backends/json_drafts.py against one token a pass.

The local backend answers the three focused requests of each evals/news article (real
prompts, the article read once before the timed calls), in each mode:
- off: one token a forward pass (no drafts);
- schema: the JSON the schema forces, drafted and checked in one pass (the default).
Modes alternate, and which goes first rotates from article to article. Reported: seconds
spent answering (the task line read and the answer written), tokens, milliseconds per
token, each as a ratio to "off" measured in this run; drafted tokens and the share the
model kept; and how many answers are token for token those of "off" (llama.cpp's
arithmetic varies in the last bits with the batch a token is evaluated in, so a near tie
may go the other way).

Usage: python bench/bench_drafts.py [--articles N] [--wait-max S] [--out FILE]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import NEWS, RUNS, environment, shown, table, wait_or_warn, write_json  # noqa: E402


def _requests(path: Path) -> list[dict]:
    from summarizer.api import Summarizer
    from summarizer.articles import read_article
    from summarizer.drafts import ANSWERS
    from summarizer.pipeline import MAX_TOKENS, TASK_ORDER

    rendered = Summarizer().render(read_article(path))
    return [
        {"messages": messages, "max_tokens": MAX_TOKENS[task], "temperature": 0.0,
         "response_format": {"type": "json_object", "schema": ANSWERS[task].model_json_schema()}}
        for task, messages in zip(TASK_ORDER, rendered)
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=8, help="the first N articles of evals/news")
    parser.add_argument("--wait-max", type=float, default=1800)
    parser.add_argument("--out", type=Path, default=RUNS / "drafts.json")
    args = parser.parse_args()

    from summarizer.backends import json_drafts
    from summarizer.backends.local import LocalBackend
    from summarizer.weights import resolve

    wait_or_warn(args.wait_max)
    backend = LocalBackend(resolve())
    drafter = backend.llama.draft_model
    if not isinstance(drafter, json_drafts.SchemaDrafter):
        raise SystemExit("no drafter installed ($SUMMARIZER_DRAFTS=0?)")
    names = ["off", "schema"]
    seconds = {m: 0.0 for m in names}
    tokens = {m: 0 for m in names}
    drafted = {m: 0 for m in names}
    accepted = {m: 0 for m in names}
    same = {m: 0 for m in names}
    answers = 0
    articles = sorted(NEWS.glob("*.txt"))[: args.articles]
    for number, path in enumerate(articles):
        requests = _requests(path)
        backend._warm_prefix(requests[0]["messages"])  # the article, read once, outside the timing
        order = names[number % len(names):] + names[: number % len(names)]
        written: dict[str, list[str]] = {}
        for mode in order:
            drafter.enabled = mode == "schema"
            before = drafter.drafted, drafter.accepted
            written[mode] = []
            for request in requests:
                started = time.perf_counter()
                answer = backend.send(request)
                seconds[mode] += time.perf_counter() - started
                tokens[mode] += answer["usage"]["completion_tokens"]
                written[mode].append(answer["choices"][0]["message"]["content"])
            drafted[mode] += drafter.drafted - before[0]
            accepted[mode] += drafter.accepted - before[1]
        for mode in names:
            same[mode] += sum(a == b for a, b in zip(written[mode], written["off"]))
        answers += len(requests)
        print(f"{path.stem}: " + ", ".join(f"{m} {seconds[m]:.1f} s" for m in names), flush=True)
    drafter.enabled = True

    ms = {m: seconds[m] / tokens[m] * 1000 for m in names}
    rows = [[m, f"{seconds[m]:.1f}", f"{seconds[m] / seconds['off']:.2f}", tokens[m], f"{ms[m]:.1f}",
             f"{ms[m] / ms['off']:.2f}", drafted[m], f"{accepted[m] / drafted[m]:.2f}" if drafted[m] else "-",
             f"{same[m]}/{answers}"] for m in names]
    print(table(rows, ["mode", "s answering", "/ off", "tokens", "ms per token", "/ off", "drafted", "kept",
                       "answers as off"]))
    out = write_json(args.out, {
        "environment": environment(), "articles": [p.stem for p in articles],
        "seconds": seconds, "tokens": tokens, "ms_per_token": ms,
        "ratio_to_off": {m: ms[m] / ms["off"] for m in names},
        "drafted": drafted, "accepted": accepted, "answers_as_off": same, "answers": answers,
    })
    print(f"wrote {shown(out)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
