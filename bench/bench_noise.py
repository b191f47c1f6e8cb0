"""How far do the eval's scores move when nothing but llama.cpp's batch alignment does?

llama.cpp's CPU kernels work on prompt rows in groups of four, and rows left over at the
end of an evaluated piece go another way, with results that differ by far more than the
last bit (0.6 in a logit, seen here on the 05 article split at 201 tokens rather than at
200, which gives the same logits as no split). Greedy decoding turns such a difference at a
near tie into another answer. The local backend reads every prompt in fixed pieces
(instructions, article, task line), so a run repeats exactly; but which answers that
reading lands on is a draw. A change to a prompt or the pipeline that moves a figure by less
than this spread is not shown to help.

Each draw is one live run of the suite with the embedded model in a child process whose
backend ends the instructions' piece ``shift`` tokens early (those tokens are read with the
article instead), with the disk prefix cache off; every other token is then evaluated in
another position of its group. Shift 0 is the backend as it is, and may come from a replay
of a recording (``--replay-0 evals/recordings``): the same answers, without the 12 minutes.
Prints, for each headline figure, the value of every draw, their mean and their spread
(max - min), and writes them to ``--out``.

About 12 minutes a live draw on 2 cores; run it alone::

    .venv/bin/python bench/bench_noise.py --shifts 0,1,2 --replay-0 evals/recordings
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import NEWS, PYTHON, ROOT, RUNS, environment, run_timed, table, wait_or_warn, write_json  # noqa: E402

from summarizer.scoring.intervals import HEADLINE  # noqa: E402
from summarizer.thresholds import metric_name  # noqa: E402

# The eval, in a child whose backend ends the instructions' piece argv[1] tokens early.
CHILD = """
import sys
from summarizer.backends import local

shift = int(sys.argv[1])
whole = local.prefix_tokens

def shorter(llama, system):
    tokens = whole(llama, system)
    return tokens[:len(tokens) - shift]

local.prefix_tokens = shorter
from summarizer.cli import main
main(sys.argv[2:])
"""


def draw(shift: int, suite: Path, out: Path, replay: Path | None, cases: str | None) -> dict:
    """One run of the suite at ``shift``; its results.json."""
    args = ["eval", str(suite), "--out", str(out), "--stats"]
    if cases:
        args += ["--cases", cases]
    if replay is not None:
        args += ["--replay", str(replay)]
    env = {**os.environ, "SUMMARIZER_PREFIX_CACHE": "0"}
    done = run_timed([PYTHON, "-c", CHILD, str(shift), *args], env=env).check(
        f"the eval at shift {shift}", ok=(0, 1))  # 1: thresholds missed, still a draw
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    results["_wall_s"] = done.wall_s
    return results


def spread(draws: dict[int, dict]) -> dict[str, dict]:
    """Each headline figure over the draws (results.json dicts by shift): every value, the
    mean and max - min. A figure some draw lacks (nothing to judge) is left out."""
    figures = {}
    for field, key in HEADLINE:
        values = [d.get("aggregate", {}).get(field, {}).get(key) for d in draws.values()]
        if values and all(v is not None for v in values):
            figures[metric_name(field, key)] = {
                "draws": dict(zip(map(str, draws), values)), "mean": statistics.mean(values),
                "spread": max(values) - min(values),
            }
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shifts", default="0,1,2", help="tokens moved from the instructions' piece, per draw")
    parser.add_argument("--suite", type=Path, default=NEWS)
    parser.add_argument("--cases", help="only the cases matching this glob (as eval --cases)")
    parser.add_argument("--replay-0", type=Path, help="a recording of the backend as it is: replay it for shift 0")
    parser.add_argument("--runs", type=Path, default=ROOT / "runs" / "noise", help="where each draw's reports go")
    parser.add_argument("--wait-max", type=float, default=1800)
    parser.add_argument("--out", type=Path, default=RUNS / "noise.json")
    args = parser.parse_args(argv)
    try:
        shifts = [int(b) for b in args.shifts.split(",")]
    except ValueError:
        raise SystemExit(f"error: --shifts {args.shifts!r}: give whole numbers such as 0,1,2") from None
    if any(b < 0 or b > 64 for b in shifts) or len(set(shifts)) != len(shifts):
        raise SystemExit("error: --shifts: each from 0 to 64, each once")
    if args.replay_0 is not None and 0 not in shifts:
        raise SystemExit("error: --replay-0 replays shift 0, which --shifts leaves out; add 0 or drop --replay-0")
    if args.runs.exists() and (not args.runs.is_dir() or any(args.runs.iterdir())):
        raise SystemExit(f"error: {args.runs} is not an empty directory; remove it or pass --runs DIR")

    wait_or_warn(args.wait_max)
    draws = {}
    for shift in shifts:
        replay = args.replay_0 if shift == 0 else None
        print(f"shift {shift}: {'replaying ' + str(replay) if replay else 'live'} ...", flush=True)
        draws[shift] = draw(shift, args.suite, args.runs / f"shift{shift}", replay, args.cases)

    figures = spread(draws)
    rows = [[name, *(f"{v:.3f}" for v in f["draws"].values()), f"{f['mean']:.3f}", f"{f['spread']:.3f}"]
            for name, f in figures.items()]
    print()
    print(table(rows, ["figure", *(f"shift {b}" for b in shifts), "mean", "spread"]))
    write_json(args.out, {"environment": environment(), "suite": str(args.suite), "cases": args.cases,
                          "shifts": shifts, "replay_0": str(args.replay_0) if args.replay_0 else None,
                          "figures": figures, "wall_s": {str(b): d["_wall_s"] for b, d in draws.items()}})
    print(f"\nwritten to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
