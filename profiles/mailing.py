"""The mails a person can stop from the mail itself, and the signed links that stop them.

A link carries the person's id and the kind of mail, signed with SECRET_KEY (Django's
signing): it needs no sign-in (a mail client's one-click unsubscribe has none), cannot be
forged for someone else, and does not expire, since a mail may be read months later.
"""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

from intranet.lib.mail import absolute_url
from profiles.models import User

DIGEST = "digest"
WEEKLY_SUMMARY = "weekly_summary"
# What each mail is called on the pages that stop it.
MAILS = {DIGEST: "the daily e-mail digest", WEEKLY_SUMMARY: "the weekly knowledge report"}
_SALT = "profiles.unsubscribe"


def unsubscribe_token(user: User, mail: str) -> str:
    if mail not in MAILS:
        raise ValueError(f"unknown mail {mail!r}")
    return signing.dumps([user.pk, mail], salt=_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """(person id, mail) from a token; signing.BadSignature if forged or damaged."""
    try:
        person, mail = signing.loads(token, salt=_SALT)
    except (TypeError, ValueError) as error:  # signed, but not a pair: not one of ours
        raise signing.BadSignature("malformed unsubscribe token") from error
    if not isinstance(person, int) or mail not in MAILS:
        raise signing.BadSignature("malformed unsubscribe token")
    return person, mail


def unsubscribe_url(user: User, mail: str, *, site_url: str = "") -> str:
    path = reverse("unsubscribe", args=[unsubscribe_token(user, mail)])
    return absolute_url(path, site_url=site_url)


def settings_url(*, site_url: str = "") -> str:
    return absolute_url(reverse("notification_settings"), site_url=site_url)
