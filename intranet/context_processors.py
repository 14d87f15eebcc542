from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Q
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    # sso_only: password and address pages do not exist (SSO_ONLY), so nothing links there.
    context: dict[str, Any] = {"site_name": settings.SITE_NAME, "sso_only": settings.SSO_ONLY}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from profiles.models import Notification

        # One query for the bell: unread count, and the newest id the page already knows
        # (the socket asks for anything newer when it connects).
        stats = Notification.objects.filter(recipient=user, in_app=True).aggregate(
            unread=Count("id", filter=Q(read_at__isnull=True)), last=Max("id")
        )
        context["unread_notifications"] = stats["unread"]
        context["last_notification_id"] = stats["last"] or 0
    return context
