"""Drafting the JSON a schema forces, for the model to check in one forward pass.

Much of a structured answer is not the model's choice. In
``{"name": "Lavrov", "kind": "person", "role": null}, {"name": ...`` the keys, their
order, the colons and the quotes are fixed by the schema once a value ends; only the
values are written. Each of those tokens still costs a full forward pass when the
answer is written one token at a time, and a forward pass over several tokens costs
less than as many single passes (bench/bench_decoding.py).

So after each token the drafter reads the answer so far, works out what the schema
makes come next (`continuation`), and hands those tokens to llama-cpp-python's
speculative loop (``Llama.draft_model``). llama.cpp evaluates them in one batch; the
sampler then picks each next token as always (greedy, under the grammar) and keeps the
draft only as far as it agrees. A wrong draft costs a little time, never a token: the
answer is the one greedy decoding writes, up to the last bits of llama.cpp's arithmetic,
which vary with the batch a token is evaluated in (see local.py ``_warm_prefix``).

The draft is canonical JSON as ``json.dumps`` writes it (", " and ": "), the form the
model writes; it stops where the model chooses: at a value, and after a list item (another
item or the end). On evals/news 98% of drafted tokens are kept, and a written token takes
about 0.9 of the time (bench/bench_drafts.py). No JSON library reads a partial document and
says what must come next, so this is a small scanner: containers, strings, escapes and
literals.
"""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np

_NONE = np.empty(0, dtype=np.intc)

_ENV = "SUMMARIZER_DRAFTS"  # "0": no drafts, one token a pass (for comparison)
MAX_DRAFT = 16  # tokens a pass; a run of forced JSON is rarely longer (`, "when_text": ` is 6)
# Schema keywords of this package's own, read only by the in-process backend (string_stops.py);
# an endpoint is sent the schema without them (response_format.without_extensions).
MAX_SENTENCES = "x-maxSentences"
MAX_WORDS = "x-maxWords"


@dataclass
class Shape:
    """What a schema node lets the model write, as far as drafting needs it."""

    kind: str  # "object", "array", "string" (opens with a quote), or "open" (a choice: null or a string, ...)
    keys: tuple[str, ...] = ()
    children: dict[str, Shape] = field(default_factory=dict)
    item: Shape | None = None
    max_sentences: int | None = None  # a string: string_stops.py ends it after this many sentences
    max_words: int | None = None  # ... or once a sentence after the first runs past this many words


_OPEN = Shape("open")


def shape_of(schema: dict[str, Any] | None, defs: dict[str, Any] | None = None) -> Shape:
    """The `Shape` of a JSON schema (``$ref`` into ``$defs`` resolved)."""
    if not isinstance(schema, dict):
        return _OPEN
    defs = schema.get("$defs", defs or {})
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        return shape_of(defs.get(ref.rsplit("/", 1)[1]), defs)
    kind = schema.get("type")
    if kind == "object" and isinstance(schema.get("properties"), dict):
        children = {key: shape_of(value, defs) for key, value in schema["properties"].items()}
        return Shape("object", tuple(children), children)
    if kind == "array":
        return Shape("array", item=shape_of(schema.get("items"), defs))
    if kind == "string" or ("enum" in schema and all(isinstance(v, str) for v in schema["enum"])):
        return Shape("string", max_sentences=_count(schema, MAX_SENTENCES), max_words=_count(schema, MAX_WORDS))
    return _OPEN


def _count(schema: dict[str, Any], keyword: str) -> int | None:
    value = schema.get(keyword)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


@dataclass
class _Frame:
    shape: Shape
    expect: str  # object: "first", "key", "colon", "value", "next"; array: "first", "value", "next"
    key: int = -1  # object: index of the current key in shape.keys
    lost: bool = False  # object: a key the schema does not have was written; no more drafts


class JsonCursor:
    """Reads a JSON answer as it is written and says what its schema forces next."""

    def __init__(self, shape: Shape) -> None:
        self.root = shape
        self.stack: list[_Frame] = []
        self.mode = "value"  # "value" (outside strings and literals), "key", "string", "literal", "done"
        self.escape = False
        self.key_text = ""
        self.literal = ""
        self.last = ""

    def value_shape(self) -> Shape:
        """The shape of the value about to start, or of the string being written."""
        if not self.stack:
            return self.root
        top = self.stack[-1]
        return self._child_at(top) if top.shape.kind == "object" else top.shape.item or _OPEN

    def _value_done(self) -> None:
        if self.stack:
            self.stack[-1].expect = "next"
        else:
            self.mode = "done"

    def feed(self, text: str) -> None:
        for char in text:
            self._char(char)
            self.last = char

    def _char(self, char: str) -> None:
        if self.mode in ("key", "string"):
            if self.escape:
                self.escape = False
            elif char == "\\":
                self.escape = True
            elif char == '"':
                if self.mode == "key":
                    top = self.stack[-1]
                    if self.key_text in top.shape.keys:
                        top.key = top.shape.keys.index(self.key_text)
                    else:
                        top.key, top.lost = -1, True
                    top.expect = "colon"
                    self.mode = "value"
                else:
                    self.mode = "value"
                    self._value_done()
            elif self.mode == "key":
                self.key_text += char
            return
        if self.mode == "literal":
            if char.isalnum() or char in ".+-":
                self.literal += char
                if self.literal in ("null", "true", "false"):  # complete: no delimiter needed to know
                    self.mode = "value"
                    self._value_done()
                return
            self.mode = "value"
            self._value_done()
        if self.mode == "done" or char.isspace():
            return
        top = self.stack[-1] if self.stack else None
        if char in "{[":
            kind = "object" if char == "{" else "array"
            child = self.value_shape()
            self.stack.append(_Frame(child if child.kind == kind else Shape(kind), "first"))
        elif char == '"':
            if top is not None and top.shape.kind == "object" and top.expect in ("first", "key"):
                self.mode, self.key_text = "key", ""
            else:
                self.mode = "string"
        elif char == ":" and top is not None:
            top.expect = "value"
        elif char == "," and top is not None:
            top.expect = "key" if top.shape.kind == "object" else "value"
        elif char in "}]":
            if self.stack:
                self.stack.pop()
            self._value_done()
        else:
            self.mode, self.literal = "literal", char

    def continuation(self) -> str:
        """The text the schema forces from here, in canonical form; "" where the model chooses."""
        if self.mode == "key":
            top = self.stack[-1]
            nxt = 0 if top.expect == "first" else self._next_key(top)
            if nxt is None or nxt >= len(top.shape.keys) or not top.shape.keys[nxt].startswith(self.key_text):
                return ""
            key = top.shape.keys[nxt]
            return key[len(self.key_text):] + '"' + _value_after_colon(top.shape.children[key])
        if self.mode != "value" or not self.stack:
            return ""
        return self._from(len(self.stack) - 1)

    @staticmethod
    def _next_key(frame: _Frame) -> int | None:
        if frame.lost:
            return None
        nxt = frame.key + 1
        return nxt if nxt < len(frame.shape.keys) else None

    def _from(self, depth: int) -> str:
        frame = self.stack[depth]
        space = "" if self.last == " " else " "
        if frame.shape.kind == "object":
            if frame.lost:
                return ""
            if frame.expect == "first":
                return _object_body(frame.shape)
            if frame.expect == "key":
                nxt = self._next_key(frame)
                return "" if nxt is None else space + _member(frame.shape, nxt)
            if frame.expect == "colon":
                return _value_after_colon(self._child_at(frame))
            if frame.expect == "value":
                opening = _opening(self._child_at(frame))
                return space + opening if opening else ""
            return self._after_member(depth)
        if frame.expect == "first":
            return _array_body(frame.shape)
        if frame.expect == "value":
            item = frame.shape.item
            return space + _opening(item) if item is not None and item.kind in ("object", "array") else ""
        return ""  # after an item: another one or the list's end is the model's choice

    def _after_member(self, depth: int) -> str:
        """What follows a member's value in the object at ``depth``: the next key, or the
        object's end and what follows that."""
        frame = self.stack[depth]
        nxt = self._next_key(frame)
        if nxt is not None:
            return ", " + _member(frame.shape, nxt)
        if depth == 0:
            return "}"
        parent = self.stack[depth - 1]
        if parent.shape.kind == "object":  # the object is a member's value
            return "}" + self._after_member(depth - 1)
        return ""  # the item ends in a list: '},' or '}]', the model's choice

    @staticmethod
    def _child_at(frame: _Frame) -> Shape:
        if 0 <= frame.key < len(frame.shape.keys):
            return frame.shape.children[frame.shape.keys[frame.key]]
        return _OPEN


def _member(shape: Shape, index: int) -> str:
    key = shape.keys[index]
    return f'"{key}"' + _value_after_colon(shape.children[key])


def _value_after_colon(shape: Shape) -> str:
    """The colon and what a value of ``shape`` starts with. Where the value is the model's
    choice ("role": null or a string) the draft ends at the colon: the model writes the space
    with what follows (' null', ' "'), so a drafted space would be refused."""
    opening = _opening(shape)
    return ": " + opening if opening else ":"


def _object_body(shape: Shape) -> str:
    return _member(shape, 0) if shape.keys else ""


def _array_body(shape: Shape) -> str:
    item = shape.item
    return _opening(item) if item is not None and item.kind == "object" else ""


def _opening(shape: Shape) -> str:
    """What a value of ``shape`` starts with, as far as it is forced."""
    if shape.kind == "string":
        return '"'
    if shape.kind == "object":
        return "{" + _object_body(shape)
    if shape.kind == "array":
        return "[" + _array_body(shape)
    return ""


class SchemaDrafter:
    """``Llama.draft_model`` for JSON answers: after each token, the tokens the request's
    schema forces next; none where the model chooses, when no schema was given, or while
    not ``enabled``. ``begin(schema)`` before each request, ``begin(None)`` after it;
    ``drafted`` and ``accepted`` count tokens."""

    def __init__(self, llama: Any, max_draft: int = MAX_DRAFT) -> None:
        self._llama = llama
        self.max_draft = max_draft
        self.enabled = True
        self._tokens: dict[str, list[int]] = {}
        self.drafted = 0
        self.accepted = 0
        self.begin(None)

    def begin(self, schema: dict[str, Any] | None) -> None:
        self._cursor = JsonCursor(shape_of(schema)) if schema else None
        self._read = 0
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._last_draft: list[int] = []
        self._last_at = 0
        self.pending = False  # a draft was handed out and not yet evaluated
        self.prompt_tokens: int | None = None  # set on the request's first call

    def __call__(self, input_ids: np.ndarray) -> np.ndarray:
        self.pending = False
        if self._cursor is None:
            return _NONE
        if self.prompt_tokens is None:  # the first call of a request: the prompt and the first token
            self.prompt_tokens = self._read = len(input_ids) - 1
        self._count_kept(input_ids)
        new = [int(t) for t in input_ids[self._read:]]
        self._read = len(input_ids)
        if new:
            self._cursor.feed(self._decoder.decode(self._llama.detokenize(new)))
        if not self.enabled:
            return _NONE
        text = self._cursor.continuation()
        if not text:
            return _NONE
        draft = self._tokenize(text)[: self.max_draft]
        self._last_draft, self._last_at = draft, len(input_ids)
        self.drafted += len(draft)
        self.pending = True
        return np.asarray(draft, dtype=np.intc)

    def _count_kept(self, input_ids: np.ndarray) -> None:
        for ours, theirs in zip(self._last_draft, input_ids[self._last_at:]):
            if ours != theirs:
                break
            self.accepted += 1
        self._last_draft = []

    def _tokenize(self, text: str) -> list[int]:
        if text not in self._tokens:
            self._tokens[text] = self._llama.tokenize(text.encode("utf-8"), add_bos=False, special=False)
        return self._tokens[text]


def install(llama: Any) -> SchemaDrafter | None:
    """Give ``llama`` a `SchemaDrafter` and an ``eval`` that asks llama.cpp for the logits of
    every token of a draft batch (llama-cpp-python computes them for all tokens, the prompt
    too, only when built with ``logits_all``, which would cost a vocabulary-sized row per
    prompt token). None, leaving it as it was, where ``$SUMMARIZER_DRAFTS`` is ``0`` or this
    llama-cpp-python lacks what it needs."""
    if os.environ.get(_ENV, "1") == "0":
        return None
    if not all(hasattr(llama, name) for name in ("draft_model", "_batch", "_ctx", "input_ids", "eval")):
        return None
    drafter = SchemaDrafter(llama)
    plain_eval = llama.eval

    def eval_drafts(tokens: Any) -> None:
        if not drafter.pending or not 1 < len(tokens) <= drafter.max_draft + 1:
            drafter.pending = False
            plain_eval(tokens)
            return
        drafter.pending = False
        past = llama.n_tokens
        llama._ctx.kv_cache_seq_rm(-1, past, -1)
        llama._batch.set_batch(batch=tokens, n_past=past, logits_all=True)
        llama._ctx.decode(llama._batch)
        llama.input_ids[past:past + len(tokens)] = tokens
        llama.n_tokens = past + len(tokens)

    llama.eval = eval_drafts
    llama.draft_model = drafter
    return drafter
