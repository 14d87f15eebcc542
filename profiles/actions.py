"""Writes about people. Views, commands and adapters call these; tests call them directly."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from taggit.models import Tag

if TYPE_CHECKING:
    from questions.models import Answer, Post

from profiles.models import Department, Notification, NotificationPreference, Profile, User


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
    from search.indexing import reindex_people

    reindex_people(user_id)


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


def set_follow_person(*, follower: User, person: User, following: bool) -> None:
    """Follow (or stop following) a colleague: their posts and mentions reach your feed."""
    from profiles.models import Follow

    if person.pk == follower.pk:
        raise ValidationError("You cannot follow yourself.")
    if following:
        _, created = Follow.objects.get_or_create(follower=follower, user=person)
        if created:
            notify(recipient=person, actor=follower, verb=Notification.Verb.FOLLOWED)
    else:
        Follow.objects.filter(follower=follower, user=person).delete()


def set_follow_tag(*, follower: User, tag: Tag, following: bool) -> None:
    """Follow (or stop following) a tag: its posts reach your feed."""
    from profiles.models import Follow

    if following:
        Follow.objects.get_or_create(follower=follower, tag=tag)
    else:
        Follow.objects.filter(follower=follower, tag=tag).delete()


def notify(
    *,
    recipient: User,
    actor: User | None,
    verb: str,
    post: Post | None = None,
    answer: Answer | None = None,
) -> Notification | None:
    """Record a notification in the caller's transaction and push it after commit.

    Nobody is notified of their own doing, and former colleagues are not notified. To notify
    several people of one thing, use notify_many (two queries, whatever the number).
    """
    created = notify_many(recipients=[recipient], actor=actor, verb=verb, post=post, answer=answer)
    return created[0] if created else None


def notify_many(
    *,
    recipients: Iterable[User],
    actor: User | None,
    verb: str,
    post: Post | None = None,
    answer: Answer | None = None,
) -> list[Notification]:
    """notify() for several people at once: one query for their preferences, one insert for
    all the rows, and one push batch after commit (with the rest of the transaction's).

    Returns the rows created, in the recipients' order (each person once)."""
    from profiles import events

    people: dict[int, User] = {}
    for person in recipients:
        if person.is_active and (actor is None or person.pk != actor.pk):
            people.setdefault(person.pk, person)
    if not people:
        return []
    stored = dict(
        NotificationPreference.objects.filter(user_id__in=people, verb=verb).values_list(
            "user_id", "in_app"
        )
    )
    default_in_app = _default_preference(verb)[0]
    rows = Notification.objects.bulk_create(
        [
            Notification(
                recipient=person,
                actor=actor,
                verb=verb,
                post=post,
                answer=answer,
                in_app=stored.get(pk, default_in_app),
            )
            for pk, person in people.items()
        ]
    )
    # bulk_create sets the pks on SQLite (3.35+) and PostgreSQL, both of which we support.
    events.queue_pushes([row.pk for row in rows if row.in_app])
    return rows


def preference(user: User, verb: str) -> tuple[bool, bool]:
    """(in the app, by e-mail) for one person and verb."""
    row = NotificationPreference.objects.filter(user=user, verb=verb).first()
    return (row.in_app, row.email) if row else _default_preference(verb)


def _default_preference(verb: str) -> tuple[bool, bool]:
    return True, verb in NotificationPreference.EMAIL_BY_DEFAULT


def preferences(user: User) -> dict[str, tuple[bool, bool]]:
    """(in the app, by e-mail) for every verb, defaults filled in."""
    stored = {p.verb: (p.in_app, p.email) for p in user.notification_preferences.all()}
    return {verb: stored.get(verb, _default_preference(verb)) for verb in Notification.Verb.values}


def set_preferences(*, user: User, in_app: set[str], email: set[str]) -> None:
    """Store the person's choices for every verb (those not named are switched off)."""
    with transaction.atomic():
        for verb in Notification.Verb.values:
            NotificationPreference.objects.update_or_create(
                user=user, verb=verb, defaults={"in_app": verb in in_app, "email": verb in email}
            )


def mark_notifications_read(*, user: User, ids: list[int] | None = None) -> int:
    """Mark some (or, with ids=None, all) of the user's notifications read; every open tab's
    bell is updated after commit. Returns how many changed."""
    from profiles import events

    unread = Notification.objects.filter(recipient=user, read_at__isnull=True, in_app=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    changed = unread.update(read_at=timezone.now())
    if changed:
        transaction.on_commit(lambda: events.push_unread_count(user.pk))
    return changed


def set_active(*, user: User, active: bool) -> User:
    """Let a person sign in, or stop them. Stopping also closes their open sockets (after
    commit), since a socket keeps the identity it had when it connected."""
    from profiles import events

    if user.is_active != active:
        User.objects.filter(pk=user.pk).update(is_active=active)
        user.is_active = active
        if not active:
            transaction.on_commit(lambda: events.close_user_sockets(user.pk))
    return user
