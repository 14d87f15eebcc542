"""The site header is kept in memory under the values it shows (intranet/templatetags/
site_header.py): each person still sees their own, current header, and signing out still
works with the page's CSRF token."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.test import Client

from notifications.actions import notify
from notifications.models import Notification
from profiles.models import User


def header_of(client: Client, path: str = "/") -> str:
    page = client.get(path).content.decode()
    return page[page.index('<header class="site-header">') : page.index("</header>")]


def csrf_token_in(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return found.group(1) if found else ""


def test_each_person_sees_their_own_name_and_only_staff_see_staff_links(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    ann = make_user("ann", display_name="Ann Lee", is_staff=True)
    bob = make_user("bob", display_name="Bob Stone")
    anns, bobs = header_of(client_for(ann)), header_of(client_for(bob))
    assert "Signed in as <strong>Ann Lee</strong>" in anns and ">AL</span>" in anns
    assert "Signed in as <strong>Bob Stone</strong>" in bobs and "Ann Lee" not in bobs
    assert "Webhooks" in anns and "Webhooks" not in bobs
    assert '"/people/bob/"' in bobs and '"/people/ann/"' not in bobs


def test_a_new_name_and_a_new_notification_show_on_the_next_page(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    ann, bob = make_user("ann"), make_user("bob", display_name="Bob Stone")
    client = client_for(bob)
    assert 'id="bell-count" hidden>0<' in header_of(client)
    bob.profile.display_name = "Robert Stone"
    bob.profile.save()
    notify(recipient=bob, actor=ann, verb=Notification.Verb.MENTIONED)
    header = header_of(client)
    assert "Signed in as <strong>Robert Stone</strong>" in header
    assert 'id="bell-count">1<' in header


def test_the_current_page_is_marked_in_the_navigation(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    client = client_for(make_user("ann"))
    assert 'href="/people/" aria-current="page">People<' in header_of(client, "/people/")
    assert 'href="/people/" >People<' in header_of(client, "/")
    assert 'aria-current="page">My board<' in header_of(client, "/people/ann/")


def test_signing_out_uses_this_requests_csrf_token(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    user = make_user("ann")
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(user)
    second.force_login(user)
    firsts = csrf_token_in(header_of(first))  # the header is now kept for these values
    token = csrf_token_in(header_of(second))
    assert token and firsts and token != firsts
    signed_out = second.post("/accounts/logout/", {"csrfmiddlewaretoken": token})
    assert signed_out.status_code == 302
    assert second.get("/").status_code == 302  # back to the sign-in page
