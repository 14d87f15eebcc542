"""Every error the API answers, as RFC 9457 problem details (application/problem+json).

{"type": "about:blank", "title": "Not Found", "status": 404, "detail": "No such post."}, and
for bad input an `errors` list of {"pointer": "#/title", "detail": "..."}: where in the
request (a JSON pointer into the body, or the query parameter's name) and what is wrong.
The handlers are registered on the NinjaAPI (api.v1); `as_problem` also turns the few
answers made outside ninja (an unknown URL, a method not allowed, an oversized body) into
the same shape.
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from intranet.lib.ratelimit import Throttled

logger = logging.getLogger(__name__)

CONTENT_TYPE = "application/problem+json"


class ApiThrottled(Exception):  # noqa: N818  (a verdict, as intranet.lib.ratelimit's)
    def __init__(self, verdict: Throttled) -> None:
        self.verdict = verdict
        super().__init__(verdict.message)


class BadCursor(Exception):  # noqa: N818
    """A cursor this API did not issue (or one altered on the way)."""


def problem(
    status: int, detail: str = "", *, errors: list[dict[str, str]] | None = None, **extra: Any
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    body.update(extra)
    return HttpResponse(json.dumps(body), status=status, content_type=CONTENT_TYPE)


def _pointer(loc: tuple[Any, ...] | list[Any]) -> str:
    """ninja's error location as a JSON pointer into the body ("#/title") or a parameter's
    name for the query and the path."""
    source, *rest = [str(part) for part in loc] or ["body"]
    if source == "body":
        # ninja names the body parameter first ("payload"); the client never saw it.
        return "#/" + "/".join(rest[1:] if len(rest) > 1 else rest)
    return ".".join(rest) or source


def _field_errors(exc: DjangoValidationError) -> list[dict[str, str]]:
    if hasattr(exc, "error_dict"):
        return [
            {"pointer": "#" if field == "__all__" else f"#/{field}", "detail": message}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [{"pointer": "#", "detail": message} for message in exc.messages]


def install(api: NinjaAPI) -> None:
    """Answer every exception an endpoint raises as a problem."""

    @api.exception_handler(NinjaValidationError)
    def invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [
            {"pointer": _pointer(error.get("loc", ())), "detail": str(error.get("msg", ""))}
            for error in exc.errors
        ]
        return problem(422, "The request does not match the schema.", errors=errors)

    @api.exception_handler(DjangoValidationError)
    def refused_input(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        errors = _field_errors(exc)
        detail = errors[0]["detail"] if len(errors) == 1 else "Some of the input was refused."
        return problem(422, detail, errors=errors)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = problem(
            401,
            "Send a valid personal access token (Authorization: Bearer olt_...), "
            "or sign in to the site.",
        )
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        message = str(exc)
        if exc.status_code == 400 and message.startswith("Cannot parse request body"):
            message = "The body is not valid JSON."
        return problem(exc.status_code, message)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem(404, str(exc) or "Not found.")

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return problem(403, str(exc) or "You may not do this.")

    @api.exception_handler(BadCursor)
    def bad_cursor(request: HttpRequest, exc: BadCursor) -> HttpResponse:
        return problem(
            400,
            "The cursor is not one this API gave out; start again without it.",
            errors=[{"pointer": "cursor", "detail": "Invalid cursor."}],
        )

    @api.exception_handler(ApiThrottled)
    def throttled(request: HttpRequest, exc: ApiThrottled) -> HttpResponse:
        response = problem(429, exc.verdict.message, retry_after=exc.verdict.retry_after)
        response["Retry-After"] = str(exc.verdict.retry_after)
        return response

    @api.exception_handler(Exception)
    def failed(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API error on %s %s", request.method, request.path)
        return problem(500, "Something went wrong on our side; nothing was changed.")


def as_problem(response: HttpResponse) -> HttpResponse:
    """An error answered outside the handlers (ninja's 405, an empty 4xx) as a problem."""
    if response.status_code < 400 or response.get("Content-Type", "").startswith(CONTENT_TYPE):
        return response
    replaced = problem(response.status_code)
    for header in ("Allow", "Retry-After", "WWW-Authenticate"):
        if header in response:
            replaced[header] = response[header]
    return replaced
