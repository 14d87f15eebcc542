"""Who may see and change people's profiles. One helper per question, used everywhere."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.shortcuts import get_object_or_404

from intranet.lib.access import NotAllowed
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
    """The person themselves or staff; a departed person's profile (their last title and
    department) only staff."""
    if not viewer.is_authenticated:
        return False
    if profile.departed_at is not None:
        return bool(viewer.is_staff)
    return bool(viewer.pk == profile.user_id or viewer.is_staff)


def is_people_staff(viewer: User | AnonymousUser) -> bool:
    """May manage leaving and departed people (the staff people page, handovers)."""
    return bool(viewer.is_authenticated and viewer.is_staff and not viewer.is_former)


def require_people_staff(viewer: User | AnonymousUser) -> None:
    """404 for anyone else: the staff pages do not admit that they exist."""
    if not is_people_staff(viewer):
        raise Http404("No such page.")


def get_person_for_staff(viewer: User | AnonymousUser, username: str) -> Profile:
    """A person's profile for the staff people pages; 404 for non-staff or no such person."""
    require_people_staff(viewer)
    return get_object_or_404(
        Profile.objects.select_related("user", "department"), user__username=username
    )


def require_colleague(actor: User | AnonymousUser | None) -> User:
    """The acting person, if they may act at all: signed in and a current colleague (not a
    former one: see User.is_former). NotAllowed otherwise. Every action that takes an acting
    person calls this (or a check built on it) before anything else."""
    if actor is None or not actor.is_authenticated or not isinstance(actor, User):
        raise NotAllowed("Sign in to do this.")
    if actor.is_former:
        raise NotAllowed("Former colleagues cannot change anything here.")
    return actor
