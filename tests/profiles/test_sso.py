"""Single sign-on against a stub OpenID Connect provider served over HTTP on 127.0.0.1:
linking to existing accounts, an unreachable provider, and addresses outside the company."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from django.test import Client

from profiles.models import User
from tests.support.oidc import oidc_providers, stub_provider
from tests.support.smtp import free_port

UNREACHABLE = (
    "Single sign-on is not reachable right now; sign in with your password or try again later."
)


@pytest.fixture
def provider(db, settings):
    with stub_provider() as stub:
        settings.SOCIALACCOUNT_PROVIDERS = oidc_providers(stub.server_url)
        yield stub


def sign_in_with_sso(client: Client):
    """Start at the sign-in button, then come back from the provider as its redirect would."""
    start = client.post("/accounts/oidc/sso/login/")
    assert start.status_code == 302, start.content.decode()[:500]
    query = parse_qs(urlsplit(start["Location"]).query)
    callback = urlsplit(query["redirect_uri"][0]).path
    return client.get(callback, {"code": "stub-code", "state": query["state"][0]})


def test_sso_identity_with_a_verified_address_signs_in_to_the_existing_account(provider, make_user):
    maria = make_user("maria", email="maria@northwind.example")
    client = Client()
    response = sign_in_with_sso(client)
    assert response.status_code == 302 and response["Location"] == "/"
    assert int(client.session["_auth_user_id"]) == maria.pk
    assert User.objects.filter(email__iexact="maria@northwind.example").count() == 1
    account = SocialAccount.objects.get(user=maria)
    assert account.uid == "id-maria"
    assert {"POST /token", "GET /userinfo"} <= set(provider.requests)
    # Her password still works: the address was hers already.
    maria.refresh_from_db()
    assert maria.check_password("correct-horse-battery-staple")


def test_sso_identity_whose_address_the_provider_does_not_vouch_for_is_not_linked(
    provider, make_user
):
    maria = make_user("maria", email="maria@northwind.example")
    provider.claims["email_verified"] = False
    client = Client()
    sign_in_with_sso(client)
    assert client.session.get("_auth_user_id") != str(maria.pk)
    assert not SocialAccount.objects.filter(user=maria).exists()


def test_new_colleague_from_the_company_domain_gets_an_account(provider, settings):
    settings.SIGNUP_EMAIL_DOMAINS = ["northwind.example"]
    provider.claims.update(sub="id-rita", email="rita@northwind.example", name="Rita Ramos")
    client = Client()
    response = sign_in_with_sso(client)
    assert response.status_code == 302
    rita = User.objects.get(email="rita@northwind.example")
    assert rita.profile.display_name == "Rita Ramos"


def test_address_outside_the_company_domains_gets_the_products_own_message(provider, settings):
    settings.SIGNUP_EMAIL_DOMAINS = ["northwind.example"]
    provider.claims.update(sub="id-mallory", email="mallory@evil.example")
    response = sign_in_with_sso(Client())
    assert response.status_code == 403
    text = response.content.decode()
    assert "Sign-up is limited to company e-mail addresses (@northwind.example)" in text
    assert "Sign Up Closed" not in text and "Sign up closed" not in text
    assert not User.objects.filter(email="mallory@evil.example").exists()


def test_unreachable_provider_shows_a_page_not_a_500(db, settings):
    settings.SOCIALACCOUNT_PROVIDERS = oidc_providers(
        f"http://127.0.0.1:{free_port()}/.well-known/openid-configuration"
    )
    response = Client().post("/accounts/oidc/sso/login/")
    assert response.status_code == 503
    assert UNREACHABLE in response.content.decode()


def test_provider_going_down_between_the_button_and_the_callback_shows_the_same_page(
    provider, make_user
):
    make_user("maria", email="maria@northwind.example")
    client = Client()
    start = client.post("/accounts/oidc/sso/login/")
    query = parse_qs(urlsplit(start["Location"]).query)
    callback = urlsplit(query["redirect_uri"][0]).path
    provider.failing_with = 502  # as a proxy in front of a provider that went down
    response = client.get(callback, {"code": "stub-code", "state": query["state"][0]})
    assert response.status_code == 503
    assert UNREACHABLE in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.fixture
def sso_only(provider, settings):
    """SSO_ONLY=1 as settings.py sets it; allauth decides its URLs at import, so the URL
    modules are imported again with it (and again without it afterwards)."""
    import importlib

    import allauth.account.urls
    import allauth.urls
    from django.urls import clear_url_caches

    import intranet.urls

    def reload_urls() -> None:
        for module in (allauth.account.urls, allauth.urls, intranet.urls):
            importlib.reload(module)
        clear_url_caches()

    verification = settings.ACCOUNT_EMAIL_VERIFICATION
    settings.SSO_ONLY = True
    settings.SOCIALACCOUNT_ONLY = True
    settings.ACCOUNT_EMAIL_VERIFICATION = "none"
    reload_urls()
    yield provider
    settings.SSO_ONLY = False
    settings.SOCIALACCOUNT_ONLY = False
    settings.ACCOUNT_EMAIL_VERIFICATION = verification
    reload_urls()


def test_sso_only_turns_password_sign_in_sign_up_and_reset_off(sso_only, make_user):
    make_user("maria", email="maria@northwind.example")
    client = Client()
    page = client.get("/accounts/login/").content.decode()
    assert "Company sign-in" in page
    assert 'name="password"' not in page
    refused = client.post(
        "/accounts/login/",
        {"login": "maria@northwind.example", "password": "correct-horse-battery-staple"},
    )
    assert refused.status_code == 403
    assert "_auth_user_id" not in client.session
    assert client.get("/accounts/signup/").status_code == 404
    assert client.get("/accounts/password/reset/").status_code == 404
    # Single sign-on still lets her in, to pages that link to no password settings.
    assert sign_in_with_sso(client).status_code == 302
    assert "_auth_user_id" in client.session
    home = client.get("/")
    assert home.status_code == 200
    assert "/accounts/password/" not in home.content.decode()
    assert client.get("/notifications/settings/").status_code == 200


def test_sso_only_unreachable_page_does_not_offer_the_password(sso_only):
    sso_only.failing_with = 503
    response = Client().post("/accounts/oidc/sso/login/")
    assert response.status_code == 503
    text = response.content.decode()
    assert "sign in with your password" not in text
    assert "Try again in a few minutes" in text
