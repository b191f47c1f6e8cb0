"""Gold files and eval suites.

A suite is a directory of ``NAME.txt`` (article) + ``NAME.gold.json`` (gold)
pairs, plus an optional ``suite.toml``. The contract is docs/GOLD_FORMAT.md.
``load_suite`` validates every gold file before anything runs; a bad one
raises a one-line ``UsageError`` naming the file, the field and the reason.
"""

from __future__ import annotations

import fnmatch
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    ValidationError,
    field_validator,
    model_validator,
)

from . import isodates
from .articles import read_article
from .errors import UsageError
from .limits import MAX_CONCURRENCY, number_in
from .schema import ArticleSummary, KeyIssue, Participant, UpcomingEvent
from .textnorm import quote_found
from .thresholds import Threshold, from_mapping

GOLD_SUFFIX = ".gold.json"
ARTICLE_SUFFIX = ".txt"
SUITE_FILE = "suite.toml"
_FIX = "fix the gold file (format: docs/GOLD_FORMAT.md)"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("is empty")
    return value


Text = Annotated[str, AfterValidator(_not_blank)]


class GoldKeyIssue(_Strict):
    issue: Text
    optional: bool = False


class GoldParticipant(_Strict):
    name: Text
    aliases: list[str] = []
    kind: Literal["person", "organization", "country"]
    role: str | None = None
    optional: bool = False


class GoldUpcoming(_Strict):
    event: Text
    date: str | None  # required key; null when the article gives no time
    alt_dates: list[str] = []
    when_text: str | None = None
    optional: bool = False

    @field_validator("date")
    @classmethod
    def _date(cls, value: str | None) -> str | None:
        return None if value is None else isodates.validate(value)

    @field_validator("alt_dates")
    @classmethod
    def _alt_dates(cls, values: list[str]) -> list[str]:
        for value in values:
            isodates.validate(value)
        return values

    @model_validator(mode="after")
    def _alt_needs_date(self) -> GoldUpcoming:
        if self.alt_dates and self.date is None:
            raise ValueError("alt_dates given but date is null; put the main date in date")
        return self


class Gold(_Strict):
    id: str
    published: str
    summary: Text
    key_issues: Annotated[list[GoldKeyIssue], Field(min_length=1)]  # the guide asks for 3-6
    participants: list[GoldParticipant]
    upcoming: list[GoldUpcoming]

    @field_validator("published")
    @classmethod
    def _published(cls, value: str) -> str:
        if not isodates.DAY.match(value):
            raise ValueError(f"{value!r} is not YYYY-MM-DD")
        return isodates.validate(value)


class SuiteConfig(BaseModel):
    """Settings from ``suite.toml``; thresholds are ``{"participants.f1": 0.8}``."""

    model_config = ConfigDict(extra="forbid")

    model: str | None = None
    concurrency: StrictInt | None = None  # not a bool: `concurrency = true` is a mistake
    thresholds: dict[str, float] = {}

    def threshold_list(self) -> list[Threshold]:
        return from_mapping(self.thresholds)

    @field_validator("thresholds", mode="before")
    @classmethod
    def _numbers(cls, value: Any) -> Any:
        for name, limit in (value.items() if isinstance(value, dict) else ()):
            if not number_in(limit, float("-inf"), float("inf")):  # the range is parse_threshold's to check
                # `true` would be taken as 1 and "0.9" as 0.9: a typo must not pass as a gate
                raise ValueError(f"{name} = {limit!r} is not a number; write a number from 0 to 1")
        return value

    @field_validator("concurrency")
    @classmethod
    def _bounded(cls, value: int | None) -> int | None:
        if value is not None and not 1 <= value <= MAX_CONCURRENCY:
            raise ValueError(f"must be from 1 to {MAX_CONCURRENCY}")
        return value


@dataclass
class Case:
    id: str
    article_path: Path
    gold_path: Path
    text: str  # the article body, without the date header
    published: str  # the header date, else the gold's published date
    gold: Gold


@dataclass
class Suite:
    directory: Path
    cases: list[Case]
    config: SuiteConfig = field(default_factory=SuiteConfig)
    warnings: list[str] = field(default_factory=list)


def _dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _reason(error: dict[str, Any]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "missing":
        return "missing required field"
    if kind == "too_short":
        return f"is empty; it needs at least {error.get('ctx', {}).get('min_length', 1)}"
    msg = str(error["msg"]).removeprefix("Value error, ")
    return " ".join(msg.split())


def validation_message(source: Path | str, exc: ValidationError, fix: str = _FIX) -> str:
    """One line: ``source: field: reason[ (and N more problems)]; fix``."""
    errors = exc.errors()
    first = errors[0]
    more = f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})" if len(errors) > 1 else ""
    return f"{source}: {_dotted(tuple(first['loc']))}: {_reason(first)}{more}; {fix}"


def _read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: not UTF-8 (bad byte at offset {exc.start}); save it as UTF-8") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the file ({exc.strerror}); check its permissions") from None


def load_gold(path: str | Path) -> Gold:
    """Read and validate one gold file; its ``id`` must equal the file stem."""
    path = Path(path)
    try:
        data = json.loads(_read_text(path))
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{path}: invalid JSON at line {exc.lineno} column {exc.colno} ({exc.msg}); fix the JSON syntax"
        ) from None
    try:
        gold = Gold.model_validate(data)
    except ValidationError as exc:
        raise UsageError(validation_message(path, exc)) from None
    stem = path.name.removesuffix(GOLD_SUFFIX)
    if gold.id != stem:
        raise UsageError(f"{path}: id: {gold.id!r} does not match the file stem {stem!r}; set id to {stem!r}")
    return gold


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


def load_suite_config(path: str | Path) -> SuiteConfig:
    """Read ``suite.toml``; thresholds use the same names as ``--fail-under``."""
    path = Path(path)
    try:
        data = tomllib.loads(_read_text(path))
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: invalid TOML ({' '.join(str(exc).split())}); fix the syntax") from None
    if isinstance(data.get("thresholds"), dict):
        data["thresholds"] = _flatten(data["thresholds"])
    try:
        config = SuiteConfig.model_validate(data)
    except ValidationError as exc:
        raise UsageError(
            validation_message(path, exc, "allowed keys: model, concurrency, [thresholds]")
        ) from None
    try:
        from_mapping(config.thresholds)
    except UsageError as exc:
        raise UsageError(f"{path}: [thresholds]: {exc}") from None
    return config


def load_suite(directory: str | Path, cases_glob: str | None = None, allow_unpaired: bool = False) -> Suite:
    """Validate and load a suite; ``cases_glob`` (fnmatch on case ids) picks cases.

    Every gold file is validated even when ``cases_glob`` filters. A gold file without
    its article (among the names ``cases_glob`` picks) is a UsageError: a misnamed gold
    or article file would otherwise shrink the suite while a CI gate still passed. With
    ``allow_unpaired`` it is skipped. An article without gold (a draft not yet labelled,
    a README.txt) is skipped; both are listed in ``Suite.warnings``. An empty result is a
    UsageError.
    """
    root = Path(directory)
    if not root.is_dir():
        raise UsageError(f"{root}: no such suite directory; give a directory of NAME.txt + NAME.gold.json pairs")
    golds = {p.name.removesuffix(GOLD_SUFFIX): p for p in root.glob("*" + GOLD_SUFFIX)}
    articles = {p.stem: p for p in root.glob("*" + ARTICLE_SUFFIX)}
    config_path = root / SUITE_FILE
    config = load_suite_config(config_path) if config_path.is_file() else SuiteConfig()
    picked = (lambda name: fnmatch.fnmatchcase(name, cases_glob)) if cases_glob else (lambda name: True)
    orphans = [f"{golds[n]} has no {n}{ARTICLE_SUFFIX}" for n in sorted(golds.keys() - articles.keys()) if picked(n)]
    unlabelled = [f"{articles[n]} has no {n}{GOLD_SUFFIX}" for n in sorted(articles.keys() - golds.keys()) if picked(n)]
    if orphans and not allow_unpaired:
        raise UsageError(
            f"{root}: gold without its article: {'; '.join(orphans)}"
            + (f" (articles without gold: {'; '.join(unlabelled)})" if unlabelled else "")
            + "; rename or add the file, or pass --allow-unpaired to skip it"
        )
    warnings = [f"{entry}; skipped" for entry in unlabelled + orphans]
    cases = []
    for name in sorted(golds.keys() & articles.keys()):
        gold = load_gold(golds[name])
        article = read_article(articles[name])
        header = article.published.isoformat() if article.published else None
        if header and header != gold.published:
            warnings.append(f"{articles[name]}: date header {header} differs from gold published {gold.published}")
        cases.append(Case(name, articles[name], golds[name], article.text, header or gold.published, gold))
    if cases_glob:
        cases = [c for c in cases if fnmatch.fnmatchcase(c.id, cases_glob)]
        if not cases:
            raise UsageError(f"{root}: no case id matches {cases_glob!r}; check the pattern")
    if not cases:
        raise UsageError(f"{root}: the suite is empty (no NAME.txt + NAME.gold.json pairs); add cases")
    return Suite(root, cases, config, warnings)


def _evidence(candidates: list[str | None], article_text: str | None) -> str:
    if article_text:
        for text in candidates:
            if text and quote_found(text, article_text):
                return text
    return ""


def gold_to_summary(gold: Gold, article_text: str | None = None) -> ArticleSummary:
    """The gold as a prediction (optional items included).

    Evidence is empty, or with ``article_text`` the first of the item's own
    strings (name, aliases, when_text) found verbatim in the article.
    """
    return ArticleSummary(
        title=gold.id,
        summary=gold.summary,
        published=gold.published,
        key_issues=[KeyIssue(issue=k.issue, evidence="") for k in gold.key_issues],
        participants=[
            Participant(
                name=p.name, kind=p.kind, role=p.role,
                evidence=_evidence([p.name, *p.aliases], article_text),
            )
            for p in gold.participants
        ],
        upcoming=[
            UpcomingEvent(
                event=u.event, when_text=u.when_text, date=u.date,
                evidence=_evidence([u.when_text], article_text),
            )
            for u in gold.upcoming
        ],
    )
