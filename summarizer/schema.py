"""The structured summary. Field names are a public contract; the field
docstrings are the JSON schema the model reads."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from . import isodates


Kind = Literal["person", "organization", "country"]


class KeyIssue(BaseModel):
    """One main topic or claim of the article."""

    issue: str = Field(description="One plain sentence naming one main topic or claim of the article.")
    evidence: str = Field(
        description="A short quote copied word for word from the article that supports the issue."
    )


class Participant(BaseModel):
    """A named person, organization or country that takes an active part in the story."""

    name: str = Field(
        description='The fullest name the article gives, without titles: "Sergey Lavrov", '
        'not "Foreign Minister Sergey Lavrov".'
    )
    kind: Kind = Field(description="person, organization or country.")
    role: str | None = Field(
        default=None,
        description='The role or title the article gives, e.g. "Russian Foreign Minister"; null if none.',
    )
    evidence: str = Field(
        description="A short quote copied word for word from the article where this participant appears."
    )


class UpcomingEvent(BaseModel):
    """An event still to come as of the publication date."""

    event: str = Field(description="What is scheduled, expected, planned or proposed: one short clause.")
    when_text: str | None = Field(
        default=None,
        description='The article\'s own words for when it happens, copied verbatim ("on Thursday", '
        '"on June 13-14"); null if the article gives no time.',
    )
    date: str | None = Field(
        default=None,
        description="The resolved date as ISO 8601: YYYY-MM-DD, YYYY-MM, YYYY or START/END; null if unknown.",
    )
    evidence: str = Field(
        description="A short quote copied word for word from the article that mentions the event."
    )

    @field_validator("date")
    @classmethod
    def _iso_value(cls, value: str | None) -> str | None:
        if value is None:
            return None
        return isodates.validate(value)


class ArticleSummary(BaseModel):
    """A structured summary of one news article."""

    model_config = ConfigDict(extra="ignore")

    title: str = Field(description="A short headline for the article.")
    summary: str = Field(description="Two or three sentences: what happened and why it matters.")
    published: str | None = Field(
        default=None, description="The publication date as YYYY-MM-DD, or null if unknown."
    )
    key_issues: list[KeyIssue] = Field(
        default_factory=list, description="The 3-6 main topics or claims of the article."
    )
    participants: list[Participant] = Field(
        default_factory=list,
        description="The named people, organizations and countries that act, speak, meet or decide "
        "in the story; not the news agency, not places only named as venues.",
    )
    upcoming: list[UpcomingEvent] = Field(
        default_factory=list,
        description="Events still to come as of the publication date; not events that already happened.",
    )

    @field_validator("published")
    @classmethod
    def _day(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not isodates.DAY.match(value):
            raise ValueError(f"published must be YYYY-MM-DD, got {value!r}")
        return isodates.validate(value)
