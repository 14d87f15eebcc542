"""Every URL of the project, read from the resolver, each classified and filled with real ids.

A route is one of:
- public: reachable signed out, on purpose (PUBLIC, each with its reason);
- staff: under /staff/ or /admin/, for staff only;
- personal: no ids in the URL, answering with the signed-in person's own things or with
  what everyone may see (PERSONAL);
- object: ids in the URL, filled from the test world (object_fills), some only for the
  object's owner (OWNER_ONLY).

A new URL that fits none of these, or whose parameters the world cannot fill, fails
test_every_route_is_classified_and_filled: whoever adds it decides who may see it here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern

from api.actions import create_token
from api.models import AccessToken
from tests.security.conftest import PRIVATE_TAG, World

# Reachable without signing in, and why. (Static files are public too, served by WhiteNoise
# before any URL is resolved: they are the site's own CSS and JavaScript, never uploads.)
PUBLIC: dict[str, str] = {
    "healthz": "load balancers and monitors probe it without an account",
    "account_login": "signing in",
    "account_logout": "signing out must work whatever the session's state",
    "account_signup": "joining (limited to the company's e-mail domains)",
    "account_inactive": "tells a deactivated person why they cannot sign in",
    "account_confirm_email": "the link in the address-confirmation e-mail",
    "account_confirm_login_code": "entering a sign-in code sent by e-mail",
    "account_email_verification_sent": "says a confirmation e-mail is on its way",
    "account_reset_password": "asking for a password-reset e-mail",
    "account_reset_password_done": "says the reset e-mail is on its way",
    "account_reset_password_from_key": "the link in the password-reset e-mail",
    "account_reset_password_from_key_done": "says the password was reset",
    "socialaccount_signup": "finishing a first single sign-on",
    "socialaccount_login_cancelled": "coming back from a cancelled single sign-on",
    "openid_connect_login": "starting single sign-on",
    "openid_connect_callback": "the identity provider's redirect back",
    "admin:login": "the admin's own sign-in form",
    "unsubscribe": "the signed link in a mail that stops that mail (a mail client's one-click "
    "unsubscribe has no session)",
}
# Parameters of public URLs: tokens from e-mails and providers, not objects.
PUBLIC_PARAMS = {
    "key": "not-a-real-key",
    "uidb36": "1",
    "provider_id": "sso",
    "token": "not-a-real-token",
}

# Pages without ids: the person's own inbox, settings and forms, or listings everyone sees.
PERSONAL: set[str] = {
    "home",
    "compose",
    "ask",
    "markdown_preview",  # renders only the text the person sends
    "share_draft",
    "tag_suggest",
    "standards",
    "communities",
    "people",
    "edit_my_profile",
    "set_my_availability",
    "set_my_appearance",
    "suggest_people",
    "away_notice",
    "notifications",
    "notifications_read",
    "notification_settings",
    "api_tokens",
    "search",
    "search_suggest",
    "search_similar",
    "account_email",
    "account_change_password",
    "account_set_password",
    "account_reauthenticate",
    "socialaccount_connections",
    "socialaccount_login_error",
    # allauth's old addresses, redirecting to the new ones.
    "accounts/social/login/cancelled/",
    "accounts/social/login/error/",
    "accounts/social/signup/",
    "accounts/social/connections/",
}

# Object routes only the owner of the object may use (everyone else: 404).
OWNER_ONLY: set[str] = {
    "post_edit",
    "post_delete",
    "accept",
    "draft_version_create",
    "draft_feedback",
    "answer_edit",
    "answer_delete",
    "bookmark_privacy",
    "community_add_member",
    "api_token_revoke",
    # Webhooks: a community's hooks, for its owners only (staff's are under /staff/).
    "community_webhooks",
    "webhook",
    "webhook_delete",
    "webhook_send_again",
}

# The API (/api/v1/) answers for itself, by token or session: 401 problems, not the sign-in
# page, so its routes have their own battery (tests/security/test_api_access.py) and fills.
API_PREFIX = "api/"
# Readable signed out, on purpose: the schema and its docs page describe shapes, no data.
API_PUBLIC: dict[str, str] = {
    "api-1:openapi-json": "API clients fetch the schema to generate code before they have a token",
    "api-1:openapi-view": "the browsable docs of that schema",
}


def probes(world: World) -> dict[str, list[str]]:
    """Query strings that make pages show what a leak would show. None names a private token
    itself, so a page echoing its query cannot fail the check by itself."""
    private_community = world.private_community.pk
    private_question = world.private_question.pk
    return {
        "home": [f"?tab={tab}" for tab in ("network", "all", "unanswered", "mytags")],
        "search": [
            "?q=merger+timeline",
            "?q=revenue+plan",
            "?q=launch+track",
            "?q=figures",
            f"?q=merger&community={private_community}",
        ],
        "search_suggest": ["?q=merger", "?q=board"],
        "search_similar": ["?title=merger+timeline"],
        "tag_suggest": ["?q=kak", "?q=rel"],
        "suggest_people": ["?q=o", f"?q=m&community={private_community}"],
        "away_notice": ["?body=%40mia&tags=release", f"?body=%40mia&post={private_question}"],
        "ask": [f"?community={private_community}"],
        "share_draft": [f"?community={private_community}"],
        "people": ["?topic=release"],
        "api-1:list_posts": [
            "",
            f"?tag={PRIVATE_TAG}",
            f"?community={world.private_community.slug}",
            "?author=olga",
            "?kind=draft",
        ],
        "api-1:search": [
            "?q=merger+timeline",
            "?q=revenue+plan",
            "?q=launch+track",
            "?q=figures",
            f"?q=merger&community={world.private_community.slug}",
        ],
        "api-1:similar": ["?title=merger+timeline", "?title=board+deck"],
        "api-1:tags": ["", "?q=kak"],
        "api-1:people": [f"?topic={PRIVATE_TAG}", "?q=o"],
        "api-1:notifications": ["", "?last_id=0"],
    }


@dataclass(frozen=True)
class Route:
    route: str  # the full pattern, e.g. "q/<int:pk>/edit/"
    name: str  # "post_edit", "admin:index", or "" for unnamed patterns
    callback: Callable[..., Any]
    patterns: tuple[Any, ...] = field(repr=False)  # the chain of patterns, outermost first

    @property
    def key(self) -> str:
        return self.name or self.route

    @property
    def params(self) -> list[str]:
        names: list[str] = []
        for pattern in self.patterns:
            if isinstance(pattern, RoutePattern):
                names += list(pattern.converters)
            elif isinstance(pattern, RegexPattern):
                names += list(pattern.regex.groupindex)
        return names

    @property
    def is_api(self) -> bool:
        return self.route.removeprefix("^").startswith(API_PREFIX)

    @property
    def is_staff_only(self) -> bool:
        return self.route.startswith(("staff/", "admin/")) and self.key not in PUBLIC

    def url(self, values: dict[str, str]) -> str:
        """The concrete URL with `values` in place of the parameters."""
        pieces = []
        for pattern in self.patterns:
            if isinstance(pattern, RoutePattern):
                text = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[str(m.group(1))], str(pattern))
            else:
                text = re.sub(
                    r"\(\?P<(\w+)>[^)]*\)", lambda m: values[str(m.group(1))], str(pattern)
                )
                text = text.removeprefix("^").removesuffix("$").replace("\\", "")
            pieces.append(text)
        url = "/" + "".join(pieces)
        # The URL must lead back to this very route, or the test would probe another view.
        match = resolve(url)
        expected = "".join(str(p).removeprefix("^") for p in self.patterns)
        if match.func is not self.callback or match.route != expected:
            raise AssertionError(f"{url} resolves to {match.route!r}, not {self.route!r}")
        return url


def _walk(patterns: list[Any], chain: tuple[Any, ...], namespace: str) -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, (*chain, entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            full = (*chain, entry.pattern)
            yield Route(
                route="".join(str(p) for p in full),
                name=f"{namespace}{entry.name}" if entry.name else "",
                callback=entry.callback,
                patterns=full,
            )


def all_routes() -> list[Route]:
    """Every reachable route: one that an earlier route with the same pattern shadows (the
    project's transactional wrapper around allauth's sign-up) can never be requested."""
    seen: set[str] = set()
    routes = []
    for route in _walk(get_resolver().url_patterns, (), ""):
        if route.route not in seen:
            seen.add(route.route)
            routes.append(route)
    return routes


@dataclass(frozen=True)
class Fill:
    """Values for a route's parameters, naming what they point at."""

    label: str
    values: dict[str, str]
    hidden: bool  # the object is in the private community
    owner: str = "olga"  # who may use the owner-only routes with it


def _post_fill(label: str, post: Any, *, hidden: bool, slug: bool = False) -> Fill:
    values = {"pk": str(post.pk)}
    if slug:
        values["slug"] = post.get_absolute_url().rstrip("/").rsplit("/", 1)[-1]
    return Fill(label, values, hidden)


def _webhook_fills(world: World) -> tuple[list[Fill], list[Fill]]:
    """olga's hook for the private community, with one delivery in its log."""
    from webhooks.models import Delivery, Webhook

    hook, _ = Webhook.objects.get_or_create(
        owner=world.olga,
        community=world.private_community,
        defaults={
            "name": "Mergers channel",
            "url": "https://chat.example.com/hook",
            "events": ["question.asked"],
        },
    )
    delivery = hook.deliveries.first() or Delivery.objects.create(
        webhook=hook,
        event="question.asked",
        payload={"post_id": world.private_question.pk},
        status=Delivery.Status.FAILED,
    )
    return [Fill("private community's webhook", {"pk": str(hook.pk)}, True)], [
        Fill(
            "private community's webhook delivery",
            {"pk": str(hook.pk), "delivery_pk": str(delivery.pk)},
            True,
        )
    ]


def object_fills(world: World) -> dict[str, list[Fill]]:
    """For each route with ids in its URL, the objects of the world to try it with."""

    questions = [
        ("private question", world.private_question, True),
        ("public question", world.public_question, False),
    ]
    drafts = [
        ("private draft", world.private_draft, True),
        ("public draft", world.public_draft, False),
    ]
    everything = [*questions, *drafts, ("private status", world.private_status, True)]

    def posts(chosen: list[tuple[str, Any, bool]], *, slug: bool = False) -> list[Fill]:
        return [_post_fill(label, post, hidden=h, slug=slug) for label, post, h in chosen]

    def pk(label: str, obj: models.Model, *, hidden: bool, owner: str = "olga") -> Fill:
        return Fill(label, {"pk": str(obj.pk)}, hidden, owner)

    answers = [  # mia's answers to olga's questions
        pk("private answer", world.private_answer, hidden=True, owner="mia"),
        pk("public answer", world.public_answer, hidden=False, owner="mia"),
    ]
    versions = [
        pk("private draft's file", world.private_version, hidden=True),
        pk("public draft's file", world.public_version, hidden=False),
    ]
    communities = [
        Fill("private community", {"slug": world.private_community.slug}, True),
        Fill("public community", {"slug": world.public_community.slug}, False),
    ]
    people = [
        Fill("olga", {"username": world.olga.username}, False),
        Fill("dora", {"username": world.dora.username}, False, owner="dora"),
    ]
    tags = [
        Fill("tag used in the open", {"slug": "release"}, False),
    ]
    hooks, deliveries = _webhook_fills(world)
    return {
        "post_short": posts(everything),
        "post": posts(everything, slug=True),
        "post_edit": posts(everything),
        "post_delete": posts(everything),
        "answer_create": posts(everything),
        "accept": posts(questions),
        "like_post": posts(everything),
        "bookmark_post": posts(everything),
        "draft_version_create": posts(drafts),
        "draft_feedback": posts(drafts),
        "search_open": posts(everything),
        "answer_card": answers,
        "answer_edit": answers,
        "answer_delete": answers,
        "like_answer": answers,
        "bookmark_answer": answers,
        "draft_download": versions,
        "draft_view": versions,
        "bookmark_privacy": [pk("olga's private bookmark", world.olga_bookmark, hidden=False)],
        "community": communities,
        "community_membership": communities,
        "community_add_member": communities,
        "community_webhooks": communities,
        "webhook": hooks,
        "webhook_delete": hooks,
        "webhook_send_again": deliveries,
        "person": people,
        "follow_person": people,
        "tag": tags,
        "tag_follow": tags,
        "api_token_revoke": [pk("olga's token", olga_token(world), hidden=False)],
    }


def olga_token(world: World) -> AccessToken:
    """A token of olga's (made once per world) for the token pages' ids."""
    token = AccessToken.objects.filter(user=world.olga, name="security walk").first()
    return token or create_token(user=world.olga, name="security walk", scope="read")[0]


def api_fills(world: World, route: Route) -> list[Fill] | None:
    """Every way to fill an API route (None when a parameter is unknown)."""
    by_param: dict[str, list[tuple[str, str, bool, str]]] = {
        "post_id": [
            ("private question", str(world.private_question.pk), True, "olga"),
            ("public question", str(world.public_question.pk), False, "olga"),
            ("private draft", str(world.private_draft.pk), True, "olga"),
            ("public draft", str(world.public_draft.pk), False, "olga"),
            ("private status", str(world.private_status.pk), True, "olga"),
        ],
        "answer_id": [
            ("private answer", str(world.private_answer.pk), True, "mia"),
            ("public answer", str(world.public_answer.pk), False, "mia"),
        ],
        "version_id": [
            ("private draft's file", str(world.private_version.pk), True, "olga"),
            ("public draft's file", str(world.public_version.pk), False, "olga"),
        ],
        "username": [
            ("olga", world.olga.username, False, "olga"),
            ("dora", world.dora.username, False, "dora"),
        ],
        "rest": [("no such endpoint", "v1/no-such-thing", False, "olga")],
    }
    if not route.params:
        return [Fill("own or listing", {}, False)]
    if len(route.params) != 1 or route.params[0] not in by_param:
        return None
    name = route.params[0]
    return [
        Fill(label, {name: value}, hidden, owner) for label, value, hidden, owner in by_param[name]
    ]


def staff_fill(world: World, route: Route) -> Fill | None:
    """Values for a staff route's parameters (None if one is unknown). Staff routes turn
    everyone else away before looking anything up; the ids are real all the same."""
    admin_model = getattr(route.callback, "model_admin", None)
    model = admin_model.model if admin_model is not None else None
    private_objects: dict[Any, models.Model] = {
        type(world.private_question): world.private_question,
        type(world.private_answer): world.private_answer,
        type(world.private_community): world.private_community,
        type(world.olga): world.olga,
    }
    if model is not None and model in private_objects:
        object_id = str(private_objects[model].pk)
    elif model is not None and (first := model._default_manager.order_by("pk").first()):
        object_id = str(first.pk)
    else:
        object_id = str(world.private_question.pk)
    known = {
        "username": world.mia.username,
        "object_id": object_id,
        "id": str(world.olga.pk),
        "content_type_id": str(ContentType.objects.get_for_model(world.private_question).pk),
        "app_label": "questions",
        "url": "no-such-page/",
        "pk": str(olga_token(world).pk),
    }
    if any(name not in known for name in route.params):
        return None
    return Fill("staff page", {name: known[name] for name in route.params}, True)


def fills_for(world: World, route: Route) -> list[Fill] | None:
    """Every way to fill `route` for the role tests; None when the route is unclassified or
    a parameter cannot be filled."""
    if route.is_api:
        return api_fills(world, route)
    if route.key in PUBLIC:
        if any(name not in PUBLIC_PARAMS for name in route.params):
            return None
        return [Fill("public page", {n: PUBLIC_PARAMS[n] for n in route.params}, False)]
    if route.is_staff_only:
        fill = staff_fill(world, route)
        return [fill] if fill is not None else None
    if route.key in PERSONAL:
        return None if route.params else [Fill("own page", {}, False)]
    fills = object_fills(world).get(route.key)
    if not fills or any(set(f.values) != set(route.params) for f in fills):
        return None
    return fills


def routes_with_fills(world: World) -> Iterator[tuple[Route, Fill]]:
    """Every route of the site with every fill of it (unclassified routes are left to the
    test that fails on them; the API's routes to api_routes_with_fills)."""
    for route in all_routes():
        if route.is_api:
            continue
        for fill in fills_for(world, route) or []:
            yield route, fill


def api_routes_with_fills(world: World) -> Iterator[tuple[Route, Fill]]:
    for route in all_routes():
        if route.is_api:
            for fill in api_fills(world, route) or []:
                yield route, fill


def urls(world: World, route: Route, fill: Fill) -> list[str]:
    """The route's URL with `fill`, once per probe query string (once without if none)."""
    url = route.url(fill.values)
    return [url + probe for probe in probes(world).get(route.key, [""])]
