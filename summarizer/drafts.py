"""What the model is asked for, one focused task at a time.

These are smaller than `ArticleSummary`: the model writes names, roles, events
and the article's own time words; code adds evidence sentences and resolves
dates. Field descriptions are what the model reads.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from .schema import Kind


class IssueDraft(BaseModel):
    issue: str = Field(description="One plain sentence naming one main topic or claim of the article.")


class OverviewDraft(BaseModel):
    title: str = Field(description="A short headline.")
    summary: str = Field(description="Two or three sentences: what happened and why it matters.")
    key_issues: list[IssueDraft] = Field(min_length=3, max_length=6, description="3 to 5 main topics or claims, each a different one.")


class ParticipantDraft(BaseModel):
    name: str = Field(description="The name as the article writes it, without titles.")
    kind: Kind = Field(description="person, organization or country.")
    role: str | None = Field(description="The role or title the article gives, or null.")


class ParticipantsDraft(BaseModel):
    participants: list[ParticipantDraft] = Field(description="Each participant once.")


class EventDraft(BaseModel):
    event: str = Field(description="What is still to come, one short clause.")
    when_text: str | None = Field(
        description="The article's exact words for when it happens, or null if it gives no time."
    )


class UpcomingDraft(BaseModel):
    upcoming: list[EventDraft] = Field(description="Events still to come after the publication date.")


TASKS: dict[str, type[BaseModel]] = {
    "overview": OverviewDraft,
    "participants": ParticipantsDraft,
    "upcoming": UpcomingDraft,
}
