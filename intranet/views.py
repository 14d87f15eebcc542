from __future__ import annotations

import logging
import sys

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET

from search import meaning
from search.backend import get_backend


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitors: 200 when the database answers, 503 otherwise.

    A search index that cannot answer is reported ("search": the reason) but does not make
    the site unhealthy: pages still work, and search says what is wrong. The same goes for
    search by meaning ("meaning": the reason), without which search works on words alone.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    problem = get_backend().health()
    return JsonResponse(
        {"status": "ok", "search": problem or "ok", "meaning": meaning.status() or "ok"}
    )


# How long a page asks to be retried after when the database does not answer.
DATABASE_RETRY_SECONDS = 15


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 handler. When the cause is the database not answering (down, restarting,
    unreachable), say so with a 503 and Retry-After instead of a bare 500: nothing was
    saved, and the same request will work once it is back (every request opens or
    health-checks its connection, so recovery needs no restart).

    Neither page may touch the database: the templates stand alone, without the request's
    context processors (which read the signed-in person)."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        logging.getLogger(__name__).error("database unavailable: %s", error)
        body = loader.render_to_string("intranet/unavailable.html")
        response = HttpResponse(body, status=503)
        response["Retry-After"] = str(DATABASE_RETRY_SECONDS)
        return response
    return HttpResponseServerError(loader.render_to_string("500.html"))
