from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitors: 200 when the database answers, 503 otherwise.

    A search index that cannot answer is reported ("search": the reason) but does not make
    the site unhealthy: pages still work, and search says what is wrong.
    """
    from search.backend import get_backend

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    problem = get_backend().health()
    return JsonResponse({"status": "ok", "search": problem or "ok"})
