"""django-allauth adapters: the seam where sign-up rules and profile creation hook in."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import user_email
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django import forms
from django.conf import settings
from django.http import HttpRequest

from profiles.actions import ensure_profile
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


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        email = user_email(sociallogin.user) or ""
        return bool(email) and email_domain_allowed(email)

    def save_user(self, request: HttpRequest, sociallogin: Any, form: Any = None) -> User:
        user: User = super().save_user(request, sociallogin, form)
        extra = sociallogin.account.extra_data or {}
        ensure_profile(user=user, display_name=str(extra.get("name", "")))
        return user
