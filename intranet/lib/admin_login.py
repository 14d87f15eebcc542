"""Throttling the Django admin's sign-in with django-axes, and only that.

Axes watches every call to ``authenticate()`` and every login signal. Left alone it would
also count allauth's failed sign-ins (whose credentials carry an e-mail, not a username, so
they would all pile onto one "no username" record per address) and answer them with its own
lockout page, and it would log every sign-in, tests' ``force_login`` included. allauth
throttles its own sign-in (``ACCOUNT_RATE_LIMITS``), so axes is confined to the admin site:
``AXES_ONLY_ADMIN_SITE`` makes it refuse only admin sign-ins, and this handler makes it
record only those.
"""

from __future__ import annotations

import math
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class AdminLoginHandler(AxesDatabaseHandler):
    """Axes' database handler, ignoring sign-ins and sign-outs outside the admin site."""

    def _from_admin(self, request: HttpRequest | None) -> bool:
        return request is not None and bool(self.is_admin_request(request))

    def user_login_failed(
        self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
    ) -> None:
        if self._from_admin(request):
            super().user_login_failed(sender, credentials, request, **kwargs)

    def user_logged_in(self, sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
        if self._from_admin(request):
            super().user_logged_in(sender, request, user, **kwargs)

    def user_logged_out(self, sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
        if self._from_admin(request):
            super().user_logged_out(sender, request, user, **kwargs)


def locked_out(request: HttpRequest, *args: Any) -> HttpResponse:
    """The page a locked-out admin sign-in gets: 429, saying how long to wait.

    Axes passes (request, original response, credentials), or (request, credentials) from
    its async middleware; neither is needed here."""
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else None
    response = render(request, "intranet/admin_locked_out.html", {"minutes": minutes}, status=429)
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
