"""Send each person a daily e-mail digest: unread notifications they want by e-mail (mentions
by default) and unanswered questions in the tags they follow. Run once a day (cron, or a
scheduler); a notification is e-mailed at most once. Links start with SITE_URL.

A person whose mail cannot be sent is reported on one line and the others still get theirs;
their notifications stay un-emailed, so the next run tries again. The command then exits
with status 1, saying how many failed."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from intranet.lib.mail import MailNotSent, absolute_url, compose, send
from notifications.actions import preferences
from notifications.events import NOTIFICATION_RELATED, notification_text, notification_url
from notifications.models import Notification
from profiles.mailing import DIGEST, settings_url, unsubscribe_url
from profiles.models import Follow, User, current_q
from questions.models import Post, TaggedPost
from questions.permissions import visible_posts


class Command(BaseCommand):
    help = (
        "E-mail each active person a digest of unread notifications they chose to get by "
        "e-mail and of unanswered questions in their followed tags from the last --hours."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--hours", type=int, default=24, help="Look back this far (24).")
        parser.add_argument(
            "--base-url",
            default="",
            help="Prefix for links instead of SITE_URL, e.g. https://intranet.example.com",
        )
        parser.add_argument("--dry-run", action="store_true", help="Show counts, send nothing.")

    def handle(self, *args: Any, hours: int, base_url: str, dry_run: bool, **options: Any) -> None:
        since = timezone.now() - timedelta(hours=hours)
        people = User.objects.filter(current_q()).exclude(email="").order_by("pk")
        sent, failed = 0, 0
        for person in tqdm(
            people, total=people.count(), desc="Digests", unit="person", disable=None
        ):
            try:
                if self.send_one(person, since=since, base_url=base_url, dry_run=dry_run):
                    sent += 1
            except MailNotSent as error:
                failed += 1
                self.stderr.write(f"could not send the digest to {person.email}: {error}")
        verb = "would send" if dry_run else "sent"
        self.stdout.write(self.style.SUCCESS(f"Digests {verb}: {sent}."))
        if failed:
            raise CommandError(f"{failed} digest(s) could not be sent; the next run retries them")

    def send_one(self, person: User, *, since: Any, base_url: str, dry_run: bool) -> bool:
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
        link = partial(absolute_url, site_url=base_url)
        context = {
            "person": person,
            "notes": [(notification_text(n), link(notification_url(n))) for n in notes],
            "waiting": [(p.display_title, link(p.get_absolute_url())) for p in waiting],
            "settings_url": settings_url(site_url=base_url),
        }
        message = compose(
            to=person.email,
            subject=f"Your daily digest: {len(notes)} new, {len(waiting)} waiting",
            template="profiles/email/digest",
            context=context,
            unsubscribe_url=unsubscribe_url(person, DIGEST, site_url=base_url),
        )
        # Marked e-mailed only if the mail went: a failure rolls the mark back.
        with transaction.atomic():
            Notification.objects.filter(pk__in=[n.pk for n in notes]).update(
                emailed_at=timezone.now()
            )
            send(message)
        return True
