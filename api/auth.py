"""Who is calling: a personal access token (Authorization: Bearer olt_...), or the site's
own session (the browsable docs, the site's pages; writes then need the CSRF token, as
every form of the site does).

Both refuse former colleagues and stopped accounts. Each token is rate limited
(RATE_LIMITS["api"], per token, per minute); writes count against the person's site limits
too (posting, liking), so a token is no way around them.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from api.actions import token_for_secret
from api.models import AccessToken
from api.problems import ApiThrottled
from intranet.lib.access import NotAllowed
from intranet.lib.ratelimit import throttle
from profiles.models import User


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> AccessToken | None:
        found = token_for_secret(token.strip())
        if found is None:
            return None
        verdict = throttle(user=found, action="api")
        if verdict is not None:
            raise ApiThrottled(verdict)
        request.user = found.user
        return found


class ColleagueSessionAuth(SessionAuth):
    """The site's session, for current colleagues only (CSRF checked on writes)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = request.user
        if not user.is_authenticated or not isinstance(user, User) or user.is_former:
            return None
        return user


AUTH = [TokenAuth(), ColleagueSessionAuth()]


def caller(request: HttpRequest, *, write: bool = False) -> User:
    """The person the request acts as; for a write, a token must have the write scope."""
    auth: Any = getattr(request, "auth", None)
    if isinstance(auth, AccessToken):
        if write and not auth.can_write:
            raise NotAllowed("This token may only read; create one with the write scope.")
        return auth.user
    if isinstance(auth, User):
        return auth
    raise NotAllowed("Sign in to do this.")


def site_throttle(user: User, action: str) -> None:
    """The site's own limit on this kind of write (intranet.lib.ratelimit)."""
    verdict = throttle(user=user, action=action)
    if verdict is not None:
        raise ApiThrottled(verdict)
