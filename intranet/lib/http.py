"""Request types shared by every app's views."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from profiles.models import User


class AuthenticatedRequest(HttpRequest):
    """A request behind LoginRequiredMiddleware: `user` is a signed-in User."""

    user: User
    htmx: HtmxDetails
