"""E-mail staff the reports' headline figures for the last seven days, with the change
from the seven days before. Run once a week (cron, or a scheduler). Links start with
SITE_URL; each mail links to the notification settings and carries a one-click unsubscribe.
A person whose mail cannot be sent is reported on one line, the others still get theirs,
and the command exits with status 1 saying how many failed."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.loader import render_to_string
from django.urls import reverse

from intranet.lib.mail import MailNotSent, absolute_url, compose, send, subject_line
from profiles.mailing import WEEKLY_SUMMARY, settings_url, unsubscribe_url
from profiles.models import User
from reports.catalog import CATALOG, all_headlines
from reports.periods import last_days
from reports.report import Figure, show
from reports.tables import HOURS, PCT


def change(now: Figure, before: Figure) -> str:
    """How a figure moved since the week before, in words ("+12", "3 points lower")."""
    if not isinstance(now.value, int | float) or not isinstance(before.value, int | float):
        return ""
    delta = now.value - before.value
    if abs(delta) < 1e-9:
        return "no change"
    if now.kind == PCT:
        return f"{abs(delta):.0f} points {'higher' if delta > 0 else 'lower'}"
    if now.kind == HOURS:
        return f"{show(abs(delta), HOURS)} {'slower' if delta > 0 else 'faster'}"
    return f"{delta:+,.0f}"


class Command(BaseCommand):
    help = (
        "E-mail every active staff member with an e-mail address the reports' headline "
        "figures for the last 7 days and how they changed from the 7 days before (text and "
        "HTML). --dry-run prints the e-mail instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--base-url",
            default="",
            help="Prefix for links instead of SITE_URL, e.g. https://intranet.example.com",
        )
        parser.add_argument("--dry-run", action="store_true", help="Print it; send nothing.")

    def handle(self, *args: Any, base_url: str, dry_run: bool, **options: Any) -> None:
        week = last_days(7)
        now, before = all_headlines(week), all_headlines(week.previous())
        sections = [
            {
                "title": entry.title,
                "url": absolute_url(reverse(entry.url_name), site_url=base_url),
                "figures": [
                    {"figure": f, "value": show(f.value, f.kind), "change": change(f, b)}
                    for f, b in zip(now[entry.slug], before[entry.slug], strict=True)
                ],
            }
            for entry in CATALOG
        ]
        context = {
            "period": week,
            "sections": sections,
            "index_url": absolute_url(reverse("reports:index"), site_url=base_url),
            "settings_url": settings_url(site_url=base_url),
        }
        subject = f"Knowledge report for the week to {week.end:%-d %B %Y}"
        staff = (
            User.objects.filter(is_staff=True, is_active=True, profile__weekly_summary_email=True)
            .exclude(email="")
            .order_by("pk")
        )
        if dry_run:
            to = ", ".join(staff.values_list("email", flat=True)) or "(no staff with an e-mail)"
            context = {**context, "site_name": settings.SITE_NAME}
            text = render_to_string("reports/email/weekly_summary.txt", context)
            self.stdout.write(f"To: {to}\nSubject: {subject_line(subject)}\n\n{text}")
            return
        sent, failed = 0, 0
        for person in staff:
            message = compose(
                to=person.email,
                subject=subject,
                template="reports/email/weekly_summary",
                context=context,
                unsubscribe_url=unsubscribe_url(person, WEEKLY_SUMMARY, site_url=base_url),
            )
            try:
                send(message)
            except MailNotSent as error:
                failed += 1
                self.stderr.write(f"could not send the weekly summary to {person.email}: {error}")
                continue
            sent += 1
        self.stdout.write(self.style.SUCCESS(f"Weekly summaries sent: {sent}."))
        if failed:
            raise CommandError(f"{failed} weekly summary e-mail(s) could not be sent")
