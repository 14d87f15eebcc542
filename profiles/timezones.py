"""Shows every date and time in the reader's time zone.

The zone is, in order: the person's own setting (Profile.time_zone), else the zone their
browser reported in the `tz` cookie (static/js/timezone.js sets it), else the site's
TIME_ZONE (also what a browser without JavaScript gets). A cookie naming no known zone is
ignored, never an error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from intranet.lib.dates import time_zone
from profiles.models import Profile

TZ_COOKIE = "tz"


def reader_time_zone(request: HttpRequest) -> ZoneInfo | None:
    """The zone to show `request`'s reader, or None for the site's own."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        chosen = _own_profile_time_zone(user)
        if chosen and (zone := time_zone(chosen)) is not None:
            return zone
    reported = request.COOKIES.get(TZ_COOKIE, "")
    return time_zone(reported) if reported and len(reported) <= 64 else None


def _own_profile_time_zone(user: Any) -> str:
    """The person's chosen zone. base.html and the home page read the same profile anyway:
    it is loaded here once, with its department, and cached on the user for them."""
    if "profile" not in user._state.fields_cache:
        profile = Profile.objects.select_related("department").filter(user=user).first()
        if profile is None:
            return ""
        user.profile = profile
    try:
        return str(user.profile.time_zone)
    except ObjectDoesNotExist:
        return ""


class ReaderTimeZoneMiddleware:
    """Activates the reader's zone for the request (after AuthenticationMiddleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = reader_time_zone(request)
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
