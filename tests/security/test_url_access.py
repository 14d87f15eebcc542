"""Every URL of the project, requested by everyone who must not get what is behind it.

The routes come from the resolver (tests/security/routes.py), so a new URL is probed without
editing this file, and one that cannot be classified or filled fails the first test. Each
role test requests every route and reports every wrong answer at once: a private token in a
body, a 500 (an exception), or a status other than the deliberate one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client

from notifications.models import Notification
from profiles.actions import mark_departed
from profiles.models import User
from tests.security.conftest import (
    PRIVATE_TAG,
    World,
    body_of,
    leaked_tokens,
    signed_in,
    signed_in_through_the_form,
)
from tests.security.routes import (
    OWNER_ONLY,
    PERSONAL,
    PUBLIC,
    Fill,
    Route,
    all_routes,
    fills_for,
    routes_with_fills,
    urls,
)

pytestmark = pytest.mark.django_db

SIGN_IN_PAGES = ("/accounts/login/?next=", "/admin/login/?next=")


@dataclass
class Reply:
    """What a request got, or how it failed."""

    request: str
    status: int = 0
    location: str = ""
    leaked: tuple[str, ...] = ()
    error: str = ""

    def describe(self) -> str:
        if self.error:
            return f"{self.request}: raised {self.error}"
        where = f" -> {self.location}" if self.location else ""
        leaked = f", showing {', '.join(self.leaked)}" if self.leaked else ""
        return f"{self.request}: {self.status}{where}{leaked}"


def ask(
    client: Client, method: str, url: str, *, roll_back: bool = False, htmx: bool = False
) -> Reply:
    reply = Reply(f"{method.upper()} {url}{' (htmx)' if htmx else ''}")
    headers = {"HX-Request": "true"} if htmx else {}
    try:
        if roll_back:
            # The owner's POSTs change things; undo each so that the next starts alike.
            with transaction.atomic():
                response = client.generic(method.upper(), url, headers=headers)
                transaction.set_rollback(True)
        else:
            response = client.generic(method.upper(), url, headers=headers)
    except Exception as error:  # a view that raises is a 500 in production
        reply.error = repr(error)
        return reply
    reply.status = response.status_code
    reply.location = response.headers.get("Location", "")
    reply.leaked = tuple(leaked_tokens(body_of(response)))
    return reply


def wrong(replies: list[Reply], ok: Callable[[Reply], bool]) -> list[str]:
    """Every reply that raised, showed a private token, or is not `ok`."""
    return [r.describe() for r in replies if r.error or r.leaked or not ok(r)]


def sent_to_sign_in(reply: Reply) -> bool:
    return reply.status == 302 and reply.location.startswith(SIGN_IN_PAGES)


def test_every_route_is_classified_and_filled(world: World) -> None:
    routes = all_routes()
    assert {"home", "post", "draft_download", "reports:index", "admin:index"} <= {
        r.name for r in routes
    }, "the resolver walk missed routes"
    unknown = [r.route for r in routes if fills_for(world, r) is None]
    assert not unknown, (
        "routes the security battery cannot classify or fill; add them to "
        f"tests/security/routes.py: {unknown}"
    )
    # The API authenticates by itself (tests/security/test_api_access.py).
    public = {
        r.key
        for r in routes
        if getattr(r.callback, "login_required", True) is False and not r.is_api
    }
    assert public == set(PUBLIC), (
        f"public without a reason: {sorted(public - set(PUBLIC))}; "
        f"listed but not public: {sorted(set(PUBLIC) - public)}"
    )


def test_a_new_url_nobody_classified_is_caught(world: World) -> None:
    home = next(r for r in all_routes() if r.name == "home")
    unlisted = Route("reports/", "team_report", home.callback, home.patterns)
    with_id = Route("q/<int:pk>/pin/", "pin_post", home.callback, home.patterns)
    assert fills_for(world, unlisted) is None
    assert fills_for(world, with_id) is None
    assert fills_for(world, home) == [Fill("own page", {}, False)]


def test_the_outsider_check_catches_a_planted_leak(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Plant the bug the battery exists for: post pages that forget private communities."""
    from questions import views
    from questions.models import Post

    def forgetful(user: User, pk: int, *, for_update: bool = False) -> Post:
        return Post.objects.select_related("author__profile", "community").get(pk=pk)

    monkeypatch.setattr(views, "get_post_for_user", forgetful)
    # Counting the view is an action, which checks visibility itself and would answer 404:
    # the plant has to get past that second guard too for the page to render.
    monkeypatch.setattr(views.actions, "record_view", lambda **kwargs: False)
    problems = outsider_problems(world, signed_in(world.otto), only={"post"})
    assert any("Quokka" in p for p in problems), problems


def test_a_private_communitys_own_tag_is_suggested_to_its_members_only(world: World) -> None:
    def suggested(user: User) -> list[str]:
        response = signed_in(user).get("/tags/suggest/?q=k")
        return [tag["value"] for tag in response.json()["results"]]

    assert suggested(world.mia) == [PRIVATE_TAG]
    assert suggested(world.otto) == []
    # A tag in the open counts only the posts the reader may see.
    release = signed_in(world.otto).get("/tags/suggest/?q=rel").json()["results"]
    assert release == [{"value": "release", "label": "#release", "detail": "2 posts"}]


def test_signed_out_visitors_get_only_the_public_pages(world: World, client: Client) -> None:
    replies: list[Reply] = []
    public: list[Reply] = []
    for route, fill in routes_with_fills(world):
        for url in urls(world, route, fill):
            for method in ("get", "post"):
                (public if route.key in PUBLIC else replies).append(ask(client, method, url))
    problems = wrong(replies, sent_to_sign_in) + wrong(public, lambda a: a.status < 500)
    assert not problems, "\n".join(problems)


def test_a_departed_persons_open_session_opens_nothing(world: World) -> None:
    dora = signed_in_through_the_form(world.dora)
    before = ask(dora, "get", world.private_question.get_absolute_url())
    assert before.status == 200 and "Tapir" in before.leaked  # her session worked
    mark_departed(by=world.stan, user=world.dora)

    replies: list[Reply] = []
    public: list[Reply] = []
    for route, fill in routes_with_fills(world):
        for url in urls(world, route, fill):
            if route.key in PUBLIC:
                public.append(ask(dora, "get", url))  # POST would sign her out
                continue
            replies += [ask(dora, "get", url), ask(dora, "post", url)]
    problems = wrong(replies, sent_to_sign_in) + wrong(public, lambda a: a.status < 500)
    assert not problems, "\n".join(problems)


def _turned_away(get: Reply, post: Reply) -> list[str]:
    """Hidden: 404, or 405 for the method the route does not take (but 404 for the other)."""
    pair = [get, post]
    problems = wrong(pair, lambda a: a.status in (404, 405))
    if not problems and 404 not in (get.status, post.status):
        problems.append(f"{get.describe()} and {post.describe()}: neither is 404")
    return problems


def outsider_problems(world: World, client: Client, only: set[str] | None = None) -> list[str]:
    problems: list[str] = []
    for route, fill in routes_with_fills(world):
        if only is not None and route.key not in only:
            continue
        for url in urls(world, route, fill):
            if route.is_staff_only:
                replies = [ask(client, "get", url), ask(client, "post", url)]
                problems += wrong(
                    replies,
                    lambda r: (
                        r.status == 404 or (r.status == 302 and r.location.startswith("/admin/"))
                    ),
                )
            elif fill.hidden or route.key in OWNER_ONLY:
                problems += _turned_away(ask(client, "get", url), ask(client, "post", url))
                problems += _turned_away(
                    ask(client, "get", url, htmx=True), ask(client, "post", url, htmx=True)
                )
            else:
                # Public pages, his own pages and public objects: anything but a 500 or a
                # private token, as a page or as htmx's partial. (Not POST: it would sign
                # him out or change his own things.)
                replies = [ask(client, "get", url), ask(client, "get", url, htmx=True)]
                problems += wrong(replies, lambda r: r.status < 500)
    return problems


def test_a_colleague_outside_the_private_community_sees_nothing_of_it(world: World) -> None:
    problems = outsider_problems(world, signed_in(world.otto))
    assert not problems, "\n".join(problems)


def test_a_member_cannot_use_what_another_member_owns(world: World) -> None:
    """Members see the private things, so only ownership stands between them and the
    owner's edit, delete, accept, upload and privacy buttons."""
    members = {"olga": signed_in(world.olga), "mia": signed_in(world.mia)}
    problems: list[str] = []
    for route, fill in routes_with_fills(world):
        if route.key not in OWNER_ONLY:
            continue
        other = members["mia" if fill.owner == "olga" else "olga"]
        for url in urls(world, route, fill):
            problems += _turned_away(ask(other, "get", url), ask(other, "post", url))
    assert not problems, "\n".join(problems)


def test_uploaded_files_are_served_only_through_the_checking_view(
    world: World, client: Client
) -> None:
    """No URL serves MEDIA_ROOT directly (settings: "uploaded files are never served from
    MEDIA_URL"), so a file's storage name is no way around the draft's visibility."""
    stored = f"/{settings.MEDIA_URL.strip('/')}/{world.private_version.file.name}"
    assert world.private_version.file.storage.exists(world.private_version.file.name)
    replies = [ask(client, "get", stored), ask(signed_in(world.otto), "get", stored)]
    problems = wrong(replies, lambda r: sent_to_sign_in(r) or r.status == 404)
    assert not problems, "\n".join(problems)


def test_a_colleague_cannot_mark_someone_elses_notification_read(world: World) -> None:
    notification = world.olga_notification
    response = signed_in(world.mia).post("/notifications/read/", {"id": str(notification.pk)})
    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.read_at is None
    # The same request by its recipient does mark it, so the check above can fail.
    signed_in(world.olga).post("/notifications/read/", {"id": str(notification.pk)})
    assert Notification.objects.get(pk=notification.pk).read_at is not None


def test_the_ids_are_real_the_owner_gets_every_object_route(world: World) -> None:
    """Control for the 404s above: the same URLs, asked by the owner, are never 404."""
    owners = {name: signed_in(getattr(world, name)) for name in ("olga", "mia", "dora")}
    problems: list[str] = []
    for route, fill in routes_with_fills(world):
        if route.key in PUBLIC or route.key in PERSONAL or route.is_staff_only:
            continue
        owner = owners[fill.owner]
        for url in urls(world, route, fill):
            replies = [ask(owner, "get", url), ask(owner, "post", url, roll_back=True)]
            problems += [a.describe() for a in replies if a.error or a.status in (404, 500)]
    assert not problems, "\n".join(problems)


def test_staff_get_every_staff_page_but_not_private_titles(world: World) -> None:
    """Control for the staff 404s: staff get every staff page (the admin's catch-all
    excepted, a 404 for everyone). Reports count private items but name them and their
    communities only to members (reports.permissions): stan is not one; nor do they name a
    tag used only inside such a community. The admin shows staff everything."""
    stan = signed_in(world.stan)
    problems: list[str] = []
    for route, fill in routes_with_fills(world):
        if not route.is_staff_only or route.key == "admin/(?P<url>.*)$":
            continue
        in_admin = route.route.startswith("admin/")
        for htmx in (False,) if in_admin else (False, True):  # the admin has no partials
            reply = ask(stan, "get", route.url(fill.values), htmx=htmx)
            if in_admin:
                reply.leaked = ()
            if reply.error or reply.leaked or reply.status in (404, 500):
                problems.append(reply.describe())
    assert not problems, "\n".join(problems)
