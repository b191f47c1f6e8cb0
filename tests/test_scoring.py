"""Table-driven scoring tests; every expected value is worked out by hand."""

from __future__ import annotations

import pytest

from summarizer.gold import GoldKeyIssue, GoldParticipant, GoldUpcoming
from summarizer.schema import ArticleSummary, KeyIssue, Participant, UpcomingEvent
from summarizer.scoring import aggregate, score_case
from summarizer.scoring.groundedness import score_groundedness
from summarizer.scoring.key_issues import score_key_issues
from summarizer.scoring.matching import Counts, assign
from summarizer.scoring.names import name_similarity, gold_forms, normalize, strip_titles
from summarizer.scoring.participants import role_matches, score_participants
from summarizer.scoring.rouge import summary_rouge
from summarizer.scoring.upcoming import date_exact, dates_compatible, score_upcoming

H = 2 / 3


def gp(name, aliases=(), kind="person", role=None, optional=False):
    return GoldParticipant(name=name, aliases=list(aliases), kind=kind, role=role, optional=optional)


def pp(name, kind="person", role=None):
    return Participant(name=name, kind=kind, role=role, evidence="")


# ---------------------------------------------------------------- zero rules


@pytest.mark.parametrize(
    "tp, fp, fn, precision, recall, f1",
    [
        (0, 0, 0, 1.0, 1.0, 1.0),  # nothing predicted, nothing required
        (0, 0, 3, 1.0, 0.0, 0.0),  # empty prediction, required gold
        (0, 2, 0, 0.0, 1.0, 0.0),  # predictions, no required gold
        (0, 1, 1, 0.0, 0.0, 0.0),  # P + R == 0
        (2, 2, 0, 0.5, 1.0, H),  # 2*.5*1/1.5
        (3, 1, 1, 0.75, 0.75, 0.75),
    ],
)
def test_prf_zero_denominators(tp, fp, fn, precision, recall, f1):
    c = Counts(tp, fp, fn)
    assert (c.precision, c.recall) == pytest.approx((precision, recall))
    assert c.f1 == pytest.approx(f1)


# ---------------------------------------------------------------- assignment


@pytest.mark.parametrize(
    "sim, optional, expected",
    [
        ([[0.9, 0.8]], [True, False], [(0, 1)]),  # required preferred over a better optional
        ([[0.95, 0.9], [0.9, 0.0]], [False, False], [(1, 0), (0, 1)]),  # two matches beat one better
        ([[0.4]], [False], []),  # under threshold
        ([[0.9], [0.9]], [False], [(0, 0)]),  # duplicate: one gold, one match
        ([], [False], []),  # no predictions
    ],
)
def test_assignment(sim, optional, expected):
    result = assign(sim, 0.5, optional)
    assert [(p.pred, p.gold) for p in result.pairs] == expected


# ---------------------------------------------------------------- names


@pytest.mark.parametrize(
    "raw, stripped",
    [
        ("Russian Foreign Minister Sergey Lavrov", "sergey lavrov"),
        ("Mr. Lavrov", "lavrov"),
        ("Dr. Fiona Hill", "fiona hill"),
        ("Deputy Foreign Minister Mikhail Bogdanov", "mikhail bogdanov"),
        ("U.S. Ambassador Gordon Sondland", "gordon sondland"),
        ("President Hu Jintao", "hu jintao"),
        ("Lt. Col. Alexander Vindman", "alexander vindman"),
        ("President", "president"),  # one token always stays
        ("South Korea", "south korea"),  # qualifiers alone are not a title
        ("Nông Đức Mạnh", "nong duc manh"),
    ],
)
def test_strip_titles(raw, stripped):
    assert strip_titles(normalize(raw)) == stripped


LAVROV = gp("Sergey Lavrov", ["Lavrov"])


@pytest.mark.parametrize(
    "predicted, gold, matches",
    [
        ("Sergey Lavrov", LAVROV, True),  # exact
        ("lavrov", LAVROV, True),  # alias, case
        ("Sergei Lavrov", gp("Sergey Lavrov"), True),  # fuzzy: ratio 0.923
        ("Foreign Minister Sergey Lavrov", gp("Sergey Lavrov"), True),  # title stripped
        ("Sergey Shoigu", gp("Sergey Lavrov"), False),  # near miss: 0.62
        ("Hunter Biden", gp("Joe Biden"), False),  # 0.67
        ("Kim Kye Gwan", gp("Kim Kye-Gwan"), True),  # punctuation
        ("Kim Gye-gwan", gp("Kim Kye-Gwan"), True),  # fuzzy: ratio 0.917
        ("U.S.", gp("United States", ["US"], kind="country"), True),
        ("Australia", gp("Austria", kind="country"), False),  # 0.875
    ],
)
def test_name_matching(predicted, gold, matches):
    sim = name_similarity(predicted, True, gold_forms(gold.name, gold.aliases, gold.kind == "person"))
    assert (sim >= 0.9) is matches


# ---------------------------------------------------------------- participants

GOLD_P = [
    gp("Sergey Lavrov", ["Lavrov"], role="Russian Foreign Minister"),
    gp("Staffan de Mistura", ["de Mistura"], role="UN Special Envoy for Syria"),
    gp("Sergey Shoigu", ["Shoigu"], role="Russian Defense Minister"),
    gp("Jordan", kind="country", optional=True),
]


@pytest.mark.parametrize(
    "names, tp, fp, fn, precision, recall, f1",
    [
        (["Sergey Lavrov", "Staffan de Mistura", "Sergey Shoigu"], 3, 0, 0, 1.0, 1.0, 1.0),
        (["Lavrov", "De Mistura", "Shoigu", "Jordan"], 3, 0, 0, 1.0, 1.0, 1.0),  # aliases; optional neutral
        (["Mr. Lavrov", "UN envoy Staffan de Mistura"], 2, 0, 1, 1.0, H, 0.8),  # titles stripped
        (["Sergey Lavrov", "Staffan de Mistura", "Turkey", "Jordan"], 2, 1, 1, H, H, H),
        (["Sergey Lavrov", "Lavrov", "Sergei Lavrov"], 1, 2, 2, 1 / 3, 1 / 3, 1 / 3),  # duplicates are FP
        (["Sergey Lavrov", "Sergey Shoygu Jr"], 1, 1, 2, 0.5, 1 / 3, 0.4),
        ([], 0, 0, 3, 1.0, 0.0, 0.0),  # empty prediction
        (["Jordan"], 0, 0, 3, 1.0, 0.0, 0.0),  # only the optional item
    ],
)
def test_participants_prf(names, tp, fp, fn, precision, recall, f1):
    kinds = {"Jordan": "country", "Turkey": "country"}
    score = score_participants([pp(n, kinds.get(n, "person")) for n in names], GOLD_P)
    assert (score.counts.tp, score.counts.fp, score.counts.fn) == (tp, fp, fn)
    assert (score.precision, score.recall, score.f1) == pytest.approx((precision, recall, f1))
    assert len(score.missed) == fn and len(score.spurious) == fp


def test_participants_empty_gold():
    score = score_participants([pp("Sergey Lavrov")], [])
    assert (score.precision, score.recall, score.f1) == (0.0, 1.0, 0.0)
    assert score.spurious == ["Sergey Lavrov"]
    both_empty = score_participants([], [])
    assert (both_empty.precision, both_empty.recall, both_empty.f1) == (1.0, 1.0, 1.0)


def test_participants_explanation():
    score = score_participants([pp("Lavrov", role="Foreign Minister"), pp("Turkey", "country")], GOLD_P)
    assert score.matched[0]["prediction"] == "Lavrov" and score.matched[0]["gold"] == "Sergey Lavrov"
    assert score.matched[0]["similarity"] == 1.0 and score.matched[0]["role"]["correct"] is True
    assert score.missed == ["Staffan de Mistura", "Sergey Shoigu"]
    assert score.spurious == ["Turkey"]


@pytest.mark.parametrize(
    "predicted, gold, correct",
    [
        ("Foreign Minister", "Russian Foreign Minister", True),  # prediction's tokens inside gold
        ("Russia's Foreign Minister of the day", "Foreign Minister", True),  # gold inside prediction
        ("UN envoy", "UN Special Envoy for Syria", True),
        ("RCMP deputy commissioner", "Deputy RCMP Commissioner", True),
        ("Russian Defence Minister", "Russian Defense Minister", True),  # spelling variant
        ("Indian President", "Pakistani President", False),
        ("Russian Defense Minister", "Russian Foreign Minister", False),
        (None, "Russian Foreign Minister", False),
    ],
)
def test_role_matches(predicted, gold, correct):
    assert role_matches(predicted, gold) is correct


def test_role_accuracy_counts_required_with_gold_role_only():
    gold = [
        gp("Sergey Lavrov", role="Russian Foreign Minister"),
        gp("Sergey Shoigu", role="Russian Defense Minister"),
        gp("Kairat Abdrakhmanov"),  # no gold role: not judged
        gp("Mikhail Bogdanov", role="Deputy Foreign Minister", optional=True),  # optional: not judged
    ]
    pred = [
        pp("Sergey Lavrov", role="Foreign Minister"),  # right
        pp("Sergey Shoigu", role="Foreign Minister"),  # wrong
        pp("Kairat Abdrakhmanov", role="anything"),
        pp("Mikhail Bogdanov", role="wrong"),
    ]
    score = score_participants(pred, gold)
    assert score.metrics == {"role_accuracy": 0.5, "role_correct": 1, "role_total": 2}
    assert score_participants([], gold).metrics["role_accuracy"] is None


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "predicted, gold, alts, compatible",
    [
        ("2017-06-08", "2017-06-08", [], True),  # same day
        ("2017-06-09", "2017-06-08", [], False),  # next day
        ("2017-06", "2017-06-08", [], True),  # month contains the day
        ("2017", "2017-06-01/2017-06-15", [], True),  # year contains the interval
        ("2018", "2017-12", [], False),
        ("2017-06-14/2017-06-20", "2017-06-13/2017-06-14", [], True),  # intervals share one day
        ("2017-06-15/2017-06-20", "2017-06-13/2017-06-14", [], False),
        ("2017-07", "2017-06-13/2017-06-14", ["2017-07"], True),  # via alt_dates
        ("2017-08", "2017-06-13/2017-06-14", ["2017-07"], False),
        ("2019-12-31/2020-01-02", "2020", [], True),  # across a year boundary
        (None, None, [], True),
        (None, "2017-06", [], True),  # one side null: compatible, charged to date accuracy
        ("2017-06", None, [], True),
    ],
)
def test_dates_compatible(predicted, gold, alts, compatible):
    assert dates_compatible(predicted, gold, alts) is compatible


@pytest.mark.parametrize(
    "predicted, gold, alts, exact",
    [
        ("2017-06-08", "2017-06-08", [], True),  # day
        ("2017-06", "2017-06-08", [], False),  # compatible is not exact
        ("2020-02", "2020-02", [], True),  # month
        ("2020-02-01", "2020-02", [], False),
        ("2014", "2014", [], True),  # year
        ("2014-01-01", "2014", [], False),
        ("2017-06-13/2017-06-14", "2017-06-13/2017-06-14", [], True),  # interval
        ("2017-06-13/2017-06-15", "2017-06-13/2017-06-14", [], False),
        ("2017-07", "2017-06-13/2017-06-14", ["2017-07"], True),  # an alt date
        (None, None, [], True),
        (None, "2014", [], False),
        ("2014", None, [], False),
    ],
)
def test_date_exact(predicted, gold, alts, exact):
    assert date_exact(predicted, gold, alts) is exact


# ---------------------------------------------------------------- upcoming

TALKS = "Lavrov and de Mistura hold talks in Moscow"
GENEVA = "Seventh round of intra-Syrian negotiations in Geneva"
ASTANA = "New international meeting on Syria in Astana"
SHOIGU = "De Mistura meets Russian Defense Minister Shoigu"
GOLD_U = [
    GoldUpcoming(event=TALKS, date="2017-06-08"),
    GoldUpcoming(event=GENEVA, date="2017-06-01/2017-06-15"),
    GoldUpcoming(event=ASTANA, date="2017-06-13/2017-06-14", alt_dates=["2017-07"]),
    GoldUpcoming(event=SHOIGU, date=None, optional=True),
]
EXACT = [(TALKS, "2017-06-08"), (GENEVA, "2017-06-01/2017-06-15"), (ASTANA, "2017-06-13/2017-06-14")]


@pytest.mark.parametrize(
    "events, tp, fp, fn, f1, date_accuracy",
    [
        (EXACT, 3, 0, 0, 1.0, 1.0),
        (EXACT + [(SHOIGU, "2017-06-09")], 3, 0, 0, 1.0, 1.0),  # optional matched: neutral
        ([(TALKS, "2017-06-09"), *EXACT[1:]], 2, 1, 1, H, 1.0),  # incompatible date: FP + FN
        ([*EXACT[:2], (ASTANA, "2017-07")], 3, 0, 0, 1.0, 1.0),  # alt date is exact
        ([*EXACT[:2], (ASTANA, "2017-06")], 3, 0, 0, 1.0, H),  # compatible, not exact
        ([(TALKS, None), *EXACT[1:]], 3, 0, 0, 1.0, H),  # null date: matched, date wrong
        ([EXACT[0], ("Next round of intra-Syrian talks in Geneva", "2017-06")], 2, 0, 1, 0.8, 0.5),  # paraphrase
        ([*EXACT, ("Trump visits Paris", "2017-06-08")], 3, 1, 0, 6 / 7, 1.0),  # unrelated: FP
        ([*EXACT, EXACT[0]], 3, 1, 0, 6 / 7, 1.0),  # duplicate: FP
        ([], 0, 0, 3, 0.0, None),
    ],
)
def test_upcoming(events, tp, fp, fn, f1, date_accuracy):
    pred = [UpcomingEvent(event=e, date=d, evidence="") for e, d in events]
    score = score_upcoming(pred, GOLD_U)
    assert (score.counts.tp, score.counts.fp, score.counts.fn) == (tp, fp, fn)
    assert score.f1 == pytest.approx(f1)
    if date_accuracy is None:
        assert score.metrics["date_accuracy"] is None
    else:
        assert score.metrics["date_accuracy"] == pytest.approx(date_accuracy)


# ---------------------------------------------------------------- key issues

I1 = "Hill will meet North Korean envoy Kim Kye-Gwan bilaterally in Beijing on Sunday, ahead of the opening of next week's six-party talks."
I2 = "The six-party talks among the two Koreas, China, Japan, Russia and the United States resume after a 13-month hiatus during which North Korea tested an atom bomb."
I3 = "The US meets North Korea on the sidelines of the talks but refuses full bilateral talks outside the six-party framework."
P1 = "US envoy Christopher Hill plans a bilateral meeting with North Korea's Kim Kye-Gwan before the six-party talks."
P2 = "Six-party nuclear talks resume after a 13-month break that included North Korea's nuclear test."
OFF = "Global stocks rose for a seventh straight session."
GOLD_K = [GoldKeyIssue(issue=I1), GoldKeyIssue(issue=I2), GoldKeyIssue(issue=I3, optional=True)]


@pytest.mark.parametrize(
    "issues, tp, fp, fn, precision, recall",
    [
        ([I1, I2], 2, 0, 0, 1.0, 1.0),
        ([P1, P2], 2, 0, 0, 1.0, 1.0),  # paraphrases (0.73, 0.66)
        ([P1, I3], 1, 0, 1, 1.0, 0.5),  # optional matched: neutral
        ([P1, OFF], 1, 1, 1, 0.5, 0.5),
        ([I1, I1, I2], 2, 1, 0, H, 1.0),  # duplicate of I1: FP
        ([I1, P1, I2], 2, 0, 0, 1.0, 1.0),  # P1 also fits optional I3 (0.61): neutral, not FP
        ([], 0, 0, 2, 1.0, 0.0),
    ],
)
def test_key_issues(issues, tp, fp, fn, precision, recall):
    score = score_key_issues([KeyIssue(issue=i, evidence="") for i in issues], GOLD_K)
    assert (score.counts.tp, score.counts.fp, score.counts.fn) == (tp, fp, fn)
    assert (score.precision, score.recall) == pytest.approx((precision, recall))


# ---------------------------------------------------------------- summary, groundedness

ARTICLE = "Russian Foreign Minister Sergey Lavrov will hold talks in Moscow with Staffan de Mistura on Thursday."


def test_summary_rouge():
    assert summary_rouge("Lavrov holds talks.", "Lavrov holds talks.") == {"rouge1": 1.0, "rouge2": 1.0, "rougeL": 1.0}
    assert summary_rouge(None, "x y") == {"rouge1": 0.0, "rouge2": 0.0, "rougeL": 0.0}
    # stemming: "holds"/"hold"; 2 of 3 unigrams shared -> F = 2/3
    assert summary_rouge("Lavrov hold meetings", "Lavrov holds talks")["rouge1"] == pytest.approx(H)


def test_summary_rouge_is_rouge_scores_own_stemmed_rouge():
    """The memoized stemmer changes speed only: scores equal rouge-score's use_stemmer=True."""
    from rouge_score import rouge_scorer

    reference = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    pairs = [
        ("Ministers were meeting and negotiating; talks generalized quickly.", "The minister meets to negotiate general talks."),
        ("Oil prices fell sharply on oversupply worries.", "Oil fell sharply as supplies rose and worries grew."),
        (" ".join(["relational conditional hopefulness"] * 3), "relate condition hopeful"),
    ]
    for prediction, gold in pairs * 2:  # the second time from the cache
        expected = {t: s.fmeasure for t, s in reference.score(gold, prediction).items()}
        assert summary_rouge(prediction, gold) == pytest.approx(expected)


def test_scoring_tokens_are_rouge_scores_own_stemmed_tokens():
    """Over every evals/news article and gold file: the same tokens as rouge-score's
    use_stemmer=True tokenizer, and the content tokens are those without stopwords."""
    from pathlib import Path

    from rouge_score.tokenizers import DefaultTokenizer

    from summarizer.scoring.rouge import STOPWORDS, ContentTokenizer, StemmingTokenizer

    reference = DefaultTokenizer(use_stemmer=True)
    suite = Path(__file__).parent.parent / "evals" / "news"
    texts = [p.read_text(encoding="utf-8") for p in sorted(suite.glob("*.*")) if p.suffix in (".txt", ".json")]
    assert len(texts) >= 16
    for text in texts:
        expected = reference.tokenize(text)
        assert StemmingTokenizer().tokenize(text) == expected
        assert ContentTokenizer().tokenize(text) == [t for t in expected if t not in STOPWORDS]


def _summary(evidence: list[str]) -> ArticleSummary:
    return ArticleSummary(
        title="t", summary="s",
        key_issues=[KeyIssue(issue="i", evidence=e) for e in evidence[:1]],
        participants=[Participant(name="n", kind="person", evidence=e) for e in evidence[1:]],
    )


@pytest.mark.parametrize(
    "evidence, found, total, value",
    [
        (["will hold talks in Moscow", "\u201cSergey Lavrov\u201d"], 2, 2, 1.0),  # curly quotes folded
        (["will hold talks in Moscow", "Sergey Shoigu"], 1, 2, 0.5),
        (["", "sergey lavrov"], 1, 2, 0.5),  # empty evidence is not grounded
        ([], 0, 0, 1.0),  # nothing claimed
    ],
)
def test_groundedness(evidence, found, total, value):
    g = score_groundedness(_summary(evidence), ARTICLE)
    assert (g.found, g.total, g.value) == (found, total, value)


def test_groundedness_failed_case():
    assert score_groundedness(None, ARTICLE).value == 0.0


# ---------------------------------------------------------------- case + aggregate


def _gold():
    from summarizer.gold import Gold

    return Gold(
        id="x", published="2017-06-08", summary="Lavrov holds talks in Moscow.",
        key_issues=[GoldKeyIssue(issue=I1)], participants=GOLD_P[:2], upcoming=GOLD_U[:1],
    )


def test_failed_case_scores_zero_but_counts_fn():
    s = score_case(_gold(), None, ARTICLE).to_dict()
    assert s["failed"] is True
    assert (s["participants"]["precision"], s["participants"]["recall"], s["participants"]["f1"]) == (0, 0, 0)
    assert (s["participants"]["tp"], s["participants"]["fp"], s["participants"]["fn"]) == (0, 0, 2)
    assert s["summary"] == {"rouge1": 0.0, "rouge2": 0.0, "rougeL": 0.0}
    assert s["groundedness"]["value"] == 0.0


def test_aggregate_micro_and_macro():
    gold = _gold()
    a = ArticleSummary(title="a", summary="Lavrov holds talks in Moscow.", participants=[pp("Lavrov")])
    # case a: participants tp1 fp0 fn1 -> P 1, R .5, F1 2/3
    b = ArticleSummary(
        title="b", summary="x",
        participants=[pp("Lavrov"), pp("de Mistura"), pp("Turkey", "country"), pp("Iran", "country")],
    )
    # case b: tp2 fp2 fn0 -> P .5, R 1, F1 2/3
    agg = aggregate([score_case(gold, a, ARTICLE), score_case(gold, b, ARTICLE).to_dict()])
    p = agg["participants"]
    # micro: tp3 fp2 fn1 -> P .6, R .75, F1 2*.45/1.35 = 2/3
    assert (p["tp"], p["fp"], p["fn"]) == (3, 2, 1)
    assert (p["precision"], p["recall"], p["f1"]) == pytest.approx((0.6, 0.75, H))
    assert (p["macro"]["precision"], p["macro"]["recall"], p["macro"]["f1"]) == pytest.approx((0.75, 0.75, H))
    assert agg["summary"]["rouge1"] == pytest.approx((1.0 + 0.0) / 2)
    # upcoming: nothing predicted in either case -> micro recall 0 of 2, date accuracy unmeasured
    assert agg["upcoming"]["fn"] == 2 and agg["upcoming"]["date_accuracy"] is None
    assert agg["upcoming"]["macro"]["date_accuracy"] is None
