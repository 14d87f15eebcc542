"""The daily e-mail digest: a person's unread notifications they want by e-mail (mentions
by default) and the unanswered questions in the tags they follow. A notification is
e-mailed at most once. Links start with SITE_URL (or the site address given).

It reads notifications and questions, so it sits with the insights, above both; its
command is `manage.py send_digests`."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from intranet.lib.mail import absolute_url, compose, send
from notifications.actions import preferences
from notifications.events import NOTIFICATION_RELATED, notification_text, notification_url
from notifications.models import Notification
from profiles.mailing import DIGEST, settings_url, unsubscribe_url
from profiles.models import Follow, User, current_q
from questions.models import Post, TaggedPost
from questions.permissions import visible_posts


def digest_recipients() -> QuerySet[User]:
    """Every current colleague with an e-mail address, in a stable order."""
    return User.objects.filter(current_q()).exclude(email="").order_by("pk")


def send_digest(person: User, *, since: datetime, site_url: str, dry_run: bool) -> bool:
    """E-mail `person` their digest of what came since `since`; False when there is nothing
    to send. With `dry_run`, only says whether there is something.

    Raises intranet.lib.mail's MailNotSent when the mail cannot be sent; the notifications
    are then left un-emailed (marked in the same transaction as the send), so that the next
    run tries again."""
    wanted = {verb for verb, (_, email) in preferences(person).items() if email}
    notes = list(
        Notification.objects.filter(
            recipient=person,
            verb__in=wanted,
            read_at__isnull=True,
            emailed_at__isnull=True,
            created_at__gte=since,
        )
        .seen_by_recipient()  # they may have left a private community since
        .select_related(*NOTIFICATION_RELATED)
        .order_by("pk")[:50]
    )
    waiting: list[Post] = []
    if Notification.Verb.WAITING in wanted:
        tags = Follow.objects.filter(follower=person, tag__isnull=False).values("tag_id")
        waiting = list(
            visible_posts(person)
            .unanswered()
            .filter(
                created_at__gte=since,
                id__in=TaggedPost.objects.filter(tag_id__in=tags).values("content_object_id"),
            )
            .exclude(author=person)
            # A question already offered to them (a WAITING notification) is listed once.
            .exclude(pk__in=[n.post_id for n in notes if n.post_id])
            .order_by("-created_at")[:10]
        )
    if not notes and not waiting:
        return False
    if dry_run:
        return True
    link = partial(absolute_url, site_url=site_url)
    context = {
        "person": person,
        "notes": [(notification_text(n), link(notification_url(n))) for n in notes],
        "waiting": [(p.display_title, link(p.get_absolute_url())) for p in waiting],
        "settings_url": settings_url(site_url=site_url),
    }
    message = compose(
        to=person.email,
        subject=f"Your daily digest: {len(notes)} new, {len(waiting)} waiting",
        template="profiles/email/digest",
        context=context,
        unsubscribe_url=unsubscribe_url(person, DIGEST, site_url=site_url),
    )
    # Marked e-mailed only if the mail went: a failure rolls the mark back.
    with transaction.atomic():
        Notification.objects.filter(pk__in=[n.pk for n in notes]).update(emailed_at=timezone.now())
        send(message)
    return True
