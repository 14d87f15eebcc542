"""Who may see and change people's profiles. One helper per question, used everywhere."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.shortcuts import get_object_or_404

from profiles.models import Profile, User


def get_profile_for_user(viewer: User | AnonymousUser, username: str) -> Profile:
    """A person's profile as `viewer` may see it; 404 if there is no such person.

    Every signed-in colleague may see every profile: openness is the point of the intranet.
    """
    if not viewer.is_authenticated:
        raise Http404("No such person.")
    return get_object_or_404(
        Profile.objects.select_related("user", "department"), user__username=username
    )


def can_edit_profile(viewer: User | AnonymousUser, profile: Profile) -> bool:
    return bool(viewer.is_authenticated and (viewer.pk == profile.user_id or viewer.is_staff))
