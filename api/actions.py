"""Writes about personal access tokens: create (the secret shown once), revoke, and revoke
every token of a person who departed."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from api.models import AccessToken
from intranet.lib.access import NotAllowed, NotVisible
from profiles.models import User
from profiles.permissions import is_people_staff, require_colleague

# Recognisable in logs, chat and secret scanners: an Outloud token.
TOKEN_PREFIX = "olt_"  # noqa: S105  (a marker, not a secret)
MAX_TOKENS = 50  # live tokens per person
MAX_NAME = 100
# last_used_at is written at most this often per token, not on every request.
USE_RECORD_INTERVAL = timedelta(minutes=1)


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(
    *, user: User, name: str, scope: str, expires_at: datetime | None = None
) -> tuple[AccessToken, str]:
    """A new token for `user` and its secret (shown to them once, never stored). Preconditions:
    a current colleague (NotAllowed); a name; a known scope; an expiry in the future; fewer
    than MAX_TOKENS live tokens (ValidationError naming the field)."""
    require_colleague(user)
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the token a name (what will use it?)."})
    if len(name) > MAX_NAME:
        raise ValidationError({"name": f"Keep the name under {MAX_NAME} characters."})
    if scope not in AccessToken.Scope.values:
        raise ValidationError({"scope": "Choose read, or read and write."})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": "Choose a date in the future."})
    if live_tokens(user).count() >= MAX_TOKENS:
        raise ValidationError(f"You have {MAX_TOKENS} tokens; revoke one you no longer use.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = AccessToken.objects.create(
        user=user,
        name=name,
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        digest=digest_of(secret),
        scope=scope,
        expires_at=expires_at,
    )
    return token, secret


def live_tokens(user: User) -> Any:
    return AccessToken.objects.filter(user=user, revoked_at__isnull=True)


def revoke_token(*, by: User, token: AccessToken) -> AccessToken:
    """Revoke a token: its owner, or people staff (NotVisible for anyone else: another
    person's token is not admitted to exist). Idempotent."""
    require_colleague(by)
    if token.user_id != by.pk and not is_people_staff(by):
        raise NotVisible("No such token.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        AccessToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=token.revoked_at
        )
    return token


def revoke_all_tokens(*, user: User) -> int:
    """Revoke every live token of `user` (departure). Returns how many."""
    return live_tokens(user).update(revoked_at=timezone.now())


def revoke_tokens_of_departed(event: str, payload: dict[str, Any]) -> None:
    """domain_events subscriber: a person marked departed loses every token."""
    with transaction.atomic():
        AccessToken.objects.filter(user_id=payload["user_id"], revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )


def token_for_secret(secret: str) -> AccessToken | None:
    """The usable token with this secret, its owner a current, active colleague; None
    otherwise (unknown, revoked, expired, or its owner left or was stopped)."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = (
        AccessToken.objects.select_related("user__profile").filter(digest=digest_of(secret)).first()
    )
    if token is None or not token.is_usable:
        return None
    user = token.user
    if not user.is_active or user.is_former:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= USE_RECORD_INTERVAL:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def check_may_manage_tokens(viewer: User) -> None:
    """Staff pages for everyone's tokens: people staff only (NotAllowed)."""
    if not is_people_staff(viewer):
        raise NotAllowed("Only staff can do this.")
