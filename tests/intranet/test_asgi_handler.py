"""Pages served through intranet.asgi run the whole middleware chain and the view in one
trip to a thread (intranet.lib.handler), with every middleware still at work."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import HttpCommunicator
from django.conf import settings
from django.db import connections

from intranet.asgi import django_asgi_app
from intranet.lib.handler import SyncChainASGIHandler
from profiles.models import User


def test_the_middleware_chain_and_the_view_are_sync() -> None:
    assert isinstance(django_asgi_app, SyncChainASGIHandler)
    chain = getattr(django_asgi_app, "_middleware_chain", None)
    assert chain is not None and not asyncio.iscoroutinefunction(chain)


@pytest.fixture
async def _close_the_worker_threads_connections() -> AsyncIterator[None]:
    yield
    await sync_to_async(connections.close_all)()


async def get(path: str, cookie: str = "") -> dict[str, Any]:
    headers = [(b"host", b"127.0.0.1")] + ([(b"cookie", cookie.encode())] if cookie else [])
    response: dict[str, Any] = await HttpCommunicator(
        django_asgi_app, "GET", path, headers=headers
    ).get_response(timeout=30)
    response["headers"] = {k.decode().lower(): v.decode() for k, v in response["headers"]}
    return response


def signed_in_cookie(user: User) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_close_the_worker_threads_connections")
async def test_a_signed_out_visitor_is_sent_to_sign_in_with_the_security_headers() -> None:
    response = await get("/")
    assert response["status"] == 302
    assert response["headers"]["location"].startswith("/accounts/login/")
    assert "content-security-policy" in response["headers"]
    assert response["headers"]["x-frame-options"] == "DENY"


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_close_the_worker_threads_connections")
async def test_a_signed_in_reader_gets_the_page_in_their_time_zone_with_a_csrf_token(
    make_user: Callable[..., User],
) -> None:
    user = await sync_to_async(make_user)("ann", display_name="Ann Lee")
    cookie = await sync_to_async(signed_in_cookie)(user)
    response = await get("/", cookie + "; tz=Asia/Tokyo")
    page = response["body"].decode()
    assert response["status"] == 200
    assert "Signed in as <strong>Ann Lee</strong>" in page
    assert 'name="csrfmiddlewaretoken" value="' in page
    assert "content-security-policy" in response["headers"]
