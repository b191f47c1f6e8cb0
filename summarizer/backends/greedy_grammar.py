"""Greedy decoding under a JSON grammar that checks the model's choice first.

llama-cpp-python runs the grammar over all 151,936 candidate tokens before every token it
samples: 22-27 ms a token here, on top of about 76 ms of model work (measured by
bench/bench_grammar.py). Greedy decoding needs far less. If the grammar allows the model's
top token, that token is also the top allowed one, so the grammar checks that one token,
and only when it refuses is it run over every candidate. llama.cpp's common sampler does
the same for its examples and server (common/sampling.h). The answer is token for token
the one llama-cpp-python's chain gives: same grammar, same greedy pick, the first of
equal logits.

Only greedy sampling without penalties or logit processors takes this path (the requests
this package sends); anything else keeps llama-cpp-python's chain.

It also ends a string where the schema's stopping keywords say (string_stops.py): every token
it picks is one of the answer's (a refused draft's tokens are never picked), so it feeds them
to ``llama.string_stops``, and when that says a string is done it picks the best allowed token
among those that close it.
"""

from __future__ import annotations

import ctypes
import functools
import os
from typing import Any

import numpy as np

from .string_stops import StringStops

_ENV = "SUMMARIZER_GRAMMAR"  # "full": llama-cpp-python's own chain, for comparison


class GreedyGrammarSampler:
    """Stands in for llama-cpp-python's sampler chain: ``sample(ctx, idx)`` picks the next
    token and advances the grammar. ``full_passes`` counts the tokens where the grammar
    refused the model's choice and ran over every candidate."""

    def __init__(self, llama: Any, grammar: Any, stops: Any = None) -> None:
        import llama_cpp

        self._lib = llama_cpp
        self._n_vocab = llama.n_vocab()
        self._end = llama.token_eos()
        self._grammar = llama_cpp.llama_sampler_init_grammar(
            llama._model.vocab, grammar._grammar.encode("utf-8"), grammar._root.encode("utf-8")
        )
        if not self._grammar:
            raise ValueError("llama.cpp could not parse the grammar")
        self._one = llama_cpp.llama_token_data()
        self._one_array = llama_cpp.llama_token_data_array(
            data=ctypes.pointer(self._one), size=1, selected=-1, sorted=False
        )
        self._all: np.ndarray | None = None
        self._stops = stops if stops is not None and stops.active else None
        self.samples = 0
        self.full_passes = 0

    def _allows(self, token: int, logit: float) -> bool:
        self._one.id, self._one.logit, self._one.p = token, logit, 0.0
        self._one_array.selected, self._one_array.sorted = -1, False
        self._lib.llama_sampler_apply(self._grammar, ctypes.byref(self._one_array))
        return self._one.logit != -np.inf

    def _best_allowed(self, logits: np.ndarray) -> int | None:
        self.full_passes += 1
        if self._all is None:  # candidate i is token i: the grammar only sets refused logits to -inf
            dtype = np.dtype([("id", np.int32), ("logit", np.float32), ("p", np.float32)], align=True)
            assert dtype.itemsize == ctypes.sizeof(self._lib.llama_token_data)
            self._all = np.zeros(self._n_vocab, dtype=dtype)
            self._all["id"] = np.arange(self._n_vocab, dtype=np.int32)
        candidates = self._all
        candidates["logit"] = logits
        array = self._lib.llama_token_data_array(
            data=candidates.ctypes.data_as(self._lib.llama_token_data_p),
            size=self._n_vocab, selected=-1, sorted=False,
        )
        self._lib.llama_sampler_apply(self._grammar, ctypes.byref(array))
        best = int(np.argmax(candidates["logit"]))
        return None if candidates["logit"][best] == -np.inf else best

    def sample(self, ctx: Any, idx: int = -1) -> int:
        self.samples += 1
        pointer = self._lib.llama_get_logits_ith(ctx.ctx, idx)
        logits = np.ctypeslib.as_array(pointer, shape=(self._n_vocab,))
        if self._stops is not None and self._stops.must_close:
            token = self._closing(logits)
        else:
            token = int(np.argmax(logits))
        if not self._allows(token, float(logits[token])):
            allowed = self._best_allowed(logits)
            if allowed is None:
                return self._end  # a dead end: stop here, and the JSON check re-asks
            token = allowed
        self._lib.llama_sampler_accept(self._grammar, token)
        if self._stops is not None:
            self._stops.feed(token)
        return token

    def _closing(self, logits: np.ndarray) -> int:
        """The best token the grammar allows among those that end the string; the model's
        own choice if none does (the grammar then keeps the answer valid)."""
        closers = self._stops.closers()
        masked = np.full(self._n_vocab, -np.inf, dtype=np.float32)
        masked[closers] = logits[closers]
        best = self._best_allowed(masked)
        return int(np.argmax(logits)) if best is None else best

    def close(self) -> None:
        free = getattr(getattr(self, "_lib", None), "llama_sampler_free", None)  # None at interpreter exit
        if getattr(self, "_grammar", None) and free is not None:
            free(self._grammar)
            self._grammar = None

    def __del__(self) -> None:
        self.close()


def _neutral(temp: float, repeat_penalty: float = 1.0, frequency_penalty: float = 0.0,
             presence_penalty: float = 0.0, logits_processor: Any = None, **_: Any) -> bool:
    return temp == 0.0 and repeat_penalty == 1.0 and not frequency_penalty and not presence_penalty \
        and logits_processor is None


def install(llama: Any) -> bool:
    """Make ``llama`` use `GreedyGrammarSampler` for greedy grammar-constrained requests.
    False, leaving it as it was, where this llama-cpp-python lacks what it needs or
    ``$SUMMARIZER_GRAMMAR`` is ``full``."""
    if os.environ.get(_ENV, "").lower() == "full":
        return False
    original = getattr(llama, "_init_sampler", None)
    if original is None or not hasattr(getattr(llama, "_model", None), "vocab"):
        return False

    @functools.wraps(original)
    def init_sampler(*args: Any, grammar: Any = None, **kwargs: Any) -> Any:
        if grammar is not None and not args and _neutral(**kwargs):
            return GreedyGrammarSampler(llama, grammar, getattr(llama, "string_stops", None))
        return original(*args, grammar=grammar, **kwargs)

    llama._init_sampler = init_sampler
    llama.string_stops = StringStops(llama)
    return True
