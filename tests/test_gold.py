from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarizer.errors import UsageError
from summarizer.gold import Gold, gold_to_summary, load_gold, load_suite
from summarizer.thresholds import Threshold

DEV = Path(__file__).resolve().parents[1] / "evals" / "news"

GOOD = {
    "id": "case",
    "published": "2017-06-08",
    "summary": "Lavrov holds talks.",
    "key_issues": [{"issue": "Talks in Moscow."}, {"issue": "Extra.", "optional": True}],
    "participants": [
        {"name": "Sergey Lavrov", "aliases": ["Lavrov"], "kind": "person", "role": "Russian Foreign Minister"},
        {"name": "Jordan", "kind": "country", "optional": True},
    ],
    "upcoming": [
        {"event": "Talks in Moscow", "date": "2017-06-08", "when_text": "on Thursday"},
        {"event": "Astana meeting", "date": "2017-06-13/2017-06-14", "alt_dates": ["2017-07"], "when_text": None},
    ],
}
ARTICLE = "date 2017-06-08\nSergey Lavrov will hold talks on Thursday in Moscow.\n"


def write_case(directory: Path, name: str = "case", gold=None, article: str | None = ARTICLE) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    if article is not None:
        (directory / f"{name}.txt").write_text(article, encoding="utf-8")
    if gold is not None:
        text = gold if isinstance(gold, str) else json.dumps(gold)
        (directory / f"{name}.gold.json").write_text(text, encoding="utf-8")
    return directory


def with_change(path: str, value, remove: bool = False) -> dict:
    data = json.loads(json.dumps(GOOD))
    *parents, last = path.split(".")
    target = data
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    if remove:
        del target[last]
    elif isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return data


def test_dev_suite_loads_clean():
    suite = load_suite(DEV)
    assert len(suite.cases) == 8
    assert suite.warnings == []
    case = suite.cases[0]
    assert case.id == "00_tass_lavrov_de_mistura" == case.gold.id
    assert case.published == "2017-06-08"
    assert not case.text.startswith("date ")
    assert case.gold.upcoming[3].alt_dates == ["2017-07"]


def test_good_gold(tmp_path):
    suite = load_suite(write_case(tmp_path, gold=GOOD))
    assert [c.id for c in suite.cases] == ["case"]
    assert suite.cases[0].gold.participants[1].optional is True


@pytest.mark.parametrize(
    "gold, field, reason",
    [
        ('{"id": "case",', "line 1", "invalid JSON"),
        (with_change("summary", None, remove=True), "summary", "missing required field"),
        (with_change("participants.0.nmae", "x"), "participants[0].nmae", "unknown field"),
        (with_change("upcoming.1.date", "2017-13"), "upcoming[1].date", "no month 13"),
        (with_change("upcoming.1.date", "June 2017"), "upcoming[1].date", "is not YYYY"),
        (with_change("upcoming.1.alt_dates", ["2017-02-30"]), "upcoming[1].alt_dates", "day is out of range"),
        (with_change("upcoming.0.date", None, remove=True), "upcoming[0].date", "missing required field"),
        (with_change("published", "2017-06"), "published", "not YYYY-MM-DD"),
        (with_change("published", "\uff12\uff10\uff11\uff17-06-08"), "published", "not YYYY-MM-DD"),  # full-width digits
        (with_change("published", "2017-06-08\n"), "published", "not YYYY-MM-DD"),
        (with_change("upcoming.1.date", "\uff12\uff10\uff11\uff17-06"), "upcoming[1].date", "is not YYYY"),
        (with_change("summary", " "), "summary", "is empty"),
        (with_change("key_issues", []), "key_issues", "is empty; it needs at least 1"),
        (with_change("participants.0.name", ""), "participants[0].name", "is empty"),
        (with_change("id", "other"), "id", "does not match the file stem 'case'"),
        (with_change("participants.0.kind", "people"), "participants[0].kind", "person"),
        (with_change("key_issues.1.optional", "yes"), "key_issues[1].optional", "boolean"),
        (with_change("extra_top", 1), "extra_top", "unknown field"),
    ],
)
def test_bad_gold_is_one_line_usage_error(tmp_path, gold, field, reason):
    write_case(tmp_path, gold=gold)
    with pytest.raises(UsageError) as info:
        load_suite(tmp_path)
    message = str(info.value)
    assert "\n" not in message
    assert str(tmp_path / "case.gold.json") in message
    assert field in message and reason in message
    assert "; fix " in message or "; set id to 'case'" in message  # says what to do
    assert info.value.exit_code == 2


def test_bad_gold_elsewhere_in_suite_fails_even_with_filter(tmp_path):
    write_case(tmp_path, "a_good", gold=with_change("id", "a_good"))
    write_case(tmp_path, "b_bad", gold='{"id": ')
    with pytest.raises(UsageError, match="b_bad.gold.json"):
        load_suite(tmp_path, cases_glob="a_*")


def _with_unpaired(tmp_path):
    write_case(tmp_path, gold=GOOD)
    write_case(tmp_path, "lonely_article")
    write_case(tmp_path, "lonely_gold", gold=with_change("id", "lonely_gold"), article=None)


def test_a_gold_file_without_its_article_stops_the_suite_naming_both_kinds(tmp_path):
    _with_unpaired(tmp_path)
    with pytest.raises(UsageError) as caught:
        load_suite(tmp_path)
    message = str(caught.value)
    assert "gold without its article: " in message and "lonely_gold.gold.json has no lonely_gold.txt" in message
    assert "articles without gold: " in message and "lonely_article.txt has no lonely_article.gold.json" in message
    assert "--allow-unpaired" in message and "\n" not in message


def test_an_article_without_gold_alone_is_a_warning(tmp_path):
    write_case(tmp_path, gold=GOOD)
    write_case(tmp_path, "notes")  # a README.txt or a draft not yet labelled
    suite = load_suite(tmp_path)
    assert [c.id for c in suite.cases] == ["case"]
    assert len(suite.warnings) == 1 and "notes.txt has no notes.gold.json; skipped" in suite.warnings[0]


def test_unpaired_files_are_skipped_with_a_warning_when_allowed(tmp_path):
    _with_unpaired(tmp_path)
    suite = load_suite(tmp_path, allow_unpaired=True)
    assert [c.id for c in suite.cases] == ["case"]
    assert len(suite.warnings) == 2
    assert "lonely_article.txt has no" in suite.warnings[0] and suite.warnings[0].endswith("skipped")
    assert "lonely_gold.gold.json has no" in suite.warnings[1]


def test_unpaired_files_the_cases_pattern_leaves_out_do_not_stop_it(tmp_path):
    _with_unpaired(tmp_path)
    assert [c.id for c in load_suite(tmp_path, cases_glob="ca*").cases] == ["case"]
    with pytest.raises(UsageError, match="lonely_gold.gold.json has no"):
        load_suite(tmp_path, cases_glob="lonely_g*")


def test_suite_with_only_orphans_is_empty(tmp_path):
    write_case(tmp_path, "lonely_article")
    with pytest.raises(UsageError, match="suite is empty"):
        load_suite(tmp_path, allow_unpaired=True)


@pytest.mark.parametrize(("which", "says"), [("case.gold.json", "Is a directory"), ("case.txt", "is a directory")])
def test_a_directory_named_like_a_case_file_is_named_not_skipped(tmp_path, which, says):
    write_case(tmp_path, gold=GOOD)
    (tmp_path / which).unlink()
    (tmp_path / which).mkdir()
    with pytest.raises(UsageError, match=f"{which}.*{says}"):
        load_suite(tmp_path)


def test_missing_directory(tmp_path):
    with pytest.raises(UsageError, match="no such suite directory") as info:
        load_suite(tmp_path / "nope")
    assert "\n" not in str(info.value)


def test_cases_glob(tmp_path):
    write_case(tmp_path, "a_one", gold=with_change("id", "a_one"))
    write_case(tmp_path, "b_two", gold=with_change("id", "b_two"))
    assert [c.id for c in load_suite(tmp_path, "b_*").cases] == ["b_two"]
    with pytest.raises(UsageError, match="no case id matches"):
        load_suite(tmp_path, "zzz*")


def test_article_without_header_uses_gold_date(tmp_path):
    write_case(tmp_path, gold=GOOD, article="Sergey Lavrov will hold talks.\n")
    case = load_suite(tmp_path).cases[0]
    assert case.published == "2017-06-08" and case.text == "Sergey Lavrov will hold talks."


def test_header_differing_from_gold_is_a_warning(tmp_path):
    write_case(tmp_path, gold=GOOD, article="date 2017-06-09\nText.\n")
    suite = load_suite(tmp_path)
    assert suite.cases[0].published == "2017-06-09"
    assert "differs from gold published 2017-06-08" in suite.warnings[0]


def test_suite_toml(tmp_path):
    write_case(tmp_path, gold=GOOD)
    (tmp_path / "suite.toml").write_text(
        'model = "qwen"\nconcurrency = 4\n[thresholds]\nparticipants.f1 = 0.8\ngroundedness = 0.95\n'
        '"upcoming.date_accuracy" = 0.85\n'
    )
    config = load_suite(tmp_path).config
    assert (config.model, config.concurrency) == ("qwen", 4)
    assert config.thresholds == {"participants.f1": 0.8, "groundedness": 0.95, "upcoming.date_accuracy": 0.85}
    assert Threshold("participants", "f1", 0.8) in config.threshold_list()


@pytest.mark.parametrize(
    "toml, expected",
    [
        ("modle = 'x'\n", "modle: unknown field"),
        ("concurrency = 0\n", "concurrency: must be from 1 to 64"),
        ("concurrency = 65\n", "concurrency: must be from 1 to 64"),
        ("concurrency = true\n", "concurrency: Input should be a valid integer"),
        ("[thresholds]\nparticipants.f2 = 0.8\n", "unknown metric 'f2'"),
        ("[thresholds]\ngroundedness = 2\n", "outside [0, 1]"),
        ("[thresholds]\ngroundedness = true\n", "groundedness = True is not a number"),
        ("[thresholds]\n\"participants.f1\" = \"0.9\"\n", "participants.f1 = '0.9' is not a number"),
        ("model = \n", "invalid TOML"),
    ],
)
def test_bad_suite_toml(tmp_path, toml, expected):
    write_case(tmp_path, gold=GOOD)
    (tmp_path / "suite.toml").write_text(toml)
    with pytest.raises(UsageError) as info:
        load_suite(tmp_path)
    assert "suite.toml" in str(info.value) and expected in str(info.value)
    assert "\n" not in str(info.value)


def test_load_gold_directly(tmp_path):
    path = tmp_path / "case.gold.json"
    path.write_text(json.dumps(GOOD))
    assert isinstance(load_gold(path), Gold)


def test_gold_to_summary_copies_items_and_finds_evidence():
    gold = Gold.model_validate(GOOD)
    summary = gold_to_summary(gold, "Sergey Lavrov will hold talks on Thursday in Moscow.")
    assert [p.name for p in summary.participants] == ["Sergey Lavrov", "Jordan"]
    assert summary.participants[0].evidence == "Sergey Lavrov"
    assert summary.participants[1].evidence == ""  # Jordan is not in the text
    assert summary.upcoming[0].evidence == "on Thursday"
    assert summary.upcoming[1].date == "2017-06-13/2017-06-14"
    assert gold_to_summary(gold).participants[0].evidence == ""
