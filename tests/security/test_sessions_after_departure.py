"""A departed person's sessions end with the departure, on every device, and stay ended:
being let back in (mark_returned) means signing in again, never an old cookie working
again. Checked through real requests with the cookies the person had."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from profiles.actions import anonymise_person, mark_departed, mark_returned, set_active
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(user: Any) -> Client:
    """Through the sign-in form, as a person does."""
    client = Client()
    client.post("/accounts/login/", {"login": user.email, "password": TEST_PASSWORD})
    return client


def signed_in(user: Any) -> Client:
    client = sign_in(user)
    assert is_signed_in(client)  # the control: the session works
    return client


def is_signed_in(client: Client) -> bool:
    response = client.get("/")
    return response.status_code == 200 and bool(response.wsgi_request.user.is_authenticated)


def test_departure_ends_every_session_and_returning_does_not_revive_them(make_user):
    boss = make_user("boss", is_staff=True)
    leaver = make_user("leaver")
    laptop, phone = signed_in(leaver), signed_in(leaver)

    mark_departed(by=boss, user=leaver)
    assert not is_signed_in(laptop)
    assert not is_signed_in(phone)

    mark_returned(by=boss, user=leaver)
    assert not is_signed_in(phone), "a cookie from before the departure works again"
    assert is_signed_in(sign_in(leaver))  # with the same password, anew


def test_deactivation_ends_sessions_but_not_other_peoples(make_user):
    stays = make_user("stays")
    leaver = make_user("leaver")
    colleague, former = signed_in(stays), signed_in(leaver)

    set_active(user=leaver, active=False)
    set_active(user=leaver, active=True)

    assert not is_signed_in(former)
    assert is_signed_in(colleague)


def test_anonymisation_ends_sessions(make_user):
    boss = make_user("boss", is_staff=True)
    leaver = make_user("leaver")
    client = signed_in(leaver)
    anonymise_person(by=boss, user=leaver, reason="A legal request")
    assert not is_signed_in(client)


def test_a_password_change_keeps_the_session_that_made_it(make_user):
    """The session generation must not break Django's own rule: changing one's password
    keeps the session it was changed in (update_session_auth_hash) and ends the others."""
    person = make_user("maria")
    boss = make_user("boss", is_staff=True)
    mark_departed(by=boss, user=person)
    mark_returned(by=boss, user=person)  # generation 1 from here on
    here, elsewhere = signed_in(person), signed_in(person)
    new = "n3w-Passw0rd!x"
    response = here.post(
        "/accounts/password/change/",
        {"oldpassword": TEST_PASSWORD, "password1": new, "password2": new},
    )
    assert response.status_code == 302, response.content[:500]
    assert is_signed_in(here)
    assert not is_signed_in(elsewhere)
