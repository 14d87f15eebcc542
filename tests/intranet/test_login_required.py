"""It is an intranet: every page but sign-in and sign-up needs a signed-in user.

URLs are enumerated from the resolver, so a new view is covered without editing this test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# Views that are deliberately public. Anything else must send anonymous visitors to sign in.
PUBLIC_VIEW_NAMES = {
    "healthz",
    "account_login",
    "account_signup",
    "account_logout",
    "account_inactive",
    "account_confirm_email",
    "account_confirm_login_code",
    "account_email_verification_sent",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "socialaccount_signup",
    "socialaccount_login_cancelled",
    "openid_connect_login",
    "openid_connect_callback",
    "admin:login",
    # A mail's one-click unsubscribe: the signed token in the link is the credential.
    "unsubscribe",
}
SAMPLE_ARGS = {"username": "nobody", "object_id": "1", "content_type_id": "1", "key": "x"}


def walk(
    patterns: list[Any], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, Any, str]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else ""
            yield prefix + str(entry.pattern), entry.callback, name


def concrete_url(route: str) -> str:
    """Turn a route (path converters or regex) into a URL with sample values."""
    route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: SAMPLE_ARGS.get(m.group(1), "1"), route)
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: SAMPLE_ARGS.get(m.group(1), "1"), route)
    route = route.lstrip("^").rstrip("$").replace("\\", "")
    return "/" + route


def is_public(callback: Any) -> bool:
    return getattr(callback, "login_required", True) is False


ALL_ROUTES = list(walk(get_resolver().url_patterns))


def test_routes_were_enumerated():
    names = {name for _, _, name in ALL_ROUTES}
    assert {"home", "person", "edit_my_profile", "admin:index"} <= names


@pytest.mark.parametrize(
    ("route", "callback", "name"),
    [r for r in ALL_ROUTES if not is_public(r[1])],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_anonymous_visitor_is_sent_to_sign_in(client, db, route, callback, name):
    url = concrete_url(route)
    response = client.get(url)
    assert response.status_code == 302, f"{url} answered {response.status_code}"
    location = response.headers["Location"]
    assert location.startswith(("/accounts/login/?next=", "/admin/login/?next=")), location


def test_exactly_the_known_views_are_public():
    # The API authenticates by itself (token or session) and answers 401 problems, not the
    # sign-in page: tests/security/test_api_access.py walks it signed out.
    public = {
        name
        for route, callback, name in ALL_ROUTES
        if is_public(callback) and not route.startswith("api/")
    }
    assert not public - PUBLIC_VIEW_NAMES, f"newly public: {sorted(public - PUBLIC_VIEW_NAMES)}"
    assert not PUBLIC_VIEW_NAMES - public, f"no longer public: {sorted(PUBLIC_VIEW_NAMES - public)}"


def test_sign_in_page_is_public(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b'name="login"' in response.content


def test_health_check_is_public_and_reports_the_database_and_search(client, db, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    if settings.SEARCH_BACKEND == "whoosh":
        # No index directory yet: the site is up, and the check says what search lacks.
        assert "rebuild_index" in response.json()["search"]
    from search.indexing import rebuild

    rebuild()
    assert client.get("/healthz").json() == {"status": "ok", "search": "ok", "meaning": "ok"}
