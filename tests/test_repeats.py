"""RepeatGuard: a streamed JSON answer stops at the first repeated list item, left valid."""

from __future__ import annotations

import json

import pytest

from summarizer.backends.repeats import RepeatGuard, min_items


def run(text: str, size: int, minimum: int = 0) -> RepeatGuard:
    guard = RepeatGuard(minimum)
    for i in range(0, len(text), size):
        if guard.feed(text[i:i + size]):
            break
    return guard


P = '{{"name": "{}", "kind": "organization"}}'
OVERVIEW = '{"title": "T", "summary": "S", "key_issues": [' + ", ".join(
    ['{"issue": "a"}', '{"issue": "b"}', '{"issue": "c"}', '{"issue": "a"}', '{"issue": "b"}']) + "]}"


@pytest.mark.parametrize(
    ("answer", "minimum", "expected"),
    [
        pytest.param('{"participants": [' + ", ".join(P.format(n) for n in "ABC") + "]}", 0, None,
                     id="distinct-items-never-stop"),
        pytest.param('{"participants": [' + ", ".join(P.format(n) for n in "ABBBBB") + "]}", 0,
                     {"participants": [{"name": n, "kind": "organization"} for n in "AB"]}, id="same-item-again"),
        pytest.param('{"p": [' + ", ".join(P.format(n) for n in "ABCABCA") + "]}", 0,
                     {"p": [{"name": n, "kind": "organization"} for n in "ABC"]}, id="a-cycle"),
        pytest.param('{"p": [{"a": 1, "b": 2}, {"b":2,"a":1}]}', 0, {"p": [{"a": 1, "b": 2}]},
                     id="same-json-other-spacing-and-order"),
        pytest.param('{"p": [{"a": "x, ] \\" ["}, {"a": "x, ] \\" [ "}, {"a": "x, ] \\" ["}]}', 0,
                     {"p": [{"a": 'x, ] " ['}, {"a": 'x, ] " [ '}]}, id="brackets-commas-quotes-inside-strings"),
        pytest.param('{"p": ["x", "y", "x"]}', 0, {"p": ["x", "y"]}, id="scalar-items"),
        pytest.param('{"p": [[1, 2], [1, 2]]}', 0, {"p": [[1, 2]]}, id="nested-arrays"),
        pytest.param(OVERVIEW, 0, {"title": "T", "summary": "S", "key_issues": [{"issue": c} for c in "abc"]},
                     id="list-inside-an-object-after-other-fields"),
        pytest.param('{"p": ["x", "x", "y", "x"]}', 3, {"p": ["x", "x", "y"]},
                     id="never-below-min-items"),
        pytest.param('{"p": ["x", "x"]}', 3, None, id="too-short-to-cut"),
        pytest.param('{"p": []}', 0, None, id="empty-list"),
    ],
)
@pytest.mark.parametrize("size", [1, 4, 9, 10_000])
def test_repeat_guard(answer, minimum, expected, size):
    guard = run(answer, size, minimum)
    if expected is None:
        assert guard.cut is None and guard.text == answer
    else:
        assert guard.cut is not None and json.loads(guard.cut) == expected
        assert guard.feed("more") is True  # stays stopped


def test_guard_stops_before_reading_the_rest():
    looping = '{"p": ["x", "y", "x"' + ', "x"' * 500
    guard = run(looping, 1)
    assert json.loads(guard.cut) == {"p": ["x", "y"]}
    assert guard.text == '{"p": ["x", "y", "x",' and guard.repeated == '"x"'


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": "object", "properties": {"p": {"type": "array"}}}, 0),
        ({"properties": {"key_issues": {"type": "array", "minItems": 3, "maxItems": 6}}}, 3),
        ({"$defs": {"X": {"properties": {"a": {"minItems": 2}}}}, "properties": {"b": {"minItems": 1}}}, 2),
        (None, 0),
    ],
)
def test_min_items_is_the_largest_in_the_schema(schema, expected):
    assert min_items(schema) == expected
