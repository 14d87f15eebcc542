"""Creating people and their profiles, their appearance, and letting them sign in or not."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from intranet.lib.access import NotAllowed
from intranet.lib.dates import validate_time_zone
from profiles import signals
from profiles.models import Department, Expertise, Profile, User


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
    profile, created = Profile.objects.get_or_create(
        user=user,
        defaults={"display_name": display_name.strip() or default_display_name(user)},
    )
    if created:
        _reindex_person(user.pk)
    return profile


def _reindex_person(user_id: int) -> None:
    """What colleagues find about the person may have changed: search reindexes their
    document after commit (its receiver of profiles.signals.person_changed)."""
    signals.person_changed.send(sender=User, user_id=user_id)


def update_profile(
    *,
    by: User,
    profile: Profile,
    display_name: str,
    title: str,
    department: Department | None,
    location: str,
    time_zone: str | None = None,
) -> Profile:
    """Change what colleagues see of a person. Preconditions: `by` may edit the profile
    (the person themselves, or staff: NotAllowed); display_name is not blank; time_zone,
    when given, is "" (automatic) or a known zone name (ValidationError). None leaves the
    time zone as it is."""
    from profiles.permissions import can_edit_profile, require_colleague

    require_colleague(by)
    if not can_edit_profile(by, profile):
        raise NotAllowed("Only the person themselves or staff can change this profile.")
    if not display_name.strip():
        raise ValueError("display_name must not be blank")
    profile.display_name = display_name.strip()
    profile.title = title.strip()
    profile.department = department
    profile.location = location.strip()
    fields = ["display_name", "title", "department", "location", "updated_at"]
    if time_zone is not None:
        validate_time_zone(time_zone)
        profile.time_zone = time_zone
        fields.append("time_zone")
    profile.save(update_fields=fields)
    _reindex_person(profile.user_id)
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
    _reindex_person(user.pk)
    return user


def set_theme(*, user: User, theme: str) -> None:
    """Choose light or dark pages, or to follow the device (Profile.Theme). Preconditions:
    `user` is a colleague (NotAllowed); `theme` is one of Profile.Theme (ValidationError).
    No side effects beyond the profile: every page reads it when it renders."""
    from profiles.permissions import require_colleague

    require_colleague(user)
    if theme not in Profile.Theme.values:
        raise ValidationError({"theme": "Choose light, dark or the same as your device."})
    Profile.objects.filter(user=user).update(theme=theme, updated_at=timezone.now())


def set_active(*, user: User, active: bool) -> User:
    """Let a person sign in, or stop them. Stopping ends every session they have (a new
    session generation: the cookies they had never authenticate again, even after they
    are let back in, who then sign in anew) and closes their open sockets (after commit),
    since a socket keeps the identity it had when it connected. Their bell is forgotten
    after commit either way. Both are done by notifications, on
    profiles.signals.person_active_changed (sent in this transaction, when it changes)."""

    if user.is_active != active:
        User.objects.filter(pk=user.pk).update(is_active=active)
        Expertise.objects.filter(user=user).update(former=not active)
        user.is_active = active
        if not active:
            User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
            user.refresh_from_db(fields=["session_generation"])
        signals.person_active_changed.send(sender=User, user_id=user.pk, active=active)
    return user
