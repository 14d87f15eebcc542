"""Writes about notifications: recording them (in the caller's transaction, pushed after
commit), reading them, and each person's choices of what reaches them in the app and by
e-mail. Callers in other apps (questions, profiles) call these; tests call them directly."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from notifications import events
from notifications.models import Notification, NotificationPreference
from notifications.posts import post_access
from profiles.mailing import DIGEST, WEEKLY_SUMMARY
from profiles.models import HandoverRequest, Profile, User
from profiles.permissions import require_colleague

if TYPE_CHECKING:
    from questions.models import Answer, Post


def notify(
    *,
    recipient: User,
    actor: User | None,
    verb: str,
    post: Post | None = None,
    answer: Answer | None = None,
    handover: HandoverRequest | None = None,
) -> Notification | None:
    """Record a notification in the caller's transaction and push it after commit.

    Nobody is notified of their own doing, and former colleagues are not notified. To notify
    several people of one thing, use notify_many (two queries, whatever the number).
    """
    created = notify_many(
        recipients=[recipient], actor=actor, verb=verb, post=post, answer=answer, handover=handover
    )
    return created[0] if created else None


def notify_many(
    *,
    recipients: Iterable[User],
    actor: User | None,
    verb: str,
    post: Post | None = None,
    answer: Answer | None = None,
    handover: HandoverRequest | None = None,
) -> list[Notification]:
    """notify() for several people at once: one query for their preferences, one insert for
    all the rows, and one push batch after commit (with the rest of the transaction's); the
    recipients' cached bells are forgotten after commit, before the push.

    Only people who may see the post (or the answer's post) are notified: nobody about a
    deleted post, only members about a private community's (one more query then), so a
    notification never names a post its recipient cannot open. Former colleagues and the
    actor are not notified.

    Returns the rows created, in the recipients' order (each person once)."""
    people: dict[int, User] = {}
    for person in recipients:
        if not person.is_former and (actor is None or person.pk != actor.pk):
            people.setdefault(person.pk, person)
    subject = post if post is not None else answer.post if answer is not None else None
    if subject is not None and people:
        allowed = post_access().who_may_see(subject, people)
        people = {pk: person for pk, person in people.items() if pk in allowed}
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
                handover=handover,
                in_app=stored.get(pk, default_in_app),
            )
            for pk, person in people.items()
        ]
    )
    # bulk_create sets the pks on SQLite (3.35+) and PostgreSQL, both of which we support.
    events.forget_bells_after_commit([row.recipient_id for row in rows if row.in_app])
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
    require_colleague(user)
    with transaction.atomic():
        for verb in Notification.Verb.values:
            NotificationPreference.objects.update_or_create(
                user=user, verb=verb, defaults={"in_app": verb in in_app, "email": verb in email}
            )


def stop_mail(*, user: User, mail: str) -> None:
    """Stop one kind of mail for the person (the unsubscribe link in it): the daily digest
    (every kind of notification off by e-mail, the app left as it is) or the weekly report.
    Doing it twice changes nothing."""
    with transaction.atomic():
        if mail == DIGEST:
            for verb, (in_app, _) in preferences(user).items():
                NotificationPreference.objects.update_or_create(
                    user=user, verb=verb, defaults={"in_app": in_app, "email": False}
                )
        elif mail == WEEKLY_SUMMARY:
            Profile.objects.filter(user=user).update(weekly_summary_email=False)
        else:
            raise ValueError(f"unknown mail {mail!r}")


def set_weekly_summary_email(*, user: User, on: bool) -> None:
    """Staff choose whether the weekly knowledge report comes to them by e-mail."""
    Profile.objects.filter(user=user).update(weekly_summary_email=on)


def mark_notifications_read(*, user: User, ids: list[int] | None = None) -> int:
    """Mark some (or, with ids=None, all) of the user's notifications read; every open tab's
    bell is updated after commit. Returns how many changed."""
    require_colleague(user)

    unread = Notification.objects.filter(recipient=user, read_at__isnull=True, in_app=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    changed = unread.update(read_at=timezone.now())
    if changed:
        transaction.on_commit(lambda: events.push_unread_count(user.pk))
    return changed
