"""Text normalization shared by grounding checks and the groundedness score."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_QUOTES = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00ab": '"', "\u00bb": '"',
        "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u00a0": " ",
    }
)
_SPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Fold quote characters, dashes and runs of whitespace; keep case and words."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return _SPACE.sub(" ", text).strip()


@lru_cache(maxsize=1024)
def _folded(article: str) -> str:
    """The text as quotes are looked up in: an article is searched for many quotes (grounding
    also searches single sentences, hence room for many)."""
    return normalize(article).casefold()


def quote_found(quote: str, article: str) -> bool:
    """True when ``quote`` occurs in ``article`` after normalization (case-insensitive).

    Surrounding quote marks and a trailing full stop or ellipsis on the quote are ignored;
    a quote that starts or ends with a letter must start or end on a word boundary.
    """
    needle = normalize(quote).strip(" \"'").rstrip(".").rstrip("…").strip().casefold()
    if not needle:
        return False
    haystack = _folded(article)
    if needle not in haystack:
        return False
    # whole words only: "UN" is not found in "June"
    pattern = rf"(?<!\w){re.escape(needle)}" if needle[0].isalnum() else re.escape(needle)
    if needle[-1].isalnum():
        pattern += r"(?!\w)"
    return re.search(pattern, haystack) is not None
