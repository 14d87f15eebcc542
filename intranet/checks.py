"""System checks for production (`manage.py check --deploy`): who can get in.

Django's own deploy checks cover transport and cookies (and a SECRET_KEY shorter than 50
characters, security.W009); these cover what only this product knows: whether strangers
can create an account and read the whole company's questions.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register

OPEN_SIGNUP = "intranet.W001"
UNVERIFIED_SIGNUP = "intranet.W002"


def password_signup_open() -> bool:
    """Whether people can create accounts with a password: not with SSO_ONLY (allauth's
    SOCIALACCOUNT_ONLY, where the company's identity provider decides who gets in), else
    as the account adapter says."""
    from allauth.account.adapter import get_adapter

    if getattr(settings, "SOCIALACCOUNT_ONLY", False):
        return False
    return bool(get_adapter().is_open_for_signup(None))


@register(Tags.security, deploy=True)
def check_signup(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    if not password_signup_open():
        return []
    found = []
    if not settings.SIGNUP_EMAIL_DOMAINS:
        found.append(
            Warning(
                "Sign-up is open to any e-mail address: anyone who can reach the site can "
                "create an account and read every open question.",
                hint="Set SIGNUP_EMAIL_DOMAINS to the company's e-mail domains.",
                id=OPEN_SIGNUP,
            )
        )
    if settings.ACCOUNT_EMAIL_VERIFICATION != "mandatory":
        found.append(
            Warning(
                "Sign-up does not require a verified e-mail address "
                f"(ACCOUNT_EMAIL_VERIFICATION={settings.ACCOUNT_EMAIL_VERIFICATION}): "
                "people can sign up with an address they do not own.",
                hint="Set ACCOUNT_EMAIL_VERIFICATION=mandatory.",
                id=UNVERIFIED_SIGNUP,
            )
        )
    return found
