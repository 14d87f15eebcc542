from typing import Any

from django.conf import settings
from django.http import HttpRequest

from notifications.events import bell


def site(request: HttpRequest) -> dict[str, Any]:
    # sso_only: password and address pages do not exist (SSO_ONLY), so nothing links there.
    context: dict[str, Any] = {"site_name": settings.SITE_NAME, "sso_only": settings.SSO_ONLY}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        # The bell: unread count, and the newest id the page already knows (the socket asks
        # for anything newer when it connects); cached per person, exact (notifications.events).
        state = bell(user.pk)
        context["unread_notifications"] = state.unread
        context["last_notification_id"] = state.last_id
    return context
