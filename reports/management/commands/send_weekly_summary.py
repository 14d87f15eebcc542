"""E-mail staff the reports' headline figures for the last seven days, with the change
from the seven days before. Run once a week (cron, or a scheduler)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.management.base import BaseCommand, CommandParser
from django.template.loader import render_to_string
from django.urls import reverse

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
            "--base-url", default="", help="Prefix for links, e.g. https://intranet.example.com"
        )
        parser.add_argument("--dry-run", action="store_true", help="Print it; send nothing.")

    def handle(self, *args: Any, base_url: str, dry_run: bool, **options: Any) -> None:
        week = last_days(7)
        now, before = all_headlines(week), all_headlines(week.previous())
        base = base_url.rstrip("/")
        sections = [
            {
                "title": entry.title,
                "url": base + reverse(entry.url_name),
                "figures": [
                    {"figure": f, "value": show(f.value, f.kind), "change": change(f, b)}
                    for f, b in zip(now[entry.slug], before[entry.slug], strict=True)
                ],
            }
            for entry in CATALOG
        ]
        context = {
            "site_name": settings.SITE_NAME,
            "period": week,
            "sections": sections,
            "index_url": base + reverse("reports:index"),
        }
        subject = f"[{settings.SITE_NAME}] Knowledge report for the week to {week.end:%-d %B %Y}"
        text = render_to_string("reports/email/weekly_summary.txt", context)
        html = render_to_string("reports/email/weekly_summary.html", context)
        staff = User.objects.filter(is_staff=True, is_active=True).exclude(email="").order_by("pk")
        if dry_run:
            to = ", ".join(staff.values_list("email", flat=True)) or "(no staff with an e-mail)"
            self.stdout.write(f"To: {to}\nSubject: {subject}\n\n{text}")
            return
        sent = 0
        for person in staff:
            message = EmailMultiAlternatives(subject, text, to=[person.email])
            message.attach_alternative(html, "text/html")
            message.send()
            sent += 1
        self.stdout.write(self.style.SUCCESS(f"Weekly summaries sent: {sent}."))
