"""Upcoming events: event-text matching gated by date compatibility,
P/R/F1, and date accuracy.

A pair is allowed when ``rouge.text_similarity(pred.event, gold.event)`` >=
EVENT_THRESHOLD (0.55) AND the dates are compatible. Hand-written paraphrases
of dev gold events mostly score 0.71-0.88 ("Fiona Hill to testify" /
"Fiona Hill testifies in the impeachment inquiry" 0.875); unrelated events
of one article score below: "De Mistura meets Shoigu" / "Lavrov and de
Mistura hold talks in Moscow" 0.51, "Hu Jintao visits India" / "Hu's state
visit to Laos" 0.54. The price: paraphrases by synonyms only are missed
("New U.S. tariffs on Chinese goods take effect" / "Next round of US tariffs
on Chinese imports is due to start" 0.44, "Corey Hurren's next court
appearance" / "Hurren's case returns to court ..." 0.51). Gold events that
differ in one entity ("Hu's state visit to Laos" / "... to India" 0.84) are
beyond a lexical measure; the one-to-one assignment keeps each with its own
gold when both are predicted.

Compatible dates: both null; or exactly one null (the event text decides
the match, and the missing or extra date is charged to date accuracy instead
of turning one error into an FP plus an FN); or the predicted span overlaps
the span of the gold ``date`` or of any ``alt_dates`` (isodates.Span.overlaps:
"2017-06" is compatible with "2017-06-13/2017-06-14", "2014" with "2014-07").

Date accuracy: among matched REQUIRED gold events, the predicted ``date``
string equals the gold ``date`` or one of its ``alt_dates`` exactly (null
equals null). Compatible is not enough: "2017-06" for "2017-06-13" is wrong.
None when no required gold event was matched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from .. import isodates
from ..schema import UpcomingEvent
from .matching import FieldScore, accuracy, score_field
from .rouge import text_similarity

if TYPE_CHECKING:
    from ..gold import GoldUpcoming

EVENT_THRESHOLD = 0.55


def dates_compatible(predicted: str | None, gold: str | None, alt_dates: Sequence[str] = ()) -> bool:
    if predicted is None or gold is None:
        return True
    mine = isodates.span(predicted)
    return any(mine.overlaps(isodates.span(value)) for value in (gold, *alt_dates))


def date_exact(predicted: str | None, gold: str | None, alt_dates: Sequence[str] = ()) -> bool:
    return predicted == gold or (predicted is not None and predicted in alt_dates)


def score_upcoming(predicted: Sequence[UpcomingEvent], gold: Sequence[GoldUpcoming]) -> FieldScore:
    sim = [
        [
            text_similarity(p.event, g.event) if dates_compatible(p.date, g.date, g.alt_dates) else 0.0
            for g in gold
        ]
        for p in predicted
    ]
    optional = [g.optional for g in gold]
    assignment, score = score_field(
        sim, EVENT_THRESHOLD, optional, [p.event for p in predicted], [g.event for g in gold]
    )
    correct = total = 0
    for pair, entry in zip(assignment.pairs, score.matched):
        p, g = predicted[pair.pred], gold[pair.gold]
        right = date_exact(p.date, g.date, g.alt_dates)
        entry["date"] = {"prediction": p.date, "gold": g.date, "alt_dates": list(g.alt_dates), "correct": right}
        if not g.optional:
            total += 1
            correct += right
    score.metrics = {"date_accuracy": accuracy(correct, total), "date_correct": correct, "date_total": total}
    return score
