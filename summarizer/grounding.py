"""Grounding: every item must be backed by the article's own words.

Evidence quotes must occur in the article; a participant's name (or its
surname) must occur in it; a `when_text` must occur in it. Also: picking the
supporting sentence for a claim, moving titles out of names, and merging
duplicate participants.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz

from .schema import Participant
from .textnorm import normalize, quote_found

_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'\u201d\u2019)]))\s+(?=[\"'\u201c\u2018(]?[A-Z0-9])|\n+")
_ABBREV = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Gen|Lt|Col|Sen|Rep|Gov|Prof|U\.S|U\.N|No|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.$")

TITLE_WORDS = {
    "president", "minister", "secretary", "envoy", "ambassador", "chairman", "chairwoman", "chair",
    "spokesman", "spokeswoman", "spokesperson", "director", "chief", "governor", "senator", "judge",
    "justice", "general", "commander", "prime", "premier", "king", "queen", "prince", "mayor",
    "representative", "rep", "sen", "gov", "mr", "mrs", "ms", "dr", "prof", "ceo", "head", "leader",
    "negotiator", "official", "lawyer", "attorney", "deputy", "vice", "foreign", "defense", "defence",
    "special", "assistant", "counsel", "officer", "adviser", "advisor", "lt", "col", "gen", "sgt",
}
_LINKS = {"for", "of", "to", "at", "on", "the", "and"}
_PARTICLES = {"de", "van", "von", "al", "bin", "da", "del", "la", "le", "di"}


@lru_cache(maxsize=64)
def sentences(article: str) -> tuple[str, ...]:
    """Split an article into sentences (paragraph breaks always split)."""
    pieces: list[str] = []
    for raw in _SENTENCE_END.split(article):
        raw = raw.strip()
        if not raw:
            continue
        if pieces and _ABBREV.search(pieces[-1]):
            pieces[-1] = f"{pieces[-1]} {raw}"
        else:
            pieces.append(raw)
    return tuple(pieces)


def sentence_with(article: str, phrase: str) -> str | None:
    """The first sentence containing ``phrase`` (normalized, case-insensitive)."""
    if not phrase or not phrase.strip():
        return None
    for sentence in sentences(article):
        if quote_found(phrase, sentence):
            return sentence
    return None


def best_sentence(article: str, claim: str) -> str | None:
    """The sentence that shares the most words with ``claim``."""
    best, best_score = None, 0.0
    for sentence in sentences(article):
        score = fuzz.token_set_ratio(claim.lower(), sentence.lower())
        if score > best_score:
            best, best_score = sentence, score
    return best


def name_found(name: str, article: str) -> bool:
    """True when the name, or its last word (a surname), occurs in the article."""
    if quote_found(name, article):
        return True
    words = [w for w in re.split(r"\s+", normalize(name)) if w]
    if len(words) > 1 and len(words[-1]) > 2:
        return re.search(rf"\b{re.escape(words[-1])}\b", normalize(article), re.IGNORECASE) is not None
    return False


def split_title(name: str) -> tuple[str, str | None]:
    """Split "Russian Foreign Minister Sergey Lavrov" into ("Sergey Lavrov", "Russian Foreign Minister")."""
    words = name.split()
    last_title = -1
    for i, word in enumerate(words[:-1]):
        if word.strip(".,").lower() in TITLE_WORDS:
            last_title = i
    if last_title < 0:
        return name, None
    end = last_title + 1
    if end < len(words) - 1 and words[end].lower() in _LINKS:
        # "Envoy for Syria Staffan de Mistura", "Ambassador to the European Union Gordon Sondland":
        # the phrase after the link belongs to the title; the name keeps two words (three with a particle)
        keep = 3 if len(words) >= 3 and words[-2].lower() in _PARTICLES else 2
        end = max(end, len(words) - keep)
    rest = words[end:]
    if not rest or not rest[0][:1].isupper():
        return name, None
    return " ".join(rest), " ".join(words[:end]).rstrip(",")


def _key(name: str) -> list[str]:
    return [w for w in re.split(r"[\s\-]+", normalize(name).casefold().replace(".", "")) if w]


def same_entity(a: Participant, b: Participant) -> bool:
    """"Lavrov" and "Sergey Lavrov" are one entity; "Sergey Lavrov" and "Sergey Shoigu" are not."""
    ka, kb = _key(a.name), _key(b.name)
    if ka == kb:
        return True
    if a.kind != b.kind or not ka or not kb:
        return False
    short, long = (ka, kb) if len(ka) <= len(kb) else (kb, ka)
    if a.kind == "person":
        return long[-len(short):] == short  # surname or trailing part of the full name
    return " ".join(short) in " ".join(long) and len(short) >= 2


def merge(participants: list[Participant]) -> list[Participant]:
    """Merge duplicates, keeping the fullest name and the first role given."""
    merged: list[Participant] = []
    for item in participants:
        for i, kept in enumerate(merged):
            if same_entity(kept, item):
                name = item.name if len(item.name) > len(kept.name) else kept.name
                merged[i] = kept.model_copy(update={"name": name, "role": kept.role or item.role})
                break
        else:
            merged.append(item)
    return merged
