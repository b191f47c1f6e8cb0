"""From article to `ArticleSummary`: focused model calls, then code that checks them.

The "focused" pipeline asks three small questions that share one prompt prefix
(static instructions, then the article), so llama.cpp evaluates the article
once. Code then moves titles to roles, merges duplicate participants, picks
evidence sentences, resolves `when_text` to ISO dates, drops past events and
re-asks once for items the article does not support; it adds the article's
dated plans no model event covers (events.py) and tells each key point the
model names with the article's passage (passages.py). The "plain" pipeline is
one call for the whole schema with the model writing ISO dates itself: the
comparison point for what the checks are worth.
"""

from __future__ import annotations

import contextvars
import json
import warnings
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from datetime import date
from typing import Any, Callable

import pydantic_core
from pydantic import BaseModel, ValidationError

from . import cancellation, dates, events, grounding, isodates, passages
from .articles import Article
from .drafts import ANSWERS, SUMMARY_CHARS, TASKS, TITLE_CHARS, ParticipantsDraft, UpcomingDraft, at_most
from .errors import RetriesExhausted, SummarizerWarning, Usage
from .llm import LLM, schema_json
from .prompts import Prompts
from .schema import ArticleSummary, KeyIssue, Participant, UpcomingEvent

TASK_ORDER = ("participants", "upcoming", "overview")
MAX_TOKENS = {"overview": 700, "participants": 700, "upcoming": 600, "plain": 1800}


@dataclass
class Context:
    """What one summary run needs: the model, the templates, the article."""

    llm: LLM
    prompts: Prompts
    article: Article
    usage: Usage = field(default_factory=Usage)
    diagnostics: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    published: date = field(init=False)  # the date relative time words are resolved against

    def __post_init__(self) -> None:
        self.published = self.article.published or date.today()

    def say_if_undated(self) -> None:
        """Warn, and note in diagnostics, that relative dates are resolved against today."""
        if self.article.published is None:
            self.note("no_publication_date", resolved_against=self.published.isoformat())
            warnings.warn(
                f"{self.article.source}: no publication date, so relative dates (\"on Thursday\", \"next month\") "
                f"are resolved against today, {self.published.isoformat()}; give the date (--date, published=, "
                "or a `date YYYY-MM-DD` first line) for an older article",
                SummarizerWarning,
                stacklevel=4,  # the caller of Summarizer.run
            )

    def note(self, kind: str, **entry: Any) -> None:
        self.diagnostics.setdefault(kind, []).append(entry)

    @cached_property
    def trusted(self) -> str:
        """The article without sentences addressed to the model ("ignore previous instructions...").

        Grounding checks run against this text, so an injected name or date is never grounded.
        """
        text, removed = grounding.without_injections(self.article.text)
        for sentence in removed:
            self.note("untrusted_sentence", sentence=sentence)
        return text


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


def _ask(ctx: Context, task: str, failed: list[tuple[BaseModel, str]] | None = None) -> BaseModel:
    """One task's answer (salvaged: the complete items of one cut off).

    A re-ask (``failed``: the items that failed, with the reasons) quotes as the model's
    answer only those items, lists the reasons, and lets the grammar end the new answer
    after as many items. Quoted its whole answer, the model wrote the whole list again:
    956 tokens for the 4 re-asks on evals/news, 517 (37 s) for one list of 18 participants
    with one unknown name, and no score changed by what it fixed. Now 5-6 tokens a re-ask
    (the 1.5B model answers every re-ask on evals/news with an empty list, so the failed
    items are dropped). The items that passed are kept already (_checked).
    """
    messages = render_focused(ctx.prompts, ctx.article, task)
    answer_model = ANSWERS[task]
    if failed:
        items = [item.model_dump(mode="json") for item, _ in failed]
        field_name = next(iter(answer_model.model_fields))
        messages += [
            {"role": "assistant", "content": json.dumps({field_name: items}, ensure_ascii=False)},
            {"role": "user", "content": ctx.prompts.render(
                "reask", problems=[f"{json.dumps(i, ensure_ascii=False)}: {r}" for i, (_, r) in zip(items, failed)])},
        ]
        answer_model = at_most(answer_model, len(failed))
    try:
        return ctx.llm.extract(messages, answer_model, max_tokens=MAX_TOKENS[task], usage=ctx.usage)
    except RetriesExhausted as exc:
        partial = salvage(ANSWERS[task], exc.last_output) if exc.truncated else None
        if partial is None:
            raise
        ctx.note("salvaged", field=task, reason=str(exc), kept=len(next(iter(partial.model_dump().values()))))
        return partial


def salvage(model: type[BaseModel], text: str | None) -> BaseModel | None:
    """The complete items of a list answer that was cut off mid-way, or None.

    Only single-list models (participants, upcoming) are salvaged: a cut-off overview
    has no safe partial form.
    """
    fields = list(model.model_fields)
    if not text or len(fields) != 1:
        return None
    try:
        data = pydantic_core.from_json(text, allow_partial=True)
    except ValueError:
        return None
    item_type = model.model_fields[fields[0]].annotation.__args__[0]
    items = []
    for raw in data.get(fields[0], []) if isinstance(data, dict) else []:
        try:
            items.append(item_type.model_validate(raw))
        except ValidationError:
            continue  # the item being written when the answer was cut off
    return model(**{fields[0]: items})


@dataclass
class Checked:
    """One pass of checks over a draft: items kept, items failed with a reason, notes."""

    kept: list[Any] = field(default_factory=list)
    failed: list[tuple[BaseModel, str]] = field(default_factory=list)
    notes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def _checked(
    ctx: Context, task: str, check: Callable[[Any], Checked], same: Callable[[Any, Any], bool]
) -> list[Any]:
    """Ask, check every item, re-ask once with the reasons, drop what still fails.

    Items that passed the first time are kept even if the second answer leaves them out.
    """
    first = _ask(ctx, task)
    result = check(first)
    kept, notes = list(result.kept), list(result.notes)
    if result.failed:
        ctx.note("reasked", field=task, items=[{"item": i.model_dump(), "reason": r} for i, r in result.failed])
        again = check(_ask(ctx, task, result.failed))
        kept += [item for item in again.kept if not any(same(item, k) for k in kept)]
        notes += [n for n in again.notes if n not in notes]
        for item, reason in again.failed:
            ctx.note("dropped", field=task, item=item.model_dump(), reason=reason)
    for kind, entry in notes:
        ctx.note(kind, **entry)
    return kept


MAX_ROLE_WORDS = 10
MIN_EVENT_SUPPORT = 60  # token_set_ratio of an undated event with its best sentence


def _participant(text: str, name: str, kind: str, role: str | None) -> Participant:
    evidence = grounding.sentence_with(text, name) or grounding.sentence_with(text, name.split()[-1])
    return Participant(name=name, kind=kind, role=role, evidence=evidence or name)


def participants(ctx: Context) -> list[Participant]:
    """The model's participants, checked; then titled people it left out ("Deputy Minister X Y")."""
    text = ctx.trusted

    def check(draft: ParticipantsDraft) -> Checked:
        out = Checked()
        for item in draft.participants:
            raw = item.name.strip()
            name, title = grounding.split_title(raw)
            # "Bank of America" is no person; "Police Chief Michel Moore" is one, with a title
            if item.kind == "person" and grounding.organization_like(raw) and (
                    title is None or len(name.split()) < 2 or grounding.organization_like(name)):
                item = item.model_copy(update={"kind": "organization"})
            if item.kind != "person":
                name, title = grounding.without_possessor(grounding.without_kind_word(raw, text), text), None
            if item.kind == "country":
                name = grounding.country_named(name, text)  # "Lao" -> "Laos"
            elif item.kind == "person":
                name = grounding.unmixed_name(name, text)  # "Alexander Volker" -> "Kurt Volker"
            if not grounding.name_found(name, text):
                out.failed.append((item, f"the name {name!r} does not occur in the article"))
                continue
            if (
                not grounding.is_proper_name(name)
                or grounding.common_word(name, text)
                or (item.kind != "country" and grounding.country_named(name, text) != name)  # "Mexican"
                or grounding.is_byline(name, ctx.article.text)
                or grounding.only_in_dateline(name, ctx.article.text)
                or (item.kind != "person" and (grounding.only_as_venue(name, text, place=item.kind == "country")
                                               or grounding.only_as_modifier(name, text)))
                or grounding.quoted_as_instrument(name, text)
            ):
                out.notes.append(("not_participant", {"item": item.model_dump(), "reason": "not a named actor of the story"}))
                continue
            role = item.role if item.role and len(item.role.split()) <= MAX_ROLE_WORDS else None
            if item.kind == "person":
                role = grounding.role_in_article(name, text) or title or role
            out.kept.append(_participant(text, name, item.kind, role))
        return out

    found = _checked(ctx, "participants", check, grounding.same_entity)
    titled = [_participant(text, name, "person", role) for name, role in grounding.titled_people(text)]
    nicknamed = grounding.nicknamed(text)
    found = [p.model_copy(update={"name": nicknamed[p.name]}) if p.kind == "person" and p.name in nicknamed else p
             for p in found]
    return grounding.merge(found + titled)


def _same_event(a: UpcomingEvent, b: UpcomingEvent) -> bool:
    return (a.when_text or "").casefold() == (b.when_text or "").casefold() and (
        grounding.similarity(a.event, b.event) >= 80
    )


def upcoming(ctx: Context) -> list[UpcomingEvent]:
    """The model's events with the article's time words; dates resolved by code, past ones dropped."""
    text = ctx.trusted

    def check(draft: UpcomingDraft) -> Checked:
        out = Checked()
        for item in draft.upcoming:
            when = (item.when_text or "").strip() or None
            if when and not grounding.sentence_with(text, when):
                own = dates.resolve(when, ctx.published)
                if own and dates.ends_before(own, ctx.published):
                    # "June 2019" in a November 2019 article: past whatever the article says,
                    # so no re-ask can make it upcoming
                    out.notes.append(("not_upcoming", {"item": item.model_dump(), "date": own}))
                    continue
                repaired = _article_words_for(ctx, item.event, when)
                if repaired is None:
                    out.failed.append((item, f"when_text {when!r} is not the article's own words"))
                    continue
                out.notes.append(("repaired", {"field": "upcoming", "item": item.model_dump(), "when_text": repaired}))
                when = repaired
            evidence = (when and grounding.sentence_with(text, when)) or grounding.best_sentence(text, item.event)
            if not when and (not evidence or grounding.similarity(item.event, evidence) < MIN_EVENT_SUPPORT):
                out.failed.append((item, "the article does not mention this event"))
                continue
            words = events.time_words(when, item.event, text)
            if words != when:
                out.notes.append(("time_words", {"item": item.model_dump(), "when_text": words}))
                when = words
                evidence = (when and grounding.sentence_with(text, when)) or evidence
            value = dates.resolve(when, ctx.published, evidence, _day_before(text, evidence, ctx.published, when)) \
                if when else None
            if value and dates.ends_before(value, ctx.published):
                out.notes.append(("not_upcoming", {"item": item.model_dump(), "date": value}))
                continue
            starts_later = value is not None and isodates.span(value).start > ctx.published
            done = bool(value and when and dates.told_as_done(when, evidence or ""))
            if not starts_later and (done or not dates.reads_as_planned(evidence or "")) and not (
                    value and when and _todays_occasion(item.event, when, evidence or "")):
                # dated today or undated, and not told as planned: it already happened
                out.notes.append(("not_upcoming", {"item": item.model_dump(), "date": value, "reason": "past tense"}))
                continue
            event = events.clause(item.event, when)
            out.kept.append(UpcomingEvent(event=event, when_text=when, date=value, evidence=evidence or ""))
        return out

    found = events.dedupe(_checked(ctx, "upcoming", check, _same_event))
    for candidate in events.planned_mentions(text, ctx.published) if ctx.article.published else []:
        if events.covered(candidate, found):
            continue
        undated = events.attach(candidate, found)
        if undated is not None:
            update = {"when_text": candidate.when_text, "date": candidate.date}
            ctx.note("dated_by_rule", event=found[undated].event, **update)
            found[undated] = found[undated].model_copy(update=update)
        else:
            ctx.note("found_by_rule", field="upcoming", item=candidate.model_dump())
            found.append(candidate)
    return found


def _day_before(article: str, sentence: str | None, published: date, when: str | None) -> date | None:
    """For "the following day": the day the article told before ``sentence``."""
    if not when or not sentence or not dates.follows_another(when):
        return None
    sentences = grounding.sentences(article)
    return dates.day_told_before(sentences, sentences.index(sentence), published) if sentence in sentences else None


def _todays_occasion(event: str, when: str, sentence: str) -> bool:
    """An event dated the publication day that is still to come though its sentence has no
    future cue: the model tells it as to come ("Sondland will testify"), the sentence names
    it as the day's occasion ("at Wednesday morning's hearing") and does not tell it as done."""
    return (dates.reads_as_planned(event) and dates.possessive_time(when, sentence)
            and not dates.told_as_done(when, sentence))


def _article_words_for(ctx: Context, event: str, when: str) -> str | None:
    """The article's own time words for an event whose when_text the model paraphrased.

    Looks in the sentences most like the event for a time expression that resolves to
    a date overlapping the paraphrase's ("on Nov. 15-26" -> "from Nov. 15 to 26").
    """
    target = dates.resolve(when, ctx.published)
    if target is None:
        return None
    wanted = isodates.span(target)
    for sentence in grounding.similar_sentences(ctx.trusted, f"{event} {when}", limit=3):
        for expression in dates.find_expressions(sentence):
            value = dates.resolve(expression, ctx.published, sentence)
            if value and isodates.span(value).overlaps(wanted):
                return expression
    return None


def summary_and_passages(article: str, summary: str, points: list[str]) -> tuple[str, list[passages.Passage]]:
    """What the overview keeps of the model's summary and points: the summary tidied, and the
    article's passages for the points, topped up with those most like that summary (also
    what bench/bench_stops.py scores)."""
    tidied = passages.tidy_summary(summary, cut=len(summary) >= SUMMARY_CHARS)
    told = passages.key_passages(article, points, at_least=passages.KEY_ISSUES, at_most=passages.KEY_ISSUES,
                                 gist=tidied)
    return tidied, told


def overview(ctx: Context) -> tuple[str, str, list[KeyIssue]]:
    """Title and summary from the model (the summary tidied); key issues are the article's
    passages for the points the model names."""
    draft = _ask(ctx, "overview")
    points = [item.issue for item in draft.key_issues]
    summary, told = summary_and_passages(ctx.trusted, draft.summary, points)
    issues = [KeyIssue(issue=p.text, evidence=p.quote) for p in told]
    if added := [p.text for p in told if p.added]:
        ctx.note("key_issues_added", passages=added)
    if summary != draft.summary.strip():
        ctx.note("summary_tidied", words_before=len(draft.summary.split()), words_after=len(summary.split()))
    ctx.note("key_points", points=points)
    title = draft.title
    if len(title) >= TITLE_CHARS:
        title = passages.at_last_word(title)
        ctx.note("title_cut", title_before=draft.title)
    return title, summary, issues


def focused(ctx: Context) -> ArticleSummary:
    ctx.say_if_undated()  # the plain pipeline tells the model the date is unknown instead
    if ctx.llm.concurrent:
        # An endpoint answers the three tasks at once; in-process llama.cpp runs them in turn.
        pool, interrupted = ThreadPoolExecutor(max_workers=3), False
        try:
            # each in a copy of this thread's context: a cancelled summary (cancellation.py) stops them all
            jobs = [pool.submit(contextvars.copy_context().run, task, ctx) for task in (participants, upcoming, overview)]
            people, events, (title, summary, issues) = _results(jobs)
        except KeyboardInterrupt:
            interrupted = True
            raise
        finally:
            # A failed task: the others end (and log) before its error is told. The user
            # stopping: no waiting for the calls still out.
            pool.shutdown(wait=not interrupted, cancel_futures=interrupted)
    else:
        people = participants(ctx)
        events = upcoming(ctx)
        title, summary, issues = overview(ctx)
    published = ctx.article.published.isoformat() if ctx.article.published else None
    return ArticleSummary(
        title=title, summary=summary, published=published,
        key_issues=issues, participants=people, upcoming=events,
    )


def _results(jobs: list[Future]) -> list[Any]:
    """Each job's result (the first failure raised, in task order), once all have ended;
    a Ctrl-C meanwhile is raised at once (cancellation.wait_interruptibly)."""
    cancellation.wait_interruptibly(jobs)
    return [job.result() for job in jobs]


def plain(ctx: Context) -> ArticleSummary:
    messages = render_plain(ctx.prompts, ctx.article)
    result = ctx.llm.extract(messages, ArticleSummary, max_tokens=MAX_TOKENS["plain"], usage=ctx.usage)
    if ctx.article.published:
        result.published = ctx.article.published.isoformat()
    return result


PIPELINES: dict[str, Callable[[Context], ArticleSummary]] = {"focused": focused, "plain": plain}
