"""Rebuild the reports' daily and weekly summaries (reports.summaries)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from reports import summaries


class Command(BaseCommand):
    help = (
        "Rebuild the daily and weekly summaries the participation report reads, up to "
        "yesterday (nightly: it takes in deletions and changes on earlier days). With "
        "--new-days-only, add only the days since the last refresh (warm_reports does that "
        "every time it runs)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--new-days-only", action="store_true", help="Add the days not summarised yet."
        )
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, new_days_only: bool, quiet: bool, **options: Any) -> None:
        started = time.monotonic()
        with tqdm(desc="Days", unit="day", disable=quiet or None) as bar:
            done = summaries.refresh(full=not new_days_only, progress=bar.update)
        if not done.days:
            self.stdout.write(f"Summaries already reach {summaries.through()}: nothing to add.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Summarised {done.days:,} days and {done.weeks:,} weeks "
                f"({done.start} to {done.end}, {done.rows:,} rows) "
                f"in {time.monotonic() - started:.1f} s."
            )
        )
