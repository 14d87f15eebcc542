"""Send each person a daily e-mail digest (reports.digest): unread notifications they want
by e-mail (mentions by default) and unanswered questions in the tags they follow. Run once a
day (cron, or a scheduler); a notification is e-mailed at most once. Links start with
SITE_URL.

A person whose mail cannot be sent is reported on one line and the others still get theirs;
their notifications stay un-emailed, so the next run tries again. The command then exits
with status 1, saying how many failed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from intranet.lib.mail import MailNotSent
from reports.digest import digest_recipients, send_digest


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
        people = digest_recipients()
        sent, failed = 0, 0
        for person in tqdm(
            people, total=people.count(), desc="Digests", unit="person", disable=None
        ):
            try:
                if send_digest(person, since=since, site_url=base_url, dry_run=dry_run):
                    sent += 1
            except MailNotSent as error:
                failed += 1
                self.stderr.write(f"could not send the digest to {person.email}: {error}")
        verb = "would send" if dry_run else "sent"
        self.stdout.write(self.style.SUCCESS(f"Digests {verb}: {sent}."))
        if failed:
            raise CommandError(f"{failed} digest(s) could not be sent; the next run retries them")
