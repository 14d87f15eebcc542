"""/api/v1/ (the API), the person's token settings and the staff token list."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path
from django.views.decorators.csrf import csrf_exempt

from api import problems, views
from api.v1 import api


def _api_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """An API endpoint as the site serves it: open to the middleware that demands a session
    (the API authenticates by itself, token or session), bodies over API_MAX_BODY refused
    before they are read, and every error a problem."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        length = request.headers.get("Content-Length", "").strip() or "0"
        if not length.isdigit() or int(length) > settings.API_MAX_BODY:
            return problems.problem(
                413, f"Send at most {settings.API_MAX_BODY:,} bytes in a request body."
            )
        try:
            response = view(request, *args, **kwargs)
        except Http404:  # the API's root, which names no endpoint
            return problems.problem(404, "No such API endpoint; see /api/v1/docs.")
        return problems.as_problem(response)

    return login_not_required(wrapped)


def _wrap(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    for entry in patterns:
        if isinstance(entry, URLPattern):
            entry.callback = _api_view(entry.callback)
    return patterns


@login_not_required
@csrf_exempt
def unknown(request: HttpRequest, rest: str) -> HttpResponse:
    return problems.problem(404, "No such API endpoint; see /api/v1/docs.")


# Not unpacked into module names: a module-level `app_name` would namespace every URL here.
_api_urls = api.urls

urlpatterns = [
    path("api/v1/", (_wrap(_api_urls[0]), _api_urls[1], _api_urls[2])),
    path("api/<path:rest>", unknown, name="api_unknown"),
    path("settings/tokens/", views.my_tokens, name="api_tokens"),
    path("settings/tokens/<int:pk>/revoke/", views.revoke_my_token, name="api_token_revoke"),
    path("staff/tokens/", views.staff_tokens, name="staff_api_tokens"),
    path("staff/tokens/<int:pk>/revoke/", views.staff_revoke_token, name="staff_api_token_revoke"),
]
