"""What happened in the intranet, told after commit to the apps that build on it.

An app low in the stack (questions, profiles) publishes a named event with plain ids when
its action commits; an app above it (webhooks, API tokens) subscribes in its
AppConfig.ready(). The lower app never imports the higher one, and a subscriber never sees a
write that was rolled back.

Payloads are small dicts of ids and plain values (never model instances): a subscriber
re-reads what it needs and decides itself who may see it. Subscribers run in the order they
subscribed, in the thread that committed; each should be quick (record a row, enqueue a
task). One subscriber failing is logged and stops neither the others nor the action.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)

QUESTION_ASKED = "question.asked"
STATUS_POSTED = "status.posted"
DRAFT_SHARED = "draft.shared"
ANSWER_POSTED = "answer.posted"
ANSWER_ACCEPTED = "answer.accepted"
DRAFT_VERSION_SHARED = "draft.version_shared"
PERSON_DEPARTED = "person.departed"

# Every event and the keys its payload always carries.
EVENTS: dict[str, frozenset[str]] = {
    QUESTION_ASKED: frozenset({"post_id", "actor_id"}),
    STATUS_POSTED: frozenset({"post_id", "actor_id"}),
    DRAFT_SHARED: frozenset({"post_id", "version_id", "actor_id"}),
    ANSWER_POSTED: frozenset({"post_id", "answer_id", "actor_id"}),
    ANSWER_ACCEPTED: frozenset({"post_id", "answer_id", "actor_id"}),
    DRAFT_VERSION_SHARED: frozenset({"post_id", "version_id", "actor_id"}),
    PERSON_DEPARTED: frozenset({"user_id", "actor_id"}),
}

Handler = Callable[[str, dict[str, Any]], None]
_subscribers: dict[str, list[Handler]] = {name: [] for name in EVENTS}


def subscribe(handler: Handler, *events: str) -> None:
    """Call `handler(event, payload)` after each commit that publishes one of `events`
    (all of them when none is named). Subscribing the same handler twice has no effect."""
    for name in events or tuple(EVENTS):
        if name not in EVENTS:
            raise ValueError(f"Unknown domain event: {name}")
        if handler not in _subscribers[name]:
            _subscribers[name].append(handler)


def unsubscribe(handler: Handler) -> None:
    for handlers in _subscribers.values():
        if handler in handlers:
            handlers.remove(handler)


def publish(event: str, **payload: Any) -> None:
    """Announce `event` once the current transaction commits (at once outside one)."""
    expected = EVENTS.get(event)
    if expected is None:
        raise ValueError(f"Unknown domain event: {event}")
    missing = expected - payload.keys()
    if missing:
        raise ValueError(f"{event} needs {', '.join(sorted(missing))}")
    if _subscribers[event]:
        transaction.on_commit(lambda: _deliver(event, dict(payload)))


def _deliver(event: str, payload: dict[str, Any]) -> None:
    for handler in list(_subscribers[event]):
        try:
            handler(event, payload)
        except Exception:  # one subscriber's failure must not cost the others their event
            logger.exception("Subscriber %r failed on %s %s", handler, event, payload)
