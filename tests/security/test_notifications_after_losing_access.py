"""A person who leaves a private community hears nothing more of it, and what they heard
before no longer shows: no new notification row for a like or an answer there on their old
content, and the inbox, the bell, the socket's replay, the live push and the daily digest
leave out the notifications from before (the rows stay: they are the truth, and joining
again shows them again)."""

from __future__ import annotations

import io
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.core.management import call_command

from notifications import events
from notifications.consumers import missed_since
from notifications.models import Notification
from questions import actions
from questions.models import Post
from tests.security.conftest import World, body_of, leaked_tokens, signed_in

Capture = Callable[..., AbstractContextManager[Any]]


def replay(user_id: int, last_id: int) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """What the socket sends on {"type": "hello", "last_id": ...}: the consumer's own query,
    called in this thread (the test's transaction; the socket tests cover the wiring)."""
    return missed_since.func(user_id, last_id)


@pytest.fixture
def mias_private_question(world: World) -> Post:
    """mia asks in the private community while a member; dora answers it, olga likes it."""
    post = actions.ask_question(
        author=world.mia, title="Quokka hiring freeze?", body="", community=world.private_community
    )
    actions.post_answer(post=post, author=world.dora, body="Tapir thinks so.")
    actions.set_like(user=world.olga, post=post, liked=True)
    return post


@pytest.fixture
def pushed(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The payloads sent to sockets (instead of the channel layer)."""
    sent: list[dict[str, Any]] = []

    def capture(messages: list[tuple[str, dict[str, Any]]]) -> None:
        sent.extend(message["payload"] for _, message in messages)

    monkeypatch.setattr(events, "_send_many", capture)
    return sent


def test_after_leaving_a_like_or_an_answer_there_notifies_nobody(
    world: World, mias_private_question: Post, pushed: list[dict[str, Any]]
) -> None:
    before = Notification.objects.filter(recipient=world.mia).count()
    actions.leave_community(user=world.mia, community=world.private_community)

    actions.set_like(user=world.dora, answer=world.private_answer, liked=True)
    actions.set_like(user=world.dora, post=mias_private_question, liked=True)
    actions.post_answer(post=mias_private_question, author=world.olga, body="Pangolin: yes.")
    actions.post_answer(post=world.private_question, author=world.dora, body="Ping @mia")

    assert Notification.objects.filter(recipient=world.mia).count() == before
    # The others are still told.
    assert Notification.objects.filter(
        recipient=world.olga, post=world.private_question, answer__author=world.dora
    ).exists()


def test_what_was_said_before_leaving_is_no_longer_shown(
    world: World,
    mias_private_question: Post,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Capture,
    pushed: list[dict[str, Any]],
) -> None:
    old = Notification.objects.filter(recipient=world.mia, post__community=world.private_community)
    assert old.count() >= 3  # mentioned, liked answer, answered, liked question
    mia = signed_in(world.mia)
    assert leaked_tokens(body_of(mia.get("/notifications/")))  # shown while a member

    actions.leave_community(user=world.mia, community=world.private_community)

    inbox = body_of(mia.get("/notifications/"))
    assert leaked_tokens(inbox) == []
    home = mia.get("/")
    assert home.context["unread_notifications"] == events.unread_count(world.mia.pk)
    shown = Notification.objects.filter(recipient=world.mia, read_at__isnull=True)
    assert events.unread_count(world.mia.pk) == shown.count() - old.count()

    missed, ready = replay(world.mia.pk, 0)
    assert leaked_tokens(str(missed)) == []
    assert ready["unread"] == events.unread_count(world.mia.pk)

    events.push_notifications(list(old.values_list("pk", flat=True)))  # a late push
    assert pushed == []

    call_command("send_digests", stdout=io.StringIO(), stderr=io.StringIO())
    assert leaked_tokens(" ".join(m.body + m.subject for m in mailoutbox)) == []
    assert old.count() >= 3  # kept, only not shown


def test_rejoining_shows_them_again(world: World, mias_private_question: Post) -> None:
    actions.leave_community(user=world.mia, community=world.private_community)
    actions.add_member(by=world.olga, community=world.private_community, user=world.mia)
    missed, _ = replay(world.mia.pk, 0)
    assert "Quokka" in str(missed)


def test_a_deleted_post_is_not_named_in_anyones_inbox(world: World) -> None:
    mia = signed_in(world.mia)
    assert "Quokka" in body_of(mia.get("/notifications/"))
    actions.delete_post(post=world.private_question, by=world.olga)
    assert "Quokka merger" not in body_of(mia.get("/notifications/"))
