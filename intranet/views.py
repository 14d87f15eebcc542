from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from intranet.lib.http import AuthenticatedRequest
from profiles.actions import ensure_profile
from profiles.models import Profile

COLLEAGUES_SHOWN = 12


@require_GET
def home(request: AuthenticatedRequest) -> HttpResponse:
    profile = ensure_profile(user=request.user)
    colleagues = (
        Profile.objects.filter(department=profile.department, user__is_active=True)
        .exclude(pk=profile.pk)
        .select_related("user", "department")[:COLLEAGUES_SHOWN]
        if profile.department_id
        else Profile.objects.none()
    )
    newcomers = (
        Profile.objects.filter(user__is_active=True)
        .exclude(pk=profile.pk)
        .select_related("user", "department")
        .order_by("-user__date_joined", "-pk")[:6]
    )
    return render(
        request,
        "intranet/home.html",
        {"profile": profile, "colleagues": colleagues, "newcomers": newcomers},
    )


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitors: 200 when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok"})
