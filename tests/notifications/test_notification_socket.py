"""The notifications socket: who may connect, what they receive, and that nothing is lost."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from intranet.asgi import application
from notifications.consumers import CLOSE_POLICY_VIOLATION
from notifications.models import Notification
from questions import actions

pytestmark = pytest.mark.django_db(transaction=True)
ORIGIN = (b"origin", b"http://127.0.0.1:8000")
HOST = (b"host", b"127.0.0.1:8000")  # the page's own origin, as a browser sends it


@sync_to_async
def signed_in(user) -> tuple[Client, bytes]:
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return client, f"{name}={client.cookies[name].value}".encode()


async def open_socket(cookie: bytes | None = None, origin=ORIGIN, last_id: int | None = 0):
    headers = [origin, HOST] + ([(b"cookie", cookie)] if cookie else [])
    communicator = WebsocketCommunicator(application, "/ws/notifications/", headers=headers)
    connected, code = await communicator.connect()
    if connected and last_id is not None:
        await communicator.send_json_to({"type": "hello", "last_id": last_id})
    return communicator, connected, code


async def until_ready(communicator) -> list[dict]:
    received: list[dict] = []
    while True:
        message = await communicator.receive_json_from(timeout=3)
        if message["type"] == "ready":
            return received
        received.append(message)


async def test_signed_in_person_connects_and_catches_up(make_user):
    user = await sync_to_async(make_user)("maria")
    _, cookie = await signed_in(user)
    communicator, connected, _ = await open_socket(cookie)
    assert connected
    assert await until_ready(communicator) == []
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from() == {"type": "pong"}
    await communicator.disconnect()


async def test_anonymous_socket_is_refused():
    _, connected, code = await open_socket(None, last_id=None)
    assert not connected
    assert code == CLOSE_POLICY_VIOLATION


async def test_foreign_origin_is_refused(make_user):
    _, cookie = await signed_in(await sync_to_async(make_user)("maria"))
    _, connected, _ = await open_socket(cookie, origin=(b"origin", b"https://evil.example"))
    assert not connected


async def test_deactivated_person_is_refused(make_user):
    user = await sync_to_async(make_user)("gone")
    _, cookie = await signed_in(user)
    user.is_active = False
    await sync_to_async(user.save)()
    _, connected, _ = await open_socket(cookie, last_id=None)
    assert not connected


async def test_mention_is_pushed_to_the_mentioned_person_only(make_user, make_question):
    maria = await sync_to_async(make_user)("maria", display_name="Maria Lopez")
    ken = await sync_to_async(make_user)("ken")
    rita = await sync_to_async(make_user)("rita", display_name="Rita Ramos")
    maria_socket, _, _ = await open_socket((await signed_in(maria))[1])
    ken_socket, _, _ = await open_socket((await signed_in(ken))[1])
    await until_ready(maria_socket)
    await until_ready(ken_socket)

    post = await sync_to_async(make_question)(
        author=rita, title="How do we sign builds?", body="@maria any idea?"
    )
    message = await maria_socket.receive_json_from(timeout=3)
    row = await sync_to_async(Notification.objects.get)(recipient=maria)
    assert message == {
        "type": "notification",
        "id": row.pk,
        "prev": None,  # maria's first notification
        "verb": "mentioned",
        "text": "Rita Ramos mentioned you in “How do we sign builds?”",
        "url": post.get_absolute_url(),
        "initials": "RR",
        "created": row.created_at.isoformat(),
        "read": False,
        "unread": 1,
    }
    assert await ken_socket.receive_nothing(timeout=0.3)
    await maria_socket.disconnect()
    await ken_socket.disconnect()


async def test_reconnect_with_last_id_delivers_the_missed_ones_exactly_once(
    make_user, make_question
):
    maria = await sync_to_async(make_user)("maria")
    author = await sync_to_async(make_user)("rita")
    _, cookie = await signed_in(maria)
    posts = [await sync_to_async(make_question)(author=author, body="@maria?") for _ in range(3)]
    ids = [n.pk async for n in Notification.objects.filter(recipient=maria).order_by("pk")]
    communicator, _, _ = await open_socket(cookie, last_id=ids[0])
    missed = await until_ready(communicator)
    assert [m["id"] for m in missed] == ids[1:]
    assert [m["url"] for m in missed] == [p.get_absolute_url() for p in posts[1:]]
    assert await communicator.receive_nothing(timeout=0.3)
    await communicator.disconnect()


async def test_logout_closes_that_sessions_socket(make_user):
    user = await sync_to_async(make_user)("maria")
    client, cookie = await signed_in(user)
    communicator, _, _ = await open_socket(cookie)
    await until_ready(communicator)
    await sync_to_async(client.post)("/accounts/logout/")
    output = await communicator.receive_output(timeout=3)
    assert output["type"] == "websocket.close"
    assert output["code"] == CLOSE_POLICY_VIOLATION


async def test_malformed_and_unknown_messages_are_ignored(make_user):
    _, cookie = await signed_in(await sync_to_async(make_user)("maria"))
    communicator, _, _ = await open_socket(cookie)
    await until_ready(communicator)
    await communicator.send_to(text_data="{not json")
    await communicator.send_to(text_data=json.dumps(["a list"]))
    await communicator.send_json_to({"type": "launch-missiles"})
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from() == {"type": "pong"}
    await communicator.disconnect()


async def test_a_client_sending_too_fast_is_closed(make_user):
    _, cookie = await signed_in(await sync_to_async(make_user)("maria"))
    communicator, _, _ = await open_socket(cookie, last_id=None)
    for _ in range(12):
        await communicator.send_json_to({"type": "ping"})
    closed = False
    for _ in range(12):
        output = await communicator.receive_output(timeout=3)
        if output["type"] == "websocket.close":
            closed = True
            break
    assert closed


async def test_posting_survives_a_dead_channel_layer_and_the_reconnect_catches_up(
    make_user, make_question, settings, caplog
):
    maria = await sync_to_async(make_user)("maria")
    author = await sync_to_async(make_user)("rita")
    original = settings.CHANNEL_LAYERS
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},  # nothing listens on port 1
        }
    }
    channel_layers.backends.clear()
    try:
        post = await sync_to_async(make_question)(author=author, body="@maria still there?")
    finally:
        settings.CHANNEL_LAYERS = original
        channel_layers.backends.clear()
    assert "could not push" in caplog.text
    row = await sync_to_async(Notification.objects.get)(recipient=maria)
    _, cookie = await signed_in(maria)
    communicator, _, _ = await open_socket(cookie, last_id=0)
    missed = await until_ready(communicator)
    assert [(m["id"], m["url"]) for m in missed] == [(row.pk, post.get_absolute_url())]
    await communicator.disconnect()


async def test_question_page_learns_of_new_answers_only_if_allowed(
    make_user, make_community, make_question
):
    owner = await sync_to_async(make_user)("owner")
    member = await sync_to_async(make_user)("member")
    outsider = await sync_to_async(make_user)("outsider")
    room = await sync_to_async(make_community)("Room", owner=owner, private=True, members=[member])
    post = await sync_to_async(make_question)(author=owner, community=room)
    member_socket, _, _ = await open_socket((await signed_in(member))[1])
    outsider_socket, _, _ = await open_socket((await signed_in(outsider))[1])
    await until_ready(member_socket)
    await until_ready(outsider_socket)
    await member_socket.send_json_to({"type": "watch", "post": post.pk})
    assert await member_socket.receive_json_from() == {"type": "watching", "post": post.pk}
    await outsider_socket.send_json_to({"type": "watch", "post": post.pk})
    answer = await sync_to_async(actions.post_answer)(post=post, author=owner, body="Done.")
    assert await member_socket.receive_json_from(timeout=3) == {
        "type": "answer",
        "post": post.pk,
        "answer": answer.pk,
    }
    assert await outsider_socket.receive_nothing(timeout=0.3)
    await member_socket.disconnect()
    await outsider_socket.disconnect()


async def test_deactivating_a_person_closes_their_open_sockets(make_user):
    from profiles.actions import set_active

    user = await sync_to_async(make_user)("leaver")
    communicator, _, _ = await open_socket((await signed_in(user))[1])
    await until_ready(communicator)
    await sync_to_async(set_active)(user=user, active=False)
    output = await communicator.receive_output(timeout=3)
    assert output["type"] == "websocket.close"
    _, connected, _ = await open_socket((await signed_in(user))[1], last_id=None)
    assert not connected
