from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from intranet.lib.http import AuthenticatedRequest
from profiles.actions import (
    ensure_profile,
    mark_notifications_read,
    preferences,
    set_follow_person,
    set_preferences,
    update_profile,
)
from profiles.events import group_notifications
from profiles.forms import ProfileForm
from profiles.models import Follow, Notification, Profile
from profiles.permissions import can_edit_profile, get_profile_for_user
from questions import feeds
from questions.models import Bookmark, Community, Membership
from questions.permissions import can_view_post, get_community_by_id_for_user


@require_GET
def person(request: AuthenticatedRequest, username: str) -> HttpResponse:
    """A person's board: who they are, their posts and the posts that mention them."""
    profile = get_profile_for_user(request.user, username)
    page = feeds.board(request.user, profile.user, cursor=request.GET.get("after"))
    if request.htmx and request.GET.get("after"):
        return render(request, "questions/partials/feed_page.html", {"page": page})
    bookmarks = Bookmark.objects.filter(user=profile.user).select_related(
        "post__community", "answer__post__community"
    )
    if profile.user_id != request.user.pk:
        bookmarks = bookmarks.filter(is_private=False)
    shown = [b for b in bookmarks[:30] if can_view_post(request.user, b.post or b.answer.post)]  # type: ignore[union-attr]
    context = {
        "profile": profile,
        "can_edit": can_edit_profile(request.user, profile),
        "page": page,
        "bookmarks": shown,
        "following": Follow.objects.filter(follower=request.user, user=profile.user).exists(),
        "follower_count": Follow.objects.filter(user=profile.user).count(),
    }
    return render(request, "profiles/person.html", context)


@require_POST
def follow_person(request: AuthenticatedRequest, username: str) -> HttpResponse:
    profile = get_profile_for_user(request.user, username)
    following = request.POST.get("following") != "0"
    if profile.user_id != request.user.pk:
        set_follow_person(follower=request.user, person=profile.user, following=following)
    url = reverse("follow_person", args=[username])
    if request.htmx:
        context = {"url": url, "following": following, "what": profile.display_name}
        return render(request, "questions/partials/follow_button.html", context)
    return redirect("person", username=username)


@require_GET
def suggest_people(request: AuthenticatedRequest) -> JsonResponse:
    """Colleagues whose handle or name starts with `q`, for @mention autocomplete.

    Composing in a private community suggests only its members, so that nobody is invited
    to a conversation they cannot see.
    """
    q = request.GET.get("q", "").strip().lstrip("@")[:50]
    if not q:
        return JsonResponse({"results": []})
    people = Profile.objects.filter(user__is_active=True).filter(
        Q(user__username__istartswith=q)
        | Q(display_name__istartswith=q)
        | Q(display_name__icontains=f" {q}")
    )
    community_id = request.GET.get("community", "")
    if community_id.isdigit():
        community = get_community_by_id_for_user(request.user, int(community_id))
        if community.visibility == Community.Visibility.PRIVATE:
            people = people.filter(
                user_id__in=Membership.objects.filter(community=community).values("user_id")
            )
    people = people.select_related("user", "department").order_by("display_name")[:8]
    results = [
        {
            "value": p.user.username,
            "label": p.display_name,
            "detail": " · ".join(
                x
                for x in [f"@{p.user.username}", p.title, p.department.name if p.department else ""]
                if x
            ),
            "initials": p.initials,
        }
        for p in people
    ]
    return JsonResponse({"results": results})


@require_http_methods(["GET", "POST"])
def edit_my_profile(request: AuthenticatedRequest) -> HttpResponse:
    profile = ensure_profile(user=request.user)
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        update_profile(profile=profile, **form.cleaned_data)
        messages.success(request, "Your profile is saved.")
        target = reverse("person", kwargs={"username": request.user.username})
        return HttpResponseClientRedirect(target) if request.htmx else redirect(target)
    template = "profiles/partials/profile_form.html" if request.htmx else "profiles/edit.html"
    return render(request, template, {"form": form, "profile": profile})


@require_GET
def notifications(request: AuthenticatedRequest) -> HttpResponse:
    """The inbox, newest first; unread likes on the same thing are shown as one line."""
    return _inbox(request)


def _inbox(request: AuthenticatedRequest) -> HttpResponse:
    rows = list(
        Notification.objects.filter(recipient=request.user, in_app=True)
        .select_related("actor__profile", "post", "answer__post")
        .order_by("-id")[:100]
    )
    items = group_notifications(rows)
    template = "profiles/partials/inbox.html" if request.htmx else "profiles/notifications.html"
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
        messages.success(request, "Your notification settings are saved.")
        return redirect("notification_settings")
    rows = [
        {"verb": verb, "label": Notification.Verb(verb).label, "in_app": app, "email": mail}
        for verb, (app, mail) in preferences(request.user).items()
    ]
    return render(request, "profiles/notification_settings.html", {"rows": rows})
