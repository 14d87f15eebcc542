"""The people actions reach notifications, search and the posts through profiles.signals,
sent inside the action's transaction: each signal has its receiver (disconnect one and its
test here fails), what a receiver writes rolls back with the action, and what it defers
still happens only after the commit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.dispatch import Signal

from notifications import events
from notifications.models import Notification
from profiles import signals
from profiles.actions import (
    anonymise_person,
    ask_for_handover,
    delete_person,
    set_active,
    set_follow_person,
    update_profile,
)
from profiles.models import Follow, User
from search import indexing
from search.documents import person_key, post_key

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


@pytest.fixture
def boss(make_user: Callable[..., User]) -> User:
    return make_user("boss", is_staff=True)


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The search documents queued for reindexing after commit."""
    keys: list[str] = []
    monkeypatch.setattr(indexing, "reindex_on_commit", lambda more: keys.extend(more))
    return keys


@pytest.fixture
def closed_sockets(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    closed: list[int] = []
    monkeypatch.setattr(events, "close_user_sockets", closed.append)
    return closed


def remember_bell(user_id: int) -> None:
    """Give the person's bell a known generation: forgetting the bell replaces it."""
    cache.set(events._bell_generation_key(user_id), "before", None)


def bell_forgotten(user_id: int) -> bool:
    return cache.get(events._bell_generation_key(user_id)) != "before"


PEOPLE_SIGNALS = {name: s for name, s in vars(signals).items() if isinstance(s, Signal)}


@pytest.mark.parametrize("name", sorted(PEOPLE_SIGNALS))
def test_every_people_signal_has_a_receiver(name: str) -> None:
    assert PEOPLE_SIGNALS[name].has_listeners(User)


def test_following_someone_notifies_them(make_user: Callable[..., User]) -> None:
    ana, ken = make_user("ana"), make_user("ken")
    set_follow_person(follower=ana, person=ken, following=True)
    row = Notification.objects.get(recipient=ken)
    assert (row.verb, row.actor) == (Notification.Verb.FOLLOWED, ana)


def test_a_rolled_back_follow_writes_no_followed_notification(
    make_user: Callable[..., User],
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    ana, ken = make_user("ana"), make_user("ken")
    pushed: list[int] = []
    monkeypatch.setattr(events, "push_notifications", pushed.extend)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(Rollback),
        transaction.atomic(),
    ):
        set_follow_person(follower=ana, person=ken, following=True)
        # Written with the follow, in its transaction...
        assert Notification.objects.filter(recipient=ken, verb="followed").exists()
        raise Rollback
    # ...and gone with it, with nothing pushed.
    assert not Follow.objects.filter(follower=ana, user=ken).exists()
    assert not Notification.objects.filter(recipient=ken).exists()
    assert pushed == []


def test_a_handover_request_counts_the_people_notifications_reached(
    boss: User, make_user: Callable[..., User]
) -> None:
    ana, ken = make_user("ana"), make_user("ken")
    gone = make_user("gone")
    set_active(user=gone, active=False)  # a former colleague is not notified, nor counted
    outcome = ask_for_handover(by=boss, person=ana, successors=[ken, gone], tags=["helm"])
    assert outcome.notified == 2
    rows = Notification.objects.filter(verb="handover", handover=outcome.request)
    assert sorted(rows.values_list("recipient__username", flat=True)) == ["ana", "ken"]


def test_changing_a_profile_reindexes_the_person(
    make_user: Callable[..., User], queued: list[str]
) -> None:
    ana = make_user("ana")
    queued.clear()
    update_profile(
        by=ana,
        profile=ana.profile,
        display_name="Ana Silva",
        title="SRE",
        department=None,
        location="Lisbon",
    )
    assert queued == [person_key(ana.pk)]


def test_stopping_someone_forgets_their_bell_and_closes_their_sockets_after_commit(
    make_user: Callable[..., User],
    closed_sockets: list[int],
    django_capture_on_commit_callbacks: Any,
) -> None:
    ana = make_user("ana")
    remember_bell(ana.pk)
    with django_capture_on_commit_callbacks(execute=True):
        set_active(user=ana, active=False)
        assert closed_sockets == [] and not bell_forgotten(ana.pk)  # not before the commit
    assert closed_sockets == [ana.pk]
    assert bell_forgotten(ana.pk)


def test_letting_someone_back_in_forgets_their_bell_and_closes_nothing(
    make_user: Callable[..., User],
    closed_sockets: list[int],
    django_capture_on_commit_callbacks: Any,
) -> None:
    ana = make_user("ana")
    set_active(user=ana, active=False)
    remember_bell(ana.pk)
    closed_sockets.clear()
    with django_capture_on_commit_callbacks(execute=True):
        set_active(user=ana, active=True)
    assert closed_sockets == []
    assert bell_forgotten(ana.pk)


def test_anonymising_reindexes_what_they_wrote_and_forgets_their_bell(
    boss: User,
    make_user: Callable[..., User],
    make_question: Callable[..., Any],
    queued: list[str],
    django_capture_on_commit_callbacks: Any,
) -> None:
    ana = make_user("ana")
    first, second = make_question(author=ana), make_question(author=ana)
    make_question(author=boss)
    queued.clear()
    remember_bell(ana.pk)
    with django_capture_on_commit_callbacks(execute=True):
        anonymise_person(by=boss, user=ana, reason="Legal request 42")
    posts = {key for key in queued if key.startswith("post:")}
    assert posts == {post_key(first.pk), post_key(second.pk)}
    assert person_key(ana.pk) in queued
    assert bell_forgotten(ana.pk)


def test_deleting_someone_drops_their_document_and_forgets_their_bell(
    boss: User,
    make_user: Callable[..., User],
    queued: list[str],
    django_capture_on_commit_callbacks: Any,
) -> None:
    newcomer = make_user("newcomer")
    pk = newcomer.pk
    queued.clear()
    remember_bell(pk)
    with django_capture_on_commit_callbacks(execute=True):
        delete_person(by=boss, user=newcomer)
    assert queued == [person_key(pk)]
    assert bell_forgotten(pk)
