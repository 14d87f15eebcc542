"""The signed-in person, loaded with their profile in one query on every request.

Every page reads the reader's profile (their time zone, theme and name in the header), so
the authentication backends load it, with its department, together with the user: one
query a request fewer than a user and then a profile. A session stores the dotted path of
the backend that signed the person in, and Django trusts only paths still listed in
AUTHENTICATION_BACKENDS; sessions made before these backends existed name Django's or
allauth's, so both middlewares here rename the path to its successor before the user is
read (pages save it; sockets only read it), and nobody is signed out.
"""

from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend
from asgiref.sync import sync_to_async
from channels.auth import AuthMiddleware
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth import backends as django_backends
from django.contrib.auth import middleware as django_middleware
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest

from profiles.models import User

# The path a session may still hold -> the backend that now does its work.
SUCCESSORS = {
    "django.contrib.auth.backends.ModelBackend": "profiles.auth.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend": "profiles.auth.AccountBackend",
}


class _LoadsProfile:
    def get_user(self, user_id: Any) -> User | None:
        """As ModelBackend.get_user, with the profile and its department (None if the person
        has no profile: the page makes it)."""
        try:
            user = User._default_manager.select_related("profile__department").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None  # type: ignore[attr-defined]


class ModelBackend(_LoadsProfile, django_backends.ModelBackend):
    """Django's backend (sign-in by username and password: the admin's form)."""


class AccountBackend(_LoadsProfile, AuthenticationBackend):
    """allauth's backend (sign-in by e-mail or username, and single sign-on)."""


def rename_stored_backend(session: SessionBase) -> None:
    """Point a session made before these backends at their successor."""
    successor = SUCCESSORS.get(session.get(BACKEND_SESSION_KEY, ""))
    if successor is not None:
        session[BACKEND_SESSION_KEY] = successor


class AuthenticationMiddleware(django_middleware.AuthenticationMiddleware):
    """Django's, reading sessions that still name an old backend; the renamed path is
    saved with the response."""

    def process_request(self, request: HttpRequest) -> None:
        if hasattr(request, "session"):
            rename_stored_backend(request.session)
        super().process_request(request)


class SocketAuthMiddleware(AuthMiddleware):
    """Channels' AuthMiddleware, reading sessions that still name an old backend (the
    session is not saved from a socket: the next page saves it)."""

    async def resolve_scope(self, scope: dict[str, Any]) -> None:
        await sync_to_async(rename_stored_backend)(scope["session"])
        await super().resolve_scope(scope)
