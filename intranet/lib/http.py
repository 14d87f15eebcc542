"""Request types shared by every app's views."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:  # for the type checker only: intranet.lib imports no app when it runs
    from profiles.models import User


class AuthenticatedRequest(HttpRequest):
    """A request behind LoginRequiredMiddleware: `user` is a signed-in User."""

    user: User
    htmx: HtmxDetails
