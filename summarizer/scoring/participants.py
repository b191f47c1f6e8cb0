"""Participants: name matching (see names.py), P/R/F1 and role accuracy.

Pairs are allowed when ``names.name_similarity`` >= ``names.NAME_THRESHOLD``
(0.90): an exact normalized match of name/alias/title-stripped forms is 1.0,
otherwise the best fuzzy score. Assignment and counting: matching.py.

Role accuracy is judged on matched REQUIRED gold items whose gold role is not
null (optional items are neutral here too). A missing predicted role is
wrong. Roles are compared as content tokens (names.normalize, then the
stemmed, stopword-free tokens of rouge.ContentTokenizer). A role is right when
one token set contains the other ("Foreign Minister" / "Russian Foreign
Minister", "UN envoy" / "UN Special Envoy for Syria") or when
``fuzz.token_sort_ratio`` of the token strings >= ROLE_THRESHOLD (0.90;
spelling and order variants: "Deputy RCMP Commissioner" / "RCMP deputy
commissioner"). This is stricter than token_set_ratio >= 60, which accepts
"Indian President" for "Pakistani President" (0.74) and "Russian Defense
Minister" for "Russian Foreign Minister" (0.83); both are wrong here.
Role accuracy is None when no matched item has a gold role.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from rapidfuzz import fuzz

from ..schema import Participant
from . import names
from .matching import FieldScore, accuracy, score_field
from .rouge import ContentTokenizer

if TYPE_CHECKING:
    from ..gold import GoldParticipant

ROLE_THRESHOLD = 0.90
_TOKENS = ContentTokenizer()


def _role_tokens(role: str) -> list[str]:
    return _TOKENS.tokenize(names.normalize(role))


def role_matches(predicted: str | None, gold: str) -> bool:
    if not predicted:
        return False
    p, g = _role_tokens(predicted), _role_tokens(gold)
    if not p or not g:
        return names.normalize(predicted) == names.normalize(gold)
    if set(p) <= set(g) or set(g) <= set(p):
        return True
    return fuzz.token_sort_ratio(" ".join(p), " ".join(g)) / 100.0 >= ROLE_THRESHOLD


def score_participants(predicted: Sequence[Participant], gold: Sequence[GoldParticipant]) -> FieldScore:
    gold_forms = [names.gold_forms(g.name, g.aliases, g.kind == "person") for g in gold]
    sim = [[names.name_similarity(p.name, p.kind == "person", forms) for forms in gold_forms] for p in predicted]
    optional = [g.optional for g in gold]
    assignment, score = score_field(
        sim, names.NAME_THRESHOLD, optional, [p.name for p in predicted], [g.name for g in gold]
    )
    correct = total = 0
    for pair, entry in zip(assignment.pairs, score.matched):
        p, g = predicted[pair.pred], gold[pair.gold]
        if g.role is None:
            continue
        right = role_matches(p.role, g.role)
        entry["role"] = {"prediction": p.role, "gold": g.role, "correct": right}
        if not g.optional:
            total += 1
            correct += right
    score.metrics = {"role_accuracy": accuracy(correct, total), "role_correct": correct, "role_total": total}
    return score
