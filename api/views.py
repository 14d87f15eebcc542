"""Pages for personal access tokens: each person's own (settings), and everyone's (staff)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from api import actions
from api.forms import StaffTokenSearchForm, TokenForm
from api.models import AccessToken
from intranet.lib.http import AuthenticatedRequest
from profiles.permissions import require_colleague
from profiles.staff_views import staff_only

STAFF_LIST_LIMIT = 200


# The session key holding a new token's id and secret between the POST that made it and
# the one GET that shows it (post-redirect-get: a reload neither makes a second token nor
# shows the secret again).
SHOWN_ONCE_SESSION_KEY = "api_new_token"


@require_http_methods(["GET", "POST"])
def my_tokens(request: AuthenticatedRequest) -> HttpResponse:
    """The person's tokens and a form for a new one. A new token's secret is kept in the
    session only until the next GET of this page, which shows it once and forgets it."""
    require_colleague(request.user)
    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                token, secret = actions.create_token(
                    user=request.user,
                    name=form.cleaned_data["name"],
                    scope=form.cleaned_data["scope"],
                    expires_at=form.expires_at(),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                request.session[SHOWN_ONCE_SESSION_KEY] = {"id": token.pk, "secret": secret}
                return redirect("api_tokens")
        status = 400
    tokens = AccessToken.objects.filter(user=request.user)
    context = {"form": form, "tokens": tokens, "secret": _pop_new_secret(request)}
    response = render(request, "api/tokens.html", context, status=status)
    response["Cache-Control"] = "no-store"  # the secret must not stay in any cache
    return response


def _pop_new_secret(request: AuthenticatedRequest) -> str:
    """The secret of the token just made by this person, once: "" after that, and "" if the
    token is no longer theirs and live (revoked from another tab in between)."""
    kept = request.session.pop(SHOWN_ONCE_SESSION_KEY, None)
    if not isinstance(kept, dict):
        return ""
    live = AccessToken.objects.filter(
        pk=int(kept.get("id") or 0), user_id=request.user.pk, revoked_at__isnull=True
    ).exists()
    return str(kept.get("secret", "")) if live else ""


@require_POST
def revoke_my_token(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(AccessToken, pk=pk, user_id=request.user.pk)
    actions.revoke_token(by=request.user, token=token)
    messages.success(request, f"The token “{token.name}” is revoked: it no longer works.")
    return redirect("api_tokens")


@staff_only
@require_GET
def staff_tokens(request: AuthenticatedRequest) -> HttpResponse:
    """Everyone's live tokens (newest first), optionally of one person."""
    form = StaffTokenSearchForm(request.GET or None)
    tokens = AccessToken.objects.filter(revoked_at__isnull=True).select_related("user__profile")
    q = form.cleaned_data["q"].strip().lstrip("@") if form.is_valid() else ""
    if q:
        tokens = tokens.filter(user__username__iexact=q)
    context = {"form": form, "tokens": tokens[:STAFF_LIST_LIMIT], "limit": STAFF_LIST_LIMIT}
    return render(request, "api/staff_tokens.html", context)


@staff_only
@require_POST
def staff_revoke_token(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(AccessToken.objects.select_related("user"), pk=pk)
    actions.revoke_token(by=request.user, token=token)
    messages.success(request, f"Revoked “{token.name}” of @{token.user.username}.")
    return redirect("staff_api_tokens")
