"""Build every report's default range in advance, for each staff member's view of private
communities, so that report pages open at once (see reports.cache)."""

from __future__ import annotations

import time
from functools import partial
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from profiles.models import User
from reports import summaries
from reports.cache import cached_headlines, cached_report, report_key, visibility_key
from reports.catalog import CATALOG, all_headlines
from reports.periods import last_days
from reports.views import INDEX_DAYS


class Command(BaseCommand):
    help = (
        "Compute the reports' default ranges and the index's figures into the cache, once "
        "per distinct view of private communities among active staff. Run it more often "
        "than REPORTS_CACHE_SECONDS (e.g. every 10 minutes with the default 15)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, quiet: bool, **options: Any) -> None:
        # Yesterday joins the summaries once the day has turned (a no-op otherwise).
        summaries.refresh()
        if settings.REPORTS_CACHE_SECONDS <= 0:
            self.stdout.write("REPORTS_CACHE_SECONDS is 0: reports are not cached, nothing to do.")
            return
        started = time.monotonic()
        readers: dict[str, User] = {}
        for person in User.objects.filter(is_staff=True, is_active=True).order_by("pk"):
            readers.setdefault(visibility_key(person), person)
        period = last_days(INDEX_DAYS)
        cached_headlines(period, lambda: all_headlines(period), refresh=True)
        jobs = [(entry, reader) for reader in readers.values() for entry in CATALOG]
        for entry, reader in tqdm(jobs, desc="Reports", unit="report", disable=quiet or None):
            default = entry.default_range()
            cached_report(
                report_key(entry.slug, default, reader),
                partial(entry.build, default, reader),
                refresh=True,
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Reports ready: {len(jobs)} for {len(readers)} view(s) of private communities "
                f"({time.monotonic() - started:.1f} s)."
            )
        )
