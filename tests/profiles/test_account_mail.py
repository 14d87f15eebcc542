"""Sign-up and password-reset mails (allauth), through a real SMTP server on 127.0.0.1, and
what the pages say when the server refuses or never answers."""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import pytest
from django.test import Client

from profiles.models import User
from tests.support.smtp import text_and_html

SITE = "https://intranet.northwind.example"
PASSWORD = "a-Long-and-unusual-pass-42"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"


def sign_up(client: Client, email: str = "rita@northwind.example"):
    return client.post(
        "/accounts/signup/",
        {
            "email": email,
            "display_name": "Rita Ramos",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )


def reset(client: Client, email: str):
    return client.post("/accounts/password/reset/", {"email": email})


def test_confirmation_mail_links_to_site_url_not_to_the_requests_host(db, smtp_inbox):
    # The request arrives through whatever host the proxy passed on; the link must not.
    response = sign_up(Client(HTTP_HOST="localhost"))
    assert response.status_code == 302
    [message] = smtp_inbox.to("rita@northwind.example")
    assert message["Subject"].startswith("[Outloud] ")
    text, html = text_and_html(message)
    confirm = re.search(r"https?://\S+/accounts/confirm-email/\S+/", text)
    assert confirm and confirm.group(0).startswith(SITE + "/accounts/confirm-email/")
    assert "localhost" not in text
    assert f'href="{confirm.group(0)}"' in html
    assert f"{SITE}/notifications/settings/" in text
    # The link works.
    page = Client().get(urlsplit(confirm.group(0)).path)
    assert page.status_code == 200


@pytest.mark.parametrize("verification", ["mandatory", "optional"])
def test_sign_up_with_the_mail_server_down_says_so_and_keeps_no_account(
    db, settings, smtp_refusing, verification
):
    # "optional" signs the person in before the mail goes: that must be undone too.
    settings.ACCOUNT_EMAIL_VERIFICATION = verification
    client = Client()
    response = sign_up(client)
    assert response.status_code == 503
    text = response.content.decode()
    assert "The e-mail could not be sent" in text
    assert "Your account was not created: sign up again in a few minutes." in text
    assert not User.objects.filter(email__iexact="rita@northwind.example").exists()
    assert "_auth_user_id" not in client.session
    assert "Sign out" not in text  # the page is not shown as if signed in


def test_sign_up_works_once_the_mail_server_is_back(db, settings, smtp_inbox):
    from tests.support.smtp import free_port

    up = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()
    assert sign_up(Client()).status_code == 503
    settings.EMAIL_PORT = up
    assert sign_up(Client()).status_code == 302
    assert User.objects.filter(email__iexact="rita@northwind.example").count() == 1
    assert smtp_inbox.to("rita@northwind.example")


def test_password_reset_mail_links_to_site_url(make_user, smtp_inbox):
    make_user("maria", email="maria@northwind.example")
    assert reset(Client(HTTP_HOST="localhost"), "maria@northwind.example").status_code == 302
    [message] = smtp_inbox.to("maria@northwind.example")
    text, _ = text_and_html(message)
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", text)
    assert link and link.group(0).startswith(SITE + "/")


def test_password_reset_with_the_mail_server_down_says_how_to_retry(make_user, smtp_refusing):
    make_user("maria", email="maria@northwind.example")
    response = reset(Client(), "maria@northwind.example")
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert "ask for the reset again in a few minutes" in response.content.decode()


def test_password_reset_gives_up_on_a_silent_mail_server(make_user, smtp_silent):
    make_user("maria", email="maria@northwind.example")
    started = time.monotonic()
    response = reset(Client(), "maria@northwind.example")
    assert response.status_code == 503
    assert time.monotonic() - started < 10  # EMAIL_TIMEOUT is 2 s in these tests
