"""Who may open a socket: every websocket route of the ASGI application, read from its
routing, so a socket added later is held to the same rules.

Covered in tests/notifications/test_notification_socket.py and not repeated here: no session
(test_anonymous_socket_is_refused), a foreign Origin (test_foreign_origin_is_refused), a
deactivated person (test_deactivated_person_is_refused), logout closing that session's open
socket (test_logout_closes_that_sessions_socket) and deactivation closing open sockets
(test_deactivating_a_person_closes_their_open_sockets). Missing there, and here: a missing
Origin, a session cookie reused after logout, and a departed person's session.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.db import connections
from django.test import Client
from django.urls import URLPattern, URLResolver

from intranet.asgi import application
from intranet.routing import websocket_urlpatterns
from profiles.actions import mark_departed
from profiles.models import User

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = (b"origin", b"http://127.0.0.1:8000")
HOST = (b"host", b"127.0.0.1:8000")


@pytest.fixture(autouse=True)
async def _close_the_worker_threads_connections() -> AsyncIterator[None]:
    """The database work below runs in asgiref's worker thread, whose connection would
    outlive the test and keep PostgreSQL from dropping the test database."""
    yield
    await sync_to_async(connections.close_all)()


def socket_paths(patterns: list[Any], prefix: str = "") -> list[str]:
    paths: list[str] = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            paths += socket_paths(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            path = prefix + str(entry.pattern)
            # A socket with ids in its path needs a fill here, like the HTTP routes.
            assert "<" not in path and "(?P" not in path, f"fill the parameters of {path}"
            paths.append("/" + path)
    return paths


@sync_to_async
def session_cookie(user: User) -> tuple[Client, bytes]:
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return client, f"{name}={client.cookies[name].value}".encode()


async def opens(
    path: str,
    cookie: bytes | None,
    *,
    origin: bool | bytes = True,
    host: bytes = HOST[1],
    scheme: str = "ws",
) -> bool:
    sent = ORIGIN[1] if origin is True else origin
    headers = [(b"host", host)] + ([(b"origin", sent)] if sent else [])
    headers += [(b"cookie", cookie)] if cookie else []
    communicator = WebsocketCommunicator(application, path, headers=headers)
    communicator.scope["scheme"] = scheme
    connected, _ = await communicator.connect()
    if connected:
        await communicator.disconnect()
    return bool(connected)


async def test_every_socket_needs_a_session_and_an_origin(make_user: Any) -> None:
    paths = socket_paths(websocket_urlpatterns)
    assert "/ws/notifications/" in paths
    _, cookie = await session_cookie(await sync_to_async(make_user)("maria"))
    for path in paths:
        assert await opens(path, cookie), f"{path}: the control (session and Origin) failed"
        assert not await opens(path, None), f"{path} opened without a session"
        assert not await opens(path, cookie, origin=False), f"{path} opened without an Origin"


async def test_a_session_cookie_reused_after_logout_opens_no_socket(make_user: Any) -> None:
    client, cookie = await session_cookie(await sync_to_async(make_user)("maria"))
    assert await opens("/ws/notifications/", cookie)
    await sync_to_async(client.post)("/accounts/logout/")
    assert not await opens("/ws/notifications/", cookie)


async def test_a_departed_persons_session_opens_no_socket(make_user: Any) -> None:
    boss = await sync_to_async(make_user)("boss", is_staff=True)
    leaver = await sync_to_async(make_user)("leaver")
    _, cookie = await session_cookie(leaver)
    assert await opens("/ws/notifications/", cookie)
    await sync_to_async(mark_departed)(by=boss, user=leaver)
    assert not await opens("/ws/notifications/", cookie)


@pytest.mark.parametrize(
    "origin",
    [
        b"http://127.0.0.1:9999",  # another port of the same host
        b"http://localhost:9999",
        b"http://127.0.0.1",
        b"https://127.0.0.1:8000",  # another scheme
        b"http://evil.example:8000",
        b"http://127.0.0.1:8000.evil.example",
        b"null",
    ],
)
async def test_a_socket_from_another_origin_is_refused(make_user: Any, origin: bytes) -> None:
    _, cookie = await session_cookie(await sync_to_async(make_user)("maria"))
    assert await opens("/ws/notifications/", cookie)  # the control
    assert not await opens("/ws/notifications/", cookie, origin=origin)


async def test_the_origin_must_be_the_host_the_page_was_served_from(make_user: Any) -> None:
    _, cookie = await session_cookie(await sync_to_async(make_user)("maria"))
    same = b"http://localhost:9999"
    assert await opens("/ws/notifications/", cookie, origin=same, host=b"localhost:9999")
    # A host outside ALLOWED_HOSTS is refused even when Origin and Host agree.
    evil = b"http://evil.example"
    assert not await opens("/ws/notifications/", cookie, origin=evil, host=b"evil.example")


async def test_https_sites_accept_only_https_origins(make_user: Any, settings: Any) -> None:
    _, cookie = await session_cookie(await sync_to_async(make_user)("maria"))
    secure = b"https://127.0.0.1:8000"
    assert await opens("/ws/notifications/", cookie, origin=secure, scheme="wss")
    assert not await opens("/ws/notifications/", cookie, scheme="wss")  # http Origin
    settings.HTTPS = True  # behind a TLS proxy the socket itself arrives as ws
    assert await opens("/ws/notifications/", cookie, origin=secure)
    assert not await opens("/ws/notifications/", cookie)


async def test_csrf_trusted_origins_may_open_sockets(make_user: Any, settings: Any) -> None:
    _, cookie = await session_cookie(await sync_to_async(make_user)("maria"))
    portal = b"https://portal.example.com"
    assert not await opens("/ws/notifications/", cookie, origin=portal)
    settings.CSRF_TRUSTED_ORIGINS = ["https://*.example.com"]
    assert await opens("/ws/notifications/", cookie, origin=portal)
    assert not await opens("/ws/notifications/", cookie, origin=b"http://portal.example.com")
