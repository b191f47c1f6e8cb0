"""Stopping a summary that nobody waits for any more.

`Summarizer.arun` runs a summary in a worker thread. When the task awaiting it is cancelled
(``asyncio.wait_for`` timing out, a ``TaskGroup`` failing, a server dropping the request), the
thread is told through a context variable it inherits: no further request is sent, and the
in-process model stops at its next token, or once it has read the article if it is reading
it (llama.cpp's evaluation of a prompt is not interrupted). Otherwise a summary nobody waits for would keep the
model, and both cores of a small machine, for another minute, and the summaries queued behind
it would wait for it. An HTTP request already sent runs to its end: the OpenAI SDK's
synchronous client cannot be interrupted from another thread.
"""

from __future__ import annotations

import contextvars
import threading
from concurrent.futures import ALL_COMPLETED, FIRST_COMPLETED, Future, wait
from typing import Iterable

POLL_S = 0.1  # how soon a Ctrl-C is noticed while threads wait on answers


class Cancelled(BaseException):
    """The caller stopped waiting for this summary; raised in its worker thread, never seen
    by the caller (who got asyncio.CancelledError). A BaseException, as CancelledError is:
    no ``except Exception`` on the way (instructor's retry loop, which would log it as a
    failed API call) takes it for an error."""


_STOP: contextvars.ContextVar[threading.Event | None] = contextvars.ContextVar("summarizer_stop", default=None)


def requested() -> bool:
    """Whether the summary this thread works for has been cancelled."""
    stop = _STOP.get()
    return stop is not None and stop.is_set()


def check() -> None:
    """Raise Cancelled if the summary this thread works for has been cancelled."""
    if requested():
        raise Cancelled("the caller stopped waiting for this summary")


def scope(stop: threading.Event) -> contextvars.Context:
    """A copy of the current context in which setting ``stop`` cancels the work run in it."""
    context = contextvars.copy_context()
    context.run(_STOP.set, stop)
    return context


def wait_interruptibly(
    futures: Iterable[Future], return_when: str = ALL_COMPLETED
) -> tuple[set[Future], set[Future]]:
    """``concurrent.futures.wait`` without a timeout, waited in short slices.

    The kernel may hand a Ctrl-C to any thread. One blocked in a read (a request to a slow
    endpoint) sets CPython's flag but does not wake the main thread from a lock wait, so an
    unsliced wait notices the interrupt only when an answer comes, up to a minute later.
    Each slice lets the main thread raise the pending KeyboardInterrupt."""
    futures = set(futures)
    while True:
        done, pending = wait(futures, timeout=POLL_S, return_when=return_when)
        if not pending or (return_when == FIRST_COMPLETED and done):
            return done, pending
