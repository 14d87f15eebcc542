"""Sign-up: company domains only when configured, and a profile for every new person."""

from __future__ import annotations

import re
import urllib.parse
from types import SimpleNamespace

import pytest
from allauth.core.exceptions import ImmediateHttpResponse
from django.contrib.auth import get_user_model
from django.core.management import call_command

from profiles.adapters import SocialAccountAdapter
from profiles.models import Profile

User = get_user_model()


def signup(client, email, name="Rita Ramos", password="a-Long-and-unusual-pass-42"):
    return client.post(
        "/accounts/signup/",
        {"email": email, "display_name": name, "password1": password, "password2": password},
    )


def test_signup_with_foreign_domain_is_refused_with_clear_message(client, db, settings):
    settings.SIGNUP_EMAIL_DOMAINS = ["northwind.example", "northwind.co.uk"]
    response = signup(client, "rita@gmail.com")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Sign-up is limited to company e-mail addresses" in text
    assert "@northwind.example, @northwind.co.uk" in text
    # Nothing the person typed is lost.
    assert 'value="rita@gmail.com"' in text
    assert 'value="Rita Ramos"' in text
    assert not User.objects.filter(email="rita@gmail.com").exists()


def test_signup_with_company_domain_creates_user_with_profile(client, db, settings):
    settings.SIGNUP_EMAIL_DOMAINS = ["northwind.example"]
    response = signup(client, "Rita@NorthWind.example")
    assert response.status_code == 302
    user = User.objects.get(email__iexact="rita@northwind.example")
    assert user.profile.display_name == "Rita Ramos"
    assert user.username  # the @handle is generated from the address


def test_company_domain_signup_shows_nothing_until_the_address_is_proven(
    client, db, settings, mailoutbox
):
    """Anyone can type a company address they do not own: with a domain limit, the
    configuration makes verification mandatory, and nothing is readable before the link
    in the mail is followed."""
    settings.SIGNUP_EMAIL_DOMAINS = ["northwind.example"]
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"  # what the settings make of the above
    response = signup(client, "mallory@northwind.example")
    assert response.status_code == 302
    assert "confirm-email" in response.headers["Location"]
    for page in ("/", "/search/?q=budget", "/people/"):
        answer = client.get(page)
        assert answer.status_code == 302, page
        assert answer.headers["Location"].startswith("/accounts/login/"), page
    (mail,) = mailoutbox
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.body)
    assert link, mail.body
    path = urllib.parse.urlsplit(link.group(0)).path
    client.post(path)  # the owner of the address confirms it
    client.post(
        "/accounts/login/",
        {"login": "mallory@northwind.example", "password": "a-Long-and-unusual-pass-42"},
    )
    assert client.get("/").status_code == 200


def test_signup_is_open_when_no_domains_are_configured(client, db, settings):
    settings.SIGNUP_EMAIL_DOMAINS = []
    assert signup(client, "rita@anywhere.example").status_code == 302
    assert Profile.objects.filter(user__email="rita@anywhere.example").exists()


def test_single_sign_on_signup_from_foreign_domain_is_refused_in_our_words(rf, settings):
    settings.SIGNUP_EMAIL_DOMAINS = ["northwind.example"]
    adapter = SocialAccountAdapter()
    no_claims = SimpleNamespace(extra_data={})
    foreign = SimpleNamespace(user=SimpleNamespace(email="mallory@evil.example"), account=no_claims)
    company = SimpleNamespace(
        user=SimpleNamespace(email="maria@northwind.example"), account=no_claims
    )
    request = rf.get("/")
    with pytest.raises(ImmediateHttpResponse) as refused:
        adapter.is_open_for_signup(request, foreign)
    assert refused.value.response.status_code == 403
    assert b"Sign-up is limited to company e-mail addresses" in refused.value.response.content
    assert adapter.is_open_for_signup(request, company) is True


def test_createsuperuser_gets_a_profile(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-Long-and-unusual-pass-42")
    call_command(
        "createsuperuser", interactive=False, username="root", email="root@northwind.example"
    )
    user = User.objects.get(username="root")
    assert user.is_superuser
    assert Profile.objects.get(user=user).display_name == "Root"


def test_create_user_gets_a_profile(db):
    user = User.objects.create_user("lee", "lee.chen@northwind.example", "pw-unused-9")
    assert user.profile.display_name == "Lee Chen"


def test_user_added_in_admin_gets_a_profile(db, make_user, client_for):
    admin = make_user("boss", is_staff=True, is_superuser=True)
    response = client_for(admin).post(
        "/admin/profiles/user/add/",
        {
            "username": "newbie",
            "password1": "a-Long-and-unusual-pass-42",
            "password2": "a-Long-and-unusual-pass-42",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Profile.objects.filter(user__username="newbie").exists()


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/signup/"])
def test_entrance_pages_use_the_site_layout(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    assert b'class="site-header"' in response.content
    assert b"vendor/htmx.min.js" in response.content


def test_password_reset_mails_a_link(client, db, make_user, mailoutbox):
    make_user("maria", email="maria@northwind.example")
    response = client.post("/accounts/password/reset/", {"email": "maria@northwind.example"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "/accounts/password/reset/key/" in mailoutbox[0].body


def test_single_sign_on_button_appears_when_configured(client, db, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "sso",
                    "name": "Northwind SSO",
                    "client_id": "intranet",
                    "secret": "s3cret",
                    "settings": {"server_url": "https://id.northwind.example"},
                }
            ]
        }
    }
    text = client.get("/accounts/login/").content.decode()
    assert "Northwind SSO" in text
    assert "/accounts/oidc/sso/login/" in text


def test_no_single_sign_on_button_by_default(client, db):
    assert "/accounts/oidc/" not in client.get("/accounts/login/").content.decode()


def test_admin_deactivation_goes_through_the_action(
    make_user, client_for, monkeypatch, django_capture_on_commit_callbacks
):
    from notifications import events

    closed: list[int] = []
    monkeypatch.setattr(events, "close_user_sockets", closed.append)
    boss = make_user("boss", is_staff=True, is_superuser=True)
    leaver = make_user("leaver", email="leaver@example.com")
    page = client_for(boss).get(f"/admin/profiles/user/{leaver.pk}/change/")
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.update(
        {
            "username": "leaver",
            "email": "leaver@example.com",
            "date_joined_0": leaver.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": leaver.date_joined.strftime("%H:%M:%S"),
            "profile-TOTAL_FORMS": "1",
            "profile-INITIAL_FORMS": "1",
            "profile-MIN_NUM_FORMS": "0",
            "profile-MAX_NUM_FORMS": "1",
            "profile-0-id": str(leaver.profile.pk),
            "profile-0-user": str(leaver.pk),
            "profile-0-display_name": leaver.profile.display_name,
        }
    )
    data.pop("is_active", None)  # unchecked box: deactivate
    data.pop("password", None)
    data.pop("last_login", None)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(boss).post(f"/admin/profiles/user/{leaver.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    leaver.refresh_from_db()
    assert leaver.is_active is False
    assert closed == [leaver.pk]
