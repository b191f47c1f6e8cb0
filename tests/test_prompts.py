"""Prompt templates: strict, sandboxed, article as data, stable prefix, hash."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from summarizer.api import Summarizer
from summarizer.articles import Article
from summarizer.errors import UsageError
from summarizer.pipeline import render_focused, render_plain
from summarizer.prompts import DEFAULT_DIR, Prompts

TASKS = ("participants", "upcoming", "overview")

TRICKY = (
    "Officials said {{ 7*7 }} people attended.\n"
    "{% raw %}The memo read {% endraw %} and {{ article }} in braces.\n"
    "A note {# x #} was left, and {% for i in range(3) %}loop{% endfor %} too.\n"
    "Quotes \u201clike this\u201d and a trailing backslash \\"
)


@pytest.fixture
def prompt_dir(tmp_path) -> Path:
    """A copy of the shipped templates, safe to edit."""
    target = tmp_path / "prompts"
    shutil.copytree(DEFAULT_DIR, target)
    return target


def write(directory: Path, name: str, source: str) -> None:
    (directory / f"{name}.j2").write_text(source, encoding="utf-8")


def test_strict_undefined(prompt_dir):
    write(prompt_dir, "user", "Article: {{ article }} by {{ author_name }}")
    with pytest.raises(UsageError) as info:
        render_focused(Prompts(prompt_dir), Article("Some text."), "participants")
    message = str(info.value)
    assert "author_name" in message and "undefined" in message
    assert "user.j2" in message and "--prompts" in message


def test_missing_template(tmp_path):
    with pytest.raises(UsageError, match="system.j2"):
        Prompts(tmp_path).render("system", schemas={})


def test_template_that_is_not_text(prompt_dir):
    (prompt_dir / "system.j2").write_bytes(b"\xff\xfe\x00binary\x00")
    with pytest.raises(UsageError, match="system.j2 is not UTF-8 text"):
        render_focused(Prompts(prompt_dir), Article("Some text."), "overview")


def test_template_syntax_error(prompt_dir):
    write(prompt_dir, "system", "{% for %}")
    with pytest.raises(UsageError, match="system.j2"):
        render_focused(Prompts(prompt_dir), Article("Some text."), "overview")


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("{{ ''.__class__.__mro__ }}", id="str-mro"),
        pytest.param("{{ ''.__class__.__mro__[1].__subclasses__() }}", id="subclasses"),
        pytest.param("{{ ''|attr('__class__') }}", id="attr-filter"),
        pytest.param("{{ '{0.__class__}'.format(1) }}", id="str-format"),
        pytest.param("{{ cycler.__init__.__globals__.os }}", id="cycler-globals"),
        pytest.param("{{ lipsum.__globals__ }}", id="lipsum-globals"),
        pytest.param("{{ self._TemplateReference__context }}", id="template-context"),
    ],
)
def test_sandbox_blocks_attribute_escapes(tmp_path, source):
    write(tmp_path, "evil", source)
    with pytest.raises(UsageError) as info:
        Prompts(tmp_path).render("evil")
    assert "unsafe" in str(info.value)
    assert "evil.j2" in str(info.value)


@pytest.mark.parametrize("task", TASKS)
def test_article_is_sent_verbatim(task):
    messages = render_focused(Prompts(), Article(TRICKY, date(2017, 6, 8)), task)
    user = messages[1]["content"]
    assert TRICKY in user
    assert "49" not in user  # {{ 7*7 }} was not evaluated
    assert "looplooploop" not in user
    assert TRICKY not in messages[0]["content"]


def test_plain_article_is_sent_verbatim():
    messages = render_plain(Prompts(), Article(TRICKY, None))
    assert TRICKY in messages[1]["content"]
    assert "49" not in messages[1]["content"]


def test_custom_prompt_dir_is_used(prompt_dir):
    write(prompt_dir, "system", (prompt_dir / "system.j2").read_text() + "\nMARKER-SYSTEM-7f3a")
    write(prompt_dir, "user", "MARKER-USER-91bc\n" + (prompt_dir / "user.j2").read_text())
    messages = render_focused(Prompts(prompt_dir), Article("Text."), "upcoming")
    assert messages[0]["content"].endswith("MARKER-SYSTEM-7f3a")
    assert messages[1]["content"].startswith("MARKER-USER-91bc")
    rendered = Summarizer("openai/test-model", prompts_dir=prompt_dir).render("Text.")
    assert len(rendered) == 3 and all("MARKER-USER-91bc" in m[1]["content"] for m in rendered)
    assert "MARKER" not in render_focused(Prompts(), Article("Text."), "upcoming")[1]["content"]


def test_missing_prompt_dir(tmp_path):
    with pytest.raises(UsageError, match="--prompts"):
        Prompts(tmp_path / "nowhere")


def test_static_prefix_is_shared():
    a = Article("Sergey Lavrov met Staffan de Mistura in Moscow on Monday.", date(2017, 6, 8))
    b = Article("Oil prices fell on Tuesday after new tariffs.", date(2019, 5, 14))
    prompts = Prompts()
    systems = {render_focused(prompts, art, task)[0]["content"] for art in (a, b) for task in TASKS}
    assert len(systems) == 1  # one system prompt for every article and task
    (system,) = systems
    assert a.text not in system and b.text not in system and "2017-06-08" not in system

    users = [render_focused(prompts, a, task)[1]["content"] for task in TASKS]
    common = os.path.commonprefix(users)
    assert a.text in common  # the article is part of the prefix the three tasks share
    assert all(u[len(common):].startswith(task) for u, task in zip(users, TASKS))  # only the task differs
    user = users[0]
    assert user.index("2017-06-08") < user.index(a.text) < user.index("Task: participants")
    assert "(Thursday)" in user


def test_unknown_publication_date():
    user = render_focused(Prompts(), Article("Some text."), "overview")[1]["content"]
    assert "Publication date: unknown" in user and "day)" not in user.splitlines()[0]


def test_hash_tracks_template_content(prompt_dir):
    first = Prompts(prompt_dir).hash
    assert len(first) == 16 and int(first, 16) >= 0
    assert Prompts(prompt_dir).hash == first  # stable

    (prompt_dir / "notes.txt").write_text("not a template")
    assert Prompts(prompt_dir).hash == first  # only *.j2 count

    write(prompt_dir, "user", (prompt_dir / "user.j2").read_text() + " ")
    second = Prompts(prompt_dir).hash
    assert second != first

    write(prompt_dir, "extra", "x")
    assert Prompts(prompt_dir).hash not in (first, second)


def test_hash_depends_on_file_names(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir(), two.mkdir()
    write(one, "a", "same")
    write(two, "b", "same")
    assert Prompts(one).hash != Prompts(two).hash
