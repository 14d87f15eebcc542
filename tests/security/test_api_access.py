"""Every API route, requested by everyone who must not get what is behind it: signed out,
a departed person (by token and by the session she had), a colleague outside the private
community (by token and by session), and a member who does not own the thing.

The routes come from the resolver and their methods and bodies from the OpenAPI document,
so a new endpoint is probed without editing this file (and one whose parameters cannot be
filled fails test_every_api_route_is_filled)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from api.actions import create_token
from profiles.actions import mark_departed
from profiles.models import User
from tests.security.conftest import (
    World,
    body_of,
    leaked_tokens,
    signed_in,
    signed_in_through_the_form,
)
from tests.security.routes import (
    API_PUBLIC,
    Fill,
    Route,
    all_routes,
    api_fills,
    api_routes_with_fills,
    urls,
)

pytestmark = pytest.mark.django_db

# A valid body for each write, so that a refusal is the access check's and not the schema's.
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("post", "/api/v1/questions"): {"title": "A question from the walk"},
    ("post", "/api/v1/status-updates"): {"body": "A status from the walk"},
    ("patch", "/api/v1/posts/{post_id}"): {"title": "Changed by the walk"},
    ("post", "/api/v1/posts/{post_id}/answers"): {"body": "An answer from the walk"},
    ("post", "/api/v1/posts/{post_id}/accept"): {"answer_id": None},
    ("post", "/api/v1/notifications/read"): {"ids": None},
}
# What only the owner of the post may do (a member who sees it gets 403).
OWNER_ONLY = {("patch", "/api/v1/posts/{post_id}"), ("post", "/api/v1/posts/{post_id}/accept")}
WRITES = {"post", "put", "patch", "delete"}


@dataclass
class Reply:
    request: str
    status: int = 0
    problem: bool = False
    leaked: tuple[str, ...] = ()
    error: str = ""

    def describe(self) -> str:
        if self.error:
            return f"{self.request}: raised {self.error}"
        leaked = f", showing {', '.join(self.leaked)}" if self.leaked else ""
        return f"{self.request}: {self.status}{leaked}"


def schema_path(route: Route) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route.route)


def methods(schema: dict[str, Any], route: Route) -> list[str]:
    operations = schema["paths"].get(schema_path(route), {"get": {}})
    return [m for m in operations if m in {"get", *WRITES}]


def call(
    client: Client, method: str, url: str, path: str, *, secret: str = "", roll_back: bool = False
) -> Reply:
    reply = Reply(f"{method.upper()} {url}{' (token)' if secret else ''}")
    body = BODIES.get((method, path))
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    try:
        with transaction.atomic():
            response = client.generic(
                method.upper(),
                url,
                data=json.dumps(body) if body is not None else "",
                content_type="application/json",
                headers=headers,
            )
            transaction.set_rollback(roll_back)
    except Exception as error:  # an endpoint that raises is a 500 in production
        reply.error = repr(error)
        return reply
    reply.status = response.status_code
    reply.problem = response.get("Content-Type", "") == "application/problem+json"
    reply.leaked = tuple(leaked_tokens(body_of(response)))
    return reply


@pytest.fixture
def schema(client: Client) -> dict[str, Any]:
    result: dict[str, Any] = client.get("/api/v1/openapi.json").json()
    return result


def walk(
    world: World,
    schema: dict[str, Any],
    ask: Callable[[Route, Fill, str, str, str], Reply],
    *,
    only_writes: bool = False,
) -> list[tuple[Route, Fill, str, Reply]]:
    replies = []
    for route, fill in api_routes_with_fills(world):
        path = schema_path(route)
        for method in methods(schema, route):
            if only_writes and method not in WRITES:
                continue
            for url in urls(world, route, fill) if method == "get" else [route.url(fill.values)]:
                replies.append((route, fill, method, ask(route, fill, method, url, path)))
    return replies


def refused_as_stranger(replies: list[tuple[Route, Fill, str, Reply]]) -> list[str]:
    """Every API route but the public schema: 401 problem (404 for unknown endpoints)."""
    problems = []
    for route, _, method, reply in replies:
        if route.key in API_PUBLIC:
            ok = reply.status == 200 if method == "get" else reply.status < 500
        elif route.key == "api_unknown" or route.key == "api-1:api-root":
            ok = reply.status == 404 and reply.problem
        else:
            ok = reply.status == 401 and reply.problem
        if reply.error or reply.leaked or not ok:
            problems.append(reply.describe())
    return problems


def test_every_api_route_is_filled(world: World, schema: dict[str, Any]) -> None:
    routes = [r for r in all_routes() if r.is_api]
    assert len(routes) >= 20, "the resolver walk missed the API"
    assert not [r.route for r in routes if api_fills(world, r) is None]
    documented = {schema_path(r) for r in routes}
    assert set(schema["paths"]) <= documented


def test_signed_out_callers_get_401_problems(
    world: World, schema: dict[str, Any], client: Client
) -> None:
    replies = walk(world, schema, lambda r, f, m, url, path: call(client, m, url, path))
    problems = refused_as_stranger(replies)
    assert not problems, "\n".join(problems)


def test_a_departed_persons_token_and_session_open_nothing(
    world: World, schema: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    secret = create_token(user=world.dora, name="before leaving", scope="write")[1]
    session = signed_in_through_the_form(world.dora)
    before = call(Client(), "get", f"/api/v1/posts/{world.private_question.pk}", "", secret=secret)
    assert before.status == 200 and "Quokka" in before.leaked  # the token worked
    with django_capture_on_commit_callbacks(execute=True):
        mark_departed(by=world.stan, user=world.dora)

    by_token = walk(
        world, schema, lambda r, f, m, url, path: call(Client(), m, url, path, secret=secret)
    )
    by_session = walk(world, schema, lambda r, f, m, url, path: call(session, m, url, path))
    problems = refused_as_stranger(by_token) + refused_as_stranger(by_session)
    assert not problems, "\n".join(problems)


def outsider_problems(replies: list[tuple[Route, Fill, str, Reply]]) -> list[str]:
    problems = []
    for _, fill, _, reply in replies:
        ok = reply.status == 404 if fill.hidden else reply.status < 500
        if reply.error or reply.leaked or not ok or (reply.status >= 400 and not reply.problem):
            problems.append(reply.describe())
    return problems


def test_a_colleague_outside_the_private_community_sees_nothing_of_it(
    world: World, schema: dict[str, Any]
) -> None:
    """By token and by session, every method on the private things is a 404, and no list,
    search, suggestion, tag, notification or profile shows a private word."""
    secret = create_token(user=world.otto, name="outsider", scope="write")[1]
    session = signed_in(world.otto)

    def by_token(route: Route, fill: Fill, method: str, url: str, path: str) -> Reply:
        return call(Client(), method, url, path, secret=secret, roll_back=True)

    def by_session(route: Route, fill: Fill, method: str, url: str, path: str) -> Reply:
        return call(session, method, url, path, roll_back=True)

    problems = outsider_problems(walk(world, schema, by_token))
    problems += outsider_problems(walk(world, schema, by_session))
    assert not problems, "\n".join(problems)


def test_the_outsider_check_catches_a_planted_leak(
    world: World, schema: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Plant the bug the battery exists for: reading a post forgets private communities."""
    from api.endpoints import posts
    from questions.models import Post

    def forgetful(user: User, pk: int, *, for_update: bool = False) -> Post:
        return Post.objects.select_related("author__profile", "community").get(pk=pk)

    monkeypatch.setattr(posts, "get_post_for_user", forgetful)
    secret = create_token(user=world.otto, name="outsider", scope="read")[1]
    replies = walk(
        world,
        schema,
        lambda r, f, m, url, path: call(Client(), m, url, path, secret=secret, roll_back=True),
    )
    problems = outsider_problems(replies)
    assert any("Quokka" in p for p in problems), problems


def test_a_member_cannot_change_what_another_member_owns(
    world: World, schema: dict[str, Any]
) -> None:
    """Members see the private things, so only ownership stands between them and the
    owner's edit and accept: 403 (they see the post), and nothing changes."""
    secrets = {
        name: create_token(user=getattr(world, name), name="member", scope="write")[1]
        for name in ("olga", "mia")
    }
    problems: list[str] = []
    tried = 0
    for route, fill in api_routes_with_fills(world):
        path = schema_path(route)
        for method in methods(schema, route):
            if (method, path) not in OWNER_ONLY:
                continue
            other = secrets["mia" if fill.owner == "olga" else "olga"]
            reply = call(Client(), method, route.url(fill.values), path, secret=other)
            tried += 1
            if reply.error or reply.leaked or reply.status != 403 or not reply.problem:
                problems.append(reply.describe())
    assert tried >= len(OWNER_ONLY)
    assert not problems, "\n".join(problems)
    world.private_question.refresh_from_db()
    assert world.private_question.title != BODIES[("patch", "/api/v1/posts/{post_id}")]["title"]


def test_the_ids_are_real_the_owner_gets_every_object_route(
    world: World, schema: dict[str, Any]
) -> None:
    """Control for the 404s above: the same requests by the owner are never 404 or 500."""
    secrets = {
        name: create_token(user=getattr(world, name), name="owner", scope="write")[1]
        for name in ("olga", "mia", "dora")
    }
    problems: list[str] = []
    for route, fill, _, reply in walk(
        world,
        schema,
        lambda r, f, m, url, path: call(
            Client(), m, url, path, secret=secrets[f.owner], roll_back=True
        ),
    ):
        if not route.params or route.key == "api_unknown":
            continue
        if "/drafts/" in route.route and "draft" not in fill.label:
            continue  # a question is no draft: 404 by design
        if reply.error or reply.status in (404, 500):
            problems.append(reply.describe())
    assert not problems, "\n".join(problems)


def test_every_write_by_session_without_the_csrf_token_is_refused(
    world: World, schema: dict[str, Any]
) -> None:
    """The session is a cookie another site can make the browser send: every write through
    the API with it needs the CSRF token (a token in the Authorization header needs none)."""
    client = signed_in(world.olga, enforce_csrf_checks=True)
    problems: list[str] = []
    writes = 0
    for *_, reply in walk(
        world,
        schema,
        lambda r, f, m, url, path: call(client, m, url, path, roll_back=True),
        only_writes=True,
    ):
        writes += 1
        if reply.error or reply.status != 403 or not reply.problem:
            problems.append(reply.describe())
    assert writes >= 10
    assert not problems, "\n".join(problems)
