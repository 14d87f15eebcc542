"""The inbox, the notification settings (in the app and by e-mail) and the unsubscribe
links of mails. The bell and the socket are in events.py and consumers.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from intranet.lib.http import AuthenticatedRequest
from notifications.actions import (
    mark_notifications_read,
    preferences,
    set_preferences,
    set_weekly_summary_email,
    stop_mail,
)
from notifications.events import NOTIFICATION_RELATED, group_notifications
from notifications.models import Notification
from profiles.mailing import MAILS, read_unsubscribe_token
from profiles.models import Profile, User


@require_GET
def notifications(request: AuthenticatedRequest) -> HttpResponse:
    """The inbox, newest first; unread likes on the same thing are shown as one line."""
    return _inbox(request)


def _inbox(request: AuthenticatedRequest) -> HttpResponse:
    rows = list(
        Notification.objects.filter(recipient=request.user, in_app=True)
        .seen_by_recipient()
        .select_related(*NOTIFICATION_RELATED)
        .order_by("-id")[:100]
    )
    items = group_notifications(rows)
    partial = "notifications/partials/inbox.html"
    template = partial if request.htmx else "notifications/notifications.html"
    return render(request, template, {"items": items})


@require_POST
def notifications_read(request: AuthenticatedRequest) -> HttpResponse:
    """Mark one notification (`id`) or all of them read."""
    raw = request.POST.get("id", "")
    ids = [int(x) for x in raw.split(",") if x.isdigit()] if raw else None
    mark_notifications_read(user=request.user, ids=ids)
    if request.htmx:
        return _inbox(request)
    return redirect("notifications")


@require_http_methods(["GET", "POST"])
def notification_settings(request: AuthenticatedRequest) -> HttpResponse:
    """Per kind of notification: in the app, and in the daily e-mail digest."""
    if request.method == "POST":
        valid = set(Notification.Verb.values)
        set_preferences(
            user=request.user,
            in_app=set(request.POST.getlist("in_app")) & valid,
            email=set(request.POST.getlist("email")) & valid,
        )
        if request.user.is_staff:
            set_weekly_summary_email(
                user=request.user, on=request.POST.get("weekly_summary_email") == "1"
            )
        messages.success(request, "Your notification settings are saved.")
        return redirect("notification_settings")
    rows = [
        {"verb": verb, "label": Notification.Verb(verb).label, "in_app": app, "email": mail}
        for verb, (app, mail) in preferences(request.user).items()
    ]
    weekly = Profile.objects.filter(user=request.user).values_list(
        "weekly_summary_email", flat=True
    )
    return render(
        request,
        "notifications/notification_settings.html",
        {"rows": rows, "weekly_summary_email": bool(weekly.first())},
    )


# The signed token is the credential: mail clients' one-click unsubscribe (RFC 8058) POSTs
# without a session or a CSRF token, and the only thing it can do is stop a mail.
@login_not_required
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: a page asking to confirm; POST (the page's button or a mail client's one-click
    unsubscribe): stops that mail for that person."""
    try:
        person_id, mail = read_unsubscribe_token(token)
        person = User.objects.get(pk=person_id)
    except (signing.BadSignature, User.DoesNotExist):
        raise Http404("This unsubscribe link is not valid.") from None
    done = request.method == "POST"
    if done:
        stop_mail(user=person, mail=mail)
    context = {"person": person, "mail_name": MAILS[mail], "done": done}
    return render(request, "notifications/unsubscribe.html", context)
