"""Drafting what a schema forces (summarizer/backends/json_drafts.py): the scanner's
continuation at each point of real answers, the drafter against a character-level fake
model, and the batch evaluation it installs."""

from __future__ import annotations

import json

import numpy as np
import pytest

from summarizer.backends import json_drafts
from summarizer.backends.json_drafts import JsonCursor, SchemaDrafter, shape_of
from summarizer.drafts import ANSWERS

PARTICIPANTS = ANSWERS["participants"].model_json_schema()
UPCOMING = ANSWERS["upcoming"].model_json_schema()
OVERVIEW = ANSWERS["overview"].model_json_schema()


def continuation(schema: dict, text: str) -> str:
    cursor = JsonCursor(shape_of(schema))
    cursor.feed(text)
    return cursor.continuation()


@pytest.mark.parametrize(
    "schema, text, forced",
    [
        # the start: the only key, the list, the first item's first key and its quote
        (PARTICIPANTS, "", ""),
        (PARTICIPANTS, "{", '"participants": [{"name": "'),
        (PARTICIPANTS, '{"partic', 'ipants": [{"name": "'),
        (PARTICIPANTS, '{"participants":', ' [{"name": "'),
        (PARTICIPANTS, '{"participants": ', '[{"name": "'),
        # inside a value: the model writes it
        (PARTICIPANTS, '{"participants": [{"name": "Sergey', ""),
        # a value ends: the next key, whether the closing quote came alone or with the comma
        (PARTICIPANTS, '{"participants": [{"name": "Sergey Lavrov"', ', "kind": "'),
        (PARTICIPANTS, '{"participants": [{"name": "Sergey Lavrov",', ' "kind": "'),
        (PARTICIPANTS, '{"participants": [{"name": "Sergey Lavrov", ', '"kind": "'),
        (PARTICIPANTS, '{"participants": [{"name": "Sergey Lavrov", "ki', 'nd": "'),
        # a nullable role: its key is forced, null or a string is the model's choice, and so is the
        # space before it (the model writes ' null' and ' "' as one token each)
        (PARTICIPANTS, '{"participants": [{"name": "X", "kind": "person"', ', "role":'),
        (PARTICIPANTS, '{"participants": [{"name": "X", "kind": "person", "role"', ":"),
        (PARTICIPANTS, '{"participants": [{"name": "X", "kind": "person", "role": ', ""),
        # the last key's value ends: whether another item follows ('},') or the list ends ('}]')
        # is the model's choice; after its comma the next item is forced
        (PARTICIPANTS, '{"participants": [{"name": "X", "kind": "person", "role": null', ""),
        (PARTICIPANTS, '{"participants": [{"name": "X", "kind": "person", "role": "envoy"}', ""),
        (PARTICIPANTS, '{"participants": [{"name": "X", "kind": "person", "role": "envoy"},', ' {"name": "'),
        # the list ends: the answer closes, then nothing
        (PARTICIPANTS, '{"participants": [{"name": "X", "kind": "person", "role": null}]', "}"),
        (PARTICIPANTS, '{"participants": []}', ""),
        # escapes and quotes inside a value do not end it
        (UPCOMING, '{"upcoming": [{"event": "He said \\"yes', ""),
        (UPCOMING, '{"upcoming": [{"event": "He said \\"yes\\""', ', "when_text":'),
        (UPCOMING, '{"upcoming": [{"event": "a \\\\"', ', "when_text":'),
        # the overview: fixed keys, then the list of points
        (OVERVIEW, '{"title": "T"', ', "summary": "'),
        (OVERVIEW, '{"title": "T", "summary": "S."', ', "key_issues": [{"issue": "'),
        (OVERVIEW, '{"title": "T", "summary": "S.", "key_issues": [{"issue": "A."', ""),
        (OVERVIEW, '{"title": "T", "summary": "S.", "key_issues": [{"issue": "A."},', ' {"issue": "'),
        (OVERVIEW, '{"title": "T", "summary": "S.", "key_issues": [{"issue": "A."}]', "}"),
        # whitespace the model chose is kept, not doubled
        (OVERVIEW, '{\n  "title": "T",\n  ', '"summary": "'),
        # a key the schema does not have: no guess
        (OVERVIEW, '{"headline": "T"', ""),
    ],
)
def test_the_cursor_drafts_what_the_schema_forces(schema, text, forced):
    assert continuation(schema, text) == forced


@pytest.mark.parametrize("schema", [PARTICIPANTS, UPCOMING, OVERVIEW], ids=["participants", "upcoming", "overview"])
def test_every_draft_of_a_canonical_answer_is_what_comes_next(schema):
    """Walking a canonical answer character by character, every draft is what the answer
    goes on with."""
    answers = {
        id(PARTICIPANTS): {"participants": [{"name": "A \"B\" C", "kind": "person", "role": None},
                                            {"name": "D", "kind": "country", "role": "host"}]},
        id(UPCOMING): {"upcoming": [{"event": "talks", "when_text": "on Friday"},
                                    {"event": "vote", "when_text": None}]},
        id(OVERVIEW): {"title": "T", "summary": "S.",
                       "key_issues": [{"issue": "A."}, {"issue": "B."}, {"issue": "C."}]},
    }
    text = json.dumps(answers[id(schema)])
    cursor = JsonCursor(shape_of(schema))
    drafted = 0
    for at, char in enumerate(text):
        forced = cursor.continuation()
        assert text[at:].startswith(forced), (text[:at], forced)
        drafted += len(forced) > 0
        cursor.feed(char)
    assert cursor.mode == "done" and drafted > len(text) // 3


def test_a_ref_into_defs_is_followed():
    shape = shape_of(PARTICIPANTS)
    assert shape.kind == "object" and shape.keys == ("participants",)
    item = shape.children["participants"].item
    assert item is not None and item.keys == ("name", "kind", "role")
    assert [item.children[k].kind for k in item.keys] == ["string", "string", "open"]  # kind is an enum


class CharLlama:
    """One token per character (its code point): tokenize and detokenize for the drafter."""

    def tokenize(self, text: bytes, add_bos: bool = False, special: bool = False) -> list[int]:
        return [ord(c) for c in text.decode("utf-8")]

    def detokenize(self, tokens: list[int]) -> bytes:
        return "".join(chr(t) for t in tokens).encode("utf-8")


def ids(text: str) -> np.ndarray:
    return np.asarray([ord(c) for c in text], dtype=np.intc)


def drafted(drafter: SchemaDrafter, prompt: str, answer: str) -> str:
    return "".join(chr(t) for t in drafter(ids(prompt + answer)))


def test_the_drafter_reads_the_answer_not_the_prompt():
    drafter = SchemaDrafter(CharLlama(), max_draft=64)
    drafter.begin(PARTICIPANTS)
    prompt = 'Article: {"name": "x"} '  # braces in the prompt are not the answer's
    assert drafted(drafter, prompt, "{") == '"participants": [{"name": "'
    assert drafter.prompt_tokens == len(prompt)
    answer = '{"participants": [{"name": "Lavrov"'
    assert drafted(drafter, prompt, answer) == ', "kind": "'


def test_the_drafter_counts_what_the_model_kept():
    drafter = SchemaDrafter(CharLlama(), max_draft=64)
    drafter.begin(PARTICIPANTS)
    drafter(ids("P{"))
    assert drafter.drafted == len('"participants": [{"name": "') and drafter.pending
    drafter(ids('P{"partic' + "Z"))  # the model kept 7 of them, then wrote "Z" for "i"
    assert drafter.accepted == 7


def test_without_a_schema_or_when_disabled_nothing_is_drafted():
    drafter = SchemaDrafter(CharLlama(), max_draft=64)
    drafter.begin(None)
    assert len(drafter(ids("P{"))) == 0 and not drafter.pending
    drafter.begin(PARTICIPANTS)
    drafter.enabled = False
    assert len(drafter(ids("P{"))) == 0
    drafter.enabled = True
    assert drafted(drafter, "P", '{"participants": [{"name": "A"') == ', "kind": "'  # it kept reading


def test_inside_a_string_nothing_is_drafted():
    drafter = SchemaDrafter(CharLlama(), max_draft=64)
    prompt = "Foreign Minister Sergey Lavrov said today. "
    drafter.begin(UPCOMING)
    drafter(ids(prompt + "{"))
    assert drafted(drafter, prompt, '{"upcoming": [{"event": "Ser') == ""  # the model's words, not the schema's


def test_drafts_never_exceed_the_batch_bound():
    drafter = SchemaDrafter(CharLlama(), max_draft=5)
    drafter.begin(PARTICIPANTS)
    assert drafted(drafter, "P", "{") == '"part'


class BatchLlama(CharLlama):
    """Records how llama.cpp would be asked to evaluate tokens."""

    def __init__(self):
        self.draft_model = None
        self.n_tokens = 0
        self.input_ids = np.zeros(64, dtype=np.intc)
        self.plain: list[list[int]] = []
        self.batches: list[tuple[list[int], int, bool]] = []
        self.removed: list[int] = []
        outer = self

        class Batch:
            def set_batch(self, batch, n_past, logits_all):
                outer.batches.append((list(batch), n_past, logits_all))

        class Ctx:
            def kv_cache_seq_rm(self, seq, start, end):
                outer.removed.append(start)

            def decode(self, batch):
                pass

        self._batch, self._ctx = Batch(), Ctx()

    def eval(self, tokens):
        self.plain.append(list(tokens))
        self.n_tokens += len(tokens)


def test_install_asks_for_every_logit_of_a_draft_batch_only(monkeypatch):
    monkeypatch.delenv("SUMMARIZER_DRAFTS", raising=False)
    llama = BatchLlama()
    drafter = json_drafts.install(llama)
    assert llama.draft_model is drafter
    llama.eval([1, 2, 3, 4])  # a prompt: no draft handed out, llama-cpp-python's own eval
    assert llama.plain == [[1, 2, 3, 4]] and not llama.batches
    drafter.begin(PARTICIPANTS)
    draft = drafter(ids("P{"))
    llama.eval([ord("{"), *draft])  # the last token and the draft: one batch, every logit
    assert llama.batches == [([ord("{"), *draft], 4, True)] and llama.removed == [4]
    assert llama.n_tokens == 4 + 1 + len(draft)
    assert list(llama.input_ids[4:llama.n_tokens]) == [ord("{"), *draft]
    llama.eval([5])  # no draft pending: the plain path again
    assert llama.plain[-1] == [5]


def test_drafts_can_be_switched_off(monkeypatch):
    monkeypatch.setenv("SUMMARIZER_DRAFTS", "0")
    llama = BatchLlama()
    assert json_drafts.install(llama) is None and llama.draft_model is None


@pytest.mark.parametrize("schema", [PARTICIPANTS, UPCOMING, OVERVIEW], ids=["participants", "upcoming", "overview"])
def test_any_text_at_all_is_read_without_failing(schema):
    """Whatever the model writes (an endpoint without a grammar, a cut answer), the scanner
    reads it and drafts only text that starts like JSON."""
    import random

    rng = random.Random(7)
    alphabet = '{}[]",: \\\nabc019-.tfnul\u201c\u00e9'
    shape = shape_of(schema)
    for _ in range(500):
        cursor = JsonCursor(shape)
        for char in "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60))):
            cursor.feed(char)
            forced = cursor.continuation()
            assert forced == "" or forced[0] in '",: {}]"' or forced[0].isalpha() or forced[0] == "_"
