"""django-allauth adapters: the seam where sign-up rules and profile creation hook in."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import user_email
from allauth.core import context as allauth_context
from allauth.core import ratelimit
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django import forms
from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.http import HttpRequest

from intranet.lib.mail import MailNotSent, absolute_url, describe, text_to_html
from profiles.actions import ensure_profile
from profiles.mailing import settings_url
from profiles.models import User


def email_domain_allowed(email: str) -> bool:
    allowed = settings.SIGNUP_EMAIL_DOMAINS
    if not allowed:
        return True
    domain = email.rsplit("@", 1)[-1].strip().lower()
    return domain in allowed


def domain_refusal_message() -> str:
    domains = ", ".join(f"@{d}" for d in settings.SIGNUP_EMAIL_DOMAINS)
    return f"Sign-up is limited to company e-mail addresses ({domains}). Use your work address."


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        if not email_domain_allowed(email):
            raise forms.ValidationError(domain_refusal_message(), code="email_domain")
        return email

    def save_user(
        self, request: HttpRequest, user: User, form: forms.Form, commit: bool = True
    ) -> User:
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            display_name = form.cleaned_data.get("display_name", "") if form else ""
            ensure_profile(user=user, display_name=display_name)
        return user

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """allauth's mails with links to SITE_URL (not to whatever host the request came
        through), and an SMTP failure raised as MailNotSent: the page says the mail could
        not be sent (intranet.lib.mail.MailFailureMiddleware), never a 500."""
        context = {
            **{key: _site_link(value) for key, value in context.items()},
            # allauth's templates name the site by the request's host otherwise.
            "current_site": SimpleNamespace(
                name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc
            ),
            "site_url": settings.SITE_URL,
            "settings_url": settings_url(),
        }
        try:
            super().send_mail(template_prefix, email, context)
        except OSError as error:  # smtplib's errors, refused connections and timeouts
            # allauth counts a mail against the address's limits before sending it, and
            # skips a confirmation mail "already sent" recently: one that never left must
            # not stop the retry the page asks for.
            request = allauth_context.request
            if request is not None:
                for action in ("confirm_email", "reset_password"):
                    ratelimit.clear(request, action=action, key=email.lower())
            raise MailNotSent(describe(error)) from error

    def render_mail(
        self,
        template_prefix: str,
        email: str | list[str],
        context: dict[str, Any],
        headers: dict[str, str] | None = None,
    ) -> EmailMessage:
        message = super().render_mail(template_prefix, email, context, headers)
        # allauth's mails are written as text: every mail has an HTML part too.
        if isinstance(message, EmailMultiAlternatives) and not message.alternatives:
            message.attach_alternative(text_to_html(str(message.body)), "text/html")
        return message


def _site_link(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        return absolute_url(value)
    return value


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        email = user_email(sociallogin.user) or ""
        return bool(email) and email_domain_allowed(email)

    def save_user(self, request: HttpRequest, sociallogin: Any, form: Any = None) -> User:
        user: User = super().save_user(request, sociallogin, form)
        extra = sociallogin.account.extra_data or {}
        ensure_profile(user=user, display_name=str(extra.get("name", "")))
        return user
