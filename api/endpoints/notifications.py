"""The person's notifications: newest first with a cursor, or, with `last_id`, the catch-up
the notifications socket does on (re)connect: everything newer than last_id, oldest first,
at most CATCH_UP_LIMIT, with `more` when the client should ask again from the new last_id."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Query, Router
from pydantic import Field

from api.auth import caller
from api.pagination import DEFAULT_LIMIT, MAX_LIMIT, keyset_page
from api.schemas import NotificationPage, ReadIn, ReadOut, Strict
from notifications import events
from notifications.actions import mark_notifications_read
from notifications.consumers import CATCH_UP_LIMIT
from notifications.models import Notification

router = Router(tags=["notifications"])


class NotificationParams(Strict):
    last_id: int | None = Field(
        default=None, ge=0, le=2**63 - 1, description="Catch up after this id."
    )
    unread: bool = Field(default=False, description="Only unread ones.")
    cursor: str | None = None
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


def _item(request: HttpRequest, row: Notification) -> dict[str, Any]:
    payload = events.notification_payload(row)
    payload["url"] = request.build_absolute_uri(payload["url"])
    return payload


@router.get("/notifications", response=NotificationPage, summary="Your notifications")
def notifications(request: HttpRequest, params: Query[NotificationParams]) -> dict[str, Any]:
    user = caller(request)
    # What the inbox and the socket show: rows about posts the person may still see.
    own = Notification.objects.filter(recipient=user, in_app=True).seen_by_recipient()
    if params.unread:
        own = own.filter(read_at__isnull=True)
    rows = events.with_prev(own).select_related(*events.NOTIFICATION_RELATED)
    if params.last_id is not None:
        found = list(rows.filter(pk__gt=params.last_id).order_by("pk")[: CATCH_UP_LIMIT + 1])
        more = len(found) > CATCH_UP_LIMIT
        found = found[:CATCH_UP_LIMIT]
        return {
            "items": [_item(request, n) for n in found],
            "next": None,
            "last_id": found[-1].pk if found else params.last_id,
            "more": more,
            "unread": events.unread_count(user.pk),
        }
    page, after = keyset_page(rows, kind="notifications", cursor=params.cursor, limit=params.limit)
    return {
        "items": [_item(request, n) for n in page],
        "next": after,
        "last_id": None,
        "more": False,
        "unread": events.unread_count(user.pk),
    }


@router.post("/notifications/read", response=ReadOut, summary="Mark notifications read")
def mark_read(request: HttpRequest, payload: ReadIn) -> dict[str, Any]:
    """Your own only (others' ids change nothing); `ids: null` marks all of them."""
    user = caller(request, write=True)
    with transaction.atomic():
        marked = mark_notifications_read(user=user, ids=payload.ids)
    return {"marked": marked, "unread": events.unread_count(user.pk)}
