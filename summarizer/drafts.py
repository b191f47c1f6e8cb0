"""What the model is asked for, one focused task at a time.

These are smaller than `ArticleSummary`: the model writes names, roles, events
and the article's own time words; code adds evidence sentences and resolves
dates. Field descriptions are what the model reads.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from . import passages
from .backends.json_drafts import MAX_SENTENCES, MAX_WORDS
from .schema import Kind

# Stopping bounds on the overview, for the grammar only (see `OverviewDraft`). Code keeps a
# summary of at most MAX_SUMMARY_WORDS (70) words in whole sentences: 600 characters hold
# 70 words averaging up to 7.5 letters and a space. A longer first sentence is cut at the
# bound (passages.tidy_summary marks it). Code keeps passages.KEY_ISSUES passages, for the
# model's first points. A point is read only to find the sentence that tells it
# (passages.key_passages): on the recorded answers of evals/news and five unseen sets (42
# articles), points cut at 100 or 120 characters find the same passages as whole ones (the
# longest point: 284 characters; cut at 80, one passage of the 42 articles moves). A title
# runs to at most TITLE_CHARS (the longest on evals/news: 103), so a run-on string cannot
# take the whole answer to max_tokens (pipeline.MAX_TOKENS, 700): the six strings at their
# bounds come to 1,200 characters, 326 tokens at the fewest characters a token of any
# evals/news overview (3.68).
SUMMARY_CHARS = 600
TITLE_CHARS = 200
ISSUE_CHARS = 100


class IssueDraft(BaseModel):
    issue: str = Field(description="One plain sentence naming one main topic or claim of the article.")


class OverviewFields(BaseModel):
    model_config = ConfigDict(title="OverviewDraft")

    title: str = Field(description="A short headline.")
    summary: str = Field(description="Two or three sentences: what happened and why it matters.")
    key_issues: list[IssueDraft] = Field(min_length=3, max_length=6, description="3 to 5 main topics or claims, each a different one.")


# What the model may write for an overview: OverviewFields with stopping bounds (comments,
# not a docstring: a docstring would go into the schema sent to the endpoint).
#
# The model sometimes copies the article into the summary (2,145 characters on one
# evals/news article, about 330 tokens past what code keeps) and writes 5 or 6 points.
# llama.cpp's grammar ends the summary at SUMMARY_CHARS and the list at passages.KEY_ISSUES
# items, so those tokens are never written; the title and each point end at TITLE_CHARS
# and ISSUE_CHARS, so one run-on string cannot lose the whole overview. A 5th or 6th point
# could still give a passage when the first four name fewer than four
# (passages.key_passages); now a passage of the article's own stands in: on evals/news
# once (Xinhua), at the same key issues F1.
#
# The summary also ends once it holds what tidy_summary keeps (two sentences within 70
# words), by keywords of this package's own that the in-process backend reads
# (backends/string_stops.py); an endpoint is sent the schema without them.
#
# The prompt still shows OverviewFields' schema: the bounds say when to stop, not what to
# write. Validation is OverviewFields': an endpoint that ignores the bounds still gives a
# valid answer.
class OverviewDraft(OverviewFields):
    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        schema = super().model_json_schema(*args, **kwargs)
        fields = schema["properties"]
        fields["title"]["maxLength"] = TITLE_CHARS
        fields["summary"]["maxLength"] = SUMMARY_CHARS
        fields["summary"][MAX_SENTENCES] = passages.MAX_SUMMARY_SENTENCES
        fields["summary"][MAX_WORDS] = passages.MAX_SUMMARY_WORDS
        fields["key_issues"]["maxItems"] = passages.KEY_ISSUES
        schema["$defs"]["IssueDraft"]["properties"]["issue"]["maxLength"] = ISSUE_CHARS
        return schema


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


# What the prompt shows for each task.
TASKS: dict[str, type[BaseModel]] = {
    "overview": OverviewFields,
    "participants": ParticipantsDraft,
    "upcoming": UpcomingDraft,
}
# What each task's answer is constrained to and validated as.
ANSWERS: dict[str, type[BaseModel]] = {**TASKS, "overview": OverviewDraft}


@lru_cache(maxsize=64)
def at_most(model: type[BaseModel], count: int) -> type[BaseModel]:
    """``model`` (one list field) with its list ended by the grammar after ``count`` items:
    what a re-ask of ``count`` failed items may answer. Same name, same validation."""
    (list_field,) = model.model_fields

    def model_json_schema(cls: type[BaseModel], *args: Any, **kwargs: Any) -> dict[str, Any]:
        schema = super(bounded, cls).model_json_schema(*args, **kwargs)
        schema["properties"][list_field]["maxItems"] = count
        return schema

    bounded = type(model.__name__, (model,), {"__module__": model.__module__,
                                              "model_json_schema": classmethod(model_json_schema)})
    return bounded
