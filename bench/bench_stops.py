"""What stopping the overview where code stops reading saves: drafts.ISSUE_CHARS and
backends/string_stops.py against the overview as it was bounded before.

The local backend answers the overview request of each evals/news article (the real
prompt, the article read once before the timed calls), in each mode:
- before: points bounded at 400 characters, the summary at 600 (the bounds until now);
- points: points bounded at drafts.ISSUE_CHARS;
- stopped: that, and the summary ended once it holds what tidy_summary keeps (the default).
Modes alternate, and which goes first rotates from article to article. Reported: seconds
answering and tokens, as ratios to "before" measured in this run; in how many articles
what code makes of the answer (the tidied summary, the key-issue passages) is that of
"before"; and the passages' key issues F1 against the gold files (micro-averaged).
A stopped summary changes what the model reads when it writes its points, so a point can
differ from there on; the passages say whether that matters.

Usage: python bench/bench_stops.py [--articles N] [--wait-max S] [--out FILE]
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import NEWS, RUNS, environment, shown, table, wait_or_warn, write_json  # noqa: E402

BEFORE_ISSUE_CHARS = 400


def _schemas() -> dict[str, dict]:
    from summarizer.backends.response_format import without_extensions
    from summarizer.drafts import ANSWERS

    stopped = ANSWERS["overview"].model_json_schema()
    points = without_extensions(stopped)
    before = copy.deepcopy(points)
    before["$defs"]["IssueDraft"]["properties"]["issue"]["maxLength"] = BEFORE_ISSUE_CHARS
    return {"before": before, "points": points, "stopped": stopped}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=8, help="the first N articles of evals/news")
    parser.add_argument("--wait-max", type=float, default=1800)
    parser.add_argument("--out", type=Path, default=RUNS / "stops.json")
    args = parser.parse_args()

    from summarizer.api import Summarizer
    from summarizer.articles import read_article
    from summarizer.backends.local import LocalBackend
    from summarizer.grounding import without_injections
    from summarizer.gold import load_gold
    from summarizer.pipeline import MAX_TOKENS, TASK_ORDER, summary_and_passages
    from summarizer.schema import KeyIssue
    from summarizer.scoring.key_issues import score_key_issues
    from summarizer.scoring.matching import Counts
    from summarizer.weights import resolve

    wait_or_warn(args.wait_max)
    backend = LocalBackend(resolve())
    schemas = _schemas()
    names = list(schemas)
    seconds = {m: 0.0 for m in names}
    tokens = {m: 0 for m in names}
    same_summary = {m: 0 for m in names}
    same_passages = {m: 0 for m in names}
    counts = {m: Counts() for m in names}
    articles = sorted(NEWS.glob("*.txt"))[: args.articles]
    for number, path in enumerate(articles):
        article = read_article(path)
        messages = Summarizer().render(article)[TASK_ORDER.index("overview")]
        text, _ = without_injections(article.text)
        gold = load_gold(path.with_suffix(".gold.json")).key_issues
        backend._warm_prefix(messages)  # the article, read once, outside the timing
        order = names[number % len(names):] + names[: number % len(names)]
        kept: dict[str, tuple[str, list[str]]] = {}
        for mode in order:
            request = {"messages": messages, "max_tokens": MAX_TOKENS["overview"], "temperature": 0.0,
                       "response_format": {"type": "json_object", "schema": schemas[mode]}}
            started = time.perf_counter()
            answer = backend.send(request)
            seconds[mode] += time.perf_counter() - started
            tokens[mode] += answer["usage"]["completion_tokens"]
            draft = json.loads(answer["choices"][0]["message"]["content"])
            summary, told = summary_and_passages(text, draft["summary"], [item["issue"] for item in draft["key_issues"]])
            kept[mode] = (summary, [p.text for p in told])
            counts[mode] += score_key_issues([KeyIssue(issue=p.text, evidence=p.text) for p in told], gold).counts
        for mode in names:
            same_summary[mode] += kept[mode][0] == kept["before"][0]
            same_passages[mode] += kept[mode][1] == kept["before"][1]
        print(f"{path.stem}: " + ", ".join(f"{m} {seconds[m]:.1f} s {tokens[m]} tokens" for m in names), flush=True)

    n = len(articles)
    rows = [[m, f"{seconds[m]:.1f}", f"{seconds[m] / seconds['before']:.2f}", f"{(seconds['before'] - seconds[m]) / n:.2f}",
             tokens[m], f"{tokens[m] / tokens['before']:.2f}", f"{same_summary[m]}/{n}", f"{same_passages[m]}/{n}",
             f"{counts[m].f1:.3f}"] for m in names]
    print(table(rows, ["mode", "s answering", "/ before", "s saved an article", "tokens", "/ before",
                       "summary as before", "passages as before", "key issues F1"]))
    out = write_json(args.out, {
        "environment": environment(), "articles": [p.stem for p in articles],
        "seconds": seconds, "tokens": tokens,
        "ratio_to_before": {m: seconds[m] / seconds["before"] for m in names},
        "same_summary": same_summary, "same_passages": same_passages,
        "key_issues_f1": {m: counts[m].f1 for m in names},
    })
    print(f"wrote {shown(out)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
