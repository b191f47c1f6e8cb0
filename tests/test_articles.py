"""Reading article files: clear errors for bad input, the optional date header."""

from __future__ import annotations

import io
import sys
from datetime import date
from pathlib import Path

import pytest

from summarizer.articles import Article, parse_article, parse_date, read_article
from summarizer.errors import UsageError

BODY = "Sergey Lavrov met Staffan de Mistura in Moscow.\nThey will meet again on Thursday."


def _missing(tmp_path: Path) -> Path:
    return tmp_path / "no-such-article.txt"


def _directory(tmp_path: Path) -> Path:
    (tmp_path / "folder").mkdir()
    return tmp_path / "folder"


def _file(data: bytes):
    def make(tmp_path: Path) -> Path:
        path = tmp_path / "article.txt"
        path.write_bytes(data)
        return path

    return make


@pytest.mark.parametrize(
    ("make", "must_say"),
    [
        pytest.param(_missing, "no such file", id="missing-path"),
        pytest.param(_directory, "is a directory", id="directory"),
        pytest.param(_file(b""), "is empty", id="empty-file"),
        pytest.param(_file(b"  \n\t\r\n  \n"), "is empty", id="whitespace-only"),
        pytest.param(_file(b"\xef\xbb\xbf \n"), "is empty", id="bom-and-whitespace"),
        pytest.param(_file(b"GGUF\x00\x00\x01\x02binary"), "looks binary", id="binary-nul-bytes"),
        pytest.param(_file("Caf\u00e9 owners protested in Paris.".encode("latin-1")), "not UTF-8", id="latin-1"),
        pytest.param(_file(b"date 2017-13-45\n" + BODY.encode()), "is not a date", id="date-month-13"),
        pytest.param(_file(b"date 2017-02-30\n" + BODY.encode()), "is not a date", id="date-feb-30"),
        pytest.param(_file(b"date yesterday\n" + BODY.encode()), "is not a date", id="date-yesterday"),
        pytest.param(_file(b"date 8 June 2017\n" + BODY.encode()), "malformed date header", id="date-words"),
        pytest.param(_file(b"date 2017-06-08\n   \n"), "empty", id="header-but-no-body"),
    ],
)
def test_bad_inputs(tmp_path, make, must_say):
    path = make(tmp_path)
    with pytest.raises(UsageError) as info:
        read_article(path)
    message = str(info.value)
    assert must_say in message
    assert str(path) in message  # names the file


def test_non_utf8_names_the_offset(tmp_path):
    path = _file(b"Caf\xe9")(tmp_path)
    with pytest.raises(UsageError, match="offset 3"):
        read_article(path)


def test_date_error_says_the_format(tmp_path):
    with pytest.raises(UsageError, match="YYYY-MM-DD"):
        read_article(_file(b"date 2017-13-45\nBody.")(tmp_path))


@pytest.mark.parametrize(
    ("data", "published", "text"),
    [
        pytest.param(b"date 2017-06-08\n" + BODY.encode(), date(2017, 6, 8), BODY, id="header"),
        pytest.param(b"DATE 2017-06-08  \r\n" + BODY.encode(), date(2017, 6, 8), BODY, id="header-crlf-upper"),
        pytest.param(b"\xef\xbb\xbfdate 2017-06-08\n" + BODY.encode(), date(2017, 6, 8), BODY, id="bom-header"),
        pytest.param(b"\xef\xbb\xbf" + BODY.encode(), None, BODY, id="bom-no-header"),
        pytest.param(BODY.encode(), None, BODY, id="no-header"),
        pytest.param(b"\n\n  " + BODY.encode() + b"\n\n", None, BODY, id="surrounding-blank-lines"),
        pytest.param("Dated 2017, the memo \u201cleaked\u201d.".encode(), None,
                     "Dated 2017, the memo \u201cleaked\u201d.", id="dated-is-body"),
    ],
)
def test_good_inputs(tmp_path, data, published, text):
    article = read_article(_file(data)(tmp_path))
    assert article.published == published
    assert article.text == text
    assert "date 2017" not in article.text.lower()
    assert article.source.endswith("article.txt")


def test_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", type("Stdin", (), {"buffer": io.BytesIO(b"date 2017-06-08\n" + BODY.encode())})())
    article = read_article("-")
    assert article == Article(BODY, date(2017, 6, 8), "<stdin>")


def test_html_needs_the_extra(tmp_path):
    if _has_trafilatura():
        pytest.skip("trafilatura is installed: HTML is converted, not refused")
    with pytest.raises(UsageError, match="HTML|html"):
        read_article(_file(b"<!DOCTYPE html><html><body><p>Hi</p></body></html>")(tmp_path))


def _has_trafilatura() -> bool:
    try:
        import trafilatura  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.parametrize(
    ("value", "ok"),
    [("2017-06-08", True), ("2017-6-8", False), ("08.06.2017", False), ("2017-06-08T10:00", False), ("", False)],
    ids=["iso", "no-padding", "european", "datetime", "empty"],
)
def test_parse_date(value, ok):
    if ok:
        assert parse_date(value) == date(2017, 6, 8)
    else:
        with pytest.raises(UsageError, match="--date"):
            parse_date(value)


def test_article_starting_with_the_word_date():
    article = parse_article("Date palms are dying across southern Iraq.\nFarmers blame the drought.")
    assert article.text.startswith("Date palms")


def test_parse_article_strips_bom():
    article = parse_article("\ufeffdate 2017-06-08\n" + BODY)
    assert article.published == date(2017, 6, 8) and article.text == BODY
