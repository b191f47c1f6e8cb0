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
        pytest.param(_file(b"Date: Thursday, June 8th, 2017\n" + BODY.encode()), "malformed date header", id="date-prose"),
        pytest.param(_file(b"date: 2017-06-08\n" + BODY.encode()), "malformed date header", id="date-colon"),
        pytest.param(_file(b"Date: 2017-06-08 10:30 UTC\n" + BODY.encode()), "malformed date header", id="date-time-zone"),
        pytest.param(_file(b"Date: 06/08/2017 (Thursday)\n" + BODY.encode()), "malformed date header", id="date-weekday-bracketed"),
        pytest.param(_file(b"Date: 8th of June 2017, 10:30 a.m.\n" + BODY.encode()), "malformed date header", id="date-long-form"),
        pytest.param(_file(b"Date 08.06.2017\n" + BODY.encode()), "is not a date", id="date-dotted"),
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
        pytest.param(b"Date palms\n" + BODY.encode(), None, "Date palms\n" + BODY, id="headline-date-palms"),
        pytest.param(b"Date Night\n" + BODY.encode(), None, "Date Night\n" + BODY, id="headline-date-night"),
        pytest.param(b"Date 10 Downing Street\n" + BODY.encode(), None, "Date 10 Downing Street\n" + BODY,
                     id="headline-with-a-number"),
        pytest.param(b"Date 1 Mayor\n" + BODY.encode(), None, "Date 1 Mayor\n" + BODY, id="headline-month-like-word"),
        pytest.param(b"Date rape drug seized, 3 held\n" + BODY.encode(), None,
                     "Date rape drug seized, 3 held\n" + BODY, id="headline-with-a-count"),
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


PAGE = b"""<!DOCTYPE html><html><head><title>Lavrov to meet de Mistura | Wire</title></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/subscribe">Subscribe now</a></nav>
<article><h1>Lavrov to meet de Mistura</h1>
<p>Russian Foreign Minister Sergey Lavrov will hold talks in Moscow on Thursday with UN Special Envoy
for Syria Staffan de Mistura, the Russian Foreign Ministry said on Wednesday.</p>
<p>The two will discuss the dates for the new, seventh round of the intra-Syrian negotiations in Geneva,
due in the first half of June, the ministry said in a statement.</p></article>
<footer>Copyright 2017 Wire. All rights reserved. Cookie settings.</footer></body></html>"""


def test_an_html_page_becomes_its_article_text(tmp_path):
    pytest.importorskip("trafilatura", reason="the html extra is not installed")
    path = tmp_path / "page.html"
    path.write_bytes(b"date 2017-06-07\n" + PAGE)
    article = read_article(path)
    assert article.published == date(2017, 6, 7)
    assert "Sergey Lavrov will hold talks in Moscow on Thursday" in article.text
    assert "first half of June" in article.text
    assert "<p>" not in article.text and "Subscribe now" not in article.text and "Cookie settings" not in article.text


def test_an_html_page_with_no_article_is_refused(tmp_path):
    pytest.importorskip("trafilatura", reason="the html extra is not installed")
    with pytest.raises(UsageError, match="no article text found"):
        read_article(_file(b"<!DOCTYPE html><html><body><script>var page = 1;</script></body></html>")(tmp_path))


def test_html_without_the_extra_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # import fails as if not installed
    with pytest.raises(UsageError, match=r"make setup, or pip install -e '\.\[html\]' in the checkout"):
        read_article(_file(PAGE)(tmp_path))


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
