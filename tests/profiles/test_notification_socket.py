"""The websocket at /ws/notifications/: signed-in, active people only, same-origin only."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from intranet.asgi import application
from profiles.consumers import CLOSE_POLICY_VIOLATION

pytestmark = pytest.mark.django_db(transaction=True)
ORIGIN = (b"origin", b"http://127.0.0.1:8000")


@sync_to_async
def session_cookie_for(user) -> bytes:
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}".encode()


async def open_socket(headers):
    communicator = WebsocketCommunicator(application, "/ws/notifications/", headers=headers)
    connected, code = await communicator.connect()
    return communicator, connected, code


async def test_signed_in_person_connects_and_is_greeted(make_user):
    user = await sync_to_async(make_user)("maria")
    cookie = await session_cookie_for(user)
    communicator, connected, _ = await open_socket([ORIGIN, (b"cookie", cookie)])
    assert connected
    assert await communicator.receive_json_from() == {"type": "hello", "user": user.pk}
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from() == {"type": "pong"}
    await communicator.disconnect()


async def test_anonymous_socket_is_refused():
    communicator, connected, code = await open_socket([ORIGIN])
    assert not connected
    assert code == CLOSE_POLICY_VIOLATION


async def test_deactivated_person_is_refused(make_user):
    user = await sync_to_async(make_user)("gone")
    cookie = await session_cookie_for(user)
    user.is_active = False
    await sync_to_async(user.save)()
    _, connected, _ = await open_socket([ORIGIN, (b"cookie", cookie)])
    assert not connected


async def test_foreign_origin_is_refused(make_user):
    user = await sync_to_async(make_user)("maria")
    cookie = await session_cookie_for(user)
    foreign = (b"origin", b"https://evil.example")
    _, connected, _ = await open_socket([foreign, (b"cookie", cookie)])
    assert not connected


async def test_malformed_message_is_ignored_not_fatal(make_user):
    user = await sync_to_async(make_user)("maria")
    cookie = await session_cookie_for(user)
    communicator, connected, _ = await open_socket([ORIGIN, (b"cookie", cookie)])
    assert connected
    await communicator.receive_json_from()
    await communicator.send_to(text_data="{not json")
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from() == {"type": "pong"}
    await communicator.disconnect()
