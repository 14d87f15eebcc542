"""The admin's sign-in is locked for a username and address after repeated failures (django-axes),
while the intranet's own sign-in (allauth, with its own limits) is left to allauth."""

from __future__ import annotations

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from axes.models import AccessAttempt, AccessLog
from django.contrib.auth import SESSION_KEY
from django.db import connections
from django.test import Client
from django.utils import timezone

from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db
ADMIN_LOGIN = "/admin/login/?next=/admin/"
WRONG = "not-the-password"


@pytest.fixture
def boss(make_user):
    return make_user("boss", is_staff=True, is_superuser=True)


def admin_sign_in(client: Client, username: str, password: str):
    return client.post(ADMIN_LOGIN, {"username": username, "password": password})


def intranet_sign_in(client: Client, email: str, password: str):
    return client.post("/accounts/login/", {"login": email, "password": password})


def signed_in(client: Client) -> bool:
    return SESSION_KEY in client.session


def lock_out(client: Client, username: str) -> None:
    for attempt in range(1, 6):
        response = admin_sign_in(client, username, WRONG)
        assert response.status_code == (429 if attempt == 5 else 200), attempt


def test_fifth_failure_locks_the_admin_sign_in_for_fifteen_minutes(boss, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    client = Client()
    lock_out(client, "boss")
    response = admin_sign_in(client, "boss", TEST_PASSWORD)
    assert response.status_code == 429
    assert response["Retry-After"] == str(15 * 60)
    page = response.content.decode()
    assert "Too many failed attempts to sign in to the admin" in page
    assert "Try again in 15 minutes." in page
    assert not signed_in(client)


def test_four_failures_do_not_lock_and_a_success_clears_them(boss):
    client = Client()
    for _ in range(4):
        assert admin_sign_in(client, "boss", WRONG).status_code == 200
    response = admin_sign_in(client, "boss", TEST_PASSWORD)
    assert response.status_code == 302 and signed_in(client)
    assert not AccessAttempt.objects.exists()


def test_lockout_ends_after_the_cool_off(boss):
    client = Client()
    lock_out(client, "boss")
    # Move the recorded failures back in time rather than wait.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = admin_sign_in(client, "boss", TEST_PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert signed_in(client)


def test_lockout_is_per_username_and_address(boss, make_user):
    make_user("deputy", is_staff=True, is_superuser=True)
    lock_out(Client(), "boss")
    response = admin_sign_in(Client(), "deputy", TEST_PASSWORD)
    assert response.status_code == 302
    elsewhere = Client(REMOTE_ADDR="10.1.2.3")
    assert admin_sign_in(elsewhere, "boss", TEST_PASSWORD).status_code == 302


def test_admin_lockout_leaves_the_intranet_sign_in_to_allauth(boss, make_user):
    maria = make_user("maria")
    client = Client()
    lock_out(client, "boss")
    response = intranet_sign_in(Client(), maria.email, TEST_PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    # The locked admin username still signs in to the intranet: allauth decides there.
    response = intranet_sign_in(client, boss.email, TEST_PASSWORD)
    assert response.status_code == 302 and signed_in(client)


def test_failed_intranet_sign_ins_are_allauths_not_axes(make_user):
    maria = make_user("maria")
    client = Client()
    for _ in range(5):
        response = intranet_sign_in(client, maria.email, WRONG)
        assert response.status_code == 200
        assert "not correct" in response.content.decode()
    assert not AccessAttempt.objects.exists()
    # allauth's own limit (ACCOUNT_RATE_LIMITS: 5 failures per account) refuses the sixth.
    response = intranet_sign_in(client, maria.email, TEST_PASSWORD)
    assert "Too many failed login attempts" in response.content.decode()
    assert not signed_in(client)


def test_force_login_is_not_logged_by_axes(make_user, client_for):
    client = client_for(make_user())
    assert client.get("/").status_code == 200
    assert not AccessLog.objects.exists()


@pytest.mark.django_db(transaction=True)
async def test_lockout_page_is_served_by_the_async_stack(async_client, make_user):
    """Under ASGI, axes' middleware takes its async path, which calls the lockout page with
    different arguments."""
    await sync_to_async(make_user)("boss", is_staff=True, is_superuser=True)
    statuses = []
    try:
        for _ in range(6):
            response = await async_client.post(ADMIN_LOGIN, {"username": "boss", "password": WRONG})
            statuses.append(response.status_code)
    finally:
        # The views ran on asgiref's worker thread; its connection would outlive the test.
        await sync_to_async(connections.close_all)()
    assert statuses == [200, 200, 200, 200, 429, 429]
    assert "Too many failed attempts" in response.content.decode()
    assert response["Retry-After"] == str(15 * 60)
