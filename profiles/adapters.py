"""django-allauth adapters: the seam where sign-up rules and profile creation hook in."""

from __future__ import annotations

import logging
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import requests
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import user_email
from allauth.core import context as allauth_context
from allauth.core import ratelimit
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django import forms
from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from intranet.lib.mail import MailNotSent, absolute_url, describe, text_to_html
from profiles.actions import ensure_profile
from profiles.mailing import settings_url
from profiles.models import User

logger = logging.getLogger(__name__)


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
        """New people from the company's domains only, told so in the product's words
        (allauth would say "Sign up closed")."""
        # The account adapter's domain check has already blanked a foreign address on the
        # user: the provider's own answer says which it was.
        email = user_email(sociallogin.user) or str(_claims(sociallogin).get("email") or "")
        if not email:
            raise ImmediateHttpResponse(
                sso_refused(request, "Your company sign-in did not tell us your e-mail address.")
            )
        if not email_domain_allowed(email):
            raise ImmediateHttpResponse(sso_refused(request, domain_refusal_message()))
        return True

    def save_user(self, request: HttpRequest, sociallogin: Any, form: Any = None) -> User:
        user: User = super().save_user(request, sociallogin, form)
        ensure_profile(user=user, display_name=str(_claims(sociallogin).get("name", "")))
        return user

    def get_requests_session(self) -> requests.Session:
        """The provider's HTTP calls; one that cannot reach it, times out or gets a server
        error shows "not reachable right now" (503) instead of a 500."""
        session = super().get_requests_session()
        send = session.request

        def request(*args: Any, **kwargs: Any) -> requests.Response:
            try:
                response = send(*args, **kwargs)
            except (requests.ConnectionError, requests.Timeout) as error:
                raise ImmediateHttpResponse(sso_unreachable(error)) from error
            if response.status_code >= 500:
                raise ImmediateHttpResponse(sso_unreachable(f"HTTP {response.status_code}"))
            return response

        session.request = request
        return session


def _claims(sociallogin: Any) -> dict[str, Any]:
    """What the provider said about the person (allauth keeps OpenID Connect's answers under
    "userinfo" and "id_token")."""
    extra = getattr(sociallogin.account, "extra_data", None) or {}
    claims = extra.get("userinfo") or extra.get("id_token") or extra
    return claims if isinstance(claims, dict) else {}


def sso_refused(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "profiles/sso_refused.html", {"message": message}, status=403)


def sso_unreachable(reason: object) -> HttpResponse:
    logger.error("single sign-on provider not reachable: %s", reason)
    request = allauth_context.request
    context = {"sso_only": settings.SSO_ONLY}
    response = render(request, "profiles/sso_unreachable.html", context, status=503)
    response["Retry-After"] = "60"
    return response
