"""Ending a JSON string once the part of it that code keeps is written.

Code keeps the overview's summary to its first two sentences within 70 words
(passages.tidy_summary), but the model writes on: a third and fourth sentence, 155 characters an
article past what is kept on evals/news, and 159-309 on the unseen sets (about 35-70 tokens,
a second or two of the model's time). A character bound (``maxLength``) cannot say where a
sentence ends, and a grammar cannot tell "U.S." from a sentence's end.

So the schema marks such a string with two keywords of this package's own (json_drafts'
``MAX_SENTENCES``, ``MAX_WORDS``), and `StringStops` reads the answer token by token as the
sampler picks it (greedy_grammar.py). Once the string holds ``max_sentences`` complete
sentences and the next has begun, or a sentence after the first runs past ``max_words``, the
sampler takes the best token that closes the string. The answer goes on from there as the
model writes it; the unfinished sentence at the end is dropped by tidy_summary, as for any
summary cut at a bound. Sentences are split as tidy_summary splits them (grounding.sentences).
"""

from __future__ import annotations

import codecs
import json
from typing import Any

import numpy as np

from .. import grounding
from .json_drafts import JsonCursor, Shape, shape_of

_split = grounding.sentences.__wrapped__  # uncached: partial answers would crowd out the articles


def finished(text: str, max_sentences: int | None, max_words: int | None) -> bool:
    """Whether ``text``, a string still being written, holds all that the bounds keep: its
    complete sentences (all but the last, which may go on) reach ``max_sentences``, or the
    one being written, after at least one complete sentence, takes the words past ``max_words``
    (nothing after such a sentence is kept either)."""
    pieces = _split(text)
    if len(pieces) < 2:
        return False
    complete = pieces[:-1]
    if max_sentences is not None and len(complete) >= max_sentences:
        return True
    return max_words is not None and sum(len(p.split()) for p in pieces) > max_words


def _decoded(raw: str) -> str:
    """A JSON string's content as written so far (its escapes read; a half-written one dropped)."""
    for end in (len(raw), raw.rfind("\\")):
        try:
            return json.loads(f'"{raw[:end]}"')
        except ValueError:
            continue
    return raw


class StringStops:
    """Tracks one answer, token by token, against its schema's stopping keywords.
    ``begin(schema)`` before each request and ``begin(None)`` after it; ``feed`` each token
    the sampler picks; ``must_close`` says the next token should end the current string."""

    def __init__(self, llama: Any) -> None:
        self._llama = llama
        self._closers: np.ndarray | None = None
        self.closed = 0  # strings ended here, for tests and benchmarks
        self.begin(None)

    def begin(self, schema: dict[str, Any] | None) -> None:
        shape = shape_of(schema) if schema else None
        self._cursor = JsonCursor(shape) if shape is not None and _bounded(shape) else None
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._shape: Shape | None = None  # the bounded string being written
        self._raw = ""
        self.must_close = False

    @property
    def active(self) -> bool:
        return self._cursor is not None

    def feed(self, token: int) -> None:
        cursor = self._cursor
        if cursor is None:
            return
        text = self._decoder.decode(self._llama.detokenize([token]))
        for char in text:
            inside = cursor.mode == "string"
            cursor.feed(char)
            if cursor.mode != "string":
                if inside and self.must_close:
                    self.closed += 1
                self._shape, self._raw, self.must_close = None, "", False
            elif inside:
                if self._shape is not None:
                    self._raw += char
            else:  # a string value opens
                shape = cursor.value_shape()
                self._shape = shape if shape.max_sentences or shape.max_words else None
        if self._shape is not None and not self.must_close:
            self.must_close = finished(_decoded(self._raw), self._shape.max_sentences, self._shape.max_words)

    def closers(self) -> np.ndarray:
        """The tokens that begin by ending a string (``"``, ``",``, ``"}`` ...); the grammar
        picks among them what may follow."""
        if self._closers is None:
            llama = self._llama
            ids = [t for t in range(llama.n_vocab()) if llama.detokenize([t]).startswith(b'"')]
            self._closers = np.asarray(ids, dtype=np.int64)
        return self._closers


def _bounded(shape: Shape) -> bool:
    """Whether any string in ``shape`` has a stopping keyword."""
    if shape.max_sentences or shape.max_words:
        return True
    return any(_bounded(child) for child in shape.children.values()) or (
        shape.item is not None and _bounded(shape.item))
