"""Personal access tokens: made and revoked in the person's settings, stored hashed, scoped,
expiring, revoked on departure, refused for former colleagues, rate limited."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from api.actions import create_token
from api.models import AccessToken
from intranet.lib import ratelimit
from profiles.actions import mark_departed, set_active
from profiles.models import User
from questions.models import Post
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db


def test_the_settings_page_shows_a_new_token_once_and_stores_only_its_hash(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    ann = make_user("ann")
    client = client_for(ann)
    created = client.post(
        "/settings/tokens/", {"name": "Release bot", "scope": "write", "expires_on": ""}
    )
    # Post-redirect-get: the answer to the POST carries no secret.
    assert created.status_code == 302 and created["Location"] == "/settings/tokens/"
    assert "olt_" not in created.content.decode()
    shown = client.get("/settings/tokens/")
    assert shown.status_code == 200
    assert shown["Cache-Control"] == "no-store"
    secret = shown.context["secret"]
    assert secret.startswith("olt_") and secret in shown.content.decode()
    token = AccessToken.objects.get(user=ann)
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.name, token.prefix, token.digest}
    assert token.scope == "write" and token.expires_at is None
    # Reloading the page shows it no more, and the session no longer holds it.
    reloaded = client.get("/settings/tokens/")
    assert reloaded.status_code == 200 and reloaded.context["secret"] == ""
    assert secret not in reloaded.content.decode()
    assert secret not in str(dict(client.session))
    assert AccessToken.objects.filter(user=ann).count() == 1
    assert ApiClient(secret).get("/posts").status_code == 200


def test_following_the_redirect_shows_the_secret_once_and_a_reload_makes_no_second_token(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    ann = make_user("ann")
    client = client_for(ann)
    followed = client.post(
        "/settings/tokens/",
        {"name": "Nightly export", "scope": "read", "expires_on": ""},
        follow=True,
    )
    assert followed.redirect_chain == [("/settings/tokens/", 302)]
    secret = followed.context["secret"]
    assert secret.startswith("olt_") and secret in followed.content.decode()
    assert followed["Cache-Control"] == "no-store"
    # What a browser's reload of the page it landed on sends: a GET, not the form again.
    for _ in range(2):
        page = client.get("/settings/tokens/").content.decode()
        assert secret not in page and page.count('<th scope="row">Nightly export') == 1
    assert AccessToken.objects.filter(user=ann).count() == 1


def test_a_new_secret_is_neither_shown_to_another_person_nor_after_revocation(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    ann = make_user("ann")
    client = client_for(ann)
    client.post("/settings/tokens/", {"name": "One", "scope": "read", "expires_on": ""})
    token = AccessToken.objects.get(user=ann)
    secret = client.session["api_new_token"]["secret"]
    assert client_for(make_user("bob")).get("/settings/tokens/").context["secret"] == ""
    # Revoked (from another tab) before the page was shown: its secret is no use, not shown.
    client.post(f"/settings/tokens/{token.pk}/revoke/")
    page = client.get("/settings/tokens/")
    assert page.context["secret"] == "" and secret not in page.content.decode()
    assert "api_new_token" not in client.session


def test_bad_input_on_the_settings_page_keeps_what_was_typed(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    client = client_for(make_user("ann"))
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(
        "/settings/tokens/", {"name": "Nightly export", "scope": "read", "expires_on": yesterday}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose a day after today." in html and 'value="Nightly export"' in html
    assert not AccessToken.objects.exists()


def test_the_settings_page_works_without_javascript_and_is_linked(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    client = client_for(make_user("ann"))
    html = client.get("/people/me/edit/").content.decode()
    assert 'href="/settings/tokens/"' in html
    page = client.get("/settings/tokens/").content.decode()
    assert '<form method="post" action="/settings/tokens/"' in page
    assert '<label for="id_name">' in page


def test_revoking_stops_the_token_and_others_cannot_revoke_it(
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
    make_token: Callable[..., str],
) -> None:
    ann, bob = make_user("ann"), make_user("bob")
    secret = make_token(ann)
    token = AccessToken.objects.get(user=ann)
    assert client_for(bob).post(f"/settings/tokens/{token.pk}/revoke/").status_code == 404
    assert ApiClient(secret).get("/posts").status_code == 200
    response = client_for(ann).post(f"/settings/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    refused = ApiClient(secret).get("/posts")
    assert refused.status_code == 401
    assert refused["Content-Type"] == "application/problem+json"
    assert refused["WWW-Authenticate"].startswith("Bearer")


def test_an_expired_token_is_refused(make_user: Callable[..., User]) -> None:
    ann = make_user("ann")
    token, secret = create_token(
        user=ann, name="short", scope="read", expires_at=timezone.now() + timedelta(hours=1)
    )
    assert ApiClient(secret).get("/posts").status_code == 200
    AccessToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    assert ApiClient(secret).get("/posts").status_code == 401


def test_an_unknown_or_malformed_token_is_a_401(db: None) -> None:
    for secret in ("olt_nope", "not-ours", "olt_" + "x" * 500):
        response = ApiClient(secret).get("/posts")
        assert response.status_code == 401, secret
    assert ApiClient().get("/posts").status_code == 401


def test_a_read_token_cannot_write(
    make_user: Callable[..., User], api_for: Callable[..., ApiClient]
) -> None:
    reader = api_for(make_user("ann"), scope="read")
    assert reader.get("/posts").status_code == 200
    response = reader.post("/questions", {"title": "Can I write?"})
    assert response.status_code == 403
    assert "only read" in response.json()["detail"]
    assert not Post.objects.exists()


def test_departure_revokes_every_token_after_commit(
    make_user: Callable[..., User],
    make_token: Callable[..., str],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    staff = make_user("stan", is_staff=True)
    dora = make_user("dora")
    secrets = [make_token(dora, name="one"), make_token(dora, name="two", scope="read")]
    with django_capture_on_commit_callbacks(execute=True):
        mark_departed(by=staff, user=dora)
    assert not AccessToken.objects.filter(user=dora, revoked_at__isnull=True).exists()
    assert all(ApiClient(s).get("/posts").status_code == 401 for s in secrets)


def test_a_stopped_account_cannot_use_its_token_even_unrevoked(
    make_user: Callable[..., User], make_token: Callable[..., str]
) -> None:
    dora = make_user("dora")
    secret = make_token(dora)
    set_active(user=dora, active=False)  # no departure event: the check at sign-in holds
    assert AccessToken.objects.get(user=dora).revoked_at is None
    assert ApiClient(secret).get("/posts").status_code == 401


def test_tokens_are_rate_limited_with_retry_after(
    make_user: Callable[..., User],
    make_token: Callable[..., str],
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api": (3, 60)}
    monkeypatch.setattr(ratelimit, "clock", lambda: 1_000_040.0)
    ann = make_user("ann")
    first, second = ApiClient(make_token(ann)), ApiClient(make_token(ann, name="other"))
    assert [first.get("/posts").status_code for _ in range(3)] == [200, 200, 200]
    refused = first.get("/posts")
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/problem+json"
    assert refused["Retry-After"] == "40"  # the window of 60 s started 20 s ago
    assert refused.json()["retry_after"] == 40
    # Per token: the person's other token still has its own allowance.
    assert second.get("/posts").status_code == 200


def test_writes_count_against_the_persons_site_limits(
    make_user: Callable[..., User], api_for: Callable[..., ApiClient], settings: Any
) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "post": (1, 60)}
    api = api_for(make_user("ann"))
    assert api.post("/questions", {"title": "First question here"}).status_code == 201
    refused = api.post("/questions", {"title": "Second question here"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert Post.objects.count() == 1


def test_session_auth_works_and_writes_need_the_csrf_token(
    make_user: Callable[..., User],
) -> None:
    ann = make_user("ann")
    client = Client(enforce_csrf_checks=True)
    client.force_login(ann)
    assert client.get("/api/v1/posts").status_code == 200
    refused = client.post(
        "/api/v1/questions", {"title": "Via the session"}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/problem+json"
    assert not Post.objects.exists()
    client.get("/settings/tokens/")  # sets the CSRF cookie, as any page does
    token = client.cookies["csrftoken"].value
    allowed = client.post(
        "/api/v1/questions",
        {"title": "Via the session"},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert allowed.status_code == 201


def test_staff_list_and_revoke_anyones_tokens_others_get_404(
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
    make_token: Callable[..., str],
) -> None:
    stan, ann, bob = make_user("stan", is_staff=True), make_user("ann"), make_user("bob")
    secret = make_token(ann, name="Release bot")
    make_token(bob, name="Exporter")
    token = AccessToken.objects.get(user=ann)
    assert client_for(ann).get("/staff/tokens/").status_code == 404
    assert client_for(ann).post(f"/staff/tokens/{token.pk}/revoke/").status_code == 404
    page = client_for(stan).get("/staff/tokens/", {"q": "ann"}).content.decode()
    assert "Release bot" in page and "Exporter" not in page
    assert client_for(stan).post(f"/staff/tokens/{token.pk}/revoke/").status_code == 302
    assert ApiClient(secret).get("/posts").status_code == 401
