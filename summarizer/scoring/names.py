"""Name normalization and name similarity for participant matching.

Normalization: NFKD with accents removed (and đ/ø/ł... folded), casefold, ``.`` and apostrophes
deleted ("U.S." -> "us", "People's" -> "peoples"), other punctuation turned
into spaces ("Kim Kye-Gwan" -> "kim kye gwan"), a leading "the" dropped.
For people, a leading run of title words is also dropped ("Deputy Foreign
Minister", "U.S. Ambassador", "Lt. Col.", "Mr.", "Russian Foreign Minister"):
the run may contain qualifier words (nationalities, "deputy", "former") but
must contain at least one real title word, and at least one token must stay.
Organizations and countries keep their words ("General Motors" stays).

Similarity of a predicted name to a gold participant is 1.0 when any form of
the prediction (raw-normalized or title-stripped) equals any normalized form
of the gold name or its aliases. Otherwise it is the best
``max(fuzz.ratio, fuzz.token_sort_ratio) / 100`` over those forms.
``ratio`` forgives spelling variants in order ("Kim Kye Gwan" / "Kim Gye
Gwan" 0.92, "Sergei"/"Sergey Lavrov" 0.92); ``token_sort_ratio`` forgives
reordering ("Lavrov Sergey"). NAME_THRESHOLD = 0.90 keeps transliteration
variants (0.92-0.97) but rejects different people who share a word:
"Sergey Shoigu"/"Sergey Lavrov" 0.62, "Hunter Biden"/"Joe Biden" 0.67,
"Austria"/"Australia" 0.875, "North Korea"/"South Korea" 0.82. Known limit:
one-letter first-name differences ("John Smith"/"Joan Smith" 0.90) match.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Iterable

from rapidfuzz import fuzz

NAME_THRESHOLD = 0.90

# Words that make a leading run a title ("Foreign Minister", "Mr.", "Lt. Col.").
TITLE_WORDS = frozenset(
    """president vicepresident minister ambassador envoy secretary spokesman spokeswoman spokesperson
    chairman chairwoman chair chancellor premier governor gov general gen mayor senator sen
    representative rep congressman congresswoman judge justice commissioner director ceo chief
    negotiator counselor adviser advisor attorney prosecutor lawyer colonel col lt lieutenant major
    captain capt sergeant sgt admiral adm corporal cpl officer king queen prince princess pope
    sheikh emir mr mrs ms dr prof professor sir dame lord lady rev reverend father speaker leader""".split()
)
# Words that may precede or sit inside a title run but are not a title alone.
QUALIFIERS = frozenset(
    """the former then acting interim deputy vice assistant associate special senior chief first
    prime foreign defense defence interior finance trade state economy home justice health
    national presidential of for to and un us uk eu nato white house
    russian chinese american british french german japanese indian pakistani korean north south
    ukrainian syrian iranian israeli turkish canadian australian italian spanish swedish lao
    vietnamese kazakh mexican brazilian european""".split()
)

# Letters NFKD does not decompose into base + accent.
_LETTERS = str.maketrans({"đ": "d", "ð": "d", "ø": "o", "ł": "l", "ı": "i", "þ": "th", "æ": "ae", "œ": "oe"})
_APOS_DOTS = re.compile(r"[.'\u2019\u2018`]")
_NON_WORD = re.compile(r"[^\w]+")


def normalize(name: str) -> str:
    """Casefold, strip accents and punctuation, drop a leading "the"."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold().translate(_LETTERS)
    text = _NON_WORD.sub(" ", _APOS_DOTS.sub("", text)).replace("_", " ")
    tokens = text.split()
    if len(tokens) > 1 and tokens[0] == "the":
        tokens = tokens[1:]
    return " ".join(tokens)


def strip_titles(normalized: str) -> str:
    """Drop a leading title run from an already normalized person name."""
    tokens = normalized.split()
    cut = 0
    for i, token in enumerate(tokens[:-1]):  # keep at least one token
        if token in TITLE_WORDS:
            cut = i + 1
        elif token not in QUALIFIERS:
            break
    return " ".join(tokens[cut:])


@lru_cache(maxsize=4096)
def forms(name: str, person: bool = True) -> frozenset[str]:
    """Normalized forms of one name: as written and, for people, without titles."""
    base = normalize(name)
    out = {base, strip_titles(base)} if person else {base}
    return frozenset(f for f in out if f)


def gold_forms(name: str, aliases: Iterable[str], person: bool) -> frozenset[str]:
    out: set[str] = set()
    for text in (name, *aliases):
        out |= forms(text, person)
    return frozenset(out)


def name_similarity(predicted: str, predicted_is_person: bool, gold: frozenset[str]) -> float:
    """1.0 on an exact normalized match, else the best fuzzy score in [0, 1]."""
    mine = forms(predicted, predicted_is_person)
    if not mine or not gold:
        return 0.0
    if mine & gold:
        return 1.0
    best = 0.0
    for a in mine:
        for b in gold:
            best = max(best, fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b))
    return best / 100.0


def is_match(similarity: float) -> bool:
    return similarity >= NAME_THRESHOLD
