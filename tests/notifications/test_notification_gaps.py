"""A push lost while the socket stays open is noticed from the next one's "prev" and
replayed on request ("resync"), each notification once."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import sync_to_async

from notifications import consumers, events
from notifications.models import Notification
from tests.notifications.test_notification_socket import open_socket, signed_in, until_ready

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def dropped(monkeypatch):
    """Push nothing whose text contains a word in this set (as if Redis had lost it)."""
    words: set[str] = set()
    send_many = events._send_many

    def lossy(messages):
        kept = [
            (group, message)
            for group, message in messages
            if not any(word in message.get("payload", {}).get("text", "") for word in words)
        ]
        send_many(kept)

    monkeypatch.setattr(events, "_send_many", lossy)
    return words


class Shown:
    """What a page shows, kept the way static/js/notifications.js keeps it: last_id is the id
    up to which it has everything; an id is shown once, whichever way it arrives."""

    def __init__(self, last_id: int = 0) -> None:
        self.last_id = last_id
        self.ahead: dict[int, int] = {}
        self.ids: list[int] = []

    def notification(self, message: dict) -> None:
        assert message["type"] == "notification"
        if message["id"] in self.ids:
            return
        self.ids.append(message["id"])
        if message["id"] > self.last_id:
            self.ahead[message["id"]] = message["prev"] or 0
            self.advance()

    def ready(self, message: dict) -> None:
        assert message["type"] == "ready"
        self.last_id = max(self.last_id, message["last_id"])
        self.advance()

    def advance(self) -> None:
        for pk in sorted(self.ahead):
            if pk > self.last_id and self.ahead[pk] > self.last_id:
                break
            self.last_id = max(self.last_id, pk)
            del self.ahead[pk]

    @property
    def gap(self) -> bool:
        return bool(self.ahead)


async def ids_of(user) -> list[int]:
    return [n.pk async for n in Notification.objects.filter(recipient=user).order_by("pk")]


async def test_a_lost_push_is_replayed_once_when_a_later_one_shows_the_gap(
    make_user, make_question, dropped, monkeypatch
):
    monkeypatch.setattr(consumers, "MIN_REPLAY_INTERVAL", 0)
    maria = await sync_to_async(make_user)("maria")
    rita = await sync_to_async(make_user)("rita")
    socket, _, _ = await open_socket((await signed_in(maria))[1])
    shown = Shown()
    shown.ready(await socket.receive_json_from(timeout=3))
    ask = sync_to_async(make_question)

    await ask(author=rita, title="First question", body="@maria")
    dropped.add("Second")
    await ask(author=rita, title="Second question", body="@maria")
    await ask(author=rita, title="Third question", body="@maria")
    first, second, third = await ids_of(maria)

    message = await socket.receive_json_from(timeout=3)
    assert (message["id"], message["prev"]) == (first, None)
    shown.notification(message)
    assert not shown.gap and shown.last_id == first
    message = await socket.receive_json_from(timeout=3)  # the second's push never comes
    assert (message["id"], message["prev"]) == (third, second)
    shown.notification(message)
    assert shown.gap and shown.last_id == first

    await socket.send_json_to({"type": "resync", "last_id": shown.last_id})
    replayed = await until_ready(socket)
    assert [(m["id"], m["prev"]) for m in replayed] == [(second, first), (third, second)]
    assert "unread" not in replayed[0]  # a replayed row, not a push
    for m in replayed:
        shown.notification(m)
    # until_ready consumed "ready"; it says the replay went up to the third.
    shown.ready({"type": "ready", "last_id": third})
    assert shown.ids == [first, third, second]  # each shown once, the lost one included
    assert not shown.gap and shown.last_id == third
    assert await socket.receive_nothing(timeout=0.3)

    # Nothing more to replay: just "ready", with the same last id.
    await socket.send_json_to({"type": "resync", "last_id": shown.last_id})
    ready = await socket.receive_json_from(timeout=3)
    assert ready == {"type": "ready", "unread": 3, "last_id": third, "more": False}
    await socket.disconnect()


async def test_ready_says_how_far_the_replay_went_and_whether_there_is_more(
    make_user, make_question, monkeypatch
):
    monkeypatch.setattr(consumers, "CATCH_UP_LIMIT", 2)
    monkeypatch.setattr(consumers, "MIN_REPLAY_INTERVAL", 0)
    maria = await sync_to_async(make_user)("maria")
    rita = await sync_to_async(make_user)("rita")
    for _ in range(3):
        await sync_to_async(make_question)(author=rita, body="@maria")
    ids = await ids_of(maria)
    socket, _, _ = await open_socket((await signed_in(maria))[1], last_id=0)
    assert [m["id"] for m in await until_ready(socket)] == ids[:2]
    await socket.send_json_to({"type": "resync", "last_id": ids[1]})
    messages = [await socket.receive_json_from(timeout=3) for _ in range(2)]
    assert [m.get("id") for m in messages] == [ids[2], None]
    assert messages[1] == {"type": "ready", "unread": 3, "last_id": ids[2], "more": False}
    await socket.disconnect()


async def test_first_ready_reports_more_when_the_replay_is_cut_short(
    make_user, make_question, monkeypatch
):
    monkeypatch.setattr(consumers, "CATCH_UP_LIMIT", 2)
    maria = await sync_to_async(make_user)("maria")
    rita = await sync_to_async(make_user)("rita")
    for _ in range(3):
        await sync_to_async(make_question)(author=rita, body="@maria")
    ids = await ids_of(maria)
    socket, _, _ = await open_socket((await signed_in(maria))[1], last_id=0)
    for pk in ids[:2]:
        assert (await socket.receive_json_from(timeout=3))["id"] == pk
    ready = await socket.receive_json_from(timeout=3)
    assert ready == {"type": "ready", "unread": 3, "last_id": ids[1], "more": True}
    await socket.disconnect()


async def test_replays_are_paced_without_closing_the_socket(make_user):
    maria = await sync_to_async(make_user)("maria")
    socket, _, _ = await open_socket((await signed_in(maria))[1])
    await until_ready(socket)
    await socket.send_json_to({"type": "resync", "last_id": 0})  # too soon after hello
    assert await socket.receive_nothing(timeout=0.2)
    await socket.send_json_to({"type": "ping"})  # the socket is still open
    assert await socket.receive_json_from(timeout=3) == {"type": "pong"}
    await asyncio.sleep(consumers.MIN_REPLAY_INTERVAL)
    await socket.send_json_to({"type": "resync", "last_id": 0})
    assert (await socket.receive_json_from(timeout=3))["type"] == "ready"
    await socket.disconnect()


async def test_a_bad_last_id_replays_from_the_start(make_user, make_question):
    maria = await sync_to_async(make_user)("maria")
    rita = await sync_to_async(make_user)("rita")
    await sync_to_async(make_question)(author=rita, body="@maria")
    socket, _, _ = await open_socket((await signed_in(maria))[1], last_id=None)
    await socket.send_json_to({"type": "hello", "last_id": "7; drop table"})
    assert [m["id"] for m in await until_ready(socket)] == await ids_of(maria)
    await socket.disconnect()
