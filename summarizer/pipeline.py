"""From article to `ArticleSummary`: focused model calls, then code that checks them.

The "focused" pipeline asks three small questions that share one prompt prefix
(static instructions, then the article), so llama.cpp evaluates the article
once. Code then moves titles to roles, merges duplicate participants, picks
evidence sentences, resolves `when_text` to ISO dates, drops past events and
re-asks once for items the article does not support. The "plain" pipeline is
one call for the whole schema with the model writing ISO dates itself: the
comparison point for what the checks are worth.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable

from pydantic import BaseModel

from . import dates, grounding, isodates
from .articles import Article
from .drafts import TASKS, EventDraft, ParticipantDraft, ParticipantsDraft, UpcomingDraft
from .errors import Usage
from .llm import LLM, schema_json
from .prompts import Prompts
from .schema import ArticleSummary, KeyIssue, Participant, UpcomingEvent

TASK_ORDER = ("participants", "upcoming", "overview")
MAX_TOKENS = {"overview": 600, "participants": 500, "upcoming": 400, "plain": 1800}


@dataclass
class Context:
    """What one summary run needs: the model, the templates, the article."""

    llm: LLM
    prompts: Prompts
    article: Article
    usage: Usage = field(default_factory=Usage)
    diagnostics: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def published(self) -> date:
        return self.article.published or date.today()

    def note(self, kind: str, **entry: Any) -> None:
        self.diagnostics.setdefault(kind, []).append(entry)


def render_focused(prompts: Prompts, article: Article, task: str) -> list[dict[str, str]]:
    """The messages for one task: the static system prompt, then the article, then the task."""
    schemas = {name: schema_json(model) for name, model in TASKS.items()}
    published = article.published
    return [
        {"role": "system", "content": prompts.render("system", schemas=schemas)},
        {
            "role": "user",
            "content": prompts.render(
                "user",
                article=article.text,
                published=published.isoformat() if published else None,
                weekday=published.strftime("%A") if published else None,
                task=task,
            ),
        },
    ]


def render_plain(prompts: Prompts, article: Article) -> list[dict[str, str]]:
    published = article.published.isoformat() if article.published else None
    return [
        {"role": "system", "content": prompts.render("plain_system", schema=schema_json(ArticleSummary))},
        {"role": "user", "content": prompts.render("plain_user", article=article.text, published=published)},
    ]


def _ask(ctx: Context, task: str, feedback: list[str] | None = None, previous: BaseModel | None = None):
    messages = render_focused(ctx.prompts, ctx.article, task)
    if feedback and previous is not None:
        messages += [
            {"role": "assistant", "content": previous.model_dump_json()},
            {
                "role": "user",
                "content": "Some items are not supported by the article:\n"
                + "\n".join(f"- {line}" for line in feedback)
                + "\nAnswer the task again. Fix these items using the article's exact words, "
                "or leave them out.",
            },
        ]
    return ctx.llm.extract(messages, TASKS[task], max_tokens=MAX_TOKENS[task], usage=ctx.usage)


def _checked(ctx: Context, task: str, check: Callable[[Any], tuple[list[Any], list[tuple[Any, str]]]]):
    """Ask, check every item, re-ask once with the reasons, drop what still fails."""
    draft = _ask(ctx, task)
    kept, failed = check(draft)
    if failed:
        ctx.note("reasked", field=task, items=[{"item": i.model_dump(), "reason": r} for i, r in failed])
        draft = _ask(ctx, task, [f"{json.dumps(i.model_dump())}: {r}" for i, r in failed], draft)
        kept, failed = check(draft)
        for item, reason in failed:
            ctx.note("dropped", field=task, item=item.model_dump(), reason=reason)
    return kept


MAX_ROLE_WORDS = 10


def _participant(text: str, name: str, kind: str, role: str | None) -> Participant:
    evidence = grounding.sentence_with(text, name) or grounding.sentence_with(text, name.split()[-1])
    return Participant(name=name, kind=kind, role=role, evidence=evidence or name)


def participants(ctx: Context) -> list[Participant]:
    """The model's participants, checked; then titled people it left out ("Deputy Minister X Y")."""
    text = ctx.article.text

    def check(draft: ParticipantsDraft) -> tuple[list[Participant], list[tuple[ParticipantDraft, str]]]:
        kept, failed = [], []
        for item in draft.participants:
            name, title = grounding.split_title(item.name.strip())
            if not grounding.name_found(name, text):
                failed.append((item, f"the name {name!r} does not occur in the article"))
                continue
            role = item.role if item.role and len(item.role.split()) <= MAX_ROLE_WORDS else None
            if item.kind == "person":
                role = grounding.role_in_article(name, text) or title or role
            kept.append(_participant(text, name, item.kind, role))
        return kept, failed

    found = _checked(ctx, "participants", check)
    titled = [_participant(text, name, "person", role) for name, role in grounding.titled_people(text)]
    return grounding.merge(found + titled)


def upcoming(ctx: Context) -> list[UpcomingEvent]:
    text = ctx.article.text

    def check(draft: UpcomingDraft) -> tuple[list[UpcomingEvent], list[tuple[EventDraft, str]]]:
        kept, failed = [], []
        for item in draft.upcoming:
            when = (item.when_text or "").strip() or None
            if when and not grounding.sentence_with(text, when):
                repaired = _article_words_for(ctx, item.event, when)
                if repaired is None:
                    failed.append((item, f"when_text {when!r} is not the article's own words"))
                    continue
                ctx.note("repaired", field="upcoming", item=item.model_dump(), when_text=repaired)
                when = repaired
            evidence = (when and grounding.sentence_with(text, when)) or grounding.best_sentence(text, item.event)
            value = dates.resolve(when, ctx.published, evidence) if when else None
            if value and dates.ends_before(value, ctx.published):
                ctx.note("not_upcoming", item=item.model_dump(), date=value)
                continue
            kept.append(UpcomingEvent(event=item.event, when_text=when, date=value, evidence=evidence or ""))
        return kept, failed

    return _checked(ctx, "upcoming", check)


def _article_words_for(ctx: Context, event: str, when: str) -> str | None:
    """The article's own time words for an event whose when_text the model paraphrased.

    Looks in the sentences most like the event for a time expression that resolves to
    a date overlapping the paraphrase's ("on Nov. 15-26" -> "from Nov. 15 to 26").
    """
    target = dates.resolve(when, ctx.published)
    if target is None:
        return None
    wanted = isodates.span(target)
    for sentence in grounding.similar_sentences(ctx.article.text, f"{event} {when}", limit=3):
        for expression in dates.find_expressions(sentence):
            value = dates.resolve(expression, ctx.published, sentence)
            if value and isodates.span(value).overlaps(wanted):
                return expression
    return None


def overview(ctx: Context) -> tuple[str, str, list[KeyIssue]]:
    draft = _ask(ctx, "overview")
    issues = []
    for item in draft.key_issues:
        evidence = grounding.best_sentence(ctx.article.text, item.issue) or ""
        issues.append(KeyIssue(issue=item.issue, evidence=evidence))
    return draft.title, draft.summary, issues


def focused(ctx: Context) -> ArticleSummary:
    if ctx.llm.concurrent:
        # An endpoint answers the three tasks at once; in-process llama.cpp runs them in turn.
        with ThreadPoolExecutor(max_workers=3) as pool:
            jobs = [pool.submit(task, ctx) for task in (participants, upcoming, overview)]
            people, events, (title, summary, issues) = (job.result() for job in jobs)
    else:
        people = participants(ctx)
        events = upcoming(ctx)
        title, summary, issues = overview(ctx)
    published = ctx.article.published.isoformat() if ctx.article.published else None
    return ArticleSummary(
        title=title, summary=summary, published=published,
        key_issues=issues, participants=people, upcoming=events,
    )


def plain(ctx: Context) -> ArticleSummary:
    messages = render_plain(ctx.prompts, ctx.article)
    result = ctx.llm.extract(messages, ArticleSummary, max_tokens=MAX_TOKENS["plain"], usage=ctx.usage)
    if ctx.article.published:
        result.published = ctx.article.published.isoformat()
    return result


PIPELINES: dict[str, Callable[[Context], ArticleSummary]] = {"focused": focused, "plain": plain}
