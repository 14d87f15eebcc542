"""The bell's unread count is cached per person and stays exact: after every action that
changes what it should show, the next page shows the truth (counted here without the cache),
a broken cache only costs the query, and a cached page spends one query less.

These tests commit for real (transaction=True), so the after-commit hooks run as in a
server and the page reads the cache as it would there."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from notifications import events
from notifications.actions import mark_notifications_read, notify
from notifications.models import Notification
from profiles.actions import anonymise_person, mark_departed, mark_returned, set_follow_person
from profiles.models import User
from questions.actions import (
    add_member,
    ask_question,
    create_community,
    delete_post,
    leave_community,
    post_answer,
    set_community_visibility,
)

pytestmark = pytest.mark.django_db(transaction=True)

PAGE = "/people/"


def truth(user: User) -> int:
    """The unread count as the bell must show it, straight from the rows."""
    return (
        Notification.objects.filter(recipient=user, read_at__isnull=True, in_app=True)
        .seen_by_recipient()
        .count()
    )


def shown(client: Client) -> int:
    response = client.get(PAGE)
    assert response.status_code == 200
    return int(response.context["unread_notifications"])


@pytest.fixture
def ann(make_user: Callable[..., User]) -> User:
    return make_user("ann")


@pytest.fixture
def bob(make_user: Callable[..., User]) -> User:
    return make_user("bob")


@pytest.fixture
def bobs_page(bob: User, client_for: Callable[[User], Client]) -> Client:
    """Bob's browser, with his bell already cached (two pages: the first starts the cache)."""
    client = client_for(bob)
    shown(client)
    shown(client)
    return client


def test_a_cached_page_spends_one_query_less_and_no_notification_query(
    bob: User, bobs_page: Client
) -> None:
    events.forget_bells([bob.pk])
    with CaptureQueriesContext(connection) as cold:
        bobs_page.get(PAGE)
    with CaptureQueriesContext(connection) as warm:
        bobs_page.get(PAGE)
    assert len(warm.captured_queries) == len(cold.captured_queries) - 1
    assert not any("profiles_notification" in q["sql"] for q in warm.captured_queries)
    assert any("profiles_notification" in q["sql"] for q in cold.captured_queries)


def test_the_cache_really_answers_until_the_bell_is_forgotten(
    ann: User, bob: User, bobs_page: Client
) -> None:
    # A row written behind the actions' back (as a raw admin edit would): the cached bell
    # does not know, which shows the page reads the cache, until the bell is forgotten.
    Notification.objects.create(recipient=bob, actor=ann, verb=Notification.Verb.FOLLOWED)
    assert shown(bobs_page) == truth(bob) - 1
    events.forget_bells([bob.pk])
    assert shown(bobs_page) == truth(bob) == 1


def test_a_new_notification_shows_on_the_next_page(ann: User, bob: User, bobs_page: Client) -> None:
    set_follow_person(follower=ann, person=bob, following=True)  # notify
    assert shown(bobs_page) == truth(bob) == 1


def test_notifications_to_many_at_once_show_on_each_page(
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
    ann: User,
    bob: User,
    bobs_page: Client,
) -> None:
    cat = make_user("cat")
    cats_page = client_for(cat)
    shown(cats_page)
    shown(cats_page)
    ask_question(author=ann, title="Who signs release builds?", body="@bob @cat any idea?")
    assert shown(bobs_page) == truth(bob) == 1
    assert shown(cats_page) == truth(cat) == 1


def test_several_notifications_in_one_transaction_all_count(
    make_user: Callable[..., User], ann: User, bob: User, bobs_page: Client
) -> None:
    cat = make_user("cat")
    with transaction.atomic():
        post = ask_question(author=ann, title="Who owns the runbook?", body="@bob please")
        set_follow_person(follower=cat, person=bob, following=True)
        notify(recipient=bob, actor=cat, verb=Notification.Verb.REPLIED, post=post)
    assert shown(bobs_page) == truth(bob) == 3


def test_reading_one_and_then_all_updates_the_page_and_the_push(
    monkeypatch: pytest.MonkeyPatch, make_user: Callable[..., User], bob: User, bobs_page: Client
) -> None:
    pushed: list[dict[str, Any]] = []
    monkeypatch.setattr(events, "_send", lambda group, message: pushed.append(message))
    for name in ("cat", "dan", "eve"):
        set_follow_person(follower=make_user(name), person=bob, following=True)
    assert shown(bobs_page) == truth(bob) == 3

    first = Notification.objects.filter(recipient=bob).order_by("pk").first()
    assert first is not None
    mark_notifications_read(user=bob, ids=[first.pk])
    assert shown(bobs_page) == truth(bob) == 2
    assert pushed[-1] == {"type": "unread.count", "count": 2}

    mark_notifications_read(user=bob)
    assert shown(bobs_page) == truth(bob) == 0
    assert pushed[-1] == {"type": "unread.count", "count": 0}


def test_a_deleted_post_leaves_the_count(ann: User, bob: User, bobs_page: Client) -> None:
    post = ask_question(author=ann, title="Who signs release builds?", body="@bob any idea?")
    assert shown(bobs_page) == truth(bob) == 1
    delete_post(post=post, by=ann)
    assert shown(bobs_page) == truth(bob) == 0


def test_a_community_made_private_leaves_the_count_of_non_members_until_added(
    ann: User, bob: User, bobs_page: Client
) -> None:
    platform = create_community(creator=ann, name="Platform")
    post = ask_question(author=ann, title="Quokka plans?", body="@bob see", community=platform)
    post_answer(post=post, author=bob, body="Noted.")  # no notification to himself
    assert shown(bobs_page) == truth(bob) == 1

    set_community_visibility(by=ann, community=platform, visibility="private")
    assert shown(bobs_page) == truth(bob) == 0

    add_member(by=ann, community=platform, user=bob)
    assert shown(bobs_page) == truth(bob) == 1


def test_leaving_a_private_community_leaves_the_count(
    ann: User, bob: User, bobs_page: Client
) -> None:
    hush = create_community(creator=ann, name="Hush", visibility="private")
    add_member(by=ann, community=hush, user=bob)
    ask_question(author=ann, title="Tapir budget?", body="@bob look", community=hush)
    assert shown(bobs_page) == truth(bob) == 1

    leave_community(user=bob, community=hush)
    assert shown(bobs_page) == truth(bob) == 0


def test_departure_anonymisation_and_return_keep_the_bell_exact(
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
    ann: User,
    bob: User,
    bobs_page: Client,
) -> None:
    boss = make_user("boss", is_staff=True)
    set_follow_person(follower=ann, person=bob, following=True)
    assert shown(bobs_page) == truth(bob) == 1
    # Ann leaves and is anonymised: what she did still counts for Bob.
    mark_departed(by=boss, user=ann)
    anonymise_person(by=boss, user=ann, reason="Request 42")
    assert shown(bobs_page) == truth(bob) == 1

    mark_departed(by=boss, user=bob)
    assert events.bell(bob.pk).unread == truth(bob)
    Notification.objects.filter(recipient=bob).update(read_at=None)  # nothing to forget
    mark_returned(by=boss, user=bob)
    assert shown(client_for(bob)) == truth(bob) == 1


def test_a_cache_that_is_down_still_shows_the_right_count(
    settings: Any, ann: User, bob: User, client_for: Callable[[User], Client]
) -> None:
    # Nothing listens on port 1: every cache call fails at once, as in a Redis outage.
    down = {
        **settings.CACHES,
        "default": {
            "BACKEND": "intranet.lib.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        },
    }
    page = client_for(bob)
    with override_settings(CACHES=down):
        assert shown(page) == truth(bob) == 0
        set_follow_person(follower=ann, person=bob, following=True)
        assert shown(page) == truth(bob) == 1
        mark_notifications_read(user=bob)
        assert shown(page) == truth(bob) == 0


def test_a_count_stored_late_under_the_old_generation_is_never_shown(
    ann: User, bob: User, bobs_page: Client
) -> None:
    # A slow page read the generation, then counted before Ann's follow committed, and
    # stores its count only after the commit: it lands under the old generation.
    old_generation = cache.get(events._bell_key(bob.pk))[0]
    set_follow_person(follower=ann, person=bob, following=True)
    cache.set(events._bell_key(bob.pk), (old_generation, 0, 0), events.BELL_CACHE_SECONDS)
    assert shown(bobs_page) == truth(bob) == 1


def test_the_live_push_carries_the_count_the_next_page_shows(
    monkeypatch: pytest.MonkeyPatch, ann: User, bob: User, bobs_page: Client
) -> None:
    pushed: list[dict[str, Any]] = []
    monkeypatch.setattr(
        events, "_send_many", lambda messages: pushed.extend(m["payload"] for _, m in messages)
    )
    set_follow_person(follower=ann, person=bob, following=True)
    assert [p["unread"] for p in pushed] == [shown(bobs_page)] == [truth(bob)]
