"""Reading article files: UTF-8 text, an optional `date YYYY-MM-DD` first line."""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from . import isodates
from .errors import UsageError
from .limits import MAX_ARTICLE_BYTES

# `date VALUE`, the documented form, is a header whatever VALUE is ("date yesterday" is refused);
# "Date ..." only when VALUE holds a digit, so a headline "Date palms" is the article's first line.
_HEADER = re.compile(r"^(?:date\s+(\S+)|(?i:date)\s+(\S*\d\S*))\s*$")
# A first line that is a date in another form ("date: 2017-06-08", "Date 8 June 2017") is a
# header written wrongly and refused; "Date 10 Downing Street" is the article's first line.
_HEADER_LIKE = re.compile(r"^date\b[\s:=]*(?P<value>.*\d.*)$", re.IGNORECASE)
_DATE_WORD = re.compile(
    r"[\d./:-]+(?:st|nd|rd|th)?"  # 8, 8th, 2017-06-08, 06/08/2017, 10:30
    r"|(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.?|may|june|july"
    r"|(?:january|february|march|april|august|september|october|november|december)"
    r"|(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\.?|(?:mon|tues|wednes|thurs|fri|satur|sun)day"
    r"|of|the|at|[ap]\.?m\.?|utc|gmt|[ecmp][sd]t|bst|cet|cest",
    re.IGNORECASE,
)
_LAST_YEAR = 9000  # dates are resolved years ahead of publication: keep clear of date.max
_HTML = re.compile(r"^\s*(<!doctype html|<html)", re.IGNORECASE)


@dataclass(frozen=True)
class Article:
    """An article body and its publication date, if known.

    Checked as it is made, so an Article built by hand meets the same rules as a file:
    text is a non-empty str of valid Unicode; published is a date (a datetime counts as
    its day, a 'YYYY-MM-DD' string is parsed) or None.
    """

    text: str
    published: date | None = None
    source: str = "<text>"

    def __post_init__(self) -> None:
        if not isinstance(self.text, str):
            raise UsageError(f"{self.source}: the article text must be a str, not {type(self.text).__name__}; "
                             "decode bytes first, or use read_article(path)")
        if not self.text.strip():
            raise UsageError(f"{self.source}: the article is empty; give the article's text")
        try:
            self.text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise UsageError(f"{self.source}: the text holds a character that is not valid Unicode "
                             f"({exc.object[exc.start]!r} at offset {exc.start}, a lone surrogate); "
                             "repair the text, e.g. decode its source bytes with errors='replace'") from None
        published = self.published
        if isinstance(published, datetime):
            published = published.date()
        elif isinstance(published, str):
            published = parse_date(published, f"{self.source}: published")
        elif published is not None and not isinstance(published, date):
            raise UsageError(f"{self.source}: published={published!r}: give a datetime.date or a 'YYYY-MM-DD' string")
        if published is not None and published.year > _LAST_YEAR:
            raise UsageError(f"{self.source}: published {published} leaves no room for the dates after it; "
                             "give the real publication date")
        object.__setattr__(self, "published", published)


def parse_date(value: str, source: str = "--date") -> date:
    """Parse a YYYY-MM-DD publication date or raise a UsageError naming ``source``."""
    try:
        if not isodates.DAY.match(value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(
            f"{source}: {value!r} is not a date; write it as YYYY-MM-DD, e.g. 2017-06-08"
        ) from None


def parse_article(text: str, source: str = "<text>") -> Article:
    """Split an optional `date YYYY-MM-DD` header from the body."""
    text = text.removeprefix("\ufeff")
    first, _, rest = text.partition("\n")
    match = _HEADER.match(first.strip())
    if match:
        published = parse_date(match.group(1) or match.group(2), f"{source}: date header")
        body = rest
    elif _written_as_date(first.strip()):
        raise UsageError(
            f"{source}: malformed date header {first.strip()!r}; "
            "the first line must be `date YYYY-MM-DD` or part of the article"
        )
    else:
        published, body = None, text
    if _HTML.match(body):
        body = _html_to_text(body, source)
    return Article(text=body.strip(), published=published, source=source)  # Article refuses an empty one


def _written_as_date(line: str) -> bool:
    """``date`` then only words a date is written with, one a number at least."""
    match = _HEADER_LIKE.match(line)
    words = re.sub(r"[,()\[\]]", " ", match["value"]).split() if match else []
    return bool(words) and all(_DATE_WORD.fullmatch(w) for w in words)


def _html_to_text(html: str, source: str) -> str:
    try:
        import trafilatura
    except ImportError:
        raise UsageError(
            f"{source} is HTML; install the html extra (make setup, or pip install -e '.[html]' in the checkout) "
            "or save the article as plain text"
        ) from None
    text = trafilatura.extract(html, include_comments=False, include_tables=False)
    if not text:
        raise UsageError(f"{source}: no article text found in this HTML page; save it as plain text")
    return text


def read_article(path: str | Path) -> Article:
    """Read an article from a path, or from stdin for ``-``; bad files raise UsageError."""
    if not isinstance(path, (str, os.PathLike)) or not str(path):
        raise UsageError(f"read_article({path!r}): give the article file's path as a str or Path, or '-' for stdin")
    if str(path) == "-":
        data = sys.stdin.buffer.read(MAX_ARTICLE_BYTES + 1)
        source = "<stdin>"
    else:
        p = Path(path)
        source = str(p)
        if not p.exists():
            raise UsageError(f"{source}: no such file; check the path")
        if p.is_dir():
            raise UsageError(f"{source} is a directory; give the path of an article file")
        try:
            with p.open("rb") as handle:  # bounded: /dev/zero or a huge dump must not fill memory
                data = handle.read(MAX_ARTICLE_BYTES + 1)
        except OSError as exc:
            raise UsageError(f"{source}: cannot read the file ({exc.strerror}); check its permissions") from None
    if len(data) > MAX_ARTICLE_BYTES:
        raise UsageError(f"{source} is over {MAX_ARTICLE_BYTES // 2**20} MB, far more than a news article; "
                         "give the article's own text")
    if b"\x00" in data[:8192]:
        raise UsageError(f"{source} looks binary; give a plain UTF-8 text article")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{source} is not UTF-8 (bad byte at offset {exc.start}); convert it, e.g. iconv -t UTF-8"
        ) from None
    return parse_article(text, source)
