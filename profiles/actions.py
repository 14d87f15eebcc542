"""Writes about people. Views, commands and adapters call these; tests call them directly."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from taggit.models import Tag

from profiles.models import Department, Profile, User


def default_display_name(user: User) -> str:
    full = user.get_full_name().strip()
    if full:
        return full
    local = (user.email or "").split("@", 1)[0]
    words = local.replace(".", " ").replace("_", " ").replace("-", " ").split()
    return " ".join(w.capitalize() for w in words) or user.username


def ensure_profile(*, user: User, display_name: str = "") -> Profile:
    """Return the user's profile, creating it if missing.

    Every path that creates users calls this (manager, sign-up adapters, admin, seeding).
    An existing profile is left as it is.
    """
    profile, _ = Profile.objects.get_or_create(
        user=user,
        defaults={"display_name": display_name.strip() or default_display_name(user)},
    )
    return profile


def update_profile(
    *,
    profile: Profile,
    display_name: str,
    title: str,
    department: Department | None,
    location: str,
) -> Profile:
    """Change what colleagues see of a person. Precondition: display_name is not blank."""
    if not display_name.strip():
        raise ValueError("display_name must not be blank")
    profile.display_name = display_name.strip()
    profile.title = title.strip()
    profile.department = department
    profile.location = location.strip()
    profile.save(update_fields=["display_name", "title", "department", "location", "updated_at"])
    return profile


@transaction.atomic
def create_person(
    *,
    username: str,
    email: str,
    display_name: str,
    password: str | None = None,
    password_hash: str | None = None,
    title: str = "",
    department: Department | None = None,
    location: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    """Create a user with a verified e-mail address and a filled-in profile.

    Pass ``password_hash`` (from make_password) to give many people one password without
    hashing it once per person.
    """
    from allauth.account.models import EmailAddress

    user = User(
        username=username,
        email=email,
        is_staff=is_staff,
        is_superuser=is_superuser,
        password=password_hash or make_password(password),
    )
    user.save()
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    Profile.objects.create(
        user=user,
        display_name=display_name,
        title=title,
        department=department,
        location=location,
    )
    return user


def set_follow_person(*, follower: User, person: User, following: bool) -> None:
    """Follow (or stop following) a colleague: their posts and mentions reach your feed."""
    from profiles.models import Follow

    if person.pk == follower.pk:
        raise ValidationError("You cannot follow yourself.")
    if following:
        Follow.objects.get_or_create(follower=follower, user=person)
    else:
        Follow.objects.filter(follower=follower, user=person).delete()


def set_follow_tag(*, follower: User, tag: Tag, following: bool) -> None:
    """Follow (or stop following) a tag: its posts reach your feed."""
    from profiles.models import Follow

    if following:
        Follow.objects.get_or_create(follower=follower, tag=tag)
    else:
        Follow.objects.filter(follower=follower, tag=tag).delete()
