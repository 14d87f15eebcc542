"""Notifying many people costs a fixed number of queries, pushes go out in bounded
parallel, and each push names its recipient's previous notification."""

from __future__ import annotations

import asyncio
import logging

import pytest
from django.db import transaction

from notifications import events
from notifications.actions import notify, notify_many, set_preferences
from notifications.models import Notification


@pytest.fixture
def sent(monkeypatch):
    """The messages push_notifications hands to the channel layer."""
    messages: list[tuple[str, dict]] = []
    monkeypatch.setattr(events, "_send_many", messages.extend)
    return messages


def test_notify_many_reads_preferences_once_and_inserts_once(
    make_user,
    make_question,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
    sent,
    monkeypatch,
):
    batches: list[list[int]] = []
    push = events.push_notifications

    def counted(ids: list[int]) -> None:
        batches.append(ids)
        push(ids)

    monkeypatch.setattr(events, "push_notifications", counted)
    rita = make_user("rita")
    people = [make_user(f"person{i}") for i in range(10)]
    quiet, gone = people[0], people[1]
    set_preferences(user=quiet, in_app={"answered"}, email=set())  # mentions off in the app
    gone.is_active = False
    gone.save()
    post = make_question(author=rita)
    with (
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
        django_assert_num_queries(2),  # preferences, then one INSERT for all rows
    ):
        rows = notify_many(
            recipients=[*people, people[2], rita],  # a repeat, and the actor herself
            actor=rita,
            verb=Notification.Verb.MENTIONED,
            post=post,
        )
    assert [n.recipient for n in rows] == [quiet, *people[2:]]
    assert all(n.pk for n in rows)
    assert [n.in_app for n in rows] == [False] + [True] * 8
    assert len(batches) == 1  # one push batch for the transaction
    pushed = [message["payload"]["id"] for _, message in sent]
    assert pushed == [n.pk for n in rows[1:]]  # not the one switched off in the app


def test_notify_still_notifies_one_person(make_user, make_question):
    rita, maria = make_user("rita"), make_user("maria")
    post = make_question(author=rita)
    row = notify(recipient=maria, actor=rita, verb=Notification.Verb.ANSWERED, post=post)
    assert row is not None and row.pk and row.recipient == maria and row.in_app
    assert notify(recipient=rita, actor=rita, verb=Notification.Verb.ANSWERED) is None


def test_each_push_names_the_recipients_previous_in_app_notification(
    make_user, make_question, django_assert_num_queries, sent
):
    rita, maria, ken = make_user("rita"), make_user("maria"), make_user("ken")
    post = make_question(author=rita)
    mention = Notification.Verb.MENTIONED
    older = notify(recipient=maria, actor=rita, verb=mention, post=post)
    hidden = Notification.objects.create(recipient=maria, verb=mention, in_app=False)
    batch = notify_many(recipients=[maria, ken], actor=rita, verb=mention, post=post)
    batch += notify_many(recipients=[maria, ken], actor=rita, verb=mention, post=post)
    sent.clear()
    with django_assert_num_queries(2):  # the rows (with prev), the unread counts
        events.push_notifications([n.pk for n in batch] + [hidden.pk])
    prev = {message["payload"]["id"]: message["payload"]["prev"] for _, message in sent}
    maria1, ken1, maria2, ken2 = batch
    assert older is not None
    assert prev == {
        maria1.pk: older.pk,  # not the row she does not see in the app
        ken1.pk: None,  # his first
        maria2.pk: maria1.pk,
        ken2.pk: ken1.pk,
    }


class SlowLayer:
    def __init__(self) -> None:
        self.in_flight = self.most = 0
        self.groups: list[str] = []

    async def group_send(self, group: str, message: dict) -> None:
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)
        await asyncio.sleep(0.001)
        self.in_flight -= 1
        if group == "user.broken":
            raise ConnectionError("lost")
        self.groups.append(group)


def test_sends_are_bounded_in_flight_and_a_failed_one_does_not_stop_the_rest(monkeypatch, caplog):
    layer = SlowLayer()
    monkeypatch.setattr(events, "get_channel_layer", lambda: layer)
    groups = [f"user.{i}" for i in range(1500)]  # beyond CHANNEL_MAX_CONNECTIONS' 1,000
    groups.insert(7, "user.broken")
    with caplog.at_level(logging.WARNING, logger="notifications.events"):
        events._send_many([(group, {"type": "notification.push"}) for group in groups])
    assert layer.most == events.MAX_SENDS_IN_FLIGHT
    assert sorted(layer.groups) == sorted(g for g in groups if g != "user.broken")
    assert "could not push notification.push to user.broken" in caplog.text


class DeadLayer:
    def __init__(self) -> None:
        self.tried = 0

    async def group_send(self, group: str, message: dict) -> None:
        self.tried += 1
        await asyncio.sleep(0.01)  # a connection attempt that fails
        raise ConnectionError("Redis is down")


def test_a_dead_layer_costs_a_few_attempts_not_one_per_message(monkeypatch, caplog):
    layer = DeadLayer()
    monkeypatch.setattr(events, "get_channel_layer", lambda: layer)
    messages = [(f"user.{i}", {"type": "notification.push"}) for i in range(2000)]
    with caplog.at_level(logging.WARNING, logger="notifications.events"):
        events._send_many(messages)  # returns: a failure to push never fails the request
    assert layer.tried < events.MAX_SENDS_IN_FLIGHT + events.MAX_SEND_FAILURES
    assert f"did not push {2000 - layer.tried} of 2000 messages" in caplog.text
