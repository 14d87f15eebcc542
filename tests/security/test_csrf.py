"""Cross-site request forgery: every POST without a token is refused before a view runs, and
reading a page (which needs no token) changes nothing but the counters that say it was read.

The routes come from the resolver (tests/security/routes.py). POSTing to every route, not only
to those that accept POST, is deliberate: the CSRF check runs before the view and its method
check, so every route must answer 403, and a new view cannot slip through unlisted.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from questions.models import Like
from tests.security.conftest import World, signed_in
from tests.security.routes import PUBLIC, all_routes, routes_with_fills, urls

pytestmark = pytest.mark.django_db

# Routes that take POSTs from other sites on purpose, and why.
CSRF_EXEMPT: dict[str, str] = {
    "unsubscribe": "RFC 8058 one-click unsubscribe: the mail client POSTs without a session "
    "or token; the signed link is the credential and can only stop one mail for one person",
}

# GET routes that write, and why that is harmless without a token (a forged GET can only
# count one more read of something the victim may already see).
WRITING_GETS: dict[str, str] = {
    "post_short": "counts a view of the post (once per person and day)",
    "post": "counts a view of the post (once per person and day)",
    "draft_download": "counts a download of the file (once per person and day)",
    "search_open": "counts a click on a search result",
}
CSRF_FAILURE = "CSRF verification failed"
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


def test_no_view_is_exempt_from_csrf() -> None:
    # The API's routes are exempt from the middleware because the API checks CSRF itself on
    # writes made with the session (a bearer token is no cookie: nothing to forge);
    # tests/security/test_api_access.py walks them.
    exempt = {
        r.key for r in all_routes() if getattr(r.callback, "csrf_exempt", False) and not r.is_api
    }
    assert exempt == set(CSRF_EXEMPT), f"exempt without a reason: {sorted(exempt)}"


@pytest.mark.parametrize("signed", ["signed in", "signed out"])
def test_every_post_without_a_token_is_refused(world: World, signed: str) -> None:
    client = Client(enforce_csrf_checks=True)
    if signed == "signed in":
        client.force_login(world.olga)
    problems = []
    for route, fill in routes_with_fills(world):
        if route.key in CSRF_EXEMPT:
            continue
        url = route.url(fill.values)
        response = client.post(url, {"body": "forged", "title": "forged", "join": "1"})
        if response.status_code != 403 or CSRF_FAILURE not in response.text:
            problems.append(f"POST {url}: {response.status_code}")
    assert not problems, "\n".join(problems)


def test_the_same_post_with_the_token_goes_through(world: World) -> None:
    """Control: the 403s above are the missing token's doing, not the view's."""
    client = signed_in(world.otto, enforce_csrf_checks=True)
    client.get(world.public_question.get_absolute_url())  # a page with a form sets the cookie
    token = client.cookies["csrftoken"].value
    url = reverse("like_post", args=[world.public_question.pk])

    assert client.post(url).status_code == 403
    assert not Like.objects.filter(user=world.otto, post=world.public_question).exists()

    assert client.post(url, {"csrfmiddlewaretoken": token}).status_code == 302
    assert Like.objects.filter(user=world.otto, post=world.public_question).exists()
    # htmx sends the token in a header instead.
    response = client.post(
        url, {"liked": "0"}, headers={"X-CSRFToken": token, "HX-Request": "true"}
    )
    assert response.status_code == 200
    assert not Like.objects.filter(user=world.otto, post=world.public_question).exists()


def test_reading_a_page_writes_nothing_but_its_counters(world: World) -> None:
    """A GET needs no token, so a GET that changed something could be forged by any page."""
    clients = {name: signed_in(getattr(world, name)) for name in ("olga", "mia", "dora", "stan")}
    problems = []
    for route, fill in routes_with_fills(world):
        if route.key in WRITING_GETS:
            continue
        # Each page as someone who may see it: staff pages as staff, objects as their owner.
        client = clients["stan" if route.is_staff_only else fill.owner]
        if route.key in PUBLIC:
            client = clients["olga"]
        for url in urls(world, route, fill):
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            writes = [q["sql"][:120] for q in queries.captured_queries if WRITE.match(q["sql"])]
            if writes:
                problems.append(f"GET {url} wrote: {writes}")
    assert not problems, "\n".join(problems)


def test_the_write_check_sees_a_counted_read(world: World) -> None:
    """Control: the one listed GET that writes is seen writing by the same check."""
    client = signed_in(world.otto)
    with CaptureQueriesContext(connection) as queries:
        client.get(world.public_question.get_absolute_url())
    assert any(WRITE.match(q["sql"]) for q in queries.captured_queries)
