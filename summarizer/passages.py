"""The overview after the model: key issues quoted from the article, the summary tidied.

Key issues: the model names the article's main points; the article says them. For each
point the model wrote, the passage is the sentence that shares the most words with it
and the sentence after it, in article order, without overlaps. A 1.5B model's own
wording of a point is often vague and sometimes wrong ("oversupply concerns and rising
stocks contributed to the fall in oil prices"); the article's passage is right by
construction, and the point it makes is still the model's choice.

Summary: a small model repeats a sentence, runs on until it is cut off, or loops to
hundreds of words. The summary keeps its complete sentences, each once, up to
``MAX_SUMMARY_SENTENCES`` (the gold format's 1-3) and ``MAX_SUMMARY_WORDS``.
"""

from __future__ import annotations

from . import grounding

PASSAGE_SENTENCES = 2
MIN_SENTENCE_WORDS = 6
SAME_POINT = 85  # grounding.similarity of two issues that make one point
MAX_SUMMARY_WORDS = 90
MAX_SUMMARY_SENTENCES = 3  # docs/GOLD_FORMAT.md: a summary is 1-3 sentences
SAME_SENTENCE = 85
_ENDS = (".", "!", "?", '"', "\u201d", "'", "\u2019", ")")


def _distinct(texts: list[str], threshold: float) -> list[str]:
    kept: list[str] = []
    for text in texts:
        if not any(grounding.similarity(text, k) >= threshold for k in kept):
            kept.append(text)
    return kept


def key_passages(article: str, points: list[str]) -> list[str]:
    """The article's passage for each point, in article order, passages not overlapping."""
    sentences = grounding.sentences(article)
    index = {sentence: i for i, sentence in reversed(list(enumerate(sentences)))}
    starts = sorted({
        index[best]
        for point in _distinct([p for p in points if p.strip()], SAME_POINT)
        if (best := grounding.best_sentence(article, point)) is not None
    })
    passages: list[str] = []
    taken = -1
    for start in starts:
        if start <= taken:
            continue
        end = start + 1
        while end < min(start + PASSAGE_SENTENCES, len(sentences)) and len(sentences[end].split()) >= MIN_SENTENCE_WORDS:
            end += 1  # a short line after the sentence is a subheading: the next topic
        passages.append(" ".join(sentences[start:end]))
        taken = end - 1
    return passages


def tidy_summary(summary: str, max_words: int = MAX_SUMMARY_WORDS, max_sentences: int = MAX_SUMMARY_SENTENCES) -> str:
    """Complete sentences, each once, at most ``max_sentences`` and ``max_words`` (the first
    sentence always)."""
    pieces = list(grounding.sentences(summary.strip()))
    if len(pieces) > 1 and not pieces[-1].endswith(_ENDS):
        pieces.pop()  # cut off mid-sentence
    kept: list[str] = []
    words = 0
    for piece in _distinct(pieces, SAME_SENTENCE):
        size = len(piece.split())
        if kept and (words + size > max_words or len(kept) == max_sentences):
            break
        kept.append(piece)
        words += size
    return " ".join(kept)
